import { SigningError } from '../errors.js';
import { decodeStream } from './filters.js';
import {
  InflateBudget,
  LIMITS,
  boundedInt,
  checkObjectNumber,
  malformed,
  tooComplex,
} from './limits.js';
import { PdfDict, PdfStream } from './objects.js';
import { Parser } from './parser.js';

export type XrefEntry =
  | { type: 'free' }
  | { type: 'offset'; offset: number; gen: number }
  | { type: 'compressed'; stream: number; index: number };

export interface XrefSection {
  /** Byte offset of the `xref` keyword or of the xref stream object. */
  offset: number;
  kind: 'table' | 'stream';
  entries: Map<number, XrefEntry>;
  trailer: PdfDict;
  prev?: number;
  /** Hybrid files: the entries of the /XRefStm stream referenced by a table trailer. */
  hybrid?: XrefSection;
}

const FREE: XrefEntry = { type: 'free' };

/**
 * Finds the offset given by the last `startxref`, checking the file is complete. Only the
 * last 2 KiB are searched (a file of many `%%EOF` markers costs no more than one).
 */
export function findStartXref(buf: Buffer): number {
  const head = buf.subarray(0, Math.min(buf.length, 1024)).indexOf('%PDF-', 0, 'latin1');
  if (head < 0) throw new SigningError('PDF_MALFORMED', 'not a PDF file (no %PDF- header)');
  const tailStart = Math.max(0, buf.length - 2048);
  const tail = buf.subarray(tailStart);
  const eofInTail = tail.lastIndexOf('%%EOF', tail.length, 'latin1');
  if (eofInTail < 0)
    throw new SigningError('PDF_TRUNCATED', 'PDF file is truncated (no final %%EOF)');
  const eof = tailStart + eofInTail;
  const windowStart = Math.max(0, eof - 64);
  const window = buf.subarray(windowStart, eof);
  const sxInWindow = window.lastIndexOf('startxref', window.length, 'latin1');
  if (sxInWindow < 0)
    throw new SigningError('PDF_TRUNCATED', 'PDF file is truncated (no startxref)');
  const sx = windowStart + sxInWindow;
  const p = new Parser(buf, sx + 9, eof);
  let offset: number;
  try {
    offset = p.readInt();
  } catch {
    throw new SigningError('PDF_MALFORMED', 'startxref is not a number');
  }
  if (offset <= 0 || offset >= buf.length) {
    throw new SigningError('PDF_TRUNCATED', `startxref ${offset} points outside the file`);
  }
  return offset;
}

/** Counts entries read from all sections of one file against the file's allowance. */
class EntryAllowance {
  remaining: number;

  constructor(fileSize: number) {
    this.remaining = Math.min(LIMITS.maxObjectNumber + 1, LIMITS.maxXrefEntriesBase + fileSize) * 2;
  }

  take(n: number): void {
    this.remaining -= n;
    if (this.remaining < 0) throw tooComplex('too many cross-reference entries');
  }
}

interface ReadContext {
  inflate: InflateBudget;
  entries: EntryAllowance;
}

const contextFor = (buf: Buffer, inflate?: InflateBudget): ReadContext => ({
  inflate: inflate ?? new InflateBudget(buf.length),
  entries: new EntryAllowance(buf.length),
});

/** /Prev and /XRefStm offsets: integers inside the file, else the section is refused. */
function offsetValue(v: unknown, buf: Buffer, what: string): number | undefined {
  if (v === undefined) return undefined;
  const n = boundedInt(v);
  if (n === undefined || n <= 0 || n >= buf.length)
    throw malformed(`xref ${what} ${String(v).slice(0, 20)} is not an offset inside the file`);
  return n;
}

