import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { minutesOfDay } from './calendar/time-of-day.js';
import { ROOT_DIR } from './paths.js';

export interface SmtpConfig {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  password: string;
  from: string;
}

/** Remote signing over the CSC API v2; the credential ID is each user's own setting. */
export interface CscConfig {
  baseUrl: string;
  accessToken: string;
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
  timeoutMs: number;
  pollIntervalMs: number;
  approvalTimeoutMs: number;
}

export interface Config {
  env: string;
  databaseUrl: string;
  storageDir: string;
  sessionSecret: string;
  port: number;
  /** Processes serving HTTP (WEB_CONCURRENCY): one per core on MariaDB, one on SQLite. */
  workers: number;
  /**
   * Redis (REDIS_URL, e.g. redis://127.0.0.1:6379): the meetings' live events reach every
   * process and machine through its pub/sub. Empty: in-process only (one process, the default).
   */
  redisUrl: string;
  baseUrl: string;
  logLevel: string;
  maxUploadBytes: number;
  loginMaxAttempts: number;
  loginLockMinutes: number;
  /**
   * Express's 'trust proxy' (TRUST_PROXY): which reverse proxy's X-Forwarded-For gives the client
   * address. false (the default) believes no header.
   */
  trustProxy: boolean | number | string;
  /** When the daily reminders go out (Vietnam time, HH:MM); empty turns them off. */
  dailyReminderAt: string;
  smtp: SmtpConfig | null;
  certsDir: string;
  caPassphrase: string;
  tsaUrl: string;
  /**
   * Protects the agency seal keys held by the server (SEAL_KEY_SECRET). Empty: outside
   * production a secret derived from the session secret is used; production refuses to seal.
   */
  sealKeySecret: string;
  /**
   * The server secret the personal signing keys are wrapped under with their owner's PIN
   * (SIGNING_KEY_SECRET, at least 16 characters; the same on every machine, kept out of the
   * database and its backups). Empty: one derived from SEAL_KEY_SECRET, else outside production
   * from the session secret; production with neither refuses to enrol or sign (503).
   */
  signingKeySecret: string;
  /** The signer's own token (USB token helper, mobile app) is offered as a signing provider. */
  signingTokenEnabled: boolean;
  /** Remote signing service (CSC API v2); null when CSC_BASE_URL is empty. */
  csc: CscConfig | null;
  /** Uploaded files are parsed and verified in a worker pool per process, under these limits. */
  pdfCheck: { threads: number; timeoutMs: number; memoryMb: number };
  /** The public verification page (/verify): largest file, and verifications per IP per window. */
  verify: { maxBytes: number; rateLimit: number; rateWindowMinutes: number };
}

type Env = Record<string, string | undefined>;

function loadDotEnv(): void {
  const file = path.join(ROOT_DIR, '.env');
  if (existsSync(file) && typeof process.loadEnvFile === 'function') process.loadEnvFile(file);
}

