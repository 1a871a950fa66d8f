import { SigningError } from '../errors.js';
import { headerAt, headersIn, headersOf } from '../pdf/object-headers.js';
import { PdfReader } from '../pdf/reader.js';
import { revisionAfter, type Revision } from '../pdf/revisions.js';
import { hybridConflicts, sectionEntries, type XrefEntry, type XrefSection } from '../pdf/xref.js';
import { finding, type Finding } from '../rules.js';
import { misreadReferences } from './misread-references.js';

/*
 * Copies of one object that readers of the same bytes take differently, and references they
 * resolve differently. pdf.js, poppler and MuPDF each settle such a file their own way, so
 * whichever copy we verify, one of them shows another: a file that has any is not valid,
 * however intact its signatures.
 */

/** How many cases a finding names in its detail. */
const MAX_NAMED = 5;

/** One state of the document: the xref sections one revision ends with, and their bytes. */
interface State {
  sections: XrefSection[];
  /** The byte range of the revision: from the end of the one before to its own `%%EOF`. */
  from: number;
  to: number;
  /** Where a reader opened at this state stops looking for bodies (its `%%EOF`). */
  viewEnd: number;
}

/**
 * The states of the document, oldest first: the chain's sections grouped by the revision each
 * lies in (a hybrid table and its stream, a linearized file's two sections make one state).
 */
function statesOf(buf: Buffer, full: PdfReader, revisions: Revision[]): State[] {
  const states: State[] = [];
  let from = 0;
  for (const s of [...full.sections].reverse()) {
    const revision = revisionAfter(revisions, s.offset);
    const to = revision?.end ?? buf.length;
    const last = states.at(-1);
    if (last && last.to === to) last.sections.push(s);
    else {
      states.push({ sections: [s], from, to, viewEnd: revision?.eof ?? buf.length });
      from = Math.max(from, to);
    }
  }
  return states;
}

/** Limits are final; any other failure to read a stream is another check's to report. */
function unlessTooComplex(e: unknown): void {
  if (e instanceof SigningError && (e.code === 'PDF_TOO_COMPLEX' || e.code === 'PDF_TIMEOUT'))
    throw e;
}

/** The first number `nums` lists twice, if any. */
function repeated(nums: number[]): number | undefined {
  const seen = new Set<number>();
  for (const n of nums) {
    if (seen.has(n)) return n;
    seen.add(n);
  }
  return undefined;
}

/**
 * Where the body a reader takes for an offset entry starts: the header at the offset, else (an
 * offset a few bytes off) the last header of that object and generation before the end of the
 * state, as PdfReader.loadEntry and the viewers that rebuild a file read it.
 */
function bodyAt(buf: Buffer, num: number, offset: number, gen: number, viewEnd: number) {
  const h = headerAt(buf, offset);
  if (h?.num === num) return h.at;
  const all = headersOf(buf, num);
  let lo = 0;
  let hi = all.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (all[mid]!.at < viewEnd) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo - 1; i >= 0; i--) if (all[i]!.gen === gen) return all[i]!.at;
  return undefined;
}

/** Walks the states of the document, noting both kinds of second copy. */
class CopyFinder {
  readonly found: string[] = [];
  private readonly entries = new Map<number, XrefEntry>();
  /** Object streams some state reads objects from: a later copy of one is checked again. */
  private readonly streams = new Set<number>();
  /** Object streams already read, by the offset of their copy. */
  private readonly streamsRead = new Set<number>();

  constructor(
    private readonly buf: Buffer,
    private readonly full: PdfReader,
  ) {}

  get done(): boolean {
    return this.found.length >= MAX_NAMED;
  }

  visit(state: State): void {
    const streams = new Set<number>();
    for (const section of state.sections)
      for (const [num, e] of sectionEntries(section)) {
        this.entries.set(num, e);
        if (e.type === 'compressed') streams.add(e.stream);
        if (this.streams.has(num)) streams.add(num);
      }
    for (const num of streams) if (!this.done) this.objectStream(num);
    if (!this.done && state.to > state.from) this.bodies(state);
  }

