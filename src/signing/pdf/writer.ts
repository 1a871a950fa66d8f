import { createHash } from 'node:crypto';
import {
  PdfDict,
  PdfName,
  PdfRef,
  PdfStream,
  PdfString,
  serialize,
  type PdfValue,
} from './objects.js';
import { SigningError } from '../errors.js';
import { LIMITS, checkObjectNumber } from './limits.js';
import type { PdfReader } from './reader.js';

interface PendingObject {
  gen: number;
  value: PdfValue;
}

export interface BuiltUpdate {
  /** Bytes to append to the original file. */
  appended: Buffer;
  /** Offset of each written object inside `appended`. */
  objectOffsets: Map<number, number>;
}

/**
 * Collects new and changed objects and serializes them as one incremental update
 * (objects, then a classic xref table or an xref stream matching the file, then the trailer).
 */
export class IncrementalWriter {
  private readonly objects = new Map<number, PendingObject>();
  private nextNum: number;

  constructor(
    private readonly reader: PdfReader,
    private readonly original: Buffer,
  ) {
    this.nextNum = reader.size;
  }

  allocate(): PdfRef {
    // A file whose /Size is at the limit has no room: refuse rather than write what no reader
    // (ours included) would accept.
    checkObjectNumber(this.nextNum, 'new object number');
    return new PdfRef(this.nextNum++, 0);
  }

  /** Defines (or redefines) an object; existing objects keep their generation number. */
  set(ref: PdfRef | number, value: PdfValue): void {
    const num = typeof ref === 'number' ? ref : ref.num;
    const gen = num < this.reader.size ? this.reader.generationOf(num) : 0;
    // Rewriting an object keeps its generation: one no reader accepts is the input's fault.
    if (!Number.isSafeInteger(gen) || gen < 0 || gen > LIMITS.maxGeneration)
      throw new SigningError('PDF_MALFORMED', `object ${num} has generation ${gen}`);
    this.objects.set(num, { gen, value });
  }

  has(num: number): boolean {
    return this.objects.has(num);
  }

  get(num: number): PdfValue | undefined {
    return this.objects.get(num)?.value;
  }

  build(): BuiltUpdate {
    const base = this.original.length;
    const last = this.original[base - 1];
    const chunks: Buffer[] = [];
    let rel = 0;
    const push = (b: Buffer | string) => {
      const buf = typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
      chunks.push(buf);
      rel += buf.length;
    };
    if (last !== 0x0a && last !== 0x0d) push('\n');
    const useStream = this.reader.sections[0]!.kind === 'stream';
    const xrefRef = useStream ? this.allocate() : undefined;
    const objectOffsets = new Map<number, number>();
    const nums = [...this.objects.keys()].sort((a, b) => a - b);
    for (const num of nums) {
      const { gen, value } = this.objects.get(num)!;
      objectOffsets.set(num, rel);
      if (value instanceof PdfStream) {
        const d = value.dict.clone().set('Length', value.data.length);
        push(`${num} ${gen} obj\n${serialize(d)}\nstream\n`);
        push(value.data);
        push('\nendstream\nendobj\n');
      } else {
        push(`${num} ${gen} obj\n${serialize(value)}\nendobj\n`);
      }
    }
    const prevTrailer = this.reader.trailer;
    const size = Math.max(this.reader.size, this.nextNum);
    const trailer = new PdfDict();
    trailer.set('Size', size);
    for (const key of ['Root', 'Info']) {
      const v = prevTrailer.get(key);
      if (v !== undefined) trailer.set(key, v);
    }
    trailer.set('ID', this.documentId(prevTrailer.get('ID')));
    trailer.set('Prev', this.reader.startxref);
    const xrefOffset = rel;
    if (xrefRef) {
      objectOffsets.set(xrefRef.num, rel);
      const all = [...nums, xrefRef.num].sort((a, b) => a - b);
      const maxOff = base + rel;
      const offWidth = Math.max(4, Math.ceil(Math.log2(maxOff + 1) / 8));
      const rowLen = 1 + offWidth + 2;
      const data = Buffer.alloc(all.length * rowLen);
      all.forEach((num, i) => {
        const p = i * rowLen;
        data[p] = 1;
        data.writeUIntBE(base + objectOffsets.get(num)!, p + 1, offWidth);
        data.writeUInt16BE(num === xrefRef.num ? 0 : this.objects.get(num)!.gen, p + 1 + offWidth);
      });
      const d = new PdfDict([
        ['Type', new PdfName('XRef')],
        ...trailer.map,
        ['W', [1, offWidth, 2]],
        ['Index', runs(all).flatMap(([s, c]) => [s, c])],
        ['Length', data.length],
      ]);
      push(`${xrefRef.num} 0 obj\n${serialize(d)}\nstream\n`);
      push(data);
      push('\nendstream\nendobj\n');
    } else {
      let table = 'xref\n';
      for (const [start, count] of runs(nums)) {
        table += `${start} ${count}\n`;
        for (let n = start; n < start + count; n++) {
          const off = String(base + objectOffsets.get(n)!).padStart(10, '0');
          const gen = String(this.objects.get(n)!.gen).padStart(5, '0');
          table += `${off} ${gen} n\r\n`;
        }
      }
      push(table + `trailer\n${serialize(trailer)}\n`);
    }
    push(`startxref\n${base + xrefOffset}\n%%EOF\n`);
    return { appended: Buffer.concat(chunks), objectOffsets };
  }

  private documentId(prev: PdfValue | undefined): PdfValue {
    if (Array.isArray(prev) && prev.length === 2 && prev[0] instanceof PdfString) {
      return [prev[0], prev[1] instanceof PdfString ? prev[1] : prev[0]];
    }
    const h = createHash('md5')
      .update(this.original.subarray(0, Math.min(4096, this.original.length)))
      .update(String(this.original.length))
      .digest();
    const s = new PdfString(h, true);
    return [s, s];
  }
}

function runs(sorted: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const n of sorted) {
    const last = out[out.length - 1];
    if (last && last[0] + last[1] === n) last[1]++;
    else out.push([n, 1]);
  }
  return out;
}
