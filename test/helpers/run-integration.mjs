// Runs the integration suite once per database: embedded SQLite and MariaDB/MySQL over a real
// connection. In CI a database that cannot be reached fails the run; it is never skipped.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const mysqlUrl = process.env.TEST_MYSQL_URL || 'mysql://root@127.0.0.1:3306/eoffice_test';
const only = process.env.TEST_DB; // 'sqlite' or 'mysql' to run one
const extra = process.argv.slice(2);
const spec = extra.length ? extra : ['test/integration/**/*.test.ts'];

const targets = [];
if (!only || only === 'sqlite') {
  const dir = mkdtempSync(path.join(tmpdir(), 'eoffice-it-'));
  targets.push({
    name: 'sqlite',
    url: `sqlite:${path.join(dir, 'test.sqlite')}`,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  });
}
if (!only || only === 'mysql') targets.push({ name: 'mysql', url: mysqlUrl, cleanup: () => {} });

let failed = false;
for (const target of targets) {
  console.log(
    `\n=== Integration suite on ${target.name} (${target.url.replace(/\/\/[^@]*@/, '//***@')}) ===`,
  );
  const result = spawnSync('npx', ['mocha', ...spec], {
    stdio: 'inherit',
    env: {
      ...process.env,
      NODE_ENV: 'test',
      TEST_DATABASE_URL: target.url,
      TEST_DB_NAME: target.name,
    },
  });
  target.cleanup();
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
