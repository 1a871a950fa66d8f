/**
 * PDFs written object by object, for attacks that need full control over object numbers, object
 * streams and the kind of each xref section: what a forger who drafts the file writes by hand.
 */
import { deflateSync } from 'node:zlib';
import { PdfReader } from '../../../../src/signing/pdf/reader.js';
import { findStartXref } from '../../../../src/signing/pdf/xref.js';

export const HELVETICA = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';

/** A stream object's body. */
export const rawStream = (content: string, extra = ''): string =>
  `<< /Length ${Buffer.byteLength(content, 'latin1')} ${extra}>>\nstream\n${content}\nendstream`;

/** A whole PDF with a classic xref table, from object bodies by number. */
export function rawPdf(objects: Record<number, string>, trailer: string): Buffer {
  let text = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';
  const offsets = new Map<number, number>();
  for (const [n, body] of Object.entries(objects)) {
    offsets.set(Number(n), Buffer.byteLength(text, 'latin1'));
    text += `${n} 0 obj\n${body}\nendobj\n`;
  }
  const size = Math.max(...offsets.keys()) + 1;
  const xref = Buffer.byteLength(text, 'latin1');
  text += `xref\n0 ${size}\n0000000000 65535 f\r\n`;
  for (let i = 1; i < size; i++) {
    const o = offsets.get(i);
    text +=
      o === undefined ? '0000000000 00001 f\r\n' : `${String(o).padStart(10, '0')} 00000 n\r\n`;
  }
  text += `trailer\n<< /Size ${size} ${trailer} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(text, 'latin1');
}

/** An object stream holding the given objects in this order. */
export function objectStream(objects: Array<[number, string]>): string {
  let header = '';
  let body = '';
  for (const [n, s] of objects) {
    header += `${n} ${body.length} `;
    body += `${s}\n`;
  }
  header = `${header.trimEnd()}\n`;
  return rawStream(header + body, `/Type /ObjStm /N ${objects.length} /First ${header.length} `);
}

/**
 * An xref entry: [type, field 2, field 3] as in an xref stream (0 = free, 1 = offset, 2 =
 * compressed; any other type is a forger's).
 */
export type RawEntry = [type: number, f2: number, f3: number];

/** The entry an object has in the newest state of `reader`, as an xref stream row. */
export function rawEntryOf(reader: PdfReader, num: number): RawEntry {
  const e = reader.entries.get(num);
  if (e?.type === 'offset') return [1, e.offset, e.gen];
  if (e?.type === 'compressed') return [2, e.stream, e.index];
  return [0, 0, 0];
}

/** Xref stream rows for `entries`, and their /Index. */
function xrefRows(entries: Map<number, RawEntry>): { data: Buffer; index: number[] } {
  const index: number[] = [];
  const rows: Buffer[] = [];
  for (const n of [...entries.keys()].sort((a, b) => a - b)) {
    const [type, f2, f3] = entries.get(n)!;
    const row = Buffer.alloc(7);
    row[0] = type;
    row.writeUInt32BE(f2, 1);
    row.writeUInt16BE(f3, 5);
    rows.push(row);
    index.push(n, 1);
  }
  return { data: deflateSync(Buffer.concat(rows)), index };
}

/** A classic table line for one entry (free or offset). */
function tableLine(n: number, [type, f2, f3]: RawEntry): string {
  if (type !== 0 && type !== 1) throw new Error('a table holds free and offset entries only');
  const kind = type === 0 ? 'f' : 'n';
  return `${n} 1\n${String(f2).padStart(10, '0')} ${String(f3).padStart(5, '0')} ${kind}\r\n`;
}

export interface RawUpdate {
  /** Object bodies written in this update. */
  objects?: Record<number, string>;
  /** Entries that point at objects without writing them (e.g. into an object stream). */
  entries?: Record<number, RawEntry>;
  /** The trailer's entries other than /Size and /Prev (default: the current /Root). */
  trailer?: string;
  /** An xref stream (default) or a classic table (which cannot express compressed entries). */
  kind?: 'stream' | 'table';
}

/** Appends an incremental update written by hand. */
export function appendUpdate(pdf: Buffer, u: RawUpdate): Buffer {
  const reader = new PdfReader(pdf);
  const prev = findStartXref(pdf);
  let text = pdf[pdf.length - 1] === 0x0a ? '' : '\n';
  const entries = new Map<number, RawEntry>();
  for (const [n, e] of Object.entries(u.entries ?? {})) entries.set(Number(n), e);
  for (const [n, body] of Object.entries(u.objects ?? {})) {
    entries.set(Number(n), [1, pdf.length + Buffer.byteLength(text, 'latin1'), 0]);
    text += `${n} 0 obj\n${body}\nendobj\n`;
  }
  let size = Math.max(reader.size, ...[...entries.keys()].map((n) => n + 1));
  const root = u.trailer ?? `/Root ${reader.rootRef.num} 0 R`;
  const at = pdf.length + Buffer.byteLength(text, 'latin1');
  const nums = () => [...entries.keys()].sort((a, b) => a - b);
  if ((u.kind ?? 'stream') === 'table') {
    text += 'xref\n';
    for (const n of nums()) {
      const [type, f2, f3] = entries.get(n)!;
      text += tableLine(n, type === 0 ? [0, 0, 1] : [type, f2, f3]);
    }
    text += `trailer\n<< /Size ${size} ${root} /Prev ${prev} >>\nstartxref\n${at}\n%%EOF\n`;
    return Buffer.concat([pdf, Buffer.from(text, 'latin1')]);
  }
  const self = size++;
  entries.set(self, [1, at, 0]);
  const { data, index } = xrefRows(entries);
  text += `${self} 0 obj\n<< /Type /XRef /Size ${size} /W [1 4 2] /Index [${index.join(' ')}] /Filter /FlateDecode /Length ${data.length} ${root} /Prev ${prev} >>\nstream\n${data.toString('latin1')}\nendstream\nendobj\n`;
  text += `startxref\n${at}\n%%EOF\n`;
  return Buffer.concat([pdf, Buffer.from(text, 'latin1')]);
}

export interface HybridUpdate {
  /** Object bodies written in this update, listed in its xref stream only (hidden objects). */
  objects?: Record<number, string>;
  /** The classic table's entries (free and offset only). */
  table?: Record<number, RawEntry>;
  /** The /XRefStm stream's entries. */
  stream?: Record<number, RawEntry>;
}

/**
 * Appends a hybrid-reference update: a classic table whose trailer points with /XRefStm at an
 * xref stream written just before it.
 */
export function appendHybridUpdate(pdf: Buffer, u: HybridUpdate): Buffer {
  const reader = new PdfReader(pdf);
  let text = pdf[pdf.length - 1] === 0x0a ? '' : '\n';
  const stream = new Map(Object.entries(u.stream ?? {}).map(([n, e]) => [Number(n), e]));
  for (const [n, body] of Object.entries(u.objects ?? {})) {
    stream.set(Number(n), [1, pdf.length + Buffer.byteLength(text, 'latin1'), 0]);
    text += `${n} 0 obj\n${body}\nendobj\n`;
  }
  const self = Math.max(reader.size, ...[...stream.keys()].map((n) => n + 1));
  const { data, index } = xrefRows(stream);
  const stmAt = pdf.length + Buffer.byteLength(text, 'latin1');
  text += `${self} 0 obj\n<< /Type /XRef /Size ${self + 1} /W [1 4 2] /Index [${index.join(' ')}] /Filter /FlateDecode /Length ${data.length} >>\nstream\n${data.toString('latin1')}\nendstream\nendobj\n`;
  const at = pdf.length + Buffer.byteLength(text, 'latin1');
  text += 'xref\n';
  for (const [n, e] of Object.entries(u.table ?? {})) text += tableLine(Number(n), e);
  text += `trailer\n<< /Size ${self + 1} /Root ${reader.rootRef.num} 0 R /Prev ${findStartXref(pdf)} /XRefStm ${stmAt} >>\nstartxref\n${at}\n%%EOF\n`;
  return Buffer.concat([pdf, Buffer.from(text, 'latin1')]);
}
