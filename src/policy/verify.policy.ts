import { definePublicRules } from './policy.js';

// Checking the digital signatures of a PDF (/verify) is a public service: anyone, signed in or
// not, may ask; nothing of the file is kept, so there is nothing of the agency's to protect.
definePublicRules({
  'verify.public': () => true,
});
