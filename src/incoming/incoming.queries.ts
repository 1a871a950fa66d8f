import { QueryTypes, type InferAttributes } from 'sequelize';
import { todayInVietnam, vietnamDayEnd, vietnamDayStart } from '../calendar/working-days.js';
import { db } from '../db/index.js';
import { foldedLikeCondition } from '../db/folded.js';
import { rawSelect } from '../db/raw-select.js';
import { dateFromDb, dateOnlyFromDb } from '../db/rows.js';
import { authorize } from '../policy/index.js';
import type { User } from '../users/user.model.js';
import type { IncomingDocument } from './incoming.model.js';
import {
  incomingSearchCondition,
  searchLimits,
  searchWordDocuments,
  searchWordJoins,
  searchWords,
  searchWordTests,
  type SearchWord,
} from './incoming.search.js';
import {
  LIST_TABS,
  SORT_FIELDS,
  TIMED_EXPRESS,
  type ListQuery,
  type ListTab,
} from './incoming.schemas.js';
import { CLOSED_STATUSES, viewerDeadlineSql, viewerOverdueSql } from './incoming.deadline-sql.js';
import {
  DOC,
  and,
  or,
  tabCandidateGroups,
  tabCandidatesSql,
  dashboardCandidatesSql,
  archiveCandidatesSql,
  tabListSql,
  tabSql,
  visibleIncomingSql,
} from './incoming.visibility.js';

export const PAGE_SIZE = 20;

/** An incoming document as the API's list gives it: its columns, read without building a model. */
export type IncomingListDocument = Omit<
  InferAttributes<IncomingDocument>,
  'searchText' | 'fromOrganFolded'
>;

// What a list page shows of each document: reading only these keeps the page's query lean.
const SUMMARY_COLUMNS = [
  'id',
  'arrivalNumber',
  'arrivalDate',
  'codeNumber',
  'codeNotation',
  'fromOrganName',
  'subject',
  'documentType',
  'urgency',
  'urgentDeliverBy',
  'confidentiality',
  'status',
  'dueDate',
] as const;
export type IncomingSummary = Pick<IncomingListDocument, (typeof SUMMARY_COLUMNS)[number]>;

export interface IncomingListRow<D extends IncomingSummary = IncomingListDocument> {
  document: D;
  /** The deadline this viewer sees (viewerDeadlineSql): the list's column, sort and flag. */
  deadline: string | null;
  isOverdue: boolean;
}

export interface IncomingList<D extends IncomingSummary = IncomingListDocument> {
  tab: ListTab;
  tabs: ListTab[];
  /** The dashboard's overdue alert: the viewer's overdue work across "to handle" and "in progress". */
  overdueAlert?: boolean;
  rows: IncomingListRow<D>[];
  total: number;
  page: number;
  pages: number;
}

/**
 * Registered (vào sổ) on the Vietnam day `today`: the dashboard's "Vào sổ hôm nay" count and the
 * list it opens read this one condition.
 */
function registeredOnSql(today: string): string {
  const start = vietnamDayStart(today);
  const end = vietnamDayEnd(today);
  return `(${DOC}.createdAt >= ${db().escape(start)} AND ${DOC}.createdAt < ${db().escape(end)})`;
}

/** A condition with its parameters (what a person typed travels only as a parameter). */
interface Condition {
  sql: string;
  params: unknown[];
}

function filterConditions(
  query: ListQuery,
  today: string,
  user: User,
  search: Condition | null,
): Condition[] {
  const parts: Condition[] = [];
  const column = (name: string) => `${DOC}.${name}`;
  if (query.status) parts.push({ sql: `${column('status')} = ?`, params: [query.status] });
  // 4, Hỏa tốc hẹn giờ: kept as Hỏa tốc (3) with its time.
  if (query.urgency === TIMED_EXPRESS)
    parts.push({
      sql: `(${column('urgency')} = 3 AND ${column('urgentDeliverBy')} IS NOT NULL)`,
      params: [],
    });
  else if (query.urgency !== undefined)
    parts.push({ sql: `${column('urgency')} = ?`, params: [query.urgency] });
  if (query.type) parts.push({ sql: `${column('documentType')} = ?`, params: [query.type] });
  if (query.from)
    parts.push({ sql: `${column('arrivalDate')} >= ?`, params: [vietnamDayStart(query.from)] });
  if (query.to)
    parts.push({
      sql: `${column('arrivalDate')} < ?`,
      params: [vietnamDayEnd(query.to)],
    });
  // Accent- and case-insensitive like the search: over the sender's folded copy.
  if (query.sender) parts.push(foldedLikeCondition(column('fromOrganFolded'), query.sender));
  // Accent- and case-insensitive, over the fields and the files' text (incoming.search.ts).
  if (search) parts.push(search);
  if (query.overdue) parts.push({ sql: viewerOverdueSql(user, DOC, today), params: [] });
  if (query.registeredToday) parts.push({ sql: registeredOnSql(today), params: [] });
  return parts;
}

