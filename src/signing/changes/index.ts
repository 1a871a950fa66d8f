import { SigningError } from '../errors.js';
import { PdfDict, PdfRef, PdfStream, deepEqual, serialize, type PdfValue } from '../pdf/objects.js';
import { listFields } from '../pdf/document.js';
import { PdfReader } from '../pdf/reader.js';
import { revisionOf, type Revision } from '../pdf/revisions.js';
import { headerAt, headersIn, type ObjectHeader } from '../pdf/object-headers.js';
import { Parser } from '../pdf/parser.js';
import { sectionEntries, type XrefEntry, type XrefSection } from '../pdf/xref.js';
import {
  StateIndex,
  asDict,
  fieldInfo,
  isAnnotationLike,
  isVisible,
  isWidgetOrField,
  roleOf,
  type AnnotationRole,
} from './state.js';

export type ModificationKind =
  | 'signature'
  | 'annotation'
  | 'form'
  | 'form-fill'
  | 'dss'
  | 'page-annotations'
  | 'catalog'
  | 'new-object'
  | 'structure'
  | 'page-content'
  | 'page'
  | 'deleted'
  | 'metadata'
  | 'object';

/** What each kind of change is, for a person (the English `detail` stays for the JSON). */
export const CHANGE_LABELS: Record<ModificationKind, { vi: string; en: string }> = {
  signature: { vi: 'thêm chữ ký hoặc trường chữ ký', en: 'signature or signature field added' },
  annotation: { vi: 'thêm hoặc sửa chú thích (annotation)', en: 'annotation added or changed' },
  form: { vi: 'cập nhật biểu mẫu (AcroForm)', en: 'form (AcroForm) updated' },
  'form-fill': { vi: 'điền biểu mẫu', en: 'form filled in' },
  dss: { vi: 'thêm dữ liệu xác thực dài hạn (DSS)', en: 'validation data (DSS) added' },
  'page-annotations': {
    vi: 'cập nhật danh sách chú thích của trang',
    en: 'page annotation list updated',
  },
  catalog: { vi: 'sửa danh mục gốc của tài liệu', en: 'document catalog changed' },
  'new-object': { vi: 'thêm đối tượng mới (hình, phông chữ, dữ liệu)', en: 'new object added' },
  structure: { vi: 'cấu trúc tệp (bảng tham chiếu)', en: 'file structure (cross-reference)' },
  'page-content': { vi: 'SỬA NỘI DUNG TRANG', en: 'PAGE CONTENT CHANGED' },
  page: { vi: 'sửa trang hoặc cây trang', en: 'page or page tree changed' },
  deleted: { vi: 'xoá đối tượng', en: 'object deleted' },
  metadata: { vi: 'sửa thông tin mô tả (metadata)', en: 'metadata changed' },
  object: { vi: 'sửa đối tượng', en: 'object changed' },
};

/**
 * How much a change can alter, from harmless to never allowed:
 * - none: structure only (xref streams, unreferenced data);
 * - ltv: validation data (DSS) and document timestamps;
 * - metadata: the Info dictionary;
 * - signature: a new signature field or signature that shows nothing on the page;
 * - signature-visible: the same with a visible widget;
 * - form-fill: values and appearances of form fields;
 * - annotation: annotations added, changed or removed;
 * - forbidden: anything else (page content, resources, page tree, catalog, a signed field…).
 */
export type ChangeLevel =
  | 'none'
  | 'ltv'
  | 'metadata'
  | 'signature'
  | 'signature-visible'
  | 'form-fill'
  | 'annotation'
  | 'forbidden';

const MAX_LATER_SECTIONS = 100;

const ORDER: ChangeLevel[] = [
  'none',
  'ltv',
  'metadata',
  'signature',
  'signature-visible',
  'form-fill',
  'annotation',
  'forbidden',
];
/** Every level up to and including `level`, from the harmless end. */
export const levelsUpTo = (level: ChangeLevel): Set<ChangeLevel> =>
  new Set(ORDER.slice(0, ORDER.indexOf(level) + 1));

