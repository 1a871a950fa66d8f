import { AppError } from '../http/app-error.js';
import type { PdfText, PdfTextLimits } from '../drafting/pdf-text.js';
import type { Placements } from '../drafting/placement-scan.js';
import { readEdxml, type EdxmlMessage } from '../interop/edxml.js';
import { loadCrls, loadTrustAnchors } from '../pki/trust.js';
import {
  asSigningError,
  SigningError,
  signingRefusal,
  verifyPdf,
  type SigningErrorCode,
  type VerificationReport,
} from '../signing/index.js';
import { countPdfPages } from './pdf-inspect.js';
import { isEncryptedPdf, pdfInflationProblem } from './pdf-inflation.js';
import { hasJavaScriptActions } from './pdf-scripts.js';
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
  /** The file is to be signed here (a draft): the signing engine must be able to sign it. */
  signable?: boolean;
}

export type PdfRefusal =
  | 'FILE_NOT_PDF'
  | 'PDF_TOO_COMPLEX'
  | 'PDF_TIMEOUT'
  | 'PDF_INFLATES'
  | 'PDF_ENCRYPTED'
  | 'PDF_AMBIGUOUS'
  | 'PDF_UNSIGNABLE';

/**
 * Why a PDF may not go on to pdf.js (or be stored, where poppler and Tesseract would read it):
 * a stream decodes past the inflate budget (pdf-inflation.ts), or, for pdf.js, the file is
 * encrypted and its streams could not be measured.
 */
async function inflationRefusal(
  bytes: Buffer,
  { encrypted }: { encrypted: 'refuse' | 'allow' },
): Promise<PdfRefusal | null> {
  const problem = await pdfInflationProblem(bytes);
  if (problem === 'inflates_too_much') return 'PDF_INFLATES';
  if (problem === 'too_complex') return 'PDF_TOO_COMPLEX';
  return encrypted === 'refuse' && isEncryptedPdf(bytes) ? 'PDF_ENCRYPTED' : null;
}

export type PdfCheckResult =
  | {
      ok: true;
      pageCount: number | null;
      signatureCheck: SignatureCheck | null;
      /** JavaScript actions found (accepted, flagged on the file's page). */
      javaScript?: boolean;
    }
  | { ok: false; code: PdfRefusal };

/** What a draft the engine would not sign is refused as (the limits keep their own codes). */
function unsignableAs(code: SigningErrorCode): PdfRefusal {
  if (code === 'PDF_TOO_COMPLEX' || code === 'PDF_TIMEOUT' || code === 'PDF_AMBIGUOUS') return code;
  return 'PDF_UNSIGNABLE';
}

/** Parses a PDF (page count) and checks its signatures, as asked. */
export async function checkPdf(job: Job<PdfCheckInput>): Promise<PdfCheckResult> {
  const input = jobStarted(job);
  const bytes = Buffer.from(input.bytes);
  let pageCount: number | null = null;
  // Every PDF upload passes here before it is stored: a decompression bomb never is.
  const refused = await inflationRefusal(bytes, { encrypted: 'allow' });
  if (refused) return { ok: false, code: refused };
  if (input.pages) {
    try {
      pageCount = await countPdfPages(bytes);
    } catch (err) {
      if (err instanceof SigningError && err.code === 'PDF_TOO_COMPLEX')
        return { ok: false, code: err.code };
      throw err;
    }
    if (pageCount === null) return { ok: false, code: 'FILE_NOT_PDF' };
  }
  if (input.signable) {
    const refused = signingRefusal(bytes);
    if (refused) return { ok: false, code: unsignableAs(refused.code) };
  }
  const javaScript = hasJavaScriptActions(bytes);
  if (!input.signatures) return { ok: true, pageCount, signatureCheck: null, javaScript };
  if (input.certsDir) configureSignatureTrust(input.certsDir);
  try {
    return {
      ok: true,
      pageCount,
      signatureCheck: checkSignatures(bytes, new Date(input.now)),
      javaScript,
    };
  } catch (err) {
    if (
      err instanceof SigningError &&
      (err.code === 'PDF_TOO_COMPLEX' || err.code === 'PDF_TIMEOUT')
    )
      return { ok: false, code: err.code };
    throw err;
  }
}

export interface PdfVerifyInput {
  bytes: ArrayBuffer;
  certsDir: string | null;
  now: string;
}

export type PdfVerifyResult =
  | { ok: true; report: VerificationReport }
  | { ok: false; code: 'PDF_TOO_COMPLEX' | 'PDF_TIMEOUT' }
  /** The verifier could not read the file (malformed, truncated, encrypted…). */
  | { ok: false; code: 'PDF_UNREADABLE'; reason: SigningErrorCode; detail: string };

/** The full verification report (verifyPdf) against CERTS_DIR's trust anchors and CRLs. */
export function verifyPdfReport(job: Job<PdfVerifyInput>): PdfVerifyResult {
  const input = jobStarted(job);
  const dir = input.certsDir;
  try {
    const report = verifyPdf(Buffer.from(input.bytes), {
      trustAnchors: dir ? loadTrustAnchors(dir) : [],
      crls: dir ? loadCrls(dir) : [],
      now: new Date(input.now),
    });
    return { ok: true, report };
  } catch (err) {
    const error = asSigningError(err);
    if (error.code === 'PDF_TOO_COMPLEX' || error.code === 'PDF_TIMEOUT')
      return { ok: false, code: error.code };
    return { ok: false, code: 'PDF_UNREADABLE', reason: error.code, detail: error.message };
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

export interface PdfTextInput {
  bytes: ArrayBuffer;
  limits: Partial<PdfTextLimits>;
}

export type PdfTextResult = { ok: true; text: PdfText } | { ok: false; code: PdfRefusal };

/** The text of a PDF, page by page (drafting: the Decree 30 check, comparing versions). */
export async function extractText(job: Job<PdfTextInput>): Promise<PdfTextResult> {
  // pdf.js is loaded by the first job that needs it, not by every worker the pool starts.
  const { extractPdfText } = await import('../drafting/pdf-text.js');
  const input = jobStarted(job);
  // pdf.js inflates without a limit into memory the heap limit does not count: measured first.
  const refused = await inflationRefusal(Buffer.from(input.bytes), { encrypted: 'refuse' });
  if (refused) return { ok: false, code: refused };
  const text = await extractPdfText(new Uint8Array(input.bytes), input.limits);
  return text ? { ok: true, text } : { ok: false, code: 'FILE_NOT_PDF' };
}

export type PlacementsResult =
  { ok: true; placements: Placements } | { ok: false; code: PdfRefusal };

/** Where the signature, the number and the date go on a draft (drafting/placement.ts). */
export async function findPlacementsTask(job: Job<ArrayBuffer>): Promise<PlacementsResult> {
  const { extractPdfLayout } = await import('../drafting/pdf-text.js');
  const { PLACEMENT_LIMITS, placementTextPages, placementsFromLayout } =
    await import('../drafting/placement-scan.js');
  const bytes = new Uint8Array(jobStarted(job));
  const refused = await inflationRefusal(Buffer.from(bytes.buffer), { encrypted: 'refuse' });
  if (refused) return { ok: false, code: refused };
  const layout = await extractPdfLayout(bytes, {
    ...PLACEMENT_LIMITS,
    textPages: placementTextPages,
  });
  return layout
    ? { ok: true, placements: placementsFromLayout(layout) }
    : { ok: false, code: 'FILE_NOT_PDF' };
}

export default serveTasks({
  checkPdf,
  verifyPdfReport,
  readEdxmlPackage,
  extractText,
  findPlacements: findPlacementsTask,
});
