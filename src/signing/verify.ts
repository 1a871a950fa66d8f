import { toDer } from './cms/certificate.js';
import { analyseChanges, levelsUpTo, type Change } from './changes/index.js';
import { shadowCopies } from './changes/shadow-copies.js';
import { declaredDocMdp, docMdpAllows, type DocMdpLevel } from './docmdp.js';
import { SigningError, asSigningError } from './errors.js';
import { PdfName, PdfString, type PdfDict } from './pdf/objects.js';
import { PdfReader } from './pdf/reader.js';
import { findRevisions, revisionEndingAt, revisionOf, type Revision } from './pdf/revisions.js';
import { finding, type Finding } from './rules.js';
import { checkByteRange, collectSignatureFields, type SignatureField } from './signature-dict.js';
import { checkStructure, type SignedStructure } from './signed-revision.js';
import { parsePdfDate } from './time.js';
import { RangeDigester, checkCms, checkDocumentTimestamp, type CmsFindings } from './verify-cms.js';

export type { SignerSummary, TimestampReport } from './verify-cms.js';
export type { Finding } from './rules.js';

export interface VerifyOptions {
  /** Trusted root (or intermediate) certificates, DER or PEM. */
  trustAnchors: Buffer[];
  /** CRLs (DER) to check revocation with. */
  crls?: Buffer[];
  /** Reference time when the signature has no trusted time; default now. */
  now?: Date;
}

/** A change made by a revision after a signature, and whether it is allowed. */
export interface Modification extends Change {
  permitted: boolean;
  /** The later valid signature whose revision made the change, when one covers it. */
  attributedTo?: string;
}

export interface SignatureReport extends CmsFindings {
  fieldName: string;
  subFilter?: string;
  byteRange: number[];
  /** 1-based revision whose end the byte range reaches (0 when none). */
  revision: number;
  coversWholeFileUpToRevision: boolean;
  coversWholeFile: boolean;
  /** DocMDP level when this is a certification signature. */
  certification?: DocMdpLevel;
  /** What later revisions changed, each judged (see the document's `modifiedAfterSigning`). */
  modificationsAfter: Modification[];
  problems: Finding[];
  /** The signature itself: its bytes, structure, certificate and time (not what came after). */
  valid: boolean;
}