const worst = (levels: ChangeLevel[]): ChangeLevel =>
  levels.reduce<ChangeLevel>((a, b) => (ORDER.indexOf(b) > ORDER.indexOf(a) ? b : a), 'none');

export interface Change {
  /** 1-based revision that made the change. */
  revision: number;
  objectNumber: number;
  kind: ModificationKind;
  level: ChangeLevel;
  detail: string;
}

interface Judged {
  kind: ModificationKind;
  level: ChangeLevel;
  detail: string;
}

const CATALOG_KEYS: Record<string, ChangeLevel> = { DSS: 'ltv', Extensions: 'ltv' };
const ACROFORM_KEYS: Record<string, ChangeLevel> = {
  SigFlags: 'signature',
  DR: 'form-fill',
  DA: 'form-fill',
  NeedAppearances: 'form-fill',
};
const FORM_FILL_KEYS = new Set(['V', 'AS', 'AP', 'MK']);

function keysDiffer(a: PdfDict | undefined, b: PdfDict | undefined): string[] {
  const keys = new Set([...(a?.map.keys() ?? []), ...(b?.map.keys() ?? [])]);
  return [...keys].filter((k) => !deepEqual(a?.get(k), b?.get(k)));
}

/** Compares one revision's objects with the state before it. */
class RevisionJudge {
  constructor(
    readonly before: StateIndex,
    readonly after: PdfReader,
  ) {}

  /** An entry of an /Annots or /Fields array: a reference, or a direct object by its content. */
  private refKey(v: PdfValue): string {
    if (v instanceof PdfRef) return `${v.num} ${v.gen} R`;
    try {
      return serialize(v);
    } catch {
      // A direct stream has no inline form: a key of its own makes it count as changed.
      return `unserializable ${Math.random()}`;
    }
  }

  /**
   * An added annotation or field: a signature field, or another annotation. A signature widget
   * that shows something counts as a signature only when it carries a signature this revision
   * added: an empty visible "signature field" (or one pointing at an older signature) is an
   * overlay like any annotation (the sneaky signature attack).
   */
  private added(v: PdfValue, forField: boolean): ChangeLevel {
    const d = this.after.resolveDict(v);
    if (!d) return 'forbidden';
    const { type } = fieldInfo(this.after, d);
    if (type !== 'Sig' || !isWidgetOrField(d)) return 'annotation';
    // A field without a widget of its own shows through its kids, judged as annotations.
    if (forField && !d.has('Rect')) return 'signature';
    if (!isVisible(this.after, d)) return 'signature';
    return this.signedHere(d) ? 'signature-visible' : 'annotation';
  }

  private values?: Set<number>;

  /**
   * The signature dictionaries the verifier checks: the values of the form's signature fields. A
   * widget only on a page's /Annots, outside /Fields, points at a dictionary no one verifies.
   */
  private verifiedValues(): Set<number> {
    this.values ??= new Set(
      listFields(this.after)
        .filter((f) => f.type === 'Sig')
        .map((f) => f.dict.get('V'))
        .filter((v): v is PdfRef => v instanceof PdfRef)
        .map((v) => v.num),
    );
    return this.values;
  }

  /**
   * Whether a field's value (/V, up its /Parent chain) is a signature this revision added, one
   * of those the verifier checks.
   */
  private signedHere(d: PdfDict): boolean {
    let cur: PdfDict | undefined = d;
    for (let i = 0; cur && i < 32; i++) {
      const value = cur.get('V');
      if (value !== undefined) {
        if (!(value instanceof PdfRef)) return false;
        const type = this.after.resolveDict(value)?.name('Type');
        return (
          (type === 'Sig' || type === 'DocTimeStamp') &&
          !this.before.defines(value.num) &&
          this.verifiedValues().has(value.num)
        );
      }
      cur = this.after.resolveDict(cur.get('Parent'));
    }
    return false;
  }