/** Everything a list of a person may show: their own agency, only what they may see, the tab, the filters. */
function listCondition(
  user: User,
  tab: ListTab | 'overdueAlert',
  query: ListQuery,
  today: string,
  search: Condition | null,
): Condition {
  // The dashboard's alert counts overdue work of both work tabs: its list shows the same.
  const tabCondition =
    tab === 'overdueAlert'
      ? or([tabListSql(user, 'toHandle'), tabListSql(user, 'inProgress')])
      : tabListSql(user, tab);
  const parts: Condition[] = [
    { sql: tabCondition, params: [] },
    ...filterConditions(query, today, user, search),
  ];
  return { sql: and(parts.map((p) => p.sql)), params: parts.flatMap((p) => p.params) };
}

const sortFieldOf = (query: ListQuery) =>
  SORT_FIELDS.includes(query.sort!) ? query.sort! : 'arrivalDate';

function orderSql(query: ListQuery, alias: string, user: User): string {
  const dir = query.dir === 'asc' ? 'ASC' : 'DESC';
  // Sorting by deadline sorts by the date the viewer's deadline column shows.
  const field = sortFieldOf(query);
  const key = field === 'dueDate' ? viewerDeadlineSql(user, alias) : `${alias}.${field}`;
  return `${key} ${dir}, ${alias}.id ${dir}`;
}

/**
 * The page's order, put back in JavaScript: the database picks the page's ids in order, but
 * sorting the joined rows again there (they hold the subject, a TEXT column) cost a quarter of
 * the query. Same rule as SQL: NULL sorts first ascending, last descending; ties by id.
 */
function byListOrder<D extends IncomingSummary>(
  query: ListQuery,
): (a: IncomingListRow<D>, b: IncomingListRow<D>) => number {
  const field = sortFieldOf(query);
  const sign = query.dir === 'asc' ? 1 : -1;
  const key = (r: IncomingListRow<D>) => {
    if (field === 'dueDate') return r.deadline;
    const value = r.document[field];
    return value instanceof Date ? value.getTime() : value;
  };
  return (a, b) => {
    const x = key(a);
    const y = key(b);
    if (x !== y) {
      if (x === null) return -sign;
      if (y === null) return sign;
      return (x < y ? -1 : 1) * sign;
    }
    return (a.document.id - b.document.id) * sign;
  };
}

// Work queues stay short (what waits, what is being handled), so their page query counts the
// whole list as it goes, saving a query; archives (done, for information, all) grow for years,
// and counting them through an index beats numbering every row for one page.
const COUNTED_WITH_PAGE: ListTab[] = ['toHandle', 'inProgress'];

/** A row of incoming_documents read by hand, typed as the model reads it (one object shape for all). */
function documentOf(row: Record<string, unknown>): IncomingListDocument {
  const int = (v: unknown) => (v == null ? null : Number(v));
  const text = (v: unknown) => (v == null ? null : String(v));
  return {
    id: Number(row.id),
    agencyId: Number(row.agencyId),
    registerId: Number(row.registerId),
    arrivalNumber: Number(row.arrivalNumber),
    arrivalDate: dateFromDb(row.arrivalDate)!,
    fromOrganName: String(row.fromOrganName),
    fromOrganId: text(row.fromOrganId),
    codeNumber: text(row.codeNumber),
    codeNotation: text(row.codeNotation),
    promulgationDate: dateOnlyFromDb(row.promulgationDate),
    documentType: String(row.documentType),
    subject: String(row.subject),
    signerName: text(row.signerName),
    urgency: Number(row.urgency),
    urgentDeliverBy: dateFromDb(row.urgentDeliverBy),
    confidentiality: Number(row.confidentiality),
    pageAmount: int(row.pageAmount),
    dueDate: dateOnlyFromDb(row.dueDate),
    copyForm: text(row.copyForm),
    edxmlDocumentId: text(row.edxmlDocumentId),
    signerCompetence: text(row.signerCompetence),
    signerPosition: text(row.signerPosition),
    promulgationPlace: text(row.promulgationPlace),
    responseFor: text(row.responseFor),
    status: String(row.status) as IncomingListDocument['status'],
    presentedToId: int(row.presentedToId),
    directionNote: text(row.directionNote),
    resultNote: text(row.resultNote),
    returnReason: text(row.returnReason),
    completedAt: dateFromDb(row.completedAt),
    filedAt: dateFromDb(row.filedAt),
    createdById: Number(row.createdById),
    createdAt: dateFromDb(row.createdAt)!,
    updatedAt: dateFromDb(row.updatedAt)!,
  };
}

