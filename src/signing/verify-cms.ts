import { createHash, X509Certificate, type Hash } from 'node:crypto';
import { toDer } from './cms/certificate.js';
import { children, content, decodeOid, decodeTime, readNode } from './cms/der.js';
import { DIGEST_BY_OID, OID } from './cms/oids.js';
import {
  attributeValue,
  findSignerCertificate,
  parseCms,
  verifySignerSignature,
  type ParsedCms,
} from './cms/parse.js';
import {
  buildChain,
  checkRevocation,
  weakAlgorithmsAlong,
  weakSignatureAlgorithm,
  WEAK_DIGESTS,
  type CrlCheck,
} from './cms/trust.js';
import { asSigningError } from './errors.js';
import { finding, type Finding } from './rules.js';

export interface SignerSummary {
  subject: string;
  issuer: string;
  serialNumber: string;
  commonName?: string;
  issuerCommonName?: string;
}

export interface TimestampReport {
  genTime: string;
  tsa?: string;
  imprintValid: boolean;
  signatureValid: boolean;
  chainTrusted: boolean;
  /** The weak algorithms of the token (imprint, digest, signature, the TSA's path); none: []. */
  weakAlgorithms: string[];
}

/** What the CMS part of one signature says (everything but the PDF structure). */
export interface CmsFindings {
  signer?: SignerSummary;
  claimedTime: { m?: string; signingTime?: string; timestamp?: string };
  digestValid: boolean;
  cmsSignatureValid: boolean;
  chainTrusted: boolean;
  chain: string[];
  revocation: 'good' | 'revoked' | 'unknown';
  revokedAt?: string;
  timestamp?: TimestampReport;
}

export interface CmsOutcome extends CmsFindings {
  problems: Finding[];
  /** True when every CMS check passed. */
  ok: boolean;
}

const commonNameOf = (dn: string) => /(?:^|\n)CN=([^\n]*)/.exec(dn)?.[1];

export function summarize(cert: X509Certificate): SignerSummary {
  return {
    subject: cert.subject.replace(/\n/g, ', '),
    issuer: cert.issuer.replace(/\n/g, ', '),
    serialNumber: cert.serialNumber.toLowerCase().replace(/^(00)+(?=.)/, ''),
    commonName: commonNameOf(cert.subject),
    issuerCommonName: commonNameOf(cert.issuer),
  };
}

export function digestRanges(buf: Buffer, br: number[], algorithm: string): Buffer {
  const h = createHash(algorithm);
  for (let i = 0; i + 1 < br.length; i += 2) h.update(buf.subarray(br[i]!, br[i]! + br[i + 1]!));
  return h.digest();
}

/**
 * Digests byte ranges of one file for several signatures: each signature's first range is a
 * prefix of the file, and signatures come in file order, so one running hash of the prefix is
 * copied at each signature's gap instead of hashing the shared bytes again (two signatures on a
 * 20 MB file hash it about once, not twice).
 */
export class RangeDigester {
  private readonly running = new Map<string, { hash: Hash; at: number }>();

  constructor(private readonly buf: Buffer) {}

  digest(br: number[], algorithm: string): Buffer {
    if (br.length !== 4 || br[0] !== 0) return digestRanges(this.buf, br, algorithm);
    let r = this.running.get(algorithm);
    if (!r || r.at > br[1]!) {
      r = { hash: createHash(algorithm), at: 0 };
      this.running.set(algorithm, r);
    }
    r.hash.update(this.buf.subarray(r.at, br[1]!));
    r.at = br[1]!;
    return r.hash
      .copy()
      .update(this.buf.subarray(br[2]!, br[2]! + br[3]!))
      .digest();
  }
}

/** The weak digest or signature algorithm a CMS signer used, as language-neutral names. */
function weakSignerAlgorithms(cms: ParsedCms): string[] {
  const out: string[] = [];
  if (WEAK_DIGESTS.has(cms.signer.digestAlgorithm)) out.push(cms.signer.digestAlgorithm);
  const signature = weakSignatureAlgorithm(cms.signer.signatureAlgorithmOid);
  if (signature) out.push(signature);
  return out;
}

