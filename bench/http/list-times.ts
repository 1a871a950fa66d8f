/**
 * Times each person's list without words on bench:http's seed, one request at a time:
 * `npx tsx bench/http/list-times.ts [tab…]` (default: toHandle all, bench:http's list pages).
 * Per tab and role: the median and worst person (median of 3 runs each) of the list page
 * (counted up to the bound) and, beside it, of the plain definition (every document counted,
 * as the export and the API read them), so the heavy minority (clerks, leaders, heads) shows.
 */
import { closeDatabase, openDatabase } from '../../src/db/index.js';
import { loadConfig } from '../../src/config.js';
import { listIncoming } from '../../src/incoming/incoming.queries.js';
import type { ListTab } from '../../src/incoming/incoming.schemas.js';
import { User } from '../../src/users/user.model.js';

async function main() {
  const url = process.env.BENCH_DATABASE_URL || 'mysql://root@127.0.0.1:3306/eoffice_bench_http';
  openDatabase(loadConfig({ ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent' }).databaseUrl);
  const tabs = (
    process.argv.slice(2).length ? process.argv.slice(2) : ['toHandle', 'all']
  ) as ListTab[];
  const users = (await User.findAll({ where: { isActive: true }, order: [['id', 'ASC']] })).filter(
    (u) => !u.hasRole('admin'),
  );
  type Timed = { role: string; who: string; tab: string; ms: number; plain: number; total: number };
  const rows: Timed[] = [];
  const median = async (user: User, tab: ListTab, exactTotal: boolean) => {
    const times: number[] = [];
    let total = 0;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      total = (await listIncoming(user, { tab, page: 1 } as never, { exactTotal })).total;
      times.push(performance.now() - t0);
    }
    return { ms: times.sort((a, b) => a - b)[1], total };
  };
  for (const user of users)
    for (const tab of tabs) {
      const page = await median(user, tab, false);
      const plain = await median(user, tab, true);
      const role = user.roleList()[0];
      rows.push({
        role,
        who: user.username,
        tab,
        ms: page.ms,
        plain: plain.ms,
        total: plain.total,
      });
    }
  const ms = (n: number) => `${n.toFixed(1).padStart(6)} ms`;
  for (const tab of tabs)
    for (const role of ['clerk', 'leader', 'dept_head', 'specialist']) {
      const of = rows.filter((r) => r.tab === tab && r.role === role);
      if (!of.length) continue;
      const worst = (key: 'ms' | 'plain') => of.reduce((a, b) => (b[key] > a[key] ? b : a));
      const mid = (key: 'ms' | 'plain') =>
        of.map((r) => r[key]).sort((a, b) => a - b)[of.length >> 1];
      const w = worst('ms');
      const wp = worst('plain');
      console.log(
        `${tab.padEnd(9)} ${role.padEnd(10)} ${String(of.length).padStart(3)} people  page: median ${ms(mid('ms'))} worst ${ms(w.ms)} (${w.who}, ${w.total})   plain: median ${ms(mid('plain'))} worst ${ms(wp.plain)} (${wp.who}, ${wp.total})`,
      );
    }
  await closeDatabase();
}

void main();