function summaryOf(row: Record<string, unknown>): IncomingSummary {
  return {
    id: Number(row.id),
    arrivalNumber: Number(row.arrivalNumber),
    arrivalDate: dateFromDb(row.arrivalDate)!,
    codeNumber: row.codeNumber == null ? null : String(row.codeNumber),
    codeNotation: row.codeNotation == null ? null : String(row.codeNotation),
    fromOrganName: String(row.fromOrganName),
    subject: String(row.subject),
    documentType: String(row.documentType),
    urgency: Number(row.urgency),
    urgentDeliverBy: dateFromDb(row.urgentDeliverBy),
    confidentiality: Number(row.confidentiality),
    status: String(row.status) as IncomingListDocument['status'],
    dueDate: dateOnlyFromDb(row.dueDate),
  };
}

function listRowOf<D extends IncomingSummary>(
  document: D,
  row: Record<string, unknown>,
  today: string,
): IncomingListRow<D> {
  const deadline = dateOnlyFromDb(row.viewerDeadline);
  const isOverdue =
    !CLOSED_STATUSES.includes(document.status) && deadline !== null && deadline < today;
  return { document, deadline, isOverdue };
}

/** Where a list's rows come from: the FROM clause and its parameters, with the WHERE. */
interface Source {
  from: string;
  params: unknown[];
  where: Condition;
}

/**
 * One page of documents: the ids are chosen on the indexes (a narrow sort, no text columns in
 * the database's temporary table), then their rows and nearest deadlines are read. With
 * `withTotal`, every row also carries the size of the whole list (listTotal).
 */
function pageRows(
  user: User,
  source: Source,
  query: ListQuery,
  page: number,
  withTotal: boolean,
  columns: string,
  limit = PAGE_SIZE,
): Promise<Record<string, unknown>[]> {
  const total = withTotal ? ', COUNT(*) OVER () AS listTotal' : '';
  return rawSelect<Record<string, unknown>>(
    db(),
    `SELECT ${columns}, page.*, ${viewerDeadlineSql(user, 'd')} AS viewerDeadline
     FROM (SELECT ${DOC}.id AS pageId${total} FROM ${source.from}
           WHERE ${source.where.sql} ORDER BY ${orderSql(query, DOC, user)} LIMIT ? OFFSET ?) AS page
     JOIN incoming_documents AS d ON d.id = page.pageId`,
    [...source.params, ...source.where.params, limit, (page - 1) * PAGE_SIZE],
  );
}

async function countRows(source: Source): Promise<number> {
  const [counted] = await db().query<{ total: unknown }>(
    `SELECT COUNT(*) AS total FROM ${source.from} WHERE ${source.where.sql}`,
    { replacements: [...source.params, ...source.where.params], type: QueryTypes.SELECT },
  );
  return Number(counted?.total ?? 0);
}

const pageCount = (total: number) => Math.max(1, Math.ceil(total / PAGE_SIZE));

/**
 * One page (20 rows) of a person's incoming documents for a tab, filtered and sorted, as the list
 * page shows them; it never contains a document the 'incoming.view' rule would refuse this person.
 * 403 without 'incoming.list'. A work queue takes one query; an archive a count, then the page.
 * The list counts up to searchLimits.countBound, words or not: past it, `total` is
 * countBound + 1 ("more than"), and `pages` goes one past the page while there are more. With
 * `exactTotal` (the export), every match is counted.
 */
