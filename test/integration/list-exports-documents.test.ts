/**
 * The lists about one document, exported (issue 11): an incoming document's access history
 * (Appendix VI) and an outgoing document's delivery status as XLSX, to whoever may read the
 * page, audited as an export of that document.
 */
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { db } from '../../src/db/index.js';
import { buildAgency, buildUser, loginAs } from '../factories/index.js';
import { issuedDocument } from '../helpers/matrix-table-deliveries.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { download, exportHrefIn, lastAuditOf, readSheet } from '../helpers/xlsx-export.js';
import { buildOffice, registerThroughForm, signIn } from './incoming-helpers.js';

const actionsOf = async (userId: number, entityId: number) =>
  (
    await db().query<{ action: string }>(
      `SELECT action FROM audit_logs WHERE userId = ? AND entityType = 'incoming' AND entityId = ?
        ORDER BY id`,
      { replacements: [userId, String(entityId)], type: QueryTypes.SELECT },
    )
  ).map((r) => r.action);

describe('exports of the lists about one document (XLSX)', function () {
  this.timeout(60_000);
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  it('exports an incoming document’s access history as its page shows it; audited as its export', async () => {
    const office = await buildOffice();
    const clerk = await signIn(ctx.app, office.clerk);
    const id = await registerThroughForm(clerk);
    await clerk.session.agent.get(`/incoming/${id}`);
    const page = await clerk.session.agent.get(`/incoming/${id}/access`);
    const href = exportHrefIn(page.text)!;
    expect(href).to.equal(`/incoming/${id}/access/export.xlsx`);
    const before = await actionsOf(office.clerk.id, id);
    const res = await download(clerk.session.agent, href);
    expect(res.status).to.equal(200);
    const sheet = await readSheet(res.body as Buffer, 'Người');
    expect(sheet.header).to.deep.equal([
      'Người',
      'Chức vụ',
      'Vai trò trong xử lý',
      'Lượt xem',
      'Lượt mở tệp',
      'Mở lần đầu',
      'Truy cập gần nhất',
    ]);
    const row = sheet.rows.find((r) => r[0] === 'Lê Thị Văn Thư')!;
    expect(row[2]).to.equal('Văn thư vào sổ');
    expect(Number(row[3])).to.be.greaterThan(0);
    expect(sheet.cells[sheet.rows.indexOf(row)]![5]).to.be.instanceOf(Date);
    expect(sheet.formats[sheet.rows.indexOf(row)]![5]).to.equal('dd/mm/yyyy hh:mm');
    // Read once, recorded once: as the export, not also as a view of the page.
    expect((await actionsOf(office.clerk.id, id)).slice(before.length)).to.deep.equal([
      'incoming.access_history.export',
    ]);

    const outsider = await buildUser(office.agency, ['specialist']);
    const stranger = (await loginAs(ctx.app, outsider)).agent;
    const refused = await stranger.get(href);
    expect(refused.status).to.equal((await stranger.get(`/incoming/${id}/access`)).status);
    expect(refused.status).to.be.oneOf([403, 404]);
    expect(await actionsOf(outsider.id, id)).to.deep.equal([]);
  });

  it('exports an outgoing document’s delivery status to those who may track it', async () => {
    const sender = await buildAgency();
    const receiver = await buildAgency({ name: 'Sở Nhận Xuất Thử' });
    const clerk = await buildUser(sender, ['clerk']);
    const drafter = await buildUser(sender, ['specialist']);
    const { document } = await issuedDocument({
      sender,
      clerk,
      createdBy: drafter,
      recipients: [{ agency: receiver }, { name: 'Bộ Nội vụ', code: '000.00.00.G09' }],
    });
    const { agent } = await loginAs(ctx.app, clerk);
    const page = await agent.get(`/outgoing/${document.id}/deliveries`);
    const href = exportHrefIn(page.text)!;
    expect(href).to.equal(`/outgoing/${document.id}/deliveries/export.xlsx`);
    const sheet = await readSheet((await download(agent, href)).body as Buffer, 'Nơi nhận');
    expect(sheet.header).to.deep.equal(['Nơi nhận', 'Trạng thái', 'Thời điểm', 'Thu hồi']);
    expect(sheet.rows[0]!.slice(0, 2)).to.deep.equal([
      `Sở Nhận Xuất Thử (${receiver.code})`,
      'Đã đến',
    ]);
    expect(sheet.cells[0]![2]).to.be.instanceOf(Date);
    expect(sheet.rows[1]).to.deep.equal([
      'Bộ Nội vụ (000.00.00.G09)',
      'Gửi ngoài hệ thống',
      '',
      '',
    ]);
    const audit = await lastAuditOf('outgoing.delivery_status.export', clerk.id);
    expect(audit?.entityType).to.equal('outgoing');
    expect(audit?.details).to.include({ rows: 2 });

    const theirs = await buildUser(receiver, ['clerk']);
    const refused = await (await loginAs(ctx.app, theirs)).agent.get(href);
    expect(refused.status).to.equal(404);
    expect(await lastAuditOf('outgoing.delivery_status.export', theirs.id)).to.equal(null);
  });
});
