import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { QueryTypes } from 'sequelize';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildAgency, buildDepartment, buildUser, loginAs } from '../factories/index.js';
import { registerDocument } from '../factories/incoming.js';
import { db } from '../../src/db/index.js';
import { setExportMaxRows } from '../../src/incoming/incoming.search-pages.js';
import { setSearchLimits } from '../../src/incoming/incoming.search.js';
import type { User } from '../../src/users/user.model.js';

const binary = (res: NodeJS.ReadableStream, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

async function sheetOf(body: Buffer): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  const rows: string[][] = [];
  sheet.eachRow((row) => {
    const values = (row.values as ExcelJS.CellValue[]).slice(1);
    rows.push(
      values.map((v) =>
        v instanceof Date ? v.toISOString().slice(0, 10) : v == null ? '' : String(v),
      ),
    );
  });
  return rows;
}

describe('incoming list export (XLSX)', function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let clerk: User;
  let specialist: User;
  const subjects = ['Quyết định khen thưởng', 'Quyết định điều động', 'Thông báo lịch họp'];

  before(async () => {
    ctx = await testApp();
    const agency = await buildAgency();
    const department = await buildDepartment(agency, { name: 'Phòng Nội vụ' });
    clerk = await buildUser(agency, ['clerk']);
    specialist = await buildUser(agency, ['specialist'], { departmentId: department.id });
    for (const [i, subject] of subjects.entries()) {
      await registerDocument(clerk, {
        fromOrganName: 'Sở Nội vụ',
        codeNumber: String(40 + i),
        codeNotation: i < 2 ? 'QĐ-SNV' : 'TB-SNV',
        documentType: i < 2 ? 'QĐ' : 'TB',
        subject,
      });
    }
  });
  afterEach(() => setExportMaxRows());

  const exportAs = async (user: User, query: Record<string, string>) => {
    const { agent } = await loginAs(ctx.app, user);
    return agent
      .get('/incoming/export.xlsx')
      .query(query)
      .buffer(true)
      .parse(binary as never);
  };

  it('exports the list as shown (filters and search) with its columns, audited', async () => {
    const res = await exportAs(clerk, {
      tab: 'all',
      q: 'quyet dinh',
      sort: 'arrivalNumber',
      dir: 'asc',
    });
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.include('spreadsheetml');
    expect(res.headers['content-disposition']).to.match(/attachment; filename="van-ban-den-/);
    const rows = await sheetOf(res.body as Buffer);
    const header = rows.findIndex((r) => r[0] === 'Số đến');
    expect(rows[header]).to.deep.equal([
      'Số đến',
      'Ngày đến',
      'Số, ký hiệu',
      'Nơi gửi (cơ quan ban hành)',
      'Trích yếu',
      'Loại văn bản',
      'Hạn xử lý',
      'Trạng thái',
    ]);
    const data = rows.slice(header + 1);
    expect(data.map((r) => r[4])).to.deep.equal(subjects.slice(0, 2));
    expect(data.map((r) => r[2])).to.deep.equal(['40/QĐ-SNV', '41/QĐ-SNV']);
    expect(data[0][5]).to.equal('Quyết định');
    expect(data[0][1]).to.match(/^\d{4}-\d{2}-\d{2}$/);
    const [audit] = await db().query<{ details: string }>(
      `SELECT details FROM audit_logs WHERE action = 'incoming.export' AND userId = ?
        ORDER BY id DESC LIMIT 1`,
      { replacements: [clerk.id], type: QueryTypes.SELECT },
    );
    const details = typeof audit.details === 'string' ? JSON.parse(audit.details) : audit.details;
    expect(details).to.include({ tab: 'all', q: 'quyet dinh', rows: 2, total: 2 });
  });

  it('names every filter applied in the workbook, its days as the list writes them', async () => {
    const res = await exportAs(clerk, {
      tab: 'all',
      urgency: '0',
      registeredToday: '1',
      from: '2020-11-20',
      to: '31/12/2099',
    });
    expect(res.status).to.equal(200);
    const rows = await sheetOf(res.body as Buffer);
    const line = rows.flat().find((v) => v.startsWith('Bộ lọc:')) ?? '';
    expect(line).to.include('Nhận từ ngày: 20/11/2020');
    expect(line).to.include('Nhận đến ngày: 31/12/2099');
    expect(line).to.include('Độ khẩn: Thường');
    expect(line).to.include('Vào sổ hôm nay');
    expect(line).not.to.match(/\d{4}-\d{2}-\d{2}/);
    // Every document was registered today, and is ordinary: all three are listed.
    expect(rows.flat().filter((v) => subjects.includes(v))).to.have.members(subjects);
  });

  it('the list page links to the export with its filters', async () => {
    const { agent } = await loginAs(ctx.app, clerk);
    const res = await agent.get('/incoming').query({ tab: 'all', q: 'thông báo' });
    const href = /href="(\/incoming\/export\.xlsx\?[^"]*)"/
      .exec(res.text)![1]
      .replace(/&amp;/g, '&')
      .replace(/&#x3D;/g, '=');
    const params = new URL(href, 'http://x').searchParams;
    expect(params.get('q')).to.equal('thông báo');
    expect(params.get('tab')).to.equal('all');
    expect(res.text).to.include('Xuất Excel');
  });

  it('exports only what the person may see', async () => {
    const res = await exportAs(specialist, { tab: 'all' });
    expect(res.status).to.equal(200);
    const rows = await sheetOf(res.body as Buffer);
    expect(rows.flat()).not.to.include(subjects[0]);
    const foreign = await buildUser(await buildAgency(), ['clerk']);
    const theirs = await sheetOf((await exportAs(foreign, { tab: 'all' })).body as Buffer);
    expect(theirs.flat().filter((v) => subjects.includes(v))).to.deep.equal([]);
  });

  it('stops at the cap and says so', async () => {
    setExportMaxRows(2);
    const res = await exportAs(clerk, { tab: 'all' });
    expect(res.headers['x-export-rows']).to.equal('2');
    expect(res.headers['x-export-total']).to.equal('3');
    const rows = await sheetOf(res.body as Buffer);
    expect(rows.flat().join(' ')).to.include('chỉ xuất 2 văn bản đầu tiên');
    const { agent } = await loginAs(ctx.app, clerk);
    const page = await agent.get('/incoming').query({ tab: 'all' });
    expect(page.text).to.include('Tệp Excel chỉ chứa 2 văn bản đầu tiên');
  });

  it('states the cap as a maximum when the list is only counted up to its bound', async () => {
    // Three documents, counted up to one: the page knows "more than 1", not whether the file is
    // capped at 2, and must not stay silent about the cap.
    setExportMaxRows(2);
    setSearchLimits({ countBound: 1 });
    try {
      const { agent } = await loginAs(ctx.app, clerk);
      for (const query of [{ tab: 'all' }, { tab: 'all', q: 'Quyết định' }]) {
        const page = await agent.get('/incoming').query(query);
        expect(page.text).to.include('Tổng số: hơn 1 văn bản');
        expect(page.text).to.include('Tệp Excel chứa tối đa 2 văn bản đầu tiên');
      }
    } finally {
      setSearchLimits();
      setExportMaxRows();
    }
  });

  it('refuses an anonymous visitor', async () => {
    const res = await (await import('supertest')).default(ctx.app).get('/incoming/export.xlsx');
    expect(res.status).to.be.oneOf([302, 303, 401]);
  });
});
