import type { ReadStream } from 'node:fs';
import { Department } from '../agencies/agency.model.js';
import { recordAudit } from '../audit/audit.service.js';
import type { DocumentComment, DocumentEvent } from '../documents/document.model.js';
import { listComments, listTrail } from '../documents/trail.service.js';
import { DocumentFile, StoredFile } from '../files/file.model.js';
import { openStoredFile } from '../files/file-storage.service.js';
import { AppError } from '../http/app-error.js';
import type { Actor } from '../http/request-context.js';
import { authorize } from '../policy/index.js';
import { User } from '../users/user.model.js';
import { requireVisibleIncoming, type IncomingAccess } from './incoming.access.js';
import { IncomingAssignment } from './incoming.model.js';

export interface IncomingDetail {
  access: IncomingAccess;
  files: DocumentFile[];
  assignments: IncomingAssignment[];
  events: DocumentEvent[];
  comments: DocumentComment[];
  presentedTo: User | null;
  createdBy: User | null;
}

const person = ['id', 'fullName', 'positionTitle', 'departmentId'];

/**
 * Everything the detail page (or the API) shows of one document the user may see; every read is
 * recorded in the audit log as incoming.view (audit: false only for re-reads right after a
 * change the caller already audited).
 */
export async function getIncomingDetail(
  documentId: number,
  actor: Actor,
  { audit = true }: { audit?: boolean } = {},
): Promise<IncomingDetail> {
  const access = await requireVisibleIncoming(actor.user, documentId);
  const doc = access.document;
  const [files, assignments, events, comments, presentedTo, createdBy] = await Promise.all([
    DocumentFile.findAll({
      where: { documentKind: 'incoming', documentId },
      include: [{ model: StoredFile, as: 'file' }],
      order: [['id', 'ASC']],
    }),
    IncomingAssignment.findAll({
      where: { documentId },
      include: [
        { model: User, as: 'assigneeUser', attributes: person },
        { model: User, as: 'assignedBy', attributes: person },
        { model: Department, as: 'assigneeDepartment', attributes: ['id', 'name', 'abbreviation'] },
      ],
      order: [['id', 'ASC']],
    }),
    listTrail('incoming', documentId),
    listComments('incoming', documentId),
    doc.presentedToId ? User.findByPk(doc.presentedToId, { attributes: person }) : null,
    User.findByPk(doc.createdById, { attributes: person }),
  ]);
  if (!audit) return { access, files, assignments, events, comments, presentedTo, createdBy };
  await recordAudit({
    action: 'incoming.view',
    userId: actor.user.id,
    ip: actor.ip,
    entityType: 'incoming',
    entityId: documentId,
  });
  return { access, files, assignments, events, comments, presentedTo, createdBy };
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
