/**
 * Vietnamese first, English on request, on every page: each GET page of the policy matrix (and
 * each list export's sheet), with its fixture, opened by every role that may open it, once after
 * everyone switched to English (no Vietnamese word may be left) and once after switching back (no
 * English UI word). What the test seeded (names, subjects: every text in the database, and what
 * the audit rows of the test files run before it on the same database say) is taken out first,
 * so only the page's own words are judged. Error pages (404, 403, a refused form) too, and the
 * audit log's labels.
 */
import { expect } from 'chai';
import { Op } from 'sequelize';
import type { Response } from 'supertest';
import { db } from '../../src/db/index.js';
import { i18n } from '../../src/i18n/index.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { User } from '../../src/users/user.model.js';
import { testApp } from '../helpers/test-app.js';
import {
  ACTORS,
  anonymousSession,
  buildWorld,
  freshSession,
  type ActorName,
  type MatrixWorld,
  type PageSession,
} from '../helpers/matrix-actors.js';
import { MATRIX } from '../helpers/matrix-table.js';
import type { MatrixCase, MatrixEntry, Prepared } from '../helpers/matrix-runner.js';
import {
  earlierAuditData,
  englishIn,
  storedTexts,
  vietnameseIn,
  visibleText,
  withoutData,
} from '../helpers/page-language.js';
import { asBytes, isWorkbook, sheetTexts } from '../helpers/xlsx-export.js';

type Lng = 'vi' | 'en';

const fillPath = (path: string, params: Record<string, string | number> = {}) =>
  path.replace(/:([A-Za-z]+)/g, (_m, name: string) => encodeURIComponent(String(params[name])));

const isPage = (res: Response) =>
  res.status >= 200 && res.status < 500 && /text\/html/.test(String(res.headers['content-type']));

/** A sheet's cell as a paragraph of a page. */
const asHtml = (cell: string) =>
  `<p>${cell.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</p>`;

const PAGES = MATRIX.filter((e) => e.method === 'GET' && !e.path.startsWith('/api/'));
// Every form's action but the language switch itself (it sets the language the test chose).
const ACTIONS = MATRIX.filter(
  (e) => e.method === 'POST' && !e.path.startsWith('/api/') && e.path !== '/language',
);

