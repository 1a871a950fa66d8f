import { createHash, X509Certificate } from 'node:crypto';
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
import { SigningError } from './errors.js';
import { findModifications, type Modification } from './modifications.js';
import { listFields } from './pdf/document.js';
import { PdfDict, PdfName, PdfString } from './pdf/objects.js';
import { PdfReader } from './pdf/reader.js';
import { findRevisions, type Revision } from './pdf/revisions.js';
import { parsePdfDate } from './time.js';

export interface VerifyOptions {
  /** Trusted root (or intermediate) certificates, DER or PEM. */
  trustAnchors: Buffer[];
  /** CRLs (DER) to check revocation with. */
  crls?: Buffer[];
  /** Reference time when the signature has no trusted time; default now. */
  now?: Date;
}

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

export interface SignatureReport {
  fieldName: string;
  subFilter?: string;
  signer?: SignerSummary;
  claimedTime: { m?: string; signingTime?: string; timestamp?: string };
  byteRange: number[];
  /** 1-based revision whose end the byte range reaches (0 when none). */
  revision: number;
  coversWholeFileUpToRevision: boolean;
  coversWholeFile: boolean;
  digestValid: boolean;
  cmsSignatureValid: boolean;
  chainTrusted: boolean;
  chain: string[];
  revocation: 'good' | 'revoked' | 'unknown';
  revokedAt?: string;
  timestamp?: TimestampReport;
  modificationsAfter: Modification[];
  problems: string[];
  valid: boolean;
}

export interface VerificationReport {
  fileSize: number;
  revisions: number;
  signatures: SignatureReport[];
  /** True when there is at least one signature and every signature is valid. */
  valid: boolean;
  verifiedAt: string;
}

export interface ExtractedSignature {
  fieldName: string;
  byteRange: [number, number, number, number];
  /** The CMS DER with the placeholder's zero padding removed. */
  contents: Buffer;
  dict: PdfDict;
}

function digestRanges(buf: Buffer, br: number[], algorithm: string): Buffer {
  const h = createHash(algorithm);
  for (let i = 0; i + 1 < br.length; i += 2) h.update(buf.subarray(br[i]!, br[i]! + br[i + 1]!));
  return h.digest();
}

function trimDer(bytes: Buffer): Buffer {
  try {
    return bytes.subarray(0, readNode(bytes, 0).end);
  } catch {
    return bytes;
  }
}

/** Lists the signature fields with a value, their byte ranges and CMS blobs (no validation). */
export function extractSignatures(pdf: Buffer): ExtractedSignature[] {
  const reader = openForVerify(pdf);
  const out: ExtractedSignature[] = [];
  for (const f of listFields(reader)) {
    if (f.type !== 'Sig') continue;
    const v = reader.resolveDict(f.dict.get('V'));
    if (!v) continue;
    const br = reader.resolve(v.get('ByteRange'));
    const contents = reader.resolve(v.get('Contents'));
    if (!Array.isArray(br) || br.length !== 4 || !br.every((x) => typeof x === 'number')) continue;
    out.push({
      fieldName: f.fullName,
      byteRange: br as [number, number, number, number],
      contents: contents instanceof PdfString ? trimDer(contents.bytes) : Buffer.alloc(0),
      dict: v,
    });
  }
  return out.sort((a, b) => a.byteRange[2] + a.byteRange[3] - (b.byteRange[2] + b.byteRange[3]));
}

function openForVerify(pdf: Buffer): PdfReader {
  try {
    const r = new PdfReader(pdf);
    r.catalog();
    return r;
  } catch (e) {
    if (e instanceof SigningError) throw e;
    throw new SigningError('PDF_MALFORMED', `PDF cannot be parsed: ${(e as Error).message}`);
  }
}

const commonNameOf = (dn: string) => /(?:^|\n)CN=([^\n]*)/.exec(dn)?.[1];

function summarize(cert: X509Certificate): SignerSummary {
  return {
    subject: cert.subject.replace(/\n/g, ', '),
    issuer: cert.issuer.replace(/\n/g, ', '),
    serialNumber: cert.serialNumber.toLowerCase().replace(/^(00)+(?=.)/, ''),
    commonName: commonNameOf(cert.subject),
    issuerCommonName: commonNameOf(cert.issuer),
  };
}

