/**
 * `npx tsx bench/http/cpu-profile.ts [list|detail|search|mix]`: where a server's CPU goes under
 * bench:http's load. Runs on the database bench:http seeded (BENCH_DATABASE_URL, kept), starts
 * one server process under `node --cpu-prof`, signs in BENCH_PROFILE_PEOPLE (60) people of every
 * role, loads the chosen requests for BENCH_DURATION s (10) at BENCH_CONNECTIONS (50), stops the
 * server and prints the functions with the most self time and the files with the most total.
 * A path instead of a kind (`/profile`) loads that page for every person; BENCH_PROFILE_ROLES
 * (`dept_head,leader`) takes only people with one of those roles.
 * The .cpuprofile stays in BENCH_PROFILE_DIR (/tmp/eoffice-cpu-prof) for Chrome's DevTools.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { closeDatabase, openDatabase } from '../../src/db/index.js';
import { ROOT_DIR } from '../../src/paths.js';
import { User } from '../../src/users/user.model.js';
import { benchDatabaseUrl, measure, startServer } from './measure.js';
import { entriesOf, mixedEntries, signIn } from './people.js';
import { BENCH_PASSWORD } from './seed.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

const env = process.env;
const kind = process.argv[2] ?? 'detail';
const dir = env.BENCH_PROFILE_DIR || '/tmp/eoffice-cpu-prof';

async function main() {
  const url = benchDatabaseUrl();
  const serverEnv = {
    NODE_ENV: 'production',
    DATABASE_URL: url,
    STORAGE_DIR: env.BENCH_STORAGE_DIR || './data/bench-files',
    SESSION_SECRET: 'bench-session-secret',
    LOG_LEVEL: 'silent',
    BASE_URL: 'http://127.0.0.1',
    DAILY_REMINDER_AT: '',
    WEB_CONCURRENCY: '1',
  };
  openDatabase(loadConfig(serverEnv).databaseUrl);
  const all = (await User.findAll({ order: [['id', 'ASC']] })).filter(
    (u) => !u.roleList().includes('admin'),
  );
  await closeDatabase();
  const want = Number(env.BENCH_PROFILE_PEOPLE || 60);
  // BENCH_PROFILE_ROLES (e.g. dept_head,leader): only people with one of these roles.
  const roles = env.BENCH_PROFILE_ROLES?.split(',').filter(Boolean);
  const some = roles
    ? all.filter((u) => roles.some((r) => u.roleList().includes(r as never)))
    : all;
  const picked = some.filter((_, i) => i % Math.max(1, Math.floor(some.length / want)) === 0);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // As npm start runs it (the young generation it sets).
  const server = await startServer(path.join(ROOT_DIR, 'src', 'server.ts'), serverEnv, '/login', [
    '--max-semi-space-size=64',
    '--cpu-prof',
    `--cpu-prof-dir=${dir}`,
  ]);
  try {
    const people = await signIn(
      server.url,
      picked.map((u) => ({ username: u.username, role: u.roleList()[0] })),
      BENCH_PASSWORD,
      4,
    );
    const entries =
      kind === 'mix'
        ? mixedEntries(people)
        : kind.startsWith('/')
          ? people.map((p) => ({ kind: 'path', path: kind, cookie: p.cookie, who: p.role }))
          : entriesOf(kind, people);
    const m = await measure(
      server.url,
      entries,
      server.pid,
      Number(env.BENCH_CONNECTIONS || 50),
      Number(env.BENCH_DURATION || 10),
      3,
    );
    console.log(
      `${kind}: ${m.requestsPerSec.toFixed(0)} req/s, CPU ${m.cpuMsPerRequest.toFixed(2)} ms/req` +
        (m.dbCpuMsPerRequest === null ? ', ' : ` (database ${m.dbCpuMsPerRequest.toFixed(2)}), `) +
        Object.entries(m.kinds)
          .map(([k, f]) => `${k} p95 ${f.p95.toFixed(1)} ms (${f.failed} failed)`)
          .join(', '),
    );
    for (const [k, f] of Object.entries(m.kinds))
      for (const s of f.slowest)
        console.log(
          `  ${k} at or above p95: ${(s.ofSlow * 100).toFixed(0).padStart(3)}% ${s.shape} (${(s.ofAll * 100).toFixed(0)}% of all)`,
        );
  } finally {
    await server.stop();
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`No profile in ${dir}`);
  summarise(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
  console.log(`\nProfile: ${path.join(dir, file)}`);
}

function summarise(profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }) {
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const label = (n: ProfileNode) =>
    `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/work\/main\//, '')}:${n.callFrame.lineNumber + 1}`;
  const selfBy = new Map<string, number>();
  for (const [id, t] of self) {
    const key = label(byId.get(id)!);
    selfBy.set(key, (selfBy.get(key) ?? 0) + t);
  }
  // Inclusive time by source file: each sample counted once per file on its stack.
  const inclusive = new Map<string, number>();
  for (const [id, t] of self) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const fileUrl = byId.get(at)!.callFrame.url.replace(/^.*\/work\/main\//, '');
      const key = fileUrl.startsWith('node_modules/')
        ? fileUrl
            .split('/')
            .slice(0, fileUrl.includes('/@') ? 3 : 2)
            .join('/')
        : fileUrl || '(native)';
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + t);
    }
  }
  const pct = (t: number) => `${((t / total) * 100).toFixed(1).padStart(5)}%`;
  console.log(`\nSelf time (top 30 of ${(total / 1e6).toFixed(1)} s sampled):`);
  for (const [k, t] of [...selfBy].sort((a, b) => b[1] - a[1]).slice(0, 30))
    console.log(`  ${pct(t)}  ${k}`);
  console.log('\nTotal time by file (top 30):');
  for (const [k, t] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, 30))
    console.log(`  ${pct(t)}  ${k}`);
  // System calls are dear on this VM: whose socket writes (the database's statements, the HTTP
  // answers) the samples in writeBuffer/writev were, by the nearest caller in our code or a driver.
  const writes = new Map<string, number>();
  for (const [id, t] of self) {
    if (!['writeBuffer', 'writev'].includes(byId.get(id)!.callFrame.functionName)) continue;
    let caller = '(other)';
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const url = byId.get(at)!.callFrame.url;
      if (/node:_http_outgoing/.test(url) || (/\/src\//.test(url) && !/node_modules/.test(url))) {
        caller = label(byId.get(at)!);
        break;
      }
    }
    writes.set(caller, (writes.get(caller) ?? 0) + t);
  }
  console.log('\nSocket writes by caller:');
  for (const [k, t] of [...writes].sort((a, b) => b[1] - a[1]).slice(0, 10))
    console.log(`  ${pct(t)}  ${k}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
