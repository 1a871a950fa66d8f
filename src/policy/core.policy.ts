import { defineRules } from './policy.js';

// Administration: the admin manages structure and people but sees no document content by role.
defineRules({
  'admin.manage': (user) => user.hasRole('admin'),
  'audit.view': (user) => user.hasRole('admin'),
  // Four-eyes (issue 11 §4): document access asked for an administrator's account is decided by
  // an administrator of its agency who neither asked for it nor holds the account.
  'user.admin_grant.decide': (
    user,
    request: { agencyId: number; userId: number; requestedById: number | null },
  ) =>
    user.hasRole('admin') &&
    user.agencyId === request.agencyId &&
    user.id !== request.userId &&
    user.id !== request.requestedById,
  // An administrator's password is set by its holder (the profile) or the server's operator: an
  // administrator who chose another's could sign in as them and be both pairs of the four eyes.
  'user.password.reset': (
    user,
    target: { id: number; agencyId: number; hasRole(r: 'admin'): boolean },
  ) =>
    user.hasRole('admin') &&
    user.agencyId === target.agencyId &&
    (target.id === user.id || !target.hasRole('admin')),
  'profile.manage': () => true,
  'dashboard.view': () => true,
  'notifications.view': () => true,
});
