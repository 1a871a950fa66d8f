/**
 * The text inside a document's files, read after they are stored by a background job (never on
 * the request's path), for the flows' searches: a PDF's text layer by pdf.js in the file check
 * pool, or, for a file without one (a scan), what Tesseract recognises (files/ocr.ts). Each file's
 * text goes into document_texts (kind, document, file) with its folded form; the flow adds what
 * its search needs in the same transaction (incoming: its term index; outgoing: the texts of
 * older versions of the main file go). Each reading is audited.
 *
 *   enqueueTextReading(kind, documentId, userId, transaction) — with the files, in their transaction
 *   readDocumentTexts(kind, documentId, options) → number of files read
 *   configureTextOcr(options) — limits of the recognition (tests lower the resolution)
 */
import { QueryTypes, UniqueConstraintError, type Transaction } from 'sequelize';
import { recordAudit } from '../audit/audit.service.js';
import { db } from '../db/index.js';
import { rawSelect } from '../db/raw-select.js';
import { withTransaction } from '../db/transaction.js';
import { enqueueJob } from './document-jobs.js';
import { readStoredFile } from '../files/file-storage.service.js';
import { StoredFile } from '../files/file.model.js';
import { ocrPdf, type OcrOptions } from '../files/ocr.js';
import { extractPdfTextOffThread } from '../files/pdf-check-pool.js';
import { AppError } from '../http/app-error.js';
import { foldSearchText } from '../incoming/incoming.search-text.js';

const MAX_CHARS = 1_000_000;
/**
 * Fewer letters than this per page on average: no text layer to speak of, read as a scan and
 * recognised (a scan may carry a stray word or two, a scanner's footer).
 */
const LETTERS_PER_PAGE = 5;

/** 'refused': the file was not read (a decompression bomb); the page says so, nothing retries. */
export type TextSource = 'text' | 'ocr' | 'refused';

/** A text read from one of a document's files, as its page shows it. */
export interface DocumentTextRow {
  fileId: number;
  originalName: string;
  source: TextSource;
  content: string;
  truncated: boolean;
}

/** What a document's page shows of the reading of its files: the texts read, in file order, and
 * the status of the latest reading job (queued, running, failed, done; null when none ran). */
export interface DocumentTexts {
  texts: DocumentTextRow[];
  jobStatus: string | null;
}

/** The flows whose files are read, with the table of their documents. */
const DOCUMENT_TABLES = { incoming: 'incoming_documents', outgoing: 'outgoing_documents' };
export type TextKind = keyof typeof DOCUMENT_TABLES;

/** The job that reads a flow's files (documents/document-jobs.ts). */
export const TEXT_JOBS: Record<TextKind, string> = {
  incoming: 'incoming-text',
  outgoing: 'outgoing-text',
};

/** Queues the reading of a document's new files (runs once the caller's transaction commits). */
export async function enqueueTextReading(
  kind: TextKind,
  documentId: number,
  userId: number | null,
  transaction: Transaction,
): Promise<void> {
  await enqueueJob(TEXT_JOBS[kind], { kind, id: documentId }, {}, userId, transaction);
}

let ocrOptions: OcrOptions = {};
/** Limits of the recognition (tests may lower the resolution). */
export function configureTextOcr(options: OcrOptions): void {
  ocrOptions = options;
}

const letterCount = (text: string) => (text.match(/\p{L}/gu) ?? []).length;

