import { asSigningError } from './errors.js';
import { PdfRef } from './pdf/objects.js';
import { PdfReader } from './pdf/reader.js';
import type { Revision } from './pdf/revisions.js';
import { finding, type Finding } from './rules.js';
import type { SignatureField } from './signature-dict.js';

export interface SignedStructure {
  /** Failures of the signature itself (what it signed is not what it claims). */
  signatureFindings: Finding[];
  /** Failures of the document after signing (history rewritten, catalog swapped…). */
  documentFindings: Finding[];
  /** The signed revision's xref sections are the oldest part of the document's own chain. */
  inChain: boolean;
  /** How many of the document's xref sections (the oldest) are the signed revision's. */
  signedSections: number;
  /** The signed revision, read from the signed bytes alone. */
  reader?: PdfReader;
}

const sameRef = (a: unknown, b: unknown) =>
  a instanceof PdfRef && b instanceof PdfRef && a.num === b.num && a.gen === b.gen;

/**
 * Reads the signed revision from the signed bytes alone and checks that the document as it is
 * now extends it: every later xref section lies after the signed bytes, the /Prev chain leads
 * back to the signed revision's sections, and the catalog stays the same object.
 */
export function checkStructure(
  full: PdfReader,
  pdf: Buffer,
  revision: Revision,
  br: [number, number, number, number],
  sig: SignatureField,
): SignedStructure {
  const out: SignedStructure = {
    signatureFindings: [],
    documentFindings: [],
    inChain: false,
    signedSections: 0,
  };
  const end = br[2] + br[3];
  let signed: PdfReader;
  try {
    signed = new PdfReader(pdf.subarray(0, end), revision.startxref);
    signed.catalog();
  } catch (e) {
    out.signatureFindings.push(finding('SIGNED_REVISION_UNREADABLE', asSigningError(e).message));
    return out;
  }
  out.reader = signed;
  for (const [num, e] of signed.entries) {
    if (e.type !== 'offset') continue;
    // An offset past the end of the file points at nothing yet; one inside later bytes or the
    // gap points at something the signature does not cover.
    const later = e.offset >= end && e.offset < pdf.length;
    if (later || (e.offset >= br[1] && e.offset < br[2])) {
      out.signatureFindings.push(
        finding('SIGNED_REVISION_OUTSIDE', `object ${num} is at byte ${e.offset}`),
      );
      break;
    }
  }
  const own = sig.ref ? signed.entries.get(sig.ref.num) : undefined;
  if (!own || own.type !== 'offset' || own.offset !== sig.offset)
    out.signatureFindings.push(
      finding('BYTE_RANGE_HOLE', 'the signed revision does not define this signature dictionary'),
    );

  const mine = signed.sections.map((s) => s.offset);
  const all = full.sections.map((s) => s.offset);
  // A section inside the signed bytes that the signed revision itself never used was planted
  // there to be switched on later.
  const mineSet = new Set(mine);
  for (const s of full.sections) {
    const planted =
      (!mineSet.has(s.offset) && s.offset < end) ||
      (s.hybrid && s.hybrid.offset < end && !mineSet.has(s.offset));
    if (planted)
      out.documentFindings.push(finding('SHADOW_XREF', `xref section at byte ${s.offset}`));
  }
  const tail = all.slice(all.length - mine.length);
  if (mine.length > all.length || tail.some((o, i) => o !== mine[i])) {
    out.documentFindings.push(finding('REVISION_NOT_IN_CHAIN', `signed revision ends at ${end}`));
    return out;
  }
  out.inChain = true;
  out.signedSections = mine.length;
  const later = full.sections.slice(0, all.length - mine.length);
  const root = signed.trailer.get('Root');
  for (const s of later) {
    const r = s.trailer.get('Root');
    if ((r !== undefined || s === later[0]) && !sameRef(r, root))
      out.documentFindings.push(finding('ROOT_CHANGED', `xref section at byte ${s.offset}`));
    if (s.trailer.has('Encrypt') && !signed.trailer.has('Encrypt'))
      out.documentFindings.push(finding('ENCRYPTED_AFTER'));
  }
  return out;
}