function verifyTimestamp(
  token: Buffer,
  imprintOf: (algorithm: string) => Buffer,
  anchors: Buffer[],
): (TimestampReport & { certificate?: Buffer }) | undefined {
  let cms: ParsedCms;
  try {
    cms = parseCms(token);
  } catch {
    return undefined;
  }
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
  return {
    genTime: genTime.toISOString(),
    tsa,
    imprintValid,
    signatureValid,
    chainTrusted,
    certificate: certDer,
  };
}

function verifyOne(
  pdf: Buffer,
  reader: PdfReader,
  revisions: Revision[],
  sig: ExtractedSignature,
  opts: VerifyOptions,
  anchors: Buffer[],
): SignatureReport {
  const problems: string[] = [];
  const br = sig.byteRange;
  const rangeEnd = br[2] + br[3];
  const revIndex = revisions.findIndex((r) => rangeEnd >= r.eof && rangeEnd <= r.end);
  const m = sig.dict.get('M');
  const subFilter = sig.dict.get('SubFilter');
  const report: SignatureReport = {
    fieldName: sig.fieldName,
    subFilter: subFilter instanceof PdfName ? subFilter.name : undefined,
    claimedTime: {},
    byteRange: [...br],
    revision: revIndex + 1,
    coversWholeFileUpToRevision: revIndex >= 0,
    coversWholeFile: rangeEnd === pdf.length,
    digestValid: false,
    cmsSignatureValid: false,
    chainTrusted: false,
    chain: [],
    revocation: 'unknown',
    modificationsAfter: [],
    problems,
    valid: false,
  };
  if (m instanceof PdfString) report.claimedTime.m = parsePdfDate(m.toText())?.toISOString();
  const rangeOk =
    br[0] === 0 &&
    br[1] > 0 &&
    br[2] > br[1] &&
    rangeEnd <= pdf.length &&
    pdf[br[1]] === 0x3c &&
    pdf[br[2] - 1] === 0x3e;
  if (!rangeOk)
    problems.push('byte range is malformed or does not exclude exactly the /Contents string');
  if (revIndex < 0) problems.push('byte range does not end at the end of a revision');

  if (report.subFilter === 'ETSI.RFC3161') {
    verifyDocumentTimestamp(pdf, reader, revisions, revIndex, sig, anchors, rangeOk, report);
    return report;
  }
  let cms: ParsedCms;
  try {
    cms = parseCms(sig.contents);
  } catch (e) {
    problems.push(`CMS cannot be parsed: ${(e as Error).message}`);
    return report;
  }
  const md = attributeValue(cms.signer.attributes, OID.messageDigest);
  if (rangeOk && md && cms.signer.digestAlgorithm !== 'unknown') {
    const expected = content(md, readNode(md, 0));
    report.digestValid = digestRanges(pdf, br, cms.signer.digestAlgorithm).equals(expected);
  }
  if (!report.digestValid)
    problems.push('document digest does not match: the signed bytes were changed');
  const st = attributeValue(cms.signer.attributes, OID.signingTime);
  if (st) report.claimedTime.signingTime = decodeTime(st, readNode(st, 0)).toISOString();

  const certDer = findSignerCertificate(cms);
  if (!certDer) {
    problems.push('signer certificate not found in the signature');
    return report;
  }
  const cert = new X509Certificate(certDer);
  report.signer = summarize(cert);
  report.cmsSignatureValid = verifySignerSignature(cms, cert.publicKey);
  if (!report.cmsSignatureValid)
    problems.push('CMS signature value is not valid for the signer certificate');

  const token = attributeValue(cms.signer.unsignedAttributes, OID.signatureTimeStampToken);
  if (token) {
    const ts = verifyTimestamp(
      token,
      (alg) => createHash(alg).update(cms.signer.signature).digest(),
      anchors,
    );
    if (ts) {
      const { certificate: _tsaCert, ...summary } = ts;
      report.timestamp = summary;
      report.claimedTime.timestamp = ts.genTime;
      if (!ts.imprintValid || !ts.signatureValid) problems.push('signature timestamp is not valid');
      else if (!ts.chainTrusted) problems.push('timestamp authority is not trusted');
    } else problems.push('signature timestamp cannot be parsed');
  }
  const tsOk =
    report.timestamp?.imprintValid &&
    report.timestamp.signatureValid &&
    report.timestamp.chainTrusted;
  const at = new Date(
    (tsOk ? report.claimedTime.timestamp : undefined) ??
      report.claimedTime.signingTime ??
      report.claimedTime.m ??
      (opts.now ?? new Date()).toISOString(),
  );
  const chain = buildChain(certDer, cms.certificates, anchors, at);
  report.chainTrusted = chain.trusted;
  report.chain = chain.path.map((c) => c.subject.replace(/\n/g, ', '));
  problems.push(...chain.problems);
  const rev = checkRevocation(
    certDer,
    chain.path[1],
    (opts.crls ?? []).map((c) => toDer(c)),
    at,
  );
  if (rev.status === 'revoked' && tsOk && rev.revokedAt && rev.revokedAt > at) {
    report.revocation = 'good';
  } else report.revocation = rev.status;
  if (rev.revokedAt) report.revokedAt = rev.revokedAt.toISOString();
  if (report.revocation === 'revoked') problems.push('signer certificate is revoked');

  if (revIndex >= 0) {
    try {
      report.modificationsAfter = findModifications(pdf, reader, revisions, revisions[revIndex]!);
    } catch (e) {
      problems.push(`later revisions cannot be analysed: ${(e as Error).message}`);
    }
  }
  const flagged = report.modificationsAfter.filter((x) => !x.permitted);
  if (flagged.length) problems.push(`${flagged.length} change(s) after signing are not permitted`);
  report.valid =
    rangeOk &&
    report.coversWholeFileUpToRevision &&
    report.digestValid &&
    report.cmsSignatureValid &&
    report.chainTrusted &&
    report.revocation !== 'revoked' &&
    (!report.timestamp || !!tsOk) &&
    flagged.length === 0 &&
    !report.problems.some((p) => p.startsWith('later revisions'));
  return report;
}

