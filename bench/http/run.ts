/**
 * `npm run bench:http`: the incoming pages loaded as an agency uses them.
 *
 * Seeds BENCH_DOCS (100,000) incoming documents and BENCH_USERS (200) people of every role and
 * department (seed.ts), starts the server as it is deployed (src/server.ts, BENCH_WORKERS = 2
 * processes in a cluster) and the bare route: Express + Handlebars with the same engine, helpers
 * and layout rendering the list page's template with data captured from a real request, from
 * memory, with the same process count (bare-server.ts; the ceiling of the stack). See README.md.
 *
 * Every person signs in through the login form (a session each) and finds their documents as they
 * would (people.ts). Then, with registrations, presentations and directions posted through the
 * forms every BENCH_WRITE_EVERY_MS (2,000 ms) during every run of the real servers:
 *   1. the day's mix: lists, document pages, searches and files, 10 requests in
 *      4/3/2/1 proportion from every person in turn, BENCH_CONNECTIONS (50) at a time;
 *   2. each of the list, the detail page and search alone, and the bare route,
 *      in turn, BENCH_ROUNDS (2) times: throughput, p50/p95/p99, the servers' CPU per request and
 *      the ratio to the bare route measured in the same round (medians over rounds).
 * Each run lasts BENCH_DURATION s (10) after a warm-up of BENCH_WARMUP s (3); each server is
 * loaded BENCH_SERVER_WARMUP s (15) with the mix before anything is measured.
 *
 * Environment: BENCH_DATABASE_URL (default eoffice_bench_http on this machine's MariaDB, through
 * its Unix socket when there is one, else 127.0.0.1:3306; sqlite:./data/bench.sqlite for SQLite), BENCH_DOCS, BENCH_USERS, BENCH_DURATION,
 * BENCH_CONNECTIONS, BENCH_WORKERS, BENCH_ROUNDS, BENCH_WRITE_EVERY_MS, BENCH_REUSE=1 (keep an
 * already seeded database), BENCH_OUTPUT (write the figures as JSON to this file), BENCH_PROFILE=1
 * (the queries of one request of each page). The database is dropped and recreated, so its name
 * must contain "bench" (BENCH_FORCE=1 overrides).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { closeDatabase, db, openDatabase } from '../../src/db/index.js';
import { migrate } from '../../src/db/migrator.js';
import { recreateDatabase } from '../../src/db/recreate.js';
import { configureFileStorage } from '../../src/files/file-storage.service.js';
import { IncomingDocument } from '../../src/incoming/incoming.model.js';
import { Department } from '../../src/agencies/agency.model.js';
import { ROOT_DIR } from '../../src/paths.js';
import { User } from '../../src/users/user.model.js';
import { samplePdf } from '../../src/demo/sample-pdf.js';
import { BENCH_PASSWORD, seedBench } from './seed.js';
import {
  entriesOf,
  login,
  mixedEntries,
  signIn,
  startWriters,
  type Person,
  type WriteFigures,
} from './people.js';
import {
  benchDatabaseUrl,
  explainSlow,
  measure,
  profile,
  startServer,
  type Entry,
  type KindFigures,
  type Measured,
  type Served,
} from './measure.js';

const env = process.env;
const DOCS = Number(env.BENCH_DOCS || 100_000);
const USERS = Math.max(1, Number(env.BENCH_USERS || 200));
const DURATION = Number(env.BENCH_DURATION || 10);
const CONNECTIONS = Number(env.BENCH_CONNECTIONS || 50);
const WARMUP = Number(env.BENCH_WARMUP || 3);
const SERVER_WARMUP = Number(env.BENCH_SERVER_WARMUP || 15);
const ROUNDS = Math.max(1, Number(env.BENCH_ROUNDS || 2));
const WORKERS = Math.max(1, Number(env.BENCH_WORKERS || 2));
const WRITE_EVERY_MS = Number(env.BENCH_WRITE_EVERY_MS || 2000);
// MariaDB's CPU is read from /proc when the app uses it (an embedded SQLite counts in the app's).
const DB_CPU = !(env.BENCH_DATABASE_URL ?? '').startsWith('sqlite:');
const ALL_ROUTES = ['list', 'detail', 'search'] as const;
// BENCH_ROUTES=detail (or list,search): each route alone for these only, to compare one change fast.
const ROUTES = env.BENCH_ROUTES
  ? ALL_ROUTES.filter((r) => env.BENCH_ROUTES!.split(',').includes(r))
  : ALL_ROUTES;
const P95_TARGET_MS = 100;
const DETAIL_RATIO_TARGET = 0.4;
const log = (s: string) => console.log(s);

function listen(app: Express): Promise<{ url: string; close: () => Promise<void> }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

/** The list page's template and data, captured from a real request by wrapping res.render. */
async function captureListRender(
  app: Express,
  cookie: string,
): Promise<{ view: string; data: Record<string, unknown> }> {
  let captured: { view: string; data: Record<string, unknown> } | null = null;
  const outer = express();
  outer.use((_req, res, next) => {
    const render = res.render.bind(res);
    res.render = ((view: string, options?: object, cb?: never) => {
      captured = { view, data: { ...res.locals, ...(options ?? {}) } };
      return render(view, options as object, cb);
    }) as typeof res.render;
    next();
  });
  outer.use(app);
  const server = await listen(outer);
  await (await fetch(`${server.url}/incoming`, { headers: { cookie } })).text();
  await server.close();
  if (!captured) throw new Error('The list page did not render a template');
  return captured;
}

