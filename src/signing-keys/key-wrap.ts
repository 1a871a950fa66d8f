/**
 * The stored form of a person's server-held signing key: AES-256-GCM over its PKCS#8 DER, under a
 * key derived (HKDF-SHA256) from the server's signing key secret (the KEK, kept outside the
 * database) and the person's PIN. A stolen database alone gives nothing to guess a PIN against;
 * with the KEK, the PIN is checked online, counted and locked (pin-attempts.ts), so the derivation
 * can be cheap (microseconds, where the scrypt of PKCS#8 keys took ~160 ms of CPU).
 *
 * Layout (version 1), base64 in a PEM-like block:
 *   version (1) | kekId (8) | salt (16) | iv (12) | tag (16) | ciphertext | mac (32)
 * - kekId: the first bytes of HMAC(KEK, label): a changed or missing server secret is told apart
 *   from a wrong PIN, without trying the PIN.
 * - mac: HMAC-SHA256 under a key of the KEK alone, over all that precedes it: damaged or altered
 *   bytes are refused before the PIN is tried, so they never count as wrong PINs.
 * - tag: GCM's, under HKDF(ikm = KEK, salt, info = label + the NFC PIN), with the header as
 *   additional data: it fails for a wrong PIN, and only then.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createPrivateKey,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';

export const WRAPPED_KEY_LABEL = 'EOFFICE WRAPPED KEY';
const BEGIN = `-----BEGIN ${WRAPPED_KEY_LABEL}-----`;
const END = `-----END ${WRAPPED_KEY_LABEL}-----`;

const VERSION = 1;
const KEK_ID_LENGTH = 8;
const SALT_LENGTH = 16;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;
const MAC_LENGTH = 32;
const HEADER_LENGTH = 1 + KEK_ID_LENGTH + SALT_LENGTH + IV_LENGTH;
/** A PKCS#8 RSA-4096 key is ~2.4 kB: anything far larger is not one of ours (read no further). */
const MAX_TEXT_LENGTH = 16 * 1024;

const LABEL = {
  kekId: 'eoffice:wrapped-key:kek-id',
  mac: 'eoffice:wrapped-key:v1:mac',
  key: 'eoffice:wrapped-key:v1:pin:',
};

export type KeyWrapErrorCode =
  /** The PIN does not open the key (GCM's tag). */
  | 'WRONG_PIN'
  /** The key was wrapped under another server secret than the one given. */
  | 'SECRET_CHANGED'
  /** Not a wrapped key of a known version, or its bytes were altered. */
  | 'DAMAGED';

