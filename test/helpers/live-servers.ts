/**
 * Starts the real server (src/server.ts) as separate processes on one database and one Redis, as
 * several machines serve one meeting room: for the live room's tests and its benchmark.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT_DIR } from '../../src/paths.js';

export interface RunningServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** One server (WEB_CONCURRENCY processes in a cluster), answering once it serves /login. */
export async function startLiveServer(options: {
  databaseUrl: string;
  redisUrl: string;
  workers?: number;
  env?: Record<string, string>;
  /** Show the server's log (stdout) here; by default only its stderr is shown. */
  showLog?: boolean;
}): Promise<RunningServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'eoffice-live-'));
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT_DIR, 'src/server.ts')],
    {
      cwd: ROOT_DIR,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATABASE_URL: options.databaseUrl,
        REDIS_URL: options.redisUrl,
        WEB_CONCURRENCY: String(options.workers ?? 1),
        PORT: String(port),
        BASE_URL: `http://127.0.0.1:${port}`,
        SESSION_SECRET: 'test-secret',
        LOG_LEVEL: 'warn',
        STORAGE_DIR: path.join(dir, 'files'),
        CERTS_DIR: path.join(dir, 'certs'),
        DAILY_REMINDER_AT: '',
        ...options.env,
      },
      stdio: ['ignore', options.showLog ? 'inherit' : 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const answered = await fetch(`${url}/login`).then(
      (r) => r.ok,
      () => false,
    );
    if (answered) break;
    if (i > 600) throw new Error(`server did not answer on ${url}`);
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
