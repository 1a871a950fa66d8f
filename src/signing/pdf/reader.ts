import { SigningError } from '../errors.js';
import { decodeStream } from './filters.js';
import {
  InflateBudget,
  LIMITS,
  WorkBudget,
  boundedInt,
  checkObjectNumber,
  malformed,
  tooComplex,
} from './limits.js';
import { PdfDict, PdfRef, PdfStream, type PdfValue } from './objects.js';
import { headersOf } from './object-headers.js';
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
  /** The object number at each index, as the stream's header lists them. */
  nums: number[];
  /** Where each index's object starts, from /First. */
  offsets: number[];
}

export interface PageInfo {
  ref: PdfRef;
  dict: PdfDict;
  /** Inherited-aware MediaBox [llx lly urx ury]. */
  mediaBox: [number, number, number, number];
}

/** Buffers whose object headers were indexed (the scan is paid from one reader's budget). */
const indexedHeaders = new WeakSet<Buffer>();

/**
 * Decoded object streams per file buffer, keyed by where the stream's data lies: verification
 * opens a reader per revision, and each would otherwise inflate the same streams again.
 */
const decodedObjStms = new WeakMap<Buffer, Map<string, ObjStm>>();

interface PageLeaf {
  ref: PdfRef;
  dict: PdfDict;
  mediaBox: PdfValue | undefined;
}

/**
 * Random-access PDF reader: reads the xref chain, then only the objects asked for.
 * Objects inside object streams are found by decompressing just that stream.
 *
 * Hostile input is bounded (see limits.ts): decompression has a per-file budget, parsing a
 * per-file work budget, object loading a depth and cycle guard, and every failure is a
 * SigningError.
 */
export class PdfReader {
  readonly sections: XrefSection[];
  readonly entries: Map<number, XrefEntry>;
  readonly trailer: PdfDict;
  /** The decompression allowance of this file, shared by every stream read through it. */
  readonly inflateBudget: InflateBudget;
  private readonly work: WorkBudget;
  private readonly cache = new Map<number, PdfValue>();
  /** Objects that failed to load: the failure is remembered, not recomputed. */
  private readonly failed = new Map<number, SigningError>();
  private readonly objStms = new Map<number, ObjStm>();
  /** Objects whose loading is in progress (a /Length or object stream that needs itself). */
  private readonly loading = new Set<number>();
  private pages?: PageLeaf[];
  /** The end of the revision this reader reads (its startxref's `%%EOF`). */
  private readonly viewEnd: number;
  private sizeValue?: number;

  constructor(
    readonly buf: Buffer,
    readonly startxref: number = findStartXref(buf),
  ) {
    this.inflateBudget = new InflateBudget(buf.length);
    this.work = new WorkBudget(buf.length);
    try {
      this.sections = readXrefChain(buf, startxref, this.inflateBudget);
    } catch (e) {
      throw asTyped(e);
    }
    this.entries = mergeSections(this.sections);
    this.trailer = this.sections[0]!.trailer;
    const eof = buf.indexOf('%%EOF', startxref, 'latin1');
    this.viewEnd = eof < 0 ? buf.length : eof + 5;
  }

  get isEncrypted(): boolean {
    return this.sections.some((s) => s.trailer.has('Encrypt'));
  }

  /** Largest object number + 1 according to the newest trailer (or the object map). */
  get size(): number {
    if (this.sizeValue !== undefined) return this.sizeValue;
    const s = this.trailer.get('Size');
    let max = boundedInt(s, LIMITS.maxObjectNumber + 1) ?? 0;
    for (const n of this.entries.keys()) if (n + 1 > max) max = n + 1;
    this.sizeValue = max;
    return max;
  }

  generationOf(num: number): number {
    const e = this.entries.get(num);
    return e?.type === 'offset' ? e.gen : 0;
  }

  /** Loads object `num` (undefined when free or absent). */
  getObject(num: number): PdfValue | undefined {
    if (this.cache.has(num)) return this.cache.get(num);
    const failure = this.failed.get(num);
    if (failure) throw failure;
    const e = this.entries.get(num);
    if (!e || e.type === 'free') return undefined;
    if (this.loading.has(num))
      throw tooComplex(
        `object ${num} refers to itself while being read (cyclic /Length or object stream)`,
      );
    if (this.loading.size >= LIMITS.maxLoadDepth)
      throw tooComplex(`objects nest more than ${LIMITS.maxLoadDepth} deep while being read`);
    this.loading.add(num);
    let value: PdfValue;
    try {
      value = this.loadEntry(num, e);
    } catch (err) {
      const typed = asTyped(err);
      // A cycle seen from inside is only a cycle for this path: do not remember it as a
      // property of the object (the outermost caller gets the error anyway).
      if (typed.code !== 'PDF_TOO_COMPLEX' || this.loading.size === 1) this.failed.set(num, typed);
      throw typed;
    } finally {
      this.loading.delete(num);
    }
    this.cache.set(num, value);
    return value;
  }

