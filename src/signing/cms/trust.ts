import { X509Certificate, verify as cryptoVerify } from 'node:crypto';
import { certFields, certificateUsage } from './certificate.js';
import { children, content, decodeOid, decodeTime, raw, readNode } from './der.js';
import { SIGNATURE_DIGEST_BY_OID } from './oids.js';

export interface ChainResult {
  trusted: boolean;
  /** Subjects from the signer up to the anchor. */
  path: X509Certificate[];
  /** Why the path does not reach a trusted root. */
  problems: string[];
  /** What the certificates themselves forbid: a key not for this use, an issuer that is no CA. */
  usageProblems: string[];
  /** Certificates of the path outside their validity at the time checked. */
  outOfValidity: { subject: string; expired: boolean }[];
}

/** What the leaf's key is being checked for: signing documents, or RFC 3161 timestamps. */
export type ChainPurpose = 'document' | 'timestamp';

const EKU = {
  any: '2.5.29.37.0',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  documentSigning: '1.3.6.1.5.5.7.3.36',
  microsoftDocumentSigning: '1.3.6.1.4.1.311.10.3.12',
  adobeAuthenticDocuments: '1.2.840.113583.1.1.5',
};

/**
 * The purposes under which a certificate may sign a PDF, as Adobe and NSS (pdfsig) accept them:
 * a certificate made only for TLS, code or timestamps is not a signer's.
 */
const DOCUMENT_PURPOSES = new Set([
  EKU.any,
  EKU.emailProtection,
  EKU.documentSigning,
  EKU.microsoftDocumentSigning,
  EKU.adobeAuthenticDocuments,
]);

const KEY_USAGE = { digitalSignature: 0, nonRepudiation: 1, keyCertSign: 5 };

const oneLine = (s: string) => s.replace(/\n/g, ', ');

function tryX509(der: Buffer): X509Certificate | undefined {
  try {
    return new X509Certificate(der);
  } catch {
    return undefined;
  }
}

function isValidAt(cert: X509Certificate, at: Date): boolean {
  return (
    new Date(cert.validFrom).getTime() <= at.getTime() &&
    at.getTime() <= new Date(cert.validTo).getTime()
  );
}

/** What the leaf's own extensions say about signing for `purpose`. */
function leafUsageProblems(cert: X509Certificate, purpose: ChainPurpose): string[] {
  const name = `"${oneLine(cert.subject)}"`;
  const usage = certificateUsage(Buffer.from(cert.raw));
  if (usage.unreadable) return [`the extensions of ${name} cannot be read`];
  const problems: string[] = [];
  const ku = usage.keyUsage;
  if (ku && !ku.has(KEY_USAGE.digitalSignature) && !ku.has(KEY_USAGE.nonRepudiation))
    problems.push(`the key usage of ${name} does not allow signing`);
  const eku = usage.extendedKeyUsage;
  if (purpose === 'timestamp') {
    // RFC 3161 2.3: a TSA's certificate carries the timeStamping purpose (and only it).
    if (!eku?.includes(EKU.timeStamping))
      problems.push(`the extended key usage of ${name} is not for timestamps`);
  } else if (eku && !eku.some((p) => DOCUMENT_PURPOSES.has(p)))
    problems.push(`the extended key usage of ${name} is not for signing documents`);
  return problems;
}

/**
 * Whether `issuer` may have issued the certificate `below` places under it: a CA whose key may
 * sign certificates, within its path length. A trust anchor without basic constraints (an old v1
 * root) is taken as the CA it was configured as; one that says it is no CA is not.
 */
