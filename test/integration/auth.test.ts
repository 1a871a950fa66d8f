import { expect } from 'chai';
import request from 'supertest';
import { productionApp, testApp, type TestContext } from '../helpers/test-app.js';
import { buildAgency, buildUser, csrfTokenOf, loginAs, TEST_PASSWORD } from '../factories/index.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { User } from '../../src/users/user.model.js';
import { Session } from '../../src/auth/session.model.js';

describe('authentication', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  it('signs in with the right password and gives a new session id', async () => {
    const agency = await buildAgency();
    const user = await buildUser(agency, ['clerk']);
    const agent = request.agent(ctx.app);
    const page = await agent.get('/login');
    const before = /eoffice\.sid=([^;]+)/.exec(String(page.headers['set-cookie']))?.[1];
    const res = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrfTokenOf(page.text), username: user.username, password: TEST_PASSWORD });
    expect(res.status).to.equal(303);
    const after = /eoffice\.sid=([^;]+)/.exec(String(res.headers['set-cookie']))?.[1];
    expect(after).to.be.a('string').and.not.equal(before);
    const rows = await AuditLog.findAll({ where: { action: 'auth.login', userId: user.id } });
    expect(rows).to.have.length(1);
  });

  it('keeps the user on the session row, reads it with the session, and ends other sessions on a new password', async () => {
    const agency = await buildAgency();
    const user = await buildUser(agency, ['clerk'], { fullName: 'Người Hai Phiên' });
    const first = await loginAs(ctx.app, user);
    const second = await loginAs(ctx.app, user);
    const rows = await Session.findAll({ where: { userId: user.id } });
    expect(rows).to.have.length(2);
    expect((await first.agent.get('/profile')).text).to.contain('Người Hai Phiên');
    // A row saved before sessions.userId existed: the user is read on their own.
    await Session.update({ userId: null }, { where: { userId: user.id } });
    expect((await first.agent.get('/profile')).text).to.contain('Người Hai Phiên');
    await Session.update({ userId: user.id }, { where: { sid: rows.map((r) => r.sid) } });
    const changed = await second.agent
      .post('/profile/password')
      .type('form')
      .send({
        _csrf: await second.csrf(),
        currentPassword: TEST_PASSWORD,
        newPassword: 'Mat-khau-moi-2026',
        confirmPassword: 'Mat-khau-moi-2026',
      });
    expect(changed.status).to.equal(303);
    expect((await second.agent.get('/profile')).status).to.equal(200);
    const ended = await first.agent.get('/profile');
    expect(ended.status).to.equal(303);
    expect(ended.headers.location).to.match(/^\/login/);
    expect(await Session.count({ where: { userId: user.id } })).to.equal(1);
  });

  it('refuses a wrong password with a Vietnamese message and locks after repeated failures', async () => {
    const agency = await buildAgency();
    const user = await buildUser(agency, ['clerk']);
    const agent = request.agent(ctx.app);
    for (let i = 0; i < ctx.config.loginMaxAttempts; i += 1) {
      const page = await agent.get('/login');
      const res = await agent
        .post('/login')
        .type('form')
        .send({
          _csrf: csrfTokenOf(page.text),
          username: user.username,
          password: 'sai-mat-khau-1',
        });
      expect(res.status).to.equal(401);
      expect(res.text).to.contain('Tên đăng nhập hoặc mật khẩu không đúng');
    }
    await user.reload();
    expect(user.lockedUntil).to.be.instanceOf(Date);
    const page = await agent.get('/login');
    const locked = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrfTokenOf(page.text), username: user.username, password: TEST_PASSWORD });
    // The same reply as a wrong password: it does not tell that the account exists.
    expect(locked.status).to.equal(401);
    expect(locked.text).to.contain('Tên đăng nhập hoặc mật khẩu không đúng');
  });

  it('throttles repeated sign-in attempts from one address with a Vietnamese 429', async () => {
    // The production limit (30 attempts in 15 minutes), not the test configuration's.
    const app = productionApp(ctx);
    const agent = request.agent(app);
    const statuses: number[] = [];
    let last = '';
    for (let i = 0; i < 31; i += 1) {
      const page = await agent.get('/login');
      const res = await agent
        .post('/login')
        .type('form')
        .send({
          _csrf: csrfTokenOf(page.text),
          username: 'khong_ton_tai',
          password: 'sai-mat-khau-1',
        });
      statuses.push(res.status);
      last = res.text;
    }
    expect(statuses.slice(0, 30).every((s) => s === 401)).to.equal(true);
    expect(statuses[30]).to.equal(429);
    expect(last).to.contain('Bạn đã thử quá nhiều lần');
  });

  it('rejects a state change with a forged CSRF token', async () => {
    const agency = await buildAgency();
    const user = await buildUser(agency, ['clerk']);
    const { agent } = await loginAs(ctx.app, user);
    const res = await agent.post('/logout').type('form').send({ _csrf: 'forged' });
    expect(res.status).to.equal(403);
    expect(res.text).to.contain('Phiên làm việc đã hết hạn');
    expect(res.text).not.to.match(/at .*\.ts:\d+/);
    const still = await User.findByPk(user.id);
    expect(still).to.not.equal(null);
  });

  it('redirects anonymous page requests to the login form and answers the API with 401 JSON', async () => {
    const page = await request(ctx.app).get('/notifications');
    expect(page.status).to.equal(303);
    expect(page.headers.location).to.match(/^\/login/);
    const api = await request(ctx.app).get('/api/v1/incoming');
    expect(api.status).to.equal(401);
    expect(api.body.error.code).to.equal('UNAUTHENTICATED');
  });
});
