import { expect } from 'chai';
import { decodeEntities } from '../helpers/page-language.js';
import ExcelJS from 'exceljs';
import { testApp, type TestContext } from '../helpers/test-app.js';
import {
  buildOffice,
  postForm,
  registerThroughForm,
  signInAll,
  type Actor,
  type Office,
} from './incoming-helpers.js';
import { todayInVietnam } from '../../src/calendar/working-days.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { IncomingAssignment, IncomingDocument } from '../../src/incoming/incoming.model.js';
import { periodOf, OnTimeQuerySchema } from '../../src/reports/on-time.period.js';
import { countsOf, onTimeReport } from '../../src/reports/on-time.service.js';

const DAY_MS = 86_400_000;
const day = (offset: number) =>
  new Date(Date.parse(`${todayInVietnam()}T00:00:00Z`) + offset * DAY_MS)
    .toISOString()
    .slice(0, 10);
/** Noon in Vietnam on a day, as the moment work was completed. */
const noonOf = (iso: string) => new Date(`${iso}T12:00:00+07:00`);

async function directedTo(office: Office, clerk: Actor, leader: Actor, support = false) {
  const id = await registerThroughForm(clerk);
  await postForm(clerk, `/incoming/${id}/present`, { leaderId: String(office.leader.id) });
  const res = await postForm(leader, `/incoming/${id}/direct`, {
    lead: `d:${office.department.id}`,
    ...(support ? { support: [`u:${office.supporter.id}`] } : {}),
  });
  expect(res.status).to.equal(303);
  const rows = await IncomingAssignment.findAll({
    where: { documentId: id },
    order: [['id', 'ASC']],
  });
  return { id, lead: rows[0], support: rows[1] };
}

