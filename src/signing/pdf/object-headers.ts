import { LIMITS } from './limits.js';

/**
 * The `num gen obj` headers written in a file's bytes, found as a viewer finds them when it
 * rebuilds a file whose cross-reference is wrong: pdf.js, poppler and MuPDF then scan every byte
 * for headers and keep, for each object, the last body written. A verifier that reads a file
 * otherwise than they do can be shown one document while they show another.
 */
export interface ObjectHeader {
  num: number;
  gen: number;
  /** Offset of the first digit of `num`. */
  at: number;
}

const isWhite = (c: number | undefined) =>
  c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;
const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;
/** What may follow `obj` for it to be the keyword (not `objective`, not `obj2`). */
const endsKeyword = (c: number | undefined) =>
  c === undefined ||
  isWhite(c) ||
  c === 0x3c ||
  c === 0x5b ||
  c === 0x2f ||
  c === 0x25 ||
  c === 0x28;

const MAX_DIGITS = 10;

/** Reads the decimal digits ending just before `end` (at most MAX_DIGITS), backwards. */
function digitsBefore(buf: Buffer, end: number, from: number): { start: number; value: number } {
  let p = end;
  while (p > from && isDigit(buf[p - 1]) && end - p < MAX_DIGITS + 1) p--;
  let value = 0;
  for (let i = p; i < end; i++) value = value * 10 + buf[i]! - 0x30;
  return { start: p, value };
}

/**
 * Every object header whose first digit lies in [from, to), in file order. Linear: each `obj`
 * looks back only over the white space and digits since the previous one.
 */
export function scanObjectHeaders(buf: Buffer, from = 0, to = buf.length): ObjectHeader[] {
  const out: ObjectHeader[] = [];
  let lowest = from;
  for (
    let i = buf.indexOf('obj', from, 'latin1');
    i >= 0;
    i = buf.indexOf('obj', i + 3, 'latin1')
  ) {
    if (!endsKeyword(buf[i + 3])) continue;
    let p = i;
    const wsEnd = p;
    while (p > lowest && isWhite(buf[p - 1])) p--;
    if (p === wsEnd) continue;
    const gen = digitsBefore(buf, p, lowest);
    if (gen.start === p) continue;
    p = gen.start;
    const ws2 = p;
    while (p > lowest && isWhite(buf[p - 1])) p--;
    if (p === ws2) continue;
    const num = digitsBefore(buf, p, lowest);
    if (num.start === p || isDigit(buf[num.start - 1])) continue;
    lowest = i + 3;
    if (num.start >= to) break;
    if (num.value > LIMITS.maxObjectNumber || gen.value > LIMITS.maxGeneration) continue;
    out.push({ num: num.value, gen: gen.value, at: num.start });
  }
  return out;
}

interface HeaderIndex {
  /** Every header of the file, in file order. */
  all: ObjectHeader[];
  byNum: Map<number, ObjectHeader[]>;
}

const indexes = new WeakMap<Buffer, HeaderIndex>();

/** The file's headers, scanned once per buffer and shared by every check that needs them. */
function indexOfHeaders(buf: Buffer): HeaderIndex {
  let index = indexes.get(buf);
  if (!index) {
    index = { all: scanObjectHeaders(buf), byNum: new Map() };
    for (const h of index.all) {
      const list = index.byNum.get(h.num);
      if (list) list.push(h);
      else index.byNum.set(h.num, [h]);
    }
    indexes.set(buf, index);
  }
  return index;
}

/** The headers of object `num` anywhere in `buf`, in file order (the file is scanned once). */
export function headersOf(buf: Buffer, num: number): ObjectHeader[] {
  return indexOfHeaders(buf).byNum.get(num) ?? [];
}

/** The headers whose first digit lies in [from, to), in file order (from the same scan). */
export function headersIn(buf: Buffer, from: number, to: number): ObjectHeader[] {
  const { all } = indexOfHeaders(buf);
  const firstAt = (offset: number) => {
    let lo = 0;
    let hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (all[mid]!.at < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return all.slice(firstAt(from), firstAt(to));
}

/**
 * The header a viewer reads at an xref offset: white space and comments skipped, then
 * `num gen obj`. Undefined when something else is there (a viewer would rebuild the file).
 */
export function headerAt(buf: Buffer, offset: number): ObjectHeader | undefined {
  let p = offset;
  for (;;) {
    while (p < buf.length && isWhite(buf[p])) p++;
    if (buf[p] !== 0x25) break;
    while (p < buf.length && buf[p] !== 0x0a && buf[p] !== 0x0d) p++;
  }
  const at = p;
  const readNumber = () => {
    const start = p;
    let value = 0;
    while (p < buf.length && isDigit(buf[p]) && p - start <= MAX_DIGITS)
      value = value * 10 + buf[p++]! - 0x30;
    return p === start ? undefined : value;
  };
  const num = readNumber();
  if (num === undefined || !isWhite(buf[p])) return undefined;
  while (isWhite(buf[p])) p++;
  const gen = readNumber();
  if (gen === undefined || !isWhite(buf[p])) return undefined;
  while (isWhite(buf[p])) p++;
  // `obj`
  if (buf[p] !== 0x6f || buf[p + 1] !== 0x62 || buf[p + 2] !== 0x6a || !endsKeyword(buf[p + 3]))
    return undefined;
  return { num, gen, at };
}
