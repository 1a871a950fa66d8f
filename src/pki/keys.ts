import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  scrypt,
  scryptSync,
  sign,
  type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import { PkiError } from './errors.js';
import {
  children,
  derToPem,
  fromDer,
  nul,
  octets,
  oid,
  oidOf,
  pemToDer,
  seq,
  toDer,
  uint,
  valueBytes,
  type Node,
} from './der.js';

export type KeyAlgorithm = 'rsa-2048' | 'rsa-3072' | 'ecdsa-p256';
export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = ['rsa-2048', 'rsa-3072', 'ecdsa-p256'];

const OID = {
  pbes2: '1.2.840.113549.1.5.13',
  scrypt: '1.3.6.1.4.1.11591.4.11',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
};

/**
 * scrypt cost for keys at rest: N=2^15, r=7, p=2 takes ~29 MiB and about as much work as
 * N=2^16, r=8, p=1, while staying inside OpenSSL's 32 MiB PBE limit so `openssl pkey` still reads it.
 */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}
export const DEFAULT_SCRYPT: ScryptParams = { N: 1 << 15, r: 7, p: 2 };

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

const maxmemFor = (params: ScryptParams): number =>
  128 * params.r * (params.N + params.p + 2) + (1 << 20);

export function generateKeyPair(algorithm: KeyAlgorithm): {
  privateKey: KeyObject;
  publicKey: KeyObject;
} {
  switch (algorithm) {
    case 'rsa-2048':
      return generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
    case 'rsa-3072':
      return generateKeyPairSync('rsa', { modulusLength: 3072, publicExponent: 0x10001 });
    case 'ecdsa-p256':
      return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    default:
      throw new PkiError(
        'INVALID_INPUT',
        `Thuật toán khóa không được hỗ trợ: ${String(algorithm)}`,
      );
  }
}

/** AlgorithmIdentifier for a SHA-256 signature made with this key. */
export function signatureAlgorithm(key: KeyObject): Node {
  if (key.asymmetricKeyType === 'rsa') return seq([oid(OID.sha256WithRsa), nul()]);
  if (key.asymmetricKeyType === 'ec') return seq([oid(OID.ecdsaWithSha256)]);
  throw new PkiError(
    'INVALID_KEY',
    `Loại khóa không được hỗ trợ: ${key.asymmetricKeyType ?? 'không rõ'}`,
  );
}

/** RSA PKCS#1 v1.5 or ECDSA (DER signature value), SHA-256. */
export function signBytes(key: KeyObject, data: Buffer): Buffer {
  return sign('sha256', data, key);
}

export function publicKeyOf(key: KeyObject): KeyObject {
  return key.type === 'private' ? createPublicKey(key) : key;
}

/**
 * Encrypts a private key as PKCS#8 EncryptedPrivateKeyInfo (PEM): PBES2 with scrypt (RFC 7914)
 * and AES-256-CBC. The format is the one `openssl pkcs8 -scrypt` writes.
 */
export function encryptPrivateKey(
  key: KeyObject,
  secret: string,
  params: ScryptParams = DEFAULT_SCRYPT,
): string {
  if (!secret)
    throw new PkiError('WEAK_SECRET', 'Cần có mật khẩu hoặc mã PIN để mã hóa khóa bí mật');
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const kek = scryptSync(secret.normalize('NFC'), salt, 32, {
    ...params,
    maxmem: maxmemFor(params),
  });
  const plain = key.export({ type: 'pkcs8', format: 'der' });
  const cipher = createCipheriv('aes-256-cbc', kek, iv);
  const encrypted = Buffer.concat([cipher.update(plain), cipher.final()]);
  const info = seq([
    seq([
      oid(OID.pbes2),
      seq([
        seq([
          oid(OID.scrypt),
          seq([octets(salt), uint(params.N), uint(params.r), uint(params.p), uint(32)]),
        ]),
        seq([oid(OID.aes256Cbc), octets(iv)]),
      ]),
    ]),
    octets(encrypted),
  ]);
  return derToPem(toDer(info), 'ENCRYPTED PRIVATE KEY');
}

interface ScryptEnvelope {
  salt: Buffer;
  params: ScryptParams;
  keyLength: number;
  iv: Buffer;
  encrypted: Buffer;
}

