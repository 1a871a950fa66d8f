import { expect } from 'chai';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildAgency, buildDepartment, buildUser, loginAs } from '../factories/index.js';
import { registerDocument } from '../factories/incoming.js';
import { makePdf } from '../fixtures/pdf.js';
import { IncomingAssignment, IncomingDocument } from '../../src/incoming/incoming.model.js';
import { listIncoming } from '../../src/incoming/incoming.queries.js';
import { ListQuerySchema, type ListTab } from '../../src/incoming/incoming.schemas.js';
import { setSearchLimits } from '../../src/incoming/incoming.search.js';
import type { User } from '../../src/users/user.model.js';
import { expectBoundedTotal } from '../helpers/bounded-total.js';
import { statementsOf } from '../helpers/statements.js';

/**
 * A list without words on the list page counts up to a bound, reads a clerk's work queue from
 * its statuses' ranges and an archive counted first (incoming.queries.ts: statusRangesPage,
 * boundedArchivePage); the export and the API keep the plain definition (every document
 * counted). Both must show the same documents in the same order on every page.
 */
describe('incoming lists without words: the list page reads the same page as the plain definition', function () {
  this.timeout(180_000);
  let ctx: TestContext;
  let clerk: User;
  let uncleared: User;
  let leader: User;
  let head: User;
  let specialist: User;
  // Registered, out of everyone's chain but the clerk who registered it.
  const SECRET = 14;
  let secretId = 0;

  const STATUSES = [
    'registered',
    'returned',
    'completed',
    'presented',
    'directed',
    'in_progress',
    'filed',
  ] as const;

  before(async () => {
    ctx = await testApp();
    const agency = await buildAgency();
    const department = await buildDepartment(agency);
    clerk = await buildUser(agency, ['clerk'], { secretClearance: 2 });
    // A clerk without clearance: the secret document stays out of their status ranges.
    uncleared = await buildUser(agency, ['clerk'], { secretClearance: 0 });
    leader = await buildUser(agency, ['leader'], { secretClearance: 0 });
    head = await buildUser(agency, ['dept_head'], { departmentId: department.id });
    specialist = await buildUser(agency, ['specialist'], { departmentId: department.id });
    // Another agency's documents never show.
    const stranger = await buildUser(await buildAgency(), ['clerk']);
    const pdf = await makePdf(1);
    const register = (i: number, by: User) =>
      registerDocument(
        by,
        {
          confidentiality: i === SECRET ? '2' : '0',
          subject: `Công văn số ${i}`,
          dueDate: i % 4 ? undefined : `2026-12-${String(1 + (i % 9)).padStart(2, '0')}`,
        },
        pdf,
      );
    await register(0, stranger);
    for (let i = 0; i < 42; i += 1) {
      const doc = await register(i, clerk);
      const status = STATUSES[i % STATUSES.length];
      await IncomingDocument.update(
        {
          status,
          presentedToId: status === 'registered' ? null : leader.id,
          // Five days, not in the documents' order: ties on the date are ordered by id.
          arrivalDate: new Date(`2026-11-${10 + ((i * 7) % 5)}T08:00:00+07:00`),
        },
        { where: { id: doc.id } },
      );
      if (i === SECRET) secretId = doc.id;
      const assign = (fields: Partial<IncomingAssignment['_creationAttributes']>) =>
        IncomingAssignment.create({
          documentId: doc.id,
          parentId: null,
          role: 'lead',
          assigneeUserId: null,
          assigneeDepartmentId: null,
          assignedById: leader.id,
          deadline: null,
          status: 'pending',
          note: null,
          ...fields,
        });
      // The specialist's and the department's work, and a clerk's own pending work on
      // documents of statuses in and out of their "to handle" (the ranges and the rest overlap).
      if (i % 3 === 0) await assign({ assigneeUserId: specialist.id });
      if (i % 3 === 1) await assign({ assigneeDepartmentId: department.id, status: 'completed' });
      if (i % 5 === 0) await assign({ assigneeUserId: uncleared.id, deadline: '2026-11-20' });
    }
    // Pages of one status: a range read up to the page's end, not just one page of it.
    const model = (await IncomingDocument.findByPk(secretId))!.get({ plain: true });
    await IncomingDocument.bulkCreate(
      Array.from({ length: 60 }, (_, i) => ({
        ...model,
        id: undefined,
        arrivalNumber: 1000 + i,
        confidentiality: 0,
        status: 'returned' as const,
        arrivalDate: new Date(`2026-11-${10 + ((i * 3) % 5)}T08:00:00+07:00`),
      })),
    );
  });

  after(() => setSearchLimits());

  const ids = (list: { rows: Array<{ document: { id: number } }> }) =>
    list.rows.map((r) => r.document.id);

  async function compare(user: User, tab: ListTab | undefined, extra = {}) {
    const query = (page: number) => ListQuerySchema.parse({ tab, page, ...extra });
    const plain = await listIncoming(user, query(1), { exactTotal: true });
    const bound = limits.countBound;
    // Every page, and one past the end (an old link: the last page shown).
    for (let page = 1; page <= plain.pages + 1; page += 1) {
      const exact = await listIncoming(user, query(page), { exactTotal: true });
      const fast = await listIncoming(user, query(page));
      const what = `${user.username} ${tab} page ${page} ${JSON.stringify(extra)} bound ${bound}`;
      expect(ids(fast), what).to.deep.equal(ids(exact));
      expect(
        fast.rows.map((r) => r.deadline),
        what,
      ).to.deep.equal(exact.rows.map((r) => r.deadline));
      expectBoundedTotal(fast, exact, bound, what);
    }
    return plain;
  }

  let limits = { countBound: 1000 };
  for (const countBound of [1000, 10, 4, 1]) {
    it(`same rows, order, pages and totals up to a bound of ${countBound}`, async () => {
      limits = { countBound };
      setSearchLimits({ countBound });
      const tabs: ListTab[] = ['toHandle', 'inProgress', 'done', 'forInfo', 'all'];
      for (const user of [clerk, uncleared, leader, head, specialist])
        for (const tab of tabs) await compare(user, tab);
      for (const extra of [
        { dir: 'asc' },
        { sort: 'arrivalNumber' },
        { sort: 'dueDate' },
        { sort: 'dueDate', dir: 'asc' },
        { status: 'returned' },
        { from: '2026-11-11', to: '2026-11-13' },
      ])
        for (const tab of ['toHandle', 'inProgress', 'all'] as ListTab[]) {
          await compare(clerk, tab, extra);
          await compare(uncleared, tab, extra);
        }
      // The dashboard's overdue alert spans both work queues.
      await compare(uncleared, undefined, { overdue: '1' });
      await compare(clerk, undefined, { overdue: '1' });
      // The clerk's "to handle": three statuses and their own work; the secret one only for
      // the clerk cleared for it.
      const toHandle = await compare(uncleared, 'toHandle');
      expect(toHandle.total).to.be.greaterThan(18);
      const all = (user: User) =>
        listIncoming(user, ListQuerySchema.parse({ tab: 'all' }), { exactTotal: true });
      expect((await all(clerk)).total).to.equal(102);
      expect((await all(uncleared)).total).to.equal(101);
      const shown = async (user: User) => {
        const found: number[] = [];
        for (let page = 1, pages = 1; page <= pages; page += 1) {
          const list = await listIncoming(user, ListQuerySchema.parse({ page }));
          found.push(...ids(list));
          pages = list.pages;
        }
        return found;
      };
      expect(await shown(clerk)).to.include(secretId);
      expect(await shown(uncleared)).not.to.include(secretId);
    });
  }

  it("reads a list of candidates (a specialist's own archive), with or without words, counted in its page's statement", async () => {
    limits = { countBound: 1000 };
    setSearchLimits();
    const done = await IncomingDocument.findAll({
      where: { agencyId: specialist.agencyId },
      limit: 3,
    });
    for (const doc of done)
      await IncomingAssignment.create({
        documentId: doc.id,
        parentId: null,
        role: 'lead',
        assigneeUserId: specialist.id,
        assigneeDepartmentId: null,
        assignedById: leader.id,
        deadline: null,
        status: 'completed',
        note: null,
      });
    for (const q of [undefined, 'công van']) {
      await compare(specialist, 'done', q ? { q } : {});
      let list: Awaited<ReturnType<typeof listIncoming>> | undefined;
      const statements = await statementsOf(async () => {
        list = await listIncoming(specialist, ListQuerySchema.parse({ tab: 'done', q }));
      });
      expect(list!.total, `q ${q}`).to.equal(3);
      // The candidates are collected and sorted for the page anyway: no second pass to count them.
      const reads = statements.filter((sql) =>
        /FROM incoming_documents|JOIN incoming_documents/.test(sql),
      );
      expect(reads, `q ${q}`).to.have.length(1);
      expect(reads[0]).to.match(/COUNT\(\*\) OVER \(\)/);
    }
  });

  it('says "more than" the bound on the page, and the export and the API hold every document', async () => {
    setSearchLimits({ countBound: 5 });
    const session = await loginAs(ctx.app, clerk);
    const res = await session.agent.get('/incoming').query({ tab: 'all' });
    expect(res.status).to.equal(200);
    expect(res.text).to.include('Tổng số: hơn 5 văn bản');
    expect(res.text).to.include('Trang 1<');
    expect(res.text).to.match(/href="[^"]*page&#x3D;2[^"]*" rel="next"/);
    const last = await session.agent.get('/incoming').query({ tab: 'all', page: 6 });
    expect(last.text).to.include('Trang 6<');
    expect(last.text).not.to.include('rel="next"');
    const xlsx = await session.agent.get('/incoming/export.xlsx').query({ tab: 'all' });
    expect(xlsx.headers['x-export-rows']).to.equal('102');
    expect(xlsx.headers['x-export-total']).to.equal('102');
    setSearchLimits();
  });
});
