/**
 * Times each of bench:http's searches for one person of each role, one request at a time, on
 * the database bench:http seeded: `npx tsx bench/http/search-times.ts`. Shows which searches
 * (word × list) cost the most, which the load figures can't: the lists bench:http searches
 * ("all", "done") and a work queue ("to handle": a clerk's holds thousands of documents, which
 * the load does not search). Each line: what the list page
 * reads (its count stops at the bound: "> 1000") and its median time of 3, then the plain
 * definition (every match counted, as the export reads them) and its time, side by side.
 */
import { closeDatabase, openDatabase } from '../../src/db/index.js';
import { loadConfig } from '../../src/config.js';
import { listIncoming } from '../../src/incoming/incoming.queries.js';
import { searchLimits, setSearchLimits } from '../../src/incoming/incoming.search.js';
import { User } from '../../src/users/user.model.js';
import { SEARCHES } from './people.js';

async function main() {
  // BENCH_COUNT_BOUND: what the list pages would cost with another bound on their counts.
  if (process.env.BENCH_COUNT_BOUND)
    setSearchLimits({ countBound: Number(process.env.BENCH_COUNT_BOUND) });
  const url = process.env.BENCH_DATABASE_URL || 'mysql://root@127.0.0.1:3306/eoffice_bench_http';
  openDatabase(loadConfig({ ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent' }).databaseUrl);
  const users = await User.findAll({ where: { isActive: true }, order: [['id', 'ASC']] });
  // Per role, the first person whose "done" list holds something (the first ones may have none).
  const people: [string, User][] = [];
  for (const role of ['clerk', 'leader', 'dept_head', 'specialist']) {
    for (const user of users.filter((u) => u.hasRole(role as never))) {
      const done = await listIncoming(user, { tab: 'done', page: 1 } as never);
      if (done.total > 0) {
        people.push([role, user]);
        break;
      }
    }
  }
  for (const [role, user] of people)
    for (const tab of ['all', 'done', 'toHandle'] as const)
      for (const q of SEARCHES) {
        const timed = async (exactTotal: boolean) => {
          const times: number[] = [];
          let total = 0;
          for (let i = 0; i < 3; i++) {
            const t0 = performance.now();
            const list = await listIncoming(user, { tab, q, page: 1 } as never, { exactTotal });
            times.push(performance.now() - t0);
            total = list.total;
          }
          times.sort((a, b) => a - b);
          const found =
            !exactTotal && total > searchLimits.countBound ? `> ${searchLimits.countBound}` : total;
          return `${String(found).padStart(6)} found ${times[1].toFixed(1).padStart(7)} ms`;
        };
        const page = await timed(false);
        const plain = await timed(true);
        console.log(
          `${role.padEnd(10)} ${tab.padEnd(4)} ${q.padEnd(20)} ${page}   plain: ${plain}`,
        );
      }
  await closeDatabase();
}

void main();
