import { PdfDict, PdfRef, PdfStream, deepEqual, type PdfValue } from './pdf/objects.js';
import { PdfReader } from './pdf/reader.js';
import type { Revision } from './pdf/revisions.js';
import { sectionEntries } from './pdf/xref.js';

export type ModificationKind =
  | 'signature'
  | 'annotation'
  | 'form'
  | 'dss'
  | 'page-annotations'
  | 'catalog'
  | 'new-object'
  | 'structure'
  | 'page-content'
  | 'page'
  | 'deleted'
  | 'object';

export interface Modification {
  /** 1-based revision number that made the change. */
  revision: number;
  objectNumber: number;
  kind: ModificationKind;
  permitted: boolean;
  detail: string;
}

const CATALOG_PERMITTED_KEYS = new Set(['AcroForm', 'DSS', 'Extensions']);

function asDict(v: PdfValue | undefined): PdfDict | undefined {
  if (v instanceof PdfDict) return v;
  if (v instanceof PdfStream) return v.dict;
  return undefined;
}

function keysDiffer(a: PdfDict, b: PdfDict, ignore: Set<string>): string[] {
  const keys = new Set([...a.map.keys(), ...b.map.keys()]);
  return [...keys].filter((k) => !ignore.has(k) && !deepEqual(a.get(k), b.get(k)));
}

function isAnnotationOrField(d: PdfDict): boolean {
  return (
    d.name('Type') === 'Annot' ||
    (d.has('Subtype') && d.has('Rect')) ||
    d.has('FT') ||
    (d.has('Kids') && d.has('T'))
  );
}

function classifyNew(v: PdfValue): { kind: ModificationKind; detail: string } {
  const d = asDict(v);
  const type = d?.name('Type');
  if (type === 'Sig' || type === 'DocTimeStamp')
    return { kind: 'signature', detail: 'signature dictionary added' };
  if (type === 'XRef' || type === 'ObjStm') return { kind: 'structure', detail: `${type} added` };
  if (d && isAnnotationOrField(d))
    return {
      kind: 'annotation',
      detail: `annotation/field added (${d.name('Subtype') ?? d.name('FT') ?? 'field'})`,
    };
  return { kind: 'new-object', detail: 'new object (appearance, font or data)' };
}

function contentRefs(reader: PdfReader): Set<number> {
  const refs = new Set<number>();
  const n = reader.pageCount();
  for (let i = 1; i <= n && i <= 5000; i++) {
    try {
      const c = reader.getPage(i).dict.get('Contents');
      const list =
        c instanceof PdfRef
          ? [c, ...(Array.isArray(reader.resolve(c)) ? (reader.resolve(c) as PdfValue[]) : [])]
          : Array.isArray(c)
            ? c
            : [];
      for (const r of list) if (r instanceof PdfRef) refs.add(r.num);
    } catch {
      break;
    }
  }
  return refs;
}

/**
 * Lists what the revisions after `signed` changed, comparing each object they define
 * with the object set of the signed revision.
 */
export function findModifications(
  buf: Buffer,
  full: PdfReader,
  revisions: Revision[],
  signed: Revision,
): Modification[] {
  const signedReader = new PdfReader(buf, signed.startxref);
  const catalog = signedReader.catalog();
  const formRef = catalog.get('AcroForm');
  const dssRef = catalog.get('DSS');
  let pageContents: Set<number> | undefined;
  const out: Modification[] = [];
  const later = full.sections.filter((s) => s.offset >= signed.end).reverse();
  for (const section of later) {
    const revision = revisions.findIndex((r) => r.end > section.offset) + 1 || revisions.length;
    for (const [num, entry] of sectionEntries(section)) {
      let old: PdfValue | undefined;
      try {
        old = signedReader.getObject(num);
      } catch {
        old = undefined;
      }
      if (entry.type === 'free') {
        if (old !== undefined)
          out.push({
            revision,
            objectNumber: num,
            kind: 'deleted',
            permitted: false,
            detail: 'object deleted',
          });
        continue;
      }
      let now: PdfValue;
      try {
        now = full.loadEntry(num, entry);
      } catch {
        out.push({
          revision,
          objectNumber: num,
          kind: 'object',
          permitted: false,
          detail: 'unreadable object',
        });
        continue;
      }
      if (old === undefined) {
        out.push({ revision, objectNumber: num, permitted: true, ...classifyNew(now) });
        continue;
      }
      if (deepEqual(old, now)) continue;
      const mod = (kind: ModificationKind, permitted: boolean, detail: string) =>
        out.push({ revision, objectNumber: num, kind, permitted, detail });
      const od = asDict(old);
      const nd = asDict(now);
      if (od && nd && od.name('Type') === 'Catalog') {
        const diff = keysDiffer(od, nd, CATALOG_PERMITTED_KEYS);
        if (diff.length) mod('catalog', false, `catalog changed: ${diff.join(', ')}`);
        else mod('catalog', true, 'catalog: form or DSS reference updated');
      } else if (od && nd && od.name('Type') === 'Page') {
        const diff = keysDiffer(od, nd, new Set(['Annots']));
        if (diff.includes('Contents')) mod('page-content', false, 'page content replaced');
        else if (diff.length) mod('page', false, `page changed: ${diff.join(', ')}`);
        else mod('page-annotations', true, 'page annotations list updated');
      } else if (formRef instanceof PdfRef && formRef.num === num) {
        mod('form', true, 'AcroForm updated');
      } else if (dssRef instanceof PdfRef && dssRef.num === num) {
        mod('dss', true, 'DSS updated');
      } else if (od && nd && !(old instanceof PdfStream) && isAnnotationOrField(od)) {
        const signedValue = od.name('FT') === 'Sig' && od.has('V');
        if (signedValue && !deepEqual(od.get('V'), nd.get('V')))
          mod('annotation', false, 'existing signature value replaced');
        else mod('annotation', true, 'annotation/field updated');
      } else if (
        Array.isArray(old) &&
        Array.isArray(now) &&
        old.every((x) => now.some((y) => deepEqual(x, y)))
      ) {
        mod('annotation', true, 'array extended (annotations or fields)');
      } else {
        pageContents ??= contentRefs(signedReader);
        if (pageContents.has(num)) mod('page-content', false, 'page content stream changed');
        else mod('object', false, 'object changed');
      }
    }
  }
  return out;
}
