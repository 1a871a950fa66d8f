/**
 * `npm run bench:http`: seeds BENCH_DOCS (100,000) incoming documents, starts the server as it is
 * deployed (src/server.ts, WEB_CONCURRENCY processes), signs the benchmark user in BENCH_SESSIONS
 * (10) times and measures with autocannon (50 connections, each with one of those sessions in
 * turn, 10 s after a warm-up, load generated in a child process): the
 * "to handle" list page, a detail page (which audits every view: one chained INSERT per request)
 * and a bare Express + Handlebars route rendering the same list template with the same data from
 * memory, run with the same number of processes. The list is measured three ways: as served
 * (kept in the cache until the next change), with a change every 100 ms (each one empties the
 * cache), and from a second server with the cache off (every view reads the database). Each
 * server is first loaded for BENCH_SERVER_WARMUP s (default 20: a fresh server keeps getting
 * faster for that long), then the bare route and the list are measured in turn for BENCH_ROUNDS
 * rounds (default 3) and their medians reported, with each round's ratio. Every server configuration is measured in
 * turn: each process count of BENCH_WORKERS (default: 1, then one per core, the server's default
 * on MariaDB), and on MariaDB each way of reaching it in BENCH_TRANSPORTS: "tcp" (the configured
 * URL) and, when the database server runs on this machine, "socket" (its Unix socket, which it
 * names itself). The targets are reported for every configuration.
 *
 * Environment: BENCH_DATABASE_URL (default mysql://root@127.0.0.1:3306/eoffice_bench; use
 * sqlite:./data/bench.sqlite for SQLite), BENCH_DOCS, BENCH_DURATION (s), BENCH_CONNECTIONS, BENCH_SESSIONS,
 * BENCH_WORKERS (e.g. "1,2"), BENCH_TRANSPORTS (e.g. "tcp,socket"), BENCH_REUSE=1 (keep an
 * already seeded database). The database is dropped and recreated, so its name must contain
 * "bench" (BENCH_FORCE=1 overrides).
 */
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { closeDatabase, db, openDatabase } from '../../src/db/index.js';
import { migrate } from '../../src/db/migrator.js';
import { recreateDatabase, serverConnection } from '../../src/db/recreate.js';
import { recordAudit } from '../../src/audit/audit.service.js';
import { configureFileStorage } from '../../src/files/file-storage.service.js';
import { IncomingAssignment, IncomingDocument } from '../../src/incoming/incoming.model.js';
import { ROOT_DIR } from '../../src/paths.js';
import { User } from '../../src/users/user.model.js';
import { BENCH_PASSWORD, seedBench } from './seed.js';

const env = process.env;
const DOCS = Number(env.BENCH_DOCS || 100_000);
const DURATION = Number(env.BENCH_DURATION || 10);
const CONNECTIONS = Number(env.BENCH_CONNECTIONS || 50);
const WARMUP = Number(env.BENCH_WARMUP || 3);
// Rounds of the bare route and the list measured in turn; their medians are reported.
const ROUNDS = Math.max(1, Number(env.BENCH_ROUNDS || 3));
// A server started a moment ago keeps getting faster for 20–30 s (JIT, heap sizing): each one is
// loaded this long before anything is measured, so the figures are of a server that has run.
const SERVER_WARMUP = Number(env.BENCH_SERVER_WARMUP || 20);
const LIST_PATH = '/incoming?tab=toHandle';
// The load comes from this many signed-in sessions of the benchmark user, one per connection in
// turn, as from people at their desks (each session has its own CSRF token, so its own page).
const SESSIONS = Math.max(1, Number(env.BENCH_SESSIONS || 10));
const CHANGE_EVERY_MS = 100;
const BENCH_USERNAME = 'chuyenvien.tckh';

interface Measured {
  requestsPerSec: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  cpuMsPerRequest: number;
}

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

