/**
 * Decompression bombs in PDF uploads: every stream of the file is decoded (counted, not kept)
 * under the PDF reader's inflate budget (signing/pdf/limits.ts: per stream 100 times its
 * compressed size, always 64 kB, at most 256 MB; per file 100 times the file, always 4 MB, at
 * most 512 MB) before pdf.js, poppler or Tesseract ever sees the file. pdf.js inflates without a
 * limit into typed arrays, which the worker's heap limit does not count: a 1 MB file of one Flate
 * stream of spaces took 2.7 GB of the process.
 *
 * The streams are found as a viewer finds them when it rebuilds a broken file, every
 * `num gen obj` header in the bytes (not only those the cross-reference lists, which pdf.js may
 * ignore), plus any `stream` keyword outside them. A Flate or Brotli stream is decoded from its
 * start to the end of the file, so a wrong or indirect /Length cannot hide bytes the decoder
 * would read. An image is held to the raster it declares instead of the ratio (a mostly white
 * scan packs far beyond it), within the same caps. Image codecs (DCT, JPX, JBIG2, CCITT) are not
 * decoded: text extraction never
 * draws images, and the renderers that do (pdftoppm for OCR) run under prlimit
 * (child-limits.ts). Encrypted streams cannot be measured without the key: see
 * pdfInflationProblem.
 *
 *   pdfInflationProblem(bytes) → null when acceptable, else why not
 */
import type { Transform } from 'node:stream';
import { constants, createBrotliDecompress, createInflate } from 'node:zlib';
import { SigningError } from '../signing/errors.js';
import { InflateBudget, LIMITS, WorkBudget } from '../signing/pdf/limits.js';
import { scanObjectHeaders } from '../signing/pdf/object-headers.js';
import { PdfDict, PdfName, PdfStream, type PdfValue } from '../signing/pdf/objects.js';
import { Parser } from '../signing/pdf/parser.js';

export type PdfInflationProblem =
  /** A stream decodes past its share or the file past its budget. */
  | 'inflates_too_much'
  /** Finding the streams takes more parsing work than the file's size allows. */
  | 'too_complex';

class TooMuch extends Error {}

const CHUNK = 64 * 1024;

/** Bytes a streaming decoder yields from `data` (kept nowhere); TooMuch past `cap`. */
function countStreaming(decoder: Transform, data: Buffer, cap: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let count = 0;
    let settled = false;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve(count);
    };
    decoder.on('data', (chunk: Buffer) => {
      count += chunk.length;
      if (count > cap) {
        settle(new TooMuch());
        decoder.destroy();
      }
    });
    // A corrupt or truncated stream: pdf.js keeps what decoded before the fault, and so do we.
    decoder.on('error', () => settle());
    decoder.on('end', () => settle());
    decoder.on('close', () => settle());
    decoder.end(data);
  });
}

const inflater = () => createInflate({ chunkSize: CHUNK, finishFlush: constants.Z_SYNC_FLUSH });
const unbrotli = () => createBrotliDecompress({ chunkSize: CHUNK });

