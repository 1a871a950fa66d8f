/**
 * The text inside an incoming document's files, for search (issue 11 §1): read after
 * registration by a background job ('incoming-text', see documents/document-jobs.ts), never on
 * the request's path (documents/document-texts.ts: pdf.js, or Tesseract for a scan). Each file's
 * text goes into document_texts with its folded form, and its terms into the search index
 * (incoming_search_terms, same transaction); the extraction is audited.
 *
 *   enqueueTextReading('incoming', …) — in the registering transaction (documents/document-texts.ts)
 *   registerIncomingTextJobs()  — this process runs the jobs (server.ts)
 *   indexIncomingTexts(documentId) → number of files read (what the job runs)
 *   documentTextsOf(documentId) → { texts, jobStatus } (the detail page)
 */
import { db } from '../db/index.js';
import { registerJobHandler } from '../documents/document-jobs.js';
import { readDocumentTexts, TEXT_JOBS, type DocumentTextRow } from '../documents/document-texts.js';
import { writeSearchTerms } from './incoming.search-terms.js';
import type { Select } from '../db/select-together.js';

export const INCOMING_TEXT_JOB = TEXT_JOBS.incoming;

export type { DocumentTextRow, DocumentTexts } from '../documents/document-texts.js';

/**
 * Reads every PDF of the document not read yet and stores its text, its terms going into the
 * search index in the same transaction; returns how many were read.
 */
export function indexIncomingTexts(documentId: number): Promise<number> {
  return readDocumentTexts('incoming', documentId, {
    action: 'incoming.text_extract',
    afterEach: (read, transaction) =>
      writeSearchTerms(
        db(),
        [{ agencyId: read.agencyId, documentId, folded: read.folded }],
        'text',
        { transaction },
      ),
  });
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
