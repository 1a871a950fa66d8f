import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { PkiError } from './errors.js';
import type { RevocationReason, DistinguishedName } from './x509.js';

/** Files of the agency PKI home (CERTS_DIR). Private keys stay here and are never committed. */
export function caPaths(dir: string) {
  return {
    key: path.join(dir, 'ca', 'agency-ca.key.pem'),
    cert: path.join(dir, 'ca', 'agency-ca.pem'),
    trustDir: path.join(dir, 'trust'),
    trustAnchor: path.join(dir, 'trust', 'agency-ca.pem'),
    crlDir: path.join(dir, 'crl'),
    crl: path.join(dir, 'crl', 'agency.crl'),
    issued: path.join(dir, 'issued'),
    state: path.join(dir, 'ca-state.json'),
  };
}

export interface CaState {
  version: 1;
  algorithm: string;
  subject: DistinguishedName;
  crlUrl: string;
  crlNumber: number;
  issued: {
    serial: string;
    type: 'person' | 'seal' | 'tsa';
    commonName: string;
    email?: string;
    issuedAt: string;
    notAfter: string;
  }[];
  revoked: { serial: string; revokedAt: string; reason: RevocationReason }[];
}

export function writeAtomic(file: string, data: string | Buffer, mode = 0o644): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode });
  renameSync(tmp, file);
}

export function readState(dir: string): CaState {
  const file = caPaths(dir).state;
  if (!existsSync(file))
    throw new PkiError('CA_NOT_FOUND', `Chưa khởi tạo CA của cơ quan trong ${dir} (chạy ca:init)`);
  return JSON.parse(readFileSync(file, 'utf8')) as CaState;
}

export const writeState = (dir: string, state: CaState) =>
  writeAtomic(caPaths(dir).state, JSON.stringify(state, null, 2) + '\n');

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Runs a read-modify-write of ca-state.json under an exclusive lock file, so a CLI run and the
 * web app issuing at the same moment cannot lose each other's serials.
 */
export function withStateLock<T>(dir: string, fn: (state: CaState) => T): T {
  const lock = `${caPaths(dir).state}.lock`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      try {
        if (Date.now() - statSync(lock).mtimeMs > 60_000) unlinkSync(lock);
      } catch {
        // removed meanwhile by its owner
      }
      if (Date.now() > deadline)
        throw new PkiError('CA_BUSY', 'CA đang bận xử lý yêu cầu khác, vui lòng thử lại');
      sleep(25);
    }
  }
  try {
    const state = readState(dir);
    const result = fn(state);
    writeState(dir, state);
    return result;
  } finally {
    unlinkSync(lock);
  }
}
