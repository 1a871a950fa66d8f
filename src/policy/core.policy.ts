import { defineRules } from './policy.js';

// Administration: the admin manages structure and people but sees no document content by role.
defineRules({
  'admin.manage': (user) => user.hasRole('admin'),
  'audit.view': (user) => user.hasRole('admin'),
  'profile.manage': () => true,
  'dashboard.view': () => true,
  'notifications.view': () => true,
});
