import type { Transaction } from 'sequelize';
import { todayInVietnam } from '../calendar/working-days.js';
import { db } from '../db/index.js';
import { hydrate } from '../db/hydrate.js';
import { rawWrite } from '../db/raw-write.js';
import { selectTogether, type Select } from '../db/select-together.js';
import { AppError } from '../http/app-error.js';
import { can } from '../policy/index.js';
import { delegationFor } from '../users/delegations.service.js';
import type { User } from '../users/user.model.js';
import { OutgoingDocument, OutgoingRecipient } from './outgoing.model.js';

/**
 * What the outgoing policy needs to decide about one document for one user: the document, its
 * recipients, the people of its approval chain (asked or acting), those granted access, and
 * whether the user signs it for its intended signer under a delegation valid today.
 */
export interface OutgoingAccess {
  document: OutgoingDocument;
  recipients: OutgoingRecipient[];
  chainUserIds: number[];
  grantUserIds: number[];
  /** The latest approval flow's status (null before the first submission). */
  flowStatus: string | null;
  /** The user is the intended signer's delegate for 'outgoing.sign' today (KT., Q., TL., TUQ.). */
  signsByDelegation: boolean;
  /** The latest main version's file row (null without one): a step checks nothing changed. */
  latestMainFileId: number | null;
  /** The latest signed revision's file row (the leader's, then the seal's once issued). */
  latestSignedFileId: number | null;
}

/** Locks the row first (see incoming.access.ts: SQLite must take the write lock before reading). */
async function lockDocumentRow(documentId: number, transaction: Transaction): Promise<void> {
  await rawWrite(
    db(),
    'UPDATE outgoing_documents SET updatedAt = updatedAt WHERE id = ?',
    [documentId],
    transaction,
  );
}

interface DocumentRead {
  document: OutgoingDocument;
  people: People;
  files: Pick<OutgoingAccess, 'latestMainFileId' | 'latestSignedFileId'>;
  maybeDelegated: boolean;
}

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/**
 * The documents with what the policy needs beside each, in one statement: the latest approval
 * flow's status, the people its chains asked or who acted (GROUP_CONCAT on both databases), those
 * granted access, the latest main version's and signed revision's file ids, and whether the user
 * holds any delegation from its signer valid today (only then is the delegation read in full).
 * The access is read several times a request (the policy check, the step's transaction), and
 * each statement is a round trip.
 */
function documentsSelect(user: User, documentIds: number[], day: string): Select {
  return {
    sql: `SELECT d.*,
       (SELECT f.status FROM approval_flows f
         WHERE f.documentKind = 'outgoing' AND f.documentId = d.id
         ORDER BY f.id DESC LIMIT 1) AS x__flowStatus,
       (SELECT GROUP_CONCAT(c.assigneeId) FROM approval_decisions c
          JOIN approval_flows f ON f.id = c.flowId
         WHERE f.documentKind = 'outgoing' AND f.documentId = d.id) AS x__assignees,
       (SELECT GROUP_CONCAT(c.actorId) FROM approval_decisions c
          JOIN approval_flows f ON f.id = c.flowId
         WHERE f.documentKind = 'outgoing' AND f.documentId = d.id
           AND c.actorId IS NOT NULL) AS x__actors,
       (SELECT GROUP_CONCAT(g.userId) FROM document_grants g
         WHERE g.documentKind = 'outgoing' AND g.documentId = d.id) AS x__grants,
       (SELECT m.id FROM document_files m
         WHERE m.documentKind = 'outgoing' AND m.documentId = d.id AND m.role = 'main'
         ORDER BY m.version DESC LIMIT 1) AS x__mainFileId,
       (SELECT MAX(sg.id) FROM document_files sg
         WHERE sg.documentKind = 'outgoing' AND sg.documentId = d.id AND sg.role = 'signed')
         AS x__signedFileId,
       (SELECT COUNT(*) FROM delegations dl
         WHERE dl.delegateId = ? AND dl.principalId = d.signerId AND dl.revokedAt IS NULL
           AND dl.startsOn <= ? AND dl.endsOn >= ?) AS x__delegations
     FROM outgoing_documents d WHERE d.id IN (${placeholders(documentIds.length)})`,
    params: [user.id, day, day, ...documentIds],
  };
}

