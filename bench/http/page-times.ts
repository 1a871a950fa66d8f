/**
 * Times any page for a person of each role on bench:http's seed, one request at a time, through
 * the whole stack (session, policy, the page's reads, rendering): `npx tsx bench/http/page-times.ts
 * [path]` (default `/`, the dashboard everyone opens first). Per person: the median of
 * BENCH_TIMES (7) requests and the page's slowest statements (one more request, logged), to find
 * a page that walks the agency. BENCH_PEOPLE (a comma-separated list of usernames) picks others
 * than the first clerk, leader, head and specialist.
 */
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { closeDatabase, db, openDatabase } from '../../src/db/index.js';
import { configureFileStorage } from '../../src/files/file-storage.service.js';
import { User } from '../../src/users/user.model.js';
import { benchDatabaseUrl } from './measure.js';
import { login } from './people.js';
import { BENCH_PASSWORD } from './seed.js';

interface Logged {
  options: { benchmark: boolean; logging: false | ((sql: string, ms?: number) => void) };
}

async function main() {
  const env = process.env;
  const path = process.argv[2] ?? '/';
  const times = Number(env.BENCH_TIMES || 7);
  const storage = env.BENCH_STORAGE_DIR || './data/bench-files';
  const config = loadConfig({
    ...env,
    NODE_ENV: 'production',
    DATABASE_URL: benchDatabaseUrl(),
    STORAGE_DIR: storage,
    SESSION_SECRET: 'bench-session-secret',
    LOG_LEVEL: 'silent',
    BASE_URL: 'http://127.0.0.1',
    DAILY_REMINDER_AT: '',
  });
  openDatabase(config.databaseUrl);
  configureFileStorage(storage);
  const users = await User.findAll({ where: { isActive: true }, order: [['id', 'ASC']] });
  const named = env.BENCH_PEOPLE?.split(',').filter(Boolean);
  const people = named
    ? users.filter((u) => named.includes(u.username))
    : ['clerk', 'leader', 'dept_head', 'specialist']
        .map((role) => users.find((u) => u.hasRole(role as never)))
        .filter((u): u is User => u !== undefined);
  const server = createApp({ config }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sequelize = db() as unknown as Logged;
  try {
    for (const person of people) {
      const cookie = await login(base, person.username, BENCH_PASSWORD);
      const get = async () => {
        const res = await fetch(base + path, { headers: { cookie } });
        await res.text();
        return res.status;
      };
      const took: number[] = [];
      let status = 0;
      for (let i = 0; i < times; i++) {
        const t0 = performance.now();
        status = await get();
        took.push(performance.now() - t0);
      }
      const statements: { sql: string; ms: number }[] = [];
      sequelize.options.benchmark = true;
      sequelize.options.logging = (sql, ms) =>
        statements.push({ sql: sql.replace(/^Executed \([^)]*\): /, ''), ms: ms ?? 0 });
      await get();
      sequelize.options.logging = false;
      sequelize.options.benchmark = false;
      took.sort((a, b) => a - b);
      console.log(
        `${person.roleList().join(',').padEnd(12)} ${person.username.padEnd(18)} ${path} HTTP ${status}: median ${took[took.length >> 1].toFixed(1)} ms of ${times}; ${statements.length} statements, the slowest:`,
      );
      for (const s of statements.sort((a, b) => b.ms - a.ms).slice(0, Number(env.BENCH_STATEMENTS ?? 3)))
        console.log(
          `    ${String(s.ms).padStart(4)} ms  ${s.sql.replace(/\s+/g, ' ').slice(0, 140)}`,
        );
    }
  } finally {
    server.close();
    await closeDatabase();
  }
}

void main();