/** Signs in through the login form; returns the session cookie. */
async function login(baseUrl: string, username: string, password: string): Promise<string> {
  const page = await fetch(`${baseUrl}/login`);
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!csrf) throw new Error('No CSRF token on the login page');
  const res = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, username, password }),
  });
  if (res.status !== 303) throw new Error(`Login failed: ${res.status}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

/** CPU time (ms) used so far by a process and all its descendants (Linux /proc). */
function treeCpuMs(rootPid: number): number {
  const ticks = 100; // USER_HZ: /proc counts CPU time in hundredths of a second on Linux.
  const stats = new Map<number, { ppid: number; cpu: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces) start at state, ppid, …
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(entry), {
        ppid: Number(fields[1]),
        cpu: ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks,
      });
    } catch {
      // The process ended while we read.
    }
  }
  let total = 0;
  const inTree = (pid: number): boolean => {
    for (let p = pid, depth = 0; p > 1 && depth < 10; depth++) {
      if (p === rootPid) return true;
      p = stats.get(p)?.ppid ?? 0;
    }
    return false;
  };
  for (const [pid, { cpu }] of stats) if (inTree(pid)) total += cpu;
  return total;
}

/**
 * Load from a child process (warm-up, then the measured run); also the server's CPU time (all its
 * processes) per measured request, a figure that holds even on a machine shared with other work.
 */
function measure(
  url: string,
  headers: Record<string, string> | Record<string, string>[],
  serverPid: number,
  connections = CONNECTIONS,
  duration = DURATION,
): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const args = JSON.stringify({
      url,
      headers,
      connections,
      duration,
      warmup: WARMUP,
    });
    const child = fork(fileURLToPath(new URL('./load-worker.mjs', import.meta.url)), [args], {
      execArgv: [],
    });
    let cpu = treeCpuMs(serverPid);
    child.on('message', (m: Measured & { phase: string }) => {
      if (m.phase === 'warm') {
        cpu = treeCpuMs(serverPid);
        return;
      }
      const used = treeCpuMs(serverPid) - cpu;
      resolve({ ...m, cpuMsPerRequest: used / Math.max(1, m.total) });
    });
    child.once('error', reject);
    child.once('exit', (code) => code && reject(new Error(`load generator exited with ${code}`)));
  });
}

/** Each figure's median over rounds; request, error and timeout counts are summed. */
function medianOf(rounds: Measured[]): Measured {
  const median = (pick: (m: Measured) => number) => {
    const sorted = rounds.map(pick).sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  const sum = (pick: (m: Measured) => number) => rounds.reduce((s, m) => s + pick(m), 0);
  return {
    requestsPerSec: median((m) => m.requestsPerSec),
    total: sum((m) => m.total),
    non2xx: sum((m) => m.non2xx),
    errors: sum((m) => m.errors),
    timeouts: sum((m) => m.timeouts),
    p50: median((m) => m.p50),
    p95: median((m) => m.p95),
    p99: median((m) => m.p99),
    mean: median((m) => m.mean),
    cpuMsPerRequest: median((m) => m.cpuMsPerRequest),
  };
}

/** A free TCP port on the loopback interface. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Served {
  url: string;
  pid: number;
  stop: () => Promise<void>;
}

/** Starts a server script (TypeScript, through tsx) and waits until `probe` answers. */
async function startServer(
  script: string,
  extraEnv: Record<string, string>,
  probe = '/',
): Promise<Served> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...extraEnv, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
    const answered = await fetch(url + probe).then(
      (r) => r.ok,
      () => false,
    );
    if (answered) break;
    if (i > 600) throw new Error(`${script} did not answer on ${url}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Every worker of a cluster has answered once (each takes its first connection in turn). */
async function warmEveryWorker(url: string, headers: Record<string, string>, workers: number) {
  await Promise.all(
    Array.from({ length: workers * 4 }, () =>
      fetch(url, { headers: { ...headers, connection: 'close' } }).then((r) => r.text()),
    ),
  );
}

/** Runs one request with query logging on: how many queries, how long each took. */
async function profile(
  label: string,
  url: string,
  cookie: string,
): Promise<{ sql: string; ms: number }[]> {
  const sequelize = db() as unknown as {
    options: { benchmark: boolean; logging: false | ((sql: string, ms?: number) => void) };
  };
  const queries: { sql: string; ms: number }[] = [];
  sequelize.options.benchmark = true;
  sequelize.options.logging = (sql: string, ms?: number) =>
    queries.push({ sql: sql.replace(/^Executed \([^)]*\): /, ''), ms: ms ?? 0 });
  const t0 = performance.now();
  const res = await fetch(url, { headers: { cookie } });
  await res.text();
  const total = performance.now() - t0;
  sequelize.options.logging = false;
  sequelize.options.benchmark = false;
  const dbMs = queries.reduce((s, q) => s + q.ms, 0);
  console.log(
    `\n${label}: HTTP ${res.status}, ${total.toFixed(1)} ms, ${queries.length} queries (${dbMs} ms in the database)`,
  );
  for (const q of queries)
    console.log(`  ${String(q.ms).padStart(4)} ms  ${q.sql.slice(0, 220).replace(/\s+/g, ' ')}`);
  return queries;
}