/** A document timestamp (PAdES B-LTA): the token's imprint covers the byte ranges. */
function verifyDocumentTimestamp(
  pdf: Buffer,
  reader: PdfReader,
  revisions: Revision[],
  revIndex: number,
  sig: ExtractedSignature,
  anchors: Buffer[],
  rangeOk: boolean,
  report: SignatureReport,
): void {
  const ts = rangeOk
    ? verifyTimestamp(sig.contents, (alg) => digestRanges(pdf, sig.byteRange, alg), anchors)
    : undefined;
  if (!ts) {
    report.problems.push('document timestamp cannot be parsed');
    return;
  }
  const { certificate, ...summary } = ts;
  report.timestamp = summary;
  report.claimedTime.timestamp = ts.genTime;
  if (certificate) report.signer = summarize(new X509Certificate(certificate));
  report.digestValid = ts.imprintValid;
  report.cmsSignatureValid = ts.signatureValid;
  report.chainTrusted = ts.chainTrusted;
  if (!ts.imprintValid)
    report.problems.push('document digest does not match: the signed bytes were changed');
  if (!ts.signatureValid) report.problems.push('document timestamp signature is not valid');
  if (!ts.chainTrusted) report.problems.push('timestamp authority is not trusted');
  if (revIndex >= 0)
    report.modificationsAfter = findModifications(pdf, reader, revisions, revisions[revIndex]!);
  report.valid =
    report.coversWholeFileUpToRevision &&
    ts.imprintValid &&
    ts.signatureValid &&
    ts.chainTrusted &&
    report.modificationsAfter.every((m) => m.permitted);
}

/** Verifies every signature in the PDF and reports what later revisions changed. */
export function verifyPdf(pdf: Buffer, options: VerifyOptions): VerificationReport {
  const reader = openForVerify(pdf);
  const revisions = findRevisions(pdf);
  const anchors = options.trustAnchors.map((a) => toDer(a));
  const signatures = extractSignatures(pdf).map((s) =>
    verifyOne(pdf, reader, revisions, s, options, anchors),
  );
  return {
    fileSize: pdf.length,
    revisions: revisions.length,
    signatures,
    valid: signatures.length > 0 && signatures.every((s) => s.valid),
    verifiedAt: (options.now ?? new Date()).toISOString(),
  };
}