export function listIncoming(
  user: User,
  query: ListQuery,
  { exactTotal = false }: { exactTotal?: boolean } = {},
): Promise<IncomingList<IncomingSummary>> {
  const columns = SUMMARY_COLUMNS.map((c) => `d.${c}`).join(', ');
  return listWith(user, query, columns, summaryOf, exactTotal);
}

/** The same list with every column of each document, every match counted (the JSON API). */
export function listIncomingDocuments(user: User, query: ListQuery): Promise<IncomingList> {
  return listWith(user, query, 'd.*', documentOf, true);
}

/** A page of a list and the list's size as far as it was counted. */
interface Paged {
  rows: Record<string, unknown>[];
  total: number;
  page: number;
  /** Set when the count stopped at the bound: whether a page follows this one. */
  more?: boolean;
}

/**
 * A page and the size of a list: a work queue in one query (the count rides with the page), an
 * archive counted first (`upTo` bounds the count), then read; past the last page (an old link),
 * the last one.
 */
async function readPage(
  user: User,
  source: Source,
  query: ListQuery,
  columns: string,
  countedWithPage: boolean,
): Promise<Paged> {
  if (countedWithPage) {
    const rows = await pageRows(user, source, query, query.page, true, columns);
    if (rows.length) return { rows, total: Number(rows[0].listTotal), page: query.page };
    if (query.page === 1) return { rows: [], total: 0, page: 1 };
  }
  const total = await countRows(source);
  const page = Math.min(query.page, pageCount(total));
  // Nothing to page through: skip the ordered scan, which MariaDB may run over the whole agency.
  const rows = total ? await pageRows(user, source, query, page, false, columns) : [];
  return { rows, total, page };
}

/** A join that keeps its tables' order (the left one read first) on each database. */
const joinFirst = () => (db().getDialect() === 'sqlite' ? 'CROSS JOIN' : 'STRAIGHT_JOIN');

/**
 * A search of an archive (the agency's documents, no candidates), read from the documents of its
 * rarest word (`found`, joined first: STRAIGHT_JOIN / SQLite's CROSS JOIN keep that order), the
 * other words tested on each: the matches' ids up to the bound, in one pass. When that is all of
 * them, the page is read from their ids; past the bound the list is read newest first, every
 * word tested per document, up to the page (its matches are then dense enough that the walk
 * ends soon).
 */
async function searchArchivePage(
  user: User,
  words: SearchWord[],
  base: Condition,
  query: ListQuery,
  columns: string,
): Promise<Paged> {
  const [rarest, ...others] = words;
  const documents = searchWordDocuments(rarest, user.agencyId);
  const fromRarest = `(${documents.sql}) AS found ${joinFirst()} incoming_documents AS ${DOC} ON ${DOC}.id = found.id`;
  // Joins when every other word is one term: with a word tested by sub-selects beside them,
  // MariaDB runs those (and the list's sub-selects) once per joined row, and it costs more.
  const joined = searchWordJoins(others, DOC, user.agencyId, joinFirst());
  const joins = joined.tested.length ? { sql: '', params: [], tested: others } : joined;
  const where = both(base, searchWordTests(joins.tested, DOC, user.agencyId));
  const bound = searchLimits.countBound;
  const found = await rawSelect<{ id: unknown }>(
    db(),
    `SELECT DISTINCT ${DOC}.id AS id FROM ${fromRarest} ${joins.sql}
      WHERE ${where.sql} LIMIT ${bound + 1}`,
    [...documents.params, ...joins.params, ...where.params],
  );
  if (found.length <= bound) {
    const ids = found.map((r) => Number(r.id));
    const page = Math.min(query.page, pageCount(ids.length));
    const ofIds: Source = {
      from: `incoming_documents AS ${DOC}`,
      params: [],
      where: { sql: `${DOC}.id IN (${ids.map(() => '?').join(', ')})`, params: ids },
    };
    const rows = ids.length ? await pageRows(user, ofIds, query, page, false, columns) : [];
    return { rows, total: ids.length, page };
  }
  // Newest (or oldest) first is the index's order; another sort needs every match anyway.
  const source: Source =
    sortFieldOf(query) === 'arrivalDate'
      ? {
          from: `incoming_documents AS ${DOC}`,
          params: [],
          where: both(base, searchWordTests(words, DOC, user.agencyId)),
        }
      : {
          from: fromRarest,
          params: documents.params,
          where: both(base, searchWordTests(others, DOC, user.agencyId)),
        };
  const rows = await pageRows(user, source, query, query.page, false, columns, PAGE_SIZE + 1);
  return { rows, total: bound + 1, page: query.page, more: rows.length > PAGE_SIZE };
}