  private removed(v: PdfValue): ChangeLevel {
    if (!(v instanceof PdfRef)) return 'annotation';
    const role = this.before.annotations.get(v.num);
    return role === 'sig-signed' || role === 'sig-empty' ? 'forbidden' : 'annotation';
  }

  /** A list of annotations (page /Annots) or fields (AcroForm /Fields) that changed. */
  list(oldV: PdfValue | undefined, newV: PdfValue | undefined, forField: boolean): ChangeLevel {
    const oldArr = this.before.reader.resolve(oldV);
    const newArr = this.after.resolve(newV);
    const o = Array.isArray(oldArr) ? oldArr : [];
    const n = Array.isArray(newArr) ? newArr : [];
    if (newArr !== undefined && newArr !== null && !Array.isArray(newArr)) return 'forbidden';
    const oldKeys = new Set(o.map((x) => this.refKey(x)));
    const newKeys = new Set(n.map((x) => this.refKey(x)));
    const levels: ChangeLevel[] = [];
    for (const x of o) if (!newKeys.has(this.refKey(x))) levels.push(this.removed(x));
    for (const x of n) if (!oldKeys.has(this.refKey(x))) levels.push(this.added(x, forField));
    return worst(levels);
  }

  acroForm(oldV: PdfValue | undefined, newV: PdfValue | undefined): Judged {
    const od = this.before.reader.resolveDict(oldV);
    const nd = this.after.resolveDict(newV);
    if (!nd && newV !== undefined)
      return { kind: 'form', level: 'forbidden', detail: 'AcroForm replaced' };
    const levels = keysDiffer(od, nd).map((k) =>
      k === 'Fields' ? this.list(od?.get('Fields'), nd?.get('Fields'), true) : ACROFORM_KEYS[k],
    );
    const bad = keysDiffer(od, nd).filter((k) => k !== 'Fields' && !ACROFORM_KEYS[k]);
    const level = worst(levels.map((l) => l ?? 'forbidden'));
    return {
      kind: 'form',
      level,
      detail: bad.length ? `AcroForm changed: ${bad.join(', ')}` : 'AcroForm updated',
    };
  }

  catalog(od: PdfDict, nd: PdfDict): Judged {
    const diff = keysDiffer(od, nd);
    const levels: ChangeLevel[] = [];
    const bad: string[] = [];
    for (const k of diff) {
      if (k === 'AcroForm') levels.push(this.acroForm(od.get(k), nd.get(k)).level);
      else if (CATALOG_KEYS[k]) levels.push(CATALOG_KEYS[k]);
      else bad.push(k);
    }
    if (bad.length)
      return { kind: 'catalog', level: 'forbidden', detail: `catalog changed: ${bad.join(', ')}` };
    return {
      kind: 'catalog',
      level: worst(levels),
      detail: 'catalog: form or DSS reference updated',
    };
  }

  page(od: PdfDict, nd: PdfDict): Judged {
    const diff = keysDiffer(od, nd);
    if (diff.includes('Contents'))
      return { kind: 'page-content', level: 'forbidden', detail: 'page content replaced' };
    const other = diff.filter((k) => k !== 'Annots');
    if (other.length)
      return { kind: 'page', level: 'forbidden', detail: `page changed: ${other.join(', ')}` };
    return {
      kind: 'page-annotations',
      level: this.list(od.get('Annots'), nd.get('Annots'), false),
      detail: 'page annotations list updated',
    };
  }

