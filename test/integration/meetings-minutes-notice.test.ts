import { expect } from 'chai';
import { db } from '../../src/db/index.js';
import { DocumentEvent } from '../../src/documents/document.model.js';
import { DocumentFile } from '../../src/files/file.model.js';
import { AppError } from '../../src/http/app-error.js';
import {
  composeNotice,
  noticeOf,
  saveConclusions,
} from '../../src/meetings/conclusions.service.js';
import { MeetingConclusion, MeetingMinutes } from '../../src/meetings/meeting-minutes.model.js';
import type { Meeting } from '../../src/meetings/meeting.model.js';
import { saveMinutes } from '../../src/meetings/minutes.service.js';
import { submitDraft } from '../../src/outgoing/outgoing.approval.js';
import { issueOutgoing } from '../../src/outgoing/outgoing.issue.js';
import { OutgoingDocument, OutgoingRecipient } from '../../src/outgoing/outgoing.model.js';
import { signingPreview, signOutgoing } from '../../src/outgoing/outgoing.signing.js';
import type { User } from '../../src/users/user.model.js';
import { buildAgency, buildDepartment, buildUser, loginAs } from '../factories/index.js';
import { buildMeeting } from '../helpers/meeting-minutes-fixture.js';
import { enrolForTest, enrolSealForTest, TEST_PIN } from '../helpers/signing-keys.js';
import { testApp } from '../helpers/test-app.js';

const actorOf = (user: User) => ({ user, ip: '127.0.0.1' });

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.catch((e: unknown) => e);
  expect(err, String(err)).to.be.instanceOf(AppError);
  return err as AppError;
}

const texts = async (meetingId: number) =>
  (await MeetingConclusion.findAll({ where: { meetingId }, order: [['position', 'ASC']] })).map(
    (c) => [c.id, c.position, c.text],
  );

