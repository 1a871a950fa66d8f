/**
 * The lists a search can be saved from, each with its page, the policy action that opens it and
 * the zod schema its page reads its query with:
 *   normaliseListQuery(kind, text) → the query string kept: only the schema's parameters, as the
 *     schema reads them, in the schema's order, without the page number; anything else refused
 *   listQueryString(kind, query) → a parsed query as the query string kept (the list as shown)
 *   savedSearchHref(kind, query) → the list's address with the kept query
 *   describeListQuery(kind, query, t, lng) → the query in the reader's words, one part each
 */
import type { TFunction } from 'i18next';
import type { z } from 'zod';
import { documentTypeName } from '../documents/document-types.js';
import { AppError } from '../http/app-error.js';
import { formatDate } from '../http/view-helpers.js';
import { ListQuerySchema } from '../incoming/incoming.schemas.js';
import { OutgoingPageQuerySchema } from '../outgoing/outgoing.schemas.js';

export const LIST_KINDS = ['incoming', 'outgoing'] as const;
export type ListKind = (typeof LIST_KINDS)[number];

export const isListKind = (value: unknown): value is ListKind =>
  (LIST_KINDS as readonly unknown[]).includes(value);

/** The longest query string taken (a list's own is far shorter: its texts stop at 100). */
export const MAX_QUERY_LENGTH = 4000;

type Query = Record<string, unknown>;

interface ListSpec {
  path: string;
  /** The policy action that opens the list: saving its searches needs it too. */
  listAction: string;
  schema: z.ZodObject;
  /** Each condition of a parsed query in the reader's words. */
  describe: (query: Query, t: TFunction, lng: string) => string[];
}

const quoted = (label: string, value: unknown) => `${label}: “${String(value)}”`;

function describeIncoming(q: Query, t: TFunction, lng: string): string[] {
  const parts: string[] = [];
  // No tab with "overdue": the dashboard's alert, over both work tabs.
  if (q.tab) parts.push(t(`incoming:tabs.${String(q.tab)}`));
  else if (q.overdue) parts.push(t('incoming:list.overdueTitle'));
  if (q.q) parts.push(quoted(t('incoming:list.q'), q.q));
  if (q.sender) parts.push(quoted(t('incoming:list.sender'), q.sender));
  if (q.type)
    parts.push(`${t('incoming:field.documentType')}: ${documentTypeName(String(q.type), lng)}`);
  if (q.status)
    parts.push(`${t('incoming:list.status')}: ${t(`incoming:status.${String(q.status)}`)}`);
  if (q.urgency !== undefined)
    parts.push(
      `${t('incoming:list.urgency')}: ${q.urgency === 4 ? t('incoming:urgency.timed') : t(`urgency.${String(q.urgency)}`)}`,
    );
  if (q.from) parts.push(`${t('incoming:list.from')}: ${formatDate(q.from)}`);
  if (q.to) parts.push(`${t('incoming:list.to')}: ${formatDate(q.to)}`);
  if (q.overdue && q.tab) parts.push(t('incoming:list.overdue'));
  if (q.registeredToday) parts.push(t('incoming:list.registeredToday'));
  if (q.sort)
    parts.push(
      `${t('incoming:list.sort')}: ${t(`incoming:sort.${String(q.sort)}`)}${q.dir ? ` (${t(`incoming:list.${String(q.dir)}`)})` : ''}`,
    );
  return parts;
}

function describeOutgoing(q: Query, t: TFunction, lng: string): string[] {
  const parts = q.tab ? [t(`outgoing:tabs.${String(q.tab)}`)] : [];
  if (q.q) parts.push(quoted(t('outgoing:list.q'), q.q));
  if (q.type)
    parts.push(`${t('outgoing:field.documentType')}: ${documentTypeName(String(q.type), lng)}`);
  if (q.from) parts.push(`${t('outgoing:list.from')}: ${formatDate(q.from)}`);
  if (q.to) parts.push(`${t('outgoing:list.to')}: ${formatDate(q.to)}`);
  return parts;
}

