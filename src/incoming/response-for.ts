import { z } from 'zod';
import { isIsoCalendarDay } from '../http/form-fields.js';

/**
 * edXML ResponseFor: the documents a received document answers, each named by its sender's
 * code (OrganId), its number and symbol (Code), its date and its edXML DocumentId. Kept on the
 * incoming document as a JSON array. The registration form carries it as a hidden JSON field,
 * so what comes back is checked again here: at most 20 entries of short, plain strings.
 */
const part = (max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() || undefined : v === null ? undefined : v),
    z.string().max(max).optional(),
  );

export const ResponseForEntrySchema = z
  .object({
    organId: part(13),
    code: part(120),
    promulgationDate: part(10).refine(
      (v) => v === undefined || isIsoCalendarDay(v),
      'errors:RESPONSE_FOR_INVALID',
    ),
    documentId: part(255),
  })
  .strict()
  .refine((e) => Boolean(e.code || e.documentId), 'errors:RESPONSE_FOR_INVALID');
export type ResponseForEntry = z.infer<typeof ResponseForEntrySchema>;

export const MAX_RESPONSE_FOR = 20;
export const ResponseForListSchema = z
  .array(ResponseForEntrySchema, 'errors:RESPONSE_FOR_INVALID')
  .max(MAX_RESPONSE_FOR, 'errors:RESPONSE_FOR_INVALID');

/**
 * The form's hidden JSON (or the API's array) as a checked list; undefined when absent. Anything
 * wrong in it is one error on the field itself (the form has no field per entry).
 */
export const responseForField = z.preprocess((v: unknown) => {
  if (v === undefined || v === null || v === '') return undefined;
  let value: unknown = v;
  if (typeof v === 'string') {
    if (v.length > 20_000) return null;
    try {
      value = JSON.parse(v) as unknown;
    } catch {
      return null;
    }
  }
  return ResponseForListSchema.safeParse(value).success ? value : null;
}, ResponseForListSchema.optional());

/** The stored column's entries; an unreadable value reads as none. */
export function readResponseFor(stored: string | null | undefined): ResponseForEntry[] {
  if (!stored) return [];
  try {
    const parsed = ResponseForListSchema.safeParse(JSON.parse(stored));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/** The column's value: null for none. */
export const storedResponseFor = (entries: ResponseForEntry[] | undefined): string | null =>
  entries && entries.length ? JSON.stringify(entries) : null;
