import { SigningError } from '../errors.js';
import { listFields } from '../pdf/document.js';
import { PdfDict, PdfRef, PdfStream, type PdfValue } from '../pdf/objects.js';
import type { PdfReader } from '../pdf/reader.js';

/** What an annotation (or field) is, for the rules of what may change after signing. */
export type AnnotationRole = 'sig-signed' | 'sig-empty' | 'form' | 'other';

const MAX_NODES = 1_000_000;
const STRICTNESS: AnnotationRole[] = ['sig-signed', 'sig-empty', 'form', 'other'];
const MAX_PARENT_DEPTH = 32;
/** Catalog keys whose objects have rules of their own (see StateIndex.fromCatalog). */
const CATALOG_KEYS_WITH_RULES = new Set(['Type', 'Pages', 'AcroForm', 'DSS', 'Metadata']);

export function asDict(v: PdfValue | undefined): PdfDict | undefined {
  if (v instanceof PdfDict) return v;
  if (v instanceof PdfStream) return v.dict;
  return undefined;
}

/** Field type and whether a value is set, looking up the /Parent chain (bounded). */
export function fieldInfo(
  reader: PdfReader,
  d: PdfDict,
): { type?: string; hasValue: boolean; isField: boolean } {
  let cur: PdfDict | undefined = d;
  let type: string | undefined;
  let hasValue = false;
  let isField = false;
  for (let i = 0; cur && i < MAX_PARENT_DEPTH; i++) {
    if (cur.has('FT') || cur.has('T')) isField = true;
    type ??= cur.name('FT');
    if (cur.has('V') && (type === undefined || type === 'Sig') && cur.get('V') !== null)
      hasValue = true;
    cur = reader.resolveDict(cur.get('Parent'));
  }
  return { type, hasValue, isField };
}

/**
 * Whether a dictionary can be a form field's widget or the field itself: a /Widget, or a field
 * with no /Subtype (shown through its kids). A Line, Ink, Stamp… annotation that writes /FT /Sig
 * or carries a /T (every markup annotation's author) is still an annotation: viewers draw it
 * from its own coordinates and appearance, whatever its /Rect says, and it fills no form.
 */
export const isWidgetOrField = (d: PdfDict): boolean =>
  !d.has('Subtype') || d.name('Subtype') === 'Widget';

export function roleOf(reader: PdfReader, d: PdfDict): AnnotationRole {
  if (!isWidgetOrField(d)) return 'other';
  const { type, hasValue, isField } = fieldInfo(reader, d);
  if (type === 'Sig') return hasValue ? 'sig-signed' : 'sig-empty';
  if (isField || d.name('Subtype') === 'Widget') return 'form';
  return 'other';
}

export function isAnnotationLike(d: PdfDict): boolean {
  return (
    d.name('Type') === 'Annot' ||
    (d.has('Subtype') && d.has('Rect')) ||
    d.has('FT') ||
    (d.has('Kids') && d.has('T'))
  );
}

/**
 * A widget may show something unless its /Rect is four numbers enclosing no area. The Hidden and
 * NoView flags are not trusted: viewers read a flag written as 2.0 or 2^32+2 differently, and a
 * widget that hides today can be shown by the next revision.
 */
export function isVisible(reader: PdfReader, d: PdfDict): boolean {
  const rect = reader.resolve(d.get('Rect'));
  if (!Array.isArray(rect) || rect.length !== 4) return true;
  const [x1, y1, x2, y2] = rect.map((v) => reader.resolve(v));
  if (![x1, y1, x2, y2].every((v) => typeof v === 'number' && Number.isFinite(v))) return true;
  return (x2 as number) !== (x1 as number) && (y2 as number) !== (y1 as number);
}

/** Object numbers a value refers to directly (streams: their dictionary). */
export function refsIn(v: PdfValue | undefined, out: number[] = []): number[] {
  const stack: Array<PdfValue | undefined> = [v];
  while (stack.length) {
    const cur = stack.pop();
    // One by one: spreading an array of 200,000 entries would overflow the call stack.
    if (cur instanceof PdfRef) out.push(cur.num);
    else if (Array.isArray(cur)) for (const x of cur) stack.push(x);
    else if (cur instanceof PdfDict) for (const x of cur.map.values()) stack.push(x);
    else if (cur instanceof PdfStream) for (const x of cur.dict.map.values()) stack.push(x);
  }
  return out;
}

/**
 * The roles of the objects of one state of the document (one revision and those before it):
 * catalog, form, pages and their annotation lists, annotations and their appearance streams,
 * DSS, and which object numbers the document refers to without defining them.
 */
