import type { Transaction } from 'sequelize';
import { todayInVietnam } from '../calendar/working-days.js';
import { db } from '../db/index.js';
import { hydrate } from '../db/hydrate.js';
import { rawSelect } from '../db/raw-select.js';
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
  await db().query('UPDATE outgoing_documents SET updatedAt = updatedAt WHERE id = ?', {
    replacements: [documentId],
    transaction,
  });
}

/**
 * The document with what the policy needs beside it, in one statement: the latest approval
 * flow's status, the people its chains asked or who acted (GROUP_CONCAT on both databases), those
 * granted access, and whether the user holds any delegation from its signer valid today (only
 * then is the delegation read in full). The access is read several times a request (the policy
 * check, the step's transaction), and each statement is a round trip.
 */
async function readDocument(
  user: User,
  documentId: number,
  day: string,
  transaction?: Transaction,
): Promise<{
  document: OutgoingDocument;
  people: People;
  files: Pick<OutgoingAccess, 'latestMainFileId' | 'latestSignedFileId'>;
  maybeDelegated: boolean;
} | null> {
  const [row] = await rawSelect<Record<string, unknown>>(
    db(),
    `SELECT d.*,
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
     FROM outgoing_documents d WHERE d.id = ?`,
    [user.id, day, day, documentId],
    transaction,
  );
  if (!row) return null;
  const ids = (value: unknown) =>
    value == null || value === '' ? [] : String(value).split(',').map(Number);
  return {
    document: hydrate(OutgoingDocument, row),
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
  };
}

async function readRecipients(
  documentId: number,
  transaction?: Transaction,
): Promise<OutgoingRecipient[]> {
  const rows = await rawSelect<Record<string, unknown>>(
    db(),
    'SELECT * FROM outgoing_recipients WHERE outgoingId = ? ORDER BY position',
    [documentId],
    transaction,
  );
  return rows.map((row) => hydrate(OutgoingRecipient, row));
}

interface People {
  chainUserIds: number[];
  grantUserIds: number[];
  flowStatus: string | null;
}

/**
 * The access context of a document of the user's agency; null when missing or elsewhere. Read by
 * hand: the document with its people in one statement, its recipients in another (in one round
 * outside a transaction; what is read of a document the user may not reach is dropped unseen).
 */
export async function loadOutgoingAccess(
  user: User,
  documentId: number,
  transaction?: Transaction,
): Promise<OutgoingAccess | null> {
  if (!Number.isSafeInteger(documentId) || documentId <= 0) return null;
  if (transaction) await lockDocumentRow(documentId, transaction);
  const day = todayInVietnam();
  const [read, recipients] = await Promise.all([
    readDocument(user, documentId, day, transaction),
    readRecipients(documentId, transaction),
  ]);
  if (!read || read.document.agencyId !== user.agencyId) return null;
  const { document } = read;
  // The delegation is read in full (its actions, its parent's validity) only when one exists.
  const signsByDelegation =
    document.signerId != null &&
    document.signerId !== user.id &&
    read.maybeDelegated &&
    (await delegationFor(user.id, document.signerId, 'outgoing.sign', day, transaction)) != null;
  return {
    document,
    recipients,
    ...read.people,
    ...read.files,
    signsByDelegation,
  };
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
