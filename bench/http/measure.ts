/**
 * bench:http's measuring parts: servers started as deployed, load from a child process
 * (load-worker.mjs) with figures per kind of request, the servers' CPU time per request, and the
 * queries of one request (profile).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { db } from '../../src/db/index.js';

const MARIADB_SOCKET = '/run/mysqld/mysqld.sock';

/**
 * The seeded database: BENCH_DATABASE_URL, else MariaDB on this machine as the README deploys it
 * on one machine, through its Unix socket (cheaper than TCP on loopback for the app and the
 * database alike), else over TCP.
 */
export function benchDatabaseUrl(name = 'eoffice_bench_http'): string {
  if (process.env.BENCH_DATABASE_URL) return process.env.BENCH_DATABASE_URL;
  return existsSync(MARIADB_SOCKET)
    ? `mysql://root@localhost/${name}?socketPath=${MARIADB_SOCKET}`
    : `mysql://root@127.0.0.1:3306/${name}`;
}

/** One request a person makes: its kind (list, detail…), path and session cookie. */
export interface Entry {
  kind: string;
  path: string;
  cookie?: string;
  /** Who asks (a role): the slow requests are counted by it and the path's shape. */
  who?: string;
}

export interface KindFigures {
  total: number;
  requestsPerSec: number;
  failed: number;
  failures: string[];
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  bytes: number;
  /** The shapes (role and path) most common among the requests at or above p95. */
  slowest: { shape: string; ofSlow: number; ofAll: number }[];
}

export interface Measured {
  seconds: number;
  total: number;
  requestsPerSec: number;
  kinds: Record<string, KindFigures>;
  /** The server's CPU time (all its processes) per measured request. */
  cpuMsPerRequest: number;
  /** The database server's CPU time per measured request (MariaDB on this machine; null on SQLite). */
  dbCpuMsPerRequest: number | null;
}

/** The pid of the MariaDB (or MySQL) server running on this machine, if any. */
function databasePid(): number | null {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (/^(mariadbd|mysqld)$/.test(readFileSync(`/proc/${entry}/comm`, 'utf8').trim()))
        return Number(entry);
    } catch {
      // The process ended while we read.
    }
  }
  return null;
}

/** CPU time (ms) used so far by a process and all its descendants (Linux /proc). */
export function treeCpuMs(rootPid: number): number {
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

/** Load from a child process: a warm-up, then the measured run of `entries` on `base`. */
export function measure(
  base: string,
  entries: Entry[],
  serverPid: number,
  connections: number,
  duration: number,
  warmup = 0,
  dbCpu = true,
): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./load-worker.mjs', import.meta.url)), [], {
      execArgv: [],
    });
    // The database's CPU counts only when the server uses it (not for the bare route).
    const dbPid = serverPid && dbCpu ? databasePid() : null;
    let cpu = treeCpuMs(serverPid);
    let dbStart = dbPid ? treeCpuMs(dbPid) : 0;
    child.on(
      'message',
      (m: Omit<Measured, 'cpuMsPerRequest' | 'dbCpuMsPerRequest'> & { phase: string }) => {
        if (m.phase === 'warm') {
          cpu = treeCpuMs(serverPid);
          dbStart = dbPid ? treeCpuMs(dbPid) : 0;
          return;
        }
        const used = treeCpuMs(serverPid) - cpu;
        const requests = Math.max(1, m.total);
        resolve({
          ...m,
          cpuMsPerRequest: used / requests,
          dbCpuMsPerRequest: dbPid ? (treeCpuMs(dbPid) - dbStart) / requests : null,
        });
      },
    );
    child.once('error', reject);
    child.once('exit', (code) => code && reject(new Error(`load generator exited with ${code}`)));
    child.send({ base, entries, connections, duration, warmup });
  });
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

export interface Served {
  url: string;
  pid: number;
  stop: () => Promise<void>;
}

/** Starts a server script (TypeScript, through tsx) and waits until `probe` answers. */
export async function startServer(
  script: string,
  extraEnv: Record<string, string>,
  probe = '/',
  execArgv: string[] = [],
): Promise<Served> {
  const port = await freePort();
  const child = spawn(process.execPath, [...execArgv, '--import', 'tsx', script], {
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
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Runs one request with query logging on: how many queries, how long each took. */
export async function profile(
  label: string,
  url: string,
  cookie: string,
  log: (s: string) => void,
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
  log(
    `\n${label}: HTTP ${res.status}, ${total.toFixed(1)} ms, ${queries.length} queries (${dbMs} ms in the database)`,
  );
  for (const q of queries)
    log(`  ${String(q.ms).padStart(4)} ms  ${q.sql.slice(0, 220).replace(/\s+/g, ' ')}`);
  return queries;
}

/** EXPLAIN for the slow SELECTs of a profile (MariaDB/MySQL only). */
export async function explainSlow(
  queries: { sql: string; ms: number }[],
  log: (s: string) => void,
  thresholdMs = 5,
): Promise<void> {
  if (db().getDialect() !== 'mysql') return;
  for (const q of queries.filter((x) => x.ms >= thresholdMs && /^SELECT/i.test(x.sql))) {
    const rows = (await db().query(`EXPLAIN ${q.sql.replace(/;\s*$/, '')}`, {
      type: 'SELECT',
    })) as Record<string, unknown>[];
    log(`\nEXPLAIN (${q.ms} ms): ${q.sql.slice(0, 160)}…`);
    for (const r of rows)
      log(
        `  ${r.select_type} ${r.table} type=${r.type} key=${r.key} rows=${r.rows} ${r.Extra ?? ''}`,
      );
  }
}
