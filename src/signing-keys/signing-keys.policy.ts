import { defineRules } from '../policy/policy.js';

// Signing identities: everyone manages their own (a key under their PIN, the provider they sign
// with); an administrator creates the seal credential of an agency they administer (their own or
// one below it: the route answers "not found" for any other, as the agency pages do).
defineRules({
  'signing_key.manage_own': () => true,
  'signing_key.seal_manage': (user) => user.hasRole('admin'),
});