  /** Parses with the reader's work budget: bytes scanned are counted even when parsing fails. */
  private parse<T>(buf: Buffer, pos: number, end: number, f: (p: Parser) => T): T {
    const p = new Parser(buf, pos, end);
    try {
      return f(p);
    } finally {
      this.work.spend(p.pos - pos);
    }
  }

  /** Loads the object that a given xref entry points to (used to read older revisions). */
  loadEntry(num: number, e: XrefEntry): PdfValue {
    try {
      return this.loadEntryUnsafe(num, e);
    } catch (err) {
      throw asTyped(err);
    }
  }

  private loadEntryUnsafe(num: number, e: XrefEntry): PdfValue {
    if (e.type === 'free') return null;
    if (e.type === 'offset') {
      if (!Number.isSafeInteger(e.offset) || e.offset <= 0 || e.offset >= this.buf.length) {
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
        const o = this.parse(this.buf, offset, this.buf.length, (p) =>
          p.parseIndirect(resolveLength),
        );
        return o.num === num ? o : undefined;
      };
      let obj: ReturnType<typeof parseAt>;
      try {
        obj = parseAt(e.offset);
      } catch (err) {
        // Limits and cycles are final; a syntax error may be an offset that is slightly off.
        if (err instanceof SigningError && err.code === 'PDF_TOO_COMPLEX') throw err;
        obj = undefined;
      }
      // Some producers write offsets that are off by a few bytes. A viewer then rebuilds the
      // file from its object headers, the last body of each object winning: read that same
      // body (the last one before the end of this reader's revision), not the nearest one,
      // which a forger could plant for us while viewers show another.
      if (!obj && e.gen <= LIMITS.maxGeneration) {
        if (!indexedHeaders.has(this.buf)) this.work.spend(this.buf.length);
        indexedHeaders.add(this.buf);
        const last = headersOf(this.buf, num)
          .filter((h) => h.gen === e.gen && h.at < this.viewEnd)
          .at(-1);
        if (last) obj = parseAt(last.at);
      }
      if (!obj) {
        throw new SigningError(
          'PDF_MALFORMED',
          `xref offset for object ${num} does not point at it`,
        );
      }
      return obj.value;
    }
    // The entry's index names the object, as poppler reads it: looking the number up instead
    // (keeping its first or last copy) is what MuPDF and pdf.js do, and a stream listing a
    // number twice shows each of them another object (see changes/shadow-copies.ts).
    const stm = this.getObjStm(e.stream);
    if (stm.nums[e.index] !== num)
      throw malformed(
        stm.nums[e.index] === undefined
          ? `object stream ${e.stream} has no index ${e.index} (object ${num})`
          : `object stream ${e.stream} holds object ${stm.nums[e.index]} at index ${e.index}, not object ${num}`,
      );
    return this.parse(stm.data, stm.first + stm.offsets[e.index]!, stm.data.length, (p) =>
      p.parseValue(),
    );
  }

  /**
   * The object numbers an object stream lists, index by index, reading the stream where `entry`
   * puts it (an older revision's copy of it, say).
   */
  objectStreamNumbers(num: number, entry: XrefEntry): number[] {
    if (entry.type !== 'offset') throw malformed(`object stream ${num} is not a plain object`);
    try {
      return this.decodeObjStm(num, this.loadEntry(num, entry)).nums;
    } catch (err) {
      throw asTyped(err);
    }
  }

  private getObjStm(num: number): ObjStm {
    const cached = this.objStms.get(num);
    if (cached) return cached;
    checkObjectNumber(num, 'object stream number');
    const entry = this.entries.get(num);
    if (entry?.type === 'compressed')
      throw malformed(`object stream ${num} is itself inside an object stream`);
    const stm = this.decodeObjStm(num, this.getObject(num));
    this.objStms.set(num, stm);
    return stm;
  }

