import { SigningError } from '../errors.js';
import { decodeStream } from './filters.js';
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

/** Finds the offset given by the last `startxref`, checking the file is complete. */
export function findStartXref(buf: Buffer): number {
  const head = buf.subarray(0, Math.min(buf.length, 1024)).indexOf('%PDF-', 0, 'latin1');
  if (head < 0) throw new SigningError('PDF_MALFORMED', 'not a PDF file (no %PDF- header)');
  const tailStart = Math.max(0, buf.length - 2048);
  const eof = buf.lastIndexOf('%%EOF', buf.length, 'latin1');
  if (eof < tailStart)
    throw new SigningError('PDF_TRUNCATED', 'PDF file is truncated (no final %%EOF)');
  const sx = buf.lastIndexOf('startxref', eof, 'latin1');
  if (sx < 0 || eof - sx > 64)
    throw new SigningError('PDF_TRUNCATED', 'PDF file is truncated (no startxref)');
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

function parseTable(buf: Buffer, offset: number): XrefSection {
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
    for (let i = 0; i < count; i++) {
      p.skipWhitespace();
      let pos = p.pos;
      let off = 0;
      while (buf[pos]! >= 0x30 && buf[pos]! <= 0x39) off = off * 10 + buf[pos++]! - 0x30;
      while (buf[pos] === 0x20) pos++;
      let gen = 0;
      while (buf[pos]! >= 0x30 && buf[pos]! <= 0x39) gen = gen * 10 + buf[pos++]! - 0x30;
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
  const prev = trailer.get('Prev');
  const section: XrefSection = { offset, kind: 'table', entries, trailer };
  if (typeof prev === 'number') section.prev = prev;
  const xs = trailer.get('XRefStm');
  if (typeof xs === 'number' && xs > 0 && xs < buf.length) section.hybrid = parseStream(buf, xs);
  return section;
}

function parseStream(buf: Buffer, offset: number): XrefSection {
  const p = new Parser(buf, offset);
  const obj = p.parseIndirect();
  if (!(obj.value instanceof PdfStream) || obj.value.dict.name('Type') !== 'XRef') {
    throw new SigningError('PDF_MALFORMED', `no xref at byte ${offset}`);
  }
  const dict = obj.value.dict;
  const data = decodeStream(obj.value);
  const w = dict.get('W');
  const size = dict.get('Size');
  if (!Array.isArray(w) || w.length < 3 || typeof size !== 'number') {
    throw new SigningError('PDF_MALFORMED', 'xref stream without /W or /Size');
  }
  const [w0, w1, w2] = w as number[];
  const rowLen = w0! + w1! + w2!;
  const idxVal = dict.get('Index');
  const index = Array.isArray(idxVal) ? (idxVal as number[]) : [0, size];
  const entries = new Map<number, XrefEntry>();
  let pos = 0;
  const field = (width: number, def: number): number => {
    if (width === 0) return def;
    let v = 0;
    for (let k = 0; k < width; k++) v = v * 256 + data[pos++]!;
    return v;
  };
  for (let s = 0; s + 1 < index.length; s += 2) {
    const start = index[s]!;
    const count = index[s + 1]!;
    for (let i = 0; i < count; i++) {
      if (pos + rowLen > data.length) break;
      const type = field(w0!, 1);
      const f2 = field(w1!, 0);
      const f3 = field(w2!, 0);
      const num = start + i;
      if (entries.has(num)) continue;
      if (type === 1) entries.set(num, { type: 'offset', offset: f2, gen: f3 });
      else if (type === 2) entries.set(num, { type: 'compressed', stream: f2, index: f3 });
      else if (type === 0) entries.set(num, FREE);
    }
  }
  const section: XrefSection = { offset, kind: 'stream', entries, trailer: dict };
  const prev = dict.get('Prev');
  if (typeof prev === 'number') section.prev = prev;
  return section;
}

/** Parses the xref section (table or stream) at `offset`. */
export function parseXrefSection(buf: Buffer, offset: number): XrefSection {
  let p = offset;
  while (
    p < buf.length &&
    (buf[p] === 0x20 || buf[p] === 0x0a || buf[p] === 0x0d || buf[p] === 0x09)
  )
    p++;
  if (buf.toString('latin1', p, p + 4) === 'xref') return parseTable(buf, p);
  try {
    return parseStream(buf, p);
  } catch (e) {
    if (e instanceof SigningError) throw e;
    throw new SigningError('PDF_MALFORMED', `no xref section at byte ${offset}`);
  }
}

/** Reads the whole /Prev chain starting at `startxref`, newest first. */
export function readXrefChain(buf: Buffer, startxref: number): XrefSection[] {
  const sections: XrefSection[] = [];
  const seen = new Set<number>();
  let off: number | undefined = startxref;
  while (off !== undefined && !seen.has(off)) {
    if (off <= 0 || off >= buf.length)
      throw new SigningError('PDF_MALFORMED', `xref /Prev ${off} out of range`);
    seen.add(off);
    const s = parseXrefSection(buf, off);
    sections.push(s);
    off = s.prev;
  }
  return sections;
}

/** The entries one section defines (a hybrid table's /XRefStm fills the table's gaps). */
export function sectionEntries(s: XrefSection): Map<number, XrefEntry> {
  if (!s.hybrid) return s.entries;
  const out = new Map(s.entries);
  for (const [num, e] of s.hybrid.entries) {
    const cur = out.get(num);
    if (cur === undefined || (cur.type === 'free' && e.type !== 'free')) out.set(num, e);
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
