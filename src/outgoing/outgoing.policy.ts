import type { IncomingAccess } from '../incoming/incoming.access.js';
import { canViewIncoming } from '../policy/incoming.policy.js';
import { defineRules } from '../policy/policy.js';
import type { User } from '../users/user.model.js';
import type { OutgoingAccess } from './outgoing.access.js';
import type { OutgoingStatus } from './outgoing.model.js';

/** The statuses in which each step may be taken. */
export const OUTGOING_STEP_STATUSES = {
  edit: ['draft', 'in_approval'],
  submit: ['draft', 'in_approval'],
  sign: ['in_approval'],
  issue: ['signed'],
  recall: ['issued'],
} as const satisfies Record<string, readonly OutgoingStatus[]>;

const statusIn = (a: OutgoingAccess, statuses: readonly OutgoingStatus[]) =>
  statuses.includes(a.document.status);

const isDrafter = (user: User, a: OutgoingAccess) => a.document.createdById === user.id;

/**
 * With the drafter: a draft, or a document whose chain returned it to them, rejected it or that
 * they withdrew (they edit it and submit again).
 */
export const withDrafter = (a: Pick<OutgoingAccess, 'document' | 'flowStatus'>) =>
  a.document.status === 'draft' ||
  (a.document.status === 'in_approval' &&
    ['returned', 'rejected', 'withdrawn'].includes(a.flowStatus ?? ''));

/** Ready for the signer: submitted, and its chain (if it has one) approved it. */
export const readyToSign = (a: OutgoingAccess) =>
  a.document.status === 'in_approval' && (a.flowStatus === null || a.flowStatus === 'approved');
const isSigner = (user: User, a: OutgoingAccess) =>
  a.document.signerId === user.id || a.signsByDelegation;

/**
 * Who may see an outgoing document of their own agency: its drafter, its intended signer (or
 * their delegate), everyone its approval chain asked or who acted in it, granted users; and,
 * once it has left the drafter's hands, clerks and leaders cleared for its confidentiality, and
 * the head of the drafting department. The admin role alone gives no access.
 */
export function canViewOutgoing(user: User, a: OutgoingAccess): boolean {
  if (!a?.document || a.document.agencyId !== user.agencyId) return false;
  // An account that only administers the system, whatever a delegation or a grant names it in.
  if (!user.takesPart()) return false;
  if (isDrafter(user, a) || isSigner(user, a)) return true;
  if (a.chainUserIds.includes(user.id) || a.grantUserIds.includes(user.id)) return true;
  if (a.document.status === 'draft') return false;
  const cleared = a.document.confidentiality <= user.secretClearance;
  if ((user.hasRole('clerk') || user.hasRole('leader')) && cleared) return true;
  return (
    cleared &&
    user.hasRole('dept_head') &&
    user.departmentId != null &&
    (user.departmentId === a.document.departmentId ||
      a.recipients.some((r) => r.departmentId === user.departmentId))
  );
}

const drafts = (user: User) =>
  user.hasRole('specialist') ||
  user.hasRole('dept_head') ||
  user.hasRole('leader') ||
  user.hasRole('clerk');

defineRules({
  'outgoing.list': (user) => drafts(user),
  'outgoing.create': (user) => drafts(user),
  // Soạn văn bản trả lời: whoever drafts, from an incoming document they may open that is still
  // the agency's to answer (not returned, sent back or withdrawn).
  'incoming.answer': (user, r: IncomingAccess) =>
    drafts(user) &&
    canViewIncoming(user, r) &&
    !['returned', 'sent_back', 'withdrawn'].includes(r.document.status),
  'outgoing.view': (user, a: OutgoingAccess) => canViewOutgoing(user, a),
  'outgoing.download': (user, a: OutgoingAccess) => canViewOutgoing(user, a),
  'outgoing.edit': (user, a: OutgoingAccess) => isDrafter(user, a) && withDrafter(a),
  'outgoing.submit': (user, a: OutgoingAccess) => isDrafter(user, a) && withDrafter(a),
  'outgoing.sign': (user, a: OutgoingAccess) => isSigner(user, a) && readyToSign(a),
  // The signer before signing; the clerk a signed document that cannot be issued as it is (no
  // place-and-date line to write the date on, a wrong symbol): back to its drafter to fix.
  'outgoing.return': (user, a: OutgoingAccess) =>
    (isSigner(user, a) && readyToSign(a)) ||
    (user.hasRole('clerk') &&
      canViewOutgoing(user, a) &&
      statusIn(a, OUTGOING_STEP_STATUSES.issue)),
  'outgoing.issue': (user, a: OutgoingAccess) =>
    user.hasRole('clerk') && canViewOutgoing(user, a) && statusIn(a, OUTGOING_STEP_STATUSES.issue),
  'outgoing.recall': (user, a: OutgoingAccess) =>
    user.hasRole('clerk') && canViewOutgoing(user, a) && statusIn(a, OUTGOING_STEP_STATUSES.recall),
});
