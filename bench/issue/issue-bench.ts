/**
 * npm run bench:issue — full issuance of outgoing documents through /api/v1, on a fresh database:
 * the leader's signature with their PIN (POST /outgoing/:id/sign), then the clerk's issuance
 * (POST /outgoing/:id/issue: number, seal, attachments, dispatch to BENCH_RECIPIENTS (10)
 * agencies of the deployment), BENCH_CONCURRENCY (20) documents in flight at once, each document
 * distinct and signed by one of BENCH_LEADERS (20) leaders. Two files: a 2-page PDF and a 5 MB
 * one. Reports documents per second, median and p95 latency of a document (sign + issue), each
 * request's median, and the signing engine's share (time inside signPdfWith, measured by the
 * wrapper timed-providers.ts, over the documents' summed latency).
 *
 * Two ways of signing are measured: "each" (one sign request per document, the PIN opening the
 * leader's key every time) and "batch" (each leader signs their documents with one PIN entry,
 * POST /outgoing/sign-batch, the key opened once per batch). The leaders' keys are wrapped under
 * the server's signing key secret (as the server finds it: from the environment, else derived
 * from the bench's SESSION_SECRET; the same in the bench and the server it spawns) and their PIN; the
 * seal's is PKCS#8 under scrypt at the production cost, opened once per process.
 *
 * Environment: BENCH_DATABASE_URL (default database eoffice_bench_issue on this machine's MariaDB,
 * through its Unix socket when there is one, as the README deploys it on one machine, else
 * 127.0.0.1:3306; the database is dropped and recreated, so its name must contain "bench"), BENCH_DOCS (200: 2-page
 * documents per mode), BENCH_DOCS_LARGE (40: 5 MB documents per mode), BENCH_LARGE_MB (5),
 * BENCH_CONCURRENCY (20), BENCH_LEADERS (20), BENCH_RECIPIENTS (10), BENCH_MODES ("each,batch"),
 * BENCH_WARMUP_DOCS (40: documents issued the same way before each measured run, on a server
 * then warm as in an agency's day; 0 measures it cold),
 * BENCH_PROCESSES ("0": the application in the bench's own process, the signing engine's share
 * measured; "1,2": the server as deployed, src/server.ts with WEB_CONCURRENCY=1 then 2 worker
 * processes on the same database, the bench only sending requests — figures side by side).
 * Each result also gives the CPU time of the application's processes and of MariaDB per document
 * (and, BENCH_COUNT_QUERIES=1 in-process, the SQL statements a document costs).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { createServer } from 'node:net';
import path from 'node:path';
import pino from 'pino';
import { Agency } from '../../src/agencies/agency.model.js';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { closeDatabase, openDatabase } from '../../src/db/index.js';
import { DocumentJob } from '../../src/documents/document-job.model.js';
import { OUTGOING_TEXT_JOB } from '../../src/outgoing/outgoing.texts.js';
import { migrate } from '../../src/db/migrator.js';
import { ROOT_DIR } from '../../src/paths.js';
import { recreateDatabase } from '../../src/db/recreate.js';
import { submitDraft } from '../../src/outgoing/outgoing.approval.js';
import { createDraft } from '../../src/outgoing/outgoing.drafts.js';
import { OutgoingDocument } from '../../src/outgoing/outgoing.model.js';
import { DraftFieldsSchema } from '../../src/outgoing/outgoing.schemas.js';
import { enrolAgencySeal, enrolServerKey } from '../../src/signing-keys/index.js';
import type { User } from '../../src/users/user.model.js';
import { createAccessToken } from '../../src/users/users.service.js';
import { buildAgency, buildDepartment, buildUser } from '../../test/factories/index.js';
import { benchDatabaseUrl } from '../http/measure.js';
import { benchDraft } from './pdf.js';
import type { SignTiming } from './timed-providers.js';

const env = process.env;
const DB_URL = benchDatabaseUrl('eoffice_bench_issue');
const DOCS = Number(env.BENCH_DOCS || 200);
const DOCS_LARGE = Number(env.BENCH_DOCS_LARGE || 40);
const LARGE_MB = Number(env.BENCH_LARGE_MB || 5);
const CONCURRENCY = Number(env.BENCH_CONCURRENCY || 20);
const LEADERS = Number(env.BENCH_LEADERS || 20);
const RECIPIENTS = Number(env.BENCH_RECIPIENTS || 10);
const MODES = (env.BENCH_MODES || 'each,batch').split(',') as Mode[];
const PROCESSES = (env.BENCH_PROCESSES || '0').split(',').map(Number);
/** Documents issued (same mode, file and server) before each measured run, not counted. */
const WARMUP_DOCS = Number(env.BENCH_WARMUP_DOCS ?? 40);
const PIN = '135790';

