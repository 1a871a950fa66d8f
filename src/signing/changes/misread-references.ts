import { SigningError } from '../errors.js';
import { headerAt, headersOf } from '../pdf/object-headers.js';
import { tooComplex } from '../pdf/limits.js';
import { PdfDict, PdfRef, PdfStream, type PdfValue } from '../pdf/objects.js';
import type { PdfReader } from '../pdf/reader.js';

/*
 * References that the xref does not resolve the way every reader does:
 * - an object with no xref entry, or a free one, is null to a reader that follows the xref; but
 *   poppler rebuilds a file with a classic table from its `num gen obj` headers as soon as it
 *   meets one, pdf.js and MuPDF do when any entry on their way is broken, and they then show a
 *   body that no entry points at;
 * - an entry whose offset misses its object: pdf.js drops the object (an error on the page), or
 *   rebuilds the file when the object lies on its way to the first page; poppler cannot rebuild
 *   a file with xref streams and drops it too; MuPDF rebuilds. A skewed offset is read by us as
 *   a rebuild reads it, which is not what pdf.js shows;
 * - a reference of another generation than its entry's: pdf.js and poppler drop the object,
 *   MuPDF (and a reader that looks objects up by number) shows it.
 * Whichever reading we verify, some reader shows another.
 */

/** Objects the walk loads at most (each once), as the change analysis allows. */
const MAX_OBJECTS = 1_000_000;

/** The references a value holds directly (a stream: its dictionary's). */
function refsIn(v: PdfValue | undefined, out: PdfRef[]): void {
  const stack: Array<PdfValue | undefined> = [v];
  while (stack.length) {
    const cur = stack.pop();
    // One by one: spreading an array of 200,000 entries would overflow the call stack.
    if (cur instanceof PdfRef) out.push(cur);
    else if (Array.isArray(cur)) for (const x of cur) stack.push(x);
    else if (cur instanceof PdfDict) for (const x of cur.map.values()) stack.push(x);
    else if (cur instanceof PdfStream) for (const x of cur.dict.map.values()) stack.push(x);
  }
}

/** Limits are final; an object that cannot be read is judged by the bodies a rebuild finds. */
function unlessTooComplex(e: unknown): void {
  if (e instanceof SigningError && (e.code === 'PDF_TOO_COMPLEX' || e.code === 'PDF_TIMEOUT'))
    throw e;
}

/**
 * The references of the document `reader` reads (everything its trailer leads to) that readers
 * resolve differently, described for a finding, at most `max` of them:
 * - an object with no xref entry, or a free one, of which the file holds a `num gen obj` body
 *   before `viewEnd` (of any generation: MuPDF ignores it); one that cannot be read where its
 *   entry says while the file holds another body of it;
 * - an entry whose offset does not point at `num gen obj` of that object and generation (white
 *   space and comments before it are skipped, as every reader does);
 * - a reference whose generation is not its entry's.
 * Objects nothing refers to (a producer's orphan bodies, the old bodies of deleted objects) are
 * no one's content and are not named. Each object is loaded once, from the reader's budgets (a
 * file past them is PDF_TOO_COMPLEX); the bodies come from the header scan the other checks
 * share (object-headers.ts).
 */
export function misreadReferences(
  buf: Buffer,
  reader: PdfReader,
  viewEnd: number,
  max: number,
): string[] {
  const found: string[] = [];
  const seen = new Set<number>();
  const loaded = new Set<number>();
  const queue: PdfRef[] = [];
  refsIn(reader.trailer, queue);
  /** The last body of `num` a rebuild finds, other than the one at `except`. */
  const bodyOf = (num: number, except?: number) =>
    headersOf(buf, num).findLast((h) => h.at < viewEnd && h.at !== except)?.at;
  while (queue.length && found.length < max) {
    const { num, gen } = queue.pop()!;
    const key = num * 65_536 + gen;
    if (seen.has(key)) continue;
    seen.add(key);
    const entry = reader.entries.get(num);
    if (!entry || entry.type === 'free') {
      const body = bodyOf(num);
      if (body !== undefined)
        found.push(
          `object ${num} is referenced, ${entry ? 'free' : 'not listed'} in the xref, and has a body at byte ${body}`,
        );
      continue;
    }
    let listedAt: number | undefined;
    // A compressed object is read through its object stream, which readers fetch as `n 0 R`.
    if (entry.type === 'compressed') queue.push(new PdfRef(entry.stream, 0));
    else {
      const h = headerAt(buf, entry.offset);
      listedAt = h?.at;
      if (h?.num !== num || h.gen !== entry.gen)
        found.push(`the xref entry of object ${num} (byte ${entry.offset}) does not point at it`);
      else if (gen !== entry.gen)
        found.push(`object ${num} is referenced as generation ${gen}, listed as ${entry.gen}`);
    }
    if (loaded.has(num)) continue;
    loaded.add(num);
    if (loaded.size > MAX_OBJECTS) throw tooComplex(`more than ${MAX_OBJECTS} objects referenced`);
    let value: PdfValue | undefined;
    try {
      value = reader.getObject(num);
    } catch (e) {
      // Broken where its entry says: readers that rebuild the file take another body, if any.
      unlessTooComplex(e);
      const body = bodyOf(num, listedAt);
      if (body !== undefined)
        found.push(`object ${num} cannot be read where its xref entry says; a body is at ${body}`);
      continue;
    }
    refsIn(value, queue);
  }
  return found;
}
