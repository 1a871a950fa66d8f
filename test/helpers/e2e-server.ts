// Starts the real server (src/server.ts under tsx) on a free port with its own temporary SQLite
// database and storage, seeded through the operator CLI (falling back to e2e-seed.ts for steps the
// CLI does not offer). Used by the end-to-end suite in test/e2e.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT_DIR } from '../../src/paths.js';
import type { DepartmentSpec, UserSpec } from '../../src/demo/organisation.js';

export const E2E_PASSWORD = 'E2e-MatKhau-2026';

export const E2E_AGENCY = { name: 'UBND huyện Thử Nghiệm', code: '000.00.31.H99', abbr: 'UBND' };

export const E2E_DEPARTMENTS: DepartmentSpec[] = [
  { name: 'Văn phòng HĐND và UBND', abbreviation: 'VP' },
  { name: 'Phòng Tài chính - Kế hoạch', abbreviation: 'TCKH' },
  { name: 'Phòng Nội vụ', abbreviation: 'NV' },
];

export const E2E_ADMIN = { username: 'quantri', fullName: 'Quản trị hệ thống' };

/** One person per step of the incoming flow. */
export const E2E_USERS = {
  clerk: {
    username: 'vanthu',
    fullName: 'Nguyễn Thị Văn Thư',
    positionTitle: 'Văn thư',
    roles: ['clerk'],
    department: 'VP',
  },
  leader: {
    username: 'chutich',
    fullName: 'Trần Văn Chủ Tịch',
    positionTitle: 'Chủ tịch',
    roles: ['leader'],
  },
  head: {
    username: 'truongphong.tckh',
    fullName: 'Lê Thị Trưởng Phòng',
    positionTitle: 'Trưởng phòng',
    roles: ['dept_head'],
    department: 'TCKH',
  },
  specialist: {
    username: 'chuyenvien.tckh',
    fullName: 'Phạm Văn Chuyên Viên',
    positionTitle: 'Chuyên viên',
    roles: ['specialist'],
    department: 'TCKH',
  },
} satisfies Record<string, UserSpec>;

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface E2EServer {
  baseUrl: string;
  dir: string;
  env: NodeJS.ProcessEnv;
  /** The server's recent output (for failure messages). */
  logs(): string;
  /** Stops the server at once (synchronous; for process exit). */
  kill(): void;
  /** Runs the operator CLI against this server's database. */
  cli(args: string[]): Promise<RunResult>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Runs a TypeScript entry point of the project under tsx and collects its output. */
export function runTs(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
      cwd: ROOT_DIR,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function mustRun(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  const result = await runTs(file, args, env);
  if (result.code !== 0)
    throw new Error(
      `${file} ${args[0]} failed (${result.code}):\n${result.stdout}\n${result.stderr}`,
    );
  return result;
}

const CLI = 'src/cli/main.ts';
const SEED = 'test/helpers/e2e-seed.ts';

/** The operator CLI's command names (empty while it offers none). */
async function cliCommands(env: NodeJS.ProcessEnv): Promise<Set<string>> {
  const help = await runTs(CLI, ['help'], env);
  return new Set([...help.stdout.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]));
}

/** Agency, departments and the flow's users: through the CLI where it can, else through e2e-seed.ts. */
async function seed(env: NodeJS.ProcessEnv): Promise<void> {
  const commands = await cliCommands(env);
  await mustRun(SEED, ['migrate'], env);
  if (commands.has('setup')) {
    await mustRun(
      CLI,
      [
        'setup',
        ...[
          '--agency-name',
          E2E_AGENCY.name,
          '--agency-code',
          E2E_AGENCY.code,
          '--agency-abbr',
          E2E_AGENCY.abbr,
        ],
        ...['--admin-username', E2E_ADMIN.username, '--admin-password', E2E_PASSWORD],
      ],
      env,
    );
  } else {
    const input = {
      agencyName: E2E_AGENCY.name,
      agencyCode: E2E_AGENCY.code,
      agencyAbbr: E2E_AGENCY.abbr,
      adminUsername: E2E_ADMIN.username,
      adminFullName: E2E_ADMIN.fullName,
      adminPassword: E2E_PASSWORD,
    };
    await mustRun(SEED, ['setup', JSON.stringify(input)], env);
  }
  await mustRun(SEED, ['departments', JSON.stringify(E2E_DEPARTMENTS)], env);
  const users: UserSpec[] = Object.values(E2E_USERS);
  if (commands.has('user:create')) {
    for (const u of users) {
      const args = [
        'user:create',
        '--username',
        u.username,
        '--full-name',
        u.fullName,
        '--roles',
        u.roles.join(','),
        '--password',
        E2E_PASSWORD,
      ];
      if (u.department) args.push('--department', u.department);
      if (u.positionTitle) args.push('--title', u.positionTitle);
      await mustRun(CLI, args, env);
    }
  } else {
    await mustRun(SEED, ['users', JSON.stringify({ users, password: E2E_PASSWORD })], env);
  }
}

async function waitUntilUp(
  baseUrl: string,
  child: ChildProcess,
  logs: () => string,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`Server exited with ${child.exitCode}:\n${logs()}`);
    try {
      const res = await fetch(`${baseUrl}/login`, { redirect: 'manual' });
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Server did not answer within 60 s:\n${logs()}`);
}

/** Starts the server on a fresh database; `seed: false` leaves it empty (the setup form shows). */
export async function startServer({ seed: withSeed = true } = {}): Promise<E2EServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'eoffice-e2e-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    PORT: String(port),
    BASE_URL: baseUrl,
    DATABASE_URL: `sqlite:${path.join(dir, 'e2e.sqlite')}`,
    STORAGE_DIR: path.join(dir, 'files'),
    CERTS_DIR: path.join(dir, 'certs'),
    SESSION_SECRET: 'e2e-session-secret',
    LOG_LEVEL: 'warn',
    SMTP_HOST: '',
    // No morning reminders landing in the bells the tests look at.
    DAILY_REMINDER_AT: '',
  };
  if (withSeed) await seed(env);

  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const logs = () => output;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilUp(baseUrl, child, logs);
  } catch (err) {
    await stop();
    throw err;
  }
  const kill = () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  return { baseUrl, dir, env, logs, stop, kill, cli: (args) => runTs(CLI, args, env) };
}

let shared: Promise<E2EServer> | null = null;

/**
 * One seeded server for every test file of a mocha run (seeding through the CLI costs seconds);
 * it is stopped when the process exits. Tests create their own documents, so they stay independent.
 */
export function sharedServer(): Promise<E2EServer> {
  if (!shared) {
    shared = startServer();
    shared.then(
      (server) =>
        process.once('exit', () => {
          server.kill();
          rmSync(server.dir, { recursive: true, force: true });
        }),
      () => {},
    );
  }
  return shared;
}

/** Adds people to the first agency of a running server's database (through e2e-seed.ts). */
export async function seedUsers(server: E2EServer, users: UserSpec[]): Promise<void> {
  await mustRun(SEED, ['users', JSON.stringify({ users, password: E2E_PASSWORD })], server.env);
}

export interface AgencySeed {
  agency: { name: string; code: string; abbreviation: string; address?: string };
  departments: DepartmentSpec[];
  users: UserSpec[];
}

/**
 * Adds another agency of the deployment (below the first, as a commune under its district) with
 * its departments and people, all with E2E_PASSWORD, to a running server's database.
 */
export async function seedAgency(server: E2EServer, input: AgencySeed): Promise<void> {
  await mustRun(SEED, ['agency', JSON.stringify({ ...input, password: E2E_PASSWORD })], server.env);
}
