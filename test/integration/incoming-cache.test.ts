import { expect } from 'chai';
import { createApp } from '../../src/app.js';
import { changeCount, isChangeAction } from '../../src/audit/audit.service.js';
import { db } from '../../src/db/index.js';
import { Notification } from '../../src/notifications/notification.model.js';
import { User } from '../../src/users/user.model.js';
import { loginAs } from '../factories/index.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import {
  buildOffice,
  postForm,
  registerThroughForm,
  signIn,
  signInAll,
  type Actor,
} from './incoming-helpers.js';

type Logging = false | ((sql: string) => void);

/** The SQL statements a request sends, as Sequelize logs them (hand-written SELECTs included). */
async function statementsOf(request: () => Promise<unknown>): Promise<string[]> {
  const options = (db() as unknown as { options: { logging: Logging } }).options;
  const saved = options.logging;
  const statements: string[] = [];
  options.logging = (sql: string) => statements.push(sql.replace(/^Executed \([^)]*\): /, ''));
  try {
    await request();
  } finally {
    options.logging = saved;
  }
  return statements;
}

const readsDocuments = (statements: string[]) =>
  statements.some((sql) => /FROM incoming_documents/i.test(sql));

describe('cached lists and dashboard figures', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  it('counts changes in the audit chain head, but not views, downloads or sign-ins', async () => {
    for (const action of ['incoming.view', 'incoming.download', 'register.view', 'register.export'])
      expect(isChangeAction(action), action).to.equal(false);
    for (const action of ['auth.login', 'auth.logout', 'auth.login_failed', 'auth.login_locked'])
      expect(isChangeAction(action), action).to.equal(false);
    for (const action of ['incoming.register', 'incoming.grant', 'user.update', 'holiday.create'])
      expect(isChangeAction(action), action).to.equal(true);
    // Unknown actions count as changes: a new kind of change can't leave a stale list behind.
    expect(isChangeAction('incoming.something_new')).to.equal(true);

    const office = await buildOffice();
    const [clerk] = await signInAll(ctx, [office.clerk]);
    const before = await changeCount();
    const id = await registerThroughForm(clerk);
    const registered = await changeCount();
    expect(registered).to.be.greaterThan(before);
    expect((await clerk.session.agent.get(`/incoming/${id}`)).status).to.equal(200);
    expect(await changeCount()).to.equal(registered);
  });

  it('answers a reloaded list from the cache and reads it again after any change', async () => {
    const office = await buildOffice();
    const [clerk, leader] = await signInAll(ctx, [office.clerk, office.leader]);
    const id = await registerThroughForm(clerk, { subject: 'Văn bản thử bộ nhớ đệm' });
    await postForm(clerk, `/incoming/${id}/present`, { leaderId: String(office.leader.id) });

    const list = () => leader.session.agent.get('/incoming?tab=toHandle');
    const first = await statementsOf(list);
    expect(readsDocuments(first), 'first view reads the list').to.equal(true);
    let page: { text: string } | undefined;
    const reloaded = await statementsOf(async () => (page = await list()));
    expect(reloaded, 'a reload is the session read only').to.have.length(1);
    expect(reloaded[0]).to.match(/FROM sessions/);
    expect(page!.text).to.contain(`data-id="${id}"`);

    // Viewing the document changes nothing: still from the cache.
    await leader.session.agent.get(`/incoming/${id}`);
    expect(readsDocuments(await statementsOf(list))).to.equal(false);

    // Directing it is a change: the next reload reads again, and the document has left the queue.
    expect(
      (await postForm(leader, `/incoming/${id}/direct`, { lead: `u:${office.specialist.id}` }))
        .status,
    ).to.equal(303);
    const afterChange = await statementsOf(async () => (page = await list()));
    expect(readsDocuments(afterChange)).to.equal(true);
    expect(page!.text).to.not.contain(`data-id="${id}"`);
  });

  it('never shows one process a list another process has changed (two apps, one database)', async () => {
    const office = await buildOffice();
    const other = createApp({ config: ctx.config });
    const [clerk] = await signInAll(ctx, [office.clerk]);
    const specialist: Actor = await (async () => {
      const session = await loginAs(other, office.specialist);
      return { user: office.specialist, session, token: await session.csrf() };
    })();
    const queue = () => specialist.session.agent.get('/incoming?tab=toHandle');
    const id = await registerThroughForm(clerk, { subject: 'Giao qua tiến trình khác' });
    await queue();
    expect((await queue()).text).to.not.contain(`data-id="${id}"`);
    // The leader directs through the first app; the specialist's app sees it on the next view.
    const [leader] = await signInAll(ctx, [office.leader]);
    await postForm(clerk, `/incoming/${id}/present`, { leaderId: String(office.leader.id) });
    await postForm(leader, `/incoming/${id}/direct`, { lead: `u:${office.specialist.id}` });
    expect((await queue()).text).to.contain(`data-id="${id}"`);
  });

  it("keys a person's lists on their row: a new clearance shows at once", async () => {
    const office = await buildOffice();
    const [clerk, leader] = await signInAll(ctx, [office.clerk, office.leader]);
    const id = await registerThroughForm(clerk, {
      confidentiality: '1',
      subject: 'Tài liệu mật chờ quyền',
    });
    const all = () => leader.session.agent.get('/incoming?tab=all');
    expect((await all()).text).to.not.contain(`data-id="${id}"`);
    // A change made outside the app (no audit row, so no new count): the user's row still moves.
    await User.update({ secretClearance: 1 }, { where: { id: office.leader.id } });
    expect((await all()).text).to.contain(`data-id="${id}"`);
  });

  it('keeps the dashboard figures until a change, like the lists', async () => {
    const office = await buildOffice();
    const [clerk, leader] = await signInAll(ctx, [office.clerk, office.leader]);
    const toHandle = async () =>
      Number(
        /data-testid="card-to-handle"[^>]*>[\s\S]*?(\d+)/.exec(
          (await leader.session.agent.get('/')).text,
        )?.[1],
      );
    const before = await toHandle();
    expect(readsDocuments(await statementsOf(() => leader.session.agent.get('/')))).to.equal(false);
    const id = await registerThroughForm(clerk);
    await postForm(clerk, `/incoming/${id}/present`, { leaderId: String(office.leader.id) });
    expect(await toHandle()).to.equal(before + 1);
  });

  it('keeps the rendered list page for its viewer only: language, message, bell and session', async () => {
    const office = await buildOffice();
    const [clerk, leader] = await signInAll(ctx, [office.clerk, office.leader]);
    const id = await registerThroughForm(clerk, { subject: 'Trang danh sách giữ sẵn' });
    await postForm(clerk, `/incoming/${id}/present`, { leaderId: String(office.leader.id) });
    const path = '/incoming?tab=toHandle';
    const list = () => leader.session.agent.get(path);
    const tokenIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    const bell = (html: string) => /data-testid="unread-count">(\d+)</.exec(html)?.[1] ?? '0';

    // The same bytes and tag again; a browser holding the tag is told nothing changed.
    const first = await list();
    const again = await list();
    expect(again.text).to.equal(first.text).and.contain(`data-id="${id}"`);
    expect(again.headers.etag).to.equal(first.headers.etag).and.match(/^W\//);
    expect(again.headers['content-type']).to.equal('text/html; charset=utf-8');
    expect(again.headers['cache-control']).to.equal('no-store');
    const conditional = await leader.session.agent
      .get(path)
      .set('If-None-Match', first.headers.etag);
    expect(conditional.status).to.equal(304);

    // Another session of the same person gets its own CSRF token, never the first session's page.
    const second = await signIn(ctx.app, office.leader);
    const secondPage = await second.session.agent.get(path);
    expect(tokenIn(secondPage.text)).to.equal(second.token);
    expect(tokenIn(first.text)).to.equal(leader.token).and.not.equal(second.token);

    // A new notification, written without any audited change: the bell counts it at once.
    const before = Number(bell(again.text));
    await Notification.create({ userId: office.leader.id, kind: 'test', message: 'Thử chuông' });
    expect(bell((await list()).text)).to.equal(String(before + 1));

    // Switching language: its message shows once, on an English page; then the English page is
    // kept, without the message; switching back gives the Vietnamese page again.
    expect((await postForm(leader, '/language', { lng: 'en', back: path })).status).to.equal(303);
    const english = await list();
    expect(english.text).to.contain('<html lang="en">').and.contain('Language changed.');
    const englishAgain = await list();
    expect(englishAgain.text).to.contain('<html lang="en">').and.not.contain('Language changed.');
    expect(englishAgain.text).to.contain(`data-id="${id}"`);
    await postForm(leader, '/language', { lng: 'vi', back: path });
    await list();
    const vietnamese = await list();
    expect(vietnamese.text).to.contain('<html lang="vi">').and.not.contain('Đã chuyển ngôn ngữ');
    expect(vietnamese.text).to.not.contain('Language changed.');
  });

  it('with LIST_CACHE_ENTRIES=0 every view reads the list', async () => {
    const uncached = createApp({ config: { ...ctx.config, listCacheEntries: 0 } });
    const office = await buildOffice();
    const session = await loginAs(uncached, office.leader);
    const list = () => session.agent.get('/incoming?tab=toHandle');
    await list();
    expect(readsDocuments(await statementsOf(list))).to.equal(true);
  });
});