describe('Every page in English and in Vietnamese', function () {
  this.timeout(60_000);
  let world: MatrixWorld;
  const checked = { en: 0, vi: 0 };
  // The last audit row before this file: the rows after it are the ones its pages wrote.
  let lastEarlierRow = 0;
  let earlier: Awaited<ReturnType<typeof earlierAuditData>>;

  /**
   * Everyone's language, as a person switches it: the switch in the page's header (the session's
   * choice, which sign-in takes from the person's setting), and the setting too.
   */
  async function speak(lng: Lng) {
    const ids = Object.values(world.users).map((u) => u.id);
    await User.update({ locale: lng }, { where: { id: ids } });
    for (const actor of ACTORS) {
      const { agent, csrf } = world.sessions[actor];
      const res = await agent.post('/language').type('form').send({ lng, back: '/', _csrf: csrf });
      expect(res.status, `${actor}'s language switch`).to.equal(303);
    }
  }

  /** The page's words in the wrong language (after the seeded data is taken out). */
  async function wrongWords(html: string, lng: Lng): Promise<string[]> {
    const fragments = visibleText(html, lng);
    const suspect = lng === 'en' ? vietnameseIn(fragments) : englishIn(fragments);
    if (suspect.length === 0) return [];
    // The data other test files left in the shared database is data too, their audit rows' texts
    // included (a search for "abc", a token named "test"); this file's own rows are judged.
    const own = withoutData(
      suspect.filter((f) => !earlier.words.has(f)),
      [...(await storedTexts(db())), ...earlier.texts],
    );
    return lng === 'en' ? vietnameseIn(own) : englishIn(own);
  }

  /**
   * Opens the page as each actor (a browser asking for the same language) and judges it; a list
   * export's sheet (…/export.xlsx) is judged as a page of its cells.
   */
  async function check(url: string, actors: readonly ActorName[], lng: Lng) {
    const problems: string[] = [];
    for (const actor of actors) {
      const get = world.sessions[actor].agent.get(url).set('Accept-Language', lng);
      const isExport = /\/export\.xlsx(\?|$)/.test(url);
      const res = isExport ? await asBytes(get) : await get;
      let html: string;
      if (isExport && isWorkbook(res))
        html = (await sheetTexts(res.body as Buffer)).map(asHtml).join('');
      else if (isPage(res)) html = res.text ?? (res.body as Buffer).toString('utf8');
      else continue;
      checked[lng]++;
      for (const words of await wrongWords(html, lng))
        problems.push(`${actor} ${url} (${res.status}): ${words}`);
    }
    return problems;
  }

  /** A session in the language (a new one when the case asks, as the policy matrix does). */
  async function sessionOf(actor: ActorName, c: MatrixCase, lng: Lng): Promise<PageSession> {
    if (!c.freshSession) return world.sessions[actor];
    if (actor !== 'anonymous') return freshSession(world.app, world.users[actor]);
    const session = await anonymousSession(world.app);
    await session.agent
      .post('/language')
      .type('form')
      .send({ lng, back: '/', _csrf: session.csrf });
    await session.agent.get('/login'); // its message is read: the page checked is the action's
    return session;
  }

  /** The form sent as the policy matrix sends it: urlencoded, or multipart with the token first. */
  function submit(session: PageSession, entry: MatrixEntry, prep: Prepared, lng: Lng) {
    const url =
      fillPath(entry.path, prep.params) + (prep.query ? `?${new URLSearchParams(prep.query)}` : '');
    const req = session.agent.post(url).set('Accept-Language', lng);
    if (!prep.multipart)
      return req.type('form').send({ ...(prep.body ?? {}), _csrf: session.csrf });
    let multipart = req.field('_csrf', session.csrf);
    for (const [k, v] of Object.entries(prep.multipart.fields)) multipart = multipart.field(k, v);
    for (const f of prep.multipart.files) multipart = multipart.attach(f.field, f.buffer, f.name);
    return multipart;
  }

  before(async () => {
    const { app } = await testApp();
    lastEarlierRow = Number(await AuditLog.max('id')) || 0;
    earlier = await earlierAuditData(lastEarlierRow);
    world = await buildWorld(app);
  });

  after(async () => {
    const ids = Object.values(world.users).map((u) => u.id);
    await User.update({ locale: 'vi' }, { where: { id: ids } });
    console.log(`      pages checked: ${checked.en} in English, ${checked.vi} in Vietnamese`);
  });

  for (const lng of ['en', 'vi'] as const) {
    describe(
      lng === 'en' ? 'in English: no Vietnamese word' : 'in Vietnamese: no English UI word',
      () => {
        before(() => speak(lng));

        for (const entry of PAGES) {
          for (const c of entry.cases) {
            if (c.allowed.length === 0) continue;
            it(`GET ${entry.path}${c.label ? ` (${c.label})` : ''}`, async () => {
              const prep: Prepared = c.prepare ? await c.prepare(world, null) : {};
              let url = fillPath(entry.path, prep.params);
              if (prep.query) url += `?${new URLSearchParams(prep.query)}`;
              const problems = await check(url, c.allowed, lng);
              expect(problems, problems.join('\n')).to.deep.equal([]);
            });
          }
        }

        // What a person reads after an action: the page it leads to with its message, or the form
        // again with what was wrong.
        for (const entry of ACTIONS) {
          for (const c of entry.cases) {
            const actor = c.allowed[0];
            if (!actor) continue;
            it(`POST ${entry.path}${c.label ? ` (${c.label})` : ''}, then its page`, async () => {
              const prep: Prepared = c.prepare ? await c.prepare(world, actor) : {};
              const session = await sessionOf(actor, c, lng);
              let res = await submit(session, entry, prep, lng);
              const location = String(res.headers.location ?? '');
              if (res.status === 303 && location.startsWith('/'))
                res = await session.agent.get(location).set('Accept-Language', lng);
              const problems: string[] = [];
              if (isPage(res)) {
                checked[lng]++;
                for (const words of await wrongWords(res.text, lng))
                  problems.push(
                    `${actor} POST ${entry.path} → ${location || res.status}: ${words}`,
                  );
              }
              await prep.cleanup?.();
              expect(problems, problems.join('\n')).to.deep.equal([]);
            });
          }
        }

        it('a page that does not exist (404), signed in and signed out', async () => {
          const res = await world.sessions.clerk.agent.get('/khong-co-trang-nay');
          expect(res.status).to.equal(404);
          const problems = await check('/khong-co-trang-nay', ['clerk', 'anonymous'], lng);
          expect(problems, problems.join('\n')).to.deep.equal([]);
        });

        it('a page one may not open (403 or 404)', async () => {
          const res = await world.sessions.specialist.agent.get('/admin/users');
          expect(res.status).to.be.oneOf([403, 404]);
          const problems = await check('/admin/users', ['specialist', 'foreignClerk'], lng);
          expect(problems, problems.join('\n')).to.deep.equal([]);
        });

        it('refused forms (4xx) with their field errors', async () => {
          const problems: string[] = [];
          const clerk = world.sessions.clerk;
          const forms: [string, Record<string, string>][] = [
            [
              '/profile/password',
              { currentPassword: 'sai', newPassword: 'a', confirmPassword: 'b' },
            ],
            ['/profile', { email: 'khong-phai-email', locale: lng }],
            ['/incoming', { subject: '' }],
            ['/outgoing', { subject: '' }],
            ['/meetings', { title: '' }],
            ['/incoming/0/direct', {}],
          ];
          for (const [url, body] of forms) {
            const res = await clerk.agent
              .post(url)
              .set('Accept-Language', lng)
              .type('form')
              .send({ ...body, _csrf: clerk.csrf });
            expect(res.status, `${url} refuses`).to.be.within(400, 499);
            checked[lng]++;
            for (const words of await wrongWords(res.text, lng))
              problems.push(`POST ${url} (${res.status}): ${words}`);
          }
          expect(problems, problems.join('\n')).to.deep.equal([]);
        });
      },
    );
  }

  describe('afterwards', () => {
    it('opened every page of the matrix in both languages, most for several roles', () => {
      expect(PAGES.length).to.be.greaterThan(60);
      expect(checked.en).to.be.greaterThan(2 * PAGES.length);
      expect(checked.vi).to.equal(checked.en);
    });

    it("labels every detail of the audit rows the pages' fixtures wrote, in both languages", async () => {
      // The audit page shows a row's details under these labels: a missing one falls back to the
      // field's code, in English words on a Vietnamese page.
      // A value that is a code (a word of the code: 'toHandle', 'secret') reads as words too.
      const keys = new Set<string>();
      const codes = new Set<string>();
      // This file's rows only: other test files write what people type (a search for "abc").
      // That every detail src writes has a label is the audit-labels unit test's to check.
      const rows = await AuditLog.findAll({
        attributes: ['details'],
        where: { id: { [Op.gt]: lastEarlierRow } },
      });
      for (const row of rows) {
        const raw = row.get('details') as unknown;
        const details = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw;
        // The keys of objects inside the details are labelled too (a change's before and after).
        const read = (node: unknown): void => {
          if (Array.isArray(node)) node.forEach(read);
          else if (node && typeof node === 'object')
            for (const [key, value] of Object.entries(node)) {
              if (!/^\d+$/.test(key)) keys.add(key);
              if (typeof value === 'string' && /^[a-z]+(?:[A-Z][a-z]+)*$/.test(value))
                codes.add(`${key}.${value}`);
              read(value);
            }
        };
        read(details);
      }
      expect(keys.size).to.be.greaterThan(20);
      const labelled = (key: string) =>
        i18n().exists(key, { lng: 'vi' }) && i18n().exists(key, { lng: 'en' });
      const unread = [...codes].filter(
        (code) =>
          !labelled(`audit:value.${code}`) &&
          !(code.startsWith('role.') && labelled(`audit:${code}`)) &&
          !(code.startsWith('roles.') && labelled(code)),
      );
      const missing = [...keys].filter(
        (key) =>
          !i18n().exists(`audit:field.${key}`, { lng: 'vi' }) ||
          !i18n().exists(`audit:field.${key}`, { lng: 'en' }),
      );
      expect({ missing: missing.sort(), unread: unread.sort() }).to.deep.equal({
        missing: [],
        unread: [],
      });
    });
  });
});
