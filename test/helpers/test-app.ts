import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import { loadConfig, type Config } from '../../src/config.js';
import { openDatabase } from '../../src/db/index.js';
import { migrate } from '../../src/db/migrator.js';
import { recreateDatabase } from '../../src/db/recreate.js';
import pino from 'pino';
import { configureProcessServices, createApp } from '../../src/app.js';

export interface TestContext {
  app: Express;
  config: Config;
  dialect: 'sqlite' | 'mysql';
}

let context: Promise<TestContext> | null = null;

/**
 * The app on a freshly migrated database, once per mocha process: TEST_DATABASE_URL (set by
 * run-integration.mjs) or a temporary SQLite file. Tests make their own data with the factories.
 */
export function testApp(): Promise<TestContext> {
  context ??= (async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'eoffice-test-'));
    const url = process.env.TEST_DATABASE_URL || `sqlite:${path.join(dir, 'test.sqlite')}`;
    if (url.startsWith('mysql')) await recreateDatabase(url);
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: url,
      STORAGE_DIR: path.join(dir, 'files'),
      SESSION_SECRET: 'test-secret',
      LOG_LEVEL: 'silent',
      // The tests' requests come as through a proxy on this machine (X-Forwarded-For names them).
      TRUST_PROXY: 'loopback',
      CERTS_DIR: path.join(dir, 'certs'),
      // A small heap per file check (pdf.js, which finds placements and text, needs about 100 MB), so a hostile test file is refused quickly.
      PDF_CHECK_MEMORY_MB: '160',
      PDF_CHECK_TIMEOUT_MS: '15000',
    });
    const sequelize = openDatabase(config.databaseUrl);
    await migrate(sequelize);
    const logger = pino({ level: process.env.TEST_LOG_LEVEL || 'silent' });
    return {
      app: createApp({ config, logger }),
      config,
      dialect: url.startsWith('mysql') ? 'mysql' : 'sqlite',
    };
  })();
  return context;
}

/**
 * An app as production configures it (its rate limits, its refusals), for the tests of those. The
 * process-wide services createApp sets up are then given the test configuration back at once:
 * left on production's, every later suite of the run would find no agency CA and no seal secret.
 */
export function productionApp(ctx: TestContext): Express {
  const logger = pino({ level: 'silent' });
  const app = createApp({ config: { ...ctx.config, env: 'production' }, logger });
  configureProcessServices(ctx.config, logger);
  return app;
}
