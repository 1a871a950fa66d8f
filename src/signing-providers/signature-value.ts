import { verify as cryptoVerify, X509Certificate, type KeyObject } from 'node:crypto';
import { ProviderError } from './errors.js';
import type { SignatureAlgorithm } from './types.js';

/** DER prefix of DigestInfo { sha256, NULL } for a 32-byte hash (RFC 8017 §9.2 note 1). */
const SHA256_DIGEST_INFO_PREFIX = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/** What RSA PKCS#1 v1.5 signs when given a pre-computed SHA-256 digest. */
export function sha256DigestInfo(digest: Buffer): Buffer {
  if (digest.length !== 32)
    throw new ProviderError(
      'ALGORITHM_UNSUPPORTED',
      `a SHA-256 digest has 32 bytes, got ${digest.length}`,
    );
  return Buffer.concat([SHA256_DIGEST_INFO_PREFIX, digest]);
}

/** Public keys read once per certificate buffer (an opened key signs many documents). */
const publicKeys = new WeakMap<Buffer, KeyObject>();

export function publicKeyOf(certificate: Buffer): KeyObject {
  const known = publicKeys.get(certificate);
  if (known) return known;
  try {
    const key = new X509Certificate(certificate).publicKey;
    publicKeys.set(certificate, key);
    return key;
  } catch (e) {
    throw new ProviderError('KEY_INVALID', `unreadable certificate: ${(e as Error).message}`);
  }
}

/** The signature algorithm the certificate's key makes (SHA-256 always). */
export function algorithmOf(certificate: Buffer): SignatureAlgorithm {
  const type = publicKeyOf(certificate).asymmetricKeyType;
  if (type === 'rsa') return 'rsa-sha256';
  if (type === 'ec') return 'ecdsa-sha256';
  throw new ProviderError('ALGORITHM_UNSUPPORTED', `unsupported key type ${type ?? 'unknown'}`);
}

function derInteger(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  let v = bytes.subarray(i);
  if (v[0]! & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
  return Buffer.concat([Buffer.from([0x02, v.length]), v]);
}

/** ECDSA r||s (PKCS#11, WebCrypto, many remote services) as the DER SEQUENCE CMS wants. */
function p1363ToDer(value: Buffer): Buffer {
  const half = value.length / 2;
  const body = Buffer.concat([
    derInteger(value.subarray(0, half)),
    derInteger(value.subarray(half)),
  ]);
  const len = body.length < 0x80 ? Buffer.from([body.length]) : Buffer.from([0x81, body.length]);
  return Buffer.concat([Buffer.from([0x30]), len, body]);
}

/**
 * Checks a signature value over `toBeSigned` against the certificate before it is embedded, and
 * returns it as CMS wants it (ECDSA r||s becomes DER). A value over other bytes, or made with
 * another key, is refused: SIGNATURE_MISMATCH.
 */
export function checkSignatureValue(
  toBeSigned: Buffer,
  certificate: Buffer,
  algorithm: SignatureAlgorithm,
  value: Buffer,
): Buffer {
  const key = publicKeyOf(certificate);
  const expected = algorithm === 'rsa-sha256' ? 'rsa' : 'ec';
  if (key.asymmetricKeyType !== expected)
    throw new ProviderError(
      'SIGNATURE_MISMATCH',
      `the certificate holds a ${key.asymmetricKeyType ?? 'unknown'} key, not ${expected}`,
    );
  const verifies = (dsaEncoding: 'der' | 'ieee-p1363') => {
    try {
      return cryptoVerify('sha256', toBeSigned, { key, dsaEncoding }, value);
    } catch {
      return false;
    }
  };
  if (verifies('der')) return value;
  if (algorithm === 'ecdsa-sha256' && value.length % 2 === 0 && verifies('ieee-p1363'))
    return p1363ToDer(value);
  throw new ProviderError(
    'SIGNATURE_MISMATCH',
    'the signature value does not verify with the certificate over these signed attributes',
  );
}
