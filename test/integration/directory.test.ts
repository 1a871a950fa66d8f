import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { Department } from '../../src/agencies/agency.model.js';
import { DepartmentDeputy } from '../../src/agencies/department-deputy.model.js';
import { membersOf } from '../../src/approvals/approvals.service.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { db } from '../../src/db/index.js';
import { withTransaction } from '../../src/db/transaction.js';
import {
  deputiesOf,
  headOf,
  holdersOf,
  leadersOf,
  peopleOf,
  staffPicker,
} from '../../src/users/directory.service.js';
import { NAME_ORDER } from '../../src/users/name-order.js';
import { User } from '../../src/users/user.model.js';
import { setUserRoles } from '../../src/users/user-roles.js';
import { buildAgency, buildDepartment, buildUser, loginAs } from '../factories/index.js';
import { testApp, type TestContext } from '../helpers/test-app.js';

describe('organisation directory', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  /** An agency with a finance department (one head-role holder, two specialists) and leaders. */
  async function buildOrganisation() {
    const agency = await buildAgency();
    const finance = await buildDepartment(agency, { name: 'Phòng Tài chính - Kế hoạch' });
    const office = await buildDepartment(agency, { name: 'Văn phòng HĐND và UBND' });
    const admin = await buildUser(agency, ['admin'], { fullName: 'Quản trị Hệ Thống' });
    const chair = await buildUser(agency, ['leader'], {
      fullName: 'Trần Văn Bình',
      positionTitle: 'Chủ tịch',
    });
    const viceChair = await buildUser(agency, ['leader'], {
      fullName: 'Lê Thị An',
      positionTitle: 'Phó Chủ tịch',
    });
    const head = await buildUser(agency, ['dept_head'], {
      departmentId: finance.id,
      fullName: 'Nguyễn Văn Trưởng',
      positionTitle: 'Trưởng phòng',
      email: 'truong@tckh.example.vn',
    });
    const deputy = await buildUser(agency, ['dept_head'], {
      departmentId: finance.id,
      fullName: 'Phạm Thị Phó',
      positionTitle: 'Phó Trưởng phòng',
    });
    const specialist = await buildUser(agency, ['specialist'], {
      departmentId: finance.id,
      fullName: 'Đỗ Minh Chuyên',
      positionTitle: 'Chuyên viên',
    });
    const clerk = await buildUser(agency, ['clerk'], {
      departmentId: office.id,
      fullName: 'Vũ Thị Văn Thư',
      positionTitle: 'Văn thư',
    });
    return { agency, finance, office, admin, chair, viceChair, head, deputy, specialist, clerk };
  }

  /** Posts the department form with a head and deputies, as the administrator. */
  async function postLeaders(
    org: Awaited<ReturnType<typeof buildOrganisation>>,
    headUserId: number | '',
    deputyIds: number[],
  ) {
    const { agent, csrf } = await loginAs(ctx.app, org.admin);
    return agent
      .post(`/admin/departments/${org.finance.id}`)
      .type('form')
      .send({
        _csrf: await csrf(),
        name: org.finance.name,
        abbreviation: org.finance.abbreviation,
        parentId: '',
        leaders: '1',
        headUserId: String(headUserId),
        deputyIds: deputyIds.map(String),
      });
  }

  it('sets a department head and deputies on the department form, with an audit row', async () => {
    const org = await buildOrganisation();
    const { agent } = await loginAs(ctx.app, org.admin);
    const form = await agent.get(`/admin/departments/${org.finance.id}/edit`);
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('name="headUserId"').and.contain(`value="${org.specialist.id}"`);
    // Only the department's people are offered.
    expect(form.text).not.to.contain(`value="${org.clerk.id}"`);

    const saved = await postLeaders(org, org.head.id, [org.deputy.id]);
    expect(saved.status).to.equal(303);
    expect((await headOf(org.finance.id))?.id).to.equal(org.head.id);
    expect((await deputiesOf(org.finance.id)).map((u) => u.id)).to.deep.equal([org.deputy.id]);
    expect((await peopleOf(org.finance.id)).map((u) => u.id)).to.deep.equal([
      org.head.id,
      org.deputy.id,
      org.specialist.id,
    ]);
    const audit = await AuditLog.findOne({
      where: { action: 'department.update', entityId: String(org.finance.id) },
    });
    const details = JSON.parse(audit!.details!);
    expect(details.before).to.include({ headUserId: null });
    expect(details.after).to.deep.include({ headUserId: org.head.id, deputyIds: [org.deputy.id] });

    // The form shows them chosen.
    const again = await agent.get(`/admin/departments/${org.finance.id}/edit`);
    expect(again.text).to.match(new RegExp(`<option value="${org.head.id}" selected>`));
  });

  it('refuses a head or deputy from outside the department, and a head who is also a deputy, in Vietnamese', async () => {
    const org = await buildOrganisation();
    const outsider = await postLeaders(org, org.clerk.id, []);
    expect(outsider.status).to.equal(422);
    expect(outsider.text).to.contain('Trưởng đơn vị phải là người đang làm việc tại đơn vị này');
    expect(outsider.text).not.to.match(/\bat .*\.ts:\d+/);
    const foreign = await buildUser(await buildAgency(), ['specialist']);
    const deputy = await postLeaders(org, '', [foreign.id]);
    expect(deputy.status).to.equal(422);
    expect(deputy.text).to.contain('Cấp phó phải là người đang làm việc tại đơn vị này');
    const both = await postLeaders(org, org.head.id, [org.head.id]);
    expect(both.status).to.equal(422);
    expect(both.text).to.contain('vừa là trưởng vừa là phó');
    expect((await Department.findByPk(org.finance.id))!.headUserId).to.equal(null);
    expect(await DepartmentDeputy.count({ where: { departmentId: org.finance.id } })).to.equal(0);
  });

  it('keeps the head and deputies when a department is saved without them, and drops a head who leaves', async () => {
    const org = await buildOrganisation();
    expect((await postLeaders(org, org.head.id, [org.deputy.id])).status).to.equal(303);
    const { agent, csrf } = await loginAs(ctx.app, org.admin);
    const renamed = await agent
      .post(`/admin/departments/${org.finance.id}`)
      .type('form')
      .send({
        _csrf: await csrf(),
        name: 'Phòng Tài chính',
        abbreviation: org.finance.abbreviation,
        parentId: '',
      });
    expect(renamed.status).to.equal(303);
    expect((await headOf(org.finance.id))?.id).to.equal(org.head.id);

    // The head moves to the office; the deputy's account is switched off.
    const moved = await agent
      .post(`/admin/users/${org.head.id}`)
      .type('form')
      .send({
        _csrf: await csrf(),
        fullName: org.head.fullName,
        roles: 'dept_head',
        departmentId: String(org.office.id),
        secretClearance: '0',
        isActive: '1',
      });
    expect(moved.status).to.equal(303);
    expect(await headOf(org.finance.id)).to.equal(null);
    const off = await agent
      .post(`/admin/users/${org.deputy.id}/deactivate`)
      .type('form')
      .send({ _csrf: await csrf() });
    expect(off.status).to.equal(303);
    expect(await DepartmentDeputy.count({ where: { departmentId: org.finance.id } })).to.equal(0);
  });

  it('resolves "the head of the drafter’s department" to the head, and to the dept_head holders while none is set', async () => {
    const org = await buildOrganisation();
    const step = [{ role: 'dept_head' as const, department: 'drafter' as const }];
    // Before a head is named: everyone with the dept_head role there.
    expect((await membersOf(step, org.specialist)).sort()).to.deep.equal(
      [org.head.id, org.deputy.id].sort(),
    );
    expect((await postLeaders(org, org.deputy.id, [org.head.id])).status).to.equal(303);
    expect(await membersOf(step, org.specialist)).to.deep.equal([org.deputy.id]);
    expect((await holdersOf('specialist', org.finance.id)).map((u) => u.id)).to.deep.equal([
      org.specialist.id,
    ]);
    expect((await leadersOf(org.agency.id)).map((u) => u.id)).to.deep.equal([
      org.chair.id,
      org.viceChair.id,
    ]);
  });

  it('shows every signed-in person their agency: leaders, departments with head, deputies and people, searchable', async () => {
    const org = await buildOrganisation();
    expect((await postLeaders(org, org.head.id, [org.deputy.id])).status).to.equal(303);
    const other = await buildAgency();
    await buildUser(other, ['clerk'], { fullName: 'Người Cơ Quan Khác' });

    // Read by the administrator, whose own name (in the page's header) is in none of the checks.
    const { agent } = await loginAs(ctx.app, org.admin);
    const page = await agent.get('/directory');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Danh bạ cơ quan');
    expect(page.text).to.contain('Trần Văn Bình').and.contain('Phó Chủ tịch');
    expect(page.text).to.contain('truong@tckh.example.vn');
    expect(page.text).to.match(/data-testid="directory-head">Nguyễn Văn Trưởng — Trưởng phòng</);
    expect(page.text).to.match(/data-testid="directory-deputies">Phạm Thị Phó</);
    expect(page.text).to.contain('Vũ Thị Văn Thư');
    expect(page.text).not.to.contain('Người Cơ Quan Khác');
    // The chair is listed before the vice chair.
    expect(page.text.indexOf('Trần Văn Bình')).to.be.lessThan(page.text.indexOf('Lê Thị An'));

    const byTitle = await agent.get('/directory').query({ q: 'văn thư' });
    expect(byTitle.text).to.contain('Vũ Thị Văn Thư');
    expect(byTitle.text).not.to.contain('Đỗ Minh Chuyên');
    const byDepartment = await agent.get('/directory').query({ q: 'Tài chính' });
    expect(byDepartment.text).to.contain('Đỗ Minh Chuyên').and.not.contain('Vũ Thị Văn Thư');
    const none = await agent.get('/directory').query({ q: 'không ai tên này' });
    expect(none.status).to.equal(200);
    expect(none.text).to.contain('data-testid="directory-empty"');
    const wild = await agent.get('/directory').query({ q: '%' });
    expect(wild.text).not.to.contain('Đỗ Minh Chuyên');

    const anonymous = await request(ctx.app).get('/directory');
    expect(anonymous.status).to.equal(303);
    expect(anonymous.headers.location).to.match(/^\/login/);
  });

  it('lists people in Vietnamese order (tên, then họ đệm; Đ after D) on the user list and in the pickers', async () => {
    const agency = await buildAgency();
    const unit = await buildDepartment(agency, { name: 'Phòng Nội vụ' });
    const admin = await buildUser(agency, ['admin'], { fullName: 'Quản Trị Viên' });
    // Made in an order that is neither the Vietnamese one nor that of the full names.
    const names = [
      'Nguyễn Văn Đức',
      'Trần Thị Dung',
      'Lê Văn Ân',
      'Phạm An',
      'Đỗ Thị Ánh',
      'Bùi Văn An',
    ];
    for (const fullName of names)
      await buildUser(agency, ['specialist'], { departmentId: unit.id, fullName });
    const expected = [
      'Bùi Văn An',
      'Phạm An',
      'Đỗ Thị Ánh',
      'Lê Văn Ân',
      'Trần Thị Dung',
      'Nguyễn Văn Đức',
    ];
    const inOrder = (html: string) =>
      names
        .map((n) => ({ n, at: html.indexOf(n) }))
        .filter((x) => x.at >= 0)
        .sort((a, b) => a.at - b.at)
        .map((x) => x.n);

    const { agent } = await loginAs(ctx.app, admin);
    const list = await agent.get('/admin/users').query({ departmentId: unit.id });
    expect(list.status).to.equal(200);
    expect(inOrder(list.text)).to.deep.equal(expected);
    // The pickers read the same order from the database (raw SQL and the finders alike).
    const { people } = await staffPicker(agency.id, { departmentId: unit.id });
    expect(people.map((p) => p.fullName)).to.deep.equal(expected);
    expect((await peopleOf(unit.id)).map((p) => p.fullName)).to.deep.equal(expected);
    const found = await User.findAll({
      where: { agencyId: agency.id, departmentId: unit.id },
      order: NAME_ORDER,
    });
    expect(found.map((u) => u.fullName)).to.deep.equal(expected);
    // A renamed person moves to their new place.
    await found[0]!.update({ fullName: 'Bùi Văn Yến' });
    const again = await User.findAll({
      where: { agencyId: agency.id, departmentId: unit.id },
      order: NAME_ORDER,
    });
    expect(again.map((u) => u.fullName).at(-1)).to.equal('Bùi Văn Yến');
  });

  it('reads roles from their own table: after a reload, through the finders and in the session', async () => {
    const agency = await buildAgency();
    const user = await buildUser(agency, ['clerk', 'leader']);
    expect(user.roleList()).to.deep.equal(['clerk', 'leader']);
    const rows = await db().query<{ role: string }>(
      'SELECT role FROM user_roles WHERE userId = ? ORDER BY role',
      { replacements: [user.id], type: QueryTypes.SELECT },
    );
    expect(rows.map((r) => r.role)).to.deep.equal(['clerk', 'leader']);

    await withTransaction(db(), undefined, (t) => setUserRoles(user, ['specialist'], t));
    expect(user.hasRole('specialist')).to.equal(true);
    await user.reload();
    expect(user.roleList()).to.deep.equal(['specialist']);
    const found = await User.findAll({ where: { id: user.id } });
    expect(found[0].hasRole('specialist')).to.equal(true);
    expect(found[0].hasRole('clerk')).to.equal(false);
    expect(
      (await User.findAll({ where: { agencyId: agency.id, ...User.whereHasRole('specialist') } }))
        .length,
    ).to.equal(1);

    // A failed transaction leaves the roles as they were.
    await withTransaction(db(), undefined, async (t) => {
      await setUserRoles(user, ['admin'], t);
      throw new Error('rolled back');
    }).catch(() => undefined);
    expect((await User.findByPk(user.id))!.roleList()).to.deep.equal(['specialist']);

    // The session's user (read by hand with the session) has the roles: the clerk's page is
    // refused once the clerk role is gone.
    const clerk = await buildUser(agency, ['clerk']);
    const { agent } = await loginAs(ctx.app, clerk);
    expect((await agent.get('/registers')).status).to.equal(200);
    await withTransaction(db(), undefined, (t) => setUserRoles(clerk, ['specialist'], t));
    expect((await agent.get('/registers')).status).to.equal(403);
  });
});
