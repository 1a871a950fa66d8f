/**
 * The administration's list exports (issue 11): the users page and the audit log as XLSX, with
 * the page's filters, every row (not one page), the page's columns, the page's guard and an audit
 * row; the audit log's export hides a secret document's details as the page does.
 */
import { expect } from 'chai';
import request from 'supertest';
import { recordAudit } from '../../src/audit/audit.service.js';
import { setListExportMaxRows } from '../../src/http/list-export.js';
import type { Agency, Department } from '../../src/agencies/agency.model.js';
import type { User } from '../../src/users/user.model.js';
import { buildAgency, buildDepartment, buildUser, loginAs } from '../factories/index.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { download, exportHrefIn, lastAuditOf, readSheet } from '../helpers/xlsx-export.js';
import { buildOffice, registerThroughForm, signIn } from './incoming-helpers.js';

describe('administration list exports (XLSX)', function () {
  this.timeout(60_000);
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });
  afterEach(() => setListExportMaxRows());

  describe('the users page', () => {
    let agency: Agency;
    let unit: Department;
    let admin: User;
    const NAME = 'Đặng Xuất Danh';

    before(async () => {
      agency = await buildAgency();
      unit = await buildDepartment(agency, { name: 'Phòng Tư pháp' });
      admin = await buildUser(agency, ['admin'], { fullName: 'Quản Trị Viên' });
      // More than one page of the users list (25 a page).
      for (let i = 0; i < 26; i += 1)
        await buildUser(agency, ['specialist'], {
          fullName: `${NAME} ${String(i).padStart(2, '0')}`,
          departmentId: unit.id,
          positionTitle: 'Chuyên viên',
        });
      await buildUser(agency, ['leader', 'clerk'], {
        fullName: `${NAME} Lãnh Đạo`,
        secretClearance: 2,
        isActive: false,
        passwordMustChange: true,
      });
    });

    it('exports every user the filters find, not one page, with the page’s columns; audited', async () => {
      const { agent } = await loginAs(ctx.app, admin);
      const res = await download(agent, `/admin/users/export.xlsx?q=${encodeURIComponent(NAME)}`);
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.include('spreadsheetml');
      expect(res.headers['content-disposition']).to.match(/attachment; filename="nguoi-dung-/);
      const sheet = await readSheet(res.body as Buffer, 'Họ và tên');
      expect(sheet.header).to.deep.equal([
        'Họ và tên',
        'Tên đăng nhập',
        'Chức vụ',
        'Đơn vị',
        'Vai trò',
        'Độ mật được tiếp cận',
        'Trạng thái',
      ]);
      expect(sheet.rows).to.have.length(27);
      expect(sheet.rows[0]!.slice(2)).to.deep.equal([
        'Chuyên viên',
        'Phòng Tư pháp',
        'Chuyên viên',
        '',
        'Đang hoạt động',
      ]);
      const leader = sheet.rows.find((r) => r[0] === `${NAME} Lãnh Đạo`)!;
      expect(leader.slice(4)).to.deep.equal([
        'Văn thư, Lãnh đạo cơ quan',
        'Tối mật',
        'Đã khóa, Chờ đổi mật khẩu',
      ]);
      expect(sheet.lines.flat()).to.include(`Bộ lọc: Tìm kiếm: "${NAME}"`);
      expect(sheet.lines.flat()).to.include('Tổng số: 27 dòng');
      const audit = await lastAuditOf('user.export', admin.id);
      expect(audit?.entityType).to.equal('user');
      expect(audit?.details).to.include({ q: NAME, rows: 27, total: 27 });
    });

    it('applies the page’s filters: role and state', async () => {
      const { agent } = await loginAs(ctx.app, admin);
      const res = await download(agent, '/admin/users/export.xlsx?role=leader&active=0');
      const sheet = await readSheet(res.body as Buffer, 'Họ và tên');
      expect(sheet.rows.map((r) => r[0])).to.deep.equal([`${NAME} Lãnh Đạo`]);
      expect(sheet.lines.flat()).to.include(
        'Bộ lọc: Vai trò: Lãnh đạo cơ quan; Trạng thái: Đã khóa',
      );
    });

    it('links the page to the export with the page’s filters', async () => {
      const { agent } = await loginAs(ctx.app, admin);
      const page = await agent.get('/admin/users').query({ q: NAME, role: 'specialist', page: 2 });
      expect(page.text).to.include('Xuất Excel');
      const href = new URL(exportHrefIn(page.text)!, 'http://x');
      expect(href.pathname).to.equal('/admin/users/export.xlsx');
      expect(Object.fromEntries(href.searchParams)).to.deep.equal({ q: NAME, role: 'specialist' });
    });

    it('stops at the cap and says so, on the sheet and on the page', async () => {
      setListExportMaxRows(5);
      const { agent } = await loginAs(ctx.app, admin);
      const res = await download(agent, `/admin/users/export.xlsx?q=${encodeURIComponent(NAME)}`);
      expect(res.headers['x-export-rows']).to.equal('5');
      expect(res.headers['x-export-total']).to.equal('27');
      const sheet = await readSheet(res.body as Buffer, 'Họ và tên');
      expect(sheet.rows).to.have.length(5);
      expect(sheet.lines.flat().join(' ')).to.include(
        'Danh sách có 27 dòng; chỉ xuất 5 dòng đầu tiên',
      );
      expect((await lastAuditOf('user.export', admin.id))?.details).to.include({ capped: true });
      const page = await agent.get('/admin/users').query({ q: NAME });
      expect(page.text).to.include('Tệp Excel chỉ chứa 5 dòng đầu tiên của danh sách này.');
    });

    it('is refused to whoever may not see the page, and shows another agency nothing', async () => {
      const specialist = await buildUser(agency, ['specialist']);
      const refused = await (
        await loginAs(ctx.app, specialist)
      ).agent.get('/admin/users/export.xlsx');
      expect(refused.status).to.equal(403);
      expect(await lastAuditOf('user.export', specialist.id)).to.equal(null);
      const anonymous = await request(ctx.app).get('/admin/users/export.xlsx');
      expect(anonymous.status).to.equal(303);
      const foreign = await buildUser(await buildAgency(), ['admin']);
      const theirs = await download(
        (await loginAs(ctx.app, foreign)).agent,
        `/admin/users/export.xlsx?q=${encodeURIComponent(NAME)}`,
      );
      expect((await readSheet(theirs.body as Buffer, 'Họ và tên')).rows).to.deep.equal([]);
    });

    it('speaks the reader’s language', async () => {
      const english = await buildUser(agency, ['admin'], { locale: 'en' });
      const res = await download(
        (await loginAs(ctx.app, english)).agent,
        `/admin/users/export.xlsx?q=${encodeURIComponent(NAME)}&active=1`,
      );
      const sheet = await readSheet(res.body as Buffer, 'Full name');
      expect(sheet.header[6]).to.equal('Status');
      expect(sheet.rows[0]![6]).to.equal('Active');
      expect(sheet.lines[0]![0]).to.equal('LIST OF USERS');
    });
  });

  describe('the audit log', () => {
    it('shows a secret document’s details only to an administrator cleared for it, as the page does', async () => {
      const office = await buildOffice();
      await office.clerk.update({ secretClearance: 3 });
      const clerk = await signIn(ctx.app, office.clerk);
      const secretId = await registerThroughForm(clerk, { confidentiality: '2' });
      const plainId = await registerThroughForm(clerk);
      for (const id of [secretId, plainId])
        await recordAudit({
          action: 'incoming.update',
          userId: office.clerk.id,
          ip: '10.1.2.3',
          entityType: 'incoming',
          entityId: id,
          details: { changes: { subject: `Kế hoạch tuyệt mật số ${id}` } },
        });
      const uncleared = await buildUser(office.agency, ['admin']);
      const cleared = await buildUser(office.agency, ['admin'], { secretClearance: 3 });
      const exportOf = async (admin: User, id: number) => {
        const { agent } = await loginAs(ctx.app, admin);
        const res = await download(
          agent,
          `/admin/audit/export.xlsx?entityType=incoming&entityId=${id}&action=incoming.update`,
        );
        expect(res.status).to.equal(200);
        return readSheet(res.body as Buffer, '#');
      };

      const hidden = await exportOf(uncleared, secretId);
      expect(hidden.rows).to.have.length(1);
      expect(hidden.lines.flat().join(' ')).not.to.include(`Kế hoạch tuyệt mật số ${secretId}`);
      expect(hidden.rows[0]![6]).to.equal(
        'Nội dung ẩn: văn bản mật vượt quá mức được phép đọc của bạn.',
      );
      const plain = await exportOf(uncleared, plainId);
      expect(plain.rows[0]![6]).to.include(`Kế hoạch tuyệt mật số ${plainId}`);
      const shown = await exportOf(cleared, secretId);
      expect(shown.rows[0]![6]).to.include(`Kế hoạch tuyệt mật số ${secretId}`);

      expect(shown.header).to.deep.equal([
        '#',
        'Thời gian',
        'Người thực hiện',
        'IP',
        'Thao tác',
        'Đối tượng',
        'Chi tiết',
      ]);
      expect(shown.rows[0]!.slice(2, 6)).to.deep.equal([
        'Lê Thị Văn Thư (' + office.clerk.username + ')',
        '10.1.2.3',
        'Sửa thông tin văn bản đến',
        `Văn bản đến #${secretId}`,
      ]);
      // The time as a real date, shown as the page shows it.
      expect(shown.cells[0]![1]).to.be.instanceOf(Date);
      expect(shown.formats[0]![1]).to.equal('dd/mm/yyyy hh:mm');
      const audit = await lastAuditOf('audit.export', cleared.id);
      expect(audit?.entityType).to.equal('audit');
      expect(audit?.details).to.include({
        entityType: 'incoming',
        entityId: String(secretId),
        action: 'incoming.update',
        rows: 1,
      });
    });

    it('refuses a bad day with the page’s 422 and message, and whoever may not read the log', async () => {
      const agency = await buildAgency();
      const admin = await buildUser(agency, ['admin']);
      const { agent } = await loginAs(ctx.app, admin);
      const page = await agent.get('/admin/audit?from=2026-02-31');
      const sheet = await agent.get('/admin/audit/export.xlsx?from=2026-02-31');
      expect([page.status, sheet.status]).to.deep.equal([422, 422]);
      // The page keeps the log's form with the message beside the field; the export's error
      // page says the same words.
      const fieldMessage = /class="field-error"[^>]*>([^<]+)</.exec(page.text)?.[1];
      expect(fieldMessage)
        .to.be.a('string')
        .and.match(/[ạảãàáâậầấẩẫăắằặẳẵ]/u);
      expect(sheet.text).to.contain(fieldMessage!);
      const clerk = await buildUser(agency, ['clerk']);
      const refused = await (await loginAs(ctx.app, clerk)).agent.get('/admin/audit/export.xlsx');
      expect(refused.status).to.equal(403);
      expect(await lastAuditOf('audit.export', clerk.id)).to.equal(null);
    });

    it('reads the log past one page of the page', async () => {
      const agency = await buildAgency();
      const admin = await buildUser(agency, ['admin']);
      for (let i = 0; i < 60; i += 1)
        await recordAudit({ action: 'test.export_rows', userId: admin.id, details: { n: i } });
      const { agent } = await loginAs(ctx.app, admin);
      const res = await download(agent, '/admin/audit/export.xlsx?action=test.export_rows');
      const sheet = await readSheet(res.body as Buffer, '#');
      expect(sheet.rows).to.have.length(60);
      // Newest first, as the page.
      expect(Number(sheet.rows[0]![0])).to.be.greaterThan(Number(sheet.rows[59]![0]));
    });
  });
});
