import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import type { Express } from 'express';
import { loadConfig, type Config } from '../../src/config.js';
import { openDatabase } from '../../src/db/index.js';
import { migrate } from '../../src/db/migrator.js';
import pino from 'pino';
import { createApp } from '../../src/app.js';

export interface TestContext {
  app: Express;
  config: Config;
  dialect: 'sqlite' | 'mysql';
}

let context: Promise<TestContext> | null = null;

/** Creates an empty MariaDB/MySQL database named in the URL (dropping an old one). */
async function recreateMysqlDatabase(url: string): Promise<void> {
  const parsed = new URL(url);
  const name = parsed.pathname.slice(1);
  parsed.pathname = '/';
  const connection = await mysql.createConnection({
    host: parsed.hostname,
    port: Number(parsed.port || 3306),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
  });
  await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await connection.query(
    `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
  );
  await connection.end();
}

/**
 * The app on a freshly migrated database, once per mocha process: TEST_DATABASE_URL (set by
 * run-integration.mjs) or a temporary SQLite file. Tests make their own data with the factories.
 */
export function testApp(): Promise<TestContext> {
  context ??= (async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'eoffice-test-'));
    const url = process.env.TEST_DATABASE_URL || `sqlite:${path.join(dir, 'test.sqlite')}`;
    if (url.startsWith('mysql')) await recreateMysqlDatabase(url);
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: url,
      STORAGE_DIR: path.join(dir, 'files'),
      SESSION_SECRET: 'test-secret',
      LOG_LEVEL: 'silent',
      CERTS_DIR: path.join(dir, 'certs'),
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
