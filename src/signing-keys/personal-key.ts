import type { KeyObject } from 'node:crypto';
import { AppError } from '../http/app-error.js';
import { loadSigningKeyAsync, PkiError } from '../pki/index.js';
import { isWrappedKey, KeyWrapError, readWrappedKey, unwrapKey, wrapKey } from './key-wrap.js';
import { signingKeySecret } from './settings.js';

/** A person's stored key, read and checked as far as it can be without the PIN. */
export interface StoredPersonalKey {
  /**
   * 'wrapped': under the server secret and the PIN (key-wrap.ts). 'scrypt': PKCS#8 under the PIN
   * alone, as keys were stored before; opened as then, and re-wrapped once opened.
   */
  format: 'wrapped' | 'scrypt';
  /** Opens the key: PkiError WRONG_PIN when the PIN does not, AppError when the key is unreadable. */
  open(pin: string): Promise<KeyObject>;
}

const SCRYPT_PEM = '-----BEGIN ENCRYPTED PRIVATE KEY-----';

const unreadable = () => new AppError('SIGNING_KEY_UNREADABLE', 503);

function appErrorOf(e: unknown): unknown {
  if (!(e instanceof KeyWrapError)) return e;
  if (e.code === 'SECRET_CHANGED') return new AppError('SIGNING_KEY_SECRET_CHANGED', 503);
  if (e.code === 'WRONG_PIN') return new PkiError('WRONG_PIN', 'Mã PIN ký số không đúng');
  return unreadable();
}

/** A person's private key as it is stored: wrapped under the server secret and their PIN. */
export function protectPersonalKey(key: KeyObject, pin: string): string {
  return wrapKey(key, pin, signingKeySecret());
}

/**
 * Reads a person's stored key. A wrapped key is checked against the server secret here, before
 * any PIN is tried: SIGNING_KEY_SECRET_CHANGED (503) when it was wrapped under another secret,
 * SIGNING_KEY_UNREADABLE (503) when its bytes are not a wrapped key's; neither is a wrong PIN.
 */
export function readPersonalKey(text: string): StoredPersonalKey {
  if (!isWrappedKey(text) && text.includes(SCRYPT_PEM))
    return {
      format: 'scrypt',
      async open(pin) {
        try {
          return await loadSigningKeyAsync(text, pin);
        } catch (e) {
          if (e instanceof PkiError && e.code !== 'WRONG_PIN') throw unreadable();
          throw e;
        }
      },
    };
  let wrapped: ReturnType<typeof readWrappedKey>;
  try {
    wrapped = readWrappedKey(text, signingKeySecret());
  } catch (e) {
    throw appErrorOf(e);
  }
  return {
    format: 'wrapped',
    async open(pin) {
      try {
        return unwrapKey(wrapped, pin);
      } catch (e) {
        throw appErrorOf(e);
      }
    },
  };
}
