import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { productionApp, testApp, type TestContext } from '../helpers/test-app.js';
import {
  buildAgency,
  buildUser,
  csrfTokenOf,
  loginAs,
  loginChoosingPassword,
  TEST_PASSWORD,
} from '../factories/index.js';
import { createApp } from '../../src/app.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { Session } from '../../src/auth/session.model.js';
import { authenticate, changePassword } from '../../src/auth/auth.service.js';
import { Notification } from '../../src/notifications/notification.model.js';
import { AccessToken, User, type Role } from '../../src/users/user.model.js';
import { AdminGrantRequest } from '../../src/users/admin-grant-request.model.js';
import { createAccessToken, createUser } from '../../src/users/users.service.js';
import {
  decideAdminGrant,
  setUserActive,
  updateUser,
  resetPassword,
} from '../../src/users/user-admin.service.js';
import type { AdminUpdateUserInput } from '../../src/users/users.schemas.js';

async function postLogin(
  app: Parameters<typeof request.agent>[0],
  username: string,
  password: string,
  ip?: string,
) {
  const agent = request.agent(app);
  const page = ip
    ? await agent.get('/login').set('X-Forwarded-For', ip)
    : await agent.get('/login');
  const req = agent.post('/login').type('form');
  if (ip) req.set('X-Forwarded-For', ip);
  return req.send({ _csrf: csrfTokenOf(page.text), username, password });
}

function editOf(user: User, change: Partial<AdminUpdateUserInput>): AdminUpdateUserInput {
  return {
    fullName: user.fullName,
    positionTitle: user.positionTitle ?? null,
    email: user.email ?? null,
    roles: user.roleList(),
    departmentId: user.departmentId ?? null,
    secretClearance: user.secretClearance,
    isActive: user.isActive,
    ...change,
  } as AdminUpdateUserInput;
}

