import { defineRules } from '../policy/policy.js';

// The directory: every signed-in person of an agency sees its leaders, departments and people
// (the route shows only the person's own agency).
defineRules({
  'directory.view': () => true,
});
