/**
 * Signing identities for tests: a person's server-held key under a PIN and an agency's seal,
 * issued by the test installation's agency CA, through the same service the pages use. The
 * person's key is wrapped under the server secret (cheap to open); the seal and the CA keys stay
 * PKCS#8 under scrypt, here at cheap parameters (the stored keys say their own cost).
 */
import type { KeyObject } from 'node:crypto';
import type { ScryptParams } from '../../src/pki/index.js';
import { enrolAgencySeal, enrolServerKey } from '../../src/signing-keys/index.js';
import { openWrappedKey } from '../../src/signing-keys/key-wrap.js';
import { signingKeySecret, useKdf } from '../../src/signing-keys/settings.js';
import type { SignerCredential } from '../../src/signing-keys/index.js';
import type { User } from '../../src/users/user.model.js';
import { testApp } from './test-app.js';

export const TEST_PIN = '246810';

/** scrypt at N=2^10: enough to exercise the real format, fast enough for hundreds of keys. */
export const CHEAP_KDF: ScryptParams = { N: 1 << 10, r: 8, p: 1 };

async function ready(): Promise<void> {
  await testApp();
  // Keys encrypted under scrypt from now on in this test process (the agency CA's, the seals')
  // are cheap to open.
  useKdf(CHEAP_KDF);
}

/** Issues the user a server-held signing key under `pin` (default TEST_PIN). */
export async function enrolForTest(user: User, pin = TEST_PIN): Promise<SignerCredential> {
  await ready();
  return enrolServerKey(user.id, pin, { userId: user.id, ip: null });
}

/** Issues the agency's seal credential. */
export async function enrolSealForTest(agencyId: number): Promise<SignerCredential> {
  await ready();
  return enrolAgencySeal(agencyId, { userId: null, ip: null }, { kdf: CHEAP_KDF });
}

/** The private key of an enrolled credential, opened as a device holding it would (no count). */
export function keyOfEnrolled(credential: SignerCredential, pin = TEST_PIN): KeyObject {
  return openWrappedKey(credential.encryptedKey!, pin, signingKeySecret());
}
