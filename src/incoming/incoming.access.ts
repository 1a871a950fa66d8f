import type { Transaction } from 'sequelize';
import { Department } from '../agencies/agency.model.js';
import { db } from '../db/index.js';
import { hydrate, prefixedColumns } from '../db/hydrate.js';
import { selectTogether, type Select } from '../db/select-together.js';
import { AppError } from '../http/app-error.js';
import { can } from '../policy/index.js';
import { User } from '../users/user.model.js';
import { IncomingAssignment, IncomingDocument } from './incoming.model.js';

/**
 * What the incoming policy needs to decide about one document: the document, every assignment
 * of its handling chain and the users granted access to it. The document comes with the people
 * it names (presentedTo, createdBy) and each assignment with its assignee, the person who
 * assigned it and the assigned department, as the detail page and the API show them.
 */
export interface IncomingAccess {
  document: IncomingDocument;
  assignments: IncomingAssignment[];
  grantUserIds: number[];
  /** The name of the register the document is numbered in (the detail page shows it). */
  registerName?: string | null;
  /** That register's series ('' ordinary, 'secret'…) and year: its name in the reader's language. */
  registerSeries?: string | null;
  registerYear?: number | null;
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

// What a page shows of a person named on a document.
const PERSON = ['id', 'fullName', 'positionTitle', 'departmentId'] as const;

/** The document with the people it names and its register's name. */
function documentSelect(documentId: number): Select {
  return {
    sql: `SELECT d.*, ${prefixedColumns('pt', PERSON)}, ${prefixedColumns('cb', PERSON)},
            rg.name AS registerName, rg.series AS registerSeries, rg.year AS registerYear
       FROM incoming_documents d
       LEFT JOIN users pt ON pt.id = d.presentedToId
       LEFT JOIN users cb ON cb.id = d.createdById
       LEFT JOIN registers rg ON rg.id = d.registerId
      WHERE d.id = ?`,
    params: [documentId],
  };
}

/**
 * The users granted access to the document: its own SELECT, read with the document's (as a
 * sub-select of it, it cost MariaDB more than the document's row and joins together).
 */
function grantsSelect(documentId: number): Select {
  return {
    sql: `SELECT userId FROM document_grants WHERE documentKind = 'incoming' AND documentId = ?`,
    params: [documentId],
  };
}

function documentOf(
  row: Record<string, unknown> | undefined,
  grantRows: Record<string, unknown>[],
) {
  if (!row) return null;
  const document = hydrate(IncomingDocument, row);
  document.presentedTo = hydrate(User, row, 'pt__', true) ?? undefined;
  document.createdBy = hydrate(User, row, 'cb__', true) ?? undefined;
  const grantUserIds = grantRows.map((grant) => Number(grant.userId));
  const registerName = row.registerName == null ? null : String(row.registerName);
  const registerSeries = row.registerSeries == null ? null : String(row.registerSeries);
  const registerYear = row.registerYear == null ? null : Number(row.registerYear);
  return { document, grantUserIds, registerName, registerSeries, registerYear };
}

function assignmentsSelect(documentId: number): Select {
  return {
    sql: `SELECT a.*, ${prefixedColumns('au', PERSON)}, ${prefixedColumns('ab', PERSON)},
            ${prefixedColumns('ad', ['id', 'name', 'abbreviation'])}
       FROM incoming_assignments a
       LEFT JOIN users au ON au.id = a.assigneeUserId
       LEFT JOIN users ab ON ab.id = a.assignedById
       LEFT JOIN departments ad ON ad.id = a.assigneeDepartmentId
      WHERE a.documentId = ? ORDER BY a.id`,
    params: [documentId],
  };
}

function assignmentsOf(rows: Record<string, unknown>[]): IncomingAssignment[] {
  return rows.map((row) => {
    const assignment = hydrate(IncomingAssignment, row);
    assignment.assigneeUser = hydrate(User, row, 'au__', true) ?? undefined;
    assignment.assignedBy = hydrate(User, row, 'ab__', true) ?? undefined;
    assignment.assigneeDepartment = hydrate(Department, row, 'ad__', true) ?? undefined;
    return assignment;
  });
}

/**
 * Reads a document's access context together with other SELECTs about it, in one round trip
 * (selectTogether): what is read of a document the user may not reach is dropped unseen. The
 * access is null when the document does not exist or belongs to another agency (which must look
 * the same to the user: 404); `rows` are the other SELECTs' rows, in order (none then).
 */
export async function readIncomingWith(
  user: User,
  documentId: number,
  others: Select[],
  transaction?: Transaction,
): Promise<{ access: IncomingAccess | null; rows: Record<string, unknown>[][] }> {
  if (!Number.isSafeInteger(documentId) || documentId <= 0)
    return { access: null, rows: others.map(() => []) };
  if (transaction) await lockDocumentRow(documentId, transaction);
  const [documentRows, grantRows, assignmentRows, ...rows] = await selectTogether(
    db(),
    [
      documentSelect(documentId),
      grantsSelect(documentId),
      assignmentsSelect(documentId),
      ...others,
    ],
    transaction,
  );
  const read = documentOf(documentRows[0], grantRows);
  if (!read || read.document.agencyId !== user.agencyId)
    return { access: null, rows: others.map(() => []) };
  return { access: { ...read, assignments: assignmentsOf(assignmentRows) }, rows };
}

/**
 * Loads the access context of a document of the user's own agency; null when it does not exist
 * or belongs to another agency (which must look the same to the user: 404). Read by hand: every
 * view of a document and every action on one starts here.
 */
export async function loadIncomingAccess(
  user: User,
  documentId: number,
  transaction?: Transaction,
): Promise<IncomingAccess | null> {
  return (await readIncomingWith(user, documentId, [], transaction)).access;
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
  return (await requireVisibleIncomingWith(user, documentId, [], transaction)).access;
}

/** requireVisibleIncoming with other SELECTs about the document read in the same round trip. */
export async function requireVisibleIncomingWith(
  user: User,
  documentId: number,
  others: Select[],
  transaction?: Transaction,
): Promise<{ access: IncomingAccess; rows: Record<string, unknown>[][] }> {
  const { access, rows } = await readIncomingWith(user, documentId, others, transaction);
  if (!access || !can(user, 'incoming.view', access)) throw new AppError('INCOMING_NOT_FOUND', 404);
  return { access, rows };
}

/** One assignment of the document, or 404. */
export function assignmentOf(access: IncomingAccess, assignmentId: number): AssignmentAccess {
  const assignment = access.assignments.find((a) => a.id === assignmentId);
  if (!assignment) throw new AppError('ASSIGNMENT_NOT_FOUND', 404);
  return { ...access, assignment };
}
