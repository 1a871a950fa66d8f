import { SigningError } from '../errors.js';
import { LIMITS, tooComplex } from './limits.js';
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

/**
 * Walks the AcroForm field tree (terminal fields and their parents). A field met again on its
 * own path (a /Kids cycle) or a tree too deep or too large is refused (PDF_TOO_COMPLEX); a
 * field shared by two parents is listed once.
 */
export function listFields(reader: PdfReader): FieldInfo[] {
  const af = reader.resolveDict(reader.catalog().get('AcroForm'));
  const fields = reader.resolve(af?.get('Fields'));
  const out: FieldInfo[] = [];
  const seen = new Set<number>();
  const onPath = new Set<number>();
  let visited = 0;
  const walk = (
    items: PdfValue[],
    prefix: string,
    inheritedType: string | undefined,
    depth: number,
  ) => {
    if (depth > LIMITS.maxFieldDepth)
      throw tooComplex(`form field tree deeper than ${LIMITS.maxFieldDepth}`);
    for (const item of items) {
      if (++visited > LIMITS.maxFields)
        throw tooComplex(`more than ${LIMITS.maxFields} form fields`);
      if (item instanceof PdfRef) {
        if (onPath.has(item.num))
          throw tooComplex(`form field tree is cyclic (object ${item.num})`);
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
      const kidsValue = d.get('Kids');
      // An indirect /Kids array is a node of the walk too: two parents sharing it (or a
      // parent reaching it again) would otherwise multiply the walk.
      if (kidsValue instanceof PdfRef) {
        if (onPath.has(kidsValue.num))
          throw tooComplex(`form field tree is cyclic (object ${kidsValue.num})`);
        if (seen.has(kidsValue.num)) continue;
        seen.add(kidsValue.num);
      }
      const kids = reader.resolve(kidsValue);
      if (!Array.isArray(kids)) continue;
      if (item instanceof PdfRef) onPath.add(item.num);
      if (kidsValue instanceof PdfRef) onPath.add(kidsValue.num);
      walk(kids, fullName, type, depth + 1);
      if (item instanceof PdfRef) onPath.delete(item.num);
      if (kidsValue instanceof PdfRef) onPath.delete(kidsValue.num);
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
