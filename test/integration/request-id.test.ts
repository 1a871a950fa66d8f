import { expect } from 'chai';
import type { Express } from 'express';
import pino from 'pino';
import request from 'supertest';
import { configureProcessServices, createApp } from '../../src/app.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildAgency } from '../factories/index.js';

/** The app at a log level above info, with a route that fails before the final handlers. */
function quietAppWithFailure(ctx: TestContext): Express {
  const logger = pino({ level: 'warn', enabled: false });
  const app = createApp({ config: ctx.config, logger });
  configureProcessServices(ctx.config, pino({ level: 'silent' }));
  app.get('/__request-id-failure', () => {
    throw new Error('boom');
  });
  // Moved to just after the request id is given (before the session, the routers, "not found").
  const stack = (app as unknown as { router: { stack: { handle: unknown }[] } }).router.stack;
  const failing = stack.pop()!;
  const given = stack.findIndex((l) => String(l.handle).includes('requestIdOf'));
  expect(given).to.be.at.least(0);
  stack.splice(given + 1, 0, failing);
  return app;
}

describe('request ids: every request has one, whatever the log level', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
    // Set up (an agency exists), so no request is sent to the setup page.
    await buildAgency();
  });

  it('shows the 500 page with a real request id at LOG_LEVEL=warn, the one in X-Request-Id', async () => {
    const app = quietAppWithFailure(ctx);
    const res = await request(app).get('/__request-id-failure');
    expect(res.status).to.equal(500);
    const shown = /Mã yêu cầu: <code>([^<]+)<\/code>/.exec(res.text)?.[1];
    expect(shown).to.match(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-request-id']).to.equal(shown);
    expect(res.text).to.not.contain('undefined');
  });

  it("keeps a proxy's plain request id and replaces anything else", async () => {
    const app = quietAppWithFailure(ctx);
    const kept = await request(app).get('/__request-id-failure').set('X-Request-Id', 'lb-7f3a.42');
    expect(kept.text).to.contain('<code>lb-7f3a.42</code>');
    const hostile = await request(app)
      .get('/__request-id-failure')
      .set('X-Request-Id', `<b>${'x'.repeat(300)}`);
    expect(hostile.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
    // Pages answered without an error carry one too.
    const login = await request(app).get('/login');
    expect(login.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
  });
});