/** documentsSelect's rows, by document id. */
function documentsOf(rows: Record<string, unknown>[]): Map<number, DocumentRead> {
  const ids = (value: unknown) =>
    value == null || value === '' ? [] : String(value).split(',').map(Number);
  const read = new Map<number, DocumentRead>();
  for (const row of rows) {
    const document = hydrate(OutgoingDocument, row);
    read.set(document.id, {
      document,
      people: {
        chainUserIds: [...new Set([...ids(row.x__assignees), ...ids(row.x__actors)])],
        grantUserIds: [...new Set(ids(row.x__grants))],
        flowStatus: row.x__flowStatus == null ? null : String(row.x__flowStatus),
      },
      files: {
        latestMainFileId: row.x__mainFileId == null ? null : Number(row.x__mainFileId),
        latestSignedFileId: row.x__signedFileId == null ? null : Number(row.x__signedFileId),
      },
      maybeDelegated: Number(row.x__delegations ?? 0) > 0,
    });
  }
  return read;
}

/** The documents' recipients, each document's in their order. */
function recipientsSelect(documentIds: number[]): Select {
  return {
    sql: `SELECT * FROM outgoing_recipients WHERE outgoingId IN (${placeholders(documentIds.length)})
      ORDER BY outgoingId, position`,
    params: documentIds,
  };
}

/** recipientsSelect's rows, by document id. */
function recipientsOf(rows: Record<string, unknown>[]): Map<number, OutgoingRecipient[]> {
  const byDocument = new Map<number, OutgoingRecipient[]>();
  for (const row of rows) {
    const recipient = hydrate(OutgoingRecipient, row);
    const list = byDocument.get(recipient.outgoingId) ?? [];
    list.push(recipient);
    byDocument.set(recipient.outgoingId, list);
  }
  return byDocument;
}

interface People {
  chainUserIds: number[];
  grantUserIds: number[];
  flowStatus: string | null;
}

/**
 * The access contexts of documents of the user's agency, by id (those missing or elsewhere are
 * left out). Read by hand: the documents with their people in one statement, their recipients in
 * another (one round trip outside a transaction: selectTogether; what is read of a document the
 * user may not reach is dropped unseen).
 */
export async function loadOutgoingAccesses(
  user: User,
  documentIds: number[],
  transaction?: Transaction,
): Promise<Map<number, OutgoingAccess>> {
  const ids = [...new Set(documentIds)].filter((id) => Number.isSafeInteger(id) && id > 0);
  const accesses = new Map<number, OutgoingAccess>();
  if (!ids.length) return accesses;
  const day = todayInVietnam();
  const [documentRows, recipientRows] = await selectTogether(
    db(),
    [documentsSelect(user, ids, day), recipientsSelect(ids)],
    transaction,
  );
  const documents = documentsOf(documentRows);
  const recipients = recipientsOf(recipientRows);
  for (const id of ids) {
    const read = documents.get(id);
    if (!read || read.document.agencyId !== user.agencyId) continue;
    const { document } = read;
    // The delegation is read in full (its actions, its parent's validity) only when one exists.
    const signsByDelegation =
      document.signerId != null &&
      document.signerId !== user.id &&
      read.maybeDelegated &&
      (await delegationFor(user.id, document.signerId, 'outgoing.sign', day, transaction)) != null;
    accesses.set(id, {
      document,
      recipients: recipients.get(id) ?? [],
      ...read.people,
      ...read.files,
      signsByDelegation,
    });
  }
  return accesses;
}

/** The access context of a document of the user's agency; null when missing or elsewhere. */
export async function loadOutgoingAccess(
  user: User,
  documentId: number,
  transaction?: Transaction,
): Promise<OutgoingAccess | null> {
  if (!Number.isSafeInteger(documentId) || documentId <= 0) return null;
  if (transaction) await lockDocumentRow(documentId, transaction);
  return (await loadOutgoingAccesses(user, [documentId], transaction)).get(documentId) ?? null;
}

/** The access context of a document the user may see; 404 otherwise (its existence is hidden). */
export async function requireVisibleOutgoing(
  user: User,
  documentId: number,
  transaction?: Transaction,
): Promise<OutgoingAccess> {
  const access = await loadOutgoingAccess(user, documentId, transaction);
  if (!access || !can(user, 'outgoing.view', access)) throw new AppError('OUTGOING_NOT_FOUND', 404);
  return access;
}
