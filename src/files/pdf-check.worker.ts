import { AppError } from '../http/app-error.js';
import { readEdxml, type EdxmlMessage } from '../interop/edxml.js';
import { SigningError } from '../signing/index.js';
import { countPdfPages } from './pdf-inspect.js';
import {
  checkSignatures,
  configureSignatureTrust,
  type SignatureCheck,
} from './signature-check.js';
import { jobStarted, serveTasks, type Job } from './worker-pool.js';

/*
 * The tasks of the file check pool (pdf-check-pool.ts), each run in a worker thread under the
 * pool's time and memory limits. Errors a person should read come back as codes: an Error
 * crossing the thread boundary loses its class.
 */

export interface PdfCheckInput {
  bytes: ArrayBuffer;
  /** Parse the file and count its pages (a PDF must parse). */
  pages: boolean;
  /** Check its digital signatures. */
  signatures: boolean;
  certsDir: string | null;
  now: string;
}

export type PdfRefusal = 'FILE_NOT_PDF' | 'PDF_TOO_COMPLEX' | 'PDF_TIMEOUT';

export type PdfCheckResult =
  | { ok: true; pageCount: number | null; signatureCheck: SignatureCheck | null }
  | { ok: false; code: PdfRefusal };

/** Parses a PDF (page count) and checks its signatures, as asked. */
export async function checkPdf(job: Job<PdfCheckInput>): Promise<PdfCheckResult> {
  const input = jobStarted(job);
  const bytes = Buffer.from(input.bytes);
  let pageCount: number | null = null;
  if (input.pages) {
    pageCount = await countPdfPages(bytes);
    if (pageCount === null) return { ok: false, code: 'FILE_NOT_PDF' };
  }
  if (!input.signatures) return { ok: true, pageCount, signatureCheck: null };
  if (input.certsDir) configureSignatureTrust(input.certsDir);
  try {
    return { ok: true, pageCount, signatureCheck: checkSignatures(bytes, new Date(input.now)) };
  } catch (err) {
    if (
      err instanceof SigningError &&
      (err.code === 'PDF_TOO_COMPLEX' || err.code === 'PDF_TIMEOUT')
    )
      return { ok: false, code: err.code };
    throw err;
  }
}

export type EdxmlReadResult =
  | { ok: true; message: EdxmlMessage }
  | { ok: false; code: string; params?: Record<string, unknown> };

/** Reads an edXML package (XML parse and base64 attachments). */
export function readEdxmlPackage(job: Job<ArrayBuffer>): EdxmlReadResult {
  const bytes = Buffer.from(jobStarted(job));
  try {
    return { ok: true, message: readEdxml(bytes) };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, code: err.code, params: err.params };
    throw err;
  }
}

export default serveTasks({ checkPdf, readEdxmlPackage });
