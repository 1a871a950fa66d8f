import { expect } from 'chai';
import request from 'supertest';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildAgency, buildUser, csrfTokenOf, loginAs, TEST_PASSWORD } from '../factories/index.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { AccessToken, User } from '../../src/users/user.model.js';
import { hashToken } from '../../src/http/auth.js';

async function tryLogin(ctx: TestContext, username: string, password: string): Promise<number> {
  const agent = request.agent(ctx.app);
  const page = await agent.get('/login');
  const res = await agent
    .post('/login')
    .type('form')
    .send({ _csrf: csrfTokenOf(page.text), username, password });
  return res.status;
}

describe('profile page', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  it('shows the signed-in user with a CSRF-protected form, and redirects strangers to login', async () => {
    const agency = await buildAgency();
    const user = await buildUser(agency, ['clerk', 'leader'], { fullName: 'Trần Văn Bình' });
    const { agent } = await loginAs(ctx.app, user);
    const page = await agent.get('/profile');
    expect(page.status).to.equal(200);
    expect(page.text)
      .to.contain('Trần Văn Bình')
      .and.contain('Văn thư')
      .and.contain('Lãnh đạo cơ quan');
    expect(csrfTokenOf(page.text)).to.be.a('string');
    const anonymous = await request(ctx.app).get('/profile');
    expect(anonymous.status).to.equal(303);
    expect(anonymous.headers.location).to.match(/^\/login/);
  });

  it('refuses a wrong current password with 422 and changes it when right', async () => {
    const agency = await buildAgency();
    const user = await buildUser(agency, ['specialist']);
    const { agent, csrf } = await loginAs(ctx.app, user);
    const wrong = await agent
      .post('/profile/password')
      .type('form')
      .send({
        _csrf: await csrf(),
        currentPassword: 'khongdung1',
        newPassword: 'MoiMoi2025',
        confirmPassword: 'MoiMoi2025',
      });
    expect(wrong.status).to.equal(422);
    expect(wrong.text).to.contain('Mật khẩu hiện tại không đúng');
    const mismatch = await agent
      .post('/profile/password')
      .type('form')
      .send({
        _csrf: await csrf(),
        currentPassword: TEST_PASSWORD,
        newPassword: 'MoiMoi2025',
        confirmPassword: 'Khac2025x',
      });
    expect(mismatch.status).to.equal(422);
    expect(mismatch.text).to.contain('Mật khẩu nhập lại không khớp');
    expect(await tryLogin(ctx, user.username, TEST_PASSWORD)).to.equal(303);

    const ok = await agent
      .post('/profile/password')
      .type('form')
      .send({
        _csrf: await csrf(),
        currentPassword: TEST_PASSWORD,
        newPassword: 'MoiMoi2025',
        confirmPassword: 'MoiMoi2025',
      });
    expect(ok.status).to.equal(303);
    expect(await tryLogin(ctx, user.username, TEST_PASSWORD)).to.equal(401);
    expect(await tryLogin(ctx, user.username, 'MoiMoi2025')).to.equal(303);
    expect(
      await AuditLog.count({ where: { action: 'auth.password_change', userId: user.id } }),
    ).to.equal(1);
  });

  it('saves the language preference and e-mail, and rejects a bad e-mail in Vietnamese', async () => {
    const agency = await buildAgency();
    const user = await buildUser(agency, ['clerk']);
    const { agent, csrf } = await loginAs(ctx.app, user);
    const bad = await agent
      .post('/profile')
      .type('form')
      .send({ _csrf: await csrf(), email: 'khong-phai-email', locale: 'vi' });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('Địa chỉ thư điện tử không hợp lệ');
    const res = await agent
      .post('/profile')
      .type('form')
      .send({ _csrf: await csrf(), email: 'hang@example.gov.vn', locale: 'en' });
    expect(res.status).to.equal(303);
    await user.reload();
    expect(user.locale).to.equal('en');
    expect(user.email).to.equal('hang@example.gov.vn');
    const page = await agent.get('/profile');
    expect(page.text).to.contain('My profile');
  });

  it('creates a personal access token shown once that authenticates the API, and revokes it', async () => {
    const agency = await buildAgency();
    const user = await buildUser(agency, ['clerk']);
    const { agent, csrf } = await loginAs(ctx.app, user);
    const empty = await agent
      .post('/profile/tokens')
      .type('form')
      .send({ _csrf: await csrf(), name: '  ' });
    expect(empty.status).to.equal(422);
    expect(await AccessToken.count({ where: { userId: user.id } })).to.equal(0);

    const created = await agent
      .post('/profile/tokens')
      .type('form')
      .send({ _csrf: await csrf(), name: 'Một cửa' });
    expect(created.status).to.equal(201);
    const token =
      /data-testid="new-token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*data-testid="new-token"/.exec(
        created.text,
      );
    const plain = token?.[1] ?? token?.[2];
    expect(plain).to.match(/^eo_/);
    const row = await AccessToken.findOne({ where: { userId: user.id } });
    expect(row!.tokenHash).to.equal(hashToken(plain!));
    expect(row!.lastUsedAt).to.equal(null);
    expect(await AuditLog.count({ where: { action: 'token.create', userId: user.id } })).to.equal(
      1,
    );
    const again = await agent.get('/profile');
    expect(again.text).to.contain('Một cửa').and.not.contain(plain!);

    // A route that does not exist: 404 means the token was accepted, 401 that it was not.
    const authed = await request(ctx.app)
      .get('/api/v1/no-such-route')
      .set('Authorization', `Bearer ${plain}`);
    expect(authed.status).to.not.equal(401);
    await row!.reload();
    expect(row!.lastUsedAt).to.be.instanceOf(Date);

    const other = await buildUser(agency, ['clerk']);
    const otherSession = await loginAs(ctx.app, other);
    const stolen = await otherSession.agent
      .post(`/profile/tokens/${row!.id}/revoke`)
      .type('form')
      .send({ _csrf: await otherSession.csrf() });
    expect(stolen.status).to.equal(404);
    expect(await AccessToken.count({ where: { id: row!.id } })).to.equal(1);

    const revoked = await agent
      .post(`/profile/tokens/${row!.id}/revoke`)
      .type('form')
      .send({ _csrf: await csrf() });
    expect(revoked.status).to.equal(303);
    const refused = await request(ctx.app)
      .get('/api/v1/no-such-route')
      .set('Authorization', `Bearer ${plain}`);
    expect(refused.status).to.equal(401);
    expect(await AuditLog.count({ where: { action: 'token.revoke', userId: user.id } })).to.equal(
      1,
    );
    expect(await User.count({ where: { id: user.id } })).to.equal(1);
  });
});
