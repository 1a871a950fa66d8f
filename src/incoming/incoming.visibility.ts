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

/**
 * The chain conditions of isInIncomingChain. One sub-select per assignment column, so each can
 * use its own index (an OR across columns in one sub-select scans the whole table).
 */
function chainConditions(user: User): string[] {
  const u = int(user.id);
  const byDepartment =
    user.hasRole('dept_head') && user.departmentId != null
      ? [assignmentsWhere(`assigneeDepartmentId = ${int(user.departmentId)}`)]
      : [];
  return [
    `${DOC}.createdById = ${u}`,
    `${DOC}.presentedToId = ${u}`,
    assignmentsWhere(`assignedById = ${u}`),
    assignmentsWhere(`assigneeUserId = ${u}`),
    ...byDepartment,
    `${DOC}.id IN (SELECT documentId FROM document_grants WHERE documentKind = 'incoming' AND userId = ${u})`,
  ];
}

/** Who may see a document of the agency: the chain, a grant, or clearance for clerks and leaders. */
function visibleByRuleSql(user: User): string {
  const broad = user.hasRole('clerk') || user.hasRole('leader');
  const byClearance = broad ? [`${DOC}.confidentiality <= ${int(user.secretClearance)}`] : [];
  return or([...byClearance, ...chainConditions(user)]);
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
 * What a tab holds, in two groups: conditions that put the person in the document's handling
 * chain (an assignment to them or made by them, a presentation to them), which canViewIncoming
 * lets through without more checks; and the clerk's conditions on status alone, which still need
 * the visibility rule (clearance for a secret document).
 */
interface TabParts {
  inChain: string[];
  byStatus: string[];
}

function tabParts(user: User, tab: Exclude<ListTab, 'all'>): TabParts {
  const u = int(user.id);
  const mine = mineCondition(user);
  const inChain: string[] = [];
  const byStatus: string[] = [];
  const isClerk = user.hasRole('clerk');
  const isLeader = user.hasRole('leader');
  switch (tab) {
    case 'toHandle':
      if (isClerk) byStatus.push(statusIn('registered', 'returned', 'completed'));
      if (isLeader) inChain.push(and([statusIn('presented'), `${DOC}.presentedToId = ${u}`]));
      inChain.push(assignmentsWhere(`${HANDLING} AND status = 'pending' AND ${mine}`));
      break;
    case 'inProgress':
      if (isClerk) byStatus.push(statusIn('presented', 'directed', 'in_progress'));
      if (isLeader)
        inChain.push(and([statusIn('directed', 'in_progress'), `${DOC}.presentedToId = ${u}`]));
      inChain.push(assignmentsWhere(`${HANDLING} AND status = 'in_progress' AND ${mine}`));
      inChain.push(
        and([statusIn('directed', 'in_progress'), assignmentsWhere(`assignedById = ${u}`)]),
      );
      break;
    case 'done':
      if (isClerk) byStatus.push(statusIn('filed'));
      inChain.push(assignmentsWhere(`${HANDLING} AND status = 'completed' AND ${mine}`));
      inChain.push(
        and([
          statusIn('completed', 'filed'),
          or([`${DOC}.presentedToId = ${u}`, assignmentsWhere(`assignedById = ${u}`)]),
        ]),
      );
      break;
    case 'forInfo':
      inChain.push(assignmentsWhere(`role = 'info' AND status <> 'returned' AND ${mine}`));
      break;
  }
  return { inChain, byStatus };
}

/** The personal tabs as one condition, to be combined with visibleIncomingSql (the dashboard). */
export function tabSql(user: User, tab: Exclude<ListTab, 'all'>): string {
  const { inChain, byStatus } = tabParts(user, tab);
  return or([...inChain, ...byStatus]);
}

/**
 * Everything a tab of a person's list may show: the agency, then the tab, with the visibility
 * rule applied only where the tab's own condition does not already imply it (the simpler
 * condition is what lets the database answer a personal tab from the assignment indexes alone).
 */
export function tabListSql(user: User, tab: ListTab): string {
  if (tab === 'all') return visibleIncomingSql(user);
  const { inChain, byStatus } = tabParts(user, tab);
  const visibleByStatus = byStatus.length ? [and([visibleByRuleSql(user), or(byStatus)])] : [];
  return and([ofAgency(user), or([...inChain, ...visibleByStatus])]);
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