  /** Decodes object stream `num` and reads its header (shared by readers of the same bytes). */
  private decodeObjStm(num: number, s: PdfValue | undefined): ObjStm {
    if (!(s instanceof PdfStream))
      throw new SigningError('PDF_MALFORMED', `object stream ${num} not found`);
    const n = s.dict.get('N');
    const first = s.dict.get('First');
    if (typeof n !== 'number' || typeof first !== 'number') {
      throw new SigningError('PDF_MALFORMED', `object stream ${num} lacks /N or /First`);
    }
    if (boundedInt(n, LIMITS.maxObjectNumber + 1) === undefined)
      throw n > 0
        ? tooComplex(`object stream ${num} /N ${n} is too large`)
        : malformed(`object stream ${num} /N ${n} is invalid`);
    if (boundedInt(first) === undefined)
      throw malformed(`object stream ${num} /First ${first} is invalid`);
    // Each "number offset" pair takes at least four bytes of the header.
    if (n > 0 && 4 * n - 1 > first)
      throw malformed(`object stream ${num} /N ${n} does not fit in /First ${first}`);
    // Readers of the same bytes at other revisions decoded this very stream already.
    const key = `${s.data.byteOffset - this.buf.byteOffset}:${s.data.length}:${n}:${first}`;
    let shared = decodedObjStms.get(this.buf);
    const known = shared?.get(key);
    if (known) return known;
    const data = decodeStream(s, this.inflateBudget);
    if (first > data.length)
      throw malformed(`object stream ${num} /First ${first} is beyond its ${data.length} bytes`);
    const nums: number[] = [];
    const offsets: number[] = [];
    this.parse(data, 0, first, (p) => {
      for (let i = 0; i < n; i++) {
        const objNum = checkObjectNumber(p.readInt(), 'object number in object stream');
        const off = p.readInt();
        if (off < 0 || first + off >= data.length)
          throw malformed(`object stream ${num}: offset ${off} of object ${objNum} is outside it`);
        nums.push(objNum);
        offsets.push(off);
      }
    });
    const stm = { data, first, nums, offsets };
    if (!shared) {
      shared = new Map();
      decodedObjStms.set(this.buf, shared);
    }
    shared.set(key, stm);
    return stm;
  }

  /** Follows references; a chain longer than the limit (or a cycle) is refused. */
  resolve(v: PdfValue | undefined): PdfValue | undefined {
    let cur = v;
    for (let i = 0; cur instanceof PdfRef; i++) {
      if (i >= LIMITS.maxRefChain)
        throw tooComplex(`reference chain from ${String(v)} is cyclic or too long`);
      cur = this.getObject(cur.num);
    }
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

  /** Number of pages actually in the page tree (a /Count that lies is not believed). */
  pageCount(): number {
    return this.pageLeaves().length;
  }

  /**
   * The page tree flattened once, in order: linear in its size, whatever /Count says. A node
   * met twice (a cycle or a shared subtree) is refused, as are trees too deep or too large.
   */
  private pageLeaves(): PageLeaf[] {
    if (this.pages) return this.pages;
    const out: PageLeaf[] = [];
    const root = this.catalog().get('Pages');
    const visited = new Set<number>();
    const visit = (node: PdfValue | undefined, inherited: PdfValue | undefined, depth: number) => {
      if (!(node instanceof PdfRef)) return;
      if (depth > LIMITS.maxPageTreeDepth)
        throw tooComplex(`page tree deeper than ${LIMITS.maxPageTreeDepth}`);
      if (visited.has(node.num)) throw tooComplex(`page tree is cyclic (object ${node.num})`);
      visited.add(node.num);
      const d = this.resolveDict(node);
      if (!d) return;
      const mediaBox = d.has('MediaBox') ? this.resolve(d.get('MediaBox')) : inherited;
      if (d.name('Type') === 'Page' || !d.has('Kids')) {
        if (out.length >= LIMITS.maxPages) throw tooComplex(`more than ${LIMITS.maxPages} pages`);
        out.push({ ref: node, dict: d, mediaBox });
        return;
      }
      const kids = this.resolve(d.get('Kids'));
      if (!Array.isArray(kids)) return;
      for (const kid of kids) visit(kid, mediaBox, depth + 1);
    };
    visit(root, undefined, 0);
    this.pages = out;
    return out;
  }

  /** The 1-based page `pageNo`. */
  getPage(pageNo: number): PageInfo {
    const leaves = this.pageLeaves();
    const leaf = Number.isInteger(pageNo) && pageNo >= 1 ? leaves[pageNo - 1] : undefined;
    if (!leaf) throw new SigningError('PAGE_NOT_FOUND', `page ${pageNo} does not exist`);
    const mb = leaf.mediaBox;
    const box =
      Array.isArray(mb) && mb.length === 4
        ? mb.map((x) => Number(this.resolve(x)))
        : [0, 0, 612, 792];
    return { ref: leaf.ref, dict: leaf.dict, mediaBox: box as [number, number, number, number] };
  }
}

/** Anything thrown while reading becomes a SigningError (a stack overflow is too complex). */
function asTyped(e: unknown): SigningError {
  if (e instanceof SigningError) return e;
  if (e instanceof RangeError && /call stack/i.test(e.message))
    return tooComplex('structure nests too deep');
  return malformed(e instanceof Error ? e.message : String(e));
}
