/**
 * Files whose page refers to an object the xref does not locate: no entry (beyond /Size), a free
 * entry, or an entry a few bytes off, with a body of that object written somewhere in the bytes.
 * A reader that follows the xref draws nothing for it (or, for the skewed entry, pdf.js drops
 * it); poppler rebuilds a file with classic tables from its `num gen obj` headers and draws the
 * planted body. Built on any base (classic table, or object and xref streams).
 */
import { PdfRef, ref, serialize } from '../../../../src/signing/pdf/objects.js';
import { Parser } from '../../../../src/signing/pdf/parser.js';
import { PdfReader } from '../../../../src/signing/pdf/reader.js';
import { appendUpdate, rawStream, type RawEntry } from './raw-pdf.js';

/** What the planted body writes on the page. */
export const PLANTED_TEXT = 'PAY 1,000,000 VND';

/** A content stream writing PLANTED_TEXT with the first font of page 1's resources. */
export function plantedContent(r: PdfReader): string {
  const resources = r.resolveDict(r.getPage(1).dict.get('Resources'));
  const font = [...(r.resolveDict(resources?.get('Font'))?.map.keys() ?? ['F1'])][0]!;
  return rawStream(`BT /${font} 24 Tf 72 650 Td (${PLANTED_TEXT}) Tj ET`);
}

/** `num 0 obj … endobj` written after the file's bytes, with no xref entry. */
export const plantBody = (pdf: Buffer, num: number, body: string): Buffer =>
  Buffer.concat([pdf, Buffer.from(`\n${num} 0 obj\n${body}\nendobj\n`, 'latin1')]);

/** The kind of xref section the base file ends with (a classic table, or an xref stream). */
const kindOf = (r: PdfReader) => r.sections[0]!.kind;

/** A number well past /Size: the signature's revision and a few later ones stay below it. */
export const unlistedNumber = (r: PdfReader): number => r.size + 50;

export interface DrawsOptions {
  /** Write the object's body (PLANTED_TEXT) in these bytes, before the update's xref. */
  plant?: boolean;
  /** List the object as free instead of leaving it out of the xref. */
  free?: boolean;
  /**
   * Write the page tree's root again and list it two bytes past its header: pdf.js and MuPDF
   * then rebuild the file from its object headers, as poppler does for an unlisted object.
   */
  skewPages?: boolean;
}

/**
 * The drafter's revision: page 1's /Contents also draws object `num`, which no xref section
 * lists (or lists as free); with `plant`, its body is written in the drafted bytes.
 */
export function drawsUnlisted(base: Buffer, num: number, o: DrawsOptions = {}): Buffer {
  const r = new PdfReader(base);
  const page = r.getPage(1);
  const contents = page.dict.get('Contents');
  const list = [...(Array.isArray(contents) ? contents : [contents!]), ref(num)];
  const entries: Record<number, RawEntry> = o.free ? { [num]: [0, 0, 0] } : {};
  let bytes = o.plant ? plantBody(base, num, plantedContent(r)) : base;
  if (o.skewPages) {
    const pages = r.catalog().get('Pages') as PdfRef;
    entries[pages.num] = [1, bytes.length + 1 + 2, 0];
    bytes = plantBody(bytes, pages.num, serialize(r.resolveDict(pages)!));
  }
  return appendUpdate(bytes, {
    kind: kindOf(r),
    objects: { [page.ref.num]: serialize(page.dict.clone().set('Contents', list)) },
    entries,
  });
}

/**
 * A later revision that adds one new, unreferenced object (what any revision may add) whose
 * stream data holds a body of object `num`: the revision lists no entry for `num`, and the body
 * lies inside a listed object, where a check of unlisted bodies does not look.
 */
export function hideBodyInNewObject(pdf: Buffer, num: number, body: string): Buffer {
  const r = new PdfReader(pdf);
  return appendUpdate(pdf, {
    kind: kindOf(r),
    objects: { [r.size]: rawStream(`\n${num} 0 obj\n${body}\nendobj\n`) },
  });
}

/** Page 1's first content stream. */
export function firstContent(r: PdfReader): PdfRef {
  const c = r.getPage(1).dict.get('Contents');
  return (Array.isArray(c) ? c[0] : c) as PdfRef;
}

/**
 * The drafter's revision: page 1's first content stream written again, unchanged, and listed
 * `skew` bytes past its header (as a producer that miscounts offsets writes it). We read it from
 * the nearby header; pdf.js drops an object whose entry misses it.
 */
export function skewedContent(base: Buffer, skew = 2): Buffer {
  const r = new PdfReader(base);
  const c = firstContent(r);
  const e = r.entries.get(c.num);
  if (e?.type !== 'offset') throw new Error('the first content stream is not a plain object');
  const p = new Parser(base, e.offset);
  p.parseIndirect();
  const copy = Buffer.from(`\n${base.toString('latin1', e.offset, p.pos)}\n`, 'latin1');
  return appendUpdate(Buffer.concat([base, copy]), {
    kind: kindOf(r),
    entries: { [c.num]: [1, base.length + 1 + skew, 0] },
  });
}