export class KeyWrapError extends Error {
  override readonly name = 'KeyWrapError';
  constructor(
    readonly code: KeyWrapErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const damaged = (why: string) => new KeyWrapError('DAMAGED', `wrapped key unreadable: ${why}`);

/** The identifier a wrapped key keeps of the server secret it was wrapped under. */
export function kekIdOf(kek: Buffer): Buffer {
  return createHmac('sha256', kek).update(LABEL.kekId).digest().subarray(0, KEK_ID_LENGTH);
}

const macOf = (kek: Buffer, bytes: Buffer) =>
  createHmac('sha256', createHmac('sha256', kek).update(LABEL.mac).digest()).update(bytes).digest();

const keyOf = (kek: Buffer, salt: Buffer, pin: string) =>
  Buffer.from(hkdfSync('sha256', kek, salt, Buffer.from(LABEL.key + pin.normalize('NFC')), 32));

/** Is this text a wrapped key (as opposed to a PKCS#8 PEM)? Its contents are not checked. */
export function isWrappedKey(text: string): boolean {
  return text.trimStart().startsWith(BEGIN);
}

/** Wraps a private key under the server secret and the PIN (a fresh salt and IV each time). */
export function wrapKey(key: KeyObject, pin: string, kek: Buffer): string {
  if (!pin) throw new KeyWrapError('WRONG_PIN', 'a PIN is needed to wrap a key');
  if (kek.length === 0) throw new KeyWrapError('SECRET_CHANGED', 'no server secret given');
  const salt = randomBytes(SALT_LENGTH);
  const iv = randomBytes(IV_LENGTH);
  const header = Buffer.concat([Buffer.from([VERSION]), kekIdOf(kek), salt, iv]);
  const cipher = createCipheriv('aes-256-gcm', keyOf(kek, salt, pin), iv);
  cipher.setAAD(header);
  const plain = key.export({ type: 'pkcs8', format: 'der' });
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  const signed = Buffer.concat([header, cipher.getAuthTag(), ciphertext]);
  const blob = Buffer.concat([signed, macOf(kek, signed)]);
  return `${BEGIN}\n${blob.toString('base64').replace(/.{1,64}/g, '$&\n')}${END}\n`;
}

/** A wrapped key read and checked against the server secret: only the PIN is left to try. */
export interface WrappedKey {
  header: Buffer;
  salt: Buffer;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
  kek: Buffer;
}

function decodeBlock(text: string): Buffer {
  if (typeof text !== 'string' || text.length === 0) throw damaged('empty');
  if (text.length > MAX_TEXT_LENGTH) throw damaged('too large');
  const trimmed = text.trim();
  if (!trimmed.startsWith(BEGIN) || !trimmed.endsWith(END)) throw damaged('not a wrapped key');
  const body = trimmed.slice(BEGIN.length, trimmed.length - END.length).replace(/\s+/g, '');
  // Buffer.from skips what is not base64: check it first, so altered text is never half-read.
  if (body.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(body)) throw damaged('bad base64');
  return Buffer.from(body, 'base64');
}

/**
 * Reads a wrapped key and checks it against the server secret, before any PIN is tried:
 * KeyWrapError SECRET_CHANGED when it was wrapped under another secret, DAMAGED when it is not a
 * wrapped key of a known version or any of its bytes were altered.
 */
export function readWrappedKey(text: string, kek: Buffer): WrappedKey {
  const blob = decodeBlock(text);
  if (blob.length < HEADER_LENGTH + TAG_LENGTH + 1 + MAC_LENGTH) throw damaged('truncated');
  if (blob[0] !== VERSION) throw damaged(`unknown version ${blob[0]}`);
  const kekId = blob.subarray(1, 1 + KEK_ID_LENGTH);
  if (!timingSafeEqual(kekId, kekIdOf(kek)))
    throw new KeyWrapError(
      'SECRET_CHANGED',
      'the key was wrapped under another server secret than this one',
    );
  const signed = blob.subarray(0, blob.length - MAC_LENGTH);
  if (!timingSafeEqual(blob.subarray(signed.length), macOf(kek, signed))) throw damaged('altered');
  const salt = blob.subarray(1 + KEK_ID_LENGTH, 1 + KEK_ID_LENGTH + SALT_LENGTH);
  return {
    header: blob.subarray(0, HEADER_LENGTH),
    salt,
    iv: blob.subarray(HEADER_LENGTH - IV_LENGTH, HEADER_LENGTH),
    tag: blob.subarray(HEADER_LENGTH, HEADER_LENGTH + TAG_LENGTH),
    ciphertext: signed.subarray(HEADER_LENGTH + TAG_LENGTH),
    kek,
  };
}

/** Opens a wrapped key read by readWrappedKey with the PIN; KeyWrapError WRONG_PIN if it does not. */
export function unwrapKey(wrapped: WrappedKey, pin: string): KeyObject {
  if (!pin) throw new KeyWrapError('WRONG_PIN', 'no PIN given');
  let plain: Buffer;
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      keyOf(wrapped.kek, wrapped.salt, pin),
      wrapped.iv,
      {
        authTagLength: TAG_LENGTH,
      },
    );
    decipher.setAAD(wrapped.header);
    decipher.setAuthTag(wrapped.tag);
    plain = Buffer.concat([decipher.update(wrapped.ciphertext), decipher.final()]);
  } catch {
    throw new KeyWrapError('WRONG_PIN', 'the PIN does not open the key');
  }
  try {
    return createPrivateKey({ key: plain, format: 'der', type: 'pkcs8' });
  } catch {
    // Authenticated under the right PIN, yet no key: written wrong, not a PIN to count.
    throw damaged('not a PKCS#8 key');
  }
}

/** readWrappedKey then unwrapKey. */
export function openWrappedKey(text: string, pin: string, kek: Buffer): KeyObject {
  return unwrapKey(readWrappedKey(text, kek), pin);
}
