import { levelsUpTo, type ChangeLevel } from './changes/index.js';
import { PdfDict, PdfRef, dict, name, type PdfValue } from './pdf/objects.js';
import type { PdfReader } from './pdf/reader.js';

/** DocMDP permission of a certifying signature (ISO 32000-1 12.8.2.2). */
export type DocMdpLevel = 1 | 2 | 3;

/**
 * What each level lets later revisions do: 1 nothing (validation data and document timestamps
 * only, as PAdES allows), 2 fill in forms and sign, 3 also add, change or remove annotations.
 */
const ALLOWED: Record<DocMdpLevel, Set<ChangeLevel>> = {
  1: levelsUpTo('ltv'),
  2: levelsUpTo('form-fill'),
  3: levelsUpTo('annotation'),
};

export const docMdpAllows = (p: DocMdpLevel, level: ChangeLevel): boolean => ALLOWED[p].has(level);

/**
 * The DocMDP level a signature dictionary declares through its /Reference, undefined when it is
 * not a certification, or 'malformed' when the transform is there but its /P is not 1, 2 or 3.
 */
export function declaredDocMdp(
  reader: PdfReader,
  sig: PdfDict,
): DocMdpLevel | 'malformed' | undefined {
  const refs = reader.resolve(sig.get('Reference'));
  if (!Array.isArray(refs)) return undefined;
  for (const r of refs.slice(0, 16)) {
    const d = reader.resolveDict(r);
    if (d?.name('TransformMethod') !== 'DocMDP') continue;
    const params = reader.resolveDict(d.get('TransformParams'));
    const p = params ? reader.resolve(params.get('P')) : undefined;
    if (p === undefined) return 2;
    return p === 1 || p === 2 || p === 3 ? p : 'malformed';
  }
  return undefined;
}

/** The certification of a document as its catalog names it (/Perms /DocMDP), if any. */
export function documentCertification(
  reader: PdfReader,
): { ref: PdfRef; level: DocMdpLevel | 'malformed' } | undefined {
  const perms = reader.resolveDict(reader.catalog().get('Perms'));
  const ref = perms?.get('DocMDP');
  if (!(ref instanceof PdfRef)) return undefined;
  const sig = reader.resolveDict(ref);
  if (!sig) return undefined;
  return { ref, level: declaredDocMdp(reader, sig) ?? 2 };
}

/** The /Reference entry a certifying signature dictionary carries. */
export function docMdpReference(level: DocMdpLevel): PdfValue {
  return [
    dict({
      Type: name('SigRef'),
      TransformMethod: name('DocMDP'),
      TransformParams: dict({ Type: name('TransformParams'), P: level, V: name('1.2') }),
    }),
  ];
}