function parseTable(buf: Buffer, offset: number, ctx: ReadContext): XrefSection {
  const p = new Parser(buf, offset + 4);
  const entries = new Map<number, XrefEntry>();
  for (;;) {
    p.skipWhitespace();
    const tok = buf.toString('latin1', p.pos, p.pos + 7);
    if (tok === 'trailer') {
      p.pos += 7;
      break;
    }
    const start = p.readInt();
    const count = p.readInt();
    if (start < 0 || count < 0)
      throw malformed(`negative xref subsection ${start} ${count} at byte ${p.pos}`);
    // Each entry takes at least two bytes (in practice twenty): a count the rest of the file
    // cannot hold is a lie, not a reason to loop.
    if (count > (buf.length - p.pos) / 2)
      throw malformed(`xref subsection of ${count} entries exceeds the file at byte ${p.pos}`);
    if (count > 0) checkObjectNumber(start + count - 1, 'xref object number');
    ctx.entries.take(count);
    for (let i = 0; i < count; i++) {
      p.skipWhitespace();
      let pos = p.pos;
      let off = 0;
      let digits = 0;
      while (buf[pos]! >= 0x30 && buf[pos]! <= 0x39 && digits++ < 16)
        off = off * 10 + buf[pos++]! - 0x30;
      while (buf[pos] === 0x20) pos++;
      let gen = 0;
      digits = 0;
      while (buf[pos]! >= 0x30 && buf[pos]! <= 0x39 && digits++ < 16)
        gen = gen * 10 + buf[pos++]! - 0x30;
      while (buf[pos] === 0x20) pos++;
      const kind = buf[pos];
      if (kind !== 0x6e && kind !== 0x66) {
        throw new SigningError('PDF_MALFORMED', `bad xref table entry at byte ${pos}`);
      }
      p.pos = pos + 1;
      const num = start + i;
      if (!entries.has(num))
        entries.set(num, kind === 0x6e ? { type: 'offset', offset: off, gen } : FREE);
    }
  }
  const trailer = p.parseValue();
  if (!(trailer instanceof PdfDict))
    throw new SigningError('PDF_MALFORMED', 'trailer is not a dictionary');
  checkSize(trailer.get('Size'));
  const section: XrefSection = { offset, kind: 'table', entries, trailer };
  const prev = offsetValue(trailer.get('Prev'), buf, '/Prev');
  if (prev !== undefined) section.prev = prev;
  const xsVal = trailer.get('XRefStm');
  const xs = typeof xsVal === 'number' && xsVal > 0 && xsVal < buf.length ? xsVal : undefined;
  if (xs !== undefined) {
    const xsOff = offsetValue(xs, buf, '/XRefStm')!;
    if (xsOff === offset) throw tooComplex('xref /XRefStm points at its own table');
    section.hybrid = parseStream(buf, xsOff, ctx);
  }
  return section;
}

/** /Size: a non-negative integer, refused above the maximum object number + 1. */
function checkSize(size: unknown): void {
  if (size === undefined) return;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0)
    throw malformed(`trailer /Size ${String(size).slice(0, 20)} is not a non-negative integer`);
  if (size > LIMITS.maxObjectNumber + 1)
    throw tooComplex(`trailer /Size ${size} exceeds the maximum ${LIMITS.maxObjectNumber + 1}`);
}

function parseStream(buf: Buffer, offset: number, ctx: ReadContext): XrefSection {
  const p = new Parser(buf, offset);
  const obj = p.parseIndirect();
  if (!(obj.value instanceof PdfStream) || obj.value.dict.name('Type') !== 'XRef') {
    throw new SigningError('PDF_MALFORMED', `no xref at byte ${offset}`);
  }
  const dict = obj.value.dict;
  const w = dict.get('W');
  const size = dict.get('Size');
  if (!Array.isArray(w) || w.length < 3 || typeof size !== 'number') {
    throw new SigningError('PDF_MALFORMED', 'xref stream without /W or /Size');
  }
  checkSize(size);
  const widths = w.slice(0, 3).map((x) => boundedInt(x, 8));
  if (widths.some((x) => x === undefined))
    throw malformed(`xref stream /W must hold three integers 0..8`);
  const [w0, w1, w2] = widths as [number, number, number];
  const rowLen = w0 + w1 + w2;
  if (rowLen === 0) throw malformed('xref stream /W is all zeros');
  const idxVal = dict.get('Index');
  const index = idxVal === undefined ? [0, size] : idxVal;
  if (!Array.isArray(index) || index.length % 2 !== 0)
    throw malformed('xref stream /Index is not an array of pairs');
  let rows = 0;
  for (let s = 0; s < index.length; s += 2) {
    const start = boundedInt(index[s]);
    const count = boundedInt(index[s + 1]);
    if (start === undefined || count === undefined) {
      const bad = [index[s], index[s + 1]].find((x) => typeof x === 'number' && x > 0);
      if (bad !== undefined && Number.isFinite(bad))
        throw tooComplex('xref stream /Index too large');
      throw malformed('xref stream /Index holds a non-integer');
    }
    if (count > 0) checkObjectNumber(start + count - 1, 'xref stream object number');
    rows += count;
  }
  if (rows > LIMITS.maxObjectNumber + 1) throw tooComplex('xref stream /Index too large');
  // Enough data for the rows announced: checked against the compressed size first (a
  // deflated row is at least 1/1032 of its size), then against the decoded data.
  if (rows * rowLen > obj.value.data.length * 1032 + 1024 && dict.has('Filter'))
    throw malformed('xref stream /Index announces more rows than the stream can hold');
  ctx.entries.take(rows);
  const data = decodeStream(obj.value, ctx.inflate);
  if (rows * rowLen > data.length)
    throw malformed(
      `xref stream /Index needs ${rows * rowLen} bytes, the stream has ${data.length}`,
    );
  const entries = new Map<number, XrefEntry>();
  let pos = 0;
  const field = (width: number, def: number): number => {
    if (width === 0) return def;
    let v = 0;
    for (let k = 0; k < width; k++) v = v * 256 + data[pos++]!;
    return v;
  };
  for (let s = 0; s + 1 < index.length; s += 2) {
    const start = index[s] as number;
    const count = index[s + 1] as number;
    for (let i = 0; i < count; i++) {
      const type = field(w0, 1);
      const f2 = field(w1, 0);
      const f3 = field(w2, 0);
      const num = start + i;
      // The standard reads another type as the null object, but pdf.js and poppler take the
      // xref for broken and rebuild the file from its object headers, where a body the xref
      // never listed may win: what we would check is not what they show.
      if (type > 2) throw malformed(`xref stream row of unknown type ${type} (object ${num})`);
      if (entries.has(num)) continue;
      if (type === 1) entries.set(num, { type: 'offset', offset: f2, gen: f3 });
      else if (type === 2) entries.set(num, { type: 'compressed', stream: f2, index: f3 });
      else entries.set(num, FREE);
    }
  }
  const section: XrefSection = { offset, kind: 'stream', entries, trailer: dict };
  const prev = offsetValue(dict.get('Prev'), buf, '/Prev');
  if (prev !== undefined) section.prev = prev;
  return section;
}

