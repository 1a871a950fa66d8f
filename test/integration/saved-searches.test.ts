import { expect } from 'chai';
import request from 'supertest';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { SavedSearch } from '../../src/saved-searches/saved-search.model.js';
import { SaveSearchSchema } from '../../src/saved-searches/saved-searches.schemas.js';
import { setSavedSearchLimit } from '../../src/saved-searches/saved-searches.service.js';
import { createAccessToken } from '../../src/users/users.service.js';
import type { User } from '../../src/users/user.model.js';
import { buildUser } from '../factories/index.js';
import { registerDocument } from '../factories/incoming.js';
import { makePdf } from '../fixtures/pdf.js';
import { decodeEntities } from '../helpers/page-language.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildOffice, postForm, signIn, type Actor, type Office } from './incoming-helpers.js';

const SENDER = 'Sở Tài chính tỉnh Thử';

/** The rows of an incoming list page, in the order shown (their ids). */
const rowIds = (html: string) =>
  [...html.matchAll(/<tr class="[^"]*" data-id="(\d+)"/g)].map((m) => Number(m[1]));

/** The query the list page's "Lưu tìm kiếm này" form holds (the list as shown). */
const shownQuery = (html: string) => {
  const m = /<input type="hidden" name="query" value="([^"]*)">/.exec(html);
  if (!m) throw new Error('No save form on the page');
  return decodeEntities(m[1]!);
};

/** The message shown beside the save form's name field. */
const nameError = (html: string) =>
  decodeEntities(
    /<p class="field-error" id="saved-search-name-error">([^<]*)<\/p>/.exec(html)?.[1] ?? '',
  );

