import { X509Certificate, verify as cryptoVerify } from 'node:crypto';
import { certFields } from './certificate.js';
import { children, content, decodeOid, decodeTime, raw, readNode } from './der.js';
import { SIGNATURE_DIGEST_BY_OID } from './oids.js';

export interface ChainResult {
  trusted: boolean;
  /** Subjects from the signer up to the anchor. */
  path: X509Certificate[];
  problems: string[];
}

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

/** Builds a path from `leaf` through `pool` to one of `anchors`, checking signatures and validity at `at`. */
export function buildChain(leaf: Buffer, pool: Buffer[], anchors: Buffer[], at: Date): ChainResult {
  const anchorCerts = anchors.map(tryX509).filter((c): c is X509Certificate => !!c);
  const poolCerts = pool.map(tryX509).filter((c): c is X509Certificate => !!c);
  const problems: string[] = [];
  const leafCert = tryX509(leaf);
  if (!leafCert)
    return { trusted: false, path: [], problems: ['signer certificate cannot be parsed'] };
  let current: X509Certificate = leafCert;
  const path: X509Certificate[] = [];
  for (let depth = 0; depth < 10; depth++) {
    path.push(current);
    if (!isValidAt(current, at))
      problems.push(
        `certificate "${oneLine(current.subject)}" is not valid at ${at.toISOString()}`,
      );
    const cur: X509Certificate = current;
    if (anchorCerts.some((a) => a.raw.equals(cur.raw))) {
      return { trusted: problems.length === 0, path, problems };
    }
    const issuer: X509Certificate | undefined = [...anchorCerts, ...poolCerts].find(
      (c) => !c.raw.equals(cur.raw) && cur.checkIssued(c) && cur.verify(c.publicKey),
    );
    if (!issuer) {
      problems.push(`no trusted issuer found for "${oneLine(cur.subject)}"`);
      return { trusted: false, path, problems };
    }
    if (!issuer.ca && !anchorCerts.includes(issuer))
      problems.push(`issuer "${oneLine(issuer.subject)}" is not a CA`);
    current = issuer;
  }
  problems.push('certificate chain too long');
  return { trusted: false, path, problems };
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