  annotation(role: AnnotationRole, od: PdfDict, nd: PdfDict): Judged {
    const diff = keysDiffer(od, nd);
    const detail = `annotation/field changed: ${diff.join(', ')}`;
    if (role === 'sig-signed') {
      const what = diff.includes('V')
        ? 'existing signature value replaced'
        : 'signed field changed';
      return { kind: 'annotation', level: 'forbidden', detail: `${what}: ${diff.join(', ')}` };
    }
    if (role === 'sig-empty') {
      const onlyValue = diff.every((k) => k === 'V' || k === 'AP' || k === 'Lock' || k === 'SV');
      const shows = diff.includes('AP') && isVisible(this.after, nd);
      // A new look is a signature's only with a signature this revision added.
      const level = !onlyValue
        ? 'annotation'
        : shows
          ? this.signedHere(nd)
            ? 'signature-visible'
            : 'annotation'
          : 'signature';
      return { kind: 'signature', level, detail: 'empty signature field signed' };
    }
    if (role === 'form' && diff.every((k) => FORM_FILL_KEYS.has(k)))
      return { kind: 'form-fill', level: 'form-fill', detail: 'form field filled' };
    return { kind: 'annotation', level: 'annotation', detail };
  }

  appearance(role: AnnotationRole): Judged {
    if (role === 'sig-signed')
      return { kind: 'annotation', level: 'forbidden', detail: 'signature appearance replaced' };
    if (role === 'form' || role === 'sig-empty')
      return { kind: 'form-fill', level: 'form-fill', detail: 'field appearance changed' };
    return { kind: 'annotation', level: 'annotation', detail: 'annotation appearance changed' };
  }

  changed(num: number, old: PdfValue, now: PdfValue): Judged {
    const b = this.before;
    const od = asDict(old);
    const nd = asDict(now);
    if (num === b.rootNum) {
      if (!od || !nd) return { kind: 'catalog', level: 'forbidden', detail: 'catalog replaced' };
      return this.catalog(od, nd);
    }
    if (b.pages.has(num)) {
      if (!od || !nd || old instanceof PdfStream || now instanceof PdfStream)
        return { kind: 'page', level: 'forbidden', detail: 'page replaced' };
      return this.page(od, nd);
    }
    if (b.pageNodes.has(num))
      return { kind: 'page', level: 'forbidden', detail: 'page tree changed' };
    if (b.contents.has(num))
      return { kind: 'page-content', level: 'forbidden', detail: 'page content stream changed' };
    if (b.shown().has(num))
      return { kind: 'page-content', level: 'forbidden', detail: 'object drawn on a page changed' };
    if (num === b.acroFormNum) return this.acroForm(old, now);
    if (num === b.fieldsNum)
      return { kind: 'form', level: this.list(old, now, true), detail: 'form fields updated' };
    if (b.annotsArrays.has(num))
      return {
        kind: 'page-annotations',
        level: this.list(old, now, false),
        detail: 'page annotations list updated',
      };
    const role = b.annotations.get(num);
    if (role && od && nd && !(old instanceof PdfStream)) return this.annotation(role, od, nd);
    if (b.fromCatalog().has(num))
      return {
        kind: 'catalog',
        level: 'forbidden',
        detail: 'object the catalog uses changed (actions, optional content, names, outlines…)',
      };
    if (isStructureStream(old))
      return { kind: 'structure', level: 'forbidden', detail: 'object or xref stream rewritten' };
    const usedBy = b.reachedFromAnnotations().get(num);
    if (usedBy) return this.appearance(usedBy);
    if (b.dssNums.has(num)) return { kind: 'dss', level: 'ltv', detail: 'DSS updated' };
    if (num === b.infoNum) return { kind: 'metadata', level: 'metadata', detail: 'Info changed' };
    if (num === b.metadataNum && old instanceof PdfStream && now instanceof PdfStream)
      return { kind: 'metadata', level: 'metadata', detail: 'XMP metadata changed' };
    return { kind: 'object', level: 'forbidden', detail: 'object changed' };
  }

