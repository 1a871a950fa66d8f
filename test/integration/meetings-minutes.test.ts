import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { latestFlowOf } from '../../src/approvals/approvals.access.js';
import { actOnApproval } from '../../src/approvals/approvals.service.js';
import { waitingApprovals } from '../../src/approvals/approvals.waiting.js';
import { Notification } from '../../src/notifications/notification.model.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { DocumentFile, StoredFile } from '../../src/files/file.model.js';
import { readStoredFile } from '../../src/files/file-storage.service.js';
import { AppError } from '../../src/http/app-error.js';
import { MeetingMinutes } from '../../src/meetings/meeting-minutes.model.js';
import { MeetingItem, MeetingParticipant, type Meeting } from '../../src/meetings/meeting.model.js';
import { MeetingSpeech } from '../../src/meetings/meeting-live.model.js';
import { requireMeetingAccess } from '../../src/meetings/meetings.access.js';
import { closeMeeting } from '../../src/meetings/meetings.live.service.js';
import { blanksIn, CLOSING_BLANK, closingLine } from '../../src/meetings/minutes-skeleton.js';
import { castBallot } from '../../src/meetings/meetings.votes.cast.js';
import { CastSchema, OpenVoteSchema } from '../../src/meetings/meetings.votes.schemas.js';
import { closeVote, openVote } from '../../src/meetings/meetings.votes.service.js';
import {
  returnMinutes,
  saveMinutes,
  signMinutes,
  skeletonOf,
  submitMinutes,
} from '../../src/meetings/minutes.service.js';
import { loadTrustAnchors } from '../../src/pki/index.js';
import { verifyPdf } from '../../src/signing/verify.js';
import type { User } from '../../src/users/user.model.js';
import request from 'supertest';
import { createAccessToken } from '../../src/users/users.service.js';
import { buildAgency, buildUser, loginAs } from '../factories/index.js';
import { buildMeeting } from '../helpers/meeting-minutes-fixture.js';
import { enrolForTest, TEST_PIN } from '../helpers/signing-keys.js';
import { testApp } from '../helpers/test-app.js';

const actorOf = (user: User) => ({ user, ip: '127.0.0.1' });

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.catch((e: unknown) => e);
  expect(err, String(err)).to.be.instanceOf(AppError);
  return err as AppError;
}

async function currentPdf(meetingId: number): Promise<Buffer> {
  const minutes = await MeetingMinutes.findOne({ where: { meetingId } });
  return readStoredFile((await StoredFile.findByPk(minutes!.fileId!))!);
}

function pdfsig(bytes: Buffer): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'minutes-')), 'bien-ban.pdf');
  writeFileSync(file, bytes);
  try {
    return execFileSync('pdfsig', [file], { encoding: 'utf8' });
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? '');
  }
}

function pdfText(bytes: Buffer): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'minutes-')), 'bien-ban.pdf');
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' });
}