describe('security: sign-in, accounts and tokens', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  it('counts parallel wrong guesses atomically: no more password checks than allowed before the lock', async () => {
    const agency = await buildAgency();
    const user = await buildUser(agency, ['clerk']);
    const guesses = await Promise.allSettled(
      Array.from({ length: 15 }, () =>
        authenticate(user.username, 'sai-mat-khau-1', '10.1.1.1', ctx.config),
      ),
    );
    expect(guesses.every((g) => g.status === 'rejected')).to.equal(true);
    const checked = await AuditLog.count({
      where: { action: 'auth.login_failed', entityType: 'user', entityId: user.id },
    });
    expect(checked).to.be.at.most(ctx.config.loginMaxAttempts);
    await user.reload();
    expect(user.lockedUntil).to.be.instanceOf(Date);
    // Locked: even the right password is refused.
    let refused = false;
    await authenticate(user.username, TEST_PASSWORD, null, ctx.config).catch(
      () => (refused = true),
    );
    expect(refused).to.equal(true);
  });

  it('takes a username whatever its letter case: one account per name, signed in as typed in any case', async () => {
    const agency = await buildAgency();
    const name = `VanThu_${randomUUID().slice(0, 6)}`;
    const admin = { userId: null, ip: null };
    const made = await createUser(
      agency.id,
      { username: name, fullName: 'Văn thư', password: 'MatKhau123', roles: ['clerk'] },
      admin,
    );
    const twin = await createUser(
      agency.id,
      { username: name.toUpperCase(), fullName: 'Trùng tên', password: 'MatKhau123', roles: [] },
      admin,
    ).catch((e: { code?: string; fields?: Record<string, string> }) => e);
    expect((twin as { code?: string }).code).to.equal('USERNAME_TAKEN');
    expect((twin as { fields?: Record<string, string> }).fields).to.have.keys(['username']);
    const signedIn = await authenticate(name.toLowerCase(), 'MatKhau123', null, ctx.config);
    expect(signedIn.id).to.equal(made.user.id);
  });

  it('answers a locked account exactly as an unknown username', async () => {
    const agency = await buildAgency();
    const user = await buildUser(agency, ['clerk']);
    await user.update({ lockedUntil: new Date(Date.now() + 3600_000) });
    const locked = await postLogin(ctx.app, user.username, TEST_PASSWORD);
    const unknown = await postLogin(ctx.app, `khong-co-${user.username}`, TEST_PASSWORD);
    expect(locked.status).to.equal(401);
    expect(unknown.status).to.equal(locked.status);
    const message = (html: string) => /data-testid="login-error">([^<]*)</.exec(html)?.[1];
    expect(message(locked.text)).to.be.a('string').and.equal(message(unknown.text));
  });

  it('lets a whole office behind one address sign in (successes are not counted) and limits failures per account', async function () {
    // Sixty-odd real sign-ins (each a password hash) to pass the production limit of 30.
    this.timeout(180_000);
    const app = productionApp(ctx);
    const agency = await buildAgency();
    const office = await Promise.all(
      Array.from({ length: 32 }, () => buildUser(agency, ['specialist'])),
    );
    for (const person of office) {
      const res = await postLogin(app, person.username, TEST_PASSWORD, '203.0.113.30');
      expect(res.status, person.username).to.equal(303);
    }
    // One account's failures from that address do not keep a colleague out.
    const guessed = await buildUser(agency, ['specialist']);
    await guessed.update({ failedLoginCount: 0 });
    const statuses: number[] = [];
    for (let i = 0; i < 31; i += 1) {
      statuses.push(
        (await postLogin(app, guessed.username, 'sai-mat-khau-1', '203.0.113.31')).status,
      );
      await User.update({ failedLoginCount: 0, lockedUntil: null }, { where: { id: guessed.id } });
    }
    expect(statuses.at(-1)).to.equal(429);
    const colleague = await postLogin(app, office[0].username, TEST_PASSWORD, '203.0.113.31');
    expect(colleague.status).to.equal(303);
  });

  it('reads the client address from X-Forwarded-For only behind a trusted proxy (TRUST_PROXY)', async () => {
    const agency = await buildAgency();
    const user = await buildUser(agency, ['clerk']);
    const untrusted = createApp({ config: { ...ctx.config, trustProxy: false } });
    await postLogin(untrusted, user.username, 'sai-mat-khau-1', '198.51.100.7');
    const trusted = createApp({ config: { ...ctx.config, trustProxy: 'loopback' } });
    await postLogin(trusted, user.username, 'sai-mat-khau-1', '198.51.100.8');
    const ips = (
      await AuditLog.findAll({
        where: { action: 'auth.login_failed', entityId: user.id, entityType: 'user' },
      })
    ).map((r) => r.ip);
    expect(ips).to.include('198.51.100.8');
    expect(ips).not.to.include('198.51.100.7');
  });

  it('keeps no session row for a visitor who only opens the login page, and the login form still works', async () => {
    const agency = await buildAgency();
    const user = await buildUser(agency, ['clerk']);
    const before = await Session.count();
    const agent = request.agent(ctx.app);
    const page = await agent.get('/login');
    await agent.get('/verify');
    expect(await Session.count()).to.equal(before);
    const signedIn = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrfTokenOf(page.text), username: user.username, password: TEST_PASSWORD });
    expect(signedIn.status).to.equal(303);
    expect(await Session.count({ where: { userId: user.id } })).to.equal(1);
    // A forged token is still refused for an anonymous visitor.
    const other = request.agent(ctx.app);
    await other.get('/login');
    const forged = await other
      .post('/login')
      .type('form')
      .send({ _csrf: 'x'.repeat(40), username: user.username, password: TEST_PASSWORD });
    expect(forged.status).to.equal(403);
  });

  it('revokes API tokens on a password change, a reset and a deactivation; a reactivation does not revive them', async () => {
    const agency = await buildAgency();
    const admin = await buildUser(agency, ['admin']);
    const user = await buildUser(agency, ['clerk']);
    const actor = { userId: admin.id, ip: null };
    const api = (token: string) =>
      request(ctx.app).get('/api/v1/incoming').set('Authorization', `Bearer ${token}`);

    const first = await createAccessToken(user, 'script', actor);
    expect((await api(first.token)).status).to.equal(200);
    await changePassword(user, TEST_PASSWORD, 'MatKhauMoi456', null);
    expect((await api(first.token)).status).to.equal(401);

    const second = await createAccessToken(user, 'script', actor);
    await resetPassword(agency.id, user.id, 'MatKhauKhac789', actor);
    expect((await api(second.token)).status).to.equal(401);

    const third = await createAccessToken(user, 'script', actor);
    await setUserActive(agency.id, user.id, false, actor);
    await setUserActive(agency.id, user.id, true, actor);
    expect((await api(third.token)).status).to.equal(401);
    expect(await AccessToken.count({ where: { userId: user.id } })).to.equal(0);

    const fourth = await createAccessToken(user, 'script', actor);
    await user.reload();
    await updateUser(agency.id, user.id, editOf(user, { isActive: false }), actor);
    expect((await api(fourth.token)).status).to.equal(401);
  });

  describe("four-eyes on administrators' document access (issue 11 §4)", () => {
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => '',
        (e: { code?: string }) => e.code ?? String(e),
      );
    const pendingOf = (userId: number) =>
      AdminGrantRequest.findAll({ where: { userId, status: 'pending' } });
    const createAs = (agencyId: number, actorId: number, roles: Role[], secretClearance: number) =>
      createUser(
        agencyId,
        {
          username: `qt_${randomUUID().slice(0, 8)}`,
          fullName: 'Quản trị mới',
          password: 'MatKhau123',
          roles,
          secretClearance,
        },
        { userId: actorId, ip: null },
      );

    it("keeps an admin's own document role or clearance as a request that another admin approves, audited and notified", async () => {
      const agency = await buildAgency();
      const admin = await buildUser(agency, ['admin']);
      const second = await buildUser(agency, ['admin']);
      const third = await buildUser(agency, ['admin']);
      const self = { userId: admin.id, ip: null };
      const { pendingGrant } = await updateUser(
        agency.id,
        admin.id,
        editOf(admin, { roles: ['admin', 'leader'], secretClearance: 2, fullName: 'Tên mới' }),
        self,
      );
      await admin.reload();
      expect(admin.hasRole('leader')).to.equal(false);
      expect(admin.secretClearance).to.equal(0);
      expect(admin.fullName, 'the rest of the edit is saved').to.equal('Tên mới');
      expect(pendingGrant).to.not.equal(null);
      expect((await pendingOf(admin.id)).map((r) => r.id)).to.deep.equal([pendingGrant!.id]);
      expect(
        await AuditLog.count({
          where: { action: 'user.admin_grant_request', entityId: admin.id, userId: admin.id },
        }),
      ).to.equal(1);
      // The request is told to those who may decide it: not to the one who asked.
      const asked = await Notification.findAll({
        where: { kind: 'user.admin_grant_request', userId: [admin.id, second.id, third.id] },
      });
      expect(asked.map((n) => n.userId).sort()).to.deep.equal([second.id, third.id].sort());

      // The one who asked (here also the holder) cannot decide it.
      expect(
        await codeOf(decideAdminGrant(agency.id, pendingGrant!.id, true, admin, self)),
      ).to.equal('ADMIN_GRANT_OWN_ACCOUNT');

      await decideAdminGrant(agency.id, pendingGrant!.id, true, second, {
        userId: second.id,
        ip: null,
      });
      await admin.reload();
      expect(admin.roleList()).to.deep.equal(['leader', 'admin']);
      expect(admin.secretClearance).to.equal(2);
      expect(
        await AuditLog.count({
          where: { action: 'user.admin_document_access', entityId: admin.id, userId: second.id },
        }),
      ).to.equal(1);
      const told = await Notification.findAll({
        where: { kind: 'user.admin_document_access', userId: [admin.id, second.id, third.id] },
      });
      expect(told.map((n) => n.userId).sort()).to.deep.equal([admin.id, third.id].sort());
      // Decided once only.
      expect(
        await codeOf(
          decideAdminGrant(agency.id, pendingGrant!.id, false, third, {
            userId: third.id,
            ip: null,
          }),
        ),
      ).to.equal('ADMIN_GRANT_DECIDED');
    });

    it('creates an admin + leader account asked by admin A without any role until B approves; neither A nor the holder may approve', async () => {
      const agency = await buildAgency();
      const a = await buildUser(agency, ['admin']);
      const b = await buildUser(agency, ['admin']);
      const sessionA = await loginAs(ctx.app, a);
      const username = `qt_${randomUUID().slice(0, 8)}`;
      const created = await sessionA.agent
        .post('/admin/users')
        .type('form')
        .send({
          _csrf: await sessionA.csrf(),
          username,
          fullName: 'Tài khoản phụ',
          roles: ['admin', 'leader'],
          secretClearance: '3',
          password: 'MatKhau123',
          confirmPassword: 'MatKhau123',
        });
      expect(created.status).to.equal(303);
      const holder = (await User.findOne({ where: { username } }))!;
      expect(holder.roleList()).to.deep.equal([]);
      expect(holder.secretClearance).to.equal(0);
      const [request] = await pendingOf(holder.id);
      expect(request.requestedById).to.equal(a.id);
      expect(request.roleList()).to.deep.equal(['leader', 'admin']);
      expect(request.secretClearance).to.equal(3);
      const listA = await sessionA.agent.get('/admin/users');
      expect(listA.text).to.contain(`data-testid="grant-request-${request.id}"`);
      expect(listA.text).to.not.contain(`/admin/users/grant-requests/${request.id}/approve`);
      expect(listA.text).to.contain('Chờ quản trị viên khác phê duyệt');

      // A cannot approve their own request; the holder, no administrator until it is approved,
      // cannot approve it for their account.
      const byA = await sessionA.agent
        .post(`/admin/users/grant-requests/${request.id}/approve`)
        .type('form')
        .send({ _csrf: await sessionA.csrf() });
      expect(byA.status).to.equal(403);
      expect(byA.text).to.contain('đề nghị do chính mình đưa ra');
      const sessionHolder = await loginChoosingPassword(
        ctx.app,
        holder,
        'MatKhau123',
        'MatKhau456',
      );
      const byHolder = await sessionHolder.agent
        .post(`/admin/users/grant-requests/${request.id}/approve`)
        .type('form')
        .send({ _csrf: await sessionHolder.csrf() });
      expect(byHolder.status).to.equal(403);
      expect(byHolder.text).to.contain('Bạn không có quyền');
      await holder.reload();
      expect(holder.roleList()).to.deep.equal([]);
      expect(holder.secretClearance).to.equal(0);
      expect(
        await AuditLog.count({
          where: {
            action: ['user.admin_role_grant', 'user.admin_document_access'],
            entityId: holder.id,
          },
        }),
      ).to.equal(0);

      // B sees the request with its buttons and approves it.
      const sessionB = await loginAs(ctx.app, b);
      const listB = await sessionB.agent.get('/admin/users');
      expect(listB.text).to.contain(`/admin/users/grant-requests/${request.id}/approve`);
      const byB = await sessionB.agent
        .post(`/admin/users/grant-requests/${request.id}/approve`)
        .type('form')
        .send({ _csrf: await sessionB.csrf() });
      expect(byB.status).to.equal(303);
      await holder.reload();
      expect(holder.roleList()).to.deep.equal(['leader', 'admin']);
      expect(holder.secretClearance).to.equal(3);
      await request.reload();
      expect(request.status).to.equal('approved');
      expect(request.decidedById).to.equal(b.id);
      const audited = await AuditLog.findAll({
        where: { entityType: 'user', entityId: holder.id },
        order: [['id', 'ASC']],
      });
      expect(audited.map((r) => `${r.action}:${r.userId}`)).to.include.members([
        `user.admin_grant_request:${a.id}`,
        `user.admin_role_grant:${b.id}`,
      ]);
    });

    it('needs B to add the admin role to a leader with a clearance, and a rejection leaves the account as it was', async () => {
      const agency = await buildAgency();
      const a = await buildUser(agency, ['admin']);
      const b = await buildUser(agency, ['admin']);
      const leader = await buildUser(agency, ['leader'], { secretClearance: 2 });
      const { pendingGrant } = await updateUser(
        agency.id,
        leader.id,
        editOf(leader, { roles: ['leader', 'admin'] }),
        { userId: a.id, ip: null },
      );
      await leader.reload();
      expect(leader.roleList()).to.deep.equal(['leader']);
      expect(leader.secretClearance).to.equal(2);
      expect(pendingGrant!.roleList()).to.deep.equal(['leader', 'admin']);
      // The holder is not an admin yet, still not theirs to decide.
      expect(
        await codeOf(
          decideAdminGrant(agency.id, pendingGrant!.id, true, a, { userId: a.id, ip: null }),
        ),
      ).to.equal('ADMIN_GRANT_OWN_REQUEST');

      await decideAdminGrant(agency.id, pendingGrant!.id, false, b, { userId: b.id, ip: null });
      await leader.reload();
      expect(leader.roleList()).to.deep.equal(['leader']);
      expect(
        await AuditLog.count({
          where: { action: 'user.admin_grant_reject', entityId: leader.id, userId: b.id },
        }),
      ).to.equal(1);
      const told = await Notification.findAll({
        where: { kind: 'user.admin_grant_reject', userId: [a.id, b.id, leader.id] },
      });
      expect(told.map((n) => n.userId).sort()).to.deep.equal([a.id, leader.id].sort());

      const again = await updateUser(
        agency.id,
        leader.id,
        editOf(leader, { roles: ['leader', 'admin'] }),
        { userId: a.id, ip: null },
      );
      await decideAdminGrant(agency.id, again.pendingGrant!.id, true, b, {
        userId: b.id,
        ip: null,
      });
      await leader.reload();
      expect(leader.roleList()).to.deep.equal(['leader', 'admin']);
      expect(leader.secretClearance).to.equal(2);
    });

    it('tells a single-admin agency that a second admin is needed, saving nothing', async () => {
      const agency = await buildAgency();
      const alone = await buildUser(agency, ['admin']);
      const session = await loginAs(ctx.app, alone);
      const username = `qt_${randomUUID().slice(0, 8)}`;
      const res = await session.agent
        .post('/admin/users')
        .type('form')
        .send({
          _csrf: await session.csrf(),
          username,
          fullName: 'Tài khoản phụ',
          roles: ['admin', 'leader'],
          secretClearance: '0',
          password: 'MatKhau123',
          confirmPassword: 'MatKhau123',
        });
      expect(res.status).to.equal(409);
      expect(res.text).to.contain('quản trị viên thứ hai');
      expect(await User.count({ where: { username } })).to.equal(0);
      expect(
        await codeOf(
          updateUser(agency.id, alone.id, editOf(alone, { secretClearance: 3 }), {
            userId: alone.id,
            ip: null,
          }),
        ),
      ).to.equal('ADMIN_GRANT_NEEDS_SECOND_ADMIN');
      expect(await AdminGrantRequest.count({ where: { agencyId: agency.id } })).to.equal(0);
    });

    it('leaves ordinary users as they were: document roles and clearances apply at once', async () => {
      const agency = await buildAgency();
      const a = await buildUser(agency, ['admin']);
      const actor = { userId: a.id, ip: null };
      const made = await createAs(agency.id, a.id, ['leader', 'specialist'], 3);
      expect(made.pendingGrant).to.equal(null);
      expect(made.user.roleList()).to.deep.equal(['specialist', 'leader']);
      expect((await made.user.reload()).secretClearance).to.equal(3);
      const clerk = await buildUser(agency, ['clerk']);
      const edited = await updateUser(
        agency.id,
        clerk.id,
        editOf(clerk, { roles: ['clerk', 'dept_head'], secretClearance: 2 }),
        actor,
      );
      expect(edited.pendingGrant).to.equal(null);
      await clerk.reload();
      expect(clerk.roleList()).to.deep.equal(['clerk', 'dept_head']);
      expect(clerk.secretClearance).to.equal(2);
      expect(await AdminGrantRequest.count({ where: { agencyId: agency.id } })).to.equal(0);
    });
  });
});
