import { defineRules } from '../policy/policy.js';
import type { User } from './user.model.js';

interface DelegationSubject {
  principalId: number;
  createdById?: number;
  /** Set when the delegate passes on a delegation they hold (checked by the service). */
  parentId?: number | null;
}

const mayLead = (user: User) => user.hasRole('leader') || user.hasRole('dept_head');

// Delegations: a leader hands over their own actions, a delegate passes on what they hold (the
// service checks it is theirs and within it), the administrator manages any.
defineRules({
  'delegation.create': (user, d: DelegationSubject) =>
    user.hasRole('admin') || !!d.parentId || (user.id === d.principalId && mayLead(user)),
  'delegation.revoke': (user, d: DelegationSubject) =>
    user.hasRole('admin') || user.id === d.principalId || user.id === d.createdById,
});
