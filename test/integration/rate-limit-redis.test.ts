import { spawn } from 'node:child_process';
import { expect } from 'chai';
import { randomInt } from 'node:crypto';
import pino from 'pino';
import request from 'supertest';
import { configureProcessServices, createApp } from '../../src/app.js';
import { buildAgency, csrfTokenOf } from '../factories/index.js';
import { freePort, startLiveServer, type RunningServer } from '../helpers/live-servers.js';
import { testApp, type TestContext } from '../helpers/test-app.js';

const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

/*
 * Rate limits across machines (REDIS_URL): two separate servers count one client's requests
 * together, so a second machine does not double a guesser's budget. Shown on the public /verify
 * page's limit (3 here), from a client address of the run's own behind a trusted proxy.
 */
describe('rate limits across servers (REDIS_URL): two servers, one count', function () {
  this.timeout(120_000);
  let ctx: TestContext;
  let a: RunningServer;
  let b: RunningServer;

  before(async () => {
    ctx = await testApp();
    await buildAgency();
    const env = { VERIFY_RATE_LIMIT: '3', TRUST_PROXY: 'loopback' };
    [a, b] = await Promise.all([
      startLiveServer({ databaseUrl: ctx.config.databaseUrl, redisUrl: REDIS_URL, env }),
      startLiveServer({ databaseUrl: ctx.config.databaseUrl, redisUrl: REDIS_URL, env }),
    ]);
  });

  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('refuses the fourth verification with 429 whichever server takes it', async () => {
    // An address no earlier run used within the limit's window.
    const ip = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
    const start = await fetch(`${a.url}/verify?format=json`, {
      headers: { 'X-Forwarded-For': ip, Accept: 'application/json' },
    });
    expect(start.status).to.equal(200);
    const cookie = start.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const { csrfToken } = (await start.json()) as { csrfToken: string };
    const verify = (server: RunningServer) => {
      const form = new FormData();
      form.append('file', new Blob(['not a pdf']), 'x.pdf');
      return fetch(`${server.url}/verify?format=json&_csrf=${encodeURIComponent(csrfToken)}`, {
        method: 'POST',
        headers: { 'X-Forwarded-For': ip, Cookie: cookie, Accept: 'application/json' },
        body: form,
      });
    };
    const statuses: number[] = [];
    for (const server of [a, b, a, b]) statuses.push((await verify(server)).status);
    // Three answered (the file is refused as unreadable), the fourth is over the shared budget.
    expect(statuses.slice(0, 3).every((s) => s !== 429)).to.equal(true, String(statuses));
    expect(statuses[3]).to.equal(429);
    const refused = await verify(a);
    expect(refused.status).to.equal(429);
    const body = (await refused.json()) as { error?: { message?: string } };
    expect(body.error?.message ?? '').to.match(/quá nhiều|Quá nhiều|thử lại/i);
  });

  it('refuses with a Vietnamese 503, not a 500, while Redis does not answer', async () => {
    const logger = pino({ level: 'silent' });
    const app = createApp({ config: { ...ctx.config, redisUrl: 'redis://127.0.0.1:1' }, logger });
    configureProcessServices(ctx.config, logger);
    const agent = request.agent(app);
    const page = await agent.get('/login');
    const res = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrfTokenOf(page.text), username: 'ai-do', password: 'sai-mat-khau-1' });
    expect(res.status).to.equal(503);
    expect(res.text).to.contain('máy chủ Redis không phản hồi');
    expect(res.text).to.not.match(/\bat .*\.(ts|js):\d+/);
  });

  it('counts again once Redis answers, without a restart', async () => {
    const port = await freePort();
    const logger = pino({ level: 'silent' });
    const app = createApp({
      config: { ...ctx.config, redisUrl: `redis://127.0.0.1:${port}` },
      logger,
    });
    configureProcessServices(ctx.config, logger);
    const agent = request.agent(app);
    const attempt = async () => {
      const page = await agent.get('/login');
      return (
        await agent
          .post('/login')
          .type('form')
          .send({ _csrf: csrfTokenOf(page.text), username: 'ai-do', password: 'sai-mat-khau-1' })
      ).status;
    };
    expect(await attempt()).to.equal(503);
    const redis = spawn('redis-server', [
      '--port',
      String(port),
      '--save',
      '',
      '--appendonly',
      'no',
    ]);
    try {
      let status = 503;
      for (let i = 0; i < 100 && status === 503; i++) {
        await new Promise((r) => setTimeout(r, 100));
        status = await attempt();
      }
      // A wrong password again, counted: the limiter works with the Redis that came up.
      expect(status).to.equal(401);
    } finally {
      redis.kill();
    }
  });
});
