import { z } from 'zod';
import { integer } from '../http/form-fields.js';
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
  .union([z.literal(''), integer(z.number().int().positive())])
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
  parentId: integer(z.number('errors:FIELD_REQUIRED').int().positive('errors:FIELD_REQUIRED')),
});

export const DepartmentSchema = z.object({ name, abbreviation, parentId: optionalId });
export type DepartmentInput = z.infer<typeof DepartmentSchema>;

/** A form sends one chosen person as a string and several as an array. */
const formIds = z.preprocess(
  (v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]),
  z.array(integer(z.number().int().positive())).max(50),
);

/**
 * The edit form of a department: its details, and its head and deputies when the form carries
 * them (leaders=1; a post without it leaves them as they are).
 */
export const DepartmentEditSchema = DepartmentSchema.extend({
  leaders: z.literal('1').optional(),
  headUserId: optionalId,
  deputyIds: formIds,
}).transform(({ leaders, headUserId, deputyIds, ...department }) => ({
  ...department,
  leaders: leaders ? { headUserId, deputyIds } : undefined,
}));
export type DepartmentEditInput = z.infer<typeof DepartmentEditSchema>;