  /**
   * An object stream that lists a number twice: pdf.js shows the last copy whatever the xref
   * says, MuPDF the first, poppler the one at the index the xref gives.
   */
  private objectStream(num: number): void {
    this.streams.add(num);
    const e = this.entries.get(num);
    if (e?.type !== 'offset' || this.streamsRead.has(e.offset)) return;
    this.streamsRead.add(e.offset);
    let nums: number[];
    try {
      nums = this.full.objectStreamNumbers(num, e);
    } catch (err) {
      unlessTooComplex(err);
      return;
    }
    const twice = repeated(nums);
    if (twice !== undefined)
      this.found.push(`object stream ${num} at byte ${e.offset} lists object ${twice} twice`);
  }

  /**
   * Bodies of an object written in a revision's own bytes besides the one the state takes: a
   * reader that follows the xref never sees them, but pdf.js, poppler and MuPDF rebuild a file
   * whose xref they find broken from its `num gen obj` headers, the last body of each object
   * winning. An earlier body of the same generation loses to the listed one in any rebuild; a
   * later one, one of another generation, or a plain body of an object kept in an object stream
   * may win. Headers inside other objects' data count: the viewers' scans find them there too.
   */
  private bodies(state: State): void {
    const listedAt = new Map<number, number | undefined>();
    for (const h of headersIn(this.buf, state.from, state.to)) {
      const e = this.entries.get(h.num);
      if (!e || e.type === 'free') continue;
      if (e.type === 'offset') {
        if (!listedAt.has(h.num))
          listedAt.set(h.num, bodyAt(this.buf, h.num, e.offset, e.gen, state.viewEnd));
        const at = listedAt.get(h.num);
        if (at === undefined || h.at === at || (h.at < at && h.gen === e.gen)) continue;
      }
      this.found.push(`object ${h.num} has another body at byte ${h.at}`);
      if (this.done) return;
    }
  }
}

export interface ShadowOptions {
  /**
   * The end of the earliest signed revision: the references of every state from the one it ends
   * on are checked. By default only the newest state's are (what a signer is about to sign).
   */
  signedEnd?: number;
}

/**
 * Objects the file's readers take from different copies: a hybrid table and its /XRefStm that
 * disagree (XREF_AMBIGUOUS), an object stream listing a number twice or a second body of an
 * object in a revision's bytes (SHADOW_OBJECT), in any revision, signed or later; and references
 * of the signed states that the xref does not resolve as every reader does (REFERENCE_AMBIGUOUS,
 * see misread-references.ts).
 */
export function shadowCopies(
  buf: Buffer,
  full: PdfReader,
  revisions: Revision[],
  opts: ShadowOptions = {},
): Finding[] {
  const out: Finding[] = [];
  const conflicts = full.sections.flatMap((s) =>
    hybridConflicts(s).map((num) => `object ${num} in the table at byte ${s.offset}`),
  );
  if (conflicts.length)
    out.push(finding('XREF_AMBIGUOUS', conflicts.slice(0, MAX_NAMED).join('; ')));
  const finder = new CopyFinder(buf, full);
  const states = statesOf(buf, full, revisions);
  for (const state of states) {
    finder.visit(state);
    if (finder.done) break;
  }
  if (finder.found.length) out.push(finding('SHADOW_OBJECT', finder.found.join('; ')));
  const misread = new Set<string>();
  for (const [i, state] of states.entries()) {
    const newest = i === states.length - 1;
    if (!newest && (opts.signedEnd === undefined || state.to < opts.signedEnd)) continue;
    // A state before the newest is read as its own bytes (a viewer's "signed version" of it).
    const [reader, viewEnd] = newest
      ? [full, buf.length]
      : [new PdfReader(buf, state.sections.at(-1)!.offset), state.viewEnd];
    for (const m of misreadReferences(buf, reader, viewEnd, MAX_NAMED - misread.size))
      misread.add(m);
    if (misread.size >= MAX_NAMED) break;
  }
  if (misread.size) out.push(finding('REFERENCE_AMBIGUOUS', [...misread].join('; ')));
  return out;
}