/** Parses the xref section (table or stream) at `offset`. */
export function parseXrefSection(buf: Buffer, offset: number, budget?: InflateBudget): XrefSection {
  return parseSection(buf, offset, contextFor(buf, budget));
}

function parseSection(buf: Buffer, offset: number, ctx: ReadContext): XrefSection {
  let p = offset;
  while (
    p < buf.length &&
    (buf[p] === 0x20 || buf[p] === 0x0a || buf[p] === 0x0d || buf[p] === 0x09)
  )
    p++;
  if (buf.toString('latin1', p, p + 4) === 'xref') return parseTable(buf, p, ctx);
  try {
    return parseStream(buf, p, ctx);
  } catch (e) {
    if (e instanceof SigningError) throw e;
    throw new SigningError('PDF_MALFORMED', `no xref section at byte ${offset}`);
  }
}

/**
 * Sections already parsed, per buffer and offset: readers opened on the same bytes at several
 * revisions (verification opens one per revision) share them instead of re-parsing the chain,
 * which would be quadratic in the number of revisions.
 */
const parsedSections = new WeakMap<Buffer, Map<number, XrefSection>>();

/**
 * Reads the whole /Prev chain starting at `startxref`, newest first. `budget` is the file's
 * decompression allowance (a reader passes its own; otherwise one is made for this call).
 */
export function readXrefChain(
  buf: Buffer,
  startxref: number,
  budget?: InflateBudget,
): XrefSection[] {
  const ctx = contextFor(buf, budget);
  let known = parsedSections.get(buf);
  if (!known) {
    known = new Map();
    parsedSections.set(buf, known);
  }
  const sections: XrefSection[] = [];
  const seen = new Set<number>();
  let off: number | undefined = startxref;
  while (off !== undefined && !seen.has(off)) {
    if (!Number.isSafeInteger(off) || off <= 0 || off >= buf.length)
      throw new SigningError('PDF_MALFORMED', `xref /Prev ${off} out of range`);
    if (sections.length >= LIMITS.maxXrefSections)
      throw tooComplex(`more than ${LIMITS.maxXrefSections} cross-reference sections`);
    seen.add(off);
    let s = known.get(off);
    if (s) ctx.entries.take(s.entries.size + (s.hybrid?.entries.size ?? 0));
    else {
      s = parseSection(buf, off, ctx);
      known.set(off, s);
    }
    seen.add(s.offset);
    sections.push(s);
    off = s.prev;
  }
  return sections;
}

/**
 * The entries one section defines: a hybrid table's /XRefStm fills only the objects the table
 * does not list. An object the table marks free stays free, as pdf.js and MuPDF read it (poppler
 * takes the stream's entry instead: see hybridConflicts).
 */
export function sectionEntries(s: XrefSection): Map<number, XrefEntry> {
  if (!s.hybrid) return s.entries;
  const out = new Map(s.hybrid.entries);
  for (const [num, e] of s.entries) out.set(num, e);
  return out;
}

const sameEntry = (a: XrefEntry, b: XrefEntry): boolean =>
  a.type === 'free'
    ? b.type === 'free'
    : a.type === 'offset'
      ? b.type === 'offset' && a.offset === b.offset && a.gen === b.gen
      : b.type === 'compressed' && a.stream === b.stream && a.index === b.index;

/**
 * Objects that a hybrid section's table and its /XRefStm define differently (free in one, live
 * in the other, or at another place): readers disagree on which entry wins.
 */
export function hybridConflicts(s: XrefSection): number[] {
  const out: number[] = [];
  if (!s.hybrid) return out;
  for (const [num, e] of s.hybrid.entries) {
    const table = s.entries.get(num);
    if (table && !sameEntry(table, e)) out.push(num);
  }
  return out;
}

/** Merges sections (newest first) into a single object map; newer definitions win. */
export function mergeSections(sections: XrefSection[]): Map<number, XrefEntry> {
  const merged = new Map<number, XrefEntry>();
  for (const s of sections) {
    for (const [num, e] of sectionEntries(s)) if (!merged.has(num)) merged.set(num, e);
  }
  return merged;
}