/**
 * A clerk's work queue without words, newest (or oldest) first, as the list page shows it, in
 * one statement: each status of the tab (`groups`) is a range of (agencyId, status,
 * arrivalDate) read in the list's order up to the page's end, the person's own work beside
 * them, and the page is taken from their union (the first n of a union are among the first n
 * of its parts); the list's size is counted up to the bound in the same statement (a sub-select
 * run once). Collecting and sorting every candidate (3,289 for a clerk's "to handle") and
 * counting them all cost 10 ms alone, 29–47 ms under load; this, about 4. Past the list's end
 * (an old link), the plain count puts the page back on the last one.
 */
async function statusRangesPage(
  user: User,
  source: Source,
  groups: { statuses: string[]; others: string | null },
  query: ListQuery,
  columns: string,
): Promise<Paged> {
  const bound = searchLimits.countBound;
  const ofStatus = (statuses: string[]): Source => ({
    from: `incoming_documents AS ${DOC}`,
    params: [user.agencyId, ...statuses],
    where: both(
      {
        sql: `${DOC}.agencyId = ? AND ${DOC}.status IN (${statuses.map(() => '?').join(', ')})`,
        params: [],
      },
      source.where,
    ),
  });
  const others: Source[] = groups.others
    ? [
        {
          from: `(${groups.others}) AS candidate JOIN incoming_documents AS ${DOC} ON ${DOC}.id = candidate.id`,
          params: [],
          where: source.where,
        },
      ]
    : [];
  // The count reads the statuses as one range: the rows are the same, counted once.
  const count = countUpTo([ofStatus(groups.statuses), ...others], bound + 1);
  const parts = [...groups.statuses.map((s) => ofStatus([s])), ...others];
  const rows = await unionPageRows(user, parts, query, columns, count);
  if (!rows.length)
    return query.page === 1
      ? { rows: [], total: 0, page: 1 }
      : readPage(user, source, query, columns, false);
  const total = Math.min(Number(rows[0].listTotal), bound + 1);
  return { rows, total, page: query.page, ...(total > bound && { more: rows.length > PAGE_SIZE }) };
}

/**
 * An archive without words as the list page shows it: counted up to the bound first (bound + 1
 * rows read instead of the agency's 40,000 for a clerk's "all"; nothing to page through skips
 * the walk), then the page and one row past it, to know whether another follows.
 */
async function boundedArchivePage(
  user: User,
  source: Source,
  query: ListQuery,
  columns: string,
  countedFrom: Source = source,
): Promise<Paged> {
  const bound = searchLimits.countBound;
  const count = countUpTo([countedFrom], bound + 1);
  const [counted] = await rawSelect<{ total: unknown }>(
    db(),
    `SELECT ${count.sql} AS total`,
    count.params,
  );
  const total = Number(counted?.total ?? 0);
  if (total <= bound) {
    const page = Math.min(query.page, pageCount(total));
    const rows = total ? await pageRows(user, source, query, page, false, columns) : [];
    return { rows, total, page };
  }
  const rows = await pageRows(user, source, query, query.page, false, columns, PAGE_SIZE + 1);
  if (!rows.length) return readPage(user, source, query, columns, false);
  return { rows, total, page: query.page, more: rows.length > PAGE_SIZE };
}

/**
 * The rows of `sources` counted up to `limit`, as a scalar sub-select: each source stops at
 * `limit` rows, and their union (a document may be in several) at most adds them up.
 */
function countUpTo(sources: Source[], limit: number): Condition {
  const read = (s: Source, i: number) =>
    `SELECT id FROM (SELECT ${DOC}.id AS id FROM ${s.from} WHERE ${s.where.sql} LIMIT ${limit}) AS counted${i}`;
  return {
    sql: `(SELECT COUNT(*) FROM (${sources.map(read).join(' UNION ')}) AS counted)`,
    params: sources.flatMap((s) => [...s.params, ...s.where.params]),
  };
}