function verifyTimestamp(
  token: Buffer,
  imprintOf: (algorithm: string) => Buffer,
  anchors: Buffer[],
  crls: Buffer[],
): (TimestampReport & { certificate?: Buffer }) | undefined {
  let cms: ParsedCms;
  try {
    cms = parseCms(token);
    if (cms.eContentType !== OID.tstInfo || !cms.eContent) return undefined;
    const tst = cms.eContent;
    const fields = children(tst, readNode(tst, 0));
    const imprint = children(tst, fields[2]!);
    const alg = DIGEST_BY_OID[decodeOid(tst, children(tst, imprint[0]!)[0]!)] ?? 'sha256';
    const hashed = content(tst, imprint[1]!);
    const genTime = decodeTime(tst, fields[4]!);
    const imprintValid = imprintOf(alg).equals(hashed);
    const certDer = findSignerCertificate(cms);
    let signatureValid = false;
    let chainTrusted = false;
    let tsa: string | undefined;
    const weakAlgorithms = [...(WEAK_DIGESTS.has(alg) ? [alg] : []), ...weakSignerAlgorithms(cms)];
    if (certDer) {
      const cert = new X509Certificate(certDer);
      tsa = summarize(cert).commonName ?? cert.subject;
      const md = attributeValue(cms.signer.attributes, OID.messageDigest);
      const mdOk =
        !!md &&
        content(md, readNode(md, 0)).equals(
          createHash(cms.signer.digestAlgorithm).update(tst).digest(),
        );
      signatureValid = mdOk && verifySignerSignature(cms, cert.publicKey);
      // Only a timestamp authority's key may vouch for a time: any other trusted key (the
      // signer's own, revoked since) could otherwise date its signature before its revocation.
      const chain = buildChain(certDer, cms.certificates, anchors, genTime, 'timestamp');
      chainTrusted = chain.trusted && !revokedAlong(chain.path, crls, genTime).revoked;
      weakAlgorithms.push(
        ...weakAlgorithmsAlong(
          chain.path,
          anchors.map((a) => toDer(a)),
        ),
      );
    }
    const genIso = genTime.toISOString();
    return {
      genTime: genIso,
      tsa,
      imprintValid,
      signatureValid,
      chainTrusted,
      weakAlgorithms: [...new Set(weakAlgorithms)],
      certificate: certDer,
    };
  } catch {
    return undefined;
  }
}

/**
 * The certificate names and times of a chain problem, without its English words: the rule's
 * sentence says what is wrong in the reader's language.
 */