export class StateIndex {
  readonly rootNum: number;
  readonly infoNum?: number;
  /** The catalog's XMP /Metadata stream, which signing tools rewrite with a new date. */
  readonly metadataNum?: number;
  readonly acroFormNum?: number;
  readonly fieldsNum?: number;
  readonly dssNums = new Set<number>();
  readonly pages = new Set<number>();
  readonly pageNodes = new Set<number>();
  readonly annotsArrays = new Set<number>();
  readonly contents = new Set<number>();
  readonly annotations = new Map<number, AnnotationRole>();
  private undefinedRefs?: Set<number>;
  private shownObjects?: Set<number>;
  private catalogObjects?: Set<number>;
  private reached?: Map<number, AnnotationRole>;

  constructor(readonly reader: PdfReader) {
    this.rootNum = reader.rootRef.num;
    const info = reader.trailer.get('Info');
    if (info instanceof PdfRef) this.infoNum = info.num;
    const catalog = reader.catalog();
    const xmp = catalog.get('Metadata');
    if (xmp instanceof PdfRef) this.metadataNum = xmp.num;
    const af = catalog.get('AcroForm');
    if (af instanceof PdfRef) this.acroFormNum = af.num;
    const fields = reader.resolveDict(af)?.get('Fields');
    if (fields instanceof PdfRef) this.fieldsNum = fields.num;
    const dss = catalog.get('DSS');
    if (dss instanceof PdfRef) this.dssNums.add(dss.num);
    for (const n of refsIn(reader.resolveDict(dss))) this.dssNums.add(n);
    this.walkPages(catalog.get('Pages'));
    for (const f of listFields(reader)) {
      if (f.ref) this.noteAnnotation(f.ref.num, f.dict);
    }
  }

  private walkPages(root: PdfValue | undefined): void {
    const stack: PdfValue[] = root === undefined ? [] : [root];
    const seen = new Set<number>();
    while (stack.length) {
      const node = stack.pop();
      if (!(node instanceof PdfRef) || seen.has(node.num)) continue;
      seen.add(node.num);
      if (seen.size > MAX_NODES) throw new SigningError('PDF_TOO_COMPLEX', 'page tree too large');
      const d = this.reader.resolveDict(node);
      if (!d) continue;
      const kids = this.reader.resolve(d.get('Kids'));
      if (d.name('Type') === 'Pages' || (Array.isArray(kids) && d.name('Type') !== 'Page')) {
        this.pageNodes.add(node.num);
        if (Array.isArray(kids)) for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
        continue;
      }
      this.pages.add(node.num);
      const contents = d.get('Contents');
      if (contents instanceof PdfRef) {
        this.contents.add(contents.num);
        for (const n of refsIn(this.reader.resolve(contents))) this.contents.add(n);
      } else for (const n of refsIn(contents)) this.contents.add(n);
      const annots = d.get('Annots');
      if (annots instanceof PdfRef) this.annotsArrays.add(annots.num);
      const list = this.reader.resolve(annots);
      if (!Array.isArray(list)) continue;
      for (const a of list) {
        if (!(a instanceof PdfRef)) continue;
        const ad = this.reader.resolveDict(a);
        if (ad) this.noteAnnotation(a.num, ad);
      }
    }
  }

  /** Whether this state defines the object (an unreadable one counts as defined). */
  defines(num: number): boolean {
    try {
      return this.reader.getObject(num) !== undefined;
    } catch {
      return true;
    }
  }

  private noteAnnotation(num: number, d: PdfDict): void {
    if (this.annotations.has(num)) return;
    this.annotations.set(num, roleOf(this.reader, d));
  }

  /**
   * Every object an annotation or field uses (appearance streams and their fonts and images,
   * parent fields, signature values…), with the strictest role of the annotations that reach it.
   * Such an object is judged as part of its annotation whatever other role it also plays (a DSS
   * entry, the Info dictionary, the metadata), so a drafter cannot plant a stamp's appearance
   * where a later change would pass for validation data.
   */
  reachedFromAnnotations(): Map<number, AnnotationRole> {
    if (this.reached) return this.reached;
    const reached = new Map<number, AnnotationRole>();
    for (const role of STRICTNESS) {
      const queue: number[] = [];
      for (const [num, r] of this.annotations)
        if (r === role) refsIn(asDict(this.reader.getObject(num)), queue);
      while (queue.length) {
        const num = queue.pop()!;
        if (reached.has(num) || this.pages.has(num) || this.pageNodes.has(num)) continue;
        reached.set(num, role);
        if (reached.size > MAX_NODES) throw new SigningError('PDF_TOO_COMPLEX', 'too many objects');
        let v: PdfValue | undefined;
        try {
          v = this.reader.getObject(num);
        } catch {
          v = undefined;
        }
        refsIn(v, queue);
      }
    }
    this.reached = reached;
    return reached;
  }