function intOf(env: Env, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${key} must be a non-negative integer, got "${raw}"`);
  return value;
}

/** A time of day (HH:MM, 24-hour); set but empty means "never". */
function timeOf(env: Env, key: string, fallback: string): string {
  const raw = env[key];
  if (raw === undefined) return fallback;
  if (raw.trim() === '') return '';
  if (minutesOfDay(raw) === null)
    throw new Error(`${key} must be a time of day such as 07:30, or empty, got "${raw}"`);
  return raw.trim();
}

/** TRUST_PROXY: empty or false = none, true = any, a hop count, or addresses/subnets/names. */
export function trustProxyOf(raw: string | undefined): boolean | number | string {
  const value = (raw ?? '').trim();
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^[0-9]+$/.test(value)) return Number(value);
  return value;
}

function resolveFromRoot(p: string): string {
  return path.isAbsolute(p) ? p : path.join(ROOT_DIR, p);
}

/** A sqlite: URL with a relative file is taken relative to the project root. */
function normaliseDatabaseUrl(url: string): string {
  if (!url.startsWith('sqlite:')) return url;
  const file = url.slice('sqlite:'.length).replace(/^\/\//, '');
  if (file === ':memory:') return url;
  return 'sqlite:' + resolveFromRoot(file);
}

/** Kept in the data folder so sessions survive restarts when SESSION_SECRET is not set. */
function persistentSessionSecret(dataDir: string): string {
  const file = path.join(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

/** Reads one typed configuration object from the environment (and .env when present). */
export function loadConfig(env: Env = process.env): Config {
  if (env === process.env) loadDotEnv();
  const databaseUrl = normaliseDatabaseUrl(env.DATABASE_URL || 'sqlite:./data/eoffice.sqlite');
  const storageDir = resolveFromRoot(env.STORAGE_DIR || './data/files');
  const smtpHost = env.SMTP_HOST || '';
  return {
    env: env.NODE_ENV || 'production',
    databaseUrl,
    storageDir,
    sessionSecret: env.SESSION_SECRET || persistentSessionSecret(path.join(ROOT_DIR, 'data')),
    port: intOf(env, 'PORT', 3000),
    // SQLite has one writer at a time, so more processes would only queue on its lock.
    workers: Math.max(
      1,
      intOf(env, 'WEB_CONCURRENCY', databaseUrl.startsWith('sqlite:') ? 1 : availableParallelism()),
    ),
    redisUrl: (env.REDIS_URL || '').trim(),
    baseUrl: env.BASE_URL || `http://localhost:${intOf(env, 'PORT', 3000)}`,
    logLevel: env.LOG_LEVEL || 'info',
    maxUploadBytes: intOf(env, 'MAX_UPLOAD_MB', 50) * 1024 * 1024,
    loginMaxAttempts: intOf(env, 'LOGIN_MAX_ATTEMPTS', 5),
    loginLockMinutes: intOf(env, 'LOGIN_LOCK_MINUTES', 15),
    trustProxy: trustProxyOf(env.TRUST_PROXY),
    dailyReminderAt: timeOf(env, 'DAILY_REMINDER_AT', '07:30'),
    smtp: smtpHost
      ? {
          host: smtpHost,
          port: intOf(env, 'SMTP_PORT', 587),
          secure: env.SMTP_SECURE === 'true',
          user: env.SMTP_USER || '',
          password: env.SMTP_PASSWORD || '',
          from: env.SMTP_FROM || 'eOffice <no-reply@localhost>',
        }
      : null,
    certsDir: resolveFromRoot(env.CERTS_DIR || './certs'),
    caPassphrase: env.CA_PASSPHRASE || '',
    tsaUrl: env.TSA_URL || '',
    sealKeySecret: env.SEAL_KEY_SECRET || '',
    signingKeySecret: env.SIGNING_KEY_SECRET || '',
    signingTokenEnabled: env.SIGNING_TOKEN_ENABLED === 'true',
    csc: env.CSC_BASE_URL
      ? {
          baseUrl: env.CSC_BASE_URL,
          accessToken: env.CSC_ACCESS_TOKEN || '',
          clientId: env.CSC_CLIENT_ID || '',
          clientSecret: env.CSC_CLIENT_SECRET || '',
          tokenUrl: env.CSC_TOKEN_URL || '',
          timeoutMs: Math.max(100, intOf(env, 'CSC_TIMEOUT_MS', 10_000)),
          pollIntervalMs: Math.max(100, intOf(env, 'CSC_POLL_INTERVAL_MS', 2_000)),
          approvalTimeoutMs: Math.max(1_000, intOf(env, 'CSC_APPROVAL_TIMEOUT_MS', 120_000)),
        }
      : null,
    pdfCheck: {
      threads: Math.max(1, intOf(env, 'PDF_CHECK_THREADS', 1)),
      timeoutMs: Math.max(100, intOf(env, 'PDF_CHECK_TIMEOUT_MS', 20_000)),
      memoryMb: Math.max(16, intOf(env, 'PDF_CHECK_MEMORY_MB', 768)),
    },
    verify: {
      maxBytes: Math.max(1, intOf(env, 'VERIFY_MAX_MB', 20)) * 1024 * 1024,
      rateLimit: Math.max(1, intOf(env, 'VERIFY_RATE_LIMIT', 20)),
      rateWindowMinutes: Math.max(1, intOf(env, 'VERIFY_RATE_WINDOW_MINUTES', 10)),
    },
  };
}