/** EXPLAIN for the slow SELECTs of a profile (MariaDB/MySQL only). */
async function explainSlow(queries: { sql: string; ms: number }[], thresholdMs = 5): Promise<void> {
  if (db().getDialect() !== 'mysql') return;
  for (const q of queries.filter((x) => x.ms >= thresholdMs && /^SELECT/i.test(x.sql))) {
    const rows = (await db().query(`EXPLAIN ${q.sql.replace(/;\s*$/, '')}`, {
      type: 'SELECT',
    })) as Record<string, unknown>[];
    console.log(`\nEXPLAIN (${q.ms} ms): ${q.sql.slice(0, 160)}…`);
    for (const r of rows)
      console.log(
        `  ${r.select_type} ${r.table} type=${r.type} key=${r.key} rows=${r.rows} ${r.Extra ?? ''}`,
      );
  }
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
  await (await fetch(`${server.url}${LIST_PATH}`, { headers: { cookie } })).text();
  await server.close();
  if (!captured) throw new Error('The list page did not render a template');
  return captured;
}

const ms = (v: number | null) =>
  (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(1) : 'n/a').padStart(8);

function printResults(results: [string, Measured][]): void {
  console.log(
    `${'route'.padEnd(48)}${'req/s'.padStart(9)}${'p50 ms'.padStart(8)}${'p95 ms'.padStart(8)}${'p99 ms'.padStart(8)}${'non-2xx'.padStart(9)}${'errors'.padStart(8)}${'CPU ms/req'.padStart(12)}`,
  );
  for (const [name, r] of results) {
    console.log(
      `${name.padEnd(48)}${r.requestsPerSec.toFixed(0).padStart(9)}${ms(r.p50)}${ms(r.p95)}${ms(r.p99)}${String(r.non2xx).padStart(9)}${String(r.errors + r.timeouts).padStart(8)}${r.cpuMsPerRequest.toFixed(2).padStart(12)}`,
    );
  }
}

