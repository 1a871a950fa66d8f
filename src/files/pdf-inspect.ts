import { PDFDocument } from 'pdf-lib';

/**
 * The page count of a PDF, or null when the bytes are not one: the %PDF- signature in the first
 * kilobyte and a parse that finds at least one page. Pure (no database): it runs in the file
 * check worker (pdf-check.worker.ts), never on the event loop.
 */
export async function countPdfPages(bytes: Uint8Array): Promise<number | null> {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 1024));
  if (!head.toString('latin1').includes('%PDF-')) return null;
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
