import type { ReadStream } from 'node:fs';
import { recordAudit } from '../audit/audit.service.js';
import type { DocumentComment, DocumentEvent } from '../documents/document.model.js';
import { listTrailAndComments } from '../documents/trail.service.js';
import { DocumentFile, StoredFile } from '../files/file.model.js';
import { openStoredFile } from '../files/file-storage.service.js';
import { AppError } from '../http/app-error.js';
import type { Actor } from '../http/request-context.js';
import { authorize } from '../policy/index.js';
import type { User } from '../users/user.model.js';
import { db } from '../db/index.js';
import { hydrate, prefixedColumns } from '../db/hydrate.js';
import { rawSelect } from '../db/raw-select.js';
import { requireVisibleIncoming, type IncomingAccess } from './incoming.access.js';
import type { IncomingAssignment } from './incoming.model.js';

export interface IncomingDetail {
  access: IncomingAccess;
  files: DocumentFile[];
  assignments: IncomingAssignment[];
  events: DocumentEvent[];
  comments: DocumentComment[];
  presentedTo: User | null;
  createdBy: User | null;
}

/** A document's files, oldest first, each with its stored content's record. */
async function readFiles(documentId: number): Promise<DocumentFile[]> {
  const rows = await rawSelect<Record<string, unknown>>(
    db(),
    `SELECT df.*, ${prefixedColumns('sf', Object.keys(StoredFile.getAttributes()))}
       FROM document_files df JOIN stored_files sf ON sf.id = df.fileId
      WHERE df.documentKind = 'incoming' AND df.documentId = ? ORDER BY df.id`,
    [documentId],
  );
  return rows.map((row) => {
    const documentFile = hydrate(DocumentFile, row);
    documentFile.file = hydrate(StoredFile, row, 'sf__');
    return documentFile;
  });
}

/**
 * Everything the detail page (or the API) shows of one document the user may see; every read is
 * recorded in the audit log as incoming.view (audit: false only for re-reads right after a
 * change the caller already audited). Read by hand: five SELECTs in two rounds (the trail and the comments in one), the audit row
 * written in the second: it is the page opened most after the lists.
 */
export async function getIncomingDetail(
  documentId: number,
  actor: Actor,
  { audit = true }: { audit?: boolean } = {},
): Promise<IncomingDetail> {
  const access = await requireVisibleIncoming(actor.user, documentId);
  const doc = access.document;
  // The view is recorded while the rest is read (the person may see the document): nothing is
  // returned before its audit row has committed, and a failed one fails the read.
  const [files, { events, comments }] = await Promise.all([
    readFiles(documentId),
    listTrailAndComments('incoming', documentId),
    audit &&
      recordAudit({
        action: 'incoming.view',
        userId: actor.user.id,
        ip: actor.ip,
        entityType: 'incoming',
        entityId: documentId,
      }),
  ]);
  return {
    access,
    files,
    assignments: access.assignments,
    events,
    comments,
    presentedTo: doc.presentedTo ?? null,
    createdBy: doc.createdBy ?? null,
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
