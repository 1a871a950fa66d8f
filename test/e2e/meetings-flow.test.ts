// The paperless meeting from end to end (issue 13 §5), at tablet size in chromium, one browser
// context per person: prepared and published by the secretary, accepted, checked in by the room's
// QR address, run item by item with every member's page following live, a member given the
// floor, a named and a secret vote, the minutes signed by the secretary and the chair.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { StoredFile } from '../../src/files/file.model.js';
import { readStoredFile } from '../../src/files/file-storage.service.js';
import { MeetingMinutes } from '../../src/meetings/meeting-minutes.model.js';
import { MeetingVote, MeetingVoteBallot } from '../../src/meetings/meeting-vote.model.js';
import {
  Meeting,
  MeetingItemDocument,
  MeetingParticipant,
} from '../../src/meetings/meeting.model.js';
import { loadTrustAnchors } from '../../src/pki/index.js';
import { verifyPdf } from '../../src/signing/verify.js';
import type { User } from '../../src/users/user.model.js';
import { buildAgency, buildUser } from '../factories/index.js';
import { makePdf } from '../fixtures/pdf.js';
import { screenshot } from '../helpers/e2e-browser.js';
import { useBrowserAndApp } from '../helpers/e2e-tablet.js';
import { enrolForTest, TEST_PIN } from '../helpers/signing-keys.js';
import { testApp } from '../helpers/test-app.js';