const ms = (v: number | null | undefined) =>
  (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(1) : 'n/a').padStart(8);

/** Each figure's median over rounds (counts summed). */
function medianOf(rounds: KindFigures[]): KindFigures {
  const median = (pick: (m: KindFigures) => number) => {
    const sorted = rounds.map(pick).sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  return {
    total: rounds.reduce((s, m) => s + m.total, 0),
    failed: rounds.reduce((s, m) => s + m.failed, 0),
    failures: rounds.flatMap((m) => m.failures).slice(0, 3),
    bytes: rounds.reduce((s, m) => s + m.bytes, 0),
    slowest: rounds[0]?.slowest ?? [],
    requestsPerSec: median((m) => m.requestsPerSec),
    p50: median((m) => m.p50),
    p95: median((m) => m.p95),
    p99: median((m) => m.p99),
    mean: median((m) => m.mean),
  };
}

interface Row {
  route: string;
  server: string;
  figures: KindFigures;
  cpuMsPerRequest: number | null;
  /** MariaDB's CPU time per request (the same machine's database server). */
  dbCpuMsPerRequest: number | null;
  ofBare: number | null;
}

function printRows(title: string, rows: Row[]): void {
  log(`\n${title}`);
  log(
    `${'route'.padEnd(10)}${'server'.padEnd(10)}${'req/s'.padStart(8)}${'p50 ms'.padStart(8)}${'p95 ms'.padStart(8)}${'p99 ms'.padStart(8)}${'failed'.padStart(8)}${'CPU ms/req'.padStart(12)}${'DB ms/req'.padStart(11)}${'of bare'.padStart(9)}`,
  );
  for (const r of rows)
    log(
      `${r.route.padEnd(10)}${r.server.padEnd(10)}${r.figures.requestsPerSec.toFixed(0).padStart(8)}${ms(r.figures.p50)}${ms(r.figures.p95)}${ms(r.figures.p99)}${String(r.figures.failed).padStart(8)}${(r.cpuMsPerRequest === null ? '' : r.cpuMsPerRequest.toFixed(2)).padStart(12)}${(r.dbCpuMsPerRequest === null ? '' : r.dbCpuMsPerRequest.toFixed(2)).padStart(11)}${(r.ofBare === null ? '' : `${(r.ofBare * 100).toFixed(1)}%`).padStart(9)}`,
    );
  for (const r of rows)
    for (const f of r.figures.failures) log(`  failed ${r.route} (${r.server}): ${f}`);
}

async function prepareDatabase(target: string, storageDir: string) {
  let sequelize = openDatabase(target);
  const people = await User.count().catch(() => 0);
  const reuse =
    env.BENCH_REUSE === '1' &&
    (await IncomingDocument.count().catch(() => 0)) >= DOCS &&
    people >= USERS;
  if (reuse) {
    await migrate(sequelize);
    configureFileStorage(storageDir);
    log('Reusing the seeded database (BENCH_REUSE=1)');
    return;
  }
  await closeDatabase();
  await recreateDatabase(target);
  rmSync(storageDir, { recursive: true, force: true });
  sequelize = openDatabase(target);
  await migrate(sequelize);
  configureFileStorage(storageDir);
  log('Seeding…');
  const seeded = await seedBench(sequelize, DOCS, USERS, log);
  log(
    `Seeded ${seeded.users} people, ${seeded.documents} documents, ${seeded.assignments} assignments, ${seeded.events} trail events, ${seeded.texts} file texts in ${seeded.seconds.toFixed(1)} s`,
  );
  // Fresh statistics, as a production database that grew over time would have.
  if (sequelize.getDialect() === 'mysql') {
    await sequelize.query(
      'ANALYZE TABLE incoming_documents, incoming_assignments, document_events, document_files, document_texts, incoming_search_terms, users, notifications',
    );
  } else {
    await sequelize.query('ANALYZE');
  }
}

/**
 * MariaDB's buffer pool beside the data it serves: Debian's default (128 MB) holds a fraction of
 * a seeded agency, and every read past it goes to the disk. BENCH_DB_BUFFER_POOL_MB sets it for
 * the run (SET GLOBAL: until MariaDB restarts), as an agency's server would be configured.
 */
async function reportBufferPool(say: (s: string) => void): Promise<void> {
  const sequelize = db();
  const wanted = Number(env.BENCH_DB_BUFFER_POOL_MB || 0);
  if (wanted > 0)
    await sequelize.query(`SET GLOBAL innodb_buffer_pool_size = ${Math.round(wanted) * 1048576}`);
  const [[pool]] = (await sequelize.query("SHOW VARIABLES LIKE 'innodb_buffer_pool_size'")) as [
    { Value: string }[],
    unknown,
  ];
  const [[size]] = (await sequelize.query(
    'SELECT SUM(data_length + index_length) AS bytes FROM information_schema.tables WHERE table_schema = DATABASE()',
  )) as [{ bytes: string | number }[], unknown];
  const mb = (bytes: unknown) => Math.round(Number(bytes) / 1048576);
  say(
    `MariaDB buffer pool ${mb(pool.Value)} MB for ${mb(size.bytes)} MB of data and indexes` +
      (Number(pool.Value) < Number(size.bytes)
        ? ' (smaller: reads past it go to the disk; BENCH_DB_BUFFER_POOL_MB sets it)'
        : ''),
  );
}

async function main(): Promise<void> {
  const url = benchDatabaseUrl();
  const serverEnv = {
    NODE_ENV: 'production',
    DATABASE_URL: url,
    STORAGE_DIR: env.BENCH_STORAGE_DIR || './data/bench-files',
    SESSION_SECRET: 'bench-session-secret',
    LOG_LEVEL: 'silent',
    BASE_URL: 'http://127.0.0.1',
    DAILY_REMINDER_AT: '',
    WEB_CONCURRENCY: String(WORKERS),
  };
  const config = loadConfig(serverEnv);
  const target = config.databaseUrl;
  if (!/bench/i.test(target) && env.BENCH_FORCE !== '1')
    throw new Error(`Refusing to recreate ${target}: its name must contain "bench"`);
  const dialect = target.startsWith('sqlite:') ? 'SQLite' : 'MariaDB';
  log(
    `bench:http on ${dialect} (${target.replace(/\/\/[^@]*@/, '//***@')}), ${DOCS} documents, ${USERS}+ people, ${CONNECTIONS} connections, ${DURATION} s per run, ${WORKERS} server process(es), a registration + presentation + direction every ${WRITE_EVERY_MS} ms`,
  );
  await prepareDatabase(target, config.storageDir);
  if (dialect === 'MariaDB') await reportBufferPool(log);

  const everyone = (await User.findAll({ order: [['id', 'ASC']] })).filter(
    (u) => u.isActive !== false && !u.roleList().includes('admin'),
  );
  const roleOf = (u: User) => u.roleList()[0] ?? 'none';
  const departments = await Department.findAll({ order: [['id', 'ASC']] });

  // In this process: the list page's render data for the bare route, and (BENCH_PROFILE) the
  // queries of one request of each page.
  const sample =
    everyone.find((u) => roleOf(u) === 'specialist' && u.username.endsWith('.p2')) ??
    everyone.find((u) => roleOf(u) === 'specialist') ??
    everyone[0];
  const app = createApp({ config });
  const local = await listen(app);
  const sampleCookie = await login(local.url, sample.username, BENCH_PASSWORD);
  const queries: { sql: string; ms: number }[][] = [];
  if (env.BENCH_PROFILE === '1') {
    const listHtml = await (
      await fetch(`${local.url}/incoming`, { headers: { cookie: sampleCookie } })
    ).text();
    const firstId = /href="\/incoming\/(\d+)"/.exec(listHtml)?.[1];
    for (const p of ['/incoming', `/incoming/${firstId}`, '/incoming?tab=all&q=ngan%20sach'])
      queries.push(await profile(`Profile GET ${p}`, local.url + p, sampleCookie, log));
  }
  const { view, data } = await captureListRender(createApp({ config }), sampleCookie);
  await local.close();
  const pageFile = path.join(tmpdir(), `eoffice-bench-page-${process.pid}.json`);
  writeFileSync(pageFile, JSON.stringify({ view, data }));

  const serverScript = path.join(ROOT_DIR, 'src', 'server.ts');
  const servers: [string, Served][] = [];
  let bare: Served | null = null;
  // Interrupted: the servers this run started stop with it.
  const interrupted = () =>
    void Promise.all([...servers.map(([, s]) => s.stop()), bare?.stop()]).finally(() =>
      process.exit(130),
    );
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  try {
    servers.push(['app', await startServer(serverScript, serverEnv, '/login')]);
    bare = await startServer(fileURLToPath(new URL('./bare-server.ts', import.meta.url)), {
      WEB_CONCURRENCY: String(WORKERS),
      BARE_PAGE: pageFile,
    });
    // Sessions live in the database: one sign-in serves every server.
    const t0 = Date.now();
    const people = await signIn(
      servers[0][1].url,
      everyone.map((u) => ({ username: u.username, role: roleOf(u) })),
      BENCH_PASSWORD,
    );
    const byRole = new Map<string, number>();
    for (const p of people) byRole.set(p.role, (byRole.get(p.role) ?? 0) + 1);
    log(
      `Signed in ${people.length} people, one session each, in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${[...byRole].map(([r, n]) => `${n} ${r}`).join(', ')}; ${departments.length} departments; ${people.filter((p) => p.documentIds.length).length} with documents in their list`,
    );
    const result = await runPhases(servers, bare, people, everyone, departments, serverEnv);
    report(result, dialect);
    if (env.BENCH_OUTPUT) writeFileSync(env.BENCH_OUTPUT, JSON.stringify(result, null, 2));
    if (env.BENCH_PROFILE === '1') for (const q of queries) await explainSlow(q, log);
  } finally {
    await Promise.all([...servers.map(([, s]) => s.stop()), bare?.stop()]);
    rmSync(pageFile, { force: true });
  }
}

interface Result {
  people: number;
  roles: Record<string, number>;
  workers: number;
  connections: number;
  documents: number;
  mixed: Row[];
  routes: Row[];
  writes: Record<string, Omit<WriteFigures, 'latencies'> & { p95: number; perSecond: number }>;
  loadAverage: number[];
  cpus: number;
}

async function runPhases(
  servers: [string, Served][],
  bare: Served,
  people: Person[],
  everyone: User[],
  departments: Department[],
  serverEnv: Record<string, string>,
): Promise<Result> {
  const clerks = people.filter((p) => p.role === 'clerk');
  const leaders = people.filter((p) => p.role === 'leader');
  const pdf = await samplePdf({
    issuer: 'Sở Tài chính tỉnh Hà Tĩnh',
    notation: '1/STC',
    title: 'Công văn',
    subject: 'V/v đề nghị báo cáo số liệu',
  });
  const writerSetup = {
    clerks,
    leaders,
    leaderIds: new Map(everyone.map((u) => [u.username, u.id])),
    departmentIds: departments.filter((d) => d.abbreviation !== 'VP').map((d) => d.id),
    pdf,
  };
  const writes = new Map<string, WriteFigures[]>();
  const writeSeconds = new Map<string, number>();
  /** A run on a real server, with the writers posting to it meanwhile. */
  const withWrites = async <T>(name: string, server: Served, run: () => Promise<T>) => {
    const t0 = performance.now();
    const writers =
      clerks.length && leaders.length
        ? startWriters(server.url, writerSetup, WRITE_EVERY_MS)
        : null;
    try {
      return await run();
    } finally {
      if (writers) {
        writes.set(name, [...(writes.get(name) ?? []), await writers.stop()]);
        writeSeconds.set(name, (writeSeconds.get(name) ?? 0) + (performance.now() - t0) / 1000);
      }
    }
  };
  const mix = mixedEntries(people);
  log(`Warming the servers up (${SERVER_WARMUP} s each with the mix)…`);
  for (const [name, server] of servers)
    await withWrites(name, server, () =>
      measure(server.url, mix, server.pid, CONNECTIONS, SERVER_WARMUP, 0, DB_CPU),
    );
  await measure(
    bare.url,
    [{ kind: 'bare', path: '/' }],
    bare.pid,
    CONNECTIONS,
    SERVER_WARMUP / 3,
    0,
    false,
  );

  const mixed: Row[] = [];
  for (const [name, server] of servers) {
    const m = await withWrites(name, server, () =>
      measure(server.url, mix, server.pid, CONNECTIONS, DURATION, WARMUP, DB_CPU),
    );
    log(
      `mix on ${name}: ${m.requestsPerSec.toFixed(0)} req/s, CPU ${m.cpuMsPerRequest.toFixed(2)} ms/req`,
    );
    for (const kind of ['list', 'detail', 'search', 'file'])
      if (m.kinds[kind])
        mixed.push({
          route: kind,
          server: name,
          figures: m.kinds[kind],
          cpuMsPerRequest: null,
          dbCpuMsPerRequest: null,
          ofBare: null,
        });
  }

  const plans: Record<string, Entry[]> = Object.fromEntries(
    ROUTES.map((r) => [r, entriesOf(r, people)]),
  );
  const rounds = new Map<
    string,
    { figures: KindFigures[]; cpu: number[]; dbCpu: number[]; ratio: number[] }
  >();
  const keep = (key: string, m: Measured, kind: string, bareRate: number | null) => {
    const entry = rounds.get(key) ?? { figures: [], cpu: [], dbCpu: [], ratio: [] };
    entry.figures.push(m.kinds[kind]);
    entry.cpu.push(m.cpuMsPerRequest);
    if (m.dbCpuMsPerRequest !== null) entry.dbCpu.push(m.dbCpuMsPerRequest);
    if (bareRate) entry.ratio.push(m.kinds[kind].requestsPerSec / bareRate);
    rounds.set(key, entry);
  };
  const pct = (share: number) => `${(share * 100).toFixed(0)}%`;
  for (let round = 0; round < ROUNDS; round++) {
    log(`Round ${round + 1} of ${ROUNDS}: the bare route, then each route on each server`);
    const b = await measure(
      bare.url,
      [{ kind: 'bare', path: '/' }],
      bare.pid,
      CONNECTIONS,
      DURATION,
      WARMUP,
      false,
    );
    keep('bare|', b, 'bare', null);
    for (const route of ROUTES)
      for (const [name, server] of servers) {
        const m = await withWrites(name, server, () =>
          measure(server.url, plans[route], server.pid, CONNECTIONS, DURATION, WARMUP, DB_CPU),
        );
        keep(`${route}|${name}`, m, route, b.kinds.bare.requestsPerSec);
        const slow = m.kinds[route]?.slowest ?? [];
        if (slow.length)
          log(
            `  ${route} on ${name}, at or above its p95: ` +
              slow
                .slice(0, 4)
                .map((x) => `${pct(x.ofSlow)} ${x.shape} (${pct(x.ofAll)} of all)`)
                .join('; '),
          );
      }
  }
  const median = (v: number[]) => {
    const s = [...v].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length ? (s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2) : NaN;
  };
  const routes: Row[] = [...rounds].map(([key, r]) => {
    const [route, server] = key.split('|');
    return {
      route,
      server,
      figures: medianOf(r.figures),
      cpuMsPerRequest: median(r.cpu),
      dbCpuMsPerRequest: r.dbCpu.length ? median(r.dbCpu) : null,
      ofBare: r.ratio.length ? median(r.ratio) : null,
    };
  });
  const roles: Record<string, number> = {};
  for (const p of people) roles[p.role] = (roles[p.role] ?? 0) + 1;
  return {
    people: people.length,
    roles,
    workers: Number(serverEnv.WEB_CONCURRENCY),
    connections: CONNECTIONS,
    documents: DOCS,
    mixed,
    routes,
    writes: Object.fromEntries(
      [...writes].map(([name, list]) => {
        const latencies = list.flatMap((w) => w.latencies).sort((a, b) => a - b);
        const sum = (pick: (w: WriteFigures) => number) => list.reduce((s, w) => s + pick(w), 0);
        return [
          name,
          {
            registered: sum((w) => w.registered),
            presented: sum((w) => w.presented),
            directed: sum((w) => w.directed),
            failed: sum((w) => w.failed),
            failures: list.flatMap((w) => w.failures).slice(0, 5),
            p95: latencies[Math.max(0, Math.ceil(latencies.length * 0.95) - 1)] ?? NaN,
            perSecond: latencies.length / (writeSeconds.get(name) || 1),
          },
        ];
      }),
    ),
    loadAverage: loadavg(),
    cpus: cpus().length,
  };
}

function report(result: Result, dialect: string): void {
  printRows(
    `The day's mix (4 lists, 3 document pages, 2 searches, 1 file of every 10 requests), ${result.connections} connections:`,
    result.mixed,
  );
  printRows(
    `Each route alone, ${result.connections} connections, medians of ${ROUNDS} round(s); "of bare" = req/s ÷ the bare route's in the same round:`,
    result.routes,
  );
  for (const [name, w] of Object.entries(result.writes))
    log(
      `writes on ${name}: ${w.registered} registered, ${w.presented} presented, ${w.directed} directed (${w.perSecond.toFixed(2)} posts/s), ${w.failed} failed, p95 ${ms(w.p95).trim()} ms${w.failures.length ? `; ${w.failures.join(' | ')}` : ''}`,
    );
  log(
    `machine load average (1/5/15 min): ${result.loadAverage.map((l) => l.toFixed(2)).join(' ')} on ${result.cpus} CPUs`,
  );
  log(
    `\nTargets on ${dialect}, ${result.workers} processes, ${result.connections} connections (p95 ≤ ${P95_TARGET_MS} ms for list, detail and search; detail ≥ ${DETAIL_RATIO_TARGET * 100}% of the bare route's req/s):`,
  );
  for (const r of result.routes.filter((x) => x.route !== 'bare')) {
    const p95 = r.figures.p95 <= P95_TARGET_MS ? 'PASS' : 'FAIL';
    const ratio =
      r.route === 'detail'
        ? `, ${((r.ofBare ?? 0) * 100).toFixed(1)}% of bare ${(r.ofBare ?? 0) >= DETAIL_RATIO_TARGET ? 'PASS' : 'FAIL'}`
        : '';
    log(
      `  ${`${r.route} (${r.server})`.padEnd(20)} p95 ${ms(r.figures.p95).trim()} ms ${p95}${ratio}`,
    );
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
