import { expect } from 'chai';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { testApp } from '../helpers/test-app.js';
import { buildAgency, buildUser } from '../factories/index.js';
import { makePdf } from '../fixtures/pdf.js';
import { configureMailTransport } from '../../src/notifications/notification.service.js';
import { Notification } from '../../src/notifications/notification.model.js';
import { presentToLeader, registerIncoming } from '../../src/incoming/incoming.service.js';
import { RegisterIncomingSchema } from '../../src/incoming/incoming.schemas.js';
import { notificationText } from '../../src/notifications/notification-text.js';

interface SentMail {
  to: string;
  subject: string;
  text: string;
}

/** A real nodemailer transport that composes each message as JSON instead of sending it. */
function recordingTransport(sent: SentMail[]) {
  const transport = nodemailer.createTransport({ jsonTransport: true });
  const send = transport.sendMail.bind(transport);
  transport.sendMail = (async (mail: SendMailOptions) => {
    const info = await send(mail);
    const message = JSON.parse(String(info.message));
    sent.push({ to: message.to[0].address, subject: message.subject, text: message.text });
    return info;
  }) as typeof transport.sendMail;
  return transport;
}

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
}

describe('notifications by e-mail', () => {
  const sent: SentMail[] = [];
  before(async () => {
    await testApp();
    configureMailTransport(recordingTransport(sent));
  });
  after(() => configureMailTransport(null));

  it('sends the receiver an e-mail copy of the bell notification once the hand-over commits', async () => {
    const agency = await buildAgency();
    const clerk = await buildUser(agency, ['clerk']);
    const leader = await buildUser(agency, ['leader'], { email: 'chutich@ubnd.test' });
    const quiet = await buildUser(agency, ['leader']);
    const actor = { user: clerk, ip: null };
    const doc = await registerIncoming(
      RegisterIncomingSchema.parse({
        subject: 'Về việc kiểm tra công tác văn thư',
        documentType: 'CV',
        fromOrganName: 'Sở Nội vụ',
      }),
      [{ buffer: await makePdf(), originalName: 'a.pdf' }],
      actor,
    );
    await presentToLeader(doc.id, { leaderId: leader.id }, actor);
    await presentToLeader(doc.id, { leaderId: quiet.id }, actor);

    await waitFor(() => sent.some((m) => m.to === 'chutich@ubnd.test'));
    const mail = sent.find((m) => m.to === 'chutich@ubnd.test');
    expect(mail, 'an e-mail to the leader').to.not.equal(undefined);
    const bell = await Notification.findOne({ where: { userId: leader.id } });
    expect(bell).to.not.equal(null);
    expect(mail!.subject).to.equal(`[eOffice] ${notificationText(bell!, 'vi')}`);
    expect(mail!.text).to.contain(`/incoming/${doc.id}`);
    // No address, no mail; the bell still rings.
    expect(await Notification.count({ where: { userId: quiet.id } })).to.be.greaterThan(0);
    expect(sent.filter((m) => !m.to)).to.have.length(0);
  });
});
