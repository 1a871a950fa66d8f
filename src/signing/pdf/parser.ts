import { SigningError } from '../errors.js';
import { LIMITS, checkObjectNumber, tooComplex } from './limits.js';
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, type PdfValue } from './objects.js';

const WHITESPACE = new Uint8Array(256);
for (const c of [0, 9, 10, 12, 13, 32]) WHITESPACE[c] = 1;
const DELIMITER = new Uint8Array(256);
for (const c of '()<>[]{}/%') DELIMITER[c.charCodeAt(0)] = 1;

export const isWhitespace = (c: number): boolean => WHITESPACE[c] === 1;
const isRegular = (c: number): boolean => WHITESPACE[c] !== 1 && DELIMITER[c] !== 1;

export interface IndirectObject {
  num: number;
  gen: number;
  value: PdfValue;
}

export type LengthResolver = (v: PdfValue) => number | undefined;

function malformed(msg: string, pos: number): SigningError {
  return new SigningError('PDF_MALFORMED', `${msg} at byte ${pos}`);
}

/** A small recursive-descent parser over a byte buffer; never copies the buffer. */
export class Parser {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    readonly end = buf.length,
  ) {}

  skipWhitespace(): void {
    const { buf, end } = this;
    while (this.pos < end) {
      const c = buf[this.pos]!;
      if (WHITESPACE[c] === 1) this.pos++;
      else if (c === 0x25) {
        while (this.pos < end && buf[this.pos] !== 0x0a && buf[this.pos] !== 0x0d) this.pos++;
      } else break;
    }
  }

  private readRegular(): string {
    const start = this.pos;
    while (this.pos < this.end && isRegular(this.buf[this.pos]!)) this.pos++;
    return this.buf.toString('latin1', start, this.pos);
  }

  /** Reads a bare keyword or number token (no delimiters). */
  readToken(): string {
    this.skipWhitespace();
    return this.readRegular();
  }

  readInt(): number {
    const t = this.readToken();
    if (!/^[+-]?\d+$/.test(t))
      throw malformed(`expected integer, got "${t.slice(0, 20)}"`, this.pos);
    const n = parseInt(t, 10);
    if (!Number.isSafeInteger(n)) throw tooComplex(`integer ${t.slice(0, 20)} is too large`);
    return n;
  }

  parseValue(depth = 0): PdfValue {
    if (depth > LIMITS.maxNestingDepth) throw tooComplex(`nesting too deep at byte ${this.pos}`);
    this.skipWhitespace();
    if (this.pos >= this.end) throw malformed('unexpected end of data', this.pos);
    const c = this.buf[this.pos]!;
    switch (c) {
      case 0x2f: // '/'
        return this.parseName();
      case 0x28: // '('
        return this.parseLiteralString();
      case 0x3c: // '<'
        if (this.buf[this.pos + 1] === 0x3c) return this.parseDict(depth);
        return this.parseHexString();
      case 0x5b: {
        // '['
        this.pos++;
        const arr: PdfValue[] = [];
        for (;;) {
          this.skipWhitespace();
          if (this.pos >= this.end) throw this.unterminated('array');
          if (this.buf[this.pos] === 0x5d) {
            this.pos++;
            return arr;
          }
          arr.push(this.parseValue(depth + 1));
        }
      }
      default:
        break;
    }
    const start = this.pos;
    const tok = this.readRegular();
    if (tok === '') throw malformed(`unexpected character 0x${c.toString(16)}`, start);
    if (tok === 'true') return true;
    if (tok === 'false') return false;
    if (tok === 'null') return null;
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(tok)) {
      if (/^\d+$/.test(tok)) {
        const save = this.pos;
        this.skipWhitespace();
        const gen = this.readRegular();
        if (/^\d+$/.test(gen)) {
          this.skipWhitespace();
          if (
            this.buf[this.pos] === 0x52 &&
            (this.pos + 1 >= this.end || !isRegular(this.buf[this.pos + 1]!))
          ) {
            this.pos++;
            const num = checkObjectNumber(parseInt(tok, 10), 'referenced object number');
            const g = parseInt(gen, 10);
            if (!(g <= LIMITS.maxGeneration))
              throw tooComplex(`generation ${gen.slice(0, 20)} exceeds the maximum`);
            return new PdfRef(num, g);
          }
        }
        this.pos = save;
      }
      const n = parseFloat(tok);
      if (!Number.isFinite(n)) throw malformed(`number ${tok.slice(0, 20)}… out of range`, start);
      return n;
    }
    throw malformed(`unexpected token "${tok.slice(0, 20)}"`, start);
  }

  private parseName(): PdfName {
    this.pos++;
    const raw = this.readRegular();
    if (!raw.includes('#')) return new PdfName(raw);
    const bytes: number[] = [];
    for (let i = 0; i < raw.length; i++) {
      if (raw[i] === '#' && /^[0-9a-fA-F]{2}$/.test(raw.slice(i + 1, i + 3))) {
        bytes.push(parseInt(raw.slice(i + 1, i + 3), 16));
        i += 2;
      } else bytes.push(raw.charCodeAt(i));
    }
    return new PdfName(Buffer.from(bytes).toString('latin1'));
  }

  private parseDict(depth: number): PdfDict {
    this.pos += 2;
    const d = new PdfDict();
    for (;;) {
      this.skipWhitespace();
      if (this.pos >= this.end) throw this.unterminated('dictionary');
      if (this.buf[this.pos] === 0x3e && this.buf[this.pos + 1] === 0x3e) {
        this.pos += 2;
        return d;
      }
      const key = this.parseValue(depth + 1);
      if (!(key instanceof PdfName)) throw malformed('dictionary key is not a name', this.pos);
      d.set(key.name, this.parseValue(depth + 1));
    }
  }

  /** Moves to the end (the bytes were scanned: the caller accounts for them) and fails. */
  private unterminated(what: string): SigningError {
    const at = this.pos;
    this.pos = this.end;
    return malformed(`unterminated ${what}`, at);
  }

  private parseHexString(): PdfString {
    const start = ++this.pos;
    const close = this.buf.subarray(start, this.end).indexOf(0x3e);
    if (close < 0) throw this.unterminated('hex string');
    this.pos = start + close + 1;
    let hex = this.buf.toString('latin1', start, start + close).replace(/[^0-9a-fA-F]/g, '');
    if (hex.length % 2 === 1) hex += '0';
    return new PdfString(Buffer.from(hex, 'hex'), true);
  }

  /** Two linear passes: find the closing parenthesis, then decode into a buffer of that size. */
  private parseLiteralString(): PdfString {
    const { buf, end } = this;
    const start = this.pos + 1;
    let i = start;
    let nesting = 1;
    for (; i < end; i++) {
      const c = buf[i]!;
      if (c === 0x5c) i++;
      else if (c === 0x28) nesting++;
      else if (c === 0x29 && --nesting === 0) break;
    }
    if (i >= end) throw this.unterminated('literal string');
    const close = i;
    const out = Buffer.allocUnsafe(close - start);
    let o = 0;
    i = start;
    while (i < close) {
      const c = buf[i]!;
      if (c !== 0x5c) {
        out[o++] = c;
        i++;
        continue;
      }
      const n = buf[i + 1]!;
      i += 2;
      switch (n) {
        case 0x6e:
          out[o++] = 0x0a;
          break;
        case 0x72:
          out[o++] = 0x0d;
          break;
        case 0x74:
          out[o++] = 0x09;
          break;
        case 0x62:
          out[o++] = 0x08;
          break;
        case 0x66:
          out[o++] = 0x0c;
          break;
        case 0x0d:
          if (i < close && buf[i] === 0x0a) i++;
          break;
        case 0x0a:
          break;
        default:
          if (n >= 0x30 && n <= 0x37) {
            let v = n - 0x30;
            for (let k = 0; k < 2 && i < close && buf[i]! >= 0x30 && buf[i]! <= 0x37; k++)
              v = v * 8 + (buf[i++]! - 0x30);
            out[o++] = v & 0xff;
          } else out[o++] = n;
      }
    }
    this.pos = close + 1;
    return new PdfString(Buffer.from(out.subarray(0, o)));
  }

  /**
   * Parses `num gen obj value [stream ... endstream]` at the current position.
   * `resolveLength` resolves an indirect /Length.
   */
  parseIndirect(resolveLength?: LengthResolver): IndirectObject {
    const at = this.pos;
    const num = checkObjectNumber(this.readInt());
    const gen = this.readInt();
    if (gen < 0 || gen > LIMITS.maxGeneration) throw malformed(`bad generation ${gen}`, at);
    if (this.readToken() !== 'obj') throw malformed(`expected "obj" for object ${num}`, at);
    const value = this.parseValue();
    if (!(value instanceof PdfDict)) return { num, gen, value };
    const save = this.pos;
    this.skipWhitespace();
    if (this.buf.toString('latin1', this.pos, this.pos + 6) !== 'stream') {
      this.pos = save;
      return { num, gen, value };
    }
    let start = this.pos + 6;
    if (this.buf[start] === 0x0d) start++;
    if (this.buf[start] === 0x0a) start++;
    let length: number | undefined;
    const lv = value.get('Length');
    if (typeof lv === 'number') length = lv;
    else if (lv !== undefined && resolveLength) length = resolveLength(lv);
    let dataEnd =
      length !== undefined && Number.isSafeInteger(length) && length >= 0 ? start + length : -1;
    if (dataEnd < 0 || dataEnd > this.end || !this.endstreamFollows(dataEnd)) {
      const idx = this.buf.subarray(0, this.end).indexOf('endstream', start, 'latin1');
      if (idx < 0) throw this.unterminated(`stream of object ${num} (no endstream)`);
      dataEnd = idx;
      if (this.buf[dataEnd - 1] === 0x0a) dataEnd--;
      if (this.buf[dataEnd - 1] === 0x0d) dataEnd--;
      if (dataEnd < start) dataEnd = start;
    }
    this.pos = this.buf.subarray(0, this.end).indexOf('endstream', dataEnd, 'latin1') + 9;
    return { num, gen, value: new PdfStream(value, this.buf.subarray(start, dataEnd)) };
  }

  private endstreamFollows(p: number): boolean {
    let i = p;
    while (i < this.end && i < p + 4 && isWhitespace(this.buf[i]!)) i++;
    return this.buf.toString('latin1', i, i + 9) === 'endstream';
  }
}