  /**
   * Every object a page draws with or is shaped by: what its dictionary and the page-tree nodes
   * above it refer to (contents, resources, boxes, rotation, groups…) and all they refer to in
   * turn, except the annotation list, which has its own rules. An object found here is judged as
   * page content whatever other role it also plays (a DSS entry, the metadata, an annotation's
   * appearance), so a file drafted with shared objects cannot pass a content change off as one
   * of the harmless kinds.
   */
  shown(): Set<number> {
    if (this.shownObjects) return this.shownObjects;
    const shown = new Set<number>();
    const queue: number[] = [];
    for (const num of [...this.pages, ...this.pageNodes]) {
      const d = asDict(this.reader.getObject(num));
      if (!d) continue;
      for (const [key, value] of d.map)
        if (key !== 'Annots' && key !== 'Parent' && key !== 'Kids') refsIn(value, queue);
    }
    this.reach(queue, shown, (num) => this.pages.has(num) || this.pageNodes.has(num));
    this.shownObjects = shown;
    return shown;
  }

  /**
   * Adds to `reached` every object the queued numbers lead to (bounded), not entering those
   * `stop` names; an unreadable object leads nowhere.
   */
  private reach(queue: number[], reached: Set<number>, stop: (num: number) => boolean): void {
    while (queue.length) {
      const num = queue.pop()!;
      if (reached.has(num) || stop(num)) continue;
      reached.add(num);
      if (reached.size > MAX_NODES) throw new SigningError('PDF_TOO_COMPLEX', 'too many objects');
      let v: PdfValue | undefined;
      try {
        v = this.reader.getObject(num);
      } catch {
        v = undefined;
      }
      refsIn(v, queue);
    }
  }

  /**
   * Every object the catalog uses for something a reader sees or that acts — outlines, actions
   * (/OpenAction, /AA), optional content (which layer shows), names (JavaScript, embedded files,
   * destinations), structure, page labels, the form's XFA and resources… — that is, all it
   * reaches through keys other than the page tree, the form's fields, the DSS and the XMP
   * metadata, which have rules of their own. Such an
   * object is judged as part of the catalog whatever other role it also plays (an Info
   * dictionary, a DSS entry, the metadata, an annotation's appearance), so a drafter cannot plant
   * which layer is shown where a later change would pass for metadata.
   */
  fromCatalog(): Set<number> {
    if (this.catalogObjects) return this.catalogObjects;
    const reached = new Set<number>();
    const queue: number[] = [];
    const catalog = asDict(this.reader.getObject(this.rootNum));
    for (const [key, value] of catalog?.map ?? [])
      if (!CATALOG_KEYS_WITH_RULES.has(key)) refsIn(value, queue);
    // The form's own fields have their rules; what else it holds (an XFA form that Adobe's
    // viewer draws instead of the pages, default resources, calculation order) does not.
    for (const [key, value] of this.reader.resolveDict(catalog?.get('AcroForm'))?.map ?? [])
      if (key !== 'Fields') refsIn(value, queue);
    // Pages and annotations reached through the structure tree keep their own rules.
    this.reach(
      queue,
      reached,
      (num) =>
        num === this.rootNum ||
        this.pages.has(num) ||
        this.pageNodes.has(num) ||
        this.annotations.has(num),
    );
    this.catalogObjects = reached;
    return reached;
  }

  /**
   * Object numbers that the document (from its trailer) refers to but does not define: a later
   * revision that defines one changes what the signed document meant.
   */
  referencedButUndefined(): Set<number> {
    if (this.undefinedRefs) return this.undefinedRefs;
    const undefinedRefs = new Set<number>();
    const seen = new Set<number>();
    const queue = refsIn(this.reader.trailer.get('Root'));
    refsIn(this.reader.trailer.get('Info'), queue);
    while (queue.length) {
      const num = queue.pop()!;
      if (seen.has(num)) continue;
      seen.add(num);
      if (seen.size > MAX_NODES) throw new SigningError('PDF_TOO_COMPLEX', 'too many objects');
      let v: PdfValue | undefined;
      try {
        v = this.reader.getObject(num);
      } catch {
        v = undefined;
      }
      if (v === undefined) undefinedRefs.add(num);
      else refsIn(v, queue);
    }
    this.undefinedRefs = undefinedRefs;
    return undefinedRefs;
  }
}
