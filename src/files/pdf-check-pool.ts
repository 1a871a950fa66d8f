import { webcrypto } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { AppError } from '../http/app-error.js';
import { LIMITS } from '../signing/pdf/limits.js';
import type { PdfText, PdfTextLimits } from '../drafting/pdf-text.js';
import type { Placements } from '../drafting/placement-scan.js';
import type { EdxmlMessage } from '../interop/edxml.js';
import type {
  EdxmlReadResult,
  PdfCheckInput,
  PdfCheckResult,
  PdfRefusal,
  PdfTextInput,
  PdfTextResult,
  PdfVerifyInput,
  PdfVerifyResult,
  PlacementsResult,
} from './pdf-check.worker.js';
import type { SignatureCheck } from './signature-check.js';
import { JobStopped, LimitedPool, type JobStopReason, type PoolLimits } from './worker-pool.js';

/*
 * Untrusted files (uploaded PDFs, edXML packages and their attachments) are parsed and verified
 * in a small worker pool per process, never on the event loop: a hostile file costs one worker
 * for at most PDF_CHECK_TIMEOUT_MS and PDF_CHECK_MEMORY_MB, is refused with a 422, and the
 * process keeps answering everyone else meanwhile.
 */

// tsx runs the sources (.ts), the build runs dist (.js): the worker sits beside this module.
const WORKER_FILE = new URL(
  `./pdf-check.worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
);

export const DEFAULT_PDF_CHECK_LIMITS: PoolLimits = {
  threads: 1,
  timeoutMs: 20_000,
  memoryMb: 256,
  maxQueue: 64,
};

let limits: PoolLimits = DEFAULT_PDF_CHECK_LIMITS;
let certsDir: string | null = null;
let pool: LimitedPool | null = null;

// Files refused as hostile, by digest: sending the same one again is refused without a worker.
const hostile = new LRUCache<string, string>({ max: 256 });

/** Sets the pool's limits and where trust anchors are (CERTS_DIR); called when the app is built. */
export function configurePdfChecks(options: {
  limits?: Partial<PoolLimits>;
  certsDir?: string | null;
}): void {
  const next = { ...DEFAULT_PDF_CHECK_LIMITS, ...options.limits };
  if (pool && JSON.stringify(next) !== JSON.stringify(limits)) void stopPdfChecks();
  limits = next;
  if (options.certsDir !== undefined) certsDir = options.certsDir;
}

/** Stops the pool's threads (shutdown, tests); the next check starts them again. */
export async function stopPdfChecks(): Promise<void> {
  const current = pool;
  pool = null;
  await current?.destroy();
}

const REFUSAL_CODES: Record<JobStopReason | PdfRefusal, string> = {
  timeout: 'FILE_CHECK_TIMEOUT',
  memory: 'FILE_CHECK_MEMORY',
  busy: 'FILE_CHECK_BUSY',
  PDF_TIMEOUT: 'FILE_CHECK_TIMEOUT',
  PDF_TOO_COMPLEX: 'FILE_TOO_COMPLEX',
  FILE_NOT_PDF: 'FILE_NOT_PDF',
  PDF_INFLATES: 'FILE_PDF_INFLATES',
  PDF_ENCRYPTED: 'FILE_PDF_ENCRYPTED',
  PDF_AMBIGUOUS: 'FILE_PDF_AMBIGUOUS',
  PDF_UNSIGNABLE: 'FILE_PDF_UNSIGNABLE',
};

/**
 * Refusals remembered by digest (hostile): a file past the limits is refused again at once.
 * Not a file refused for what it is (not a PDF, encrypted, not signable as a draft): the same
 * bytes may be fine for another use, such as an incoming document.
 */
const REMEMBERED: ReadonlySet<PdfRefusal> = new Set<PdfRefusal>([
  'PDF_TOO_COMPLEX',
  'PDF_TIMEOUT',
  'PDF_INFLATES',
]);

const refusal = (code: string, name: string) =>
  new AppError(code, code === 'FILE_CHECK_BUSY' ? 503 : 422, undefined, undefined, {
    name,
    ...(code === 'FILE_PDF_INFLATES' ? inflateLimitParams() : {}),
  });

/** The inflate budget's figures, for the message of a refused decompression bomb. */
function inflateLimitParams() {
  return { ratio: LIMITS.maxInflateRatio, maxMb: LIMITS.maxInflatePerFile / (1024 * 1024) };
}

/** A digest computed in libuv's thread pool rather than on the event loop. */
export async function sha256Of(bytes: Buffer): Promise<string> {
  return Buffer.from(await webcrypto.subtle.digest('SHA-256', bytes)).toString('hex');
}

/** Runs one job on a copy of the bytes (moved, not cloned), mapping a stopped job to a refusal. */
async function runJob<I, R>(
  task: string,
  bytes: Buffer,
  input: (copy: ArrayBuffer) => I,
  name: string,
  digest: string,
): Promise<R> {
  const known = hostile.get(digest);
  if (known) throw refusal(known, name);
  pool ??= new LimitedPool(WORKER_FILE, limits);
  const copy = new Uint8Array(bytes).buffer;
  try {
    return await pool.run<I, R>(task, input(copy), [copy]);
  } catch (err) {
    if (!(err instanceof JobStopped)) throw err;
    const code = REFUSAL_CODES[err.reason];
    if (err.reason !== 'busy') hostile.set(digest, code);
    throw refusal(code, name);
  }
}

export interface PdfInspection {
  sha256: string;
  pageCount: number;
  /** Null when the signatures were not asked for. */
  signatureCheck: SignatureCheck | null;
}

/**
 * Parses an uploaded PDF off the event loop (it must parse: 422 FILE_NOT_PDF) and, when asked,
 * checks its signatures. A file past the limits is refused: 422 FILE_TOO_COMPLEX,
 * FILE_CHECK_TIMEOUT or FILE_CHECK_MEMORY; 503 FILE_CHECK_BUSY when the queue is full.
 */
export async function inspectPdfOffThread(
  pdf: Buffer,
  name: string,
  { signatures, signable = false }: { signatures: boolean; signable?: boolean },
): Promise<PdfInspection> {
  const sha256 = await sha256Of(pdf);
  const result = await runJob<PdfCheckInput, PdfCheckResult>(
    'checkPdf',
    pdf,
    (bytes) => ({
      bytes,
      pages: true,
      signatures,
      signable,
      certsDir,
      now: new Date().toISOString(),
    }),
    name,
    sha256,
  );
  if (!result.ok) {
    const code = REFUSAL_CODES[result.code];
    if (REMEMBERED.has(result.code)) hostile.set(sha256, code);
    throw refusal(code, name);
  }
  return {
    sha256,
    pageCount: result.pageCount ?? 0,
    signatureCheck: flagScripts(result.signatureCheck, result.javaScript),
  };
}

/** A signature check carrying the file check's JavaScript flag (kept with it on the file row). */
function flagScripts(check: SignatureCheck | null, javaScript?: boolean): SignatureCheck | null {
  return check && javaScript ? { ...check, javaScript: true } : check;
}

/** checkSignatures (signature-check.ts) in the pool; refusals as for inspectPdfOffThread. */
export async function checkSignaturesOffThread(pdf: Buffer, name = ''): Promise<SignatureCheck> {
  const sha256 = await sha256Of(pdf);
  const result = await runJob<PdfCheckInput, PdfCheckResult>(
    'checkPdf',
    pdf,
    (bytes) => ({ bytes, pages: false, signatures: true, certsDir, now: new Date().toISOString() }),
    name,
    sha256,
  );
  if (!result.ok || !result.signatureCheck) {
    const code = REFUSAL_CODES[result.ok ? 'PDF_TOO_COMPLEX' : result.code];
    hostile.set(sha256, code);
    throw refusal(code, name);
  }
  return flagScripts(result.signatureCheck, result.javaScript)!;
}

export type PdfVerification = Exclude<PdfVerifyResult, { code: 'PDF_TOO_COMPLEX' | 'PDF_TIMEOUT' }>;

/**
 * The full verification report of a PDF (verifyPdf against CERTS_DIR) from the pool, or the
 * reason the verifier could not read it; a file past the limits is refused as for
 * inspectPdfOffThread.
 */
export async function verifyPdfOffThread(pdf: Buffer, name = ''): Promise<PdfVerification> {
  const sha256 = await sha256Of(pdf);
  const result = await runJob<PdfVerifyInput, PdfVerifyResult>(
    'verifyPdfReport',
    pdf,
    (bytes) => ({ bytes, certsDir, now: new Date().toISOString() }),
    name,
    sha256,
  );
  if (!result.ok && result.code !== 'PDF_UNREADABLE') {
    const code = REFUSAL_CODES[result.code];
    hostile.set(sha256, code);
    throw refusal(code, name);
  }
  return result;
}

/**
 * Reads an edXML package (readEdxml) in the pool: its EDXML_… refusals as they are, and a
 * package past the limits refused like a PDF.
 */
export async function readEdxmlOffThread(pkg: Buffer, name: string): Promise<EdxmlMessage> {
  const result = await runJob<ArrayBuffer, EdxmlReadResult>(
    'readEdxmlPackage',
    pkg,
    (bytes) => bytes,
    name,
    await sha256Of(pkg),
  );
  if (!result.ok) throw new AppError(result.code, 422, undefined, undefined, result.params);
  const message = result.message;
  // Buffers cross the thread boundary as plain Uint8Arrays.
  for (const a of message.attachments)
    a.content = Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength);
  return message;
}

/** The refusal of a task's answer; a file refused as hostile is remembered as such. */
function refusedAs(code: PdfRefusal, name: string, digest: string): AppError {
  const mapped = REFUSAL_CODES[code];
  if (REMEMBERED.has(code)) hostile.set(digest, mapped);
  return refusal(mapped, name);
}

/** Is this the refusal of a file past the pool's limits (or of a full queue)? */
export function isLimitRefusal(err: unknown): boolean {
  return (
    err instanceof AppError &&
    [
      'FILE_TOO_COMPLEX',
      'FILE_PDF_INFLATES',
      'FILE_CHECK_TIMEOUT',
      'FILE_CHECK_MEMORY',
      'FILE_CHECK_BUSY',
    ].includes(err.code)
  );
}

/**
 * The text of a PDF page by page (extractPdfText) from the pool: 422 FILE_NOT_PDF when pdf.js
 * cannot open it, and a file past the limits refused as for inspectPdfOffThread.
 */
export async function extractPdfTextOffThread(
  pdf: Buffer,
  name = '',
  limits: Partial<PdfTextLimits> = {},
): Promise<PdfText> {
  const digest = await sha256Of(pdf);
  const result = await runJob<PdfTextInput, PdfTextResult>(
    'extractText',
    pdf,
    (bytes) => ({ bytes, limits }),
    name,
    digest,
  );
  if (!result.ok) throw refusedAs(result.code, name, digest);
  return result.text;
}

/**
 * Where the signature, the number and the date go on a draft (placementsFromLayout) from the
 * pool: 422 FILE_NOT_PDF when pdf.js cannot open it, a file past the limits refused as for
 * inspectPdfOffThread.
 */
export async function findPlacementsOffThread(pdf: Buffer, name = ''): Promise<Placements> {
  const digest = await sha256Of(pdf);
  const result = await runJob<ArrayBuffer, PlacementsResult>(
    'findPlacements',
    pdf,
    (bytes) => bytes,
    name,
    digest,
  );
  if (!result.ok) throw refusedAs(result.code, name, digest);
  return result.placements;
}
