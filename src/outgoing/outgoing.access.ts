import { QueryTypes, type Transaction } from 'sequelize';
import { ApprovalFlow } from '../approvals/approval.model.js';
import { db } from '../db/index.js';
import { grantedUserIds } from '../documents/trail.service.js';
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

async function chainUserIds(documentId: number, transaction?: Transaction): Promise<number[]> {
  const rows = await db().query<{ assigneeId: number; actorId: number | null }>(
    `SELECT d.assigneeId, d.actorId FROM approval_decisions d
       JOIN approval_flows f ON f.id = d.flowId
      WHERE f.documentKind = 'outgoing' AND f.documentId = ?`,
    { replacements: [documentId], type: QueryTypes.SELECT, transaction },
  );
  const ids = new Set<number>();
  for (const r of rows) {
    ids.add(Number(r.assigneeId));
    if (r.actorId != null) ids.add(Number(r.actorId));
  }
  return [...ids];
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
  const [recipients, chain, grants, flow] = await Promise.all([
    OutgoingRecipient.findAll({
      where: { outgoingId: documentId },
      order: [['position', 'ASC']],
      transaction,
    }),
    chainUserIds(documentId, transaction),
    grantedUserIds('outgoing', documentId, { transaction }),
    ApprovalFlow.findOne({
      where: { documentKind: 'outgoing', documentId },
      order: [['id', 'DESC']],
      attributes: ['id', 'status'],
      transaction,
    }),
  ]);
  const signsByDelegation =
    document.signerId != null &&
    document.signerId !== user.id &&
    (await delegationFor(user.id, document.signerId, 'outgoing.sign', undefined, transaction)) !=
      null;
  return {
    document,
    recipients,
    chainUserIds: chain,
    grantUserIds: grants,
    flowStatus: flow?.status ?? null,
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
