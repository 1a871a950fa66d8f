/**
 * Another checkout's list and search pages against this one's, in one process, alternating, on
 * bench:http's seed: `npx tsx bench/http/list-ab.ts /path/to/other/checkout` (e.g. a
 * `git worktree add /tmp/old <rev>` with this node_modules linked into it). For each case
 * (person, tab, words) it prints the median of BENCH_TIMES (15) reads of the page by each code
 * (listIncoming, as the list page reads it) and whether both found the same total and rows.
 * Side by side in one process, the machine's swings fall on both alike; the load figures of
 * bench:http can't show a change of 10 % on this machine.
 */
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import * as thisDb from '../../src/db/index.js';
import * as thisQueries from '../../src/incoming/incoming.queries.js';
import { User as ThisUser } from '../../src/users/user.model.js';
import { benchDatabaseUrl } from './measure.js';

type Queries = typeof thisQueries;
type Database = typeof thisDb;
type UserModel = typeof ThisUser;

/** [username, tab, words]: bench:http's people of each role, their heavy and common pages. */
const CASES: Array<[string, string, string]> = [
  ['vanthu1', 'toHandle', 'báo cáo tình hình'],
  ['vanthu1', 'toHandle', 'ngan sach'],
  ['vanthu1', 'all', 'quyết định'],
  ['vanthu1', 'toHandle', ''],
  ['chutich', 'done', 'so tai chinh'],
  ['truongphong.p2', 'done', 'UBND'],
  ['truongphong.p2', 'toHandle', ''],
  ['chuyenvien1.p2', 'done', 'báo cáo tình hình'],
  ['chuyenvien1.p2', 'done', ''],
  ['chuyenvien1.p2', 'all', 'ngan sach'],
  ['chuyenvien1.p2', 'all', 'so tai chinh'],
  ['chuyenvien1.p2', 'toHandle', ''],
];

async function main() {
  const other = process.argv[2];
  if (!other) throw new Error('usage: list-ab.ts /path/to/other/checkout');
  const from = (file: string) => import(path.resolve(other, file));
  const otherDb = (await from('src/db/index.js')) as Database;
  const otherQueries = (await from('src/incoming/incoming.queries.js')) as Queries;
  const OtherUser = ((await from('src/users/user.model.js')) as { User: UserModel }).User;
  const url = loadConfig({ ...process.env, DATABASE_URL: benchDatabaseUrl() }).databaseUrl;
  thisDb.openDatabase(url);
  otherDb.openDatabase(url);
  const times = Number(process.env.BENCH_TIMES || 15);
  const median = (list: number[]) => list.sort((a, b) => a - b)[list.length >> 1];
  for (const [username, tab, q] of CASES) {
    const mine = await ThisUser.findOne({ where: { username } });
    const theirs = await OtherUser.findOne({ where: { username } });
    if (!mine || !theirs) continue;
    const query = { tab, q: q || undefined, page: 1 } as never;
    const took = { other: [] as number[], this: [] as number[] };
    const found = { other: '', this: '' };
    for (let i = 0; i < times; i++)
      for (const side of i % 2 ? (['other', 'this'] as const) : (['this', 'other'] as const)) {
        const t0 = performance.now();
        const list =
          side === 'this'
            ? await thisQueries.listIncoming(mine, query)
            : await otherQueries.listIncoming(theirs, query);
        took[side].push(performance.now() - t0);
        found[side] = `${list.total}:${list.rows.map((r) => r.document.id).join(',')}`;
      }
    console.log(
      `${username.padEnd(15)} ${tab.padEnd(9)} ${(q || '(no words)').padEnd(18)} other ${median(took.other).toFixed(1).padStart(6)} ms   this ${median(took.this).toFixed(1).padStart(6)} ms   ${found.other === found.this ? 'same rows' : 'ROWS DIFFER'}`,
    );
  }
  await thisDb.closeDatabase();
  await otherDb.closeDatabase();
}

void main();
