import { expect } from 'chai';
import { decodeEntities } from '../helpers/page-language.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildOffice, postForm, signIn, type Actor } from './incoming-helpers.js';

/**
 * A typo in a list's filter comes back as the list, the value as typed and the reason beside its
 * field (422), as the incoming list does; never a bare error page that loses the other filters.
 */
describe('list filters typed wrong (outgoing, records files)', function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let clerk: Actor;

  before(async () => {
    ctx = await testApp();
    const office = await buildOffice();
    clerk = await signIn(ctx.app, office.clerk);
  });

  it('shows the outgoing list with the date as typed and the reason beside it; the other filters stay', async () => {
    const res = await clerk.session.agent.get('/outgoing?tab=all&from=31/02/2026&q=abc');
    expect(res.status).to.equal(422);
    const page = decodeEntities(res.text);
    expect(page).to.include('data-testid="outgoing-filters"');
    expect(page).to.include('id="f-from-error">Không có ngày này trong lịch');
    expect(page).to.match(/id="f-from" name="from" value="31\/02\/2026" aria-invalid="true"/);
    expect(page).to.match(/name="q"[^>]*value="abc"/);
    expect(page).to.include('aria-current="page" class="current" data-testid="tab-all"');
    // Without a tab: the person's own first tab, still the list.
    const to = await clerk.session.agent.get('/outgoing?to=2026-13-01');
    expect(to.status).to.equal(422);
    expect(to.text).to.include('id="f-to-error">');
    expect(to.text).to.include('data-testid="outgoing-filters"');
    // The export of such a list: refused (422) with the field named as the form names it.
    const xlsx = await clerk.session.agent.get('/outgoing/export.xlsx?tab=all&from=31/02/2026');
    expect(xlsx.status).to.equal(422);
    expect(decodeEntities(xlsx.text)).to.include('<strong>Từ ngày</strong>: Không có ngày này');
    expect(xlsx.text).not.to.match(/at .*\.ts:\d+/);
  });

  it('shows the records-file list with the year as typed and the reason beside it', async () => {
    const res = await clerk.session.agent.get('/records-files?year=2O26&q=abc');
    expect(res.status).to.equal(422);
    const page = decodeEntities(res.text);
    expect(page).to.include('data-testid="records-files"');
    expect(page).to.match(/id="rf-year" name="year" value="2O26"[^>]*aria-invalid="true"/);
    expect(page).to.match(/id="rf-year-error">[^<]+</);
    expect(page).to.match(/id="rf-q" name="q" value="abc"/);
    // The workbooks offered are of a year, never of the one typed wrong.
    expect(page).not.to.include('năm 2O26');
    const status = await clerk.session.agent.get('/records-files?status=lost');
    expect(status.status).to.equal(422);
    expect(status.text).to.match(/id="rf-status-error">[^<]+</);
  });

  it("shows a records file's first page for a page number that is not one, as a stale link would", async () => {
    const created = await postForm(clerk, '/records-files', {
      code: 'TRANG-01',
      title: 'Hồ sơ thử trang',
      year: String(new Date().getFullYear()),
      retention: '10',
      departmentId: '',
      description: '',
    });
    expect(created.status, created.text.slice(0, 300)).to.equal(303);
    const file = String(created.headers.location);
    for (const page of ['abc', '0', '-1', '1e3']) {
      const res = await clerk.session.agent.get(`${file}?page=${page}`);
      expect(res.status, page).to.equal(200);
      expect(res.text).to.include('data-testid="records-file"');
    }
    const list = await clerk.session.agent.get('/records-files?page=abc');
    expect(list.status).to.equal(200);
  });
});
