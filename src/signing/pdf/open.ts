import { SigningError } from '../errors.js';
import { PdfReader } from './reader.js';

/** Opens a PDF for signing: parses the xref chain and refuses encrypted or broken files. */
export function openPdf(pdf: Buffer): PdfReader {
  if (!Buffer.isBuffer(pdf) || pdf.length < 32) {
    throw new SigningError('PDF_MALFORMED', 'input is not a PDF file');
  }
  let reader: PdfReader;
  try {
    reader = new PdfReader(pdf);
    if (reader.isEncrypted)
      throw new SigningError('PDF_ENCRYPTED', 'encrypted PDF files cannot be signed');
    reader.catalog();
  } catch (e) {
    if (e instanceof SigningError) throw e;
    throw new SigningError('PDF_MALFORMED', `PDF cannot be parsed: ${(e as Error).message}`);
  }
  return reader;
}
