import { defineRules } from '../policy/policy.js';

// The sender directory belongs to the agency's clerks (văn thư): they read it while registering
// and keep it right. The routes show only the clerk's own agency.
defineRules({
  'senders.list': (user) => user.hasRole('clerk'),
  'senders.manage': (user) => user.hasRole('clerk'),
});
