import { literal, type WhereOptions } from 'sequelize';
import { db } from '../db/index.js';
import type { User } from '../users/user.model.js';
import type { ListTab } from './incoming.schemas.js';
import type { IncomingDocument } from './incoming.model.js';

/**
 * The visibility and tab rules of the incoming lists as SQL conditions on incoming_documents
 * aliased DOC (the alias Sequelize gives the model, so a condition also works inside a model
 * query through incomingWhere). They are written as SQL, not as Sequelize where objects, because
 * the lists are the busiest pages: building a where object into SQL cost more than running it.
 * Every number is checked to be an integer and every text is a constant, so nothing a user types
 * reaches these strings.
 */
export const DOC = 'IncomingDocument';

const int = (n: number | null | undefined): number => {
  if (!Number.isSafeInteger(n)) throw new Error('Expected an integer id');
  return n as number;
};

export const and = (parts: string[]): string =>
  parts.length ? parts.map((p) => `(${p})`).join(' AND ') : '1=1';
export const or = (parts: string[]): string =>
  parts.length ? parts.map((p) => `(${p})`).join(' OR ') : '1=0';

/** Documents whose id is among the document ids of the assignments matching `condition`. */
const assignmentsWhere = (condition: string) =>
  `${DOC}.id IN (SELECT documentId FROM incoming_assignments WHERE ${condition})`;

const statusIn = (...statuses: string[]) =>
  `${DOC}.status IN (${statuses.map((s) => `'${s}'`).join(', ')})`;

/** An assignment is "mine": made to me, or to my department when I am its head. */
export function mineCondition(user: User): string {
  const me = `assigneeUserId = ${int(user.id)}`;
  if (user.hasRole('dept_head') && user.departmentId != null) {
    return `(${me} OR assigneeDepartmentId = ${int(user.departmentId)})`;
  }
  return `(${me})`;
}

/** Who may see a document of the agency: the chain, a grant, or clearance for clerks and leaders. */
function visibleByRuleSql(user: User): string {
  const byClearance = seesAgency(user)
    ? [`${DOC}.confidentiality <= ${int(user.secretClearance)}`]
    : [];
  return or([...byClearance, ...sqlOf(chainParts(user))]);
}

const ofAgency = (user: User) => `${DOC}.agencyId = ${int(user.agencyId)}`;

/**
 * The query-level twin of canViewIncoming: a list filtered by it never shows a document the
 * 'incoming.view' rule would refuse.
 */
export function visibleIncomingSql(user: User): string {
  return and([ofAgency(user), visibleByRuleSql(user)]);
}

/** visibleIncomingSql for a Sequelize query on IncomingDocument. */
export const visibleIncomingWhere = (user: User): WhereOptions<IncomingDocument> =>
  literal(visibleIncomingSql(user));

const OPEN = `status IN ('pending', 'in_progress')`;
const HANDLING = `role IN ('lead', 'support')`;

/**
 * One condition of a tab with `ids`: a SELECT of an `id` column that holds at least every
 * document the condition admits, read on an index (an assignment column, the leader a document
 * was presented to, a status of the agency).
 */
interface TabPart {
  sql: string;
  ids: string;
  /** A clerk's part, on status alone: its statuses (each a range of (agencyId, status, arrivalDate)). */
  statuses?: string[];
}

/**
 * What a tab holds, in two groups: conditions that put the person in the document's handling
 * chain (an assignment to them or made by them, a presentation to them), which canViewIncoming
 * lets through without more checks; and the clerk's conditions on status alone, which still need
 * the visibility rule (clearance for a secret document).
 */
interface TabParts {
  inChain: TabPart[];
  byStatus: TabPart[];
}

const assignmentIds = (condition: string) =>
  `SELECT documentId AS id FROM incoming_assignments WHERE ${condition}`;
const assignmentPart = (condition: string): TabPart => ({
  sql: assignmentsWhere(condition),
  ids: assignmentIds(condition),
});
/**
 * The conditions of isInIncomingChain, each with its ids: registered by the person, presented
 * to them, handed on by them, assigned to them (or to the unit they head), granted to them.
 * One sub-select per assignment column, so each can use its own index (an OR across columns in
 * one sub-select scans the whole table). The visibility rule is their OR; "all" of a specialist
 * or a head is read from their ids.
 */
function chainParts(user: User): TabPart[] {
  const u = int(user.id);
  const documentIds = (column: string): TabPart => ({
    sql: `${DOC}.${column} = ${u}`,
    ids: `SELECT id FROM incoming_documents WHERE ${column} = ${u}`,
  });
  const byDepartment =
    user.hasRole('dept_head') && user.departmentId != null
      ? [assignmentPart(`assigneeDepartmentId = ${int(user.departmentId)}`)]
      : [];
  return [
    documentIds('createdById'),
    documentIds('presentedToId'),
    assignmentPart(`assignedById = ${u}`),
    assignmentPart(`assigneeUserId = ${u}`),
    ...byDepartment,
    {
      sql: `${DOC}.id IN (SELECT documentId FROM document_grants WHERE documentKind = 'incoming' AND userId = ${u})`,
      ids: `SELECT documentId AS id FROM document_grants WHERE documentKind = 'incoming' AND userId = ${u}`,
    },
  ];
}

