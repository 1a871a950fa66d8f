/**
 * The text inside an outgoing document's files, for its search (SPEC 3.6: full text, as the
 * incoming lists have it): the current version of the main file and the attachments, read by a
 * background job queued whenever one is added (documents/document-texts.ts). When a newer
 * version of the main file is read, the older versions' texts go: a search finds what the
 * document says now, not what an earlier draft said.
 *
 *   enqueueTextReading('outgoing', …) — with each file added (documents/document-texts.ts)
 *   registerOutgoingTextJobs() — this process runs the jobs (serve.ts)
 *   indexOutgoingTexts(documentId) → number of files read (what the job runs)
 *   outgoingTextsOf(documentId) → { texts, jobStatus } (the detail page)
 */
import type { Transaction } from 'sequelize';
import { db } from '../db/index.js';
import { registerJobHandler } from '../documents/document-jobs.js';
import { rawSelect } from '../db/raw-select.js';
import { readDocumentTexts, TEXT_JOBS, type DocumentTexts } from '../documents/document-texts.js';

export const OUTGOING_TEXT_JOB = TEXT_JOBS.outgoing;

/**
 * Drops the texts of every version of the document's main file but the latest, in the
 * transaction that stored a text: also the text a slow runner stores for a version that a newer
 * one replaced meanwhile (it removes its own row then).
 */
export async function dropOlderMainTexts(
  documentId: number,
  transaction: Transaction,
): Promise<void> {
  await db().query(
    `DELETE FROM document_texts WHERE documentKind = 'outgoing' AND documentId = ?
       AND fileId IN (SELECT id FROM document_files WHERE documentKind = 'outgoing'
         AND documentId = ? AND role = 'main' AND version < (SELECT MAX(m.version)
           FROM document_files m WHERE m.documentKind = 'outgoing' AND m.documentId = ?
             AND m.role = 'main'))`,
    { replacements: [documentId, documentId, documentId], transaction },
  );
}

/** Reads the document's files not read yet: its attachments and its main file's latest version. */
export function indexOutgoingTexts(documentId: number): Promise<number> {
  return readDocumentTexts('outgoing', documentId, {
    action: 'outgoing.text_extract',
    filesWhere: `f.role = 'attachment' OR f.version = (SELECT MAX(m.version) FROM document_files m
      WHERE m.documentKind = 'outgoing' AND m.documentId = f.documentId AND m.role = 'main')`,
    afterEach: async (read, transaction) => {
      if (read.role === 'main') await dropOlderMainTexts(documentId, transaction);
    },
  });
}

/** Makes this process run the reading of outgoing files (the server does at start). */
export function registerOutgoingTextJobs(): void {
  registerJobHandler(OUTGOING_TEXT_JOB, async (job) => {
    await indexOutgoingTexts(job.documentId);
  });
}

/** The texts read from the document's files, in file order, and the latest reading's status. */
export async function outgoingTextsOf(documentId: number): Promise<DocumentTexts> {
  const [texts, jobs] = await Promise.all([
    rawSelect<Record<string, unknown>>(
      db(),
      `SELECT t.fileId, f.originalName, t.source, t.content, t.truncated FROM document_texts t
         JOIN document_files f ON f.id = t.fileId
        WHERE t.documentKind = 'outgoing' AND t.documentId = ? ORDER BY f.id`,
      [documentId],
    ),
    rawSelect<{ status: unknown }>(
      db(),
      `SELECT status FROM document_jobs WHERE documentKind = 'outgoing' AND documentId = ?
          AND kind = ? ORDER BY id DESC LIMIT 1`,
      [documentId, OUTGOING_TEXT_JOB],
    ),
  ]);
  return {
    texts: texts.map((t) => ({
      fileId: Number(t.fileId),
      originalName: String(t.originalName),
      source: t.source === 'ocr' || t.source === 'refused' ? t.source : 'text',
      content: String(t.content),
      truncated: Boolean(Number(t.truncated)),
    })),
    jobStatus: jobs[0]?.status == null ? null : String(jobs[0].status),
  };
}
