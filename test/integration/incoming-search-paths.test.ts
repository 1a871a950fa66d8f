import { expect } from 'chai';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildAgency, buildDepartment, buildUser, loginAs } from '../factories/index.js';
import { registerDocument } from '../factories/incoming.js';
import { makePdf } from '../fixtures/pdf.js';
import { IncomingAssignment, IncomingDocument } from '../../src/incoming/incoming.model.js';
import { listIncoming, PAGE_SIZE } from '../../src/incoming/incoming.queries.js';
import { ListQuerySchema, type ListTab } from '../../src/incoming/incoming.schemas.js';
import { setSearchLimits } from '../../src/incoming/incoming.search.js';
import type { User } from '../../src/users/user.model.js';
import type { Agency } from '../../src/agencies/agency.model.js';
import { expectBoundedTotal } from '../helpers/bounded-total.js';

/**
 * A search of an archive reads its page from the rarest word's documents or walks the list
 * newest first, and counts up to a bound (incoming.queries.ts, searchArchivePage); the export
 * keeps the plain definition (every match counted). Both must show the same documents in the
 * same order on every page, whatever is typed.
 */
describe('incoming search: the list page reads the same page as the plain definition', function () {
  this.timeout(180_000);
  let ctx: TestContext;
  let clerk: User;
  let leader: User;
  let other: User;
  let specialist: User;
  let agency: Agency;

  // Words of different frequencies: "bao" in every other document, "tinh hinh" in one of three,
  // "ke hoach" in one of five, "soan" (a prefix of "soan" and "soat") in one of seven.
  const subjectOf = (i: number) =>
    [
      i % 2 ? 'Báo cáo' : 'Công văn',
      i % 3 ? '' : 'tình hình',
      i % 5 ? '' : 'kế hoạch đầu tư',
      i % 7 ? '' : i % 2 ? 'soạn thảo' : 'soát xét',
      `số ${i}`,
    ]
      .filter(Boolean)
      .join(' ');

  before(async () => {
    ctx = await testApp();
    agency = await buildAgency();
    clerk = await buildUser(agency, ['clerk']);
    leader = await buildUser(agency, ['leader'], { secretClearance: 0 });
    other = await buildUser(await buildAgency(), ['clerk']);
    specialist = await buildUser(agency, ['specialist']);
    const pdf = await makePdf(1);
    for (let i = 0; i < 36; i += 1) {
      const doc = await registerDocument(
        clerk,
        {
          fromOrganName: i % 4 ? 'Sở Tài chính' : 'UBND tỉnh',
          // Every ninth is secret: the leader (no clearance) must not find it on either path.
          confidentiality: i % 9 ? '0' : '2',
          subject: subjectOf(i),
        },
        pdf,
      );
      // Two of three handled by the specialist: their "done" tab, read from its candidates.
      if (i % 3)
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
    }
  });

  after(() => setSearchLimits());

  const QUERIES = [
    'báo cáo',
    'bao',
    'BÁO CÁO TÌNH HÌNH',
    'tình hình kế hoạch',
    'so',
    'soạn',
    'so tai chinh',
    'ke hoach dau tu so',
    'UBND',
    'không có từ này',
    '',
    '   ',
    '!!! ... ///',
    'a'.repeat(5000),
    'báo '.repeat(1250),
    'b c t h k d s u n a o e i',
    "' OR 1=1 --",
    '%_%',
  ];

  async function compare(user: User, tab: ListTab, q: string, extra = {}) {
    const query = (page: number) => ListQuerySchema.parse({ tab, q, page, ...extra });
    const plain = await listIncoming(user, query(1), { exactTotal: true });
    const ids = (list: { rows: Array<{ document: { id: number } }> }) =>
      list.rows.map((r) => r.document.id);
    const bound = limits.countBound;
    for (let page = 1; page <= plain.pages; page += 1) {
      const exact = await listIncoming(user, query(page), { exactTotal: true });
      const fast = await listIncoming(user, query(page));
      const what = `${tab} "${q.slice(0, 30)}" page ${page} ${JSON.stringify(extra)}`;
      expect(ids(fast), what).to.deep.equal(ids(exact));
      expectBoundedTotal(fast, exact, bound, what);
    }
    // A link past the last page shows the last one, as the plain definition does.
    const past = query(plain.pages + 5);
    const [exactPast, fastPast] = [
      await listIncoming(user, past, { exactTotal: true }),
      await listIncoming(user, past),
    ];
    const what = `${tab} "${q.slice(0, 30)}" past the last page ${JSON.stringify(extra)}`;
    expect(ids(fastPast), what).to.deep.equal(ids(exactPast));
    expectBoundedTotal(fastPast, exactPast, bound, what);
    return plain.total;
  }

  let limits = { rankedRows: 3000, countBound: 1000 };
  for (const set of [
    // Every match under the bound: counted, then the page read by their ids.
    { rankedRows: 3000, countBound: 1000 },
    // Past the bound for some words: the walk newest first ("so", 36 matches); under it for
    // others ("tình hình", 6).
    { rankedRows: 50, countBound: 10 },
    { rankedRows: 50, countBound: 5 },
    { rankedRows: 2, countBound: 1 }, // words ranked by their terms and length alone
  ]) {
    it(`same rows, order and pages with rankedRows ${set.rankedRows}, bound ${set.countBound}`, async () => {
      limits = set;
      setSearchLimits(set);
      let found = 0;
      for (const q of QUERIES) {
        found += await compare(clerk, 'all', q);
        found += await compare(leader, 'all', q);
        await compare(leader, 'done', q);
        // Read from candidates: a specialist's archive, a work queue.
        await compare(specialist, 'done', q);
        await compare(clerk, 'toHandle', q);
        await compare(other, 'all', q);
      }
      for (const extra of [{ dir: 'asc' }, { sort: 'arrivalNumber' }, { sort: 'dueDate' }])
        for (const q of ['báo cáo', 'so', 'tình hình kế hoạch'])
          await compare(clerk, 'all', q, extra);
      expect(found).to.be.greaterThan(PAGE_SIZE * 4);
      expect(await compare(clerk, 'all', 'soạn thảo')).to.equal(3);
    });
  }

  /** Every document id of a list, all pages read (the plain definition). */
  async function allIds(user: User, tab: ListTab, q?: string): Promise<number[]> {
    const ids: number[] = [];
    for (let page = 1; ; page += 1) {
      const list = await listIncoming(user, ListQuerySchema.parse({ tab, q, page }), {
        exactTotal: true,
      });
      ids.push(...list.rows.map((r) => r.document.id));
      if (page >= list.pages) return ids.sort((a, b) => a - b);
    }
  }

  // A list of candidates (a work queue, a specialist's archive) tests each word on the
  // candidate's own terms, and a head's tabs read their own and their department's assignments
  // apart: neither may find more or less than the agency's search among the list's documents.
  it("finds in a list of candidates what the agency's search finds among them", async () => {
    setSearchLimits();
    const cleared = await buildUser(agency, ['clerk'], { secretClearance: 3 });
    const department = await buildDepartment(agency);
    const head = await buildUser(agency, ['dept_head'], {
      departmentId: department.id,
    });
    // The head's department handles every fourth document, some still open (their "to handle").
    const docs = await allIds(cleared, 'all');
    for (const [k, documentId] of docs.entries())
      if (k % 4 === 0)
        await IncomingAssignment.create({
          documentId,
          parentId: null,
          role: k % 8 ? 'support' : 'lead',
          assigneeUserId: null,
          assigneeDepartmentId: department.id,
          assignedById: leader.id,
          deadline: null,
          status: k % 3 ? 'completed' : 'pending',
          note: null,
        });
    // The head's tabs hold their department's work (read apart from their own assignments).
    const handled = docs.filter((_, k) => k % 4 === 0);
    expect(await allIds(head, 'done')).to.deep.equal(handled.filter((_, k) => (4 * k) % 3));
    expect(await allIds(head, 'toHandle')).to.deep.equal(handled.filter((_, k) => !((4 * k) % 3)));
    expect(await allIds(cleared, 'toHandle')).to.have.length.greaterThan(PAGE_SIZE);
    let found = 0;
    for (const q of ['so', 'soa', 'bao cao', 'tinh hinh so', 'ke hoach dau tu', 's t b', 'u']) {
      const agency = new Set(await allIds(cleared, 'all', q));
      for (const [user, tab] of [
        [specialist, 'done'],
        [head, 'done'],
        [head, 'toHandle'],
        // A clerk's work queue, the longest (every document registered and not yet presented).
        [cleared, 'toHandle'],
      ] as const) {
        const expected = (await allIds(user, tab)).filter((id) => agency.has(id));
        const exact = await allIds(user, tab, q);
        expect(exact, `${tab} "${q}"`).to.deep.equal(expected);
        // The list page (not the plain definition) holds as many, its first page among them.
        const page = await listIncoming(user, ListQuerySchema.parse({ tab, q }));
        expect(page.total, `${tab} "${q}" total`).to.equal(expected.length);
        expect(page.rows).to.have.length(Math.min(PAGE_SIZE, expected.length));
        for (const row of page.rows) expect(expected).to.include(row.document.id);
        found += expected.length;
      }
    }
    expect(found).to.be.greaterThan(PAGE_SIZE * 3);

    // "In progress" of a leader and a head: the open documents they handed on (read from the
    // agency's open documents for them), with the ones presented to them or in their hands.
    const opened = docs.filter((_, k) => k % 5 === 0);
    await IncomingDocument.update({ status: 'in_progress' }, { where: { id: opened } });
    // The head hands two of them on to the specialist (and one document not open).
    for (const documentId of [opened[0], opened[1], docs[1]])
      await IncomingAssignment.create({
        documentId: documentId!,
        parentId: null,
        role: 'lead',
        assigneeUserId: specialist.id,
        assigneeDepartmentId: null,
        assignedById: head.id,
        deadline: null,
        status: 'pending',
        note: null,
      });
    const handedOn = await IncomingAssignment.findAll({ where: { documentId: opened } });
    for (const [user, ids] of [
      [leader, handedOn.filter((a) => a.assignedById === leader.id)],
      [head, handedOn.filter((a) => a.assignedById === head.id)],
    ] as const) {
      const expected = [...new Set(ids.map((a) => a.documentId))].sort((a, b) => a - b);
      expect(await allIds(user, 'inProgress'), user.username).to.deep.equal(expected);
      const page = await listIncoming(user, ListQuerySchema.parse({ tab: 'inProgress' }));
      expect(page.total).to.equal(expected.length);
    }
    expect(await allIds(leader, 'inProgress')).to.have.length.greaterThan(2);
    expect(await allIds(head, 'inProgress')).to.deep.equal(
      [opened[0], opened[1]].sort((a, b) => a! - b!),
    );
  });

  it('says "more than" the bound and offers the next page without a last one', async () => {
    setSearchLimits({ rankedRows: 1, countBound: 5 });
    const session = await loginAs(ctx.app, clerk);
    // "số" is in every document's subject: more than a page.
    const res = await session.agent.get('/incoming').query({ tab: 'all', q: 'so' });
    expect(res.status).to.equal(200);
    expect(res.text).to.include('Tổng số: hơn 5 văn bản');
    expect(res.text).to.include('Trang 1<');
    expect(res.text).not.to.include('Trang 1/');
    expect(res.text).to.match(/href="[^"]*page&#x3D;2[^"]*" rel="next"/);
    const last = await session.agent.get('/incoming').query({ tab: 'all', q: 'so', page: 2 });
    expect(last.text).to.include('Trang 2<');
    expect(last.text).not.to.include('rel="next"');
    // Without words the list counts up to the bound too (incoming-list-paths.test.ts).
    const all = await session.agent.get('/incoming').query({ tab: 'all' });
    expect(all.text).to.include('Tổng số: hơn 5 văn bản');
    // The export still holds every match.
    const xlsx = await session.agent.get('/incoming/export.xlsx').query({ tab: 'all', q: 'so' });
    expect(xlsx.status).to.equal(200);
    const matches = (
      await listIncoming(clerk, ListQuerySchema.parse({ tab: 'all', q: 'so' }), {
        exactTotal: true,
      })
    ).total;
    expect(matches).to.be.greaterThan(PAGE_SIZE);
    expect(xlsx.headers['x-export-rows']).to.equal(String(matches));
    expect(xlsx.headers['x-export-total']).to.equal(String(matches));
    setSearchLimits();
  });
});
