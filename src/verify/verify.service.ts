import { cleanFileName } from '../files/file-storage.service.js';
import { verifyPdfOffThread } from '../files/pdf-check-pool.js';
import { AppError } from '../http/app-error.js';
import type { SigningErrorCode, VerificationReport } from '../signing/index.js';

/*
 * The public signature check (/verify): a PDF anyone uploads is verified in the file check pool
 * (the same verifyPdf, trust anchors and CRLs as received documents) and the report given back.
 * Nothing is kept: the bytes live in this request's memory only, no file, row or audit entry.
 */

/**
 * - valid: every signature valid and trusted, nothing changed after signing that isn't permitted;
 * - untrusted: intact, but a signer's certificate doesn't chain to a root trusted here;
 * - modified: a later revision changed what was signed in a way nothing permits;
 * - invalid: a signature is broken (digest, value, coverage, revoked…);
 * - none: a PDF with no signature; unreadable: the verifier could not read the file.
 */
export type Verdict = 'valid' | 'untrusted' | 'modified' | 'invalid' | 'none' | 'unreadable';

export interface VerifyUpload {
  buffer: Buffer;
  originalName: string;
}

interface Checked {
  fileName: string;
  fileSize: number;
}

export type VerifyOutcome =
  | (Checked & { verdict: Exclude<Verdict, 'unreadable'>; report: VerificationReport })
  | (Checked & { verdict: 'unreadable'; reason: SigningErrorCode; detail: string });

/** The one-line verdict of a report (the report itself says why). */
export function verdictOf(report: VerificationReport): Exclude<Verdict, 'unreadable'> {
  if (!report.signatures.length) return 'none';
  if (report.valid) return 'valid';
  if (report.modifiedAfterSigning) return 'modified';
  const onlyUntrusted =
    report.problems.length === 0 &&
    report.signatures.every(
      (s) =>
        s.valid || (s.problems.length > 0 && s.problems.every((p) => p.rule === 'CHAIN_UNTRUSTED')),
    );
  return onlyUntrusted ? 'untrusted' : 'invalid';
}

/**
 * Verifies one uploaded PDF. Refuses (AppError 422) no file, an empty file and one that is not a
 * PDF by its content (%PDF- in the first kilobyte, as PDF readers accept), and a file past the
 * pool's limits (422 FILE_TOO_COMPLEX, FILE_CHECK_TIMEOUT, FILE_CHECK_MEMORY; 503 when busy).
 */
export async function verifyUpload(upload: VerifyUpload | undefined): Promise<VerifyOutcome> {
  if (!upload) throw new AppError('VERIFY_FILE_REQUIRED', 422);
  const fileName = cleanFileName(upload.originalName);
  const params = { name: fileName };
  if (upload.buffer.length === 0)
    throw new AppError('VERIFY_FILE_EMPTY', 422, undefined, undefined, params);
  if (!upload.buffer.subarray(0, 1024).toString('latin1').includes('%PDF-'))
    throw new AppError('FILE_NOT_PDF', 422, undefined, undefined, params);
  const checked = { fileName, fileSize: upload.buffer.length };
  const result = await verifyPdfOffThread(upload.buffer, fileName);
  if (!result.ok)
    return { ...checked, verdict: 'unreadable', reason: result.reason, detail: result.detail };
  return { ...checked, verdict: verdictOf(result.report), report: result.report };
}