  created(num: number, now: PdfValue): Judged {
    if (this.before.referencedButUndefined().has(num))
      return {
        kind: 'object',
        level: 'forbidden',
        detail: 'object referenced before signing but defined only after',
      };
    const d = asDict(now);
    const type = d?.name('Type');
    if (type === 'Sig')
      return { kind: 'signature', level: 'signature', detail: 'signature dictionary added' };
    if (type === 'DocTimeStamp')
      return { kind: 'signature', level: 'ltv', detail: 'document timestamp added' };
    if (type === 'XRef' || type === 'ObjStm')
      return { kind: 'structure', level: 'none', detail: `${type} added` };
    if (d && isAnnotationLike(d)) {
      const level = this.added(now, false);
      const what = d.name('Subtype') ?? d.name('FT') ?? 'field';
      return { kind: 'annotation', level, detail: `annotation/field added (${what})` };
    }
    return { kind: 'new-object', level: 'none', detail: 'new object (appearance, font or data)' };
  }
}

/** An object stream or xref stream: rewriting one changes every object read through it. */
const isStructureStream = (v: PdfValue | undefined): boolean =>
  v instanceof PdfStream && ['ObjStm', 'XRef'].includes(v.dict.name('Type') ?? '');

/**
 * The entries a section changes: those it lists, and every object that the state after it reads
 * from an object stream it redefines (rewriting a stream rewrites all it holds).
 */
function entriesChangedBy(section: XrefSection, after: PdfReader): Array<[number, XrefEntry]> {
  const listed = sectionEntries(section);
  const out = [...listed];
  for (const [num, entry] of after.entries)
    if (entry.type === 'compressed' && listed.has(entry.stream) && !listed.has(num))
      out.push([num, entry]);
  return out;
}

/**
 * Lists what each xref section newer than `signedSections` changed, judged against the state of
 * the document just before that section (so a later redefinition of an object another revision
 * added is still a change). `full.sections` is newest first; the last `signedSections` of them
 * are the signed revision's own.
 */
export function analyseChanges(
  buf: Buffer,
  full: PdfReader,
  revisions: Revision[],
  signedSections: number,
): Change[] {
  const out: Change[] = [];
  /** Byte extents of the objects later sections list (see unlistedObjects). */
  const listed: Array<[number, number]> = [];
  const later = full.sections.length - signedSections;
  // Each revision is judged against a fresh read of the state before it; real documents have a
  // handful of revisions after the first signature, a forged one may have thousands.
  if (later > MAX_LATER_SECTIONS)
    throw new SigningError('PDF_TOO_COMPLEX', `${later} xref sections after the signature`);
  for (let i = later - 1; i >= 0; i--) {
    const section = full.sections[i]!;
    const before = new StateIndex(new PdfReader(buf, full.sections[i + 1]!.offset));
    const after = new PdfReader(buf, section.offset);
    const judge = new RevisionJudge(before, after);
    const revision = revisionOf(revisions, section.offset);
    const push = (objectNumber: number, j: Judged) => out.push({ revision, objectNumber, ...j });
    for (const [num, entry] of entriesChangedBy(section, after)) {
      if (num === 0) continue;
      let header: ObjectHeader | undefined;
      if (entry.type === 'offset') {
        header = headerAt(buf, entry.offset);
        if (header?.num !== num || header.gen !== entry.gen) {
          push(num, REBUILT);
          continue;
        }
        listed.push([header.at, header.at + 1]);
      }
      let old: PdfValue | undefined;
      try {
        old = before.reader.getObject(num);
      } catch {
        push(num, { kind: 'object', level: 'forbidden', detail: 'unreadable object redefined' });
        continue;
      }
      if (entry.type === 'free') {
        if (old !== undefined)
          push(num, { kind: 'deleted', level: 'forbidden', detail: 'object deleted' });
        continue;
      }
      let now: PdfValue | undefined;
      try {
        // An object in an object stream is read as this revision reads that stream.
        now = entry.type === 'compressed' ? after.getObject(num) : full.loadEntry(num, entry);
        if (now === undefined) throw new Error('unreadable');
      } catch {
        push(num, { kind: 'object', level: 'forbidden', detail: 'unreadable object' });
        continue;
      }
      if (header) listed.push(extentOf(buf, header.at, now));
      if (old === undefined) push(num, judge.created(num, now));
      else if (!deepEqual(old, now)) push(num, judge.changed(num, old, now));
    }
  }
  out.push(...unlistedObjects(buf, full, revisions, later, listed));
  return out;
}