function parseScryptEnvelope(der: Buffer): ScryptEnvelope | null {
  try {
    const [alg, data] = children(fromDer(der));
    const [algOid, pbes2] = children(alg!);
    if (oidOf(algOid!) !== OID.pbes2) return null;
    const [kdf, enc] = children(pbes2!);
    const [kdfOid, kdfParams] = children(kdf!);
    if (oidOf(kdfOid!) !== OID.scrypt) return null;
    const [encOid, ivNode] = children(enc!);
    if (oidOf(encOid!) !== OID.aes256Cbc) return null;
    const [salt, n, r, p, keyLength] = children(kdfParams!);
    const int = (node: Node | undefined): number =>
      node ? parseInt(valueBytes(node).toString('hex'), 16) : 32;
    return {
      salt: valueBytes(salt!),
      params: { N: int(n), r: int(r), p: int(p) },
      keyLength: int(keyLength),
      iv: valueBytes(ivNode!),
      encrypted: valueBytes(data!),
    };
  } catch {
    return null;
  }
}

const wrongPin = () => new PkiError('WRONG_PIN', 'Mã PIN ký số không đúng');

function decryptEnvelope(env: ScryptEnvelope, kek: Buffer): KeyObject {
  try {
    const decipher = createDecipheriv('aes-256-cbc', kek, env.iv);
    const plain = Buffer.concat([decipher.update(env.encrypted), decipher.final()]);
    return createPrivateKey({ key: plain, format: 'der', type: 'pkcs8' });
  } catch {
    throw wrongPin();
  }
}

function checkScryptParams(env: ScryptEnvelope): void {
  const { N, r, p } = env.params;
  // Refuse absurd costs from a crafted file instead of allocating gigabytes.
  if (env.keyLength !== 32 || N < 2 || (N & (N - 1)) !== 0 || 128 * N * r * p > 1 << 30) {
    throw new PkiError('INVALID_KEY', 'Tham số mã hóa khóa bí mật không hợp lệ');
  }
}

function loadOther(pem: string, pin: string | undefined): KeyObject {
  const isEncrypted = pem.includes('ENCRYPTED');
  if (isEncrypted && !pin)
    throw new PkiError('PIN_REQUIRED', 'Cần nhập mã PIN ký số để mở khóa bí mật');
  try {
    return createPrivateKey(
      isEncrypted ? { key: pem, format: 'pem', passphrase: pin } : { key: pem, format: 'pem' },
    );
  } catch (err) {
    if (isEncrypted) throw wrongPin();
    throw new PkiError('INVALID_KEY', `Không đọc được khóa bí mật: ${(err as Error).message}`);
  }
}

function envelopeOf(pem: string): ScryptEnvelope | null {
  if (!pem.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----')) return null;
  const env = parseScryptEnvelope(pemToDer(pem, 'ENCRYPTED PRIVATE KEY'));
  if (env) checkScryptParams(env);
  return env;
}

/**
 * Opens a PEM private key. Encrypted keys (scrypt PBES2 as written here, or any PKCS#8/legacy
 * encryption OpenSSL reads) need the PIN; a wrong PIN throws PkiError('WRONG_PIN').
 */
export function loadSigningKey(pem: string | Buffer, pin?: string): KeyObject {
  const text = pem.toString();
  const env = envelopeOf(text);
  if (!env) return loadOther(text, pin);
  if (!pin) throw new PkiError('PIN_REQUIRED', 'Cần nhập mã PIN ký số để mở khóa bí mật');
  const kek = scryptSync(pin.normalize('NFC'), env.salt, 32, {
    ...env.params,
    maxmem: maxmemFor(env.params),
  });
  return decryptEnvelope(env, kek);
}

/** As loadSigningKey, but the scrypt work runs off the event loop (use this in servers). */
export async function loadSigningKeyAsync(pem: string | Buffer, pin?: string): Promise<KeyObject> {
  const text = pem.toString();
  const env = envelopeOf(text);
  if (!env) return loadOther(text, pin);
  if (!pin) throw new PkiError('PIN_REQUIRED', 'Cần nhập mã PIN ký số để mở khóa bí mật');
  const kek = await scryptAsync(pin.normalize('NFC'), env.salt, 32, {
    ...env.params,
    maxmem: maxmemFor(env.params),
  });
  return decryptEnvelope(env, kek);
}

/** SubjectPublicKeyInfo DER and the key identifier (SHA-1 of the subjectPublicKey bits, RFC 5280 4.2.1.2). */
export function spkiOf(key: KeyObject): { spki: Buffer; subjectPublicKey: Buffer } {
  const spki = publicKeyOf(key).export({ type: 'spki', format: 'der' });
  const [, bitString] = children(fromDer(spki));
  return { spki, subjectPublicKey: valueBytes(bitString!).subarray(1) };
}
