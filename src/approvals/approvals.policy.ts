import { defineRules } from '../policy/policy.js';
import type { ApprovalAccess } from './approvals.access.js';
import { approvalDocumentKind } from './approvals.registry.js';

const inProgress = (a: ApprovalAccess) => a.flow.status === 'in_progress';

// Approval chains (issue 12 §2): who may do what on one document's chain. The route loads the
// ApprovalAccess (with the delegation the person holds today, if any) before asking.
defineRules({
  'approval.view': (_user, a: ApprovalAccess) => a.canSee,
  // A member of the active step, or their delegate within the delegation's days.
  'approval.act': (_user, a: ApprovalAccess) => inProgress(a) && !!a.actsFor,
  'approval.comment': (_user, a: ApprovalAccess) => a.canSee,
  // Lấy ý kiến góp ý: a member of the active step, or the drafter where the template allows it.
  'approval.addReviewer': (_user, a: ApprovalAccess) =>
    inProgress(a) && (a.isActiveMember || (a.isDrafter && a.allowExtraReviewers)),
  // The drafter adds consulted units and reviewers to a running or returned chain, where its
  // template allows it (never to a chain decided by signatures: the minutes').
  'approval.adjust': (_user, a: ApprovalAccess) =>
    a.isDrafter &&
    ['in_progress', 'returned'].includes(a.flow.status) &&
    a.allowExtraReviewers &&
    !approvalDocumentKind(a.flow.documentKind)?.decidesBySigning,
  // Withdrawal: by the drafter, before the next step acts on what they sent.
  'approval.withdraw': (_user, a: ApprovalAccess) => a.isDrafter && inProgress(a) && !a.roundActed,
  'approval.resubmit': (_user, a: ApprovalAccess) =>
    a.isDrafter &&
    a.flow.status === 'returned' &&
    !approvalDocumentKind(a.flow.documentKind)?.resubmitsOnItsPage,
  'approval.templates': (user) => user.hasRole('admin'),
});