function issuerProblems(issuer: X509Certificate, below: number, isAnchor: boolean): string[] {
  const name = `"${oneLine(issuer.subject)}"`;
  const usage = certificateUsage(Buffer.from(issuer.raw));
  if (usage.unreadable) return [`the extensions of ${name} cannot be read`];
  const problems: string[] = [];
  const saysCa = usage.ca || (isAnchor && !usage.hasBasicConstraints);
  if (!saysCa) problems.push(`issuer ${name} is not a CA`);
  if (usage.keyUsage && !usage.keyUsage.has(KEY_USAGE.keyCertSign))
    problems.push(`the key usage of ${name} does not allow signing certificates`);
  if (usage.pathLength !== undefined && below > usage.pathLength)
    problems.push(
      `issuer ${name} allows ${usage.pathLength} CA certificates below it, not ${below}`,
    );
  return problems;
}

/**
 * Algorithms too weak to vouch for a signature (Circular 06/2015/TT-BTTTT asks RSA of at least
 * 2048 bits and SHA-2 for digital signatures; chosen-prefix collisions on SHA-1 are practical
 * since 2020): MD2, MD5 and SHA-1 in a certificate's signature or a signer's digest, RSA keys
 * under 2048 bits, elliptic curves other than the NIST P-256, P-384 and P-521.
 */
const WEAK_SIGNATURE_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.2': 'md2WithRSAEncryption',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.3.14.3.2.29': 'sha1WithRSASignature',
  '1.2.840.10040.4.3': 'dsaWithSHA1',
  '1.2.840.10045.4.1': 'ecdsaWithSHA1',
};
export const WEAK_DIGESTS = new Set(['md2', 'md5', 'sha1']);
const MIN_RSA_BITS = 2048;
const STRONG_CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

/** The name of a weak signature algorithm OID (a certificate's, a SignerInfo's), else undefined. */
export const weakSignatureAlgorithm = (oid: string): string | undefined =>
  WEAK_SIGNATURE_ALGORITHMS[oid];

/** A certificate's own signature algorithm (Certificate.signatureAlgorithm), '' if unreadable. */
function certificateSignatureOid(der: Buffer): string {
  try {
    const [, algorithm] = children(der, readNode(der, 0));
    return decodeOid(der, children(der, algorithm!)[0]!);
  } catch {
    return '';
  }
}

/** Why a certificate's key is too weak to sign, else null. */
function weakKey(cert: X509Certificate): string | null {
  let key;
  try {
    key = cert.publicKey;
  } catch {
    // A key type OpenSSL cannot read cannot be weighed, nor trusted.
    return 'unreadable key';
  }
  const details = key.asymmetricKeyDetails ?? {};
  const type = key.asymmetricKeyType;
  if (type === 'rsa' || type === 'rsa-pss')
    return (details.modulusLength ?? 0) >= MIN_RSA_BITS ? null : `RSA ${details.modulusLength}`;
  if (type === 'ec')
    return STRONG_CURVES.has(details.namedCurve ?? '') ? null : `EC ${details.namedCurve}`;
  if (type === 'ed25519' || type === 'ed448') return null;
  return String(type);
}

/**
 * The weak algorithms of a certification path: every key (an anchor's too: it signs what is
 * below it) and the signature of every certificate below the anchor (an anchor is trusted as
 * configured, whatever signed it). Each entry names the certificate and the algorithm.
 */
export function weakAlgorithmsAlong(path: X509Certificate[], anchors: Buffer[]): string[] {
  const out: string[] = [];
  for (const cert of path) {
    const name = `"${oneLine(cert.subject)}"`;
    const key = weakKey(cert);
    if (key) out.push(`${name} ${key}`);
    if (anchors.some((a) => cert.raw.equals(a))) continue;
    const weak = weakSignatureAlgorithm(certificateSignatureOid(Buffer.from(cert.raw)));
    if (weak) out.push(`${name} ${weak}`);
  }
  return out;
}

/**
 * Builds a path from `leaf` through `pool` to one of `anchors`, checking signatures, validity at
 * `at`, the leaf's key usage for `purpose` and each issuer's right to issue.
 */
