import { expect } from 'chai';
import { testApp, type TestContext } from '../helpers/test-app.js';
import {
  buildAgency,
  buildDepartment,
  buildUser,
  csrfTokenOf,
  loginAs,
} from '../factories/index.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { Agency, Department } from '../../src/agencies/agency.model.js';
import { Holiday } from '../../src/calendar/calendar.model.js';
import request from 'supertest';
import { AccessToken, User } from '../../src/users/user.model.js';
import { addWorkingDays, defaultDeadlineDays, isWeekend } from '../../src/calendar/working-days.js';

const ADMIN_PAGES = [
  '/admin/agency',
  '/admin/departments',
  '/admin/departments/new',
  '/admin/users',
  '/admin/users/new',
  '/admin/holidays',
  '/admin/audit',
  '/admin/audit/verify',
];

describe('administration pages', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  async function adminSession() {
    const agency = await buildAgency();
    const admin = await buildUser(agency, ['admin']);
    return { agency, admin, ...(await loginAs(ctx.app, admin)) };
  }

  it('refuses every admin page and action to people without the admin role', async () => {
    const agency = await buildAgency();
    const department = await buildDepartment(agency);
    for (const role of ['clerk', 'specialist', 'dept_head', 'leader'] as const) {
      const user = await buildUser(agency, [role]);
      const { agent, csrf } = await loginAs(ctx.app, user);
      for (const page of ADMIN_PAGES) {
        const res = await agent.get(page);
        expect(res.status, `${role} GET ${page}`).to.equal(403);
        expect(res.text).to.contain('Bạn không có quyền');
      }
      const token = await csrf();
      for (const [path, body] of [
        ['/admin/departments', { name: 'Phòng lạ', abbreviation: 'PL' }],
        [`/admin/departments/${department.id}/delete`, {}],
        [
          '/admin/users',
          {
            username: 'hacker1',
            fullName: 'X',
            roles: 'admin',
            password: 'MatKhau123',
            confirmPassword: 'MatKhau123',
          },
        ],
        ['/admin/holidays', { date: '2091-01-02', name: 'Lạ' }],
        ['/admin/deadlines', { d0: 1, d1: 1, d2: 1, d3: 1 }],
      ] as const) {
        const res = await agent
          .post(path)
          .type('form')
          .send({ _csrf: token, ...body });
        expect(res.status, `${role} POST ${path}`).to.equal(403);
      }
    }
    expect(await Department.count({ where: { agencyId: agency.id } })).to.equal(1);
    expect(await User.count({ where: { username: 'hacker1' } })).to.equal(0);
    expect(await Holiday.count({ where: { date: '2091-01-02' } })).to.equal(0);
  });

  it('creates a department and a user through the pages, with audit rows', async () => {
    const { agency, admin, agent, csrf } = await adminSession();
    const created = await agent
      .post('/admin/departments')
      .type('form')
      .send({
        _csrf: await csrf(),
        name: 'Văn phòng HĐND và UBND',
        abbreviation: 'VP',
        parentId: '',
      });
    expect(created.status).to.equal(303);
    const department = await Department.findOne({
      where: { agencyId: agency.id, abbreviation: 'VP' },
    });
    expect(department!.name).to.equal('Văn phòng HĐND và UBND');
    const child = await agent
      .post('/admin/departments')
      .type('form')
      .send({
        _csrf: await csrf(),
        name: 'Bộ phận Một cửa',
        abbreviation: 'MC',
        parentId: String(department!.id),
      });
    expect(child.status).to.equal(303);
    expect(
      (await Department.findOne({ where: { agencyId: agency.id, abbreviation: 'MC' } }))!.parentId,
    ).to.equal(department!.id);

    const username = `vt_${Date.now().toString(36)}`;
    const user = await agent
      .post('/admin/users')
      .type('form')
      .send({
        _csrf: await csrf(),
        username,
        fullName: 'Phạm Thị Văn Thư',
        positionTitle: 'Văn thư',
        departmentId: String(department!.id),
        roles: ['clerk', 'specialist'],
        email: '',
        secretClearance: '2',
        password: 'MatKhau123',
        confirmPassword: 'MatKhau123',
      });
    expect(user.status).to.equal(303);
    const row = await User.findOne({ where: { username } });
    expect(row!.agencyId).to.equal(agency.id);
    expect(row!.departmentId).to.equal(department!.id);
    expect(row!.roleList()).to.deep.equal(['clerk', 'specialist']);
    expect(row!.secretClearance).to.equal(2);
    expect(row!.positionTitle).to.equal('Văn thư');

    const audits = await AuditLog.findAll({ where: { userId: admin.id } });
    const actions = audits.map((a) => a.action);
    expect(actions.filter((a) => a === 'department.create')).to.have.length(2);
    expect(actions).to.include('user.create');
    const list = await agent.get(`/admin/users?departmentId=${department!.id}`);
    expect(list.text).to.contain('Phạm Thị Văn Thư').and.not.contain(admin.username);
  });

  it('re-renders with Vietnamese field errors: duplicate abbreviation, bad user input, bad agency code', async () => {
    const { agency, agent, csrf } = await adminSession();
    await buildDepartment(agency, { abbreviation: 'TCKH', name: 'Phòng Tài chính - Kế hoạch' });
    const duplicate = await agent
      .post('/admin/departments')
      .type('form')
      .send({ _csrf: await csrf(), name: 'Phòng khác', abbreviation: 'tckh' });
    expect(duplicate.status).to.equal(422);
    expect(duplicate.text).to.contain('Tên viết tắt này đã được đơn vị khác trong cơ quan sử dụng');
    expect(duplicate.text).to.contain('value="Phòng khác"');
    expect(await Department.count({ where: { agencyId: agency.id } })).to.equal(1);

    const badUser = await agent
      .post('/admin/users')
      .type('form')
      .send({
        _csrf: await csrf(),
        username: 'có dấu',
        fullName: '',
        roles: '',
        secretClearance: '7',
        password: 'MatKhau123',
        confirmPassword: 'Khac12345',
      });
    expect(badUser.status).to.equal(422);
    expect(badUser.text)
      .to.contain('Tên đăng nhập chỉ gồm chữ không dấu')
      .and.contain('Chọn ít nhất một vai trò')
      .and.contain('Độ mật được tiếp cận phải từ 0 đến 3')
      .and.contain('Mật khẩu nhập lại không khớp')
      .and.not.contain('MatKhau123');

    const badAgency = await agent
      .post('/admin/agency/children')
      .type('form')
      .send({
        _csrf: await csrf(),
        parentId: String(agency.id),
        name: 'UBND xã A',
        abbreviation: 'UBND',
        code: '12.34',
      });
    expect(badAgency.status).to.equal(422);
    expect(badAgency.text).to.contain('Mã định danh gồm 13 ký tự dạng 000.00.00.H41');
    const code = `X${Date.now().toString(36).slice(-2).toUpperCase()}.01.02.H41`;
    const goodAgency = await agent
      .post('/admin/agency/children')
      .type('form')
      .send({
        _csrf: await csrf(),
        parentId: String(agency.id),
        name: 'UBND xã A',
        abbreviation: 'UBND',
        code,
      });
    expect(goodAgency.status).to.equal(303);
    const commune = await Agency.findOne({ where: { code } });
    expect(commune!.parentId).to.equal(agency.id);
    const tree = await agent.get('/admin/agency');
    expect(tree.text).to.contain('UBND xã A').and.contain(code);
    // Another agency, or none at all: said beside "Trực thuộc", the form kept, nothing made.
    const stranger = await buildAgency();
    for (const parentId of [String(stranger.id), '999999']) {
      const foreign = await agent
        .post('/admin/agency/children')
        .type('form')
        .send({
          _csrf: await csrf(),
          parentId,
          name: 'UBND xã Lạ',
          abbreviation: 'L',
          code: 'ZZZ.01.02.H41',
        });
      expect(foreign.status, parentId).to.equal(422);
      expect(foreign.text).to.match(
        /id="parentId-error">Hãy chọn cơ quan cấp trên trong danh sách/,
      );
      expect(foreign.text).to.contain('value="UBND xã Lạ"').and.contain('value="ZZZ.01.02.H41"');
      expect(await Agency.count({ where: { code: 'ZZZ.01.02.H41' } })).to.equal(0);
    }
  });

  it("edits the admin's own agency, and no other agency", async () => {
    const { agency, admin, agent, csrf } = await adminSession();
    const bad = await agent
      .post(`/admin/agency/${agency.id}`)
      .type('form')
      .send({ _csrf: await csrf(), name: '', abbreviation: 'UBND', code: agency.code });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('Trường này là bắt buộc');
    const ok = await agent
      .post(`/admin/agency/${agency.id}`)
      .type('form')
      .send({
        _csrf: await csrf(),
        name: 'UBND huyện Đổi Tên',
        abbreviation: 'UBND',
        code: agency.code,
        address: 'Số 1 đường Hùng Vương',
      });
    expect(ok.status).to.equal(303);
    await agency.reload();
    expect(agency.name).to.equal('UBND huyện Đổi Tên');
    expect(agency.address).to.equal('Số 1 đường Hùng Vương');
    expect(await AuditLog.count({ where: { action: 'agency.update', userId: admin.id } })).to.equal(
      1,
    );

    const stranger = await buildAgency();
    expect((await agent.get(`/admin/agency/${stranger.id}/edit`)).status).to.equal(404);
    const foreign = await agent
      .post(`/admin/agency/${stranger.id}`)
      .type('form')
      .send({ _csrf: await csrf(), name: 'Chiếm', abbreviation: 'X', code: stranger.code });
    expect(foreign.status).to.equal(404);
    await stranger.reload();
    expect(stranger.name).to.not.equal('Chiếm');
  });

  it('refuses to delete a department that has people, with a clear message, and deletes an empty one', async () => {
    const { agency, admin, agent, csrf } = await adminSession();
    const busy = await buildDepartment(agency);
    await buildUser(agency, ['specialist'], { departmentId: busy.id });
    const refused = await agent
      .post(`/admin/departments/${busy.id}/delete`)
      .type('form')
      .send({ _csrf: await csrf() });
    expect(refused.status).to.equal(303);
    expect(refused.headers.location).to.equal('/admin/departments');
    expect((await agent.get('/admin/departments')).text).to.contain(
      'Không thể xóa đơn vị đang có 1 người dùng',
    );
    expect(await Department.count({ where: { id: busy.id } })).to.equal(1);

    const empty = await buildDepartment(agency);
    const deleted = await agent
      .post(`/admin/departments/${empty.id}/delete`)
      .type('form')
      .send({ _csrf: await csrf() });
    expect(deleted.status).to.equal(303);
    expect(await Department.count({ where: { id: empty.id } })).to.equal(0);
    expect(
      await AuditLog.count({
        where: { action: 'department.delete', userId: admin.id, entityId: String(empty.id) },
      }),
    ).to.equal(1);

    const other = await buildDepartment(await buildAgency());
    const foreign = await agent
      .post(`/admin/departments/${other.id}/delete`)
      .type('form')
      .send({ _csrf: await csrf() });
    expect(foreign.status).to.equal(404);
    expect(await Department.count({ where: { id: other.id } })).to.equal(1);
  });

  it('edits, resets the password of and deactivates users, but never the last admin', async () => {
    const { agency, admin, agent, csrf } = await adminSession();
    const lastAdmin = await agent
      .post(`/admin/users/${admin.id}/deactivate`)
      .type('form')
      .send({ _csrf: await csrf() });
    expect(lastAdmin.status).to.equal(409);
    expect(lastAdmin.text).to.contain('quản trị cuối cùng');
    const demote = await agent
      .post(`/admin/users/${admin.id}`)
      .type('form')
      .send({
        _csrf: await csrf(),
        fullName: admin.fullName,
        roles: 'clerk',
        secretClearance: '0',
        isActive: '1',
      });
    expect(demote.status).to.equal(409);
    await admin.reload();
    expect(admin.roleList()).to.deep.equal(['admin']);
    expect(admin.isActive).to.equal(true);

    // A lone administrator cannot make a second one (admin-second-admin: four-eyes).
    const user = await buildUser(agency, ['clerk']);
    const promote = await agent
      .post(`/admin/users/${user.id}`)
      .type('form')
      .send({
        _csrf: await csrf(),
        fullName: 'Đỗ Văn Mới',
        roles: ['admin'],
        secretClearance: '0',
        isActive: '1',
      });
    expect(promote.status).to.equal(409);
    expect(promote.text).to.contain('quản trị viên thứ hai');
    const edit = await agent
      .post(`/admin/users/${user.id}`)
      .type('form')
      .send({
        _csrf: await csrf(),
        fullName: 'Đỗ Văn Mới',
        roles: ['clerk', 'specialist'],
        secretClearance: '0',
        positionTitle: 'Văn thư',
        isActive: '1',
      });
    expect(edit.status).to.equal(303);
    await user.reload();
    expect(user.fullName).to.equal('Đỗ Văn Mới');
    expect(user.roleList()).to.deep.equal(['clerk', 'specialist']);
    expect(user.positionTitle).to.equal('Văn thư');

    const reset = await agent
      .post(`/admin/users/${user.id}/password`)
      .type('form')
      .send({ _csrf: await csrf(), password: 'DatLai2025', confirmPassword: 'DatLai2025' });
    expect(reset.status).to.equal(303);
    await loginAs(ctx.app, user, 'DatLai2025');

    // Users are deactivated, never deleted.
    const deactivate = await agent
      .post(`/admin/users/${user.id}/deactivate`)
      .type('form')
      .send({ _csrf: await csrf() });
    expect(deactivate.status).to.equal(303);
    await user.reload();
    expect(user.isActive).to.equal(false);
    const actions = (
      await AuditLog.findAll({
        where: { userId: admin.id, entityType: 'user', entityId: String(user.id) },
      })
    ).map((a) => a.action);
    expect(actions).to.include.members(['user.update', 'user.password_reset', 'user.deactivate']);
    const inactive = await agent.get('/admin/users?active=0');
    expect(inactive.text).to.contain('Đỗ Văn Mới');

    const foreign = await buildUser(await buildAgency(), ['clerk']);
    expect((await agent.get(`/admin/users/${foreign.id}/edit`)).status).to.equal(404);
  });

  it('adds and deletes holidays that deadlines then honour, and changes the default deadlines', async () => {
    const { admin, agent, csrf } = await adminSession();
    // A far year no other test uses; the first Tuesday of March.
    let start = '2093-03-01';
    while (isWeekend(start) || new Date(`${start}T00:00:00Z`).getUTCDay() !== 2) {
      start = new Date(Date.parse(`${start}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    }
    const next = new Date(Date.parse(`${start}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const after = new Date(Date.parse(`${start}T00:00:00Z`) + 2 * 86_400_000)
      .toISOString()
      .slice(0, 10);
    expect(await addWorkingDays(start, 1)).to.equal(next);

    const added = await agent
      .post('/admin/holidays')
      .type('form')
      .send({ _csrf: await csrf(), date: next, name: 'Ngày nghỉ thử' });
    expect(added.status).to.equal(303);
    expect(await addWorkingDays(start, 1)).to.equal(after);
    const page = await agent.get('/admin/holidays?year=2093');
    expect(page.text).to.contain('Ngày nghỉ thử');
    const twice = await agent
      .post('/admin/holidays')
      .type('form')
      .send({ _csrf: await csrf(), date: next, name: 'Lần hai' });
    expect(twice.status).to.equal(422);
    expect(twice.text).to.contain('Ngày này đã có trong lịch nghỉ');
    const badDate = await agent
      .post('/admin/holidays')
      .type('form')
      .send({ _csrf: await csrf(), date: '2093-02-30', name: 'Sai' });
    expect(badDate.status).to.equal(422);
    expect(badDate.text).to.contain('Không có ngày này trong lịch');
    // Typed as every date field is (dd/mm/yyyy), said the same way, kept as typed.
    const unreadable = await agent
      .post('/admin/holidays')
      .type('form')
      .send({ _csrf: await csrf(), date: '2093/13/45', name: 'Sai' });
    expect(unreadable.status).to.equal(422);
    expect(unreadable.text)
      .to.contain('Ngày phải có dạng ngày/tháng/năm, ví dụ 05/03/2026')
      .and.contain('aria-invalid="true" aria-describedby="date-error"')
      .and.contain('value="2093/13/45"')
      .and.not.contain('YYYY-MM-DD');

    const holiday = await Holiday.findOne({ where: { date: next } });
    const removed = await agent
      .post(`/admin/holidays/${holiday!.id}/delete`)
      .type('form')
      .send({ _csrf: await csrf() });
    expect(removed.status).to.equal(303);
    expect(await addWorkingDays(start, 1)).to.equal(next);
    const actions = (
      await AuditLog.findAll({ where: { userId: admin.id, entityType: 'holiday' } })
    ).map((a) => a.action);
    expect(actions).to.deep.equal(['holiday.create', 'holiday.delete']);

    const before = await defaultDeadlineDays();
    try {
      const bad = await agent
        .post('/admin/deadlines')
        .type('form')
        .send({ _csrf: await csrf(), d0: '0', d1: 'x', d2: '3', d3: '1' });
      expect(bad.status).to.equal(422);
      expect(bad.text).to.contain('Số ngày làm việc phải từ 1 đến 90');
      expect(await defaultDeadlineDays()).to.deep.equal(before);
      // A more urgent document never gets longer than a less urgent one.
      const reversed = await agent
        .post('/admin/deadlines')
        .type('form')
        .send({ _csrf: await csrf(), d0: '2', d1: '5', d2: '3', d3: '1' });
      expect(reversed.status).to.equal(422);
      expect(reversed.text).to.match(/id="d1-error">Văn bản khẩn hơn không được có hạn dài hơn/);
      expect(await defaultDeadlineDays()).to.deep.equal(before);
      const saved = await agent
        .post('/admin/deadlines')
        .type('form')
        .send({ _csrf: await csrf(), d0: '12', d1: '6', d2: '3', d3: '1' });
      expect(saved.status).to.equal(303);
      expect(await defaultDeadlineDays()).to.deep.equal({ 0: 12, 1: 6, 2: 3, 3: 1 });
      expect(
        await AuditLog.count({ where: { action: 'setting.update', userId: admin.id } }),
      ).to.equal(1);
    } finally {
      // Other suites count on the usual defaults.
      await agent
        .post('/admin/deadlines')
        .type('form')
        .send({ _csrf: await csrf(), d0: before[0], d1: before[1], d2: before[2], d3: before[3] });
    }
    expect(await defaultDeadlineDays()).to.deep.equal(before);
  });

  it('fills a year of Vietnamese public holidays including the lunar ones', async () => {
    const { agent, csrf } = await adminSession();
    const res = await agent
      .post('/admin/holidays/seed')
      .type('form')
      .send({ _csrf: await csrf(), year: '2029' });
    expect(res.status).to.equal(303);
    const dates = (await Holiday.findAll({ where: {} })).map((h) => String(h.date).slice(0, 10));
    expect(dates).to.include.members([
      '2029-01-01',
      '2029-02-13',
      '2029-04-23',
      '2029-04-30',
      '2029-05-01',
      '2029-09-02',
    ]);
    const again = await agent
      .post('/admin/holidays/seed')
      .type('form')
      .send({ _csrf: await csrf(), year: '2029' });
    expect(again.status).to.equal(303);
    const page = await agent.get('/admin/holidays?year=2029');
    expect(page.text)
      .to.contain('Đã thêm 0 ngày nghỉ lễ của năm 2029')
      .and.contain('Giỗ Tổ Hùng Vương');
  });

  it('lists the audit log with filters and says the chain is intact', async () => {
    const { admin, agent, csrf } = await adminSession();
    await agent
      .post('/admin/departments')
      .type('form')
      .send({ _csrf: await csrf(), name: 'Phòng Nội vụ', abbreviation: 'NV' });
    const list = await agent.get(`/admin/audit?user=${admin.username}&action=department.`);
    expect(list.status).to.equal(200);
    expect(list.text)
      .to.contain('department.create')
      .and.contain('Phòng Nội vụ')
      .and.not.contain('auth.login<');
    const none = await agent.get(
      `/admin/audit?user=${admin.username}&action=department.&from=2000-01-01&to=2000-01-02`,
    );
    expect(none.text).to.contain('Không có bản ghi nào phù hợp');
    const verify = await agent.get('/admin/audit/verify');
    expect(verify.status).to.equal(200);
    expect(verify.text).to.match(/Chuỗi nhật ký toàn vẹn \(\d+ bản ghi\)/);
  });

  it('a password the administrator set (new account, reset) opens only the page to choose one’s own', async () => {
    const { agency, agent, csrf } = await adminSession();
    const username = `cv_${Date.now().toString(36)}`;
    const created = await agent
      .post('/admin/users')
      .type('form')
      .send({
        _csrf: await csrf(),
        username,
        fullName: 'Lê Văn Chuyên',
        roles: ['specialist'],
        email: '',
        secretClearance: '0',
        password: 'DoQuanTri1',
        confirmPassword: 'DoQuanTri1',
      });
    expect(created.status).to.equal(303);
    const user = (await User.findOne({ where: { username, agencyId: agency.id } }))!;
    expect(user.passwordMustChange).to.equal(true);
    const listed = await agent.get('/admin/users');
    expect(listed.text).to.match(
      new RegExp(`${username}[\\s\\S]*?data-testid="password-must-change"`),
    );

    // Signed in with the administrator's password: every page leads to the password page, every
    // form is refused, nothing but the new password is saved.
    const person = request.agent(ctx.app);
    const login = await person.get('/login');
    const signedIn = await person
      .post('/login')
      .type('form')
      .send({ _csrf: csrfTokenOf(login.text), username, password: 'DoQuanTri1' });
    expect(signedIn.status).to.equal(303);
    for (const path of ['/', '/incoming', '/outgoing', '/profile', '/meetings'])
      expect((await person.get(path)).header.location, path).to.equal('/password/change');
    const page = await person.get('/password/change');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Mật khẩu hiện tại của bạn do quản trị viên đặt');
    const token = csrfTokenOf(page.text);
    const refused = await person
      .post('/profile/tokens')
      .type('form')
      .send({ _csrf: token, name: 'Khóa truy cập' });
    expect(refused.status).to.equal(403);
    expect(refused.text).to.contain('Bạn cần đặt mật khẩu mới trước khi tiếp tục');
    expect(await AccessToken.count({ where: { userId: user.id } })).to.equal(0);
    const weak = await person.post('/password/change').type('form').send({
      _csrf: token,
      currentPassword: 'DoQuanTri1',
      newPassword: 'ngan',
      confirmPassword: 'ngan',
    });
    expect(weak.status).to.equal(422);
    expect(weak.text).to.contain('field-error');
    const chosen = await person.post('/password/change').type('form').send({
      _csrf: token,
      currentPassword: 'DoQuanTri1',
      newPassword: 'CuaToiThoi2',
      confirmPassword: 'CuaToiThoi2',
    });
    expect(chosen.status).to.equal(303);
    await user.reload();
    expect(user.passwordMustChange).to.equal(false);
    expect((await person.get('/incoming')).status).to.equal(200);
    // Once chosen, the page is not offered again.
    expect((await person.get('/password/change')).header.location).to.equal('/profile');

    // A reset by the administrator makes it the administrator's password again.
    const reset = await agent
      .post(`/admin/users/${user.id}/password`)
      .type('form')
      .send({
        _csrf: await csrf(),
        password: 'DatLaiBoiQT3',
        confirmPassword: 'DatLaiBoiQT3',
      });
    expect(reset.status).to.equal(303);
    await user.reload();
    expect(user.passwordMustChange).to.equal(true);
    const again = await loginAs(ctx.app, user, 'DatLaiBoiQT3');
    expect((await again.agent.get('/incoming')).header.location).to.equal('/password/change');
    // A person who changes their own password on the profile is never asked again.
    await User.update({ passwordMustChange: false }, { where: { id: user.id } });
    const own = await loginAs(ctx.app, user, 'DatLaiBoiQT3');
    const profile = await own.agent
      .post('/profile/password')
      .type('form')
      .send({
        _csrf: await own.csrf(),
        currentPassword: 'DatLaiBoiQT3',
        newPassword: 'TuDoiLan4',
        confirmPassword: 'TuDoiLan4',
      });
    expect(profile.status).to.equal(303);
    await user.reload();
    expect(user.passwordMustChange).to.equal(false);
  });
});