function neutralDetail(problem: string): string {
  const names = [...problem.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
  const time = /\d{4}-\d{2}-\d{2}T[\d:.]+Z/.exec(problem)?.[0];
  return [...names, time].filter(Boolean).join(' @ ') || problem;
}

/**
 * The signed attributes' ESS signingCertificate(V2), when present, names the certificate the
 * signer signed with: the certificate set and the SignerInfo's identifier are not signed, so
 * without this check another certificate of the same key (a renewal, another title) could be
 * put in its place.
 */
function certificateBound(cms: ParsedCms, certDer: Buffer): boolean {
  const v2 = attributeValue(cms.signer.attributes, OID.signingCertificateV2);
  const v1 = attributeValue(cms.signer.attributes, OID.signingCertificate);
  const value = v2 ?? v1;
  if (!value) return true;
  try {
    const [certs] = children(value, readNode(value, 0));
    const [first] = children(value, certs);
    const parts = children(value, first);
    let algorithm = v2 ? 'sha256' : 'sha1';
    let i = 0;
    if (v2 && parts[0]?.tag === 0x30) {
      const named = DIGEST_BY_OID[decodeOid(value, children(value, parts[0])[0])];
      if (!named) return false;
      algorithm = named;
      i = 1;
    }
    const hash = content(value, parts[i]);
    return createHash(algorithm).update(certDer).digest().equals(hash);
  } catch {
    return false;
  }
}

interface PathRevocation {
  /** The signer's own certificate's status. */
  leaf: CrlCheck;
  /** A certificate of the path (the signer's or a CA's below the anchor) is revoked. */
  revoked: boolean;
  /** Every revocation found is dated after `at`. */
  allAfter: boolean;
  /** The signer's revocation date, else that of the lowest revoked CA. */
  revokedAt?: Date;
  detail?: string;
}

/**
 * Checks every certificate of the path below its anchor against its issuer's CRLs: a CA that was
 * revoked takes the certificates it issued with it.
 */
function revokedAlong(path: X509Certificate[], crls: Buffer[], at: Date): PathRevocation {
  const ders = crls.map((c) => toDer(c));
  const out: PathRevocation = { leaf: { status: 'unknown' }, revoked: false, allAfter: true };
  for (let i = 0; i + 1 < path.length; i++) {
    const rev = checkRevocation(Buffer.from(path[i]!.raw), path[i + 1], ders, at);
    if (i === 0) out.leaf = rev;
    if (rev.status !== 'revoked') continue;
    out.revoked = true;
    out.revokedAt ??= rev.revokedAt;
    if (!rev.revokedAt || rev.revokedAt <= at) out.allAfter = false;
    if (i > 0) out.detail ??= `"${oneLine(path[i]!.subject)}"`;
  }
  return out;
}

const oneLine = (s: string) => s.replace(/\n/g, ', ');

const blank = (): CmsOutcome => ({
  claimedTime: {},
  digestValid: false,
  cmsSignatureValid: false,
  chainTrusted: false,
  chain: [],
  revocation: 'unknown',
  problems: [],
  ok: false,
});

/**
 * Checks a CAdES / PKCS#7 detached signature over `br` (when `rangeUsable`), its certificate
 * chain at the trusted time, revocation and its signature timestamp.
 */
export function checkCms(
  pdf: RangeDigester,
  contents: Buffer,
  br: number[] | undefined,
  anchors: Buffer[],
  crls: Buffer[],
  now: Date,
): CmsOutcome {
  const out = blank();
  const problems = out.problems;
  let cms: ParsedCms;
  try {
    cms = parseCms(contents);
  } catch (e) {
    problems.push(finding('CMS_UNREADABLE', asSigningError(e).message));
    return out;
  }
  const md = attributeValue(cms.signer.attributes, OID.messageDigest);
  if (br && md && cms.signer.digestAlgorithm !== 'unknown') {
    const expected = content(md, readNode(md, 0));
    out.digestValid = pdf.digest(br, cms.signer.digestAlgorithm).equals(expected);
  }
  if (!out.digestValid) problems.push(finding('DIGEST_MISMATCH'));
  const st = attributeValue(cms.signer.attributes, OID.signingTime);
  if (st) out.claimedTime.signingTime = decodeTime(st, readNode(st, 0)).toISOString();

  const certDer = findSignerCertificate(cms);
  if (!certDer) {
    problems.push(finding('SIGNER_CERT_MISSING'));
    return out;
  }
  const cert = new X509Certificate(certDer);
  out.signer = summarize(cert);
  out.cmsSignatureValid = verifySignerSignature(cms, cert.publicKey);
  if (!out.cmsSignatureValid) problems.push(finding('CMS_SIGNATURE_INVALID'));
  if (!certificateBound(cms, certDer)) problems.push(finding('SIGNER_CERT_MISMATCH'));

  const token = attributeValue(cms.signer.unsignedAttributes, OID.signatureTimeStampToken);
  if (token) {
    const ts = verifyTimestamp(
      token,
      (alg) => createHash(alg).update(cms.signer.signature).digest(),
      anchors,
      crls,
    );
    if (ts) {
      const { certificate: _tsaCert, ...summary } = ts;
      out.timestamp = summary;
      out.claimedTime.timestamp = ts.genTime;
      if (!ts.imprintValid || !ts.signatureValid) problems.push(finding('TIMESTAMP_INVALID'));
      else if (!ts.chainTrusted) problems.push(finding('TIMESTAMP_UNTRUSTED'));
      else if (ts.weakAlgorithms.length)
        problems.push(finding('WEAK_ALGORITHM', `timestamp: ${ts.weakAlgorithms.join('; ')}`));
    } else problems.push(finding('TIMESTAMP_INVALID', 'the token cannot be parsed'));
  }
  // A weak timestamp vouches for no time: the certificates are then checked at verification.
  const tsOk =
    !!out.timestamp?.imprintValid &&
    out.timestamp.signatureValid &&
    out.timestamp.chainTrusted &&
    !out.timestamp.weakAlgorithms.length;
  // The signing time and /M are the signer's own claims: a key that expired or was not yet
  // valid could date its signature into its certificate's validity. Only a trusted timestamp
  // moves the time the certificates are checked at away from the time of verification.
  const at = tsOk ? new Date(out.claimedTime.timestamp!) : now;
  const chain = buildChain(certDer, cms.certificates, anchors, at);
  out.chainTrusted = chain.trusted;
  out.chain = chain.path.map((c) => c.subject.replace(/\n/g, ', '));
  for (const p of chain.usageProblems)
    problems.push(finding('CERT_USAGE_INVALID', neutralDetail(p)));
  // A certificate outside its validity is said as such: its issuer may well be trusted.
  for (const c of chain.outOfValidity)
    problems.push(
      finding(
        c.expired ? 'CERT_EXPIRED' : 'CERT_NOT_YET_VALID',
        `"${c.subject}" @ ${at.toISOString()}`,
      ),
    );
  for (const p of chain.problems) problems.push(finding('CHAIN_UNTRUSTED', neutralDetail(p)));
  if (
    !chain.trusted &&
    !chain.problems.length &&
    !chain.usageProblems.length &&
    !chain.outOfValidity.length
  )
    problems.push(finding('CHAIN_UNTRUSTED'));
  const rev = revokedAlong(chain.path, crls, at);
  // A certificate revoked after a trusted timestamp's time still vouches for what it signed.
  out.revocation = rev.revoked ? (tsOk && rev.allAfter ? 'good' : 'revoked') : rev.leaf.status;
  if (rev.revokedAt) out.revokedAt = rev.revokedAt.toISOString();
  if (out.revocation === 'revoked') problems.push(finding('CERT_REVOKED', rev.detail));
  // A digest whose collisions can be made, or a key that can be broken, proves nothing.
  const weak = [
    ...weakSignerAlgorithms(cms),
    ...weakAlgorithmsAlong(
      chain.path,
      anchors.map((a) => toDer(a)),
    ),
  ];
  if (weak.length) problems.push(finding('WEAK_ALGORITHM', weak.join('; ')));
  out.ok =
    !weak.length &&
    out.digestValid &&
    out.cmsSignatureValid &&
    out.chainTrusted &&
    out.revocation !== 'revoked' &&
    (!out.timestamp || tsOk);
  return out;
}

/** A document timestamp (PAdES B-LTA): the token's imprint covers the byte ranges. */
export function checkDocumentTimestamp(
  pdf: RangeDigester,
  contents: Buffer,
  br: number[] | undefined,
  anchors: Buffer[],
  crls: Buffer[],
): CmsOutcome {
  const out = blank();
  const ts = br
    ? verifyTimestamp(contents, (alg) => pdf.digest(br, alg), anchors, crls)
    : undefined;
  if (!ts) {
    out.problems.push(finding('TIMESTAMP_INVALID', 'the document timestamp cannot be parsed'));
    return out;
  }
  const { certificate, ...summary } = ts;
  out.timestamp = summary;
  out.claimedTime.timestamp = ts.genTime;
  if (certificate) out.signer = summarize(new X509Certificate(certificate));
  out.digestValid = ts.imprintValid;
  out.cmsSignatureValid = ts.signatureValid;
  out.chainTrusted = ts.chainTrusted;
  if (!ts.imprintValid) out.problems.push(finding('DIGEST_MISMATCH'));
  if (!ts.signatureValid) out.problems.push(finding('TIMESTAMP_INVALID'));
  if (!ts.chainTrusted) out.problems.push(finding('TIMESTAMP_UNTRUSTED'));
  if (ts.weakAlgorithms.length)
    out.problems.push(finding('WEAK_ALGORITHM', ts.weakAlgorithms.join('; ')));
  out.ok = ts.imprintValid && ts.signatureValid && ts.chainTrusted && !ts.weakAlgorithms.length;
  return out;
}
