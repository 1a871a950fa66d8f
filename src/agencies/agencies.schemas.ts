import { z } from 'zod';
import { AgencyCodeSchema } from './setup.service.js';

const name = z.string().trim().min(1, 'errors:FIELD_REQUIRED').max(255);
// Abbreviations go into document symbols (e.g. 12/UBND-VP): letters, digits, Đ and a few joiners.
const abbreviation = z
  .string()
  .trim()
  .min(1, 'errors:FIELD_REQUIRED')
  .max(30)
  .regex(/^[\p{L}\p{N}&.-]+$/u, 'errors:ABBREVIATION_CHARSET');

const optionalId = z
  .union([z.literal(''), z.coerce.number().int().positive()])
  .optional()
  .transform((v) => (v === '' || v === undefined ? null : v));

export const AgencySchema = z.object({
  name,
  abbreviation,
  code: z.string().trim().toUpperCase().pipe(AgencyCodeSchema),
  address: z
    .string()
    .trim()
    .max(255)
    .optional()
    .transform((v) => (v ? v : null)),
});
export type AgencyInput = z.infer<typeof AgencySchema>;

/** A new agency under one of the admin's agencies. */
export const ChildAgencySchema = AgencySchema.extend({
  parentId: z.coerce.number('errors:FIELD_REQUIRED').int().positive('errors:FIELD_REQUIRED'),
});

export const DepartmentSchema = z.object({ name, abbreviation, parentId: optionalId });
export type DepartmentInput = z.infer<typeof DepartmentSchema>;

export const IdParam = z.object({ id: z.coerce.number().int().positive() });