type Mode = 'each' | 'batch';

interface Seeded {
  url: string;
  clerkToken: string;
  leaders: { user: User; token: string }[];
  drafter: User;
  recipients: Agency[];
}

interface Doc {
  id: number;
  leader: number;
}

const timing = (): SignTiming =>
  ((globalThis as { __signTiming?: SignTiming }).__signTiming ??= { calls: 0, totalMs: 0 });

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : NaN;
};
const ms = (x: number) => `${x.toFixed(0)} ms`;

/** CPU seconds used so far by a process, from /proc (Linux): user + system, or one of them. */
function cpuOf(pid: number, which: 'all' | 'system' | 'main' = 'all'): number {
  try {
    // 'main': the process's main thread alone (its event loop), without the thread pool and GC.
    const stat = which === 'main' ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`;
    const fields = readFileSync(stat, 'utf8').split(') ')[1]!.split(' ');
    const system = Number(fields[12]);
    return (which === 'system' ? system : Number(fields[11]) + system) / 100;
  } catch {
    return NaN;
  }
}

/**
 * CPU seconds so far of a process's threads, summed by the thread's name (/proc/PID/task/TID/comm:
 * the main thread is named after the process, libuv's pool "libuv-worker", V8's "V8 DefaultWorke"
 * for concurrent marking and compiling, …). Threads that ended are lost; the pools' live all along.
 */
function cpuByThread(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const name =
        tid === String(pid) ? 'main' : readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
        .split(') ')[1]!
        .split(' ');
      out.set(name, (out.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      continue;
    }
  }
  return out;
}

/** The pids of a process and of its children (a cluster's workers). */
function treeOf(pid: number): number[] {
  const children = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return (
          readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ')[1] === String(pid)
        );
      } catch {
        return false;
      }
    })
    .map(Number);
  return [pid, ...children.flatMap(treeOf)];
}

/** The MariaDB server's pid, when it runs on this machine. */
function mariadbPid(): number | null {
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const comm = readFileSync(`/proc/${d}/comm`, 'utf8').trim();
      if (comm === 'mariadbd' || comm === 'mysqld') return Number(d);
    } catch {
      continue;
    }
  }
  return null;
}

/** SQL statements sent by the in-process application (BENCH_COUNT_QUERIES=1), transactions' included. */
const queries = { n: 0, log: null as string[] | null };

/** Failed requests by status and error code (a failed document is not counted as done). */
const failures = new Map<string, number>();

async function post(url: string, token: string, body: unknown): Promise<boolean> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.ok) {
    const results = /^\{"results"/.test(text)
      ? (JSON.parse(text).results as { ok: boolean; code?: string }[])
      : [];
    for (const r of results.filter((x) => !x.ok)) count(`sign-batch ${r.code}`);
    return true;
  }
  let code = '';
  try {
    code = JSON.parse(text).error?.code ?? '';
  } catch {
    code = text.slice(0, 80);
  }
  count(`${url.replace(/^.*\/api\/v1\/outgoing\/(\d+\/)?/, '')} ${res.status} ${code}`);
  return false;
}

const count = (key: string) => failures.set(key, (failures.get(key) ?? 0) + 1);

async function seed(url: string): Promise<Seeded> {
  const agency = await buildAgency({ name: 'UBND huyện Đo Thử', address: 'Hà Nội' });
  const department = await buildDepartment(agency);
  const drafter = await buildUser(agency, ['specialist'], { departmentId: department.id });
  const clerk = await buildUser(agency, ['clerk']);
  const actor = { userId: null, ip: null };
  await enrolAgencySeal(agency.id, actor);
  const leaders: Seeded['leaders'] = [];
  for (let i = 0; i < LEADERS; i += 1) {
    const user = await buildUser(agency, ['leader'], {
      fullName: `Lãnh đạo ${i + 1}`,
      positionTitle: 'Phó Chủ tịch',
    });
    await enrolServerKey(user.id, PIN, { userId: user.id, ip: null });
    leaders.push({ user, token: (await createAccessToken(user, 'bench', actor)).token });
  }
  const recipients: Agency[] = [];
  for (let i = 0; i < RECIPIENTS; i += 1) {
    const r = await buildAgency({ name: `UBND xã Nhận ${i + 1}` });
    await buildUser(r, ['clerk']);
    recipients.push(r);
  }
  const clerkToken = (await createAccessToken(clerk, 'bench', actor)).token;
  return { url, clerkToken, leaders, drafter, recipients };
}

/** Distinct drafts submitted straight to their signer (round robin over the leaders). */
async function prepareDocs(s: Seeded, count: number, bytes: number, from: number): Promise<Doc[]> {
  const docs: Doc[] = [];
  for (let i = 0; i < count; i += 1) {
    const n = from + i;
    const leader = i % s.leaders.length;
    const input = DraftFieldsSchema.parse({
      documentType: 'QĐ',
      subject: `Về việc đo thời gian ban hành văn bản số ${n}`,
      signerId: String(s.leaders[leader]!.user.id),
      signingForm: 'TM',
      signerTitle: 'Phó Chủ tịch',
      placeName: 'Hà Nội',
      recipients: s.recipients.map((r) => ({ agencyId: String(r.id) })),
    });
    const who = { user: s.drafter, ip: null };
    const doc = await createDraft(
      input,
      { main: { buffer: await benchDraft(n, bytes), originalName: `qd-${n}.pdf` } },
      who,
    );
    await submitDraft(doc.id, {}, who);
    docs.push({ id: doc.id, leader });
  }
  return docs;
}

/**
 * Waits until the servers have read the drafts' texts (for search): an agency's drafts are read
 * when they are uploaded, long before they are issued, so the reading is not counted in the
 * issuance. In-process runs start no job runner: the jobs stay queued.
 */
async function draftsRead(target: Target): Promise<void> {
  if (target.processes === 0) return;
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    const pending = await DocumentJob.count({
      where: { kind: OUTGOING_TEXT_JOB, status: ['queued', 'running'] },
    });
    if (pending === 0) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  console.log("the drafts' texts were still being read after 5 minutes");
}

/** Runs `work` over the items, `limit` at a time. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

interface Result {
  mode: Mode;
  kind: string;
  docs: number;
  wallMs: number;
  latencies: number[];
  signMs: number[];
  issueMs: number[];
  engineMs: number;
  engineCalls: number;
  queries: number;
  /** CPU seconds of the application's processes and of MariaDB during the run. */
  appCpu: number;
  /** Of appCpu, the time in the kernel (system calls: sockets, files). */
  appSystemCpu: number;
  /**
   * Of appCpu, the main threads' (the event loops'): one process serves at most one core of it,
   * whatever the thread pool and the collector's threads take beside.
   */
  appMainCpu: number;
  /** appCpu by thread name (main, libuv-worker, V8 DefaultWorke, …). */
  appThreadCpu: Map<string, number>;
  dbCpu: number;
  processes: number;
}

/** Where the application runs: in this process (pid null) or in spawned server processes. */
interface Target {
  processes: number;
  pids: () => number[];
}

async function measure(
  s: Seeded,
  mode: Mode,
  kind: string,
  docs: Doc[],
  target: Target,
): Promise<Result> {
  const t = timing();
  const [calls0, engine0] = [t.calls, t.totalMs];
  const db = mariadbPid();
  const appPids = target.pids();
  const cpu = () => ({
    app: appPids.reduce((a, pid) => a + cpuOf(pid), 0),
    appSystem: appPids.reduce((a, pid) => a + cpuOf(pid, 'system'), 0),
    appMain: appPids.reduce((a, pid) => a + cpuOf(pid, 'main'), 0),
    threads: appPids.map(cpuByThread).reduce((all, one) => {
      for (const [name, s] of one) all.set(name, (all.get(name) ?? 0) + s);
      return all;
    }, new Map<string, number>()),
    db: db ? cpuOf(db) : NaN,
  });
  const cpu0 = cpu();
  const queries0 = queries.n;
  // BENCH_LOG_QUERIES=FILE (with BENCH_COUNT_QUERIES=1): the statements of the measured phase.
  if (env.BENCH_LOG_QUERIES) queries.log = [];
  const latencies: number[] = [];
  const signMs: number[] = [];
  const issueMs: number[] = [];
  const start = performance.now();
  const issue = async (d: Doc, since: number) => {
    const at = performance.now();
    if (!(await post(`${s.url}/api/v1/outgoing/${d.id}/issue`, s.clerkToken, {}))) return;
    issueMs.push(performance.now() - at);
    latencies.push(performance.now() - since);
  };
  if (mode === 'each') {
    await pool(docs, CONCURRENCY, async (d) => {
      const at = performance.now();
      const leader = s.leaders[d.leader]!;
      if (!(await post(`${s.url}/api/v1/outgoing/${d.id}/sign`, leader.token, { pin: PIN })))
        return;
      signMs.push(performance.now() - at);
      await issue(d, at);
    });
  } else {
    // Each leader signs their documents with one PIN; each document is issued once signed.
    const byLeader = s.leaders.map((_, i) => docs.filter((d) => d.leader === i));
    await pool(
      byLeader.filter((b) => b.length),
      CONCURRENCY,
      async (batch) => {
        const at = performance.now();
        const leader = s.leaders[batch[0]!.leader]!;
        await post(`${s.url}/api/v1/outgoing/sign-batch`, leader.token, {
          ids: batch.map((d) => d.id),
          pin: PIN,
        });
        signMs.push((performance.now() - at) / batch.length);
        const signed = await OutgoingDocument.findAll({
          where: { id: batch.map((d) => d.id), status: 'signed' },
          attributes: ['id'],
        });
        const ids = new Set(signed.map((d) => d.id));
        await pool(
          batch.filter((d) => ids.has(d.id)),
          1,
          (d) => issue(d, at),
        );
      },
    );
  }
  const cpu1 = cpu();
  if (queries.log) {
    writeFileSync(`${env.BENCH_LOG_QUERIES}.${mode}.${kind}.sql`, queries.log.join('\n') + '\n');
    queries.log = null;
  }
  return {
    mode,
    kind,
    docs: docs.length,
    wallMs: performance.now() - start,
    latencies,
    signMs,
    issueMs,
    engineMs: t.totalMs - engine0,
    engineCalls: t.calls - calls0,
    queries: queries.n - queries0,
    appCpu: cpu1.app - cpu0.app,
    appSystemCpu: cpu1.appSystem - cpu0.appSystem,
    appMainCpu: cpu1.appMain - cpu0.appMain,
    appThreadCpu: new Map(
      [...cpu1.threads].map(([name, s]) => [name, s - (cpu0.threads.get(name) ?? 0)] as const),
    ),
    dbCpu: cpu1.db - cpu0.db,
    processes: target.processes,
  };
}

function report(r: Result): void {
  const total = r.latencies.reduce((a, b) => a + b, 0);
  const done = r.latencies.length;
  const where = r.processes ? `${r.processes} server process(es)` : 'in-process';
  const perDoc = (x: number) => `${((1000 * x) / Math.max(1, done)).toFixed(0)} ms`;
  console.log(
    [
      `${r.kind.padEnd(8)} ${r.mode.padEnd(5)} ${where}: ${done} of ${r.docs} documents issued in ${(r.wallMs / 1000).toFixed(1)} s:`,
      `  ${((done * 1000) / r.wallMs).toFixed(1)} documents/s; latency median ${ms(quantile(r.latencies, 0.5))}, p95 ${ms(quantile(r.latencies, 0.95))}`,
      `  sign request median ${ms(quantile(r.signMs, 0.5))}${r.mode === 'batch' ? ' (per document of a batch)' : ''}, issue request median ${ms(quantile(r.issueMs, 0.5))}`,
      r.processes
        ? '  signing engine: measured in-process only (BENCH_PROCESSES=0)'
        : `  signing engine (signPdfWith, ${r.engineCalls} calls): ${ms(r.engineMs / Math.max(1, r.engineCalls))} a call, ${((100 * r.engineMs) / total).toFixed(0)}% of the documents' summed latency`,
      `  CPU per document: application ${perDoc(r.appCpu)} (${perDoc(r.appSystemCpu)} in the kernel, ${perDoc(r.appMainCpu)} on the main thread)${r.processes ? '' : ' (with the bench client)'}, MariaDB ${perDoc(r.dbCpu)}` +
        (r.queries
          ? `; ${(r.queries / Math.max(1, done)).toFixed(0)} SQL statements a document`
          : ''),
      `  application CPU per document by thread: ${[...r.appThreadCpu]
        .filter(([, s]) => s > 0)
        .sort((a, b) => b[1] - a[1])
        .map(([name, s]) => `${name} ${perDoc(s)}`)
        .join(', ')}`,
      failures.size
        ? `  failed requests: ${[...failures].map(([k, v]) => `${v}× ${k}`).join('; ')}`
        : '  no failed requests',
    ].join('\n'),
  );
  failures.clear();
}