describe('meeting conclusions and the conclusion notice through the outgoing flow', function () {
  this.timeout(120_000);
  let chair: User;
  let secretary: User;
  let member: User;
  let clerk: User;
  let departmentId: number;

  before(async () => {
    await testApp();
    const agency = await buildAgency({ address: '12 Trần Phú, Hà Nội' });
    departmentId = (await buildDepartment(agency, { name: 'Phòng Tài chính - Kế hoạch' })).id;
    chair = await buildUser(agency, ['leader'], {
      fullName: 'Trần Văn Hùng',
      positionTitle: 'Chủ tịch',
    });
    secretary = await buildUser(agency, ['specialist'], { fullName: 'Lê Thị Mai' });
    member = await buildUser(agency, ['dept_head'], { fullName: 'Phạm Quốc Bảo' });
    clerk = await buildUser(agency, ['clerk']);
    await enrolForTest(chair);
    await enrolSealForTest(agency.id);
  });

  const closedMeeting = (): Promise<Meeting> =>
    buildMeeting(
      { chair, secretary, members: [member] },
      { status: 'closed', closedAt: new Date() },
    );

  it('edits the list in place: kept conclusions keep their ids, removed ones go, others refused', async () => {
    const meeting = await closedMeeting();
    const other = await closedMeeting();
    const [a, b] = await saveConclusions(
      meeting.id,
      [{ text: 'Giao Phòng Tài chính bố trí kinh phí.' }, { text: 'Giao Văn phòng theo dõi.' }],
      actorOf(secretary),
    );
    await saveConclusions(
      meeting.id,
      [
        { id: b!.id, text: 'Giao Văn phòng theo dõi, báo cáo hằng tuần.' },
        { text: 'Kết luận mới.' },
      ],
      actorOf(chair),
    );
    const after = await texts(meeting.id);
    expect(after[0]).to.deep.equal([b!.id, 1, 'Giao Văn phòng theo dõi, báo cáo hằng tuần.']);
    expect(after[1]!.slice(1)).to.deep.equal([2, 'Kết luận mới.']);
    expect(after.map((r) => r[0])).not.to.include(a!.id);
    // Another meeting's conclusion id is refused, and nothing of the list changes.
    const [foreign] = await saveConclusions(other.id, [{ text: 'Khác' }], actorOf(secretary));
    const bad = await refusal(
      saveConclusions(meeting.id, [{ id: foreign!.id, text: 'Chiếm' }], actorOf(secretary)),
    );
    expect(bad.status).to.equal(422);
    expect(await texts(meeting.id)).to.deep.equal(after);
    // A member who is not an organiser may not edit them.
    expect((await refusal(saveConclusions(meeting.id, [], actorOf(member)))).status).to.equal(403);
    // Through the page: an empty row removes, the hostile long text is refused in Vietnamese.
    const { app } = await testApp();
    const session = await loginAs(app, secretary);
    const long = await session.agent
      .post(`/meetings/${meeting.id}/conclusions`)
      .type('form')
      .send({ _csrf: await session.csrf(), id: ['', ''], text: ['x'.repeat(2001), 'ok'] });
    expect(long.status).to.equal(422);
    expect(await texts(meeting.id)).to.deep.equal(after);
  });

  it('the conclusions page: every box empty is refused as nothing entered (never "saved"), or clears the list and says so; its breadcrumb names the page', async () => {
    const meeting = await closedMeeting();
    const { app } = await testApp();
    const session = await loginAs(app, secretary);
    const page = await session.agent.get(`/meetings/${meeting.id}/conclusions`);
    expect(page.status).to.equal(200);
    const crumbs = /<nav class="breadcrumbs">[\s\S]*?<\/nav>/.exec(page.text)![0];
    expect(crumbs).to.include('Kết luận cuộc họp');
    expect(crumbs).not.to.include('Biên bản cuộc họp');
    const post = async (text: string[], id: string[] = text.map(() => '')) =>
      session.agent
        .post(`/meetings/${meeting.id}/conclusions`)
        .type('form')
        .send({ _csrf: await session.csrf(), id, text });
    const empty = await post(['', '  ']);
    expect(empty.status).to.equal(422);
    expect(empty.text).to.include('Chưa nhập kết luận nào');
    expect(empty.text).not.to.include('Đã lưu kết luận');
    expect(await texts(meeting.id)).to.deep.equal([]);
    const refused = await refusal(saveConclusions(meeting.id, [], actorOf(secretary)));
    expect([refused.status, refused.code]).to.deep.equal([422, 'CONCLUSIONS_EMPTY']);

    expect((await post(['Giao Văn phòng tổng hợp.'])).status).to.equal(303);
    const [saved] = await texts(meeting.id);
    const cleared = await post(['', ''], [String(saved![0]), '']);
    expect(cleared.status).to.equal(303);
    const after = await session.agent.get(`/meetings/${meeting.id}/conclusions`);
    expect(after.text).to.include('Đã xóa các kết luận.');
    expect(after.text).not.to.include('Đã lưu kết luận');
    expect(await texts(meeting.id)).to.deep.equal([]);
  });

  it('keeps a conclusion that tasks refer to: its removal is a Vietnamese 409, the list unchanged', async () => {
    const meeting = await closedMeeting();
    const [kept] = await saveConclusions(
      meeting.id,
      [{ text: 'Đã giao việc.' }],
      actorOf(secretary),
    );
    // A table of the tasks part refers to conclusions; one made here stands in for it.
    await db().query(
      'CREATE TABLE m4_conclusion_refs (id INTEGER PRIMARY KEY, conclusionId INTEGER NOT NULL, ' +
        'FOREIGN KEY (conclusionId) REFERENCES meeting_conclusions (id))',
    );
    try {
      await db().query('INSERT INTO m4_conclusion_refs (id, conclusionId) VALUES (1, ?)', {
        replacements: [kept!.id],
      });
      const refused = await refusal(saveConclusions(meeting.id, [], actorOf(secretary)));
      expect([refused.status, refused.code]).to.deep.equal([409, 'CONCLUSION_HAS_TASKS']);
      expect(await texts(meeting.id)).to.deep.equal([[kept!.id, 1, 'Đã giao việc.']]);
    } finally {
      await db().query('DROP TABLE m4_conclusion_refs');
    }
  });

  it('drafts the notice as a TB outgoing draft signed by the chair; it is signed and issued like any other', async () => {
    const meeting = await closedMeeting();
    // Neither before the minutes nor without conclusions.
    expect(
      (await refusal(composeNotice(meeting.id, { recipients: [] }, actorOf(secretary)))).code,
    ).to.equal('NOTICE_NO_MINUTES');
    await saveMinutes(meeting.id, { body: 'Biên bản.', version: 0 }, actorOf(secretary));
    const none = await refusal(composeNotice(meeting.id, { recipients: [] }, actorOf(secretary)));
    expect([none.status, none.fields]).to.deep.equal([
      422,
      { conclusions: 'errors:NOTICE_NO_CONCLUSIONS' },
    ]);
    await saveConclusions(
      meeting.id,
      [
        { text: 'Giao Phòng Tài chính - Kế hoạch bố trí kinh phí chuyển đổi số năm 2027.' },
        { text: 'Giao Văn phòng theo dõi, đôn đốc thực hiện.' },
      ],
      actorOf(chair),
    );
    const before = await OutgoingDocument.count();
    const doc = await composeNotice(
      meeting.id,
      { recipients: [{ departmentId }, { name: 'Sở Nội vụ', code: '000.00.01.H99' }] },
      actorOf(secretary),
    );
    expect(await OutgoingDocument.count()).to.equal(before + 1);
    expect([doc.documentType, doc.signerId, doc.status, doc.createdById]).to.deep.equal([
      'TB',
      chair.id,
      'draft',
      secretary.id,
    ]);
    expect(doc.subject).to.equal(
      'Kết luận của Chủ tịch Trần Văn Hùng tại cuộc họp Giao ban tuần về chuyển đổi số',
    );
    expect(await OutgoingRecipient.count({ where: { outgoingId: doc.id } })).to.equal(2);
    const minutes = (await MeetingMinutes.findOne({ where: { meetingId: meeting.id } }))!;
    expect(minutes.noticeOutgoingId).to.equal(doc.id);
    const traced = await DocumentEvent.count({
      where: { documentKind: 'outgoing', documentId: doc.id, action: 'meeting.notice' },
    });
    expect(traced).to.equal(1);
    // Once only.
    expect(
      (await refusal(composeNotice(meeting.id, { recipients: [] }, actorOf(chair)))).status,
    ).to.equal(403);

    // The outgoing flow finds the number, the date and the chair's block on the notice.
    await submitDraft(doc.id, {}, actorOf(secretary));
    const { placements } = await signingPreview(doc.id, actorOf(chair));
    expect(placements.signer.source).to.equal('block');
    expect(placements.number).not.to.equal(null);
    expect(placements.date).not.to.equal(null);
    await signOutgoing(doc.id, { pin: TEST_PIN }, actorOf(chair));
    const issued = await issueOutgoing(doc.id, {}, actorOf(clerk));
    expect(issued.codeNotation).to.equal('TB-UBND');
    const notice = await noticeOf(minutes, chair);
    expect(notice).to.include({
      id: doc.id,
      status: 'issued',
      codeNotation: 'TB-UBND',
      viewable: true,
    });
    expect(notice!.codeNumber).to.be.a('number');
    // The meeting's pages show the notice's status and number.
    const { app } = await testApp();
    const page = await (await loginAs(app, chair)).agent.get(`/meetings/${meeting.id}/conclusions`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Đã phát hành');
    expect(page.text).to.contain(`/TB-UBND`);
    expect(page.text).to.contain(`/outgoing/${doc.id}`);
    // And the notice's page links back to the meeting.
    const back = await (await loginAs(app, secretary)).agent.get(`/outgoing/${doc.id}`);
    expect(back.status).to.equal(200);
    expect(back.text).to.contain(`href="/meetings/${meeting.id}" data-testid="trail-meeting"`);
    // A member reads the signed minutes and the notice's subject and number, without a link to a
    // document they may not open.
    await minutes.reload();
    await minutes.update({ status: 'signed' });
    const reader = await loginAs(app, member);
    const hub = await reader.agent.get(`/meetings/${meeting.id}`);
    expect(hub.status).to.equal(200);
    expect(hub.text).to.contain('/TB-UBND');
    expect(hub.text).not.to.contain(`/outgoing/${doc.id}`);
    expect((await reader.agent.get(`/outgoing/${doc.id}`)).status).to.equal(404);
    expect(back.text).to.contain('soạn từ kết luận của cuộc họp');
    const main = await DocumentFile.findOne({
      where: { documentKind: 'outgoing', documentId: doc.id, role: 'main' },
    });
    expect(main!.originalName).to.equal('thong-bao-ket-luan.pdf');
  });

  it('leaves no draft when linking the notice to the minutes fails, nor for the second of two organisers at once', async () => {
    const meeting = await closedMeeting();
    await saveMinutes(meeting.id, { body: 'Biên bản.', version: 0 }, actorOf(secretary));
    await saveConclusions(meeting.id, [{ text: 'Giao Văn phòng tổng hợp.' }], actorOf(chair));
    const drafts = () => OutgoingDocument.count({ where: { documentType: 'TB' } });
    const before = await drafts();
    // The link step fails (the database refuses to point the minutes at a notice).
    const sqlite = db().getDialect() === 'sqlite';
    await db().query(
      sqlite
        ? `CREATE TRIGGER notice_link_fails BEFORE UPDATE OF noticeOutgoingId ON meeting_minutes
           WHEN NEW.noticeOutgoingId IS NOT NULL BEGIN SELECT RAISE(ABORT, 'link refused'); END`
        : `CREATE TRIGGER notice_link_fails BEFORE UPDATE ON meeting_minutes FOR EACH ROW
           BEGIN IF NEW.noticeOutgoingId IS NOT NULL THEN
             SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'link refused'; END IF; END`,
    );
    try {
      const failed = await composeNotice(meeting.id, { recipients: [] }, actorOf(secretary)).catch(
        (e: unknown) => e,
      );
      // The database's refusal, as Sequelize wraps it (SQLite's RAISE is a constraint error).
      expect(String((failed as { parent?: unknown }).parent ?? failed)).to.contain('link refused');
    } finally {
      await db().query('DROP TRIGGER notice_link_fails');
    }
    expect(await drafts(), 'drafts after the failed link').to.equal(before);
    const minutes = (await MeetingMinutes.findOne({ where: { meetingId: meeting.id } }))!;
    expect(minutes.noticeOutgoingId).to.equal(null);

    // Two organisers compose at once: one notice, the other refused, one draft in all.
    const outcomes = await Promise.allSettled(
      [secretary, chair].map((who) => composeNotice(meeting.id, { recipients: [] }, actorOf(who))),
    );
    const made = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    expect(made).to.have.length(1);
    expect(refused.map((e: AppError) => e.code)).to.deep.equal(['NOTICE_EXISTS']);
    expect(await drafts(), 'drafts after two at once').to.equal(before + 1);
    await minutes.reload();
    expect(minutes.noticeOutgoingId).to.equal(
      (made[0] as PromiseFulfilledResult<OutgoingDocument>).value.id,
    );
  });

  it('composes through the page with recipients chosen, then shows the draft', async () => {
    const { app } = await testApp();
    const meeting = await closedMeeting();
    await saveMinutes(meeting.id, { body: 'Biên bản.', version: 0 }, actorOf(secretary));
    const session = await loginAs(app, secretary);
    const form = await session.agent.get(`/meetings/${meeting.id}/conclusions`);
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('Soạn thông báo kết luận');
    const csrf = await session.csrf();
    const saved = await session.agent
      .post(`/meetings/${meeting.id}/conclusions`)
      .type('form')
      .send({ _csrf: csrf, id: [''], text: ['Giao các phòng rà soát thủ tục.'] });
    expect(saved.status).to.equal(303);
    const composed = await session.agent
      .post(`/meetings/${meeting.id}/notice`)
      .type('form')
      .send({
        _csrf: csrf,
        recipientDepartmentIds: String(departmentId),
        externalRecipients: 'Sở Tư pháp | 000.00.02.H99',
      });
    expect(composed.status, composed.text.slice(0, 300)).to.equal(303);
    const page = await session.agent.get(`/meetings/${meeting.id}/conclusions`);
    expect(page.text).to.contain('Dự thảo');
    const minutes = (await MeetingMinutes.findOne({ where: { meetingId: meeting.id } }))!;
    const doc = (await OutgoingDocument.findByPk(minutes.noticeOutgoingId!))!;
    expect(await OutgoingRecipient.count({ where: { outgoingId: doc.id } })).to.equal(2);
  });
});