/**
 * Whether the person sees every registered document they are cleared for (clerks and leaders):
 * their "all" is the agency's; anyone else's is their handling chain.
 */
export const seesAgency = (user: User): boolean => user.hasRole('clerk') || user.hasRole('leader');

/**
 * The person's assignments matching `condition`: made to them, and to their department when they
 * head it, as one part each. MariaDB reads each from its own index, the role and document id
 * included; as one sub-select with an OR it merged both indexes and read every row (6 ms for a
 * head's "done" of 5,900 assignments against 1).
 */
function mineParts(user: User, condition: string): TabPart[] {
  const parts = [assignmentPart(`${condition} AND assigneeUserId = ${int(user.id)}`)];
  if (user.hasRole('dept_head') && user.departmentId != null)
    parts.push(assignmentPart(`${condition} AND assigneeDepartmentId = ${int(user.departmentId)}`));
  return parts;
}
const quoted = (statuses: string[]) => statuses.map((s) => `'${s}'`).join(', ');
/** Documents of these statuses presented to the person (a leader). */
const presentedPart = (u: number, ...statuses: string[]): TabPart => ({
  sql: and([statusIn(...statuses), `${DOC}.presentedToId = ${u}`]),
  ids: `SELECT id FROM incoming_documents WHERE presentedToId = ${u} AND status IN (${quoted(statuses)})`,
});

function tabParts(user: User, tab: Exclude<ListTab, 'all'>): TabParts {
  const u = int(user.id);
  const inChain: TabPart[] = [];
  const byStatus: TabPart[] = [];
  const isClerk = user.hasRole('clerk');
  const isLeader = user.hasRole('leader');
  const handsOnMuch = isLeader || user.hasRole('dept_head');
  const ofStatus = (...statuses: string[]): TabPart => ({
    sql: statusIn(...statuses),
    ids: `SELECT id FROM incoming_documents WHERE agencyId = ${int(user.agencyId)} AND status IN (${quoted(statuses)})`,
    statuses,
  });
  switch (tab) {
    case 'toHandle':
      if (isClerk) byStatus.push(ofStatus('registered', 'returned', 'completed'));
      if (isLeader) inChain.push(presentedPart(u, 'presented'));
      inChain.push(...mineParts(user, `${HANDLING} AND status = 'pending'`));
      break;
    case 'inProgress':
      if (isClerk) byStatus.push(ofStatus('presented', 'directed', 'in_progress'));
      if (isLeader) inChain.push(presentedPart(u, 'directed', 'in_progress'));
      inChain.push(...mineParts(user, `${HANDLING} AND status = 'in_progress'`));
      inChain.push({
        sql: and([statusIn('directed', 'in_progress'), assignmentsWhere(`assignedById = ${u}`)]),
        ids: handsOnMuch
          ? // Leaders and heads hand on most of the agency's or their unit's work over the years
            // (16,000 assignments for a leader of the bench's seed): the open documents of the
            // agency (1,400), each looked up among theirs, read 52 → 3 ms.
            `SELECT id FROM incoming_documents AS handed WHERE handed.agencyId = ${int(user.agencyId)}
               AND handed.status IN ('directed', 'in_progress')
               AND (SELECT 1 FROM incoming_assignments a WHERE a.assignedById = ${u}
                      AND a.documentId = handed.id LIMIT 1) IS NOT NULL`
          : assignmentIds(`assignedById = ${u}`),
      });
      break;
    case 'done':
      if (isClerk) byStatus.push(ofStatus('filed'));
      inChain.push(...mineParts(user, `${HANDLING} AND status = 'completed'`));
      inChain.push({
        sql: and([
          statusIn('completed', 'filed'),
          or([`${DOC}.presentedToId = ${u}`, assignmentsWhere(`assignedById = ${u}`)]),
        ]),
        ids: `${presentedPart(u, 'completed', 'filed').ids} UNION ${assignmentIds(`assignedById = ${u}`)}`,
      });
      break;
    case 'forInfo':
      inChain.push(...mineParts(user, `role = 'info' AND status <> 'returned'`));
      break;
  }
  return { inChain, byStatus };
}

const sqlOf = (parts: TabPart[]) => parts.map((p) => p.sql);

/** The personal tabs as one condition, to be combined with visibleIncomingSql (the dashboard). */
export function tabSql(user: User, tab: Exclude<ListTab, 'all'>): string {
  const { inChain, byStatus } = tabParts(user, tab);
  return or(sqlOf([...inChain, ...byStatus]));
}

/**
 * Everything a tab of a person's list may show: the agency, then the tab, with the visibility
 * rule applied only where the tab's own condition does not already imply it (the simpler
 * condition is what lets the database answer a personal tab from the assignment indexes alone).
 */
