/**
 * The receiving clerk's queue as XLSX (issue 11): the recalls and the deliveries waiting, as the
 * page shows them, secret ones only to a clerk cleared for them; refused to everyone else;
 * audited with the deliveries exported.
 */
import { expect } from 'chai';
import { setListExportMaxRows } from '../../src/http/list-export.js';
import { buildAgency, buildUser, loginAs } from '../factories/index.js';
import { issuedDocument } from '../helpers/matrix-table-deliveries.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { download, exportHrefIn, lastAuditOf, readSheet } from '../helpers/xlsx-export.js';

describe('the deliveries waiting for reception, exported (XLSX)', function () {
  this.timeout(60_000);
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });
  afterEach(() => setListExportMaxRows());

  it('exports the page’s two parts with their columns; secret ones to the cleared; audited', async () => {
    const sender = await buildAgency({ name: 'UBND tỉnh Gửi Xuất' });
    const receiver = await buildAgency();
    const senderClerk = await buildUser(sender, ['clerk']);
    const drafter = await buildUser(sender, ['specialist']);
    const clerk = await buildUser(receiver, ['clerk']);
    const send = (subject: string, extra = {}) =>
      issuedDocument({
        sender,
        clerk: senderClerk,
        createdBy: drafter,
        recipients: [{ agency: receiver }],
        subject,
        ...extra,
      });
    const plain = await send('Về việc xuất danh sách chờ tiếp nhận');
    const urgent = await send('Về việc khẩn', { urgency: 2 });
    await send('Về việc mật', { confidentiality: 1 });
    const recalled = await send('Về việc đã thu hồi');
    await recalled.recipients[0]!.update({ recallStatus: '13', recallNote: 'Sai thể thức' });

    const { agent } = await loginAs(ctx.app, clerk);
    const page = await agent.get('/incoming/arrivals');
    expect(exportHrefIn(page.text)).to.equal('/incoming/arrivals/export.xlsx');
    const res = await download(agent, '/incoming/arrivals/export.xlsx');
    expect(res.status).to.equal(200);
    const sheet = await readSheet(res.body as Buffer, 'Mục');
    expect(sheet.header).to.deep.equal([
      'Mục',
      'Thời điểm đến',
      'Cơ quan gửi',
      'Số, ký hiệu',
      'Loại văn bản',
      'Trích yếu',
      'Độ khẩn',
      'Độ mật',
      'Ghi chú',
    ]);
    const bySubject = new Map(sheet.rows.map((r) => [r[5], r]));
    expect([...bySubject.keys()]).to.deep.equal([
      'Về việc đã thu hồi',
      'Về việc khẩn',
      'Về việc xuất danh sách chờ tiếp nhận',
    ]);
    const recall = bySubject.get('Về việc đã thu hồi')!;
    expect([recall[0], recall[1], recall[2], recall[8]]).to.deep.equal([
      'Yêu cầu thu hồi chờ trả lời',
      '',
      'UBND tỉnh Gửi Xuất',
      'Sai thể thức',
    ]);
    const waiting = bySubject.get('Về việc khẩn')!;
    expect([waiting[0], waiting[4], waiting[6]]).to.deep.equal([
      'Văn bản chờ vào sổ',
      'Công văn',
      'Thượng khẩn',
    ]);
    expect(sheet.cells[1]![1]).to.be.instanceOf(Date);
    expect(sheet.formats[1]![1]).to.equal('dd/mm/yyyy hh:mm');
    const audit = await lastAuditOf('delivery.export', clerk.id);
    expect(audit?.entityType).to.equal('delivery');
    expect((audit?.details.deliveries as number[]).sort()).to.deep.equal(
      [recalled, urgent, plain].map((d) => d.recipients[0]!.id).sort(),
    );

    const cleared = await buildUser(receiver, ['clerk'], { secretClearance: 1 });
    const all = await download(
      (await loginAs(ctx.app, cleared)).agent,
      '/incoming/arrivals/export.xlsx',
    );
    const secretRow = (await readSheet(all.body as Buffer, 'Mục')).rows.find(
      (r) => r[5] === 'Về việc mật',
    );
    expect(secretRow?.[7]).to.equal('Mật');
  });

  it('is refused to whoever may not see the queue, and stops at the cap saying so', async () => {
    const receiver = await buildAgency();
    const specialist = await buildUser(receiver, ['specialist']);
    const refused = await (
      await loginAs(ctx.app, specialist)
    ).agent.get('/incoming/arrivals/export.xlsx');
    expect(refused.status).to.equal(403);
    expect(await lastAuditOf('delivery.export', specialist.id)).to.equal(null);

    const sender = await buildAgency();
    const senderClerk = await buildUser(sender, ['clerk']);
    for (let i = 0; i < 3; i += 1)
      await issuedDocument({
        sender,
        clerk: senderClerk,
        createdBy: senderClerk,
        recipients: [{ agency: receiver }],
      });
    setListExportMaxRows(2);
    const clerk = await buildUser(receiver, ['clerk']);
    const res = await download(
      (await loginAs(ctx.app, clerk)).agent,
      '/incoming/arrivals/export.xlsx',
    );
    const sheet = await readSheet(res.body as Buffer, 'Mục');
    expect(sheet.rows).to.have.length(2);
    expect(sheet.lines.flat().join(' ')).to.include(
      'Danh sách có hơn 2 dòng; chỉ xuất 2 dòng đầu tiên',
    );
    expect(res.headers['x-export-rows']).to.equal('2');
  });
});
