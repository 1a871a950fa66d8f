import { expect } from 'chai';
import express from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { fixedHeaders } from '../../src/http/fixed-headers.js';
import { pinoHttp } from 'pino-http';
import { dateFromDb } from '../../src/db/rows.js';
import { accessLog, createLogger } from '../../src/http/logger.js';

describe('fixed response headers', () => {
  const options = {
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], upgradeInsecureRequests: null },
    },
  };
  const appWith = (middleware: express.RequestHandler) => {
    const app = express();
    app.use((_req, res, next) => {
      res.setHeader('X-Powered-By', 'something');
      next();
    });
    app.use(middleware);
    app.get('/', (_req, res) => res.send('ok'));
    return app;
  };

  it('sends exactly the headers helmet sends, and removes what it removes', async () => {
    const direct = await request(appWith(helmet(options))).get('/');
    const fixed = await request(appWith(fixedHeaders(helmet(options)))).get('/');
    const security = (headers: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(headers).filter(
          ([name]) => !['date', 'etag', 'content-length'].includes(name),
        ),
      );
    expect(security(fixed.headers)).to.deep.equal(security(direct.headers));
    expect(fixed.headers['content-security-policy']).to.contain("script-src 'self'");
    expect(fixed.headers).to.not.have.property('x-powered-by');
  });

  it('refuses at start-up a middleware that fails', () => {
    expect(() => fixedHeaders((_req, _res, next) => next(new Error('broken')))).to.throw('broken');
  });
});

describe('dates read by hand-written queries', () => {
  it('reads MariaDB Dates as they are and SQLite text as the instant Sequelize stored', () => {
    const instant = new Date('2026-11-21T02:30:00.123Z');
    expect(dateFromDb(instant)).to.equal(instant);
    expect(dateFromDb('2026-11-21 02:30:00.123 +00:00')!.toISOString()).to.equal(
      instant.toISOString(),
    );
    expect(dateFromDb('2026-11-21 09:30:00.123 +07:00')!.toISOString()).to.equal(
      instant.toISOString(),
    );
    expect(dateFromDb('2026-11-21 02:30:00.123')!.toISOString()).to.equal(instant.toISOString());
    expect(dateFromDb(null)).to.equal(null);
    expect(dateFromDb('not a date')).to.equal(null);
  });
});

describe('access log', () => {
  it('logs requests without their session cookie, API token or the cookie set in reply', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    const app = express();
    app.use(pinoHttp({ logger }));
    app.get('/', (_req, res) => {
      res.cookie('eoffice.sid', 'secret-session-id');
      res.send('ok');
    });
    await request(app)
      .get('/')
      .set('Cookie', 'eoffice.sid=another-secret')
      .set('Authorization', 'Bearer secret-token');
    const log = lines.join('\n');
    expect(log).to.contain('request completed');
    expect(log).to.not.contain('secret');
    expect(log).to.contain('[ẩn]');
  });

  it("keeps a form's CSRF token and a calendar feed's secret out of the logged address", async () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    const app = express();
    app.use(accessLog(logger));
    app.post('/incoming', (_req, res) => res.send('ok'));
    app.get('/calendar/ical/:file', (_req, res) => res.send('ok'));
    await request(app).post('/incoming?tab=all&_csrf=secret-csrf-token&x=1');
    await request(app).get('/calendar/ical/secret-feed-token.ics');
    const log = lines.join('\n');
    expect(log).to.contain('request completed');
    expect(log).to.not.contain('secret');
    expect(log).to.contain('/incoming?tab=all&_csrf=[ẩn]&x=1');
    expect(log).to.contain('/calendar/ical/[ẩn]');
  });
});
