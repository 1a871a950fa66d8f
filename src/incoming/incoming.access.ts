import type { Transaction } from 'sequelize';
import { db } from '../db/index.js';
import { grantedUserIds } from '../documents/trail.service.js';
import { AppError } from '../http/app-error.js';
import { can } from '../policy/index.js';
import type { User } from '../users/user.model.js';
import { IncomingAssignment, IncomingDocument } from './incoming.model.js';

/**
 * What the incoming policy needs to decide about one document: the document, every assignment
 * of its handling chain and the users granted access to it.
 */
export interface IncomingAccess {
  document: IncomingDocument;
  assignments: IncomingAssignment[];
  grantUserIds: number[];
}

/** The access context plus the one assignment an action is about (assign, report, complete). */
export interface AssignmentAccess extends IncomingAccess {
  assignment: IncomingAssignment;
}

/**
 * Locks the document row for the rest of the transaction by writing it first: a row lock on
 * MariaDB (like SELECT … FOR UPDATE), and on SQLite the write lock taken before any read, since
 * SQLite refuses (SQLITE_BUSY) to upgrade a reading transaction while another writer waits.
 */
async function lockDocumentRow(documentId: number, transaction: Transaction): Promise<void> {
  await db().query('UPDATE incoming_documents SET updatedAt = updatedAt WHERE id = ?', {
    replacements: [documentId],
    transaction,
  });
}

/**
 * Loads the access context of a document of the user's own agency; null when it does not exist
 * or belongs to another agency (which must look the same to the user: 404).
 */
export async function loadIncomingAccess(
  user: User,
  documentId: number,
  transaction?: Transaction,
): Promise<IncomingAccess | null> {
  if (!Number.isSafeInteger(documentId) || documentId <= 0) return null;
  if (transaction) await lockDocumentRow(documentId, transaction);
  const document = await IncomingDocument.findByPk(documentId, { transaction });
  if (!document || document.agencyId !== user.agencyId) return null;
  const [assignments, grantUserIds] = await Promise.all([
    IncomingAssignment.findAll({ where: { documentId }, order: [['id', 'ASC']], transaction }),
    grantedUserIds('incoming', documentId, { transaction }),
  ]);
  return { document, assignments, grantUserIds };
}

/**
 * The access context of a document the user may see; 404 when it is missing, in another agency
 * or hidden from this user (a secret document's existence is not revealed).
 */
export async function requireVisibleIncoming(
  user: User,
  documentId: number,
  transaction?: Transaction,
): Promise<IncomingAccess> {
  const access = await loadIncomingAccess(user, documentId, transaction);
  if (!access || !can(user, 'incoming.view', access)) throw new AppError('INCOMING_NOT_FOUND', 404);
  return access;
}

/** One assignment of the document, or 404. */
export function assignmentOf(access: IncomingAccess, assignmentId: number): AssignmentAccess {
  const assignment = access.assignments.find((a) => a.id === assignmentId);
  if (!assignment) throw new AppError('ASSIGNMENT_NOT_FOUND', 404);
  return { ...access, assignment };
}
