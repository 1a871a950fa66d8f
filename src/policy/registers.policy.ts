import { defineRules } from './policy.js';

// Registers (Sổ văn bản): kept by the clerk, read by the agency's leaders. The administrator
// manages structure only and sees no document content by role, so not the registers either.
defineRules({
  'register.view': (user) => user.hasRole('clerk') || user.hasRole('leader'),
  // Printing and closing the year's register is the clerk's duty (Decree 30, Appendix IV).
  'register.close': (user) => user.hasRole('clerk'),
});
