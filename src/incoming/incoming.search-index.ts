/**
 * The text inside an incoming document's files, for search (issue 11 §1): read after
 * registration by a background job ('incoming-text', see documents/document-jobs.ts), never on
 * the request's path. A PDF's text layer is read by pdf.js in the file check pool; a file without
 * one (a scan) is recognised by Tesseract (files/ocr.ts). Each file's text goes into
 * document_texts with its folded form, and its terms into the search index
 * (incoming_search_terms, same transaction); the extraction is audited (which also tells the cached
 * list pages that a search may now find more).
 *
 *   enqueueIncomingText(documentId, userId, transaction)  — in the registering transaction
 *   registerIncomingTextJobs()  — this process runs the jobs (server.ts)
 *   indexIncomingTexts(documentId) → number of files read (what the job runs)
 *   documentTextsOf(documentId) → { texts, jobStatus } (the detail page)
 */
import { QueryTypes, UniqueConstraintError, type Transaction } from 'sequelize';
import { recordAudit } from '../audit/audit.service.js';
import { db } from '../db/index.js';
import { rawSelect } from '../db/raw-select.js';
import { withTransaction } from '../db/transaction.js';
import { enqueueJob, registerJobHandler } from '../documents/document-jobs.js';
import { readStoredFile } from '../files/file-storage.service.js';
import { StoredFile } from '../files/file.model.js';
import { ocrPdf, type OcrOptions } from '../files/ocr.js';
import { extractPdfTextOffThread } from '../files/pdf-check-pool.js';
import { AppError } from '../http/app-error.js';
import { foldSearchText } from './incoming.search-text.js';
import { writeSearchTerms } from './incoming.search-terms.js';
import type { Select } from '../db/select-together.js';

export const INCOMING_TEXT_JOB = 'incoming-text';
const MAX_CHARS = 1_000_000;
/**
 * Fewer letters than this per page on average: no text layer to speak of, read as a scan and
 * recognised (a scan may carry a stray word or two, a scanner's footer).
 */
const LETTERS_PER_PAGE = 5;

/** 'refused': the file was not read (a decompression bomb); the page says so, nothing retries. */
export type TextSource = 'text' | 'ocr' | 'refused';

export interface DocumentTextRow {
  fileId: number;
  originalName: string;
  source: TextSource;
  content: string;
  truncated: boolean;
}

/** Queues the reading of the document's files (runs once the caller's transaction commits). */
export async function enqueueIncomingText(
  documentId: number,
  userId: number | null,
  transaction: Transaction,
): Promise<void> {
  await enqueueJob(
    INCOMING_TEXT_JOB,
    { kind: 'incoming', id: documentId },
    {},
    userId,
    transaction,
  );
}

let ocrOptions: OcrOptions = {};
/** Limits of the recognition (tests may lower the resolution). */
export function configureIncomingOcr(options: OcrOptions): void {
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

/**
 * Reads every PDF of the document not read yet and stores its text; returns how many were read.
 * Each file's row and its audit row are written in one transaction; a file read twice (two
 * runners) keeps its first row (document_texts.fileId is unique).
 */
export async function indexIncomingTexts(documentId: number): Promise<number> {
  const files = await rawSelect<{
    id: number;
    fileId: number;
    originalName: string;
    agencyId: number;
  }>(
    db(),
    `SELECT f.id, f.fileId, f.originalName, d.agencyId FROM document_files f
       JOIN incoming_documents d ON d.id = f.documentId
      WHERE f.documentKind = 'incoming' AND f.documentId = ? AND f.role IN ('main', 'attachment')
        AND NOT EXISTS (SELECT 1 FROM document_texts t WHERE t.fileId = f.id)
      ORDER BY f.id`,
    [documentId],
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
             searchText, truncated, createdAt, updatedAt) VALUES ('incoming', ?, ?, ?, ?, ?, ?, ?, ?)`,
          {
            replacements: [documentId, file.id, source, content, folded, truncated, now, now],
            type: QueryTypes.INSERT,
            transaction,
          },
        );
        await writeSearchTerms(
          db(),
          [{ agencyId: Number(file.agencyId), documentId, folded }],
          'text',
          { transaction },
        );
        await recordAudit(
          {
            action: 'incoming.text_extract',
            userId: null,
            entityType: 'incoming',
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

/**
 * Makes this process run the reading of files (the server does at start; tests that want it call
 * it, and unregisterJobHandler(INCOMING_TEXT_JOB) after, so other tests' jobs are not held up).
 */
export function registerIncomingTextJobs(): void {
  registerJobHandler(INCOMING_TEXT_JOB, async (job) => {
    await indexIncomingTexts(job.documentId);
  });
}

/** What a document's page shows of the reading of its files: the texts read, in file order, and
 * the status of the latest reading job (queued, running, failed, done; null when none ran). */
export interface DocumentTexts {
  texts: DocumentTextRow[];
  jobStatus: string | null;
}

/**
 * The latest reading job's status of a document, as its own SELECT (as a sub-select of the files'
 * read it cost MariaDB more than the files themselves).
 */
export const textJobStatusSelect = (documentId: number): Select => ({
  sql: `SELECT j.status FROM document_jobs j WHERE j.documentKind = 'incoming'
     AND j.documentId = ? AND j.kind = ? ORDER BY j.id DESC LIMIT 1`,
  params: [documentId, INCOMING_TEXT_JOB],
});

/** A text read with a file's row (columns t__source, t__content, t__truncated), or null. */
export function documentTextOf(
  row: Record<string, unknown>,
  fileId: number,
  originalName: string,
): DocumentTextRow | null {
  if (row.t__source == null) return null;
  return {
    fileId,
    originalName,
    source: row.t__source === 'ocr' || row.t__source === 'refused' ? row.t__source : 'text',
    content: String(row.t__content),
    truncated: Boolean(Number(row.t__truncated)),
  };
}