const LISTS: Record<ListKind, ListSpec> = {
  incoming: {
    path: '/incoming',
    listAction: 'incoming.list',
    schema: ListQuerySchema,
    describe: describeIncoming,
  },
  outgoing: {
    path: '/outgoing',
    listAction: 'outgoing.list',
    schema: OutgoingPageQuerySchema,
    describe: describeOutgoing,
  },
};

/** The policy action that opens the list. */
export const listActionOf = (kind: ListKind) => LISTS[kind].listAction;

/** The list's page ('/incoming'). */
export const listPathOf = (kind: ListKind) => LISTS[kind].path;

/** The page number is never kept: a saved search opens on the first page. */
const NOT_KEPT = new Set(['page']);

/**
 * A parsed query of the list as the query string kept: the schema's parameters in its order,
 * those not given (or false, or empty) and the page number left out.
 */
export function listQueryString(kind: ListKind, query: Query): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(LISTS[kind].schema.shape)) {
    const value = query[key];
    if (NOT_KEPT.has(key) || value === undefined || value === null) continue;
    if (value === '' || value === false) continue;
    params.set(key, value === true ? '1' : String(value));
  }
  return params.toString();
}

// Controls and the bidirectional overrides: never part of a search anyone typed.
// eslint-disable-next-line no-control-regex -- the control characters are what it finds
const CONTROLS = /[\u0000-\u001F\u007F\u202A-\u202E\u2066-\u2069]/;

const invalidQuery = () =>
  new AppError('SAVED_SEARCH_QUERY_INVALID', 422, undefined, {
    query: 'errors:SAVED_SEARCH_QUERY_INVALID',
  });

/**
 * The query string of a list as kept for a saved search (a leading '?' allowed), read again by
 * the list's own schema. Refused (422 SAVED_SEARCH_QUERY_INVALID, on the field `query`) when it
 * holds what the list would not take: a parameter the schema does not know, one given twice, a
 * control character, or a value the schema would drop (a status of no list). Empty values are
 * left out, as the list's filter form sends them.
 */
export function normaliseListQuery(kind: ListKind, text: unknown): string {
  if (text === undefined || text === null) return '';
  if (typeof text !== 'string' || text.length > MAX_QUERY_LENGTH) throw invalidQuery();
  const { schema } = LISTS[kind];
  const known = new Set(Object.keys(schema.shape));
  const given: Query = {};
  for (const [key, value] of new URLSearchParams(text.replace(/^\?/, ''))) {
    if (!known.has(key) || key in given || CONTROLS.test(value)) throw invalidQuery();
    given[key] = value;
  }
  const parsed = schema.safeParse(given);
  if (!parsed.success) throw invalidQuery();
  const kept = listQueryString(kind, parsed.data as Query);
  const keptKeys = new Set(new URLSearchParams(kept).keys());
  for (const [key, value] of Object.entries(given)) {
    if (NOT_KEPT.has(key) || String(value).trim() === '') continue;
    if (!keptKeys.has(key)) throw invalidQuery();
  }
  return kept;
}

/** The list's address with a kept query string: what a saved search opens. */
export function savedSearchHref(kind: ListKind, query: string): string {
  return `${LISTS[kind].path}${query ? `?${query}` : ''}`;
}

/** A kept query in the reader's words ("Tất cả văn bản đã vào sổ", "Nơi gửi: “Sở Tài chính”"). */
export function describeListQuery(
  kind: ListKind,
  query: string,
  t: TFunction,
  lng = 'vi',
): string[] {
  const { schema, describe } = LISTS[kind];
  const parsed = schema.safeParse(Object.fromEntries(new URLSearchParams(query)));
  return parsed.success ? describe(parsed.data as Query, t, lng) : [];
}