export interface VerificationReport {
  fileSize: number;
  revisions: number;
  signatures: SignatureReport[];
  /** DocMDP level of the document's certification signature, if any. */
  certification?: DocMdpLevel;
  /** A later revision changed what the signatures cover in a way nothing permits. */
  modifiedAfterSigning: boolean;
  /** Document-level failures (structure of the revisions, changes after signing). */
  problems: Finding[];
  /** At least one signature, every signature valid, and nothing changed that is not permitted. */
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

function openForVerify(pdf: Buffer): PdfReader {
  if (!Buffer.isBuffer(pdf) || pdf.length < 16)
    throw new SigningError('PDF_MALFORMED', 'input is not a PDF file');
  try {
    const r = new PdfReader(pdf);
    r.catalog();
    return r;
  } catch (e) {
    throw asSigningError(e);
  }
}

/** Lists the signature fields with a value, their byte ranges and CMS blobs (no validation). */
export function extractSignatures(pdf: Buffer): ExtractedSignature[] {
  const reader = openForVerify(pdf);
  try {
    return collectSignatureFields(pdf, reader).flatMap((s) =>
      s.byteRange && s.dict
        ? [{ fieldName: s.fieldName, byteRange: s.byteRange, contents: s.contents, dict: s.dict }]
        : [],
    );
  } catch (e) {
    throw asSigningError(e);
  }
}

interface Checked {
  report: SignatureReport;
  structure?: SignedStructure;
}

function emptyReport(sig: SignatureField, pdf: Buffer): SignatureReport {
  const subFilter = sig.dict?.get('SubFilter');
  const br = sig.byteRange;
  return {
    fieldName: sig.fieldName,
    subFilter: subFilter instanceof PdfName ? subFilter.name : undefined,
    claimedTime: {},
    byteRange: br ? [...br] : [],
    revision: 0,
    coversWholeFileUpToRevision: false,
    coversWholeFile: !!br && br[2] + br[3] === pdf.length,
    digestValid: false,
    cmsSignatureValid: false,
    chainTrusted: false,
    chain: [],
    revocation: 'unknown',
    modificationsAfter: [],
    problems: [...sig.failures],
    valid: false,
  };
}

interface Context {
  pdf: Buffer;
  reader: PdfReader;
  revisions: Revision[];
  anchors: Buffer[];
  crls: Buffer[];
  now: Date;
  digester: RangeDigester;
}

function checkOne(ctx: Context, sig: SignatureField): Checked {
  const { pdf, revisions } = ctx;
  const report = emptyReport(sig, pdf);
  if (!sig.dict) return { report };
  const m = sig.dict.get('M');
  if (m instanceof PdfString) report.claimedTime.m = parsePdfDate(m.toText())?.toISOString();
  const rangeFindings = checkByteRange(pdf, sig);
  report.problems.push(...rangeFindings);
  const br = rangeFindings.some((f) => f.rule === 'BYTE_RANGE_MALFORMED')
    ? undefined
    : sig.byteRange;
  let structure: SignedStructure | undefined;
  if (br) {
    const end = br[2] + br[3];
    const k = revisionEndingAt(revisions, end);
    if (k < 0) report.problems.push(finding('BYTE_RANGE_END', `the range ends at byte ${end}`));
    else if (revisionOf(revisions, sig.offset!) !== k + 1)
      report.problems.push(
        finding('BYTE_RANGE_END', 'the range covers revisions written after the signature'),
      );
    else {
      report.revision = k + 1;
      report.coversWholeFileUpToRevision = true;
      structure = checkStructure(ctx.reader, pdf, revisions[k]!, br, sig);
      report.problems.push(...structure.signatureFindings);
    }
  }
  const outcome =
    report.subFilter === 'ETSI.RFC3161'
      ? checkDocumentTimestamp(ctx.digester, sig.contents, br, ctx.anchors, ctx.crls)
      : checkCms(ctx.digester, sig.contents, br, ctx.anchors, ctx.crls, ctx.now);
  const { problems, ok, ...rest } = outcome;
  Object.assign(report, rest, { claimedTime: { ...report.claimedTime, ...rest.claimedTime } });
  report.problems.push(...problems);
  // The level the certifier signed: an indirect /TransformParams rewritten later must not
  // loosen it (the rewrite itself is judged as a change).
  const level = declaredDocMdp(structure?.reader ?? ctx.reader, sig.dict);
  if (level === 'malformed') report.problems.push(finding('CERTIFICATION_MALFORMED'));
  else if (level) report.certification = level;
  report.valid = ok && report.problems.length === 0;
  return { report, structure };
}

/** One broken signature never hides the others: anything thrown becomes this one's failure. */
function checkSafely(ctx: Context, sig: SignatureField): Checked {
  try {
    return { ...checkOne(ctx, sig) };
  } catch (e) {
    const report = emptyReport(sig, ctx.pdf);
    report.problems.push(finding('SIGNATURE_UNREADABLE', asSigningError(e).message));
    return { report };
  }
}

/** What a revision no signature covers may do: nothing a page shows. */
const UNCOVERED = levelsUpTo('signature');

/**
 * A later signature vouches for the changes of the revisions it covers when it is intact: its
 * bytes, structure and CMS are right, whether or not its certificate is trusted here. An
 * untrusted signer's changes are then reported as theirs, and the document is not valid because
 * that signature is not, rather than called "modified" as if no one had signed them.
 */
const UNTRUSTED_ONLY = new Set([
  'CHAIN_UNTRUSTED',
  'TIMESTAMP_UNTRUSTED',
  'CERT_EXPIRED',
  'CERT_NOT_YET_VALID',
]);
const vouches = (r: SignatureReport) =>
  r.valid ||
  (r.revision > 0 &&
    r.digestValid &&
    r.cmsSignatureValid &&
    r.problems.every((p) => UNTRUSTED_ONLY.has(p.rule)));

/**
 * Judges each change after the first signature: a later valid signature that covers the change
 * vouches for annotations and form filling, a certification limits everything to its level, and
 * a revision that no signature covers may only add validation data or invisible signature fields.
 */
function judgeChanges(changes: Change[], reports: SignatureReport[]): Modification[] {
  const certifier = reports.find((r) => r.certification && r.revision > 0);
  return changes.map((c) => {
    const cover = reports.find((r) => vouches(r) && r.revision >= c.revision);
    let permitted: boolean;
    if (c.level === 'forbidden') permitted = false;
    else if (certifier?.certification && c.revision > certifier.revision)
      permitted = docMdpAllows(certifier.certification, c.level);
    else if (cover) permitted = true;
    else permitted = UNCOVERED.has(c.level);
    return cover ? { ...c, permitted, attributedTo: cover.fieldName } : { ...c, permitted };
  });
}

function analyse(
  ctx: Context,
  checked: Checked[],
): { changes: Modification[]; problems: Finding[] } {
  const problems: Finding[] = [];
  const seen = new Set<string>();
  for (const c of checked)
    for (const f of c.structure?.documentFindings ?? []) {
      if (!seen.has(f.rule)) problems.push(f);
      seen.add(f.rule);
    }
  const base = checked.find((c) => c.structure?.inChain);
  if (!base?.structure) return { changes: [], problems };
  let raw: Change[];
  try {
    raw = analyseChanges(ctx.pdf, ctx.reader, ctx.revisions, base.structure.signedSections);
  } catch (e) {
    problems.push(finding('CHANGES_UNREADABLE', asSigningError(e).message));
    return { changes: [], problems };
  }
  const reports = checked.map((c) => c.report);
  const changes = judgeChanges(raw, reports);
  const bad = changes.filter((c) => !c.permitted);
  if (bad.length) {
    const certified = reports.some((r) => r.certification);
    // Language-neutral: the report lists each change with its label in the reader's language.
    const detail = bad
      .slice(0, 5)
      .map((c) => `r${c.revision}/obj ${c.objectNumber}`)
      .join(', ');
    problems.push(finding(certified ? 'DOCMDP_VIOLATED' : 'MODIFIED_AFTER_SIGNING', detail));
  }
  return { changes, problems };
}

/**
 * Bytes after the end of the last revision that are not white space: objects appended without an
 * xref section, which a viewer repairing the file might show though no signature covers them.
 */
function trailingBytes(pdf: Buffer, revisions: Revision[]): string | undefined {
  const end = revisions.at(-1)?.end ?? pdf.length;
  for (let i = end; i < pdf.length; i++) {
    const c = pdf[i]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09 && c !== 0x0c && c !== 0x00)
      return `${pdf.length - end} bytes after byte ${end}`;
  }
  return undefined;
}

