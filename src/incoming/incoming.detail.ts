import type { ReadStream } from 'node:fs';
import { auditAccess, recordAudit } from '../audit/audit.service.js';
import type { DocumentComment, DocumentEvent } from '../documents/document.model.js';
import { trailAndCommentsOf, trailSelects } from '../documents/trail.service.js';
import { DocumentFile, StoredFile } from '../files/file.model.js';
import { openStoredFile } from '../files/file-storage.service.js';
import { AppError } from '../http/app-error.js';
import type { Actor } from '../http/request-context.js';
import { authorize } from '../policy/index.js';
import type { User } from '../users/user.model.js';
import {
  documentFilesPanel,
  documentFilesSelect,
  type DocumentFilesPanel,
} from '../records-files/records-files.panel.js';
import { hydrate, prefixedColumns } from '../db/hydrate.js';
import { answersSelect } from '../outgoing/outgoing.answers.js';
import type { Select } from '../db/select-together.js';
import {
  requireVisibleIncoming,
  requireVisibleIncomingWith,
  type IncomingAccess,
} from './incoming.access.js';
import type { IncomingAssignment } from './incoming.model.js';
import {
  documentTextOf,
  textJobStatusSelect,
  type DocumentTextRow,
  type DocumentTexts,
} from './incoming.search-index.js';

export interface IncomingDetail {
  access: IncomingAccess;
  files: DocumentFile[];
  assignments: IncomingAssignment[];
  events: DocumentEvent[];
  comments: DocumentComment[];
  presentedTo: User | null;
  createdBy: User | null;
  /** With `withTexts`: the texts read from the files and the reading job's status (the page). */
  texts: DocumentTexts | null;
  /** With `withTexts` (the page): the reader's records files holding it or open to it. */
  recordsFiles: DocumentFilesPanel | null;
  /** With `withTexts` (the page): the outgoing documents answering it (rows of answersSelect). */
  answerRows: Record<string, unknown>[];
}

/**
 * The SELECT of a document's files, oldest first, each with its stored content's record; with
 * `withTexts`, the text read from each file (one row per file: a file has at most one text).
 */
function filesSelect(documentId: number, withTexts: boolean): Select {
  const textColumns = withTexts
    ? ', t.source AS t__source, t.content AS t__content, t.truncated AS t__truncated'
    : '';
  const textJoin = withTexts
    ? `LEFT JOIN document_texts t ON t.fileId = df.id AND t.documentKind = 'incoming'`
    : '';
  return {
    sql: `SELECT df.*, ${prefixedColumns('sf', Object.keys(StoredFile.getAttributes()))}${textColumns}
       FROM document_files df JOIN stored_files sf ON sf.id = df.fileId ${textJoin}
      WHERE df.documentKind = 'incoming' AND df.documentId = ? ORDER BY df.id`,
    params: [documentId],
  };
}

/** The files read by filesSelect; with `jobRows`, their texts and the reading job's status. */
function filesOf(
  rows: Record<string, unknown>[],
  jobRows: Record<string, unknown>[] | null,
): { files: DocumentFile[]; texts: DocumentTexts | null } {
  const read: DocumentTextRow[] = [];
  const files = rows.map((row) => {
    const documentFile = hydrate(DocumentFile, row);
    documentFile.file = hydrate(StoredFile, row, 'sf__');
    const text = jobRows && documentTextOf(row, documentFile.id, documentFile.originalName);
    if (text) read.push(text);
    return documentFile;
  });
  if (!jobRows) return { files, texts: null };
  // No file, no reading to speak of.
  const jobStatus = rows.length && jobRows[0]?.status != null ? String(jobRows[0].status) : null;
  return { files, texts: { texts: read, jobStatus } };
}

/**
 * Everything the detail page (or the API) shows of one document the user may see; every read is
 * recorded in the audit log as incoming.view (audit: false only for re-reads right after a
 * change the caller already audited). The document, its assignments, files (with their texts for
 * the page), trail and comments are read in one round trip (selectTogether), the audit row is
 * written once the person is known to be allowed, before anything is returned: it is the page
 * opened most after the lists.
 */
export async function getIncomingDetail(
  documentId: number,
  actor: Actor,
  { audit = true, withTexts = false }: { audit?: boolean; withTexts?: boolean } = {},
): Promise<IncomingDetail> {
  const filesPanel = withTexts ? documentFilesSelect(actor.user, 'incoming', documentId) : null;
  const {
    access,
    rows: [fileRows, eventRows, commentRows, jobRows, panelRows, answerRows],
  } = await requireVisibleIncomingWith(actor.user, documentId, [
    filesSelect(documentId, withTexts),
    ...trailSelects('incoming', documentId),
    ...(withTexts ? [textJobStatusSelect(documentId), filesPanel!, answersSelect(documentId)] : []),
  ]);
  if (audit) await auditAccess('incoming.view', actor, 'incoming', documentId);
  const doc = access.document;
  const { files, texts } = filesOf(fileRows, withTexts ? jobRows : null);
  const { events, comments } = trailAndCommentsOf(eventRows, commentRows);
  return {
    access,
    files,
    assignments: access.assignments,
    events,
    comments,
    presentedTo: doc.presentedTo ?? null,
    createdBy: doc.createdBy ?? null,
    texts,
    recordsFiles: filesPanel
      ? documentFilesPanel(actor.user, 'incoming', documentId, panelRows)
      : null,
    answerRows: answerRows ?? [],
  };
}

/**
 * Opens one file of a document the user may see, recording the download (incoming.download)
 * before any byte leaves; 404 for a file of another document.
 */
export async function openIncomingFile(
  documentId: number,
  documentFileId: number,
  actor: Actor,
): Promise<{ documentFile: DocumentFile; storedFile: StoredFile; stream: ReadStream }> {
  const access = await requireVisibleIncoming(actor.user, documentId);
  authorize(actor.user, 'incoming.download', access);
  const documentFile = Number.isSafeInteger(documentFileId)
    ? await DocumentFile.findOne({
        where: { id: documentFileId, documentKind: 'incoming', documentId },
        include: [{ model: StoredFile, as: 'file' }],
      })
    : null;
  if (!documentFile?.file) throw new AppError('FILE_NOT_FOUND', 404);
  const stream = await openStoredFile(documentFile.file);
  await recordAudit({
    action: 'incoming.download',
    userId: actor.user.id,
    ip: actor.ip,
    entityType: 'incoming',
    entityId: documentId,
    details: { documentFileId, sha256: documentFile.file.sha256, name: documentFile.originalName },
  });
  return { documentFile, storedFile: documentFile.file, stream };
}
