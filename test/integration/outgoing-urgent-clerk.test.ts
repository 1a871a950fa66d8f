import { expect } from 'chai';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { Notification } from '../../src/notifications/notification.model.js';
import { notificationText } from '../../src/notifications/notification-text.js';
import { configureMailTransport } from '../../src/notifications/notification.service.js';
import { submitDraft } from '../../src/outgoing/outgoing.approval.js';
import { createDraft } from '../../src/outgoing/outgoing.drafts.js';
import { DraftFieldsSchema } from '../../src/outgoing/outgoing.schemas.js';
import { signOutgoing } from '../../src/outgoing/outgoing.signing.js';
import type { User } from '../../src/users/user.model.js';
import { buildAgency, buildDepartment, buildUser, loginAs } from '../factories/index.js';
import { enrolForTest, TEST_PIN } from '../helpers/signing-keys.js';
import { testApp } from '../helpers/test-app.js';
import { decree30Draft } from '../fixtures/draft.js';

const actorOf = (user: User) => ({ user, ip: '127.0.0.1' });

describe('outgoing signing: urgent documents are flagged to the clerks at once', function () {
  this.timeout(120_000);
  let specialist: User;
  let leader: User;
  let clerks: User[];
  const mails: { to: string; subject: string }[] = [];

  before(async () => {
    await testApp();
    const agency = await buildAgency();
    const dept = await buildDepartment(agency);
    specialist = await buildUser(agency, ['specialist'], { departmentId: dept.id });
    leader = await buildUser(agency, ['leader']);
    clerks = [
      await buildUser(agency, ['clerk'], { email: 'vanthu1@ubnd.test' }),
      await buildUser(agency, ['clerk'], { email: 'vanthu2@ubnd.test' }),
    ];
    await enrolForTest(leader);
    // Mail as composed, to see it leave when the signature commits.
    const transport = nodemailer.createTransport({ jsonTransport: true });
    const send = transport.sendMail.bind(transport);
    transport.sendMail = (async (mail: SendMailOptions) => {
      const info = await send(mail);
      const message = JSON.parse(String(info.message));
      mails.push({ to: message.to[0].address, subject: message.subject });
      return info;
    }) as typeof transport.sendMail;
    configureMailTransport(transport);
  });
  after(() => configureMailTransport(null));

  /** A draft of the urgency, submitted, then signed by the leader: the clerks' notices of it. */
  async function signDraft(urgency: number, subject: string) {
    const doc = await createDraft(
      DraftFieldsSchema.parse({
        documentType: 'CV',
        subject,
        urgency: String(urgency),
        signerId: String(leader.id),
      }),
      { main: { buffer: await decree30Draft(subject), originalName: 'du-thao.pdf' } },
      actorOf(specialist),
    );
    await submitDraft(doc.id, {}, actorOf(specialist));
    const link = `/outgoing/${doc.id}`;
    const clerkIds = clerks.map((c) => c.id);
    expect(await Notification.count({ where: { userId: clerkIds, link } })).to.equal(0);
    await signOutgoing(doc.id, { pin: TEST_PIN }, actorOf(leader));
    // No job or digest in between: the notices are there when the signature returns.
    return Notification.findAll({ where: { userId: clerkIds, link }, order: [['userId', 'ASC']] });
  }

  for (const [urgency, name] of [
    [2, 'Thượng khẩn'],
    [3, 'Hỏa tốc'],
  ] as const) {
    it(`tells every clerk at once, marked urgent, when a ${name} document is signed`, async () => {
      const subject = `V/v xử lý ${name} ngay`;
      mails.length = 0;
      const notes = await signDraft(urgency, subject);
      expect(notes.map((n) => [n.userId, n.kind])).to.deep.equal(
        clerks.map((c) => [c.id, 'outgoing.to_issue_urgent']),
      );
      for (const n of notes)
        expect(notificationText(n, 'vi')).to.equal(
          `[KHẨN] Văn bản đã ký chờ phát hành: ${subject}`,
        );
      // The e-mail copy leaves with the commit.
      const until = Date.now() + 5000;
      while (mails.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(mails.map((m) => m.to).sort()).to.include.members([
        'vanthu1@ubnd.test',
        'vanthu2@ubnd.test',
      ]);
      expect(mails.find((m) => m.to === 'vanthu1@ubnd.test')!.subject).to.contain('[KHẨN]');
      // The clerk's bell shows it.
      const { app } = await testApp();
      const session = await loginAs(app, clerks[0]!);
      const bell = await session.agent.get('/notifications');
      expect(bell.text).to.contain(`[KHẨN] Văn bản đã ký chờ phát hành: ${subject}`);
    });
  }

  it('tells the clerks of a normal document without the urgent mark', async () => {
    const subject = 'V/v báo cáo định kỳ thường';
    const notes = await signDraft(0, subject);
    expect(notes.map((n) => [n.userId, n.kind])).to.deep.equal(
      clerks.map((c) => [c.id, 'outgoing.to_issue']),
    );
    for (const n of notes)
      expect(notificationText(n, 'vi')).to.equal(`Văn bản đã ký chờ phát hành: ${subject}`);
  });
});
