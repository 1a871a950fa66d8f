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

/**
 * The query-level twin of canViewIncoming: a list filtered by it never shows a document the
 * 'incoming.view' rule would refuse.
 */
export function visibleIncomingSql(user: User): string {
  const broad = user.hasRole('clerk') || user.hasRole('leader');
  const byClearance = broad ? [`${DOC}.confidentiality <= ${int(user.secretClearance)}`] : [];
  return and([`${DOC}.agencyId = ${int(user.agencyId)}`, or([...byClearance, ...chainConditions(user)])]);
}

/** visibleIncomingSql for a Sequelize query on IncomingDocument. */
export const visibleIncomingWhere = (user: User): WhereOptions<IncomingDocument> =>
  literal(visibleIncomingSql(user));

const OPEN = `status IN ('pending', 'in_progress')`;
const HANDLING = `role IN ('lead', 'support')`;

/** The personal tabs: what waits for me, what I am handling, what I finished, what is for my information. */
export function tabSql(user: User, tab: ListTab): string | null {
  const u = int(user.id);
  const mine = mineCondition(user);
  const parts: string[] = [];
  const isClerk = user.hasRole('clerk');
  const isLeader = user.hasRole('leader');
  switch (tab) {
    case 'toHandle':
      if (isClerk) parts.push(statusIn('registered', 'returned', 'completed'));
      if (isLeader) parts.push(and([statusIn('presented'), `${DOC}.presentedToId = ${u}`]));
      parts.push(assignmentsWhere(`${HANDLING} AND status = 'pending' AND ${mine}`));
      break;
    case 'inProgress':
      if (isClerk) parts.push(statusIn('presented', 'directed', 'in_progress'));
      if (isLeader)
        parts.push(and([statusIn('directed', 'in_progress'), `${DOC}.presentedToId = ${u}`]));
      parts.push(assignmentsWhere(`${HANDLING} AND status = 'in_progress' AND ${mine}`));
      parts.push(
        and([statusIn('directed', 'in_progress'), assignmentsWhere(`assignedById = ${u}`)]),
      );
      break;
    case 'done':
      if (isClerk) parts.push(statusIn('filed'));
      parts.push(assignmentsWhere(`${HANDLING} AND status = 'completed' AND ${mine}`));
      parts.push(
        and([
          statusIn('completed', 'filed'),
          or([`${DOC}.presentedToId = ${u}`, assignmentsWhere(`assignedById = ${u}`)]),
        ]),
      );
      break;
    case 'forInfo':
      parts.push(assignmentsWhere(`role = 'info' AND status <> 'returned' AND ${mine}`));
      break;
    case 'all':
      return null;
  }
  return or(parts);
}

/** Open work past its deadline (today in Vietnam), on the document or any handling assignment. */
export function overdueSql(today: string): string {
  const day = db().escape(today);
  return and([
    `${DOC}.status NOT IN ('completed', 'filed', 'returned')`,
    or([
      `${DOC}.dueDate < ${day}`,
      assignmentsWhere(`${HANDLING} AND ${OPEN} AND deadline < ${day}`),
    ]),
  ]);
}