describe('saved searches (Tìm kiếm đã lưu)', function () {
  this.timeout(120_000);
  let ctx: TestContext;
  let office: Office;
  let clerk: Actor;
  let specialist: Actor;
  let stranger: Actor;
  let pdf: Buffer;

  const register = (fields: Record<string, string>) =>
    registerDocument(office.clerk, { fromOrganName: SENDER, ...fields }, pdf);

  const countOf = (user: User) => SavedSearch.count({ where: { userId: user.id } });

  /** Saves from a list page as its form does: the page's query and a name. */
  const saveFrom = async (actor: Actor, listUrl: string, name: string) => {
    const page = await actor.session.agent.get(listUrl);
    expect(page.status, page.text.slice(0, 300)).to.equal(200);
    const list = listUrl.split('?')[0];
    return postForm(actor, `${list}/saved-searches`, { name, query: shownQuery(page.text) });
  };

  before(async () => {
    ctx = await testApp();
    pdf = await makePdf(1);
    office = await buildOffice();
    clerk = await signIn(ctx.app, office.clerk);
    specialist = await signIn(ctx.app, office.specialist);
    stranger = await signIn(ctx.app, await buildUser(office.agency, ['clerk']));
  });

  afterEach(() => setSavedSearchLimit());

  it('saves the incoming list as shown (filters, Vietnamese words, sort) and its link shows the same rows, read afresh', async () => {
    const first = await register({ subject: 'Dự toán ngân sách quý I' });
    const second = await register({ subject: 'Dự toán ngân sách quý II', urgency: '1' });
    // Not found by the search: another sender, other words.
    await register({ fromOrganName: 'Sở Nội vụ tỉnh Thử', subject: 'Dự toán ngân sách quý III' });
    await register({ subject: 'Tuyển dụng công chức' });
    const list =
      `/incoming?tab=all&q=${encodeURIComponent('ngân sách')}&sender=${encodeURIComponent('sở tài chính')}` +
      `&status=&urgency=&from=01/01/2020&to=31/12/2100&sort=arrivalNumber&dir=asc&page=1`;
    const original = await clerk.session.agent.get(list);
    expect(rowIds(original.text)).to.deep.equal([first.id, second.id]);

    const res = await saveFrom(clerk, list, 'Văn bản Sở Tài chính – ngân sách');
    expect(res.status, res.text.slice(0, 500)).to.equal(303);
    const saved = (await SavedSearch.findOne({
      where: { userId: office.clerk.id, name: 'Văn bản Sở Tài chính – ngân sách' },
    }))!;
    // Only the list's own parameters, as its schema reads them: dates ISO, no page, no blanks.
    const params = new URLSearchParams(saved.query);
    expect([...params.keys()]).to.deep.equal(['tab', 'from', 'to', 'sender', 'q', 'sort', 'dir']);
    expect(Object.fromEntries(params)).to.include({
      tab: 'all',
      q: 'ngân sách',
      sender: 'sở tài chính',
      from: '2020-01-01',
      to: '2100-12-31',
    });
    expect(res.headers.location).to.equal(`/incoming?${saved.query}`);
    const back = await clerk.session.agent.get(res.headers.location);
    expect(back.text).to.include('Đã lưu tìm kiếm “Văn bản Sở Tài chính – ngân sách”.');

    // The control lists it, marked as the list shown; opening it shows the same rows.
    expect(back.text).to.match(
      new RegExp(
        `<a href="/saved-searches/${saved.id}" data-saved-search="${saved.id}" aria-current="true">`,
      ),
    );
    const open = await clerk.session.agent.get(`/saved-searches/${saved.id}`);
    expect(open.status).to.equal(303);
    expect(open.headers.location).to.equal(`/incoming?${saved.query}`);
    const again = await clerk.session.agent.get(open.headers.location);
    expect(rowIds(again.text)).to.deep.equal(rowIds(original.text));

    // The results are never kept: a document registered afterwards is found when it is run again.
    const third = await register({ subject: 'Bổ sung dự toán ngân sách' });
    const later = await clerk.session.agent.get(
      (await clerk.session.agent.get(`/saved-searches/${saved.id}`)).headers.location,
    );
    expect(rowIds(later.text)).to.deep.equal([first.id, second.id, third.id]);

    const audit = await AuditLog.findOne({
      where: {
        action: 'saved_search.create',
        entityType: 'saved_search',
        entityId: String(saved.id),
      },
    });
    expect(audit?.userId).to.equal(office.clerk.id);
    expect(JSON.parse(audit!.details!)).to.deep.include({
      list: 'incoming',
      name: 'Văn bản Sở Tài chính – ngân sách',
      query: saved.query,
    });
  });

  it("shows each person only their own searches: another's is not found to open, rename or delete", async () => {
    const res = await saveFrom(clerk, '/incoming?tab=all&status=registered', 'Chỉ của văn thư');
    expect(res.status).to.equal(303);
    const mine = (await SavedSearch.findOne({
      where: { userId: office.clerk.id, name: 'Chỉ của văn thư' },
    }))!;
    const before = mine.get({ plain: true });
    // Saved searches' own audit rows (background jobs of other suites may write theirs).
    const auditRows = await AuditLog.count({ where: { entityType: 'saved_search' } });
    for (const other of [specialist, stranger]) {
      const open = await other.session.agent.get(`/saved-searches/${mine.id}`);
      expect(open.status, 'open').to.equal(404);
      expect(open.text).to.include('Không tìm thấy tìm kiếm đã lưu.');
      const rename = await postForm(other, `/saved-searches/${mine.id}`, { name: 'Đổi tên' });
      expect(rename.status, 'rename').to.equal(404);
      // A refused name does not tell either.
      const blank = await postForm(other, `/saved-searches/${mine.id}`, { name: '' });
      expect(blank.status, 'rename with no name').to.equal(404);
      const remove = await postForm(other, `/saved-searches/${mine.id}/delete`, {});
      expect(remove.status, 'delete').to.equal(404);
      const page = await other.session.agent.get('/saved-searches');
      expect(page.status).to.equal(200);
      expect(page.text).not.to.include('Chỉ của văn thư');
      const list = await other.session.agent.get('/incoming?tab=all');
      expect(list.text).not.to.include('Chỉ của văn thư');
    }
    expect((await SavedSearch.findByPk(mine.id))!.get({ plain: true })).to.deep.equal(before);
    // (Other suites rename their own searches in the same database: this one's rows only.)
    expect(
      await AuditLog.count({
        where: { action: 'saved_search.rename', entityId: String(mine.id) },
      }),
    ).to.equal(0);
    expect(await AuditLog.count({ where: { entityType: 'saved_search' } })).to.equal(auditRows);
    // Its owner sees it, with its conditions in words.
    const page = await clerk.session.agent.get('/saved-searches');
    expect(page.text).to.include('Chỉ của văn thư');
    expect(page.text).to.include('Tất cả văn bản đã vào sổ · Trạng thái: Đã vào sổ');
  });

  it('refuses a name the person already gave a search of the same list (422 beside the name), whatever its case', async () => {
    const list = '/incoming?tab=all&urgency=1';
    expect((await saveFrom(clerk, list, 'Văn bản khẩn')).status).to.equal(303);
    const count = await countOf(office.clerk);
    for (const name of ['Văn bản khẩn', '  VĂN BẢN   KHẨN ']) {
      const res = await saveFrom(clerk, list, name);
      expect(res.status, name).to.equal(422);
      expect(nameError(res.text)).to.equal(
        'Bạn đã có một tìm kiếm cùng tên cho danh sách này. Hãy chọn tên khác.',
      );
      // The list is shown again, with the control open and the name typed.
      expect(res.text).to.match(
        /<details class="saved-searches" data-testid="saved-searches" open>/,
      );
      expect(res.text).to.match(/id="saved-search-name"[^>]*aria-invalid="true"/);
    }
    expect(await countOf(office.clerk)).to.equal(count);
    // Without its accents it is another name, and another list may use the same one.
    expect((await saveFrom(clerk, list, 'Van ban khan')).status).to.equal(303);
    expect((await saveFrom(clerk, '/outgoing?tab=issued', 'Văn bản khẩn')).status).to.equal(303);
    // Another person may use it too.
    expect((await saveFrom(stranger, list, 'Văn bản khẩn')).status).to.equal(303);
  });

  it('refuses hostile input with a Vietnamese message and saves nothing', async () => {
    const page = await clerk.session.agent.get('/incoming?tab=all');
    const query = shownQuery(page.text);
    const count = await SavedSearch.count();
    const refusals: [Record<string, string | string[]>, number, RegExp][] = [
      [{ name: '', query }, 422, /Vui lòng nhập thông tin này/],
      [{ name: '   \u200b ', query }, 422, /Vui lòng nhập thông tin này/],
      [{ name: 'x'.repeat(10_000), query }, 422, /Không được dài quá 100 ký tự/],
      [{ name: ['một', 'hai'], query }, 422, /Giá trị không hợp lệ/],
      [{ name: 'Tham số lạ', query: `${query}&foo=1` }, 422, /Điều kiện tìm kiếm không hợp lệ/],
      [{ name: 'Trang lạ', query: 'tab=overdueAlert' }, 422, /Điều kiện tìm kiếm không hợp lệ/],
      [{ name: 'Trạng thái lạ', query: 'tab=all&status=<script>' }, 422, /Điều kiện tìm kiếm/],
      [{ name: 'Hai lần', query: 'tab=all&q=a&q=b' }, 422, /Điều kiện tìm kiếm/],
      [{ name: 'Ký tự NUL', query: 'tab=all&q=a%00b' }, 422, /Điều kiện tìm kiếm/],
      [{ name: 'Proto', query: '__proto__[x]=1&constructor=1' }, 422, /Điều kiện tìm kiếm/],
      [{ name: 'Dài', query: `q=${'a'.repeat(5000)}` }, 422, /Điều kiện tìm kiếm/],
      [{ name: 'Mảng', query: ['tab=all', 'tab=done'] }, 422, /Điều kiện tìm kiếm/],
    ];
    for (const [body, status, message] of refusals) {
      const res = await postForm(clerk, '/incoming/saved-searches', body);
      const label = JSON.stringify(body).slice(0, 80);
      expect(res.status, label).to.equal(status);
      expect(decodeEntities(res.text), label).to.match(message);
      expect(res.text, label).not.to.match(/Invalid input|ZodError|at .*\.ts:\d+/);
    }
    // A NUL byte in the name itself is refused before anything reads it.
    const nul = await postForm(clerk, '/incoming/saved-searches', { name: 'a\u0000b', query });
    expect(nul.status).to.equal(400);
    expect(nul.text).to.match(/ký tự/);
    // A list that does not exist.
    const none = await postForm(clerk, '/khong-co/saved-searches', { name: 'x', query });
    expect(none.status).to.equal(404);
    expect(none.text).to.include('Không tìm thấy');
    expect(await SavedSearch.count()).to.equal(count);
  });

  it('keeps at most the limit of searches per person, and says so', async () => {
    const user = await buildUser(office.agency, ['specialist'], {
      departmentId: office.department.id,
    });
    const actor = await signIn(ctx.app, user);
    setSavedSearchLimit(2);
    expect((await saveFrom(actor, '/incoming?tab=done', 'Một')).status).to.equal(303);
    expect((await saveFrom(actor, '/outgoing?tab=mine', 'Hai')).status).to.equal(303);
    const res = await saveFrom(actor, '/incoming?tab=forInfo', 'Ba');
    expect(res.status).to.equal(422);
    expect(decodeEntities(res.text)).to.include(
      'Mỗi người lưu được tối đa 2 tìm kiếm. Hãy xóa bớt những tìm kiếm không còn dùng.',
    );
    expect(await countOf(user)).to.equal(2);
  });

  it('saves the outgoing tab shown, and renames and deletes a search, each audited', async () => {
    const res = await saveFrom(specialist, '/outgoing?tab=issued', 'Đã phát hành');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/outgoing?tab=issued');
    const search = (await SavedSearch.findOne({
      where: { userId: office.specialist.id, name: 'Đã phát hành' },
    }))!;
    expect(search.listKind).to.equal('outgoing');
    // The tab the person's list opens on when none is asked is saved as that tab.
    expect((await saveFrom(specialist, '/outgoing', 'Dự thảo')).headers.location).to.equal(
      '/outgoing?tab=mine',
    );

    const taken = await postForm(specialist, `/saved-searches/${search.id}`, { name: 'Dự thảo' });
    expect(taken.status).to.equal(422);
    expect(decodeEntities(taken.text)).to.include(
      `<p class="field-error" id="saved-search-${search.id}-name-error">Bạn đã có một tìm kiếm cùng tên`,
    );
    const long = await postForm(specialist, `/saved-searches/${search.id}`, {
      name: 'y'.repeat(101),
    });
    expect(long.status).to.equal(422);
    expect((await SavedSearch.findByPk(search.id))!.name).to.equal('Đã phát hành');

    const renamed = await postForm(specialist, `/saved-searches/${search.id}`, {
      name: 'Văn bản đi đã phát hành',
    });
    expect(renamed.status).to.equal(303);
    expect((await SavedSearch.findByPk(search.id))!.name).to.equal('Văn bản đi đã phát hành');
    const renameRow = await AuditLog.findOne({
      where: { action: 'saved_search.rename', entityId: String(search.id) },
    });
    expect(JSON.parse(renameRow!.details!)).to.deep.equal({
      list: 'outgoing',
      name: ['Đã phát hành', 'Văn bản đi đã phát hành'],
    });
    expect(renameRow!.userId).to.equal(office.specialist.id);

    const removed = await postForm(specialist, `/saved-searches/${search.id}/delete`, {});
    expect(removed.status).to.equal(303);
    expect(await SavedSearch.findByPk(search.id)).to.equal(null);
    const deleteRow = await AuditLog.findOne({
      where: { action: 'saved_search.delete', entityId: String(search.id) },
    });
    expect(deleteRow!.userId).to.equal(office.specialist.id);
    expect((await specialist.session.agent.get(`/saved-searches/${search.id}`)).status).to.equal(
      404,
    );
  });

  describe('through the JSON API', () => {
    const tokenOf = async (user: User) =>
      (await createAccessToken(user, 'tìm kiếm đã lưu', { userId: user.id, ip: null })).token;
    const api = (token: string) => ({
      get: (url: string) => request(ctx.app).get(url).set('Authorization', `Bearer ${token}`),
      post: (url: string, body: object) =>
        request(ctx.app).post(url).set('Authorization', `Bearer ${token}`).send(body),
      patch: (url: string, body: object) =>
        request(ctx.app).patch(url).set('Authorization', `Bearer ${token}`).send(body),
      delete: (url: string) => request(ctx.app).delete(url).set('Authorization', `Bearer ${token}`),
    });

    it("saves, lists and deletes one's own searches through the same rules as the pages", async () => {
      const user = await buildUser(office.agency, ['clerk']);
      const other = await buildUser(office.agency, ['clerk']);
      const mine = api(await tokenOf(user));
      const theirs = api(await tokenOf(other));
      const query = `?tab=all&q=${encodeURIComponent('Sở Tài chính')}&page=3&status=`;
      const created = await mine.post('/api/v1/saved-searches', {
        list: 'incoming',
        name: 'Của Sở Tài chính',
        query,
      });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      expect(created.body).to.deep.include({
        list: 'incoming',
        name: 'Của Sở Tài chính',
        query: 'tab=all&q=S%E1%BB%9F+T%C3%A0i+ch%C3%ADnh',
        href: '/incoming?tab=all&q=S%E1%BB%9F+T%C3%A0i+ch%C3%ADnh',
        conditions: ['Tất cả văn bản đã vào sổ', 'Trích yếu, số, ký hiệu: “Sở Tài chính”'],
      });
      const { id } = created.body as { id: number };
      expect(
        (await mine.get('/api/v1/saved-searches?list=incoming')).body.items.map(
          (i: { id: number }) => i.id,
        ),
      ).to.deep.equal([id]);
      expect((await theirs.get('/api/v1/saved-searches')).body.items).to.deep.equal([]);

      // Renamed by its owner only; its query stays; a name taken among theirs is refused.
      const notTheirs = await theirs.patch(`/api/v1/saved-searches/${id}`, { name: 'Của tôi' });
      expect(notTheirs.status).to.equal(404);
      const renamed = await mine.patch(`/api/v1/saved-searches/${id}`, { name: 'Sở Tài chính' });
      expect(renamed.status, JSON.stringify(renamed.body)).to.equal(200);
      expect(renamed.body).to.deep.include({ id, name: 'Sở Tài chính', query: created.body.query });
      await mine.post('/api/v1/saved-searches', {
        list: 'incoming',
        name: 'Khác',
        query: '?tab=all',
      });
      const taken = await mine.patch(`/api/v1/saved-searches/${id}`, { name: '  khác ' });
      expect(taken.status).to.equal(422);
      expect(JSON.stringify(taken.body)).to.match(
        /[àáảãạâầấẩẫậăằắẳẵặèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]/i,
      );
      const empty = await mine.patch(`/api/v1/saved-searches/${id}`, { name: '' });
      expect(empty.status).to.equal(422);
      expect((await SavedSearch.findByPk(id))!.name).to.equal('Sở Tài chính');
      expect(
        await AuditLog.count({ where: { action: 'saved_search.rename', entityId: String(id) } }),
      ).to.equal(1);

      const refused = await theirs.delete(`/api/v1/saved-searches/${id}`);
      expect(refused.status).to.equal(404);
      expect(refused.body.error.message).to.equal('Không tìm thấy tìm kiếm đã lưu.');
      expect(await SavedSearch.findByPk(id)).not.to.equal(null);

      const deleted = await mine.delete(`/api/v1/saved-searches/${id}`);
      expect(deleted.status).to.equal(204);
      expect(await SavedSearch.findByPk(id)).to.equal(null);
      expect(
        await AuditLog.count({ where: { action: 'saved_search.delete', entityId: String(id) } }),
      ).to.equal(1);
    });

    it('refuses a list that does not exist, a hostile query and a duplicate name in Vietnamese', async () => {
      const user = await buildUser(office.agency, ['specialist']);
      const mine = api(await tokenOf(user));
      const refusals: [object, string, string][] = [
        [{ list: 'khong-co', name: 'x', query: '' }, 'list', 'Không có danh sách này'],
        [{ list: 'incoming', name: '', query: '' }, 'name', 'Vui lòng nhập thông tin này.'],
        [{ list: 'incoming', name: 'x'.repeat(10_000) }, 'name', 'Không được dài quá 100 ký tự.'],
        [
          { list: 'outgoing', name: 'x', query: 'tab=mine&sender=abc' },
          'query',
          'Điều kiện tìm kiếm',
        ],
        [{ list: 'incoming', name: 'x', query: { tab: 'all' } }, 'query', 'Điều kiện tìm kiếm'],
      ];
      for (const [body, field, message] of refusals) {
        const res = await mine.post('/api/v1/saved-searches', body);
        expect(res.status, JSON.stringify(body).slice(0, 80)).to.equal(422);
        expect(res.body.error.fields?.[field] ?? res.body.error.message).to.include(message);
      }
      expect(
        (await mine.post('/api/v1/saved-searches', { list: 'outgoing', name: 'Đã ban hành' }))
          .status,
      ).to.equal(201);
      const again = await mine.post('/api/v1/saved-searches', {
        list: 'outgoing',
        name: 'đã ban hành',
      });
      expect(again.status).to.equal(422);
      expect(again.body.error.fields.name).to.equal(
        'Bạn đã có một tìm kiếm cùng tên cho danh sách này. Hãy chọn tên khác.',
      );
      expect(await countOf(user)).to.equal(1);
    });

    it('is described in openapi.json from the schema the route validates with', async () => {
      const res = await request(ctx.app).get('/api/v1/openapi.json');
      const paths = res.body.paths as Record<string, Record<string, never>>;
      expect(Object.keys(paths['/saved-searches']!)).to.have.members(['get', 'post']);
      expect(Object.keys(paths['/saved-searches/{id}']!)).to.have.members(['patch', 'delete']);
      const body = (
        paths['/saved-searches']!.post as {
          requestBody: { content: { 'application/json': { schema: Record<string, never> } } };
        }
      ).requestBody.content['application/json'].schema;
      expect(Object.keys(body.properties)).to.have.members(Object.keys(SaveSearchSchema.shape));
      expect(body.required).to.have.members(['name', 'list']);
    });
  });
});
