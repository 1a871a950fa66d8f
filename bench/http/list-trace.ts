/**
 * `npx tsx bench/http/list-trace.ts ROLE TAB [WORDS]`: the statements one list page (or search)
 * sends to the database bench:http seeded, with their times, for one person of a role (the
 * first whose list of that tab holds something; `WHO=username` picks one), and how long the
 * list and the search's excerpts took. Run three times; the third is printed. The statements
 * go to the mysql client as they are (`ANALYZE FORMAT=JSON …` says where their time goes).
 *   npx tsx bench/http/list-trace.ts dept_head done 'quyết định'
 *   WHO=chutich npx tsx bench/http/list-trace.ts leader inProgress
 */
import { loadConfig } from '../../src/config.js';
import { closeDatabase, db, openDatabase } from '../../src/db/index.js';
import { listIncoming } from '../../src/incoming/incoming.queries.js';
import type { ListTab } from '../../src/incoming/incoming.schemas.js';
import { searchHighlights } from '../../src/incoming/incoming.search.js';
import { User } from '../../src/users/user.model.js';
import { benchDatabaseUrl } from './measure.js';

async function main() {
  const [role = 'specialist', tab = 'done', q = ''] = process.argv.slice(2);
  openDatabase(
    loadConfig({ ...process.env, DATABASE_URL: benchDatabaseUrl(), LOG_LEVEL: 'silent' })
      .databaseUrl,
  );
  const users = await User.findAll({ where: { isActive: true }, order: [['id', 'ASC']] });
  const query = (page: Record<string, unknown>) => ({ tab, page: 1, ...page }) as never;
  let user = users.find((u) => u.username === process.env.WHO);
  for (const u of users.filter((x) => !user && x.hasRole(role as never))) {
    if ((await listIncoming(u, query({}))).total > 0) {
      user = u;
      break;
    }
  }
  user ??= users.find((u) => u.hasRole(role as never));
  if (!user) throw new Error(`No one with the role ${role}`);
  const log: string[] = [];
  const options = (db() as unknown as { options: Record<string, unknown> }).options;
  options.benchmark = true;
  options.logging = (sql: string, ms?: number) =>
    log.push(`${ms} ms  ${sql.replace(/^Executed \([^)]*\): /, '').replace(/\s+/g, ' ')}`);
  for (let run = 1; run <= 3; run++) {
    log.length = 0;
    const t0 = performance.now();
    const list = await listIncoming(user, query({ tab: tab as ListTab, q }));
    const t1 = performance.now();
    const rows = list.rows.map((r) => ({ id: r.document.id, subject: r.document.subject }));
    await searchHighlights(rows, q);
    const t2 = performance.now();
    if (run === 3) {
      console.log(
        `${user.username} ${list.tab} "${q}": ${list.total} found; list ${(t1 - t0).toFixed(1)} ms, excerpts ${(t2 - t1).toFixed(1)} ms`,
      );
      console.log(log.join('\n\n'));
    }
  }
  await closeDatabase();
}

void main();