/** A growing output that refuses to pass `cap` bytes. */
class CappedOutput {
  buf = Buffer.alloc(CHUNK);
  length = 0;
  constructor(readonly cap: number) {}
  reserve(n: number): void {
    if (this.length + n > this.cap) throw new TooMuch();
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.min(this.cap, Math.max(2 * this.buf.length, this.length + n)));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }
  push(byte: number): void {
    this.reserve(1);
    this.buf[this.length++] = byte;
  }
  result(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

/** LZWDecode as pdf.js reads it (9 to 12 bit codes, /EarlyChange), output capped. */
function lzwDecode(data: Buffer, cap: number, earlyChange: number): Buffer {
  const prefix = new Int32Array(4096);
  const suffix = new Uint8Array(4096);
  const first = new Uint8Array(4096);
  const lengths = new Uint16Array(4096);
  for (let i = 0; i < 256; i++) {
    prefix[i] = -1;
    suffix[i] = first[i] = i;
    lengths[i] = 1;
  }
  const out = new CappedOutput(cap);
  let next = 258;
  let prev = -1;
  let bits = 0;
  let acc = 0;
  let pos = 0;
  for (;;) {
    const width =
      next + earlyChange >= 2048
        ? 12
        : next + earlyChange >= 1024
          ? 11
          : next + earlyChange >= 512
            ? 10
            : 9;
    while (bits < width && pos < data.length) {
      acc = ((acc << 8) | data[pos++]!) & 0xffffff;
      bits += 8;
    }
    if (bits < width) break;
    const code = (acc >>> (bits - width)) & ((1 << width) - 1);
    bits -= width;
    if (code === 256) {
      next = 258;
      prev = -1;
      continue;
    }
    if (code === 257) break;
    if (
      code > next ||
      (code === next && prev < 0) ||
      (code >= 258 && code < next && !lengths[code])
    )
      break;
    if (prev >= 0 && next < 4096) {
      prefix[next] = prev;
      suffix[next] = code === next ? first[prev]! : first[code]!;
      first[next] = first[prev]!;
      lengths[next] = lengths[prev]! + 1;
      next++;
    }
    const n = lengths[code]!;
    out.reserve(n);
    for (let c = code, i = out.length + n - 1; c >= 0; c = prefix[c]!, i--) out.buf[i] = suffix[c]!;
    out.length += n;
    prev = code;
  }
  return out.result();
}

/** RunLengthDecode: a run of up to 128 bytes per two, output capped. */
function runLengthDecode(data: Buffer, cap: number): Buffer {
  const out = new CappedOutput(cap);
  for (let i = 0; i < data.length;) {
    const n = data[i++]!;
    if (n === 128) break;
    if (n < 128) {
      for (let k = 0; k <= n && i < data.length; k++) out.push(data[i++]!);
    } else if (i < data.length) {
      const b = data[i++]!;
      for (let k = 0; k < 257 - n; k++) out.push(b);
    }
  }
  return out.result();
}

/** ASCIIHexDecode (shrinks: two characters a byte). */
function asciiHexDecode(data: Buffer): Buffer {
  const text = data.toString('latin1');
  const end = text.indexOf('>');
  const hex = (end < 0 ? text : text.slice(0, end)).replace(/[^0-9A-Fa-f]/g, '');
  return Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex');
}

/** ASCII85Decode (at most four bytes a character, with `z`). */
function ascii85Decode(data: Buffer): Buffer {
  const out: number[] = [];
  let group: number[] = [];
  for (const c of data) {
    if (c === 0x7e) break;
    if (c === 0x7a && group.length === 0) {
      out.push(0, 0, 0, 0);
      continue;
    }
    if (c < 0x21 || c > 0x75) continue;
    group.push(c - 0x21);
    if (group.length === 5) {
      const v = group.reduce((a, d) => a * 85 + d, 0);
      out.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
      group = [];
    }
  }
  if (group.length > 1) {
    const n = group.length - 1;
    while (group.length < 5) group.push(84);
    const v = group.reduce((a, d) => a * 85 + d, 0);
    out.push(...[(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].slice(0, n));
  }
  return Buffer.from(out);
}

/**
 * An image's decoded size as its dictionary declares it (what a renderer allocates, rows with
 * their PNG predictor byte), or undefined when the stream is not an image.
 */
function rasterSize(dict: PdfDict): number | undefined {
  const width = dict.get('Width');
  const height = dict.get('Height');
  if (typeof width !== 'number' || typeof height !== 'number') return undefined;
  if (!(width > 0 && height > 0)) return 0;
  const mask = dict.get('ImageMask') === true;
  const bpc = mask ? 1 : Math.min(16, Number(dict.get('BitsPerComponent') ?? 8) || 8);
  const space = dict.get('ColorSpace');
  const colors =
    mask || (space instanceof PdfName && ['DeviceGray', 'G', 'CalGray'].includes(space.name))
      ? 1
      : space instanceof PdfName && ['DeviceRGB', 'RGB', 'CalRGB'].includes(space.name)
        ? 3
        : 4;
  return (Math.ceil((width * colors * bpc) / 8) + 1) * height;
}

/**
 * A scan's page is an image, often mostly white, that Flate packs far beyond 100 to 1: images
 * are held to the size they declare (which is what renderers allocate), at most the per-stream
 * cap each and the per-file cap together, whatever the file's size; every other stream to the
 * ratio budget.
 */
class ImageBudget {
  remaining = LIMITS.maxInflatePerFile;
  forRaster(raster: number): Allowance {
    const share = Math.min(LIMITS.maxInflatePerStream, raster + 1024);
    return {
      limitFor: () => Math.max(0, Math.min(share, this.remaining)),
      spend: (bytes) => {
        this.remaining -= bytes;
      },
      exhausted: () => this.remaining < 0,
    };
  }
}

/** What one stream may decode to, and the file's budget it spends (InflateBudget's shape). */
interface Allowance {
  limitFor(inputLength: number): number;
  spend(bytes: number): void;
  exhausted(): boolean;
}

const ratioAllowance = (budget: InflateBudget): Allowance => ({
  limitFor: (n) => budget.limitFor(n),
  spend: (bytes) => budget.spend(bytes),
  exhausted: () => budget.remaining < 0,
});

interface Budgets {
  streams: InflateBudget;
  images: ImageBudget;
}

const asArray = (v: PdfValue | undefined): PdfValue[] =>
  v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];

/**
 * Decodes one stream's filters in turn, spending the file's budget on every expansion; the last
 * expanding step is only counted. `toEnd` is the file from the stream's first byte on.
 */
async function measureStream(
  dict: PdfDict | null,
  data: Buffer,
  toEnd: Buffer,
  budgets: Budgets,
): Promise<void> {
  const raster = dict ? rasterSize(dict) : undefined;
  const budget =
    raster === undefined ? ratioAllowance(budgets.streams) : budgets.images.forRaster(raster);
  const filters = dict ? asArray(dict.get('Filter')) : [new PdfName('FlateDecode')];
  const parms = dict ? asArray(dict.get('DecodeParms')) : [];
  let current = data;
  for (let i = 0; i < filters.length; i++) {
    const f = filters[i];
    const name = f instanceof PdfName ? f.name : '';
    const last = i === filters.length - 1;
    const cap = budget.limitFor(current.length);
    let produced: number;
    if (name === 'FlateDecode' || name === 'Fl' || name === 'BrotliDecode') {
      const decoder = name === 'BrotliDecode' ? unbrotli : inflater;
      if (last) {
        // From the stream's start to the end of the file: the decoder stops at its own end.
        produced = await countStreaming(decoder(), i === 0 ? toEnd : current, cap);
      } else {
        const chunks: Buffer[] = [];
        const d = decoder();
        d.on('data', (c: Buffer) => chunks.push(c));
        produced = await countStreaming(d, i === 0 ? toEnd : current, cap);
        current = Buffer.concat(chunks);
      }
    } else if (name === 'LZWDecode' || name === 'LZW') {
      const p = parms[i];
      const early = p instanceof PdfDict && p.get('EarlyChange') === 0 ? 0 : 1;
      current = lzwDecode(current, cap, early);
      produced = current.length;
    } else if (name === 'RunLengthDecode' || name === 'RL') {
      current = runLengthDecode(current, cap);
      produced = current.length;
    } else if (name === 'ASCIIHexDecode' || name === 'AHx') {
      current = asciiHexDecode(current);
      continue;
    } else if (name === 'ASCII85Decode' || name === 'A85') {
      current = ascii85Decode(current);
      continue;
    } else {
      // An image codec, Crypt or a filter pdf.js does not know: not decoded on the way to text.
      return;
    }
    budget.spend(produced);
    if (budget.exhausted()) throw new TooMuch();
  }
}

/**
 * Null when every stream of the PDF decodes within the inflate budget, else the problem. Pure
 * (no database), and asynchronous only to count output in chunks: it runs in the file check
 * worker before pdf.js. An encrypted file's streams are measured as they are stored (ciphertext
 * does not inflate): the text tasks refuse to hand such a file to pdf.js (isEncryptedPdf).
 */
export async function pdfInflationProblem(bytes: Buffer): Promise<PdfInflationProblem | null> {
  const budgets: Budgets = { streams: new InflateBudget(bytes.length), images: new ImageBudget() };
  const work = new WorkBudget(bytes.length);
  const measured = new Set<number>();
  try {
    for (const header of scanObjectHeaders(bytes)) {
      // Only a dictionary can head a stream: other objects are not parsed at all.
      if (!dictionaryFollows(bytes, header.at, work)) continue;
      const parser = new Parser(bytes, header.at);
      let value: PdfValue;
      try {
        value = parser.parseIndirect().value;
      } catch (err) {
        if (err instanceof SigningError && err.code === 'PDF_TOO_COMPLEX') throw err;
        continue;
      } finally {
        work.spend(parser.pos - header.at);
      }
      if (!(value instanceof PdfStream)) continue;
      const start = value.data.byteOffset - bytes.byteOffset;
      if (measured.has(start)) continue;
      measured.add(start);
      await measureStream(value.dict, value.data, bytes.subarray(start), budgets);
    }
    // A `stream` keyword no header leads to (pdf.js's recovery may still find its object): read
    // as Flate, the filter a bomb would use.
    for (let i = bytes.indexOf('stream', 0, 'latin1'); i >= 0;) {
      let start = i + 6;
      if (bytes[start] === 0x0d) start++;
      if (bytes[start] === 0x0a) start++;
      const isKeyword = bytes[i - 1] !== 0x64; // not the tail of `endstream`
      if (isKeyword && start > i + 6 && !measured.has(start)) {
        measured.add(start);
        const end = bytes.indexOf('endstream', start, 'latin1');
        const data = bytes.subarray(start, end < 0 ? bytes.length : end);
        await measureStream(null, data, bytes.subarray(start), budgets);
      }
      i = bytes.indexOf('stream', i + 6, 'latin1');
    }
  } catch (err) {
    if (err instanceof TooMuch) return 'inflates_too_much';
    if (err instanceof SigningError && err.code === 'PDF_TOO_COMPLEX') return 'too_complex';
    throw err;
  }
  return null;
}

/** Whether `<<` is the first thing after the `obj` keyword of the header at `at`. */
function dictionaryFollows(bytes: Buffer, at: number, work: WorkBudget): boolean {
  const obj = bytes.indexOf('obj', at, 'latin1');
  if (obj < 0 || obj - at > 32) return false;
  const p = new Parser(bytes, obj + 3);
  p.skipWhitespace();
  work.spend(p.pos - obj);
  return bytes[p.pos] === 0x3c && bytes[p.pos + 1] === 0x3c;
}

/** Whether the file says it is encrypted (an /Encrypt entry in a trailer or xref stream). */
export function isEncryptedPdf(bytes: Buffer): boolean {
  for (
    let i = bytes.indexOf('/Encrypt', 0, 'latin1');
    i >= 0;
    i = bytes.indexOf('/Encrypt', i + 8, 'latin1')
  ) {
    // `/Encrypt` followed by a delimiter or a digit, not `/EncryptMetadata`.
    if (!/[A-Za-z]/.test(String.fromCharCode(bytes[i + 8] ?? 0x20))) return true;
  }
  return false;
}
