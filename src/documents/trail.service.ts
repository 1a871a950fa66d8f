import { db } from '../db/index.js';
import { hydrate, prefixedColumns } from '../db/hydrate.js';
import { rawSelect } from '../db/raw-select.js';
import { insertRows } from '../db/raw-write.js';
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
  const [event] = await addTrailEvents([input], options);
  return event;
}

/** Appends steps to the trail in one INSERT, in their order (in the caller's transaction). */
export async function addTrailEvents(
  inputs: TrailEventInput[],
  options?: TxOptions,
): Promise<DocumentEvent[]> {
  // A plain INSERT: every step writes one, and the model's create costs more than the statement.
  return insertRows(
    DocumentEvent,
    inputs.map((input) => ({
      documentKind: input.kind,
      documentId: input.documentId,
      actorId: input.actorId,
      action: input.action,
      note: input.note ?? null,
      data: input.data ? JSON.stringify(input.data) : null,
    })),
    options?.transaction,
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
 * The SELECTs of a document's trail and of its comments, each row with its person (the detail
 * page reads both on every view, in one round trip with the document: selectTogether). Two plain
 * SELECTs: as one UNION ALL over a derived table they cost MariaDB three times as much.
 */
export function trailSelects(kind: DocumentKind, documentId: number): [Select, Select] {
  return [
    {
      sql: `SELECT e.*, ${prefixedColumns('p', SIGNATORY)} FROM document_events e
         LEFT JOIN users p ON p.id = e.actorId
        WHERE e.documentKind = ? AND e.documentId = ? ORDER BY e.id`,
      params: [kind, documentId],
    },
    {
      sql: `SELECT c.*, ${prefixedColumns('p', SIGNATORY)} FROM document_comments c
         LEFT JOIN users p ON p.id = c.authorId
        WHERE c.documentKind = ? AND c.documentId = ? ORDER BY c.id`,
      params: [kind, documentId],
    },
  ];
}

/** trailSelects' rows as listTrail and listComments give them, each with its person. */
export function trailAndCommentsOf(
  eventRows: Record<string, unknown>[],
  commentRows: Record<string, unknown>[],
): { events: DocumentEvent[]; comments: DocumentComment[] } {
  return {
    events: eventRows.map((row) => {
      const event = hydrate(DocumentEvent, row);
      return Object.assign(event, { actor: hydrate(User, row, 'p__', true) ?? undefined });
    }),
    comments: commentRows.map((row) => {
      const comment = hydrate(DocumentComment, row);
      return Object.assign(comment, { author: hydrate(User, row, 'p__', true) ?? undefined });
    }),
  };
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

/** A trail event with what its data says it was taken on: the main file's version, and whom a delegate acted for. */
export interface ActedOn<E extends DocumentEvent> {
  event: E;
  version: number | null;
  onBehalfOf: { id: number; fullName: string } | null;
}

/**
 * What each event says it was taken on (data.version, data.onBehalfOf: the approval actions, the
 * signature, the signer's return), with the principals' names read in one statement: a timeline
 * names both the delegate and the person they acted for, and the version.
 */
export async function actedOnOf<E extends DocumentEvent>(events: E[]): Promise<ActedOn<E>[]> {
  const said = events.map((event) => {
    let data: Record<string, unknown> = {};
    try {
      data = event.data ? (JSON.parse(event.data) as Record<string, unknown>) : {};
    } catch {
      // An event without readable data says nothing more.
    }
    const number = (v: unknown) => (Number.isSafeInteger(v) && Number(v) > 0 ? Number(v) : null);
    return { event, version: number(data.version), principalId: number(data.onBehalfOf) };
  });
  const ids = [...new Set(said.flatMap((s) => (s.principalId ? [s.principalId] : [])))];
  const names = new Map(
    (ids.length
      ? await User.findAll({ where: { id: ids }, attributes: ['id', 'fullName'] })
      : []
    ).map((u) => [u.id, u.fullName]),
  );
  return said.map(({ event, version, principalId }) => ({
    event,
    version,
    onBehalfOf: principalId
      ? { id: principalId, fullName: names.get(principalId) ?? `#${principalId}` }
      : null,
  }));
}