/** pageRows from a union of sources, each read in the list's order up to the page's end. */
function unionPageRows(
  user: User,
  sources: Source[],
  query: ListQuery,
  columns: string,
  count: Condition,
): Promise<Record<string, unknown>[]> {
  const dir = query.dir === 'asc' ? 'ASC' : 'DESC';
  const offset = (query.page - 1) * PAGE_SIZE;
  const limit = offset + PAGE_SIZE + 1;
  const read = (s: Source, i: number) =>
    `SELECT id, sortKey FROM (SELECT ${DOC}.id AS id, ${DOC}.arrivalDate AS sortKey FROM ${s.from}
       WHERE ${s.where.sql} ORDER BY ${orderSql(query, DOC, user)} LIMIT ${limit}) AS part${i}`;
  return rawSelect<Record<string, unknown>>(
    db(),
    `SELECT ${columns}, page.*, ${count.sql} AS listTotal, ${viewerDeadlineSql(user, 'd')} AS viewerDeadline
     FROM (SELECT id AS pageId FROM (${sources.map(read).join(' UNION ')}) AS parts
           ORDER BY sortKey ${dir}, id ${dir} LIMIT ? OFFSET ?) AS page
     JOIN incoming_documents AS d ON d.id = page.pageId`,
    [
      ...count.params,
      ...sources.flatMap((s) => [...s.params, ...s.where.params]),
      PAGE_SIZE + 1,
      offset,
    ],
  );
}

const both = (a: Condition, b: Condition): Condition => ({
  sql: and([a.sql, b.sql]),
  params: [...a.params, ...b.params],
});

async function listWith<D extends IncomingSummary>(
  user: User,
  query: ListQuery,
  columns: string,
  toDocument: (row: Record<string, unknown>) => D,
  exactTotal: boolean,
): Promise<IncomingList<D>> {
  authorize(user, 'incoming.list');
  // Everyone has every tab; "all" is every document they may see (for clerks and leaders,
  // everything registered they are cleared for; for others, every document whose handling
  // they are in): one place to look for a document, whatever its state.
  const tabs: ListTab[] = [...LIST_TABS];
  const tab = query.tab ?? 'toHandle';
  const overdueAlert = query.overdue && !query.tab;
  const today = todayInVietnam();
  // A personal tab is read from its candidates (tabCandidatesSql), the whole condition still
  // applied to them; "all" from the agency's documents.
  const candidates = tabCandidatesSql(user, overdueAlert ? ['toHandle', 'inProgress'] : [tab]);
  const listTab = overdueAlert ? 'overdueAlert' : tab;
  const order = byListOrder<D>(query);
  const result = ({ rows, total, page, more }: Paged) => ({
    tab,
    tabs,
    overdueAlert,
    // A search's walk reads one row past the page, to know whether another follows.
    rows: rows
      .map((r) => listRowOf(toDocument(r), r, today))
      .sort(order)
      .slice(0, PAGE_SIZE),
    total,
    page,
    pages: more === undefined ? pageCount(total) : more ? page + 1 : page,
  });
  const from = candidates
    ? `(${candidates}) AS candidate JOIN incoming_documents AS ${DOC} ON ${DOC}.id = candidate.id`
    : `incoming_documents AS ${DOC}`;
  const countedWithPage = COUNTED_WITH_PAGE.includes(tab) || overdueAlert;
  // A list read from its candidates (a work queue, a specialist's own archive: a few hundred
  // documents) is collected and sorted whole for its page anyway: counted in the same statement
  // (COUNT(*) OVER ()) instead of collected a second time by a count of its own.
  const countedFromCandidates = countedWithPage || candidates !== null;
  // A search (incoming.search.ts) of a list that may hold hundreds or thousands: each word
  // tested per document on the term index (a sub-select per word read each candidate's terms
  // from the table itself, seldom in memory), an archive's without counting and sorting every
  // match (searchArchivePage). Work queues too: with files' texts a common word's sub-select
  // was materialised whole, tens of thousands of rows, for a queue of a few hundred (a clerk's
  // "to handle" search 77–175 ms, a head's 10–20; tested per document, 20–32 and 3–5).
  // A list of candidates counts every match with its page (the export's and the API's exact
  // total too); an archive's exact total is the plain definition's count (below).
  const words =
    exactTotal && candidates === null
      ? null
      : await searchWords(query.q, user.agencyId, { ranked: candidates === null });
  // Past the bound a search says "more than" it, and offers the next page while there is one.
  const bound = searchLimits.countBound;
  const bounded = (paged: Paged) =>
    result(
      paged.total > bound && paged.more === undefined
        ? { ...paged, total: bound + 1, more: paged.page < pageCount(paged.total) }
        : paged,
    );
  if (words) {
    // A word no document has: nothing to read.
    if (words.some((w) => w.rows === 0)) return result({ rows: [], total: 0, page: 1 });
    const base = listCondition(user, listTab, query, today, null);
    const list = candidates
      ? (exactTotal ? result : bounded)(
          await readPage(
            user,
            { from, params: [], where: both(base, searchWordTests(words, DOC, user.agencyId)) },
            query,
            columns,
            true,
          ),
        )
      : bounded(await searchArchivePage(user, words, base, query, columns));
    // A link past the last page (kept from an earlier search, or typed): read below by the plain
    // definition, which shows the last page instead of an empty "page 100000 of 100000".
    if (list.rows.length || list.page === 1) return list;
  }
  const search = incomingSearchCondition(query.q, DOC, user.agencyId, {
    fromCandidates: candidates !== null,
  });
  const where = listCondition(user, listTab, query, today, search);
  // Without words, the list page counts up to the bound too: a clerk's work queue read by its
  // statuses' ranges, an archive counted before its page.
  if (!search && !exactTotal) {
    const source: Source = { from, params: [], where };
    const groups = tabCandidateGroups(user, overdueAlert ? ['toHandle', 'inProgress'] : [tab]);
    if (groups?.statuses.length && sortFieldOf(query) === 'arrivalDate')
      return bounded(await statusRangesPage(user, source, groups, query, columns));
    if (!countedFromCandidates) {
      // A head's archive is counted from their own work (the walk found a head's
      // "done" 1,001 among 6,700 of the agency's documents, a deputy's empty one among all).
      const own = archiveCandidatesSql(user, tab);
      const countedFrom: Source | undefined = own
        ? {
            // Read in that order: MariaDB would walk the agency's documents into them.
            from: `(${own}) AS candidate ${joinFirst()} incoming_documents AS ${DOC} ON ${DOC}.id = candidate.id`,
            params: [],
            where,
          }
        : undefined;
      return bounded(await boundedArchivePage(user, source, query, columns, countedFrom));
    }
  }
  const paged = await readPage(
    user,
    { from, params: [], where },
    query,
    columns,
    countedFromCandidates,
  );
  // The export and the API count every match.
  return exactTotal ? result(paged) : bounded(paged);
}

