/**
 * The "Tìm kiếm đã lưu" control of a list page (views/partials/saved-searches.hbs) and the work of
 * its "Lưu tìm kiếm này" form, which each list page posts to its own <list>/saved-searches route
 * so that a refusal shows the same list again with the message beside the name:
 *   savedSearchPanel(req, kind, query, state?) → the control's model for the list as shown
 *   saveFromList(req, kind) → the search saved, or the refusal and the query to show the list with
 */
import type { Request } from 'express';
import type { AppError, FieldErrors } from '../http/app-error.js';
import { flash } from '../http/flash.js';
import { isFormError, messageOf, translateFields } from '../http/forms.js';
import { auditActorOf } from '../http/request-context.js';
import { parseInput } from '../http/validate.js';
import {
  listPathOf,
  listQueryString,
  normaliseListQuery,
  savedSearchHref,
  type ListKind,
} from './saved-search.lists.js';
import { SaveSearchFormSchema } from './saved-searches.schemas.js';
import { savedSearchItems, saveSearch } from './saved-searches.service.js';

/** What the save form shows again after a refusal. */
export interface SavePanelState {
  values?: Record<string, unknown>;
  errors?: FieldErrors;
  error?: string | null;
}

/**
 * The person's searches of the list (each opened through /saved-searches/:id, the one matching
 * the list as shown marked), and the save form holding the list's query as shown.
 */
export async function savedSearchPanel(
  req: Request,
  kind: ListKind,
  query: Record<string, unknown>,
  state: SavePanelState = {},
) {
  const current = listQueryString(kind, query);
  const searches = await savedSearchItems(req.user!, kind);
  const refused = Boolean(state.error || Object.keys(state.errors ?? {}).length);
  return {
    saveUrl: `${listPathOf(kind)}/saved-searches`,
    query: current,
    items: searches.map((s) => ({
      id: s.id,
      name: s.name,
      href: `/saved-searches/${s.id}`,
      current: s.query === current,
    })),
    // Open after a refusal, so the message shows without a click.
    open: refused,
    values: state.values ?? {},
    errors: state.errors ?? {},
    error: state.error ?? null,
  };
}

export type SaveOutcome =
  | { saved: true; href: string }
  | { saved: false; status: number; query: string; state: SavePanelState };

/** The list's query the refused form came from, when the list would take it (else the list's first). */
function queryOf(kind: ListKind, body: Record<string, unknown>): string {
  try {
    return normaliseListQuery(kind, body.query);
  } catch {
    return '';
  }
}

/**
 * Saves the list page's search (name and query from the form): on success a message for the next
 * page and the list's address with the saved query; a refusal the person can fix (empty, long or
 * taken name, the limit, a query the list does not take) comes back with its messages.
 */
export async function saveFromList(req: Request, kind: ListKind): Promise<SaveOutcome> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  try {
    const input = parseInput(SaveSearchFormSchema, body, req.lng, req.t);
    const search = await saveSearch(req.user!, { ...input, list: kind }, auditActorOf(req));
    flash(req, 'success', req.t('saved-searches:flash.saved', { name: search.name }));
    return { saved: true, href: savedSearchHref(kind, search.query) };
  } catch (err) {
    if (!isFormError(err)) throw err;
    const fields = translateFields(req, (err as AppError).fields);
    const { query: queryError, ...errors } = fields;
    return {
      saved: false,
      status: err.status,
      query: queryOf(kind, body),
      state: {
        values: { name: typeof body.name === 'string' ? body.name.slice(0, 1000) : '' },
        errors,
        // A query the list does not take has no field of its own on the page: said above the form.
        error: queryError ?? (Object.keys(errors).length ? null : messageOf(req, err)),
      },
    };
  }
}
