import { expect } from 'chai';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildUser } from '../factories/index.js';
import { buildOffice, postForm, registerThroughForm, signIn } from './incoming-helpers.js';
import { configureMailTransport } from '../../src/notifications/notification.service.js';
import { Notification } from '../../src/notifications/notification.model.js';

interface SentMail {
  to: string;
  subject: string;
}

function recordingTransport(sent: SentMail[]) {
  const transport = nodemailer.createTransport({ jsonTransport: true });
  const send = transport.sendMail.bind(transport);
  transport.sendMail = (async (mail: SendMailOptions) => {
    const info = await send(mail);
    const message = JSON.parse(String(info.message));
    sent.push({ to: message.to[0].address, subject: message.subject });
    return info;
  }) as typeof transport.sendMail;
  return transport;
}

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
}

const bellTexts = (html: string) =>
  [...html.matchAll(/<button type="submit" class="link">([^<]*)<\/button>/g)].map((m) => m[1]!);

describe('notifications in the reader’s language (issue 11 §7)', () => {
  let ctx: TestContext;
  const sent: SentMail[] = [];
  before(async () => {
    ctx = await testApp();
    configureMailTransport(recordingTransport(sent));
  });
  after(() => configureMailTransport(null));

  it('stores a key and parameters and reads them in the language of whoever reads, page and mail', async () => {
    const office = await buildOffice();
    const english = await buildUser(office.agency, ['leader'], {
      locale: 'en',
      email: 'leader.en@ubnd.test',
    });
    const vietnamese = await buildUser(office.agency, ['leader'], {
      email: 'leader.vi@ubnd.test',
    });
    const clerk = await signIn(ctx.app, office.clerk);
    const id = await registerThroughForm(clerk, { subject: 'Về việc tổng kết năm' });
    for (const leader of [english, vietnamese])
      expect(
        (await postForm(clerk, `/incoming/${id}/present`, { leaderId: String(leader.id) })).status,
      ).to.equal(303);

    const stored = await Notification.findOne({
      where: { userId: english.id, kind: 'incoming.presented' },
    });
    expect(stored!.messageKey).to.equal('incoming:notify.presented');
    expect(JSON.parse(stored!.messageParams!)).to.include({ subject: 'Về việc tổng kết năm' });
    expect(stored!.message).to.equal('');

    // The bell's page: in the reader's language, then in the language they switch to.
    const reader = await signIn(ctx.app, english);
    const page = await reader.session.agent.get('/notifications');
    const [englishText] = bellTexts(page.text);
    expect(englishText).to.match(/^Incoming document no\. \d+ is presented for your direction/);
    expect(englishText).to.contain('Về việc tổng kết năm');
    expect(
      (await postForm(reader, '/language', { lng: 'vi', back: '/notifications' })).status,
    ).to.equal(303);
    const switched = await reader.session.agent.get('/notifications');
    expect(bellTexts(switched.text)[0]).to.match(
      /^Văn bản đến số \d+ được trình xin ý kiến chỉ đạo: Về việc tổng kết năm$/,
    );

    // Mail: each recipient in their own language.
    await waitFor(() => sent.filter((m) => m.to.startsWith('leader.')).length >= 2);
    const mailTo = (to: string) => sent.find((m) => m.to === to)?.subject ?? '';
    expect(mailTo('leader.en@ubnd.test')).to.match(
      /^\[eOffice\] Incoming document no\. \d+ is presented/,
    );
    expect(mailTo('leader.vi@ubnd.test')).to.match(
      /^\[eOffice\] Văn bản đến số \d+ được trình xin ý kiến chỉ đạo/,
    );
  });

  it('shows a notification written before texts were keyed as it was written', async () => {
    const office = await buildOffice();
    await Notification.create({ userId: office.leader.id, kind: 'test', message: 'Thông báo cũ' });
    const reader = await signIn(ctx.app, office.leader);
    expect(bellTexts((await reader.session.agent.get('/notifications')).text)).to.include(
      'Thông báo cũ',
    );
  });
});
