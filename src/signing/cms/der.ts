/** Tiny DER encoder/decoder: exact bytes in and out, no re-encoding of embedded structures. */
import { SigningError } from '../errors.js';

/** Bound on nested structures (indefinite lengths, constructed strings). */
const MAX_DEPTH = 64;

/** Every decoding failure: a typed error, never a RangeError or TypeError. */
function bad(detail: string): SigningError {
  return new SigningError('SIGNATURE_INVALID', `DER: ${detail}`);
}

/** A missing element (the structure has fewer children than the caller expects). */
function need(n: Node | undefined): Node {
  if (!n || typeof n.contentStart !== 'number') throw bad('missing element');
  return n;
}

export function encodeLength(len: number): Buffer {
  if (len < 0x80) return Buffer.from([len]);
  const bytes: number[] = [];
  for (let l = len; l > 0; l = Math.floor(l / 256)) bytes.unshift(l & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = content.length === 1 ? content[0]! : Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), encodeLength(body.length), body]);
}

export const seq = (...parts: Buffer[]): Buffer => tlv(0x30, ...parts);
/** SET OF in DER order: elements sorted by their encodings. */
export const setOf = (...parts: Buffer[]): Buffer => tlv(0x31, ...[...parts].sort(Buffer.compare));
export const octets = (b: Buffer): Buffer => tlv(0x04, b);
export const nullDer = (): Buffer => Buffer.from([0x05, 0x00]);
/** Context-specific constructed tag [n] (explicit, or implicit on a constructed type). */
export const ctx = (n: number, ...parts: Buffer[]): Buffer => tlv(0xa0 | n, ...parts);

/** An OBJECT IDENTIFIER; arcs as large as a UUID's (2.25.…, X.667) are exact (BigInt). */
export function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(BigInt);
  const bytes: number[] = [Number(parts[0]! * 40n + parts[1]!)];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [Number(p & 0x7fn)];
    for (let v = p >> 7n; v > 0n; v >>= 7n) chunk.unshift(Number(v & 0x7fn) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** INTEGER from a non-negative number or unsigned big-endian bytes. */
export function int(v: number | Buffer): Buffer {
  let b: Buffer;
  if (typeof v === 'number') {
    const bytes: number[] = [];
    for (let x = v; x > 0; x = Math.floor(x / 256)) bytes.unshift(x & 0xff);
    b = Buffer.from(bytes.length ? bytes : [0]);
  } else {
    let i = 0;
    while (i < v.length - 1 && v[i] === 0) i++;
    b = v.subarray(i);
  }
  if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

const pad2 = (n: number) => String(n).padStart(2, '0');

export function utcTime(d: Date): Buffer {
  const s = `${pad2(d.getUTCFullYear() % 100)}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}${pad2(d.getUTCSeconds())}Z`;
  return tlv(0x17, Buffer.from(s, 'latin1'));
}

export function generalizedTime(d: Date): Buffer {
  const s = `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}${pad2(d.getUTCSeconds())}Z`;
  return tlv(0x18, Buffer.from(s, 'latin1'));
}

export interface Node {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  contentStart: number;
  /** End of the content (before a BER end-of-contents marker). */
  contentEnd: number;
  end: number;
}

/** Reads the TLV at `pos`: DER, plus BER indefinite lengths as some signers (NSS) emit. */
export function readNode(buf: Buffer, pos: number, depth = 0): Node {
  if (!Number.isSafeInteger(pos) || pos < 0 || pos + 2 > buf.length) throw bad('truncated');
  if (depth > MAX_DEPTH) throw bad('nesting too deep');
  const tag = buf[pos]!;
  let len = buf[pos + 1]!;
  let p = pos + 2;
  if (len === 0x80) {
    if (!(tag & 0x20)) throw bad('indefinite length on a primitive');
    let q = p;
    for (;;) {
      if (q + 2 > buf.length) throw bad('truncated');
      if (buf[q] === 0 && buf[q + 1] === 0)
        return { tag, start: pos, contentStart: p, contentEnd: q, end: q + 2 };
      q = readNode(buf, q, depth + 1).end;
    }
  }
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n > 4) throw bad('unsupported length');
    if (p + n > buf.length) throw bad('truncated');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++]!;
  }
  if (p + len > buf.length) throw bad('truncated');
  return { tag, start: pos, contentStart: p, contentEnd: p + len, end: p + len };
}

export function children(buf: Buffer, node: Node | undefined): Node[] {
  const n = need(node);
  const out: Node[] = [];
  for (let p = n.contentStart; p < n.contentEnd;) {
    const c = readNode(buf, p);
    if (c.end > n.contentEnd) throw bad('element overruns its parent');
    out.push(c);
    p = c.end;
  }
  return out;
}

export const raw = (buf: Buffer, n: Node | undefined): Buffer => {
  const node = need(n);
  return buf.subarray(node.start, node.end);
};

/** Content octets; constructed (BER) strings are concatenated. */
export const content = (buf: Buffer, n: Node | undefined, depth = 0): Buffer => {
  const node = need(n);
  if ((node.tag === 0x24 || node.tag === 0x23) && node.contentEnd > node.contentStart) {
    if (depth > MAX_DEPTH) throw bad('constructed string nests too deep');
    return Buffer.concat(children(buf, node).map((c) => content(buf, c, depth + 1)));
  }
  return buf.subarray(node.contentStart, node.contentEnd);
};

export function decodeOid(buf: Buffer, n: Node | undefined): string {
  const b = content(buf, n);
  if (b.length > 256) throw bad('object identifier too long');
  const parts: number[] = [];
  let v = 0;
  for (const x of b) {
    v = v * 128 + (x & 0x7f);
    if (!(x & 0x80)) {
      if (parts.length === 0) parts.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

export function decodeTime(buf: Buffer, n: Node | undefined): Date {
  const node = need(n);
  const s = content(buf, node).toString('latin1');
  const re =
    node.tag === 0x17
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.(\d+))?Z$/
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.(\d+))?Z$/;
  const m = re.exec(s);
  if (!m) throw bad(`bad time ${s.slice(0, 40)}`);
  let y = +m[1]!;
  if (node.tag === 0x17) y += y < 50 ? 2000 : 1900;
  const ms = m[7] ? Math.round(+`0.${m[7]}` * 1000) : 0;
  const d = new Date(Date.UTC(y, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0), ms));
  if (Number.isNaN(d.getTime())) throw bad(`bad time ${s.slice(0, 40)}`);
  return d;
}