describe('the on-time report (tình hình xử lý văn bản đúng hạn)', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  it('counts each unit’s and person’s work in the four groups, with the rate, chart, drill-down, XLSX and the dashboard', async () => {
    const office = await buildOffice();
    const [clerk, leader, head, specialist] = await signInAll(ctx, [
      office.clerk,
      office.leader,
      office.deptHead,
      office.specialist,
    ]);
    const onTime = await directedTo(office, clerk, leader, true);
    const late = await directedTo(office, clerk, leader);
    const inTime = await directedTo(office, clerk, leader);
    const overdue = await directedTo(office, clerk, leader);
    await onTime.lead.update({
      deadline: day(-2),
      status: 'completed',
      completedAt: noonOf(day(-3)),
    });
    await late.lead.update({
      deadline: day(-2),
      status: 'completed',
      completedAt: noonOf(day(-1)),
    });
    await inTime.lead.update({ deadline: day(3) });
    await overdue.lead.update({ deadline: day(-1) });
    await onTime.support.update({ deadline: day(-2) });
    const range = { period: 'custom', from: day(-10), to: day(10) };
    const qs = new URLSearchParams(range).toString();

    const page = await leader.session.agent.get(`/reports/on-time?${qs}`);
    expect(page.status).to.equal(200);
    const table = page.text.slice(page.text.indexOf('data-testid="on-time-table"'));
    const rowOf = (name: string) => {
      const from = table.indexOf(name);
      return table.slice(from, table.indexOf('</tr>', from));
    };
    const counts = (row: string) =>
      [...row.matchAll(/data-group="\w+">(\d+)</g)].map((m) => Number(m[1]));
    expect(counts(rowOf(office.department.name))).to.deep.equal([1, 1, 1, 1]);
    expect(rowOf(office.department.name)).to.contain('33.3%');
    expect(counts(rowOf('Văn phòng HĐND và UBND'))).to.deep.equal([0, 0, 0, 1]);
    const total = table.slice(table.indexOf('data-testid="on-time-total"'));
    expect(counts(total.slice(0, total.indexOf('</tr>')))).to.deep.equal([1, 1, 1, 2]);
    expect(total).to.contain('25%');
    // The chart is drawn by the server: inline SVG, no script and nothing fetched from elsewhere.
    const chartAt = page.text.indexOf('data-testid="on-time-chart"');
    expect(chartAt).to.be.greaterThan(0);
    const svg = page.text.slice(chartAt, page.text.indexOf('</svg>', chartAt));
    expect(svg).to.contain(office.department.name).and.contain('<rect');
    expect(page.text).not.to.match(/<script[^>]+src="https?:/);

    // Drill-down: the overdue figure of the unit opens that document.
    const href = /href="([^"]+)" data-group="openOverdue">1</.exec(
      rowOf(office.department.name),
    )![1];
    const drill = await leader.session.agent.get(
      href.replace(/&amp;/g, '&').replace(/&#x3D;/g, '='),
    );
    expect(drill.status).to.equal(200);
    expect([...drill.text.matchAll(/<tr data-id="(\d+)"/g)].map((m) => Number(m[1]))).to.deep.equal(
      [overdue.id],
    );
    expect(
      await AuditLog.count({
        where: { action: 'report.onTime.documents.view', userId: office.leader.id },
      }),
    ).to.equal(1);
    // …and exports that list as XLSX, the columns it shows, audited with the documents.
    const drillXlsx = /href="([^"]+)" data-testid="on-time-documents-xlsx"/.exec(drill.text);
    expect(drillXlsx, 'the drill-down links its XLSX export').to.not.equal(null);
    const drillBook = await leader.session.agent
      .get(drillXlsx![1].replace(/&amp;/g, '&').replace(/&#x3D;/g, '='))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(drillBook.status).to.equal(200);
    const drillSheet = new ExcelJS.Workbook();
    await drillSheet.xlsx.load(drillBook.body as ArrayBuffer);
    const drillRows = drillSheet.worksheets[0].getSheetValues().filter(Boolean) as unknown[][];
    const headerAt = drillRows.findIndex((r) => r[1] === 'Số đến');
    expect(drillRows[headerAt].slice(1)).to.deep.equal([
      'Số đến',
      'Trích yếu',
      'Nơi gửi',
      'Giao cho',
      'Hạn xử lý',
    ]);
    expect(drillRows.slice(headerAt + 1)).to.have.length(1);
    const exported = await AuditLog.findOne({
      where: { action: 'report.onTime.documents.export', userId: office.leader.id },
    });
    expect(JSON.parse(String(exported!.details)).documentIds).to.deep.equal([overdue.id]);

    // Per person: the supporter's own late work.
    const people = await leader.session.agent.get(`/reports/on-time?${qs}&by=person`);
    const peopleTable = people.text.slice(people.text.indexOf('data-testid="on-time-table"'));
    const personRow = peopleTable.slice(peopleTable.indexOf(office.supporter.fullName));
    expect(counts(personRow.slice(0, personRow.indexOf('</tr>')))).to.deep.equal([0, 0, 0, 1]);
    // Its last row is the whole agency's work by units, and says so (not a sum of the people).
    expect(decodeEntities(peopleTable)).to.match(
      /data-testid="on-time-total"><th scope="row">Cả cơ quan \(nhiệm vụ của các đơn vị/,
    );

    // XLSX with the same figures.
    const xlsx = await leader.session.agent
      .get(`/reports/on-time.xlsx?${qs}`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(xlsx.status).to.equal(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as ArrayBuffer);
    const sheet = book.worksheets[0];
    expect(sheet.name).to.equal('Đúng hạn');
    const found = sheet
      .getRows(1, sheet.rowCount)!
      .find((r) => r.getCell(1).value === office.department.name);
    expect([2, 3, 4, 5, 6].map((c) => found!.getCell(c).value)).to.deep.equal([1, 1, 1, 1, 4]);
    expect(
      await AuditLog.count({ where: { action: 'report.onTime.export', userId: office.leader.id } }),
    ).to.equal(1);

    // A department head sees their own unit only; a specialist has no report.
    const headPage = await head.session.agent.get(`/reports/on-time?${qs}`);
    expect(headPage.status).to.equal(200);
    expect(headPage.text)
      .to.contain(office.department.name)
      .and.not.contain('Văn phòng HĐND và UBND');
    const otherUnit = (await IncomingAssignment.findByPk(onTime.support.id))!;
    expect(otherUnit.assigneeUserId).to.equal(office.supporter.id);
    const foreign = await head.session.agent.get(
      `/reports/on-time/documents?${qs}&unit=${office.supporter.departmentId}`,
    );
    expect(foreign.status).to.equal(403);
    expect((await specialist.session.agent.get(`/reports/on-time?${qs}`)).status).to.equal(403);
    const bad = await leader.session.agent.get(
      '/reports/on-time?period=custom&from=2026-12-10&to=2026-12-01',
    );
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('Ngày kết thúc phải sau hoặc trùng ngày bắt đầu.');

    // The dashboard: the agency's and the viewer's unit's rate for this month.
    const month = periodOf(OnTimeQuerySchema.parse({}));
    const inMonth = (d: string) => d >= month.from && d <= month.to;
    const groups = [
      { deadline: day(-2), group: 'onTime' as const, unit: 'D' },
      { deadline: day(-2), group: 'late' as const, unit: 'D' },
      { deadline: day(3), group: 'openInTime' as const, unit: 'D' },
      { deadline: day(-1), group: 'openOverdue' as const, unit: 'D' },
      { deadline: day(-2), group: 'openOverdue' as const, unit: 'other' },
    ].filter((g) => inMonth(g.deadline));
    const show = (rate: number | null) => (rate === null ? 'Chưa có số liệu' : `${rate}%`);
    const dashboard = await head.session.agent.get('/');
    expect(/data-testid="on-time-agency">([^<]+)</.exec(dashboard.text)![1]).to.equal(
      show(countsOf(groups).rate),
    );
    expect(/data-testid="on-time-unit">([^<]+)</.exec(dashboard.text)![1]).to.equal(
      show(countsOf(groups.filter((g) => g.unit === 'D')).rate),
    );
  });

  it('lists behind every figure exactly the work it counts, per unit, per person and in the totals', async () => {
    const office = await buildOffice();
    const [clerk, leader] = await signInAll(ctx, [office.clerk, office.leader]);
    // One document given to the unit and, in support, to one of its own people: two pieces of
    // work of the unit on one document; and the unit's head hands the lead on to that person.
    const id = await registerThroughForm(clerk);
    await postForm(clerk, `/incoming/${id}/present`, { leaderId: String(office.leader.id) });
    await postForm(leader, `/incoming/${id}/direct`, {
      lead: `d:${office.department.id}`,
      support: [`u:${office.specialist.id}`],
    });
    const [lead, support] = await IncomingAssignment.findAll({
      where: { documentId: id },
      order: [['id', 'ASC']],
    });
    await lead.update({ deadline: day(-1) });
    await support.update({ deadline: day(-1) });
    await IncomingAssignment.create({
      documentId: id,
      parentId: lead.id,
      role: 'lead',
      assigneeUserId: office.specialist.id,
      assigneeDepartmentId: null,
      assignedById: office.deptHead.id,
      deadline: day(-1),
      status: 'pending',
      note: null,
    });
    const other = await directedTo(office, clerk, leader);
    await other.lead.update({ deadline: day(2) });
    const qs = new URLSearchParams({ period: 'custom', from: day(-10), to: day(10) }).toString();

    for (const by of ['unit', 'person']) {
      const page = await leader.session.agent.get(`/reports/on-time?${qs}&by=${by}`);
      const table = page.text.slice(page.text.indexOf('data-testid="on-time-table"'));
      const figures = [...table.matchAll(/<a href="([^"]+)" data-group="\w+">(\d+)</g)];
      expect(figures.length, by).to.be.at.least(8);
      for (const [, href, value] of figures) {
        const drill = await leader.session.agent.get(decodeEntities(href));
        expect(drill.status).to.equal(200);
        const lines = [...drill.text.matchAll(/<tr data-id="\d+"/g)].length;
        expect(lines, `${by}: ${decodeEntities(href)}`).to.equal(Number(value));
      }
    }
    // The unit's overdue figure counts its two pieces of work on the one document: two lines.
    const drill = await leader.session.agent.get(
      `/reports/on-time/documents?${qs}&by=unit&unit=${office.department.id}&group=openOverdue`,
    );
    expect(drill.text).to.contain(office.department.name).and.contain(office.specialist.fullName);
  });

  it('labels the total by what it covers: the whole agency, or the head’s own unit, on the page and in XLSX', async () => {
    const office = await buildOffice();
    const [clerk, leader, head] = await signInAll(ctx, [
      office.clerk,
      office.leader,
      office.deptHead,
    ]);
    const work = await directedTo(office, clerk, leader);
    await work.lead.update({ deadline: day(-1) });
    const qs = new URLSearchParams({ period: 'custom', from: day(-10), to: day(10) }).toString();
    const totalOf = async (who: Actor, by: string) => {
      const page = await who.session.agent.get(`/reports/on-time?${qs}&by=${by}`);
      return decodeEntities(
        /data-testid="on-time-total"><th scope="row">([^<]+)</.exec(page.text)![1],
      );
    };
    const xlsxTotalOf = async (who: Actor, by: string) => {
      const res = await who.session.agent
        .get(`/reports/on-time.xlsx?${qs}&by=${by}`)
        .buffer(true)
        .parse((r, done) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => done(null, Buffer.concat(chunks)));
        });
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(res.body as ArrayBuffer);
      const sheet = book.worksheets[0];
      return String(sheet.getRow(sheet.rowCount).getCell(1).value);
    };
    const unit = office.department.name;
    const expected: [Actor, string, string][] = [
      [leader, 'unit', 'Tổng cộng cả cơ quan'],
      [leader, 'person', 'Cả cơ quan (nhiệm vụ của các đơn vị; không phải tổng các dòng trên)'],
      [head, 'unit', `Tổng cộng ${unit}`],
      [head, 'person', `Cả ${unit} (nhiệm vụ của đơn vị; không phải tổng các dòng trên)`],
    ];
    for (const [who, by, label] of expected) {
      expect(await totalOf(who, by), by).to.equal(label);
      expect(await xlsxTotalOf(who, by), by).to.equal(label);
    }
  });

  it('counts work closed by filing as done when the document was filed: late work does not drop out', async () => {
    const office = await buildOffice();
    const [clerk, leader] = await signInAll(ctx, [office.clerk, office.leader]);
    const filedInTime = await directedTo(office, clerk, leader);
    const filedLate = await directedTo(office, clerk, leader);
    for (const [work, filedOn] of [
      [filedInTime, day(-4)],
      [filedLate, day(-1)],
    ] as const) {
      await work.lead.update({ deadline: day(-2), status: 'closed' });
      await IncomingDocument.update(
        { status: 'filed', filedAt: noonOf(filedOn) },
        { where: { id: work.id } },
      );
    }
    const report = await onTimeReport(
      office.leader,
      periodOf(OnTimeQuerySchema.parse({ period: 'custom', from: day(-10), to: day(10) })),
      'unit',
    );
    const row = report.rows.find((r) => r.name === office.department.name)!;
    expect([
      row.counts.onTime,
      row.counts.late,
      row.counts.openInTime,
      row.counts.openOverdue,
    ]).to.deep.equal([1, 1, 0, 0]);
    expect(row.counts.rate).to.equal(50);
  });

  it("puts 'Báo cáo' in the menu of whoever has a report: the volumes for leaders, the on-time report for a unit's head", async () => {
    const office = await buildOffice();
    const [leader, head, specialist] = await signInAll(ctx, [
      office.leader,
      office.deptHead,
      office.specialist,
    ]);
    const menuHref = async (who: typeof leader) =>
      /<a[^>]+href="([^"]+)"[^>]*>Báo cáo<\/a>/.exec(
        (await who.session.agent.get('/')).text,
      )?.[1] ?? null;
    expect(await menuHref(leader)).to.equal('/reports/volumes');
    expect(await menuHref(head)).to.equal('/reports/on-time');
    expect(await menuHref(specialist)).to.equal(null);
    expect((await head.session.agent.get('/reports/on-time')).status).to.equal(200);
  });

  it('never leaves typed days out: refused with another kind, each message once beside its field, the form as sent', async () => {
    const office = await buildOffice();
    const [leader] = await signInAll(ctx, [office.leader]);
    const once = (text: string, sentence: string) => text.split(sentence).length - 1;
    for (const path of ['/reports/on-time', '/reports/volumes']) {
      // Days typed with "Tháng" chosen: said, not silently replaced by the month.
      const typed = await leader.session.agent.get(
        `${path}?period=month&year=2026&month=3&from=01/02/2026&to=10/02/2026`,
      );
      expect(typed.status, path).to.equal(422);
      expect(typed.text).to.contain('id="r-period-error"');
      expect(once(decodeEntities(typed.text), 'hãy chọn Kỳ báo cáo là Tùy chọn')).to.equal(1);
      expect(typed.text).to.match(/<option value="month" selected>/);
      expect(typed.text).to.contain('value="01/02/2026"').and.contain('value="10/02/2026"');
      // A start after the end: said so, once, beside "Đến ngày", with the kind and days kept.
      const reversed = await leader.session.agent.get(
        `${path}?period=custom&from=10/02/2026&to=01/02/2026`,
      );
      expect(reversed.status, path).to.equal(422);
      const text = decodeEntities(reversed.text);
      expect(once(text, 'Ngày kết thúc phải sau hoặc trùng ngày bắt đầu.')).to.equal(1);
      expect(text).to.contain('id="r-to-error"').and.not.contain('data-testid="error-message"');
      expect(text).to.match(/<option value="custom" selected>/);
      expect(text).to.contain('value="10/02/2026"').and.contain('value="01/02/2026"');
      // The same days with "Tùy chọn" are the report's period; a month's page names no days.
      const custom = await leader.session.agent.get(
        `${path}?period=custom&from=01/02/2026&to=10/02/2026`,
      );
      expect(custom.status).to.equal(200);
      expect(custom.text).to.match(/id="r-from" name="from" value="01\/02\/2026"/);
      const month = await leader.session.agent.get(`${path}?period=month&year=2026&month=3`);
      expect(month.status).to.equal(200);
      expect(month.text).to.match(/id="r-from" name="from" value=""/);
    }
  });

  it('refuses a year, month or unit that is not decimal digits (hex, exponent, a list) with 422', async () => {
    const office = await buildOffice();
    const [leader] = await signInAll(ctx, [office.leader]);
    for (const query of ['period=year&year=0x7EA', 'period=month&month=1e1', 'unit=1&unit=2']) {
      const res = await leader.session.agent.get(`/reports/on-time?${query}`);
      expect(res.status, query).to.equal(422);
      expect(res.text, query).to.contain('Khoảng thời gian báo cáo không hợp lệ');
    }
    expect(
      (await leader.session.agent.get('/reports/on-time?period=year&year=2026')).status,
    ).to.equal(200);
  });

  it('reads month, quarter, year and custom periods', () => {
    const q = (v: Record<string, string>) => periodOf(OnTimeQuerySchema.parse(v), '2026-05-17');
    expect([q({}).from, q({}).to]).to.deep.equal(['2026-05-01', '2026-05-31']);
    expect([q({ period: 'month', month: '2', year: '2028' }).to]).to.deep.equal(['2028-02-29']);
    expect([q({ period: 'quarter' }).from, q({ period: 'quarter' }).to]).to.deep.equal([
      '2026-04-01',
      '2026-06-30',
    ]);
    expect([q({ period: 'year' }).from, q({ period: 'year' }).to]).to.deep.equal([
      '2026-01-01',
      '2026-12-31',
    ]);
    expect(q({ period: 'custom', from: '2026-03-02', to: '2026-03-09' }).to).to.equal('2026-03-09');
    expect(() => q({ period: 'custom' })).to.throw();
  });
});
