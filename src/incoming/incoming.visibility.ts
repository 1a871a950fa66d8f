import { Op, literal, type WhereOptions } from 'sequelize';
import { db } from '../db/index.js';
import type { User } from '../users/user.model.js';
import type { ListTab } from './incoming.schemas.js';
import type { IncomingDocument } from './incoming.model.js';

type Where = WhereOptions<IncomingDocument>;

const int = (n: number | null | undefined): number => {
  if (!Number.isSafeInteger(n)) throw new Error('Expected an integer id');
  return n as number;
};

/** Documents whose id is among the document ids a sub-select returns. */
const idIn = (subSelect: string): Where => ({ id: { [Op.in]: literal(`(${subSelect})`) } });

const assignmentsWhere = (condition: string) =>
  idIn(`SELECT documentId FROM incoming_assignments WHERE ${condition}`);

/** An assignment is "mine": made to me, or to my department when I am its head. */
export function mineCondition(user: User): string {
  const me = `assigneeUserId = ${int(user.id)}`;
  if (user.hasRole('dept_head') && user.departmentId != null) {
    return `(${me} OR assigneeDepartmentId = ${int(user.departmentId)})`;
  }
  return `(${me})`;
}

/**
 * The chain conditions of isInIncomingChain, as SQL. One sub-select per assignment column, so
 * each can use its own index (an OR across columns in one sub-select scans the whole table).
 */
function chainWhere(user: User): Where[] {
  const u = int(user.id);
  const byDepartment =
    user.hasRole('dept_head') && user.departmentId != null
      ? [assignmentsWhere(`assigneeDepartmentId = ${int(user.departmentId)}`)]
      : [];
  return [
    { createdById: u },
    { presentedToId: u },
    assignmentsWhere(`assignedById = ${u}`),
    assignmentsWhere(`assigneeUserId = ${u}`),
    ...byDepartment,
    idIn(
      `SELECT documentId FROM document_grants WHERE documentKind = 'incoming' AND userId = ${u}`,
    ),
  ];
}

/**
 * The query-level twin of canViewIncoming: a list filtered by it never shows a document the
 * 'incoming.view' rule would refuse.
 */
export function visibleIncomingWhere(user: User): Where {
  const broad = user.hasRole('clerk') || user.hasRole('leader');
  const byClearance: Where[] = broad
    ? [{ confidentiality: { [Op.lte]: int(user.secretClearance) } }]
    : [];
  return { agencyId: int(user.agencyId), [Op.or]: [...byClearance, ...chainWhere(user)] };
}

const OPEN = `status IN ('pending', 'in_progress')`;
const HANDLING = `role IN ('lead', 'support')`;

/** The personal tabs: what waits for me, what I am handling, what I finished, what is for my information. */
export function tabWhere(user: User, tab: ListTab): Where | null {
  const u = int(user.id);
  const mine = mineCondition(user);
  const parts: Where[] = [];
  const isClerk = user.hasRole('clerk');
  const isLeader = user.hasRole('leader');
  switch (tab) {
    case 'toHandle':
      if (isClerk) parts.push({ status: { [Op.in]: ['registered', 'returned', 'completed'] } });
      if (isLeader) parts.push({ status: 'presented', presentedToId: u });
      parts.push(assignmentsWhere(`${HANDLING} AND status = 'pending' AND ${mine}`));
      break;
    case 'inProgress':
      if (isClerk) parts.push({ status: { [Op.in]: ['presented', 'directed', 'in_progress'] } });
      if (isLeader)
        parts.push({ status: { [Op.in]: ['directed', 'in_progress'] }, presentedToId: u });
      parts.push(assignmentsWhere(`${HANDLING} AND status = 'in_progress' AND ${mine}`));
      parts.push({
        [Op.and]: [
          { status: { [Op.in]: ['directed', 'in_progress'] } },
          assignmentsWhere(`assignedById = ${u}`),
        ],
      });
      break;
    case 'done':
      if (isClerk) parts.push({ status: 'filed' });
      parts.push(assignmentsWhere(`${HANDLING} AND status = 'completed' AND ${mine}`));
      parts.push({
        [Op.and]: [
          { status: { [Op.in]: ['completed', 'filed'] } },
          { [Op.or]: [{ presentedToId: u }, assignmentsWhere(`assignedById = ${u}`)] },
        ],
      });
      break;
    case 'forInfo':
      parts.push(assignmentsWhere(`role = 'info' AND status <> 'returned' AND ${mine}`));
      break;
    case 'all':
      return null;
  }
  return { [Op.or]: parts };
}

/** Open work past its deadline (today in Vietnam), on the document or any handling assignment. */
export function overdueWhere(today: string): Where {
  const day = db().escape(today);
  return {
    [Op.and]: [
      { status: { [Op.notIn]: ['completed', 'filed', 'returned'] } },
      {
        [Op.or]: [
          { dueDate: { [Op.lt]: today } },
          assignmentsWhere(`${HANDLING} AND ${OPEN} AND deadline < ${day}`),
        ],
      },
    ],
  };
}
