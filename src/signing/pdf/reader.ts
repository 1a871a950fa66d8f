import { SigningError } from '../errors.js';
import { decodeStream } from './filters.js';
import { PdfDict, PdfRef, PdfStream, type PdfValue } from './objects.js';
import { Parser } from './parser.js';
import {
  findStartXref,
  mergeSections,
  readXrefChain,
  type XrefEntry,
  type XrefSection,
} from './xref.js';

interface ObjStm {
  data: Buffer;
  first: number;
  offsets: Map<number, number>;
}

export interface PageInfo {
  ref: PdfRef;
  dict: PdfDict;
  /** Inherited-aware MediaBox [llx lly urx ury]. */
  mediaBox: [number, number, number, number];
}

/**
 * Random-access PDF reader: reads the xref chain, then only the objects asked for.
 * Objects inside object streams are found by decompressing just that stream.
 */
export class PdfReader {
  readonly sections: XrefSection[];
  readonly entries: Map<number, XrefEntry>;
  readonly trailer: PdfDict;
  private readonly cache = new Map<number, PdfValue>();
  private readonly objStms = new Map<number, ObjStm>();

  constructor(
    readonly buf: Buffer,
    readonly startxref: number = findStartXref(buf),
  ) {
    this.sections = readXrefChain(buf, startxref);
    this.entries = mergeSections(this.sections);
    this.trailer = this.sections[0]!.trailer;
  }

  get isEncrypted(): boolean {
    return this.sections.some((s) => s.trailer.has('Encrypt'));
  }

  /** Largest object number + 1 according to the newest trailer (or the object map). */
  get size(): number {
    const s = this.trailer.get('Size');
    let max = typeof s === 'number' ? s : 0;
    for (const n of this.entries.keys()) if (n + 1 > max) max = n + 1;
    return max;
  }

  generationOf(num: number): number {
    const e = this.entries.get(num);
    return e?.type === 'offset' ? e.gen : 0;
  }

  /** Loads object `num` (undefined when free or absent). */
  getObject(num: number): PdfValue | undefined {
    if (this.cache.has(num)) return this.cache.get(num);
    const e = this.entries.get(num);
    if (!e || e.type === 'free') return undefined;
    const value = this.loadEntry(num, e);
    this.cache.set(num, value);
    return value;
  }

  /** Loads the object that a given xref entry points to (used to read older revisions). */
  loadEntry(num: number, e: XrefEntry): PdfValue {
    if (e.type === 'free') return null;
    if (e.type === 'offset') {
      if (e.offset <= 0 || e.offset >= this.buf.length) {
        throw new SigningError(
          'PDF_MALFORMED',
          `object ${num} offset ${e.offset} is outside the file`,
        );
      }
      const resolveLength = (v: PdfValue) => {
        const r = v instanceof PdfRef ? this.getObject(v.num) : v;
        return typeof r === 'number' ? r : undefined;
      };
      const parseAt = (offset: number) => {
        const o = new Parser(this.buf, offset).parseIndirect(resolveLength);
        return o.num === num ? o : undefined;
      };
      let obj: ReturnType<typeof parseAt>;
      try {
        obj = parseAt(e.offset);
      } catch {
        obj = undefined;
      }
      // Some producers write offsets that are off by a few bytes: look nearby before giving up.
      if (!obj) {
        const from = Math.max(0, e.offset - 1024);
        const near = this.buf.subarray(from, Math.min(this.buf.length, e.offset + 1024));
        const m = new RegExp(`(^|[^0-9])${num}\\s+${e.gen}\\s+obj`).exec(near.toString('latin1'));
        if (m) obj = parseAt(from + m.index + m[1]!.length);
      }
      if (!obj) {
        throw new SigningError(
          'PDF_MALFORMED',
          `xref offset for object ${num} does not point at it`,
        );
      }
      return obj.value;
    }
    const stm = this.getObjStm(e.stream);
    const off = stm.offsets.get(num);
    if (off === undefined)
      throw new SigningError(
        'PDF_MALFORMED',
        `object ${num} missing from object stream ${e.stream}`,
      );
    return new Parser(stm.data, stm.first + off).parseValue();
  }

  private getObjStm(num: number): ObjStm {
    const cached = this.objStms.get(num);
    if (cached) return cached;
    const s = this.getObject(num);
    if (!(s instanceof PdfStream))
      throw new SigningError('PDF_MALFORMED', `object stream ${num} not found`);
    const data = decodeStream(s);
    const n = s.dict.get('N');
    const first = s.dict.get('First');
    if (typeof n !== 'number' || typeof first !== 'number') {
      throw new SigningError('PDF_MALFORMED', `object stream ${num} lacks /N or /First`);
    }
    const p = new Parser(data, 0, first);
    const offsets = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const objNum = p.readInt();
      offsets.set(objNum, p.readInt());
    }
    const stm = { data, first, offsets };
    this.objStms.set(num, stm);
    return stm;
  }

  resolve(v: PdfValue | undefined): PdfValue | undefined {
    let cur = v;
    for (let i = 0; i < 32 && cur instanceof PdfRef; i++) cur = this.getObject(cur.num);
    return cur;
  }

  resolveDict(v: PdfValue | undefined): PdfDict | undefined {
    const r = this.resolve(v);
    if (r instanceof PdfDict) return r;
    if (r instanceof PdfStream) return r.dict;
    return undefined;
  }

  get rootRef(): PdfRef {
    const r = this.trailer.get('Root');
    if (!(r instanceof PdfRef))
      throw new SigningError('PDF_MALFORMED', 'trailer has no /Root reference');
    return r;
  }

  catalog(): PdfDict {
    const c = this.resolveDict(this.rootRef);
    if (!c) throw new SigningError('PDF_MALFORMED', 'document catalog not found');
    return c;
  }

  pageCount(): number {
    const pages = this.resolveDict(this.catalog().get('Pages'));
    const count = pages?.get('Count');
    return typeof count === 'number' ? count : 0;
  }

  /** Walks the page tree to the 1-based page `pageNo`. */
  getPage(pageNo: number): PageInfo {
    let node = this.catalog().get('Pages');
    let remaining = pageNo - 1;
    let mediaBox: PdfValue | undefined;
    for (let depth = 0; depth < 64; depth++) {
      if (!(node instanceof PdfRef)) break;
      const d = this.resolveDict(node);
      if (!d) break;
      if (d.has('MediaBox')) mediaBox = this.resolve(d.get('MediaBox'));
      if (d.name('Type') === 'Page' || !d.has('Kids')) {
        if (remaining !== 0) break;
        const box =
          Array.isArray(mediaBox) && mediaBox.length === 4
            ? mediaBox.map((x) => Number(this.resolve(x)))
            : [0, 0, 612, 792];
        return { ref: node, dict: d, mediaBox: box as [number, number, number, number] };
      }
      const kids = this.resolve(d.get('Kids'));
      if (!Array.isArray(kids)) break;
      let next: PdfValue | undefined;
      for (const kid of kids) {
        const kd = this.resolveDict(kid);
        if (!kd) continue;
        const isLeaf = kd.name('Type') === 'Page' || !kd.has('Kids');
        const c = isLeaf ? 1 : Number(this.resolve(kd.get('Count')) ?? 0);
        if (remaining < c) {
          next = kid;
          break;
        }
        remaining -= c;
      }
      node = next;
    }
    throw new SigningError('PAGE_NOT_FOUND', `page ${pageNo} does not exist`);
  }
}