export interface IncomingCounters {
  toHandle: number;
  inProgress: number;
  overdue: number;
  forInfo: number;
  registeredToday: number;
}

/**
 * The dashboard's figures for one person, each counted as the lists would show them, in one
 * scan of the person's visible documents.
 */
export async function incomingCounters(user: User): Promise<IncomingCounters> {
  const today = todayInVietnam();
  const toHandle = tabSql(user, 'toHandle');
  const inProgress = tabSql(user, 'inProgress');
  const figures: Record<keyof IncomingCounters, string> = {
    toHandle,
    inProgress,
    overdue: and([or([toHandle, inProgress]), viewerOverdueSql(user, DOC, today)]),
    forInfo: tabSql(user, 'forInfo'),
    registeredToday: registeredOnSql(today),
  };
  const columns = Object.entries(figures)
    .map(([name, condition]) => `SUM(CASE WHEN ${condition} THEN 1 ELSE 0 END) AS ${name}`)
    .join(', ');
  // Counted over the documents the figures can hold (each counted once: a UNION), each still
  // checked against what the person may see, not over all the agency's; read in that order
  // (left to itself MariaDB walked the agency's documents into a head's candidates).
  const registered = `SELECT id FROM incoming_documents AS ${DOC}
    WHERE ${DOC}.agencyId = ${Number(user.agencyId)} AND ${figures.registeredToday}`;
  const [row] = await db().query<Record<keyof IncomingCounters, unknown>>(
    `SELECT ${columns}
       FROM (${dashboardCandidatesSql(user, registered)}) AS candidate
       ${joinFirst()} incoming_documents AS ${DOC} ON ${DOC}.id = candidate.id
      WHERE ${visibleIncomingSql(user)}`,
    { type: QueryTypes.SELECT },
  );
  const count = (name: keyof IncomingCounters) => Number(row?.[name] ?? 0);
  return {
    toHandle: count('toHandle'),
    inProgress: count('inProgress'),
    overdue: count('overdue'),
    forInfo: count('forInfo'),
    registeredToday: count('registeredToday'),
  };
}
