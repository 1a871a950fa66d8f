import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { createDraft } from '../../src/outgoing/outgoing.drafts.js';
import { OutgoingDocument } from '../../src/outgoing/outgoing.model.js';
import { setOutgoingExportMaxRows } from '../../src/outgoing/outgoing.export.js';
import { DraftFieldsSchema } from '../../src/outgoing/outgoing.schemas.js';
import type { User } from '../../src/users/user.model.js';
import { buildAgency, buildDepartment, buildUser, loginAs } from '../factories/index.js';
import { decree30Draft } from '../fixtures/draft.js';
import { testApp, type TestContext } from '../helpers/test-app.js';

const binary = (res: NodeJS.ReadableStream, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

async function sheetOf(body: Buffer): Promise<{ rows: string[][]; dates: Date[] }> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as unknown as ArrayBuffer);
  const rows: string[][] = [];
  const dates: Date[] = [];
  workbook.worksheets[0].eachRow((row) => {
    // Every cell of the six columns (an empty one is a hole in row.values).
    const values = [1, 2, 3, 4, 5, 6].map((i) => row.getCell(i).value);
    for (const v of values) if (v instanceof Date) dates.push(v);
    rows.push(values.map((v) => (v == null ? '' : v instanceof Date ? 'date' : String(v))));
  });
  return { rows, dates };
}

describe('outgoing list export (XLSX)', function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let drafter: User;
  let other: User;
  let noRole: User;
  const subjects = ['Về việc khen thưởng năm 2026', 'Về việc điều động cán bộ'];
  const ids: number[] = [];

  before(async () => {
    ctx = await testApp();
    const agency = await buildAgency();
    const department = await buildDepartment(agency);
    drafter = await buildUser(agency, ['specialist'], { departmentId: department.id });
    other = await buildUser(agency, ['specialist'], { departmentId: department.id });
    noRole = await buildUser(agency, ['admin']);
    for (const subject of subjects) {
      const doc = await createDraft(
        DraftFieldsSchema.parse({ documentType: 'QĐ', subject }),
        { main: { buffer: await decree30Draft(), originalName: 'du-thao.pdf' } },
        { user: drafter, ip: '127.0.0.1' },
      );
      ids.push(doc.id);
    }
  });
  afterEach(() => setOutgoingExportMaxRows());

  const exportAs = async (user: User, tab: string) => {
    const { agent } = await loginAs(ctx.app, user);
    return agent
      .get('/outgoing/export.xlsx')
      .query({ tab })
      .buffer(true)
      .parse(binary as never);
  };

  it('links the export from the list, for the tab shown', async () => {
    const { agent } = await loginAs(ctx.app, drafter);
    const page = await agent.get('/outgoing?tab=all');
    expect(page.status).to.equal(200);
    expect(page.text.replace(/&#x3D;/g, '=')).to.include('href="/outgoing/export.xlsx?tab=all"');
    expect(page.text).to.include('Xuất Excel');
  });

  it('exports the rows of the tab with Vietnamese headers, audited as outgoing.export', async () => {
    // One dated (issued on 05/03/2026): the day is in its column, as on the page.
    await OutgoingDocument.update({ promulgationDate: '2026-03-05' }, { where: { id: ids[0] } });
    const res = await exportAs(drafter, 'mine');
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.match(/spreadsheetml/);
    expect(res.headers['content-disposition']).to.match(/attachment; filename="van-ban-di-/);
    const { rows, dates } = await sheetOf(res.body as Buffer);
    const header = rows.findIndex((r) => r[0] === 'Số, ký hiệu');
    expect(header, JSON.stringify(rows)).to.be.greaterThan(0);
    expect(rows[header]).to.deep.equal([
      'Số, ký hiệu',
      'Ngày ban hành',
      'Loại văn bản',
      'Trích yếu',
      'Trạng thái',
      'Cập nhật',
    ]);
    // Exactly the page's columns, in its order.
    const { agent } = await loginAs(ctx.app, drafter);
    const page = (await agent.get('/outgoing?tab=mine')).text;
    const thead = /<thead>([\s\S]*?)<\/thead>/.exec(page)?.[1] ?? '';
    expect([...thead.matchAll(/<th>([^<]*)<\/th>/g)].map((m) => m[1])).to.deep.equal(rows[header]);
    const body = rows.slice(header + 1);
    expect(body.map((r) => r[3])).to.have.members(subjects);
    for (const r of body) {
      expect(r[0]).to.equal('');
      expect(r[1]).to.equal(r[3] === subjects[0] ? 'date' : '');
      expect(r[2]).to.equal('Quyết định');
      expect(r[4]).to.equal('Dự thảo');
      expect(r[5]).to.equal('date');
    }
    expect(dates).to.have.length(3);
    expect(dates.map((d) => d.toISOString().slice(0, 10))).to.include('2026-03-05');

    const audit = await AuditLog.findOne({
      where: { action: 'outgoing.export', userId: drafter.id },
      order: [['id', 'DESC']],
    });
    expect(audit).to.not.equal(null);
    const details = JSON.parse(String(audit!.get('details')));
    expect(details).to.include({ tab: 'mine', rows: 2 });
    expect(details.documents).to.have.members(ids);
  });

  it('holds only the rows the person may see, and at most the cap', async () => {
    const { rows } = await sheetOf((await exportAs(other, 'all')).body as Buffer);
    for (const subject of subjects) expect(rows.flat()).not.to.include(subject);

    setOutgoingExportMaxRows(1);
    const capped = await sheetOf((await exportAs(drafter, 'mine')).body as Buffer);
    const header = capped.rows.findIndex((r) => r[0] === 'Số, ký hiệu');
    expect(capped.rows.slice(header + 1)).to.have.length(1);
    expect(capped.rows.flat().join(' ')).to.include('Chỉ xuất 1 văn bản đầu tiên');
  });

  it('refuses a person without the list permission', async () => {
    const res = await exportAs(noRole, 'mine');
    expect(res.status).to.equal(403);
  });
});
