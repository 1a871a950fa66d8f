import { QueryTypes, type Transaction } from 'sequelize';
import { db } from '../db/index.js';
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
}

/** Locks the row first (see incoming.access.ts: SQLite must take the write lock before reading). */
async function lockDocumentRow(documentId: number, transaction: Transaction): Promise<void> {
  await db().query('UPDATE outgoing_documents SET updatedAt = updatedAt WHERE id = ?', {
    replacements: [documentId],
    transaction,
  });
}

interface People {
  chainUserIds: number[];
  grantUserIds: number[];
  flowStatus: string | null;
}

/**
 * The people of the approval chain (asked or acting), those granted access and the latest approval
 * flow's status, in one statement: the access is loaded several times a request (the policy check,
 * the step's transaction, the answer), and each statement is a round trip.
 */
async function peopleOf(documentId: number, transaction?: Transaction): Promise<People> {
  const rows = await db().query<{
    k: string;
    a: number | null;
    b: number | null;
    s: string | null;
  }>(
    `SELECT 'c' AS k, d.assigneeId AS a, d.actorId AS b, NULL AS s FROM approval_decisions d
       JOIN approval_flows f ON f.id = d.flowId
      WHERE f.documentKind = 'outgoing' AND f.documentId = ?
     UNION ALL
     SELECT 'g', userId, NULL, NULL FROM document_grants
      WHERE documentKind = 'outgoing' AND documentId = ?
     UNION ALL
     SELECT 'f', NULL, NULL, status FROM (
       SELECT status FROM approval_flows
        WHERE documentKind = 'outgoing' AND documentId = ?
        ORDER BY id DESC LIMIT 1) latest`,
    { replacements: [documentId, documentId, documentId], type: QueryTypes.SELECT, transaction },
  );
  const chain = new Set<number>();
  const grants = new Set<number>();
  let flowStatus: string | null = null;
  for (const r of rows) {
    if (r.k === 'c') {
      chain.add(Number(r.a));
      if (r.b != null) chain.add(Number(r.b));
    } else if (r.k === 'g') grants.add(Number(r.a));
    else flowStatus = r.s;
  }
  return { chainUserIds: [...chain], grantUserIds: [...grants], flowStatus };
}

/** The access context of a document of the user's agency; null when missing or elsewhere. */
export async function loadOutgoingAccess(
  user: User,
  documentId: number,
  transaction?: Transaction,
): Promise<OutgoingAccess | null> {
  if (!Number.isSafeInteger(documentId) || documentId <= 0) return null;
  if (transaction) await lockDocumentRow(documentId, transaction);
  const document = await OutgoingDocument.findByPk(documentId, { transaction });
  if (!document || document.agencyId !== user.agencyId) return null;
  const [recipients, people] = await Promise.all([
    OutgoingRecipient.findAll({
      where: { outgoingId: documentId },
      order: [['position', 'ASC']],
      transaction,
    }),
    peopleOf(documentId, transaction),
  ]);
  const signsByDelegation =
    document.signerId != null &&
    document.signerId !== user.id &&
    (await delegationFor(user.id, document.signerId, 'outgoing.sign', undefined, transaction)) !=
      null;
  return {
    document,
    recipients,
    ...people,
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
