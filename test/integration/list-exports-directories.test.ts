/**
 * The directories' and the notifications' list exports (issue 11): the agency directory, the
 * sender directory and one's notifications as XLSX, as their pages list them (the page's search,
 * every row), refused to whoever may not see the page, audited.
 */
import { expect } from 'chai';
import request from 'supertest';
import { Notification } from '../../src/notifications/notification.model.js';
import { normaliseOrganName } from '../../src/senders/sender-names.js';
import { Sender } from '../../src/senders/sender.model.js';
import type { Agency } from '../../src/agencies/agency.model.js';
import type { User } from '../../src/users/user.model.js';
import { buildAgency, buildDepartment, buildUser, loginAs } from '../factories/index.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { download, exportHrefIn, lastAuditOf, readSheet } from '../helpers/xlsx-export.js';

describe('directory, sender and notification exports (XLSX)', function () {
  this.timeout(60_000);
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  describe('the agency directory', () => {
    let agency: Agency;
    let specialist: User;

    before(async () => {
      agency = await buildAgency();
      const unit = await buildDepartment(agency, { name: 'Phòng Văn hóa' });
      await buildUser(agency, ['leader'], { fullName: 'Lý Chủ Tịch', positionTitle: 'Chủ tịch' });
      const head = await buildUser(agency, ['dept_head'], {
        fullName: 'Hà Trưởng Phòng',
        departmentId: unit.id,
        email: 'ha@example.vn',
      });
      await unit.update({ headUserId: head.id });
      specialist = await buildUser(agency, ['specialist'], {
        fullName: 'Âu Chuyên Viên',
        departmentId: unit.id,
      });
      await buildUser(agency, ['clerk'], { fullName: 'Bùi Văn Thư' });
    });

    it('exports each part of the page, one row a person; audited', async () => {
      const { agent } = await loginAs(ctx.app, specialist);
      const res = await download(agent, '/directory/export.xlsx');
      expect(res.status).to.equal(200);
      expect(res.headers['content-disposition']).to.match(/filename="danh-ba-/);
      const sheet = await readSheet(res.body as Buffer, 'Mục');
      expect(sheet.header).to.deep.equal([
        'Mục',
        'Họ và tên',
        'Vị trí',
        'Chức vụ',
        'Đơn vị',
        'Thư điện tử',
      ]);
      expect(sheet.rows).to.deep.equal([
        ['Lãnh đạo cơ quan', 'Lý Chủ Tịch', '', 'Chủ tịch', '', ''],
        ['Phòng Văn hóa', 'Hà Trưởng Phòng', 'Trưởng', '', 'Phòng Văn hóa', 'ha@example.vn'],
        ['Phòng Văn hóa', 'Âu Chuyên Viên', '', '', 'Phòng Văn hóa', ''],
        ['Chưa thuộc đơn vị nào', 'Bùi Văn Thư', '', '', '', ''],
      ]);
      const audit = await lastAuditOf('directory.export', specialist.id);
      expect(audit?.details).to.include({ rows: 4, total: 4 });
    });

    it('exports what the page’s search finds, and links the page to it', async () => {
      const { agent } = await loginAs(ctx.app, specialist);
      const page = await agent.get('/directory').query({ q: 'van hoa' });
      expect(exportHrefIn(page.text)).to.equal('/directory/export.xlsx?q=van+hoa');
      const res = await download(agent, exportHrefIn(page.text)!);
      const sheet = await readSheet(res.body as Buffer, 'Mục');
      expect(sheet.rows.map((r) => r[1])).to.deep.equal(['Hà Trưởng Phòng', 'Âu Chuyên Viên']);
      expect(sheet.lines.flat()).to.include('Bộ lọc: Tìm trong danh bạ: "van hoa"');
    });

    it('shows another agency none of it, and a visitor nothing', async () => {
      const foreign = await buildUser(await buildAgency(), ['clerk']);
      const res = await download((await loginAs(ctx.app, foreign)).agent, '/directory/export.xlsx');
      const names = (await readSheet(res.body as Buffer, 'Mục')).rows.map((r) => r[1]);
      expect(names).not.to.include('Lý Chủ Tịch');
      const anonymous = await request(ctx.app).get('/directory/export.xlsx');
      expect([anonymous.status, anonymous.headers.location]).to.deep.equal([
        303,
        '/login?next=%2Fdirectory%2Fexport.xlsx',
      ]);
    });
  });

  describe('the sender directory', () => {
    it('exports the clerk’s senders as the page’s search finds them; refused to others', async () => {
      const agency = await buildAgency();
      const clerk = await buildUser(agency, ['clerk']);
      for (const [name, code] of [
        ['Sở Tài chính tỉnh Xuất', '000.00.31.H41'],
        ['Sở Y tế tỉnh Xuất', null],
        ['Công an tỉnh Khác', null],
      ] as const)
        await Sender.create({
          agencyId: agency.id,
          name,
          nameKey: normaliseOrganName(name),
          code,
        });
      const { agent } = await loginAs(ctx.app, clerk);
      const page = await agent.get('/senders').query({ q: 'tinh xuat' });
      const href = exportHrefIn(page.text)!;
      expect(href).to.equal('/senders/export.xlsx?q=tinh+xuat');
      const sheet = await readSheet((await download(agent, href)).body as Buffer, 'Tên cơ quan');
      expect(sheet.header).to.deep.equal(['Tên cơ quan', 'Mã định danh']);
      expect(sheet.rows).to.deep.equal([
        ['Sở Tài chính tỉnh Xuất', '000.00.31.H41'],
        ['Sở Y tế tỉnh Xuất', ''],
      ]);
      const audit = await lastAuditOf('sender.export', clerk.id);
      expect(audit?.entityType).to.equal('sender');
      expect(audit?.details).to.include({ q: 'tinh xuat', rows: 2 });

      const specialist = await buildUser(agency, ['specialist']);
      const refused = await (await loginAs(ctx.app, specialist)).agent.get('/senders/export.xlsx');
      expect(refused.status).to.equal(403);
      expect(await lastAuditOf('sender.export', specialist.id)).to.equal(null);
    });
  });

  describe('one’s notifications', () => {
    it('exports all of one’s own, past the page’s fifty, newest first, times as dates', async () => {
      const agency = await buildAgency();
      const [reader, other] = [
        await buildUser(agency, ['specialist']),
        await buildUser(agency, ['specialist']),
      ];
      for (let i = 0; i < 55; i += 1)
        await Notification.create({
          userId: reader.id,
          kind: 'test',
          message: `Thông báo thử số ${i}`,
          link: null,
          isRead: i < 5,
        });
      await Notification.create({ userId: other.id, kind: 'test', message: 'Của người khác' });
      const { agent } = await loginAs(ctx.app, reader);
      const page = await agent.get('/notifications');
      expect(exportHrefIn(page.text)).to.equal('/notifications/export.xlsx');
      const sheet = await readSheet(
        (await download(agent, '/notifications/export.xlsx')).body as Buffer,
        'Thời gian',
      );
      expect(sheet.header).to.deep.equal(['Thời gian', 'Nội dung', 'Trạng thái']);
      expect(sheet.rows).to.have.length(55);
      expect(sheet.rows[0]!.slice(1)).to.deep.equal(['Thông báo thử số 54', 'Chưa đọc']);
      expect(sheet.rows[54]!.slice(1)).to.deep.equal(['Thông báo thử số 0', 'Đã đọc']);
      expect(sheet.cells[0]![0]).to.be.instanceOf(Date);
      expect(sheet.formats[0]![0]).to.equal('dd/mm/yyyy hh:mm');
      expect(sheet.rows.flat()).not.to.include('Của người khác');
      expect((await lastAuditOf('notification.export', reader.id))?.details).to.include({
        rows: 55,
      });
      const anonymous = await request(ctx.app).get('/notifications/export.xlsx');
      expect(anonymous.status).to.equal(303);
    });
  });
});
