import { SigningError } from '../errors.js';

/** Minimal PDF object model: just what the incremental writer and the verifier need. */

export class PdfName {
  constructor(readonly name: string) {}
}

export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}

  toString(): string {
    return `${this.num} ${this.gen} R`;
  }
}

export class PdfString {
  constructor(
    readonly bytes: Buffer,
    readonly hex = false,
  ) {}

  /** Decodes a PDF text string (UTF-16BE with BOM, UTF-8 with BOM, else Latin-1/PDFDocEncoding). */
  toText(): string {
    const b = this.bytes;
    if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
      const swapped = Buffer.from(b.subarray(2));
      if (swapped.length % 2 === 1) swapped.writeUInt8(0, swapped.length - 1);
      swapped.swap16();
      return swapped.toString('utf16le');
    }
    if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) {
      return b.subarray(3).toString('utf8');
    }
    return b.toString('latin1');
  }
}

/** A raw, already-serialized token (used for fixed-width placeholders). */
export class PdfRaw {
  constructor(readonly text: string) {}
}

export class PdfDict {
  readonly map: Map<string, PdfValue>;

  constructor(entries?: Iterable<[string, PdfValue]>) {
    this.map = new Map(entries);
  }

  get(key: string): PdfValue | undefined {
    return this.map.get(key);
  }

  set(key: string, value: PdfValue): this {
    this.map.set(key, value);
    return this;
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  clone(): PdfDict {
    return new PdfDict(this.map);
  }

  /** Name value of a key, or undefined. */
  name(key: string): string | undefined {
    const v = this.map.get(key);
    return v instanceof PdfName ? v.name : undefined;
  }
}

export class PdfStream {
  constructor(
    readonly dict: PdfDict,
    /** Raw (still encoded) stream bytes. */
    readonly data: Buffer,
  ) {}
}

export type PdfValue =
  | number
  | boolean
  | null
  | PdfName
  | PdfRef
  | PdfString
  | PdfRaw
  | PdfDict
  | PdfStream
  | PdfValue[];

export const name = (n: string): PdfName => new PdfName(n);
export const ref = (num: number, gen = 0): PdfRef => new PdfRef(num, gen);
export const dict = (entries: Record<string, PdfValue | undefined>): PdfDict => {
  const d = new PdfDict();
  for (const [k, v] of Object.entries(entries)) if (v !== undefined) d.set(k, v);
  return d;
};

const REGULAR_NAME = /^[!-~]$/;

function serializeName(n: string): string {
  let out = '/';
  for (const ch of Buffer.from(n, 'latin1')) {
    const c = String.fromCharCode(ch);
    if (REGULAR_NAME.test(c) && !'()<>[]{}/%#'.includes(c)) out += c;
    else out += '#' + ch.toString(16).padStart(2, '0');
  }
  return out;
}

/** PDF number syntax; a value with no such syntax (NaN, Infinity, 1e21) is refused, never written. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n) || Math.abs(n) >= 1e15)
    throw new SigningError('APPEARANCE_INVALID', `${n} cannot be written as a PDF number`);
  if (Number.isInteger(n)) return String(n);
  const s = n.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

function serializeLiteral(bytes: Buffer): string {
  let out = '(';
  for (const b of bytes) {
    if (b === 0x28 || b === 0x29 || b === 0x5c) out += '\\' + String.fromCharCode(b);
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b < 0x20 || b > 0x7e) out += '\\' + b.toString(8).padStart(3, '0');
    else out += String.fromCharCode(b);
  }
  return out + ')';
}

/** Serializes a value to PDF syntax (latin1 string, one char per byte). Streams are not allowed here. */
export function serialize(v: PdfValue): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof PdfName) return serializeName(v.name);
  if (v instanceof PdfRef) return `${v.num} ${v.gen} R`;
  if (v instanceof PdfRaw) return v.text;
  if (v instanceof PdfString) {
    return v.hex ? `<${v.bytes.toString('hex')}>` : serializeLiteral(v.bytes);
  }
  if (Array.isArray(v)) return '[' + v.map(serialize).join(' ') + ']';
  if (v instanceof PdfDict) {
    let out = '<<';
    for (const [k, val] of v.map) out += serializeName(k) + ' ' + serialize(val);
    return out + '>>';
  }
  throw new Error('streams cannot be serialized inline');
}

/** A PDF text string: literal when printable ASCII, otherwise UTF-16BE with BOM (hex). */
export function textString(text: string): PdfString {
  if (/^[\x20-\x7e]*$/.test(text)) return new PdfString(Buffer.from(text, 'latin1'));
  const utf16 = Buffer.from('\ufeff' + text, 'utf16le');
  utf16.swap16();
  return new PdfString(utf16, true);
}

/** Structural equality, used to tell unchanged re-definitions from real changes. */
export function deepEqual(a: PdfValue | undefined, b: PdfValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof PdfName) return b instanceof PdfName && a.name === b.name;
  if (a instanceof PdfRef) return b instanceof PdfRef && a.num === b.num && a.gen === b.gen;
  if (a instanceof PdfString) return b instanceof PdfString && a.bytes.equals(b.bytes);
  if (a instanceof PdfRaw) return b instanceof PdfRaw && a.text === b.text;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (a instanceof PdfDict) {
    if (!(b instanceof PdfDict) || a.map.size !== b.map.size) return false;
    for (const [k, v] of a.map) if (!deepEqual(v, b.map.get(k))) return false;
    return true;
  }
  if (a instanceof PdfStream) {
    return b instanceof PdfStream && deepEqual(a.dict, b.dict) && a.data.equals(b.data);
  }
  return false;
}
