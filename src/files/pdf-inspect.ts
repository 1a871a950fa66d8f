import { PDFDocument } from 'pdf-lib';
import { SigningError } from '../signing/errors.js';
import { PdfReader } from '../signing/pdf/reader.js';

// A name in a cross-reference or object stream, or any name written with #-escapes (which could
// spell one): what pdf-lib would inflate while loading.
const INFLATED_ON_LOAD = /\/(?:ObjStm|XRef)\b|\/[^\s/<>[\]()]*#[0-9A-Fa-f]{2}/;

/**
 * The page count of a PDF, or null when the bytes are not one: the %PDF- signature in the first
 * kilobyte and a parse that finds at least one page. Pure (no database): it runs in the file
 * check worker (pdf-check.worker.ts), never on the event loop.
 */
export async function countPdfPages(bytes: Uint8Array): Promise<number | null> {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 1024));
  if (!head.toString('latin1').includes('%PDF-')) return null;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  // Our reader first: it bounds inflation, nesting and work (a limit breach throws
  // PDF_TOO_COMPLEX, which the caller refuses as hostile).
  try {
    const pages = new PdfReader(buf).pageCount();
    if (pages >= 1) return pages;
  } catch (err) {
    if (err instanceof SigningError && err.code === 'PDF_TOO_COMPLEX') throw err;
  }
  // pdf-lib recovers files with a broken cross-reference that ours refuses, but it inflates
  // object and xref streams with no limit (and typed arrays escape the worker's heap limit), so
  // it reads only files that have none.
  if (INFLATED_ON_LOAD.test(buf.toString('latin1'))) return null;
  try {
    const pdf = await PDFDocument.load(bytes, {
      updateMetadata: false,
      ignoreEncryption: true,
      throwOnInvalidObject: false,
    });
    const pageCount = pdf.getPageCount();
    return pageCount >= 1 ? pageCount : null;
  } catch {
    return null;
  }
}