describe('meeting minutes: the skeleton, versions, the PDF signed by the secretary and the chair', function () {
  this.timeout(120_000);
  let chair: User;
  let secretary: User;
  let member: User;
  let absentee: User;
  let invitee: User;
  let deputy: User;
  let outsider: User;
  let foreign: User;

  before(async () => {
    await testApp();
    const agency = await buildAgency();
    chair = await buildUser(agency, ['leader'], {
      fullName: 'Trần Văn Hùng',
      positionTitle: 'Chủ tịch',
    });
    secretary = await buildUser(agency, ['specialist'], { fullName: 'Lê Thị Mai' });
    member = await buildUser(agency, ['dept_head'], { fullName: 'Phạm Quốc Bảo' });
    absentee = await buildUser(agency, ['dept_head'], { fullName: 'Đỗ Văn Nam' });
    invitee = await buildUser(agency, ['dept_head'], { fullName: 'Vũ Thị Lan' });
    deputy = await buildUser(agency, ['specialist'], { fullName: 'Hoàng Minh Đức' });
    outsider = await buildUser(agency, ['specialist']);
    foreign = await buildUser(await buildAgency(), ['leader']);
    await enrolForTest(chair);
    await enrolForTest(secretary);
  });

  const newMeeting = (overrides: Partial<Meeting['_creationAttributes']> = {}) =>
    buildMeeting(
      { chair, secretary, members: [member], absent: [absentee], deputy: [invitee, deputy] },
      overrides,
    );

  it('drafts the skeleton from the record: attendance by presence, deputies, absences, items', async () => {
    const { app } = await testApp();
    const meeting = await newMeeting();
    // A speech on the first item and a named vote on it, closed: both land in the skeleton.
    const item = (await MeetingItem.findOne({ where: { meetingId: meeting.id, position: 1 } }))!;
    // The second item's presenter is chosen among the agency's people, not typed.
    await MeetingItem.update(
      { presenterId: member.id },
      { where: { meetingId: meeting.id, position: 2 } },
    );
    const memberRow = (await MeetingParticipant.findOne({
      where: { meetingId: meeting.id, userId: member.id },
    }))!;
    const started = new Date(Date.now() - 600_000);
    await MeetingSpeech.create({
      meetingId: meeting.id,
      itemId: item.id,
      participantId: memberRow.id,
      requestedById: member.id,
      requestedAt: started,
      startedAt: started,
      endedAt: new Date(started.getTime() + 185_000),
      status: 'done',
    });
    const vote = await openVote(
      actorOf(chair),
      meeting.id,
      OpenVoteSchema.parse({ itemId: String(item.id), question: 'Thông qua báo cáo quý IV?' }),
    );
    const access = await requireMeetingAccess(member, meeting.id);
    await castBallot(actorOf(member), access, vote.id, CastSchema.parse({ option: '0' }));
    await closeVote(actorOf(chair), meeting.id, vote.id);
    const page = await (await loginAs(app, secretary)).agent.get(`/meetings/${meeting.id}/minutes`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('I. THÀNH PHẦN THAM DỰ');
    expect(page.text).to.contain('Có mặt (4)');
    expect(page.text).to.contain('Phạm Quốc Bảo');
    expect(page.text).to.contain('Đỗ Văn Nam (lý do: Đi công tác)');
    expect(page.text).to.contain('Vũ Thị Lan: cử Hoàng Minh Đức dự thay');
    expect(page.text).to.contain('Ông Trần Khách — Sở Thông tin và Truyền thông');
    expect(page.text).to.contain('1. Báo cáo tiến độ chuyển đổi số quý IV');
    expect(page.text).to.contain('Trình bày: Trưởng phòng Văn hóa.');
    expect(page.text).to.match(/2\. Kế hoạch năm 2027\nTrình bày: Phạm Quốc Bảo[.,]/);
    expect(page.text).to.contain('Chủ trì (chủ tọa): Trần Văn Hùng, Chủ tịch');
    expect(page.text).to.match(/- Phạm Quốc Bảo lúc \d\d:\d\d \(3 phút 05 giây\)/);
    expect(page.text).to.match(/Biểu quyết: Thông qua báo cáo quý IV\? — [^\n]*\d+\/\d+/);
    const viewed = await AuditLog.count({
      where: { action: 'meeting.minutes.view', entityType: 'meeting', entityId: meeting.id },
    });
    expect(viewed).to.be.greaterThan(0);
  });

  it('gets the closing time once the meeting closes (as the opening time is written); is not submitted with blanks "..." left (422, nothing changed)', async () => {
    const { app } = await testApp();
    const meeting = await newMeeting();
    // Drafted while the meeting runs: the closing time is still a blank.
    const draft = await skeletonOf(meeting);
    expect(draft).to.include(CLOSING_BLANK);
    await saveMinutes(meeting.id, { body: draft, version: 0 }, actorOf(secretary));
    await closeMeeting(actorOf(chair), meeting.id);
    await meeting.reload();
    const ending = closingLine(meeting.closedAt!);
    expect(ending).to.match(
      /^Cuộc họp kết thúc vào \d\d giờ \d\d phút, ngày \d\d tháng \d\d năm \d{4}\.$/,
    );
    let saved = (await MeetingMinutes.findOne({ where: { meetingId: meeting.id } }))!;
    expect(saved.body).to.include(ending);
    expect(saved.body).not.to.include(CLOSING_BLANK);
    // The secretary's open editor (version 1) still saves; its old blank line is filled too.
    expect(saved.version).to.equal(1);
    await saveMinutes(meeting.id, { body: draft, version: 1 }, actorOf(secretary));
    saved = (await MeetingMinutes.findOne({ where: { meetingId: meeting.id } }))!;
    expect(saved.body).to.include(ending);
    expect(saved.body).not.to.include('giờ ... phút');

    // Other blanks (what each speaker said, the conclusions) are the secretary's to fill.
    const session = await loginAs(app, secretary);
    const page = await session.agent.get(`/meetings/${meeting.id}/minutes`);
    expect(page.text).to.include(ending);
    const blanks = blanksIn(saved.body);
    expect(blanks.length).to.be.greaterThan(0);
    const refused = await session.agent
      .post(`/meetings/${meeting.id}/minutes/submit`)
      .type('form')
      .send({ _csrf: await session.csrf(), version: String(saved.version) });
    expect(refused.status).to.equal(422);
    expect(refused.text).to.include(`Biên bản còn ${blanks.length} chỗ để trống «...» chưa điền`);
    expect(refused.text).to.include(`dòng ${blanks[0]!.line}`);
    const unchanged = (await MeetingMinutes.findOne({ where: { meetingId: meeting.id } }))!;
    expect([unchanged.status, unchanged.fileId, unchanged.version]).to.deep.equal([
      'draft',
      null,
      saved.version,
    ]);
    expect(await latestFlowOf('meeting', meeting.id, meeting.agencyId)).to.equal(null);
    const api = await request(app)
      .post(`/api/v1/meetings/${meeting.id}/minutes/submit`)
      .set(
        'Authorization',
        `Bearer ${(await createAccessToken(secretary, 'thử', { userId: secretary.id, ip: null })).token}`,
      )
      .send({ version: saved.version });
    expect(api.status).to.equal(422);
    expect(api.body.error.code).to.equal('MINUTES_BLANKS');

    // Filled in: submitted, and the PDF says when the meeting ended.
    const filled = saved.body
      .split('\n')
      .filter((line) => blanksIn(line).length === 0)
      .join('\n');
    await saveMinutes(meeting.id, { body: filled, version: saved.version }, actorOf(secretary));
    await submitMinutes(meeting.id, { version: saved.version + 1 }, actorOf(secretary));
    const text = pdfText(await currentPdf(meeting.id)).replace(/\s+/g, ' ');
    expect(text).to.include(ending.replace('Cuộc họp kết thúc vào ', '').replace(/\.$/, ''));
  });

  it('refuses a save based on an older version (409 in Vietnamese), keeping the first', async () => {
    const { app } = await testApp();
    const meeting = await newMeeting();
    const first = await saveMinutes(
      meeting.id,
      { body: 'Bản của thư ký', version: 0 },
      actorOf(secretary),
    );
    expect(first.version).to.equal(1);
    const late = await refusal(
      saveMinutes(meeting.id, { body: 'Bản của chủ tọa', version: 0 }, actorOf(chair)),
    );
    expect(late.status).to.equal(409);
    expect(late.code).to.equal('MINUTES_VERSION_CONFLICT');
    expect((await MeetingMinutes.findOne({ where: { meetingId: meeting.id } }))!.body).to.equal(
      'Bản của thư ký',
    );
    // The same through the page: the person's text is shown again beside the saved one.
    const session = await loginAs(app, chair);
    const res = await session.agent
      .post(`/meetings/${meeting.id}/minutes`)
      .type('form')
      .send({ _csrf: await session.csrf(), body: 'Bản sửa muộn', version: '0' });
    expect(res.status).to.equal(409);
    expect(res.text).to.contain('Biên bản đã được người khác sửa và lưu trước');
    expect(res.text).to.contain('Bản sửa muộn');
    expect(res.text).to.contain('Bản của thư ký');
    const ok = await session.agent
      .post(`/meetings/${meeting.id}/minutes`)
      .type('form')
      .send({ _csrf: await session.csrf(), body: 'Bản đã đối chiếu', version: '1' });
    expect(ok.status).to.equal(303);
    const saved = (await MeetingMinutes.findOne({ where: { meetingId: meeting.id } }))!;
    expect([saved.body, saved.version]).to.deep.equal(['Bản đã đối chiếu', 2]);
  });

  it('lets exactly one of several concurrent saves of the same version through', async () => {
    const meeting = await newMeeting();
    await saveMinutes(meeting.id, { body: 'Bản gốc', version: 0 }, actorOf(secretary));
    const results = await Promise.allSettled(
      [secretary, chair, secretary, chair, secretary].map((who, i) =>
        saveMinutes(meeting.id, { body: `Bản song song ${i}`, version: 1 }, actorOf(who)),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as AppError] : []));
    expect(ok).to.have.length(1);
    expect(refused.map((e) => e.code)).to.deep.equal(Array(4).fill('MINUTES_VERSION_CONFLICT'));
    const saved = (await MeetingMinutes.findOne({ where: { meetingId: meeting.id } }))!;
    expect(saved.version).to.equal(2);
    expect(saved.body).to.equal((ok[0] as PromiseFulfilledResult<MeetingMinutes>).value.body);
  });

  it('is signed by the secretary then the chair; pdfsig and our verifier see two valid signatures', async () => {
    const meeting = await newMeeting();
    const body =
      'I. THÀNH PHẦN THAM DỰ\nCó mặt đầy đủ.\nII. NỘI DUNG CUỘC HỌP\nThống nhất kế hoạch chuyển đổi số năm 2027.';
    await saveMinutes(meeting.id, { body, version: 0 }, actorOf(secretary));
    // Not before the meeting closes.
    expect(
      (await refusal(submitMinutes(meeting.id, { version: 1 }, actorOf(secretary)))).status,
    ).to.equal(403);
    await meeting.update({ status: 'closed', closedAt: new Date() });
    await submitMinutes(meeting.id, { version: 1 }, actorOf(secretary));
    // The chair signs after the secretary; nobody edits while it is being signed.
    expect(
      (await refusal(signMinutes(meeting.id, { pin: TEST_PIN }, actorOf(chair)))).status,
    ).to.equal(403);
    expect(
      (await refusal(saveMinutes(meeting.id, { body: 'đổi', version: 1 }, actorOf(secretary))))
        .status,
    ).to.equal(403);
    const wrong = await refusal(signMinutes(meeting.id, { pin: '000000' }, actorOf(secretary)));
    expect(wrong.code).to.equal('SIGNING_PIN_WRONG');
    // The approval pages cannot approve without the signature.
    const flow = (await latestFlowOf('meeting', meeting.id, meeting.agencyId))!;
    const bare = await refusal(actOnApproval(flow.id, actorOf(secretary), { action: 'approve' }));
    expect(bare.code).to.equal('APPROVAL_SIGN_ON_PAGE');
    const { app } = await testApp();
    const chainPage = await (await loginAs(app, secretary)).agent.get(`/approvals/${flow.id}`);
    expect(chainPage.status).to.equal(200);
    expect(chainPage.text).to.contain('Thư ký ký biên bản');
    expect(chainPage.text).not.to.contain('value="approve"');

    await signMinutes(meeting.id, { pin: TEST_PIN }, actorOf(secretary));
    let minutes = (await MeetingMinutes.findOne({ where: { meetingId: meeting.id } }))!;
    expect(minutes.status).to.equal('in_approval');
    // The chair is told, and finds the minutes in "Cần xử lý", leading to the minutes page.
    const href = `/meetings/${meeting.id}/minutes`;
    expect(await Notification.count({ where: { userId: chair.id, link: href } })).to.be.greaterThan(
      0,
    );
    const waiting = await waitingApprovals(chair.id);
    expect(waiting.find((w) => w.href === href)?.documentTitle).to.equal(
      'Biên bản: Giao ban tuần về chuyển đổi số',
    );
    await signMinutes(meeting.id, { pin: TEST_PIN }, actorOf(chair));
    minutes = (await MeetingMinutes.findOne({ where: { meetingId: meeting.id } }))!;
    expect(minutes.status).to.equal('signed');
    expect(minutes.signedAt).to.be.instanceOf(Date);
    const told = { userId: secretary.id, kind: 'approval.approved', link: href };
    expect(await Notification.count({ where: told })).to.equal(1);

    const pdf = await currentPdf(meeting.id);
    const out = pdfsig(pdf);
    expect(out.match(/Signature #\d/g) ?? []).to.have.length(2);
    expect(out).not.to.match(/Signature is Invalid|Digest Mismatch/);
    expect(out).to.contain('Lê Thị Mai');
    expect(out).to.contain('Trần Văn Hùng');
    const { config } = await testApp();
    const report = verifyPdf(pdf, { trustAnchors: loadTrustAnchors(config.certsDir) });
    expect(
      report.signatures.map((s) => s.valid),
      JSON.stringify(report.signatures.map((s) => s.problems)),
    ).to.deep.equal([true, true]);
    expect(report.valid).to.equal(true);
    const text = pdfText(pdf);
    for (const line of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'BIÊN BẢN',
      'Giao ban tuần về chuyển đổi số',
      'Thống nhất kế hoạch chuyển đổi số năm 2027.',
      'THƯ KÝ',
      'CHỦ TỌA',
    ])
      expect(text).to.contain(line);
    const files = await DocumentFile.findAll({
      where: { documentKind: 'meeting_minutes', documentId: minutes.id },
    });
    expect(files.map((f) => f.role).sort()).to.deep.equal(['main', 'signed', 'signed']);
    const actions = (
      await AuditLog.findAll({ where: { entityType: 'meeting', entityId: meeting.id } })
    ).map((a) => a.action);
    expect(actions).to.include.members([
      'meeting.minutes.save',
      'meeting.minutes.submit',
      'meeting.minutes.sign',
      'approval.approved',
    ]);
  });

  it('goes back to the secretary when the chair returns it, and is signed again from the start', async () => {
    const meeting = await newMeeting({ status: 'closed', closedAt: new Date() });
    await saveMinutes(meeting.id, { body: 'Bản đầu', version: 0 }, actorOf(secretary));
    await submitMinutes(meeting.id, { version: 1 }, actorOf(secretary));
    await signMinutes(meeting.id, { pin: TEST_PIN }, actorOf(secretary));
    expect(
      (await refusal(returnMinutes(meeting.id, { reason: 'x' }, actorOf(secretary)))).status,
    ).to.equal(403);
    await returnMinutes(
      meeting.id,
      { reason: 'Bổ sung ý kiến của Phòng Tài chính' },
      actorOf(chair),
    );
    let minutes = (await MeetingMinutes.findOne({ where: { meetingId: meeting.id } }))!;
    expect(minutes.status).to.equal('draft');
    // Only the minutes' own submit sends them again (it makes the new PDF): the approval pages'
    // "Trình lại" would send the old file to be signed.
    const { app } = await testApp();
    const session = await loginAs(app, secretary);
    const page = await session.agent.get(`/meetings/${meeting.id}/minutes`);
    expect(page.status).to.equal(200);
    expect(page.text).not.to.contain('data-testid="approval-resubmit-form"');
    const flow = (await latestFlowOf('meeting', meeting.id, meeting.agencyId))!;
    const generic = await session.agent
      .post(`/approvals/${flow.id}/resubmit`)
      .type('form')
      .send({ _csrf: await session.csrf() });
    expect(generic.status).to.equal(403);
    expect((await latestFlowOf('meeting', meeting.id, meeting.agencyId))!.status).to.equal(
      'returned',
    );
    await saveMinutes(meeting.id, { body: 'Bản đã bổ sung', version: 1 }, actorOf(secretary));
    await submitMinutes(meeting.id, { version: 2 }, actorOf(secretary));
    await signMinutes(meeting.id, { pin: TEST_PIN }, actorOf(secretary));
    await signMinutes(meeting.id, { pin: TEST_PIN }, actorOf(chair));
    minutes = (await MeetingMinutes.findOne({ where: { meetingId: meeting.id } }))!;
    expect(minutes.status).to.equal('signed');
    const pdf = await currentPdf(meeting.id);
    expect(pdfText(pdf)).to.contain('Bản đã bổ sung');
    expect(pdfsig(pdf).match(/Signature #\d/g) ?? []).to.have.length(2);
  });

  it('refuses hostile input in Vietnamese and hides the minutes from those outside the meeting', async () => {
    const { app } = await testApp();
    const meeting = await newMeeting();
    for (const who of [outsider, foreign]) {
      const session = await loginAs(app, who);
      expect((await session.agent.get(`/meetings/${meeting.id}/minutes`)).status).to.equal(404);
      expect((await session.agent.get(`/meetings/${meeting.id}/minutes.pdf`)).status).to.equal(404);
    }
    // A member sees the meeting but not the minutes before they are signed.
    const memberSession = await loginAs(app, member);
    expect((await memberSession.agent.get(`/meetings/${meeting.id}/minutes`)).status).to.equal(403);
    const session = await loginAs(app, secretary);
    expect((await session.agent.get('/meetings/abc/minutes')).status).to.equal(404);
    expect((await session.agent.get('/meetings/99999999/minutes')).status).to.equal(404);
    const csrf = await session.csrf();
    const huge = await session.agent
      .post(`/meetings/${meeting.id}/minutes`)
      .type('form')
      .send({ _csrf: csrf, body: 'á'.repeat(100_001), version: '0' });
    expect(huge.status).to.equal(422);
    expect(huge.text).to.contain('Biên bản quá dài');
    const badVersion = await session.agent
      .post(`/meetings/${meeting.id}/minutes`)
      .type('form')
      .send({ _csrf: csrf, body: 'Nội dung', version: 'abc' });
    expect(badVersion.status).to.equal(422);
    const empty = await session.agent
      .post(`/meetings/${meeting.id}/minutes`)
      .type('form')
      .send({ _csrf: csrf, body: '   ', version: '0' });
    expect(empty.status).to.equal(422);
    expect(empty.text).to.contain('Hãy nhập nội dung biên bản');
    expect(await MeetingMinutes.count({ where: { meetingId: meeting.id } })).to.equal(0);
    // The API: wrong types, 422 with a Vietnamese message.
    const api = await session.agent
      .post(`/api/v1/meetings/${meeting.id}/minutes`)
      .send({ body: ['x'], version: { n: 1 } });
    expect([401, 403, 422]).to.include(api.status);
  });

  it('keeps the signed minutes and conclusions of a meeting with a secret item to those cleared for it', async () => {
    const { app } = await testApp();
    const meeting = await newMeeting();
    await MeetingItem.update(
      { confidentiality: 2 },
      { where: { meetingId: meeting.id, position: 1 } },
    );
    await saveMinutes(
      meeting.id,
      { body: 'Kết luận về nhân sự (mật)', version: 0 },
      actorOf(secretary),
    );
    await MeetingMinutes.update({ status: 'signed' }, { where: { meetingId: meeting.id } });
    const session = await loginAs(app, member);
    for (const path of ['minutes', 'conclusions', 'minutes.pdf'])
      expect((await session.agent.get(`/meetings/${meeting.id}/${path}`)).status, path).to.equal(
        403,
      );
    const hub = await session.agent.get(`/meetings/${meeting.id}`);
    expect(hub.status).to.equal(200);
    expect(hub.text).to.not.contain(`/meetings/${meeting.id}/minutes`);
    await member.update({ secretClearance: 2 });
    try {
      const cleared = await loginAs(app, member);
      const page = await cleared.agent.get(`/meetings/${meeting.id}/minutes`);
      expect(page.status).to.equal(200);
      expect(page.text).to.contain('Kết luận về nhân sự (mật)');
    } finally {
      await member.update({ secretClearance: 0 });
    }
  });

  it('the PDF preview renders the saved text with Vietnamese letters before submission', async () => {
    const { app } = await testApp();
    const meeting = await newMeeting();
    await saveMinutes(
      meeting.id,
      { body: 'Ý kiến: Đồng chí Phạm Quốc Bảo đề nghị ưu tiên hạ tầng số.', version: 0 },
      actorOf(secretary),
    );
    const session = await loginAs(app, chair);
    const res = await session.agent
      .get(`/meetings/${meeting.id}/minutes.pdf`)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.contain('application/pdf');
    expect(pdfText(res.body as Buffer)).to.contain(
      'Đồng chí Phạm Quốc Bảo đề nghị ưu tiên hạ tầng số.',
    );
  });

  it('has JSON twins: the minutes, a stale save refused with 409 in Vietnamese, signing, the OpenAPI paths', async () => {
    const { app } = await testApp();
    const meeting = await newMeeting();
    const bearer = async (user: User) =>
      `Bearer ${(await createAccessToken(user, 'biên bản', { userId: user.id, ip: null })).token}`;
    const asSecretary = await bearer(secretary);
    const asChair = await bearer(chair);
    const first = await request(app)
      .get(`/api/v1/meetings/${meeting.id}/minutes`)
      .set('Authorization', asSecretary);
    expect(first.status).to.equal(200);
    expect(first.body.minutes).to.include({ status: 'none', version: 0 });
    expect(first.body.minutes.body).to.contain('I. THÀNH PHẦN THAM DỰ');
    const saved = await request(app)
      .post(`/api/v1/meetings/${meeting.id}/minutes`)
      .set('Authorization', asSecretary)
      .send({ body: 'Biên bản qua API', version: 0 });
    expect(saved.status).to.equal(200);
    expect(saved.body.minutes).to.include({
      status: 'draft',
      version: 1,
      body: 'Biên bản qua API',
    });
    const stale = await request(app)
      .post(`/api/v1/meetings/${meeting.id}/minutes`)
      .set('Authorization', asChair)
      .send({ body: 'Bản khác', version: 0 });
    expect(stale.status).to.equal(409);
    expect(JSON.stringify(stale.body)).to.contain('Biên bản đã được người khác sửa');
    const wrongTypes = await request(app)
      .post(`/api/v1/meetings/${meeting.id}/minutes`)
      .set('Authorization', asSecretary)
      .send({ body: ['x'], version: 'một' });
    expect(wrongTypes.status).to.equal(422);
    expect((await MeetingMinutes.findOne({ where: { meetingId: meeting.id } }))!.version).to.equal(
      1,
    );
    await meeting.update({ status: 'closed', closedAt: new Date() });
    const submitted = await request(app)
      .post(`/api/v1/meetings/${meeting.id}/minutes/submit`)
      .set('Authorization', asSecretary)
      .send({ version: 1 });
    expect(submitted.status).to.equal(200);
    expect(submitted.body.minutes.status).to.equal('in_approval');
    expect(submitted.body.signsAs).to.equal('secretary');
    const signed = await request(app)
      .post(`/api/v1/meetings/${meeting.id}/minutes/sign`)
      .set('Authorization', asSecretary)
      .send({ pin: TEST_PIN });
    expect(signed.status).to.equal(200);
    expect(signed.body.steps.map((s: { decision: string | null }) => s.decision)).to.deep.equal([
      'approve',
      null,
    ]);
    const spec = await request(app).get('/api/v1/openapi.json');
    for (const p of [
      '/meetings/{id}/minutes',
      '/meetings/{id}/minutes/sign',
      '/meetings/{id}/notice',
    ])
      expect(spec.body.paths).to.have.property(p);
  });
});