export async function runIssueBench(): Promise<void> {
  if (!/bench/.test(DB_URL))
    throw new Error('BENCH_DATABASE_URL must name a database with "bench"');
  const dir = mkdtempSync(path.join(tmpdir(), 'eoffice-bench-issue-'));
  await recreateDatabase(DB_URL);
  const config = loadConfig({
    ...env,
    NODE_ENV: 'development',
    DATABASE_URL: DB_URL,
    STORAGE_DIR: path.join(dir, 'files'),
    CERTS_DIR: path.join(dir, 'certs'),
    SESSION_SECRET: 'bench-issue-secret',
    LOG_LEVEL: 'silent',
  });
  const sequelize = openDatabase(config.databaseUrl);
  if (env.BENCH_COUNT_QUERIES === '1')
    (sequelize as unknown as { options: { logging: unknown } }).options.logging = (sql: string) => {
      queries.n += 1;
      queries.log?.push(sql);
    };
  await migrate(sequelize);
  const app = createApp({ config, logger: pino({ level: env.BENCH_LOG_LEVEL || 'error' }) });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  console.log(
    `bench:issue on ${DB_URL.replace(/\/\/[^@]*@/, '//***@')}, ${cpus().length} cores, ` +
      `${CONCURRENCY} concurrent, ${LEADERS} leaders, ${RECIPIENTS} recipient agencies, ` +
      'leader keys wrapped under the signing key secret',
  );
  const children: ChildProcess[] = [];
  try {
    const s = await seed(url);
    let n = 1;
    for (const processes of PROCESSES) {
      let target: Target = { processes: 0, pids: () => [process.pid] };
      let at = s;
      if (processes > 0) {
        const child = await startServer(processes, {
          DATABASE_URL: DB_URL,
          STORAGE_DIR: path.join(dir, 'files'),
          CERTS_DIR: path.join(dir, 'certs'),
        });
        children.push(child.process);
        target = { processes, pids: () => treeOf(child.process.pid!) };
        at = { ...s, url: child.url };
      }
      for (const [kind, count, bytes] of [
        ['2-page', DOCS, 0],
        [`${LARGE_MB} MB`, DOCS_LARGE, LARGE_MB * 1024 * 1024],
      ] as const) {
        for (const mode of MODES) {
          if (count <= 0) continue;
          // A server is measured warm, as an agency's is during its day: the same work first on
          // other documents (its code compiled, its pools and caches filled), not counted.
          if (WARMUP_DOCS > 0) {
            const warm = await prepareDocs(at, WARMUP_DOCS, bytes, n);
            await draftsRead(target);
            n += WARMUP_DOCS;
            const w = await measure(at, mode, kind, warm, target);
            console.log(
              `${kind.padEnd(8)} ${mode.padEnd(5)} warm-up: ${w.latencies.length} of ${w.docs} issued` +
                (failures.size ? `, failed: ${[...failures].map(([k, v]) => `${v}× ${k}`)}` : ''),
            );
            failures.clear();
          }
          const docs = await prepareDocs(at, count, bytes, n);
          await draftsRead(target);
          n += count;
          report(await measure(at, mode, kind, docs, target));
        }
      }
      for (const c of children.splice(0)) await stopServer(c);
    }
  } finally {
    for (const c of children) await stopServer(c);
    server.close();
    await closeDatabase();
    rmSync(dir, { recursive: true, force: true });
  }
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

/** src/server.ts as deployed, with `workers` processes (cluster above 1), on the bench's data. */
async function startServer(
  workers: number,
  paths: Record<string, string>,
): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  // BENCH_SERVER_ARGS: extra node options for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p".
  const extra = (env.BENCH_SERVER_ARGS || '').split(' ').filter(Boolean);
  // As npm start runs it: its young generation size (package.json's start script; a cluster's
  // workers get it from src/server.ts), unless BENCH_SERVER_ARGS sets one.
  const youngGeneration = extra.some((a) => a.startsWith('--max-semi-space-size'))
    ? []
    : ['--max-semi-space-size=64'];
  const args = [
    ...youngGeneration,
    ...extra,
    '--import',
    'tsx',
    path.join(ROOT_DIR, 'src/server.ts'),
  ];
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      ...paths,
      // As the in-process application: its seal and CA secrets derive from the session secret.
      NODE_ENV: 'development',
      SESSION_SECRET: 'bench-issue-secret',
      LOG_LEVEL: env.BENCH_LOG_LEVEL || 'error',
      PORT: String(port),
      WEB_CONCURRENCY: String(workers),
      DAILY_REMINDER_AT: '',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    const up = await fetch(`${url}/login`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { url, process: child };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('The server did not answer');
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode != null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode == null) child.kill('SIGKILL');
}