/** The text of one PDF: its text layer, or what OCR reads when it has (nearly) none. */
async function readText(
  bytes: Buffer,
  name: string,
): Promise<{ content: string; source: TextSource; truncated: boolean }> {
  let layer: { pages: string[]; truncated: boolean } | null = null;
  try {
    layer = await extractPdfTextOffThread(bytes, name, { maxChars: MAX_CHARS });
  } catch (err) {
    // A file whose streams inflate past the budget is read by nothing (not poppler either).
    if (err instanceof AppError && ['FILE_PDF_INFLATES', 'FILE_TOO_COMPLEX'].includes(err.code))
      return { content: '', source: 'refused', truncated: false };
    // Past the pool's other limits or unreadable by pdf.js: tried by OCR below (poppler may
    // read it).
  }
  const pages = Math.max(1, layer?.pages.length ?? 1);
  if (layer && letterCount(layer.pages.join('\n')) >= LETTERS_PER_PAGE * pages) {
    return { content: layer.pages.join('\n\n'), source: 'text', truncated: layer.truncated };
  }
  const ocr = await ocrPdf(bytes, { maxChars: MAX_CHARS, ...ocrOptions });
  return { content: ocr.pages.join('\n\n'), source: 'ocr', truncated: ocr.truncated };
}

/** A file's text just stored, for what the flow keeps beside it. */
export interface TextRead {
  agencyId: number;
  documentId: number;
  /** document_files.id */
  fileId: number;
  role: string;
  version: number;
  folded: string;
}

export interface ReadTextsOptions {
  /** The audit action of each reading (the flow's own: incoming.text_extract, …). */
  action: string;
  /** Only these files (a flow's SQL condition on document_files aliased f), besides unread. */
  filesWhere?: string;
  /** What the flow keeps beside each text, in the same transaction. */
  afterEach?: (read: TextRead, transaction: Transaction) => Promise<void>;
}

/**
 * Reads every PDF (main file, attachments) of the document not read yet and stores its text;
 * returns how many were read. Each file's row, what the flow keeps beside it and the audit row
 * are written in one transaction; a file read twice (two runners) keeps its first row
 * (document_texts.fileId is unique).
 */
export async function readDocumentTexts(
  kind: TextKind,
  documentId: number,
  { action, filesWhere, afterEach }: ReadTextsOptions,
): Promise<number> {
  const files = await rawSelect<{
    id: number;
    fileId: number;
    originalName: string;
    role: string;
    version: number;
    agencyId: number;
  }>(
    db(),
    `SELECT f.id, f.fileId, f.originalName, f.role, f.version, d.agencyId FROM document_files f
       JOIN ${DOCUMENT_TABLES[kind]} d ON d.id = f.documentId
      WHERE f.documentKind = ? AND f.documentId = ? AND f.role IN ('main', 'attachment')
        AND NOT EXISTS (SELECT 1 FROM document_texts t WHERE t.fileId = f.id)
        ${filesWhere ? `AND (${filesWhere})` : ''}
      ORDER BY f.id`,
    [kind, documentId],
  );
  let read = 0;
  for (const file of files) {
    const stored = await StoredFile.findByPk(file.fileId);
    if (!stored || stored.mimeType !== 'application/pdf') continue;
    const bytes = await readStoredFile(stored);
    const { content, source, truncated } = await readText(bytes, file.originalName);
    const folded = foldSearchText(content);
    try {
      await withTransaction(db(), {}, async (transaction) => {
        const now = new Date();
        await db().query(
          `INSERT INTO document_texts (documentKind, documentId, fileId, source, content,
             searchText, truncated, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          {
            replacements: [kind, documentId, file.id, source, content, folded, truncated, now, now],
            type: QueryTypes.INSERT,
            transaction,
          },
        );
        await afterEach?.(
          {
            agencyId: Number(file.agencyId),
            documentId,
            fileId: Number(file.id),
            role: file.role,
            version: Number(file.version),
            folded,
          },
          transaction,
        );
        await recordAudit(
          {
            action,
            userId: null,
            entityType: kind,
            entityId: documentId,
            details: { documentFileId: file.id, source, chars: content.length, truncated },
          },
          { transaction },
        );
      });
    } catch (err) {
      // Read meanwhile by another runner: its row stands.
      if (err instanceof UniqueConstraintError) continue;
      throw err;
    }
    read += 1;
  }
  return read;
}