export function tabListSql(user: User, tab: ListTab): string {
  if (tab === 'all') return visibleIncomingSql(user);
  const { inChain, byStatus } = tabParts(user, tab);
  const visibleByStatus = byStatus.length
    ? [and([visibleByRuleSql(user), or(sqlOf(byStatus))])]
    : [];
  return and([ofAgency(user), or([...sqlOf(inChain), ...visibleByStatus])]);
}

/**
 * The documents a personal tab (or several) can hold at most, as one SELECT of `id` (a UNION of
 * each condition's index read); null for "all", which is the agency. A list reads its page from
 * these candidates and still applies tabListSql to them: an OR across an assignment sub-select and
 * a column of the document can't be read on any index, and MariaDB then walks every document
 * of the agency (a leader's "to handle", a specialist's "done": 48,000–88,000 rows of 100,000
 * for a few hundred).
 */
export function tabCandidatesSql(user: User, tabs: ListTab[]): string | null {
  const parts = candidateParts(user, tabs);
  return parts?.length ? parts.map((p) => p.ids).join(' UNION ') : null;
}

function candidateParts(user: User, tabs: ListTab[]): TabPart[] | null {
  // "All" of a clerk or a leader is the agency's; a head's holds their unit's years (walked
  // newest first, as their "done"); a specialist's is their own chain, a few hundred.
  if (tabs.includes('all'))
    return seesAgency(user) || user.hasRole('dept_head') ? null : chainParts(user);
  // The archives of a clerk, a leader or a unit's head hold a good part of the agency's years
  // (15,000–90,000 of 100,000): collecting them costs more than walking the documents newest
  // first. Work queues stay short, and so does a specialist's own archive.
  const broad = user.hasRole('clerk') || user.hasRole('leader') || user.hasRole('dept_head');
  if (broad && tabs.some((tab) => tab === 'done' || tab === 'forInfo')) return null;
  return tabs.flatMap((tab) => {
    const { inChain, byStatus } = tabParts(user, tab as Exclude<ListTab, 'all'>);
    return [...inChain, ...byStatus];
  });
}

/**
 * The documents the dashboard's figures can count at most (incomingCounters): the candidates of
 * "to handle", "in progress" and "for information", and `others` (a SELECT of `id`: the day's
 * registrations), as one SELECT of `id`. Counted over every document the person may see, the
 * figures walked the agency's documents (25–63 ms a dashboard on bench:http's seed, growing
 * with the years); these are the person's work and the agency's open documents.
 */
export function dashboardCandidatesSql(user: User, others: string): string {
  const tabs = ['toHandle', 'inProgress', 'forInfo'] as const;
  const parts = tabs.flatMap((tab) => {
    const { inChain, byStatus } = tabParts(user, tab);
    return [...inChain, ...byStatus].map((p) => p.ids);
  });
  return [...parts, others].join(' UNION ');
}

/**
 * The documents a head's archive ("done", "for information") can hold at most, as
 * tabCandidatesSql would read them, or null when the tab is a clerk's (by status: most of the
 * agency) or "all". Its page is still read walking the agency's documents (the first page is
 * found within a few hundred); its count up to the bound is read from these.
 */
export function archiveCandidatesSql(user: User, tab: ListTab): string | null {
  // A leader's own work is most of the agency (everything presented to them, everything they
  // handed on): walking it finds the bound sooner (12 → 20 ms for a leader's "done").
  if (user.hasRole('leader')) return null;
  if (tab === 'all')
    return seesAgency(user)
      ? null
      : chainParts(user)
          .map((p) => p.ids)
          .join(' UNION ');
  const { inChain, byStatus } = tabParts(user, tab);
  if (byStatus.length || !inChain.length) return null;
  return inChain.map((p) => p.ids).join(' UNION ');
}

/**
 * The same candidates in two groups, for reading a page newest first without collecting them
 * all: the statuses of a clerk's tab (thousands of documents: each status is a range of the
 * (agencyId, status, arrivalDate) index, read in the list's order), and the person's own work
 * (assignments, presentations: a few), as a SELECT of `id` or null. null for "all" and the
 * broad archives, as tabCandidatesSql.
 */
export function tabCandidateGroups(
  user: User,
  tabs: ListTab[],
): { statuses: string[]; others: string | null } | null {
  const parts = candidateParts(user, tabs);
  if (!parts?.length) return null;
  const others = parts.filter((p) => !p.statuses).map((p) => p.ids);
  return {
    statuses: [...new Set(parts.flatMap((p) => p.statuses ?? []))],
    others: others.length ? others.join(' UNION ') : null,
  };
}

/** Open work past its deadline (today in Vietnam), on the document or any handling assignment. */
export function overdueSql(today: string): string {
  const day = db().escape(today);
  return and([
    `${DOC}.status NOT IN ('completed', 'filed', 'returned', 'withdrawn')`,
    or([
      `${DOC}.dueDate < ${day}`,
      assignmentsWhere(`${HANDLING} AND ${OPEN} AND deadline < ${day}`),
    ]),
  ]);
}
