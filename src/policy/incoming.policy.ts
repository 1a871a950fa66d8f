import type { AssignmentAccess, IncomingAccess } from '../incoming/incoming.access.js';
import type { IncomingAssignment, IncomingStatus } from '../incoming/incoming.model.js';
import type { User } from '../users/user.model.js';
import { defineRules } from './policy.js';

/** The statuses in which each step may be taken. */
export const INCOMING_STEP_STATUSES = {
  present: ['registered', 'returned', 'presented'],
  edit: ['registered', 'returned'],
  direct: ['presented'],
  handle: ['directed', 'in_progress'],
  file: ['completed'],
  return: ['presented', 'directed', 'in_progress'],
  sendBack: ['returned'],
} as const satisfies Record<string, readonly IncomingStatus[]>;

const statusIn = (access: IncomingAccess, statuses: readonly IncomingStatus[]) =>
  statuses.includes(access.document.status);

const isOpen = (a: IncomingAssignment) => a.status === 'pending' || a.status === 'in_progress';

/** A department head stands for the assignments made to the department. */
export function isAssignee(user: User, a: IncomingAssignment): boolean {
  if (a.assigneeUserId === user.id) return true;
  return (
    user.hasRole('dept_head') &&
    user.departmentId != null &&
    a.assigneeDepartmentId === user.departmentId
  );
}

/**
 * The handling chain: the registering clerk, the leader it was presented to, everyone who
 * assigned or was assigned (a department head for the department's assignments).
 */
export function isInIncomingChain(user: User, access: IncomingAccess): boolean {
  const doc = access.document;
  if (doc.createdById === user.id || doc.presentedToId === user.id) return true;
  return access.assignments.some((a) => a.assignedById === user.id || isAssignee(user, a));
}

/**
 * Who may see a document of their own agency: the chain and granted users always; clerks and
 * leaders when their secret clearance covers its confidentiality (Thường = 0 covers everyone).
 * The admin role alone gives no access to document content. Mirrored as a query filter by
 * visibleIncomingWhere in src/incoming/incoming.visibility.ts.
 */
export function canViewIncoming(user: User, access: IncomingAccess): boolean {
  if (!access?.document || access.document.agencyId !== user.agencyId) return false;
  // An account that only administers the system, whatever a grant or an assignment names it in.
  if (!user.takesPart()) return false;
  if (isInIncomingChain(user, access) || access.grantUserIds.includes(user.id)) return true;
  const broad = user.hasRole('clerk') || user.hasRole('leader');
  return broad && access.document.confidentiality <= user.secretClearance;
}

const handles = (user: User, r: AssignmentAccess) =>
  canViewIncoming(user, r) &&
  statusIn(r, INCOMING_STEP_STATUSES.handle) &&
  r.assignment.role !== 'info' &&
  isOpen(r.assignment) &&
  isAssignee(user, r.assignment);

defineRules({
  'incoming.list': (user) =>
    user.hasRole('clerk') ||
    user.hasRole('leader') ||
    user.hasRole('dept_head') ||
    user.hasRole('specialist'),
  'incoming.create': (user) => user.hasRole('clerk'),
  'incoming.view': (user, r: IncomingAccess) => canViewIncoming(user, r),
  'incoming.download': (user, r: IncomingAccess) => canViewIncoming(user, r),
  'incoming.comment': (user, r: IncomingAccess) => canViewIncoming(user, r),
  'incoming.edit': (user, r: IncomingAccess) =>
    user.hasRole('clerk') && canViewIncoming(user, r) && statusIn(r, INCOMING_STEP_STATUSES.edit),
  'incoming.present': (user, r: IncomingAccess) =>
    user.hasRole('clerk') &&
    canViewIncoming(user, r) &&
    statusIn(r, INCOMING_STEP_STATUSES.present),
  // Only the leader the document was presented to directs it (a re-presentation names another),
  // or the person that leader delegated directing to (delegatedBy, looked up by the service);
  // other leaders may comment.
  'incoming.direct': (user, r: IncomingAccess & { delegatedBy?: number | null }) =>
    canViewIncoming(user, r) &&
    statusIn(r, INCOMING_STEP_STATUSES.direct) &&
    r.document.presentedToId != null &&
    ((user.hasRole('leader') && r.document.presentedToId === user.id) ||
      r.delegatedBy === r.document.presentedToId),
  'incoming.assign': (user, r: AssignmentAccess) =>
    user.hasRole('dept_head') &&
    r.assignment.assigneeDepartmentId != null &&
    r.assignment.assigneeDepartmentId === user.departmentId &&
    handles(user, r),
  'incoming.report': (user, r: AssignmentAccess) => handles(user, r),
  'incoming.complete': (user, r: AssignmentAccess) => handles(user, r),
  'incoming.acknowledge': (user, r: AssignmentAccess) =>
    canViewIncoming(user, r) &&
    r.assignment.role === 'info' &&
    r.assignment.status === 'pending' &&
    isAssignee(user, r.assignment),
  'incoming.file': (user, r: IncomingAccess) =>
    user.hasRole('clerk') && canViewIncoming(user, r) && statusIn(r, INCOMING_STEP_STATUSES.file),
  // Trả lại nơi gửi: the clerk closes a document handed back as misaddressed or wrong.
  'incoming.sendBack': (user, r: IncomingAccess) =>
    user.hasRole('clerk') &&
    canViewIncoming(user, r) &&
    statusIn(r, INCOMING_STEP_STATUSES.sendBack),
  'incoming.return': (user, r: IncomingAccess) =>
    canViewIncoming(user, r) &&
    statusIn(r, INCOMING_STEP_STATUSES.return) &&
    (user.hasRole('leader') || (user.hasRole('dept_head') && isInIncomingChain(user, r))),
  // Đôn đốc: open handling work may be chased by whoever handed it over, and by the agency's
  // leaders and clerks (Decree 30 gives the clerk the tracking of incoming documents).
  'incoming.remind': (user, r: AssignmentAccess) =>
    canViewIncoming(user, r) &&
    statusIn(r, INCOMING_STEP_STATUSES.handle) &&
    r.assignment.role !== 'info' &&
    isOpen(r.assignment) &&
    !isAssignee(user, r.assignment) &&
    (r.assignment.assignedById === user.id || user.hasRole('leader') || user.hasRole('clerk')),
  // Checking a file's signatures again (new trust anchors, files from before the check existed)
  // rewrites the stored result: the clerk's job, like registration.
  'incoming.recheck': (user, r: IncomingAccess) =>
    user.hasRole('clerk') && canViewIncoming(user, r),
  // Who has opened the document (the access history): the clerks and leaders who may see it,
  // and the people handling it; not a reader who was only granted it.
  'incoming.accessHistory': (user, r: IncomingAccess) =>
    canViewIncoming(user, r) &&
    (user.hasRole('clerk') || user.hasRole('leader') || isInIncomingChain(user, r)),
  'incoming.grant': (user, r: IncomingAccess) =>
    user.hasRole('leader') && canViewIncoming(user, r) && r.document.confidentiality > 0,
});
