/**
 * Signing identities for tests: a person's server-held key under a PIN and an agency's seal,
 * issued by the test installation's agency CA with cheap scrypt parameters (the stored keys say
 * their own cost, so opening them is as cheap), through the same service the pages use.
 */
import type { ScryptParams } from '../../src/pki/index.js';
import { enrolAgencySeal, enrolServerKey } from '../../src/signing-keys/index.js';
import { useKdf } from '../../src/signing-keys/settings.js';
import type { SignerCredential } from '../../src/signing-keys/index.js';
import type { User } from '../../src/users/user.model.js';
import { testApp } from './test-app.js';

export const TEST_PIN = '246810';

/** scrypt at N=2^10: enough to exercise the real format, fast enough for hundreds of keys. */
export const CHEAP_KDF: ScryptParams = { N: 1 << 10, r: 8, p: 1 };

async function ready(): Promise<void> {
  await testApp();
  // Keys encrypted from now on in this test process (the agency CA's too) are cheap to open.
  useKdf(CHEAP_KDF);
}

/** Issues the user a server-held signing key under `pin` (default TEST_PIN). */
export async function enrolForTest(user: User, pin = TEST_PIN): Promise<SignerCredential> {
  await ready();
  return enrolServerKey(user.id, pin, { userId: user.id, ip: null }, { kdf: CHEAP_KDF });
}

/** Issues the agency's seal credential. */
export async function enrolSealForTest(agencyId: number): Promise<SignerCredential> {
  await ready();
  return enrolAgencySeal(agencyId, { userId: null, ip: null }, { kdf: CHEAP_KDF });
}
