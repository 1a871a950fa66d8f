import { X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { children, derToPem, fromDer, type Node } from './der.js';
import { PkiError } from './errors.js';
import {
  encryptPrivateKey,
  generateKeyPair,
  loadSigningKey,
  type KeyAlgorithm,
  type ScryptParams,
} from './keys.js';
import {
  caPaths,
  readState,
  withStateLock,
  writeAtomic,
  writeState,
  type CaState,
} from './store.js';
import {
  authorityKeyIdExtension,
  basicConstraintsExtension,
  buildCertificate,
  crlDistributionPointExtension,
  emailAltNameExtension,
  extKeyUsageExtension,
  keyIdentifier,
  keyUsageExtension,
  OIDS,
  randomSerial,
  subjectKeyIdExtension,
  type DistinguishedName,
} from './x509.js';

export const DAY = 86_400_000;

export interface InitCaOptions {
  dir: string;
  passphrase: string;
  commonName: string;
  organization: string;
  algorithm: 'rsa-3072' | 'ecdsa-p256';
  country?: string;
  /** URL written into issued certificates' CRL distribution point. */
  crlUrl?: string;
  validityYears?: number;
  now?: Date;
  kdf?: ScryptParams;
}

export interface CaInfo {
  serial: string;
  certificate: Buffer;
  certificatePem: string;
}

export const DEFAULT_CRL_URL = 'http://localhost:3000/pki/crl/agency.crl';

export function hasCa(dir: string): boolean {
  const p = caPaths(dir);
  return existsSync(p.key) || existsSync(p.cert) || existsSync(p.state);
}

function requireSecret(secret: string, what: string): void {
  if (!secret || secret.trim() === '')
    throw new PkiError('WEAK_SECRET', `${what} không được để trống`);
}

/** Creates the agency root CA: self-signed, CA:true, keyCertSign + cRLSign, 10 years by default. */
export function initCa(options: InitCaOptions): CaInfo {
  requireSecret(options.passphrase, 'Mật khẩu bảo vệ khóa CA');
  if (!options.commonName?.trim() || !options.organization?.trim()) {
    throw new PkiError('INVALID_INPUT', 'Cần có tên CA và tên cơ quan');
  }
  if (hasCa(options.dir))
    throw new PkiError('CA_EXISTS', `CA của cơ quan đã tồn tại trong ${options.dir}`);
  const now = options.now ?? new Date();
  const { privateKey, publicKey } = generateKeyPair(options.algorithm);
  const subject: DistinguishedName = {
    country: options.country ?? 'VN',
    organization: options.organization,
    commonName: options.commonName,
  };
  const serial = randomSerial();
  const keyId = keyIdentifier(publicKey);
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + (options.validityYears ?? 10));
  const der = buildCertificate(
    {
      serial,
      issuer: subject,
      subject,
      notBefore: now,
      notAfter,
      publicKey,
      extensions: [
        basicConstraintsExtension(true, 0),
        keyUsageExtension(['keyCertSign', 'cRLSign']),
        subjectKeyIdExtension(keyId),
        authorityKeyIdExtension(keyId),
      ],
    },
    privateKey,
  );
  const p = caPaths(options.dir);
  const pem = derToPem(der, 'CERTIFICATE');
  writeAtomic(p.key, encryptPrivateKey(privateKey, options.passphrase, options.kdf), 0o600);
  writeAtomic(p.cert, pem);
  writeAtomic(p.trustAnchor, pem);
  writeState(options.dir, {
    version: 1,
    algorithm: options.algorithm,
    subject,
    crlUrl: options.crlUrl ?? DEFAULT_CRL_URL,
    crlNumber: 0,
    issued: [],
    revoked: [],
  });
  return { serial: serial.toString('hex'), certificate: der, certificatePem: pem };
}

interface LoadedCa {
  key: KeyObject;
  certificate: Buffer;
  subject: Node;
  keyId: Buffer;
  notAfter: Date;
  state: CaState;
}

/** Opens the CA key; a wrong passphrase throws PkiError('WRONG_PASSWORD'). */
export function loadCa(dir: string, passphrase: string): LoadedCa {
  const state = readState(dir);
  const p = caPaths(dir);
  let key: KeyObject;
  try {
    key = loadSigningKey(readFileSync(p.key, 'utf8'), passphrase);
  } catch (err) {
    if (err instanceof PkiError && (err.code === 'WRONG_PIN' || err.code === 'PIN_REQUIRED')) {
      throw new PkiError('WRONG_PASSWORD', 'Mật khẩu khóa CA (CA_PASSPHRASE) không đúng');
    }
    throw err;
  }
  const certificate = Buffer.from(new X509Certificate(readFileSync(p.cert)).raw);
  const tbs = children(children(fromDer(certificate))[0]!);
  return {
    key,
    certificate,
    subject: tbs[5]!,
    keyId: keyIdentifier(new X509Certificate(certificate).publicKey),
    notAfter: new Date(new X509Certificate(certificate).validTo),
    state,
  };
}