export function buildChain(
  leaf: Buffer,
  pool: Buffer[],
  anchors: Buffer[],
  at: Date,
  purpose: ChainPurpose = 'document',
): ChainResult {
  const anchorCerts = anchors.map(tryX509).filter((c): c is X509Certificate => !!c);
  const poolCerts = pool.map(tryX509).filter((c): c is X509Certificate => !!c);
  const problems: string[] = [];
  const leafCert = tryX509(leaf);
  if (!leafCert)
    return {
      trusted: false,
      path: [],
      problems: ['signer certificate cannot be parsed'],
      usageProblems: [],
      outOfValidity: [],
    };
  const usageProblems = leafUsageProblems(leafCert, purpose);
  let current: X509Certificate = leafCert;
  const path: X509Certificate[] = [];
  const outOfValidity: ChainResult['outOfValidity'] = [];
  for (let depth = 0; depth < 10; depth++) {
    path.push(current);
    if (!isValidAt(current, at))
      outOfValidity.push({
        subject: oneLine(current.subject),
        expired: new Date(current.validTo).getTime() < at.getTime(),
      });
    const cur: X509Certificate = current;
    if (anchorCerts.some((a) => a.raw.equals(cur.raw))) {
      return {
        trusted: !problems.length && !usageProblems.length && !outOfValidity.length,
        path,
        problems,
        usageProblems,
        outOfValidity,
      };
    }
    const issuer: X509Certificate | undefined = [...anchorCerts, ...poolCerts].find(
      (c) => !c.raw.equals(cur.raw) && cur.checkIssued(c) && cur.verify(c.publicKey),
    );
    if (!issuer) {
      problems.push(`no trusted issuer found for "${oneLine(cur.subject)}"`);
      return { trusted: false, path, problems, usageProblems, outOfValidity };
    }
    const isAnchor = anchorCerts.some((a) => a.raw.equals(issuer.raw));
    usageProblems.push(...issuerProblems(issuer, path.length - 1, isAnchor));
    current = issuer;
  }
  problems.push('certificate chain too long');
  return { trusted: false, path, problems, usageProblems, outOfValidity };
}

export interface CrlCheck {
  status: 'good' | 'revoked' | 'unknown';
  revokedAt?: Date;
}

/** Checks `cert` against CRLs issued (and signed) by `issuer`. */
export function checkRevocation(
  cert: Buffer,
  issuer: X509Certificate | undefined,
  crls: Buffer[],
  at: Date,
): CrlCheck {
  if (!issuer) return { status: 'unknown' };
  const f = certFields(cert);
  const serial = content(f.serial, readNode(f.serial, 0));
  let status: CrlCheck = { status: 'unknown' };
  for (const crl of crls) {
    try {
      const top = readNode(crl, 0);
      const [tbsNode, algNode, sigNode] = children(crl, top);
      const tbs = children(crl, tbsNode!);
      let i = tbs[0]!.tag === 0x02 ? 1 : 0;
      const issuerName = raw(crl, tbs[i + 1]!);
      if (!issuerName.equals(certFields(Buffer.from(issuer.raw)).subject)) continue;
      const sigOid = decodeOid(crl, children(crl, algNode!)[0]!);
      const sig = content(crl, sigNode!).subarray(1);
      const ok = cryptoVerify(
        SIGNATURE_DIGEST_BY_OID[sigOid] ?? 'sha256',
        raw(crl, tbsNode!),
        { key: issuer.publicKey, dsaEncoding: 'der' },
        sig,
      );
      if (!ok) continue;
      const thisUpdate = decodeTime(crl, tbs[i + 2]!);
      i += 3;
      if (tbs[i] && (tbs[i]!.tag === 0x17 || tbs[i]!.tag === 0x18)) i++;
      const list = tbs[i]?.tag === 0x30 ? children(crl, tbs[i]!) : [];
      for (const entry of list) {
        const [s, d] = children(crl, entry);
        if (content(crl, s!).equals(serial)) {
          return { status: 'revoked', revokedAt: decodeTime(crl, d!) };
        }
      }
      if (thisUpdate.getTime() >= at.getTime() || status.status === 'unknown')
        status = { status: 'good' };
    } catch {
      continue;
    }
  }
  return status;
}