/** Verifies every signature in the PDF and judges what later revisions changed. */
export function verifyPdf(pdf: Buffer, options: VerifyOptions): VerificationReport {
  const reader = openForVerify(pdf);
  const now = options.now ?? new Date();
  let ctx: Context;
  let fields: SignatureField[];
  try {
    ctx = {
      pdf,
      reader,
      revisions: findRevisions(pdf),
      anchors: options.trustAnchors.map((a) => toDer(a)),
      crls: options.crls ?? [],
      now,
      digester: new RangeDigester(pdf),
    };
    fields = collectSignatureFields(pdf, reader);
  } catch (e) {
    throw asSigningError(e);
  }
  const checked = fields.map((s) => checkSafely(ctx, s));
  const first = checked.find((c) => c.report.certification);
  const earliest = checked.find((c) => c.report.revision > 0);
  if (first && earliest && first !== earliest) {
    first.report.problems.push(finding('CERTIFICATION_NOT_FIRST'));
    first.report.valid = false;
  }
  const { changes, problems } = analyse(ctx, checked);
  const trailing = trailingBytes(pdf, ctx.revisions);
  if (trailing && checked.length) problems.push(finding('UNSIGNED_TRAILING_BYTES', trailing));
  if (checked.length) {
    // The references of every state from the earliest signed revision on (else the newest).
    const oldest = checked.reduce((m, c) => Math.min(m, c.report.revision || Infinity), Infinity);
    const signedEnd = ctx.revisions[oldest - 1]?.end;
    try {
      problems.push(...shadowCopies(pdf, reader, ctx.revisions, { signedEnd }));
    } catch (e) {
      // A file past the limits is not shown to be free of second copies.
      problems.push(finding('CHANGES_UNREADABLE', asSigningError(e).message));
    }
  }
  // A document timestamp proves when the bytes existed, not who signed them: anyone can get one
  // from a public authority for a document they made up.
  if (checked.length && checked.every((c) => c.report.subFilter === 'ETSI.RFC3161'))
    problems.push(finding('NO_SIGNER'));
  const signatures = checked.map((c) => c.report);
  for (const s of signatures) s.modificationsAfter = changes.filter((m) => m.revision > s.revision);
  const modifiedAfterSigning = changes.some((m) => !m.permitted);
  const report: VerificationReport = {
    fileSize: pdf.length,
    revisions: ctx.revisions.length,
    signatures,
    modifiedAfterSigning,
    problems,
    valid: signatures.length > 0 && signatures.every((s) => s.valid) && problems.length === 0,
    verifiedAt: now.toISOString(),
  };
  const cert = signatures.find((s) => s.certification && s.valid)?.certification;
  if (cert) report.certification = cert;
  return report;
}
