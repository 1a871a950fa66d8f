import { expect } from 'chai';
import request from 'supertest';
import { Op } from 'sequelize';
import { productionApp, testApp, type TestContext } from '../helpers/test-app.js';
import { buildAgency, buildUser, csrfTokenOf, loginAs, TEST_PASSWORD } from '../factories/index.js';
import { createApp } from '../../src/app.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { Session } from '../../src/auth/session.model.js';
import { authenticate, changePassword } from '../../src/auth/auth.service.js';
import { Notification } from '../../src/notifications/notification.model.js';
import { AccessToken, User } from '../../src/users/user.model.js';
import { createAccessToken, createUser } from '../../src/users/users.service.js';
import { setUserActive, updateUser, resetPassword } from '../../src/users/user-admin.service.js';
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

  it('refuses an admin giving their own account a document role or a clearance; a second admin may, audited and notified', async () => {
    const agency = await buildAgency();
    const admin = await buildUser(agency, ['admin']);
    const second = await buildUser(agency, ['admin']);
    const third = await buildUser(agency, ['admin']);
    const self = { userId: admin.id, ip: null };
    for (const change of [{ roles: ['admin', 'leader'] }, { secretClearance: 3 }] as const) {
      let code = '';
      await updateUser(
        agency.id,
        admin.id,
        editOf(admin, change as Partial<AdminUpdateUserInput>),
        self,
      ).catch((e: { code: string }) => (code = e.code));
      expect(code).to.equal('ADMIN_SELF_GRANT');
    }
    await admin.reload();
    expect(admin.hasRole('leader')).to.equal(false);
    expect(admin.secretClearance).to.equal(0);

    // Through the page: 403 with the Vietnamese reason.
    const session = await loginAs(ctx.app, admin);
    const res = await session.agent
      .post(`/admin/users/${admin.id}`)
      .type('form')
      .send({
        _csrf: await session.csrf(),
        fullName: admin.fullName,
        roles: ['admin', 'clerk'],
        secretClearance: '0',
        isActive: '1',
      });
    expect(res.status).to.equal(403);
    expect(res.text).to.contain('quản trị viên khác');

    await updateUser(
      agency.id,
      admin.id,
      editOf(admin, { roles: ['admin', 'leader'], secretClearance: 2 }),
      {
        userId: second.id,
        ip: null,
      },
    );
    await admin.reload();
    expect(admin.hasRole('leader')).to.equal(true);
    const audit = await AuditLog.findOne({
      where: { action: 'user.admin_document_access', entityId: admin.id, userId: second.id },
    });
    expect(audit).to.not.equal(null);
    const told = await Notification.findAll({
      where: {
        kind: 'user.admin_document_access',
        userId: { [Op.in]: [admin.id, second.id, third.id] },
      },
    });
    expect(told.map((n) => n.userId).sort()).to.deep.equal([admin.id, third.id].sort());

    // A new administrator account made with a document role is audited and told as well.
    const created = await createUser(
      agency.id,
      {
        username: `qt-moi-${admin.id}`,
        fullName: 'Quản trị mới',
        password: 'MatKhau123',
        roles: ['admin', 'clerk'],
        secretClearance: 0,
      } as Parameters<typeof createUser>[1],
      { userId: third.id, ip: null },
    );
    expect(
      await AuditLog.count({
        where: { action: 'user.admin_document_access', entityId: created.id, userId: third.id },
      }),
    ).to.equal(1);
    expect(
      await Notification.count({
        where: { kind: 'user.admin_document_access', userId: second.id },
      }),
    ).to.equal(1);
  });
});