/** dd/mm/yyyy hh:mm (Vietnam time), days ahead. */
function vnTime(daysAhead: number, hour: number): string {
  const d = new Date(Date.now() + daysAhead * 86_400_000 + 7 * 3_600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${pad(hour)}:00`;
}

function pdfsig(bytes: Buffer): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'flow-minutes-')), 'bien-ban.pdf');
  writeFileSync(file, bytes);
  try {
    return execFileSync('pdfsig', [file], { encoding: 'utf8' });
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? '');
  }
}

const ITEMS = [
  'Báo cáo kinh tế - xã hội tháng 11',
  'Kế hoạch đầu tư công năm 2027',
  'Đề án chuyển đổi số cấp huyện',
];

describe('A paperless meeting from preparation to signed minutes, on tablets', function () {
  this.timeout(300_000);
  const room = useBrowserAndApp();

  it('prepares, checks in, runs the agenda live, gives the floor, votes twice and signs the minutes', async () => {
    const agency = await buildAgency();
    const person = (roles: Parameters<typeof buildUser>[1], fullName: string, title: string) =>
      buildUser(agency, roles, { fullName, positionTitle: title });
    const secretaryUser = await person(['clerk'], 'Lê Thị Thư Ký', 'Chánh Văn phòng');
    const chairUser = await person(['leader'], 'Trần Văn Chủ Trì', 'Chủ tịch');
    const memberA = await person(['dept_head'], 'Phạm Thị An', 'Trưởng phòng Tài chính');
    const memberB = await person(['dept_head'], 'Ngô Văn Bình', 'Trưởng phòng Nội vụ');
    const memberC = await person(['specialist'], 'Đỗ Thị Cúc', 'Chuyên viên');
    await enrolForTest(secretaryUser);
    await enrolForTest(chairUser);

    const pageErrors: string[] = [];
    const open = async (user: User): Promise<Page> =>
      (
        await room.signIn(user.username, {
          onPageError: (e) => pageErrors.push(`${user.username}: ${e.message}`),
        })
      ).page;
    const s = await open(secretaryUser);
    const c = await open(chairUser);
    const a = await open(memberA);
    const b = await open(memberB);
    const cc = await open(memberC);

    // 1. The secretary prepares the meeting: chair, time, three members who vote, three items
    //    each with an uploaded PDF, then publishes.
    await s.goto('/meetings/new');
    await s.getByLabel('Tên cuộc họp').fill('Phiên họp UBND tháng 12');
    await s.getByLabel('Chủ trì').selectOption({ label: 'Trần Văn Chủ Trì – Chủ tịch' });
    await s.getByLabel('Thư ký').selectOption({ label: 'Lê Thị Thư Ký – Chánh Văn phòng' });
    await s.getByLabel(/^Bắt đầu/).fill(vnTime(0, 8));
    await s.getByLabel(/^Kết thúc/).fill(vnTime(0, 11));
    await s.getByLabel('Đường dẫn họp trực tuyến').fill('https://hop.example.vn/ubnd-12');
    await Promise.all([
      s.waitForURL(/\/meetings\/\d+$/),
      s.getByRole('button', { name: 'Lưu' }).click(),
    ]);
    const meetingId = Number(/\/meetings\/(\d+)$/.exec(s.url())![1]);

    await s.getByText('Mời thêm').click();
    await s
      .getByLabel('Cán bộ trong cơ quan')
      .selectOption([
        { label: 'Phạm Thị An – Trưởng phòng Tài chính' },
        { label: 'Ngô Văn Bình – Trưởng phòng Nội vụ' },
        { label: 'Đỗ Thị Cúc – Chuyên viên' },
      ]);
    await s.locator('#inv-people-role').selectOption('member');
    await s.locator('.invite form').first().getByLabel('Thành viên biểu quyết').check();
    await Promise.all([
      s.waitForURL(/#participants$/),
      s.getByRole('button', { name: 'Mời những người đã chọn' }).click(),
    ]);
    for (const [i, title] of ITEMS.entries()) {
      await s.getByText('Thêm nội dung', { exact: true }).click();
      await s.locator('#new-item-title').fill(title);
      await s.locator('#new-item-minutes').fill('20');
      await Promise.all([
        s.waitForURL(/#agenda$/),
        s.getByRole('button', { name: 'Thêm vào chương trình' }).click(),
      ]);
      const item = s.locator('.agenda-item').nth(i);
      await item.getByText(title).waitFor();
      await item.getByText('Thêm tài liệu họp').click();
      await item.locator('input[type="file"][name="files"]').setInputFiles({
        name: `tai-lieu-${i + 1}.pdf`,
        mimeType: 'application/pdf',
        buffer: await makePdf(1, `Tai lieu noi dung ${i + 1}`),
      });
      await Promise.all([
        s.waitForURL(/#agenda$/),
        item.getByRole('button', { name: 'Tải lên', exact: true }).click(),
      ]);
    }
    expect(await MeetingItemDocument.count({ where: { meetingId } })).to.equal(3);
    s.once('dialog', (d) => void d.accept());
    await Promise.all([s.waitForURL(/\/meetings\/\d+$/), s.getByTestId('publish').click()]);
    await s.getByText('Đã phát hành giấy mời', { exact: true }).first().waitFor();
    const meeting = (await Meeting.findByPk(meetingId))!;
    expect(meeting.status).to.equal('published');

    // 2. The members open the invitation from their bell and accept it.
    for (const m of [a, b, cc]) {
      await m.goto('/notifications');
      await Promise.all([
        m.waitForURL(`**/meetings/${meetingId}`),
        m
          .getByRole('button', { name: /Phiên họp UBND tháng 12/ })
          .first()
          .click(),
      ]);
      await m.getByRole('radio', { name: 'Tham dự' }).check();
      await Promise.all([
        m.waitForURL(/\/meetings\/\d+$/),
        m.getByRole('button', { name: 'Gửi trả lời' }).click(),
      ]);
      await m.getByTestId('my-rsvp').getByText('Tham dự').waitFor();
    }

    // 3. Two check in by the room's QR address; the chair is checked in by hand.
    const token = meeting.checkInToken;
    expect(token).to.be.a('string');
    const live = `/meetings/${meetingId}/live`;
    for (const m of [a, b]) {
      await m.goto(`/meetings/checkin/${token}`);
      await m.getByTestId('checkin-result').getByText('Đã điểm danh').waitFor();
      // From the check-in straight into the room.
      await Promise.all([
        m.waitForURL(`**${live}`),
        m.getByRole('link', { name: 'Vào phòng họp' }).click(),
      ]);
    }
    const participants = await MeetingParticipant.findAll({ where: { meetingId } });
    const rowOf = (u: User) => participants.find((p) => p.userId === u.id)!;
    expect([rowOf(memberA).attendance, rowOf(memberB).attendance]).to.deep.equal([
      'present',
      'present',
    ]);

    // 4. The others enter the room from the meeting's page before it opens; the room's screen
    //    is opened from the secretary's live page.
    for (const p of [s, c, cc]) {
      await p.goto(`/meetings/${meetingId}`);
      await Promise.all([p.waitForURL(`**${live}`), p.getByTestId('enter-room').click()]);
    }
    const [screen] = await Promise.all([
      s.context().waitForEvent('page'),
      s.getByRole('link', { name: 'Màn hình phòng họp' }).click(),
    ]);
    screen.on('pageerror', (e) => pageErrors.push(`screen: ${e.message}`));
    await screen.waitForURL(`**/meetings/${meetingId}/screen`);
    await screen.getByTestId('checkin-qr').locator('svg').waitFor();
    await s.getByTestId(`attendance-${rowOf(chairUser).id}`).selectOption({ value: 'present' });
    await s
      .locator(`tr[data-participant-id="${rowOf(chairUser).id}"]`)
      .getByRole('button', { name: 'Lưu' })
      .click();
    await c
      .getByTestId('presence')
      .getByText(/thành viên biểu quyết 3\/4/)
      .waitFor();

    // 5. The chair opens the meeting (the pages reload once, as they do for it) and moves
    //    through the items; the members' pages and the screen follow without reloading.
    const followers = [a, b, cc, screen];
    await Promise.all([c.waitForURL(/\/live$/), c.getByTestId('open-meeting').click()]);
    for (const m of followers) {
      // The page as served after the opening (data-state is what the server rendered).
      await m.waitForFunction(() => {
        const el = document.getElementById('meeting-live');
        const state = JSON.parse(el?.dataset.state ?? '{}') as { meeting?: { status?: string } };
        return state.meeting?.status === 'in_progress';
      });
      await m
        .getByTestId(/^(current-item|screen-current)$/)
        .getByText(`1. ${ITEMS[0]}`)
        .waitFor();
      // A mark that only this document carries: a reload would drop it.
      await m.evaluate(() => ((window as unknown as { flowMark: number }).flowMark = 1));
    }
    const notReloaded = async () => {
      for (const m of followers)
        expect(
          await m.evaluate(() => (window as unknown as { flowMark?: number }).flowMark),
          `${m.url()} was reloaded`,
        ).to.equal(1);
    };
    for (const n of [2, 3]) {
      await c.getByTestId('next-item').click();
      for (const m of followers)
        await m
          .getByTestId(/^(current-item|screen-current)$/)
          .getByText(`${n}. ${ITEMS[n - 1]}`)
          .waitFor();
    }
    await notReloaded();
    // The current item's documents came with it (the last item's PDF, uploaded last).
    const lastDoc = (await MeetingItemDocument.findOne({
      where: { meetingId },
      order: [['id', 'DESC']],
    }))!;
    for (const m of [a, b, cc])
      await m
        .getByTestId('current-item')
        .locator(`a[href="/meetings/${meetingId}/documents/${lastDoc.id}"]`)
        .waitFor();
    await a.locator('#live-agenda li[data-status="done"]').nth(1).waitFor();
    await screenshot(a, 'meetings-flow-member-live');

    // 6. A member asks to speak; the chair gives the floor; the member and the screen show it.
    await a.getByTestId('ask-to-speak').click();
    await a.getByText('Bạn đã đăng ký phát biểu, đang chờ đến lượt.').waitFor();
    const queued = c.getByTestId('speech-queue').locator('li', { hasText: memberA.fullName });
    await queued.waitFor();
    await queued.getByRole('button', { name: 'Mời phát biểu' }).click();
    await a.getByText('Bạn đang phát biểu.').waitFor();
    await screen.getByTestId('speaker').getByText(memberA.fullName).waitFor();
    await screenshot(screen, 'meetings-flow-screen-speaker');
    await c
      .getByTestId('speech-queue')
      .locator('li', { hasText: memberA.fullName })
      .getByRole('button', { name: 'Kết thúc phát biểu' })
      .click();
    await screen.getByTestId('speaker').getByText(memberA.fullName).waitFor({ state: 'detached' });

    // 7. A named vote, then a secret one: the chair and the two members in the room agree.
    const runVote = async (question: string, secret: boolean): Promise<number> => {
      // From the room's vote panel to the form, and back into the room.
      await Promise.all([
        c.waitForURL(/\/votes$/),
        c
          .getByTestId('meeting-votes')
          .getByRole('link', { name: /Danh sách biểu quyết/ })
          .click(),
      ]);
      await c.getByLabel('Câu hỏi biểu quyết').fill(question);
      if (secret) await c.getByLabel('Bỏ phiếu kín').check();
      await Promise.all([c.waitForURL(/\/votes\/\d+$/), c.getByTestId('open-vote').click()]);
      const voteId = Number(/\/votes\/(\d+)$/.exec(c.url())![1]);
      await Promise.all([
        c.waitForURL(`**${live}`),
        c.getByRole('link', { name: 'Về cuộc họp' }).click(),
      ]);
      for (const m of [c, a, b]) {
        const card = m.getByTestId(`vote-${voteId}`);
        await card.getByRole('button', { name: 'Đồng ý', exact: true }).click();
        await card.getByText('Bạn đã biểu quyết').first().waitFor();
      }
      const chairCard = c.getByTestId(`vote-${voteId}`);
      await chairCard.getByText(/Đã biểu quyết: 3\//).waitFor();
      c.once('dialog', (d) => void d.accept());
      await chairCard.getByTestId(`close-vote-${voteId}`).click();
      const sentence = 'Thông qua: 3/4 thành viên đồng ý, trên 1/2 tổng số';
      for (const m of [a, b, cc])
        await m.getByTestId(`vote-${voteId}`).getByText(sentence).waitFor();
      await screen.getByTestId('screen-vote').getByText(sentence).waitFor();
      return voteId;
    };
    const named = await runVote('Thông qua kế hoạch đầu tư công năm 2027', false);
    const secret = await runVote('Thông qua Đề án chuyển đổi số (bỏ phiếu kín)', true);
    await screenshot(b, 'meetings-flow-votes');
    // The floor and both votes reached the members' pages and the screen without a reload.
    await notReloaded();
    expect((await MeetingVote.findByPk(named))!.isSecret).to.equal(false);
    expect((await MeetingVote.findByPk(secret))!.isSecret).to.equal(true);
    // The named ballots name their members; the secret ones nobody, each with a receipt code.
    const namedBallots = await MeetingVoteBallot.findAll({ where: { voteId: named } });
    expect(namedBallots.map((x) => x.participantId).sort()).to.deep.equal(
      [rowOf(chairUser).id, rowOf(memberA).id, rowOf(memberB).id].sort(),
    );
    const secretBallots = await MeetingVoteBallot.findAll({ where: { voteId: secret } });
    expect(secretBallots.map((x) => x.participantId)).to.deep.equal([null, null, null]);
    expect(
      secretBallots.every((x) => /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(x.receiptCode!)),
    ).to.equal(true);

    // 8. The chair closes the meeting; the minutes are written, submitted and signed by both.
    c.once('dialog', (d) => void d.accept());
    await Promise.all([c.waitForURL(/\/live$/), c.getByTestId('close-meeting').click()]);
    await a.getByTestId('meeting-status').getByText('Đã bế mạc').waitFor();
    // From the room (reloaded as closed) by the meeting's page to its minutes.
    await s.getByTestId('meeting-status').getByText('Đã bế mạc').waitFor();
    await Promise.all([
      s.waitForURL(`**/meetings/${meetingId}`),
      s.getByTestId('meeting-page').click(),
    ]);
    await Promise.all([
      s.waitForURL(/\/minutes$/),
      s.getByTestId('meeting-minutes-summary').getByRole('link', { name: 'Mở biên bản' }).click(),
    ]);
    const editor = s.getByLabel('Nội dung biên bản');
    const skeleton = await editor.inputValue();
    expect(skeleton).to.contain(memberA.fullName);
    expect(skeleton).to.contain(ITEMS[2]);
    // The record of the room: the speech and both votes with their results.
    expect(skeleton).to.match(new RegExp(`- ${memberA.fullName} lúc \\d\\d:\\d\\d`));
    const passed = 'Thông qua: 3/4 thành viên đồng ý, trên 1/2 tổng số';
    expect(skeleton).to.contain(`Biểu quyết: Thông qua kế hoạch đầu tư công năm 2027 — ${passed}`);
    expect(skeleton).to.contain(
      `Biểu quyết (phiếu kín): Thông qua Đề án chuyển đổi số (bỏ phiếu kín) — ${passed}`,
    );
    // The closing time is written in; the blanks "..." are the secretary's to fill before
    // submitting (what each speaker said, the conclusions).
    expect(skeleton).to.match(/Cuộc họp kết thúc vào \d\d giờ \d\d phút, ngày \d\d tháng/);
    const written = skeleton
      .replace(/: \.\.\.$/gm, ': đề nghị ưu tiên vốn cho hạ tầng số.')
      .replace(/^1\. \.\.\.$/m, '1. Giao Phòng Tài chính tham mưu bố trí vốn.');
    await editor.fill(written);
    await Promise.all([
      s.waitForURL(/\/minutes$/),
      s.getByRole('button', { name: 'Lưu biên bản' }).click(),
    ]);
    await s.getByText('Đã lưu biên bản.').waitFor();
    await Promise.all([s.waitForURL(/\/minutes$/), s.getByTestId('minutes-submit').click()]);
    await s.getByText('Đã trình ký biên bản.').waitFor();
    await s.getByLabel('Mã PIN ký số').fill(TEST_PIN);
    await Promise.all([s.waitForURL(/\/minutes$/), s.getByTestId('minutes-sign').click()]);
    await s.getByText('Đã ký biên bản.').waitFor();
    // The chair finds the minutes waiting in 'Cần xử lý'.
    await c.goto('/');
    await Promise.all([
      c.waitForURL(/\/minutes$/),
      c.getByRole('link', { name: 'Biên bản: Phiên họp UBND tháng 12' }).click(),
    ]);
    await c.getByLabel('Mã PIN ký số').fill(TEST_PIN);
    await Promise.all([c.waitForURL(/\/minutes$/), c.getByTestId('minutes-sign').click()]);
    await c.getByTestId('minutes-status').getByText('Đã ký').waitFor();
    await screenshot(c, 'meetings-flow-minutes-signed');

    const minutes = (await MeetingMinutes.findOne({ where: { meetingId } }))!;
    expect(minutes.status).to.equal('signed');
    const pdf = await readStoredFile((await StoredFile.findByPk(minutes.fileId!))!);
    const { config } = await testApp();
    const report = verifyPdf(pdf, { trustAnchors: loadTrustAnchors(config.certsDir) });
    expect(
      report.signatures.map((x) => x.valid),
      JSON.stringify(report.signatures.map((x) => x.problems)),
    ).to.deep.equal([true, true]);
    const out = pdfsig(pdf);
    expect(out.match(/Signature #\d/g) ?? []).to.have.length(2);
    expect(out).not.to.match(/Signature is Invalid|Digest Mismatch/);
    expect(out).to.contain(secretaryUser.fullName);
    expect(out).to.contain(chairUser.fullName);

    // 9. A conclusion becomes a task for a member, who finds it in 'Cần xử lý', reports progress
    //    and completes it; the meeting's tasks show it done.
    const conclusion = 'Giao Phòng Tài chính tham mưu bố trí vốn đầu tư công năm 2027.';
    const hub = `/meetings/${meetingId}`;
    await s.goto(hub);
    await Promise.all([
      s.waitForURL(/\/conclusions$/),
      s
        .getByTestId('meeting-minutes-summary')
        .getByRole('link', { name: 'Kết luận cuộc họp' })
        .click(),
    ]);
    await s.getByLabel('Thêm kết luận').fill(conclusion);
    await Promise.all([
      s.waitForURL(/\/conclusions$/),
      s.getByRole('button', { name: 'Lưu kết luận' }).click(),
    ]);
    await s.getByText('Đã lưu kết luận.').waitFor();
    await s.goto(hub);
    await Promise.all([
      s.waitForURL(/\/tasks$/),
      s.getByTestId('meeting-tasks-summary').getByRole('link', { name: 'Giao nhiệm vụ' }).click(),
    ]);
    const give = s.getByTestId('task-create-form');
    await give.getByLabel('Kết luận', { exact: true }).selectOption({ label: `1. ${conclusion}` });
    await give
      .getByLabel('Hoặc cá nhân chủ trì')
      .selectOption({ label: `${memberA.fullName} — Trưởng phòng Tài chính` });
    await give.locator('#task-days').fill('10');
    await Promise.all([
      s.waitForURL(/\/tasks$/),
      give.getByRole('button', { name: 'Giao nhiệm vụ' }).click(),
    ]);
    await s.getByText('Đã giao nhiệm vụ.').waitFor();
    const taskRow = s.getByTestId('meeting-tasks').locator('tr', { hasText: conclusion });
    await taskRow.getByText('Đang thực hiện').waitFor();

    await a.goto('/');
    await a.getByTestId('meeting-tasks-waiting').getByRole('link', { name: conclusion }).click();
    await a.waitForURL(/\/meetings\/tasks\/\d+$/);
    await a.getByLabel('Tiến độ (%)').fill('60');
    await a.getByLabel('Nội dung báo cáo').fill('Đã tổng hợp nhu cầu vốn của các xã.');
    await Promise.all([
      a.waitForURL(/\/meetings\/tasks\/\d+$/),
      a.getByRole('button', { name: 'Gửi báo cáo tiến độ' }).click(),
    ]);
    await a.getByText('Đã gửi báo cáo tiến độ.').waitFor();
    await a
      .getByTestId('task-complete-form')
      .getByLabel('Kết quả thực hiện')
      .fill('Đã trình UBND phương án bố trí vốn.');
    const done = a.getByRole('button', { name: 'Hoàn thành', exact: true });
    expect((await done.boundingBox())!.height).to.be.at.least(44);
    await Promise.all([a.waitForURL(/\/meetings\/tasks\/\d+$/), done.click()]);
    await a.getByText('Đã hoàn thành nhiệm vụ.').waitFor();
    await a.getByTestId('task-status').getByText('Đã hoàn thành').waitFor();
    await screenshot(a, 'meetings-flow-task-done');
    await s.reload();
    await taskRow.getByText('Đã hoàn thành').waitFor();
    expect(pageErrors).to.deep.equal([]);
  });
});
