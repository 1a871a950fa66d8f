import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { testApp, type TestContext } from '../helpers/test-app.js';
import {
  buildAgency,
  buildUser,
  loginAs,
  loginChoosingPassword,
  type Session,
} from '../factories/index.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { Notification } from '../../src/notifications/notification.model.js';
import { User } from '../../src/users/user.model.js';
import { AdminGrantRequest } from '../../src/users/admin-grant-request.model.js';
import { decideAdminGrant, grantAdminByOperator } from '../../src/users/user-admin.service.js';

const CLI_ACTOR = { userId: null, ip: 'cli' };

/**
 * No administrator alone makes another (issue 11 §4): the admin role for a new account, for an
 * existing one or for a deactivated administrator made active again is a request another
 * administrator approves, or the operator's grant on the server (user:grant-admin). Otherwise a
 * lone admin could make a second admin account with a password they chose, sign in as it and
 * approve their own requests for document access.
 */
describe('four-eyes on the admin role itself', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  const codeOf = (p: Promise<unknown>) =>
    p.then(
      () => '',
      (e: { code?: string }) => e.code ?? String(e),
    );
  const username = () => `qt_${randomUUID().slice(0, 8)}`;
  const post = async (session: Session, path: string, body: Record<string, unknown> = {}) =>
    session.agent
      .post(path)
      .type('form')
      .send({ _csrf: await session.csrf(), ...body });
  const newAccount = (name: string, roles: string | string[]) => ({
    username: name,
    fullName: 'Quản trị phụ',
    roles,
    secretClearance: '0',
    password: 'TuChon1234',
    confirmPassword: 'TuChon1234',
  });
  const editBody = (user: User, change: Record<string, unknown>) => ({
    fullName: user.fullName,
    roles: user.roleList(),
    secretClearance: String(user.secretClearance),
    isActive: '1',
    ...change,
  });

  it('tells a lone administrator in Vietnamese that a second one needs another administrator or the CLI: no new admin, no promotion, no reactivation', async () => {
    const agency = await buildAgency();
    const alone = await buildUser(agency, ['admin']);
    const clerk = await buildUser(agency, ['clerk']);
    const formerAdmin = await buildUser(agency, ['admin', 'leader'], { isActive: false });
    const session = await loginAs(ctx.app, alone);

    // A plain administrator account, the password chosen by the lone admin: the gap itself.
    const name = username();
    const created = await post(session, '/admin/users', newAccount(name, 'admin'));
    expect(created.status).to.equal(409);
    expect(created.text).to.contain('quản trị viên thứ hai chỉ được thêm khi');
    expect(created.text).to.contain('npm run eoffice -- user:grant-admin');
    expect(await User.count({ where: { username: name } })).to.equal(0);

    const promoted = await post(
      session,
      `/admin/users/${clerk.id}`,
      editBody(clerk, { roles: ['admin'] }),
    );
    expect(promoted.status).to.equal(409);
    expect(promoted.text).to.contain('user:grant-admin');
    expect((await clerk.reload()).roleList()).to.deep.equal(['clerk']);

    // A deactivated administrator made active again, by the button or by the edit form.
    const activated = await post(session, `/admin/users/${formerAdmin.id}/activate`);
    expect(activated.status).to.equal(409);
    expect(activated.text).to.contain('mở lại tài khoản quản trị đã khóa');
    const ticked = await post(session, `/admin/users/${formerAdmin.id}`, editBody(formerAdmin, {}));
    expect(ticked.status).to.equal(409);
    await formerAdmin.reload();
    expect(formerAdmin.isActive).to.equal(false);

    expect(await AdminGrantRequest.count({ where: { agencyId: agency.id } })).to.equal(0);
  });

  it("makes A's new plain admin account a request: the account has no role and cannot decide until B approves", async () => {
    const agency = await buildAgency();
    const a = await buildUser(agency, ['admin']);
    const b = await buildUser(agency, ['admin']);
    const sessionA = await loginAs(ctx.app, a);
    const name = username();
    const created = await post(sessionA, '/admin/users', newAccount(name, 'admin'));
    expect(created.status).to.equal(303);
    expect((await sessionA.agent.get('/admin/users')).text).to.contain('chưa có quyền quản trị');
    const holder = (await User.findOne({ where: { username: name } }))!;
    expect(holder.roleList()).to.deep.equal([]);
    const [request] = await AdminGrantRequest.findAll({
      where: { userId: holder.id, status: 'pending' },
    });
    expect(request.roleList()).to.deep.equal(['admin']);
    expect(request.requestedById).to.equal(a.id);
    expect(
      await AuditLog.count({
        where: { action: 'user.admin_grant_request', entityId: holder.id, userId: a.id },
      }),
    ).to.equal(1);
    const asked = await Notification.findAll({
      where: { kind: 'user.admin_grant_request', userId: [a.id, b.id, holder.id] },
    });
    expect(asked.map((n) => n.userId)).to.deep.equal([b.id]);

    // A signs in as the account with the password A chose: it leads only to choosing another
    // (which the holder would notice), and then it administers nothing, decides nothing.
    const firstSignIn = await loginAs(ctx.app, holder, 'TuChon1234');
    expect((await firstSignIn.agent.get('/admin/users')).header.location).to.equal(
      '/password/change',
    );
    const asHolder = await loginChoosingPassword(ctx.app, holder, 'TuChon1234', 'TuChon5678');
    expect((await asHolder.agent.get('/admin/users')).status).to.equal(403);
    const byHolder = await post(asHolder, `/admin/users/grant-requests/${request.id}/approve`);
    expect(byHolder.status).to.equal(403);
    expect(await codeOf(decideAdminGrant(agency.id, request.id, true, holder, CLI_ACTOR))).to.equal(
      'ADMIN_GRANT_OWN_ACCOUNT',
    );
    const byA = await post(sessionA, `/admin/users/grant-requests/${request.id}/approve`);
    expect(byA.status).to.equal(403);
    expect((await holder.reload()).roleList()).to.deep.equal([]);

    const sessionB = await loginAs(ctx.app, b);
    const byB = await post(sessionB, `/admin/users/grant-requests/${request.id}/approve`);
    expect(byB.status).to.equal(303);
    expect((await holder.reload()).roleList()).to.deep.equal(['admin']);
    expect(
      await AuditLog.count({
        where: { action: 'user.admin_role_grant', entityId: holder.id, userId: b.id },
      }),
    ).to.equal(1);
    const told = await Notification.findAll({
      where: { kind: 'user.admin_role_grant', userId: [a.id, b.id, holder.id] },
    });
    expect(told.map((n) => n.userId).sort()).to.deep.equal([a.id, holder.id].sort());
    expect((await asHolder.agent.get('/admin/users')).status).to.equal(200);
  });

  it("asks B to approve the admin role A gives an existing account or gives back to a deactivated administrator's", async () => {
    const agency = await buildAgency();
    const a = await buildUser(agency, ['admin']);
    const b = await buildUser(agency, ['admin']);
    const former = await buildUser(agency, ['admin', 'leader'], {
      isActive: false,
      secretClearance: 2,
    });
    const sessionA = await loginAs(ctx.app, a);
    const activated = await post(sessionA, `/admin/users/${former.id}/activate`);
    expect(activated.status).to.equal(303);
    expect((await sessionA.agent.get(`/admin/users/${former.id}/edit`)).text).to.contain(
      'chưa có quyền quản trị',
    );
    await former.reload();
    expect(former.isActive).to.equal(true);
    // Back as the leader they also were, not as an administrator.
    expect(former.roleList()).to.deep.equal(['leader']);
    expect(former.secretClearance).to.equal(2);
    const [back] = await AdminGrantRequest.findAll({
      where: { userId: former.id, status: 'pending' },
    });
    expect(back.roleList()).to.deep.equal(['leader', 'admin']);
    expect(back.secretClearance).to.equal(2);
    expect(await codeOf(decideAdminGrant(agency.id, back.id, true, a, CLI_ACTOR))).to.equal(
      'ADMIN_GRANT_OWN_REQUEST',
    );
    await decideAdminGrant(agency.id, back.id, true, b, { userId: b.id, ip: null });
    expect((await former.reload()).roleList()).to.deep.equal(['leader', 'admin']);

    // The edit form: a deactivated administrator's account saved as active comes back without
    // the role too, and so does a plain account the form makes admin.
    const gone = await buildUser(agency, ['admin'], { isActive: false });
    const edited = await post(sessionA, `/admin/users/${gone.id}`, editBody(gone, {}));
    expect(edited.status).to.equal(303);
    await gone.reload();
    expect([gone.isActive, gone.roleList()]).to.deep.equal([true, []]);
    const clerk = await buildUser(agency, ['clerk']);
    const promoted = await post(
      sessionA,
      `/admin/users/${clerk.id}`,
      editBody(clerk, { roles: ['admin'] }),
    );
    expect(promoted.status).to.equal(303);
    expect((await clerk.reload()).roleList()).to.deep.equal(['clerk']);
    const pending = await AdminGrantRequest.findAll({
      where: { userId: [gone.id, clerk.id], status: 'pending' },
      order: [['id', 'ASC']],
    });
    expect(pending.map((r) => [r.userId, r.roles])).to.deep.equal([
      [gone.id, 'admin'],
      [clerk.id, 'admin'],
    ]);
    // Left inactive, the account may keep its roles: nothing is given until it is active.
    const stillGone = await buildUser(agency, ['admin'], { isActive: false });
    const renamed = await post(
      sessionA,
      `/admin/users/${stillGone.id}`,
      editBody(stillGone, { fullName: 'Tên mới', isActive: undefined }),
    );
    expect(renamed.status).to.equal(303);
    await stillGone.reload();
    expect([stillGone.fullName, stillGone.isActive, stillGone.roleList()]).to.deep.equal([
      'Tên mới',
      false,
      ['admin'],
    ]);
    expect(await AdminGrantRequest.count({ where: { userId: stillGone.id } })).to.equal(0);
  });

  it("lets the server's operator give the admin role (user:grant-admin): audited, told to the admins, document access still asked", async () => {
    const agency = await buildAgency();
    const alone = await buildUser(agency, ['admin']);
    const specialist = await buildUser(agency, ['specialist'], { secretClearance: 1 });
    const { user, pendingGrant } = await grantAdminByOperator(specialist.username, CLI_ACTOR);
    expect(user.id).to.equal(specialist.id);
    await specialist.reload();
    expect(specialist.roleList()).to.deep.equal(['admin']);
    expect(specialist.secretClearance).to.equal(0);
    const audited = await AuditLog.findOne({
      where: { action: 'user.admin_role_grant', entityId: specialist.id },
    });
    expect([audited?.userId, audited?.ip]).to.deep.equal([null, 'cli']);
    const told = await Notification.findAll({
      where: { kind: 'user.admin_role_grant', userId: [alone.id, specialist.id] },
    });
    expect(told.map((n) => n.userId)).to.deep.equal([alone.id]);
    // Their document role and clearance wait for an administrator other than the holder.
    expect(pendingGrant!.roleList()).to.deep.equal(['specialist', 'admin']);
    expect(pendingGrant!.secretClearance).to.equal(1);
    await decideAdminGrant(agency.id, pendingGrant!.id, true, alone, {
      userId: alone.id,
      ip: null,
    });
    expect((await specialist.reload()).roleList()).to.deep.equal(['specialist', 'admin']);

    expect(await codeOf(grantAdminByOperator(specialist.username, CLI_ACTOR))).to.equal(
      'USER_ALREADY_ADMIN',
    );
    expect(await codeOf(grantAdminByOperator(username(), CLI_ACTOR))).to.equal('USER_NOT_FOUND');
    // A deactivated administrator's account is made active again by the operator.
    const former = await buildUser(agency, ['admin'], { isActive: false });
    await grantAdminByOperator(former.username, CLI_ACTOR);
    await former.reload();
    expect([former.isActive, former.roleList()]).to.deep.equal([true, ['admin']]);
  });

  it("refuses one administrator resetting another's password, who could then sign in as them and decide their own requests", async () => {
    const agency = await buildAgency();
    const a = await buildUser(agency, ['admin']);
    const b = await buildUser(agency, ['admin']);
    const former = await buildUser(agency, ['admin'], { isActive: false });
    const specialist = await buildUser(agency, ['specialist']);
    const sessionA = await loginAs(ctx.app, a);
    const newPassword = { password: 'ChiemQuyen1', confirmPassword: 'ChiemQuyen1' };
    for (const target of [b, former]) {
      const page = await sessionA.agent.get(`/admin/users/${target.id}/edit`);
      expect(page.text).to.not.contain(`action="/admin/users/${target.id}/password"`);
      expect(page.text).to.contain('data-testid="admin-password-hint"');
      const reset = await post(sessionA, `/admin/users/${target.id}/password`, newPassword);
      expect(reset.status).to.equal(403);
      expect(reset.text).to.contain('Không đặt lại được mật khẩu của một quản trị viên khác');
      expect(reset.text).to.contain('user:reset-password');
    }
    await loginAs(ctx.app, b);
    expect(
      await AuditLog.count({
        where: { action: 'user.password_reset', entityId: [b.id, former.id] },
      }),
    ).to.equal(0);
    // Anyone else's, and the admin's own, as before.
    for (const target of [specialist, a]) {
      const reset = await post(sessionA, `/admin/users/${target.id}/password`, newPassword);
      expect(reset.status).to.equal(303);
    }
    await loginAs(ctx.app, specialist, 'ChiemQuyen1');
  });
});