export interface IssueOptions {
  dir: string;
  passphrase: string;
  type: 'person' | 'seal' | 'tsa';
  /** Full name for a person, the agency's name for a seal. */
  commonName: string;
  title?: string;
  email?: string;
  /** Defaults to the CA's organization. */
  organization?: string;
  organizationalUnit?: string;
  algorithm?: KeyAlgorithm;
  /** Signing PIN protecting the new private key (PKCS#8 under scrypt); not needed with protectKey. */
  pin?: string;
  validityDays?: number;
  now?: Date;
  kdf?: ScryptParams;
  /** Stores the new private key another way than PKCS#8 under `pin` (what encryptedKeyPem holds). */
  protectKey?: (privateKey: KeyObject) => string;
}

export interface IssuedCertificate {
  serial: string;
  certificate: Buffer;
  certificatePem: string;
  /** PKCS#8 EncryptedPrivateKeyInfo PEM (scrypt + AES-256-CBC) under the PIN, or protectKey's text. */
  encryptedKeyPem: string;
  privateKey: KeyObject;
  /** The issuing CA certificate (DER). */
  chain: Buffer[];
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Issues a signing certificate for a person (digitalSignature + nonRepudiation, extKeyUsage
 * documentSigning and emailProtection), for the agency seal, or for the agency's timestamp
 * authority (extKeyUsage timeStamping only), with a fresh key pair whose private key is
 * encrypted under the signing PIN (or stored as protectKey does).
 */
export function issueCertificate(options: IssueOptions): IssuedCertificate {
  if (!options.commonName?.trim())
    throw new PkiError('INVALID_INPUT', 'Cần có họ tên (hoặc tên cơ quan) trên chứng thư số');
  if (!['person', 'seal', 'tsa'].includes(options.type)) {
    throw new PkiError('INVALID_INPUT', `Loại chứng thư không hợp lệ: ${String(options.type)}`);
  }
  if (options.email && !EMAIL_RE.test(options.email))
    throw new PkiError('INVALID_INPUT', `Địa chỉ thư điện tử không hợp lệ: ${options.email}`);
  const { pin, protectKey } = options;
  if (!protectKey && (!pin || pin.length < 4))
    throw new PkiError('WEAK_SECRET', 'Mã PIN ký số phải có ít nhất 4 ký tự');
  const ca = loadCa(options.dir, options.passphrase);
  const now = options.now ?? new Date();
  const isPerson = options.type === 'person';
  const isTsa = options.type === 'tsa';
  // A timestamp authority vouches for times long after it stamped them: it outlives the signers.
  const days = options.validityDays ?? (isPerson ? 3 * 365 : isTsa ? 10 * 365 : 5 * 365);
  const notAfter = new Date(Math.min(now.getTime() + days * DAY, ca.notAfter.getTime()));
  const { privateKey, publicKey } = generateKeyPair(options.algorithm ?? 'rsa-2048');
  const email = isPerson ? options.email : undefined;
  const subject: DistinguishedName = {
    country: ca.state.subject.country,
    organization: options.organization ?? ca.state.subject.organization,
    organizationalUnit: options.organizationalUnit,
    title: isPerson ? options.title : undefined,
    commonName: options.commonName,
    email,
  };
  const serial = randomSerial();
  const extensions = [
    basicConstraintsExtension(false),
    keyUsageExtension(['digitalSignature', 'nonRepudiation']),
    // emailProtection stays on seal certificates too: NSS and Adobe validate PDF signers as e-mail signers.
    // A timestamp authority's key stamps times and nothing else (RFC 3161 2.3: critical, alone).
    isTsa
      ? extKeyUsageExtension([OIDS.timeStamping], true)
      : extKeyUsageExtension([OIDS.documentSigning, OIDS.emailProtection]),
    subjectKeyIdExtension(keyIdentifier(publicKey)),
    authorityKeyIdExtension(ca.keyId),
    crlDistributionPointExtension(ca.state.crlUrl),
  ];
  if (email) extensions.push({ ...emailAltNameExtension(email) });
  const der = buildCertificate(
    { serial, issuer: ca.subject, subject, notBefore: now, notAfter, publicKey, extensions },
    ca.key,
  );
  const serialHex = serial.toString('hex');
  const pem = derToPem(der, 'CERTIFICATE');
  const encryptedKeyPem = protectKey
    ? protectKey(privateKey)
    : encryptPrivateKey(privateKey, pin!, options.kdf);
  writeAtomic(path.join(caPaths(options.dir).issued, `${serialHex}.pem`), pem);
  withStateLock(options.dir, (state) =>
    state.issued.push({
      serial: serialHex,
      type: options.type,
      commonName: options.commonName,
      email,
      issuedAt: now.toISOString(),
      notAfter: notAfter.toISOString(),
    }),
  );
  return {
    serial: serialHex,
    certificate: der,
    certificatePem: pem,
    encryptedKeyPem,
    privateKey,
    chain: [ca.certificate],
  };
}
