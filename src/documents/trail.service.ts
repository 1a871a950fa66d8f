import type { TxOptions } from '../db/transaction.js';
import { User } from '../users/user.model.js';
import {
  DocumentComment,
  DocumentEvent,
  DocumentGrant,
  type DocumentKind,
} from './document.model.js';

export interface TrailEventInput {
  kind: DocumentKind;
  documentId: number;
  actorId: number | null;
  action: string;
  note?: string | null;
  data?: Record<string, unknown> | null;
}

/** Appends one step to a document's processing trail (in the caller's transaction). */
export async function addTrailEvent(
  input: TrailEventInput,
  options?: TxOptions,
): Promise<DocumentEvent> {
  return DocumentEvent.create(
    {
      documentKind: input.kind,
      documentId: input.documentId,
      actorId: input.actorId,
      action: input.action,
      note: input.note ?? null,
      data: input.data ? JSON.stringify(input.data) : null,
    },
    { transaction: options?.transaction ?? undefined },
  );
}

/** A document's trail, oldest first, with each actor. */
export async function listTrail(kind: DocumentKind, documentId: number): Promise<DocumentEvent[]> {
  return DocumentEvent.findAll({
    where: { documentKind: kind, documentId },
    include: [{ model: User, as: 'actor', attributes: ['id', 'fullName', 'positionTitle'] }],
    order: [['id', 'ASC']],
  });
}

export async function addComment(
  kind: DocumentKind,
  documentId: number,
  authorId: number,
  body: string,
  options?: TxOptions,
): Promise<DocumentComment> {
  return DocumentComment.create(
    { documentKind: kind, documentId, authorId, body },
    { transaction: options?.transaction ?? undefined },
  );
}

/** A document's comments, oldest first, with each author. */
export async function listComments(
  kind: DocumentKind,
  documentId: number,
): Promise<DocumentComment[]> {
  return DocumentComment.findAll({
    where: { documentKind: kind, documentId },
    include: [{ model: User, as: 'author', attributes: ['id', 'fullName', 'positionTitle'] }],
    order: [['id', 'ASC']],
  });
}

/** The users granted access to a document beyond its handling chain. */
export async function grantedUserIds(
  kind: DocumentKind,
  documentId: number,
  options?: TxOptions,
): Promise<number[]> {
  const rows = await DocumentGrant.findAll({
    where: { documentKind: kind, documentId },
    attributes: ['userId'],
    transaction: options?.transaction ?? undefined,
  });
  return rows.map((r) => r.userId);
}

/** Grants one user access to one document (idempotent). */
export async function grantAccess(
  kind: DocumentKind,
  documentId: number,
  userId: number,
  grantedById: number,
  options?: TxOptions,
): Promise<void> {
  const transaction = options?.transaction ?? undefined;
  const existing = await DocumentGrant.findOne({
    where: { documentKind: kind, documentId, userId },
    transaction,
  });
  if (!existing)
    await DocumentGrant.create(
      { documentKind: kind, documentId, userId, grantedById },
      { transaction },
    );
}