async function main(): Promise<void> {
  const url = env.BENCH_DATABASE_URL || 'mysql://root@127.0.0.1:3306/eoffice_bench';
  const serverEnv = {
    NODE_ENV: 'production',
    DATABASE_URL: url,
    STORAGE_DIR: env.BENCH_STORAGE_DIR || './data/bench-files',
    SESSION_SECRET: 'bench-session-secret',
    LOG_LEVEL: 'silent',
    BASE_URL: 'http://127.0.0.1',
    DAILY_REMINDER_AT: '',
  };
  const config = loadConfig(serverEnv);
  const target = config.databaseUrl;
  if (!/bench/i.test(target) && env.BENCH_FORCE !== '1')
    throw new Error(`Refusing to recreate ${target}: its name must contain "bench"`);
  const dialect = target.startsWith('sqlite:') ? 'SQLite' : 'MariaDB/MySQL';
  const workerCounts = (env.BENCH_WORKERS || `1,${availableParallelism()}`)
    .split(',')
    .map(Number)
    .filter((n, i, all) => Number.isInteger(n) && n > 0 && all.indexOf(n) === i);
  console.log(
    `bench:http on ${dialect} (${target.replace(/\/\/[^@]*@/, '//***@')}), ${DOCS} documents, ${CONNECTIONS} connections, ${DURATION} s per route, server processes: ${workerCounts.join(' then ')}`,
  );

  let sequelize = openDatabase(target);
  const reuse = env.BENCH_REUSE === '1' && (await IncomingDocument.count().catch(() => 0)) >= DOCS;
  if (!reuse) {
    await closeDatabase();
    await recreateDatabase(target);
    rmSync(config.storageDir, { recursive: true, force: true });
    sequelize = openDatabase(target);
    await migrate(sequelize);
    configureFileStorage(config.storageDir);
    console.log('Seeding…');
    const seeded = await seedBench(sequelize, DOCS, console.log);
    console.log(
      `Seeded ${seeded.documents} documents, ${seeded.assignments} assignments, ${seeded.events} trail events in ${seeded.seconds.toFixed(1)} s`,
    );
    // Fresh statistics, as a production database that grew over time would have.
    if (sequelize.getDialect() === 'mysql') {
      await sequelize.query(
        'ANALYZE TABLE incoming_documents, incoming_assignments, document_events, document_files',
      );
    } else {
      await sequelize.query('ANALYZE');
    }
  } else {
    await migrate(sequelize);
    configureFileStorage(config.storageDir);
    console.log('Reusing the seeded database (BENCH_REUSE=1)');
  }
  const user = await User.findOne({ where: { username: BENCH_USERNAME } });
  const pending = await IncomingAssignment.findOne({
    where: { assigneeUserId: user!.id, status: 'pending' },
    order: [['id', 'DESC']],
  });
  if (!user || !pending) throw new Error('The benchmark user has nothing to handle');
  const detailPath = `/incoming/${pending.documentId}`;
  const toHandle = await IncomingAssignment.count({
    where: { assigneeUserId: user.id, status: 'pending' },
  });
  console.log(
    `Benchmark user ${BENCH_USERNAME}: ${toHandle} documents to handle; detail page ${detailPath}`,
  );

  // In this process: the queries of one request of each page, and the list page's render data.
  const app = createApp({ config });
  const local = await listen(app);
  const cookie = await login(local.url, BENCH_USERNAME, BENCH_PASSWORD);
  const headers = { cookie };
  const sessions = [headers];
  while (sessions.length < SESSIONS)
    sessions.push({ cookie: await login(local.url, BENCH_USERNAME, BENCH_PASSWORD) });
  for (const p of [LIST_PATH, detailPath]) {
    const res = await fetch(local.url + p, { headers });
    if (res.status !== 200)
      throw new Error(`GET ${p} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  }
  // The list as most views find it (from the cache: nothing changed since the last view), and
  // as the first view after a change does (an app without the cache).
  await profile(`Profile GET ${LIST_PATH}, cached`, local.url + LIST_PATH, cookie);
  const uncached = await listen(createApp({ config: { ...config, listCacheEntries: 0 } }));
  const listQueries = await profile(
    `Profile GET ${LIST_PATH}, not cached`,
    uncached.url + LIST_PATH,
    cookie,
  );
  await uncached.close();
  const detailQueries = await profile(`Profile GET ${detailPath}`, local.url + detailPath, cookie);
  // A new app: this one keeps the page it rendered above and would send it without rendering.
  const { view, data } = await captureListRender(createApp({ config }), cookie);
  await local.close();
  const pageFile = path.join(tmpdir(), `eoffice-bench-page-${process.pid}.json`);
  writeFileSync(pageFile, JSON.stringify({ view, data }));

  const configurations = await serverConfigurations(target, workerCounts);
  const summary: { label: string; bare: Measured; list: Measured; uncached: Measured }[] = [];
  for (const { label, databaseUrl, workers } of configurations) {
    const concurrency = { WEB_CONCURRENCY: String(workers) };
    const served = await startServer(
      path.join(ROOT_DIR, 'src', 'server.ts'),
      { ...serverEnv, DATABASE_URL: databaseUrl, ...concurrency },
      '/login',
    );
    const noCache = await startServer(
      path.join(ROOT_DIR, 'src', 'server.ts'),
      { ...serverEnv, DATABASE_URL: databaseUrl, ...concurrency, LIST_CACHE_ENTRIES: '0' },
      '/login',
    );
    const bare = await startServer(fileURLToPath(new URL('./bare-server.ts', import.meta.url)), {
      ...concurrency,
      BARE_PAGE: pageFile,
    });
    try {
      const bareBody = await (await fetch(bare.url)).text();
      const realBody = await (await fetch(served.url + LIST_PATH, { headers })).text();
      console.log(
        `\n${label}. Bare route renders "${view}" with the captured data: ${bareBody.length} bytes (real page ${realBody.length} bytes)`,
      );
      await warmEveryWorker(bare.url, {}, workers);
      await warmEveryWorker(served.url + LIST_PATH, headers, workers);
      await warmEveryWorker(served.url + detailPath, headers, workers);
      await warmEveryWorker(noCache.url + LIST_PATH, headers, workers);
      console.log(`Warming the servers up (${SERVER_WARMUP} s each under load)…`);
      await measure(bare.url, {}, bare.pid, CONNECTIONS, SERVER_WARMUP);
      await measure(served.url + LIST_PATH, sessions, served.pid, CONNECTIONS, SERVER_WARMUP);
      await measure(served.url + detailPath, sessions, served.pid, CONNECTIONS, SERVER_WARMUP / 2);
      await measure(noCache.url + LIST_PATH, sessions, noCache.pid, CONNECTIONS, SERVER_WARMUP);
      console.log(
        `Measuring: ${ROUNDS} rounds of the bare route and the list in turn (medians), then the rest`,
      );
      const bareRounds: Measured[] = [];
      const listRounds: Measured[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        bareRounds.push(await measure(bare.url, {}, bare.pid));
        listRounds.push(await measure(served.url + LIST_PATH, sessions, served.pid));
      }
      console.log(
        `list/bare throughput by round: ${listRounds
          .map((l, i) => `${((l.requestsPerSec / bareRounds[i].requestsPerSec) * 100).toFixed(1)}%`)
          .join(
            ', ',
          )}; list p95 by round: ${listRounds.map((l) => ms(l.p95).trim()).join(', ')} ms; bare p95 by round: ${bareRounds.map((b) => ms(b.p95).trim()).join(', ')} ms`,
      );
      const results: [string, Measured][] = [];
      results.push([`bare Express+Handlebars (${view}), median`, medianOf(bareRounds)]);
      results.push([`list GET ${LIST_PATH}, median`, medianOf(listRounds)]);
      // A busy agency: something changes ten times a second, and each change empties the cache.
      const changes = setInterval(
        () => void recordAudit({ action: 'bench.change', entityType: 'bench' }),
        CHANGE_EVERY_MS,
      );
      try {
        results.push([
          `list, a change every ${CHANGE_EVERY_MS} ms`,
          await measure(served.url + LIST_PATH, sessions, served.pid),
        ]);
      } finally {
        clearInterval(changes);
      }
      results.push([
        `list, cache off (LIST_CACHE_ENTRIES=0)`,
        await measure(noCache.url + LIST_PATH, sessions, noCache.pid),
      ]);
      const auditBefore = await db().query('SELECT COUNT(*) AS n FROM audit_logs', {
        type: 'SELECT',
        plain: true,
      });
      results.push([
        `detail GET /incoming/:id`,
        await measure(served.url + detailPath, sessions, served.pid),
      ]);
      const auditAfter = await db().query('SELECT COUNT(*) AS n FROM audit_logs', {
        type: 'SELECT',
        plain: true,
      });
      // The same list page one request at a time: its service time, without the 50-deep queue.
      results.push([
        `list, 1 connection (service time)`,
        await measure(served.url + LIST_PATH, headers, served.pid, 1),
      ]);
      const [bareR, listR, , uncachedR, detailR] = results.map(([, r]) => r);
      console.log(
        `\nResults on ${dialect}, ${DOCS} documents, ${CONNECTIONS} connections, ${DURATION} s each, ${label}:\n`,
      );
      printResults(results);
      const listRatio = listR.requestsPerSec / bareR.requestsPerSec;
      const detailRatio = detailR.requestsPerSec / bareR.requestsPerSec;
      const uncachedRatio = uncachedR.requestsPerSec / bareR.requestsPerSec;
      console.log(`\nlist/bare throughput:   ${(listRatio * 100).toFixed(1)}%`);
      console.log(`list without the cache/bare throughput: ${(uncachedRatio * 100).toFixed(1)}%`);
      console.log(`detail/bare throughput: ${(detailRatio * 100).toFixed(1)}%`);
      console.log(
        `CPU per request in the server processes: list ${listR.cpuMsPerRequest.toFixed(2)} ms, detail ${detailR.cpuMsPerRequest.toFixed(2)} ms, bare ${bareR.cpuMsPerRequest.toFixed(2)} ms` +
          ` → list/bare by CPU cost ${((bareR.cpuMsPerRequest / listR.cpuMsPerRequest) * 100).toFixed(1)}%, detail/bare ${((bareR.cpuMsPerRequest / detailR.cpuMsPerRequest) * 100).toFixed(1)}%`,
      );
      const audited =
        Number((auditAfter as { n: number }).n) - Number((auditBefore as { n: number }).n);
      console.log(
        `audit rows written during the detail run: ${audited} (requests: ${detailR.total} measured + warm-up)`,
      );
      console.log(
        `machine load average (1/5/15 min): ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')} on ${cpus().length} CPUs`,
      );
      summary.push({ label, bare: bareR, list: listR, uncached: uncachedR });
    } finally {
      await Promise.all([served.stop(), noCache.stop(), bare.stop()]);
    }
  }
  rmSync(pageFile, { force: true });
  console.log(`\nTargets on ${dialect} (list p95 ≤ 50 ms; list ≥ 30% of the bare route's req/s):`);
  const verdict = (label: string, list: Measured, bare: Measured) => {
    const ratio = list.requestsPerSec / bare.requestsPerSec;
    console.log(
      `  ${label.padEnd(52)} list ${list.requestsPerSec.toFixed(0).padStart(5)} req/s, bare ${bare.requestsPerSec.toFixed(0).padStart(5)} req/s: ` +
        `${(ratio * 100).toFixed(1)}% ${ratio >= 0.3 ? 'PASS' : 'FAIL'}; list p95 ${ms(list.p95).trim()} ms ${list.p95 <= 50 ? 'PASS' : 'FAIL'} (bare p95 ${ms(bare.p95).trim()} ms)`,
    );
  };
  for (const { label, bare, list, uncached } of summary) {
    verdict(label, list, bare);
    verdict(`${label}, cache off`, uncached, bare);
  }
  const failed = summary.some(
    ({ bare, list }) => list.p95 > 50 || list.requestsPerSec / bare.requestsPerSec < 0.3,
  );
  if (failed || env.BENCH_EXPLAIN === '1') {
    await explainSlow(listQueries);
    await explainSlow(detailQueries);
  }
}

