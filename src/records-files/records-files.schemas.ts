import { z } from 'zod';
import {
  blankToUndefined,
  checkbox,
  id,
  integer,
  MAX_YEAR,
  MIN_YEAR,
  optionalId,
  optionalText,
  pageNumber,
  requiredText,
} from '../http/form-fields.js';
import { RECORDS_FILE_DOCUMENT_KINDS, RECORDS_FILE_STATUSES } from './records-file.model.js';

/**
 * The retention periods offered (thời hạn bảo quản, as the retention tables of the Ministry of
 * Home Affairs write them): permanent, or a number of years.
 */
export const RETENTION_CHOICES = [
  'permanent',
  '70',
  '50',
  '30',
  '20',
  '15',
  '10',
  '5',
  '3',
  '2',
  '1',
] as const;
/** Files kept this many years or more go to the agency's archive (Decree 30, Article 30). */
export const ARCHIVED_FROM_YEARS = 5;

export const MAX_CODE_LENGTH = 30;
export const MAX_TITLE_LENGTH = 500;
export const MAX_DESCRIPTION_LENGTH = 2000;

// A code of letters, digits and the usual separators ("01.VP", "TCKH-05/2026"): it is printed in
// the catalogue and on the file's cover.
const code = requiredText(MAX_CODE_LENGTH)
  .pipe(z.string().regex(/^[\p{L}\p{N}][\p{L}\p{N}.\-/_ ]*$/u, 'errors:RECORDS_FILE_CODE_INVALID'))
  // What the API's description says of it (the pipe hides the length from the generator).
  .meta({ type: 'string', minLength: 1, maxLength: MAX_CODE_LENGTH });

// The form sends text; the API may send the years as a number.
const retention = z
  .preprocess(
    (v) => (typeof v === 'number' ? String(v) : blankToUndefined(v)),
    z.enum(RETENTION_CHOICES, 'errors:RECORDS_FILE_RETENTION_INVALID'),
  )
  .transform((v) => (v === 'permanent' ? null : Number(v)))
  .meta({
    description: 'Thời hạn bảo quản: "permanent", or a number of years of those offered',
    oneOf: [
      { type: 'string', enum: [...RETENTION_CHOICES] },
      {
        type: 'integer',
        enum: RETENTION_CHOICES.filter((c) => c !== 'permanent').map(Number),
      },
    ],
  });

/** The file's form: new and edit alike. */
export const RecordsFileSchema = z.object({
  code,
  title: requiredText(MAX_TITLE_LENGTH),
  description: optionalText(MAX_DESCRIPTION_LENGTH),
  year: integer(z.number().int().min(MIN_YEAR).max(MAX_YEAR)),
  retention,
  departmentId: optionalId,
});
export type RecordsFileInput = z.infer<typeof RecordsFileSchema>;

/** "Đưa vào hồ sơ" on a document's page. */
export const AddDocumentSchema = z.object({
  fileId: id,
  kind: z.enum(RECORDS_FILE_DOCUMENT_KINDS, 'errors:RECORDS_FILE_DOCUMENT_KIND_INVALID'),
  documentId: id,
});
export type AddDocumentInput = z.infer<typeof AddDocumentSchema>;

/**
 * A new file opened from a document's page ("Mở hồ sơ mới" in its panel): the document goes into
 * it as it is opened, in the same transaction.
 */
export const FirstDocumentSchema = z.object({
  withKind: z.preprocess(
    blankToUndefined,
    z.enum(RECORDS_FILE_DOCUMENT_KINDS, 'errors:RECORDS_FILE_DOCUMENT_KIND_INVALID').optional(),
  ),
  withDocumentId: optionalId,
});
export type FirstDocumentInput = z.infer<typeof FirstDocumentSchema>;

/** The API's "put a document into the file": the file is the path's. */
export const ApiAddDocumentSchema = AddDocumentSchema.omit({ fileId: true });

/** Sharing the file with a person of the agency. */
export const ShareSchema = z.object({ userId: id, canAdd: checkbox });
export type ShareInput = z.infer<typeof ShareSchema>;

/** The list's status filter. */
const statusFilter = z.preprocess(blankToUndefined, z.enum(RECORDS_FILE_STATUSES).optional());

/**
 * The catalogue's year (danh mục hồ sơ), this year when none is given; the catalogue of the list
 * also has the list's status and words.
 */
export const CatalogueQuerySchema = z.object({
  year: z.preprocess(
    blankToUndefined,
    integer(z.number().int().min(MIN_YEAR).max(MAX_YEAR)).optional(),
  ),
  status: statusFilter,
  q: optionalText(200),
});

/** A page of a file's documents. */
export const FilePageQuerySchema = z.object({ page: pageNumber });

/** The list's filters. */
export const RecordsFileListQuerySchema = z.object({
  year: z.preprocess(
    blankToUndefined,
    integer(z.number().int().min(MIN_YEAR).max(MAX_YEAR)).optional(),
  ),
  status: statusFilter,
  q: optionalText(200),
  page: pageNumber,
});
export type RecordsFileListQuery = z.infer<typeof RecordsFileListQuerySchema>;