/**
 * An xref entry of a later revision that does not point exactly at its object (number and
 * generation): we would find the object nearby, but pdf.js, poppler and MuPDF rebuild the whole
 * file from its headers instead, and then show the last body of every object, including bodies
 * planted where no xref points.
 */
const REBUILT: Judged = {
  kind: 'structure',
  level: 'forbidden',
  detail: 'xref entry does not point at its object (viewers would rebuild the file)',
};

/** Where an object listed at `at` ends: past its stream's data, else where its value ends. */
function extentOf(buf: Buffer, at: number, value: PdfValue): [number, number] {
  if (value instanceof PdfStream && value.data.buffer === buf.buffer) {
    const end = value.data.byteOffset - buf.byteOffset + value.data.length;
    if (end > at) return [at, end];
  }
  const p = new Parser(buf, at);
  try {
    p.parseIndirect();
  } catch {
    return [at, at + 1];
  }
  return [at, Math.max(p.pos, at + 1)];
}

/** Sorted, merged extents, and whether an offset falls inside one (binary search). */
function extentSet(extents: Array<[number, number]>): (at: number) => boolean {
  const merged: Array<[number, number]> = [];
  for (const [a, b] of [...extents].sort((x, y) => x[0] - y[0])) {
    const last = merged.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  return (at) => {
    let lo = 0;
    let hi = merged.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [a, b] = merged[mid]!;
      if (at < a) hi = mid - 1;
      else if (at >= b) lo = mid + 1;
      else return true;
    }
    return false;
  };
}

/**
 * Object bodies written after the signed revision that no xref section lists: invisible to a
 * reader that follows the xref, shown by a viewer that rebuilds the file (the last body wins).
 * A header inside a listed object (its stream data, a string) is not taken for one.
 */
function unlistedObjects(
  buf: Buffer,
  full: PdfReader,
  revisions: Revision[],
  later: number,
  listed: Array<[number, number]>,
): Change[] {
  if (later === 0) return [];
  const newestSigned = full.sections[later]!;
  const from = revisions[revisionOf(revisions, newestSigned.offset) - 1]?.end ?? buf.length;
  const to = revisions.at(-1)?.end ?? buf.length;
  if (from >= to) return [];
  const extents = [...listed];
  for (const section of full.sections.slice(0, later))
    for (const xrefStream of [section.kind === 'stream' ? section : undefined, section.hybrid]) {
      if (!xrefStream) continue;
      const at = headerAt(buf, xrefStream.offset)?.at ?? xrefStream.offset;
      const p = new Parser(buf, at);
      try {
        p.parseIndirect((v) => {
          const r = v instanceof PdfRef ? full.resolve(v) : v;
          return typeof r === 'number' ? r : undefined;
        });
      } catch {
        // It was read as an xref section already; its header alone is listed then.
      }
      extents.push([at, Math.max(p.pos, at + 1)]);
    }
  const isListed = extentSet(extents);
  const out: Change[] = [];
  for (const h of headersIn(buf, from, to)) {
    if (isListed(h.at)) continue;
    out.push({
      revision: revisionOf(revisions, h.at),
      objectNumber: h.num,
      kind: 'structure',
      level: 'forbidden',
      detail:
        'object written after signing that no xref lists (viewers rebuilding the file show it)',
    });
    if (out.length >= 20) break;
  }
  return out;
}

export { roleOf };