/**
 * The server configurations to measure: each process count, over TCP (the configured URL) and,
 * when MariaDB runs on this machine, over its Unix socket too.
 */
async function serverConfigurations(
  databaseUrl: string,
  workerCounts: number[],
): Promise<{ label: string; databaseUrl: string; workers: number }[]> {
  const urls: [string, string][] = [];
  const wanted = (env.BENCH_TRANSPORTS || 'tcp,socket').split(',');
  if (databaseUrl.startsWith('sqlite:')) {
    urls.push(['SQLite', databaseUrl]);
  } else {
    if (wanted.includes('tcp')) urls.push(['TCP', databaseUrl]);
    const socket = await localSocketOf(databaseUrl);
    if (socket && wanted.includes('socket')) {
      const url = new URL(databaseUrl);
      url.host = 'localhost';
      url.searchParams.set('socketPath', socket);
      urls.push([`Unix socket ${socket}`, url.toString()]);
    } else if (wanted.includes('socket')) {
      console.log('MariaDB does not run on this machine (no Unix socket): TCP only');
    }
  }
  return workerCounts.flatMap((workers) =>
    urls.map(([transport, url]) => ({
      label: `${workers} server process${workers > 1 ? 'es' : ''}, ${transport}`,
      databaseUrl: url,
      workers,
    })),
  );
}

/** The Unix socket the database server says it listens on, when that file is on this machine. */
async function localSocketOf(databaseUrl: string): Promise<string | null> {
  const parsed = new URL(databaseUrl);
  if (parsed.searchParams.get('socketPath')) return parsed.searchParams.get('socketPath');
  const connection = await serverConnection(databaseUrl);
  try {
    const [rows] = await connection.query('SELECT @@socket AS socket');
    const socket = (rows as { socket: string | null }[])[0]?.socket;
    return socket && existsSync(socket) && statSync(socket).isSocket() ? socket : null;
  } finally {
    await connection.end();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
