import { db } from '../db/index.js';
import { hydrate, prefixedColumns } from '../db/hydrate.js';
import { rawSelect } from '../db/raw-select.js';
import type { Select } from '../db/select-together.js';
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

// What a timeline shows of the person who acted or wrote.
const SIGNATORY = ['id', 'fullName', 'positionTitle'] as const;

/** A document's rows of one table, oldest first, each with the person its column names. */
async function rowsWithPerson(
  table: 'document_events' | 'document_comments',
  personColumn: 'actorId' | 'authorId',
  kind: DocumentKind,
  documentId: number,
): Promise<{ row: Record<string, unknown>; person: User | undefined }[]> {
  const rows = await rawSelect<Record<string, unknown>>(
    db(),
    `SELECT t.*, ${prefixedColumns('p', SIGNATORY)} FROM ${table} t
       LEFT JOIN users p ON p.id = t.${personColumn}
      WHERE t.documentKind = ? AND t.documentId = ? ORDER BY t.id`,
    [kind, documentId],
  );
  return rows.map((row) => ({ row, person: hydrate(User, row, 'p__', true) ?? undefined }));
}

/** A document's trail, oldest first, with each actor (read on every view of a document). */
export async function listTrail(kind: DocumentKind, documentId: number): Promise<DocumentEvent[]> {
  const rows = await rowsWithPerson('document_events', 'actorId', kind, documentId);
  return rows.map(({ row, person }) =>
    Object.assign(hydrate(DocumentEvent, row), { actor: person }),
  );
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
  const rows = await rowsWithPerson('document_comments', 'authorId', kind, documentId);
  return rows.map(({ row, person }) =>
    Object.assign(hydrate(DocumentComment, row), { author: person }),
  );
}

/**
 * The SELECT of a document's trail and comments together (the detail page reads both on every
 * view): the two tables' rows side by side (UNION ALL), each with its person.
 */
export function trailAndCommentsSelect(kind: DocumentKind, documentId: number): Select {
  return {
    sql: `SELECT u.*, ${prefixedColumns('p', SIGNATORY)} FROM (
       SELECT 'e' AS rowKind, id, documentKind, documentId, actorId AS personId, action, note,
              data, NULL AS body, createdAt, updatedAt
         FROM document_events WHERE documentKind = ? AND documentId = ?
       UNION ALL
       SELECT 'c', id, documentKind, documentId, authorId, NULL, NULL, NULL, body, createdAt,
              updatedAt
         FROM document_comments WHERE documentKind = ? AND documentId = ?) AS u
       LEFT JOIN users p ON p.id = u.personId
      ORDER BY u.rowKind, u.id`,
    params: [kind, documentId, kind, documentId],
  };
}

/** trailAndCommentsSelect's rows split and ordered as listTrail and listComments give them. */
export function trailAndCommentsOf(rows: Record<string, unknown>[]): {
  events: DocumentEvent[];
  comments: DocumentComment[];
} {
  const events: DocumentEvent[] = [];
  const comments: DocumentComment[] = [];
  for (const row of rows) {
    const person = hydrate(User, row, 'p__', true) ?? undefined;
    if (row.rowKind === 'e') {
      const event = hydrate(DocumentEvent, { ...row, actorId: row.personId });
      events.push(Object.assign(event, { actor: person }));
    } else {
      const comment = hydrate(DocumentComment, { ...row, authorId: row.personId });
      comments.push(Object.assign(comment, { author: person }));
    }
  }
  return { events, comments };
}

/** The users granted access to a document beyond its handling chain. */
export async function grantedUserIds(
  kind: DocumentKind,
  documentId: number,
  options?: TxOptions,
): Promise<number[]> {
  const rows = await rawSelect<{ userId: number }>(
    db(),
    'SELECT userId FROM document_grants WHERE documentKind = ? AND documentId = ?',
    [kind, documentId],
    options?.transaction,
  );
  return rows.map((r) => Number(r.userId));
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
