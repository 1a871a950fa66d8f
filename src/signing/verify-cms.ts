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
import { buildChain, checkRevocation } from './cms/trust.js';
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

function verifyTimestamp(
  token: Buffer,
  imprintOf: (algorithm: string) => Buffer,
  anchors: Buffer[],
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
      chainTrusted = buildChain(certDer, cms.certificates, anchors, genTime).trusted;
    }
    const genIso = genTime.toISOString();
    return {
      genTime: genIso,
      tsa,
      imprintValid,
      signatureValid,
      chainTrusted,
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
  claimedM?: string,
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

  const token = attributeValue(cms.signer.unsignedAttributes, OID.signatureTimeStampToken);
  if (token) {
    const ts = verifyTimestamp(
      token,
      (alg) => createHash(alg).update(cms.signer.signature).digest(),
      anchors,
    );
    if (ts) {
      const { certificate: _tsaCert, ...summary } = ts;
      out.timestamp = summary;
      out.claimedTime.timestamp = ts.genTime;
      if (!ts.imprintValid || !ts.signatureValid) problems.push(finding('TIMESTAMP_INVALID'));
      else if (!ts.chainTrusted) problems.push(finding('TIMESTAMP_UNTRUSTED'));
    } else problems.push(finding('TIMESTAMP_INVALID', 'the token cannot be parsed'));
  }
  const tsOk =
    !!out.timestamp?.imprintValid && out.timestamp.signatureValid && out.timestamp.chainTrusted;
  const at = new Date(
    (tsOk ? out.claimedTime.timestamp : undefined) ??
      out.claimedTime.signingTime ??
      claimedM ??
      now.toISOString(),
  );
  const chain = buildChain(certDer, cms.certificates, anchors, at);
  out.chainTrusted = chain.trusted;
  out.chain = chain.path.map((c) => c.subject.replace(/\n/g, ', '));
  for (const p of chain.problems) problems.push(finding('CHAIN_UNTRUSTED', neutralDetail(p)));
  if (!chain.trusted && !chain.problems.length) problems.push(finding('CHAIN_UNTRUSTED'));
  const rev = checkRevocation(
    certDer,
    chain.path[1],
    crls.map((c) => toDer(c)),
    at,
  );
  out.revocation =
    rev.status === 'revoked' && tsOk && rev.revokedAt && rev.revokedAt > at ? 'good' : rev.status;
  if (rev.revokedAt) out.revokedAt = rev.revokedAt.toISOString();
  if (out.revocation === 'revoked') problems.push(finding('CERT_REVOKED'));
  out.ok =
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
): CmsOutcome {
  const out = blank();
  const ts = br ? verifyTimestamp(contents, (alg) => pdf.digest(br, alg), anchors) : undefined;
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
  out.ok = ts.imprintValid && ts.signatureValid && ts.chainTrusted;
  return out;
}
