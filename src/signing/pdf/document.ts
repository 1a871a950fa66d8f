import { SigningError } from '../errors.js';
import { PdfDict, PdfName, PdfRef, PdfString, type PdfValue } from './objects.js';
import type { PdfReader } from './reader.js';
import type { IncrementalWriter } from './writer.js';

export interface FieldInfo {
  ref?: PdfRef;
  dict: PdfDict;
  fullName: string;
  /** Field type, inherited from parents. */
  type?: string;
}

/** Walks the AcroForm field tree (terminal fields and their parents). */
export function listFields(reader: PdfReader): FieldInfo[] {
  const af = reader.resolveDict(reader.catalog().get('AcroForm'));
  const fields = reader.resolve(af?.get('Fields'));
  const out: FieldInfo[] = [];
  const seen = new Set<number>();
  const walk = (
    items: PdfValue[],
    prefix: string,
    inheritedType: string | undefined,
    depth: number,
  ) => {
    if (depth > 32) return;
    for (const item of items) {
      if (item instanceof PdfRef) {
        if (seen.has(item.num)) continue;
        seen.add(item.num);
      }
      const d = reader.resolveDict(item);
      if (!d) continue;
      const t = d.get('T');
      const partial = t instanceof PdfString ? t.toText() : '';
      const fullName = partial ? (prefix ? `${prefix}.${partial}` : partial) : prefix;
      const type = d.name('FT') ?? inheritedType;
      out.push({ ref: item instanceof PdfRef ? item : undefined, dict: d, fullName, type });
      const kids = reader.resolve(d.get('Kids'));
      if (Array.isArray(kids)) walk(kids, fullName, type, depth + 1);
    }
  };
  if (Array.isArray(fields)) walk(fields, '', undefined, 0);
  return out;
}

export function uniqueFieldName(reader: PdfReader, wanted?: string): string {
  const names = new Set(listFields(reader).map((f) => f.fullName));
  if (wanted) {
    if (names.has(wanted))
      throw new SigningError('FIELD_EXISTS', `field "${wanted}" already exists`);
    return wanted;
  }
  for (let i = 1; ; i++) if (!names.has(`Signature${i}`)) return `Signature${i}`;
}

/** Appends annotation refs to a page's /Annots (rewriting the page, or its indirect Annots array). */
export function addPageAnnotations(
  reader: PdfReader,
  writer: IncrementalWriter,
  pageNo: number,
  refs: PdfRef[],
): void {
  const page = reader.getPage(pageNo);
  const current = writer.get(page.ref.num);
  const pageDict = current instanceof PdfDict ? current : page.dict.clone();
  const annots = pageDict.get('Annots');
  if (annots instanceof PdfRef) {
    const pending = writer.get(annots.num);
    const arr = Array.isArray(pending) ? pending : reader.resolve(annots);
    if (Array.isArray(arr)) {
      writer.set(annots, [...arr, ...refs]);
      return;
    }
  }
  pageDict.set('Annots', Array.isArray(annots) ? [...annots, ...refs] : refs);
  writer.set(page.ref, pageDict);
}

/** Adds fields to the AcroForm (creating an indirect AcroForm when needed) with /SigFlags 3. */
export function addAcroFormFields(
  reader: PdfReader,
  writer: IncrementalWriter,
  refs: PdfRef[],
): void {
  const catalog = reader.catalog();
  const existing = catalog.get('AcroForm');
  const form = reader.resolveDict(existing)?.clone() ?? new PdfDict();
  const fields = reader.resolve(form.get('Fields'));
  form.set('Fields', [...(Array.isArray(fields) ? fields : []), ...refs]);
  const flags = form.get('SigFlags');
  form.set('SigFlags', (typeof flags === 'number' ? flags : 0) | 3);
  if (existing instanceof PdfRef) {
    writer.set(existing, form);
    return;
  }
  const formRef = writer.allocate();
  writer.set(formRef, form);
  writer.set(reader.rootRef, catalog.clone().set('AcroForm', formRef));
}

export const isName = (v: PdfValue | undefined, n: string): boolean =>
  v instanceof PdfName && v.name === n;
