import { z } from 'zod';

/** Form fields arrive as strings; an empty or blank one means "not given". */
export const blankToUndefined = (v: unknown) => {
  if (typeof v !== 'string') return v;
  const trimmed = v.trim();
  return trimmed === '' ? undefined : trimmed.normalize('NFC');
};

export const optionalText = (max: number) =>
  z.preprocess(blankToUndefined, z.string().max(max).optional());
export const requiredText = (max: number) => z.preprocess(blankToUndefined, z.string().max(max));
export const isoDate = z.preprocess(blankToUndefined, z.iso.date().optional());
/** Độ khẩn / độ mật: 0–3, 0 when left out. */
export const level = z.preprocess(
  blankToUndefined,
  z.coerce.number().int().min(0).max(3).default(0),
);
export const id = z.coerce.number().int().positive();
export const optionalId = z.preprocess(blankToUndefined, id.optional());
/** A checkbox: ticked ('on', 'true', '1', true; the last of repeated values), else false. */
export const checkbox = z.preprocess((v) => {
  const last = Array.isArray(v) ? v[v.length - 1] : v;
  return last === true || last === 'true' || last === 'on' || last === '1';
}, z.boolean().default(false));
