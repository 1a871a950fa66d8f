import { z } from 'zod';
import { blankToUndefined, requiredText } from '../http/form-fields.js';
import { LIST_KINDS, MAX_QUERY_LENGTH } from './saved-search.lists.js';

/** The longest name of a saved search. */
export const MAX_NAME_LENGTH = 100;

const name = requiredText(MAX_NAME_LENGTH).describe(
  'Tên tìm kiếm: up to 100 characters, new among the caller’s searches of the list',
);

/**
 * The list's query string as the list page shows it (tab, search words, filters, sort); the page
 * number is dropped and anything the list's own schema does not take is refused.
 */
const query = z
  .preprocess(
    (v) => (v === null ? undefined : v),
    z
      .string('errors:SAVED_SEARCH_QUERY_INVALID')
      .max(MAX_QUERY_LENGTH, 'errors:SAVED_SEARCH_QUERY_INVALID')
      .optional(),
  )
  .describe('The list’s query string, e.g. tab=all&q=tài chính&status=directed (no page)');

/** A list page's "Lưu tìm kiếm này" form: the list is the page's own. */
export const SaveSearchFormSchema = z.object({ name, query });

/** The same through the API, naming the list. */
export const SaveSearchSchema = SaveSearchFormSchema.extend({
  list: z.enum(LIST_KINDS, 'errors:SAVED_SEARCH_LIST_UNKNOWN').describe('incoming | outgoing'),
});
export type SaveSearchInput = z.infer<typeof SaveSearchSchema>;

export const RenameSearchSchema = z.object({ name });
export type RenameSearchInput = z.infer<typeof RenameSearchSchema>;

/** GET /api/v1/saved-searches: the caller's searches, of one list or of both. */
export const SavedSearchListQuerySchema = z.object({
  list: z
    .preprocess(blankToUndefined, z.enum(LIST_KINDS, 'errors:SAVED_SEARCH_LIST_UNKNOWN').optional())
    .describe('incoming | outgoing; both when left out'),
});
