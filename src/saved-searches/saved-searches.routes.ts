/**
 * The person's saved searches (/saved-searches): open one (the list with its query), rename,
 * delete. Saving is on each list page (<list>/saved-searches, saved-searches.panel.ts). Another
 * person's search is not found (404) on every route.
 */
import { Router, type Request, type Response } from 'express';
import type { FieldErrors } from '../http/app-error.js';
import { requirePermission, requireUser } from '../http/auth.js';
import { flash } from '../http/flash.js';
import { submitForm, translateFields } from '../http/forms.js';
import { pathId } from '../http/params.js';
import { auditActorOf } from '../http/request-context.js';
import { parseInput } from '../http/validate.js';
import { formatDateTime } from '../http/view-helpers.js';
import { can } from '../policy/index.js';
import {
  describeListQuery,
  LIST_KINDS,
  listActionOf,
  savedSearchHref,
} from './saved-search.lists.js';
import { RenameSearchSchema } from './saved-searches.schemas.js';
import {
  deleteSavedSearch,
  findOwnSavedSearch,
  listSavedSearches,
  renameSavedSearch,
  savedSearchLimit,
} from './saved-searches.service.js';

interface PageState {
  editId?: number;
  values?: Record<string, unknown>;
  errors?: FieldErrors;
}

const idOf = (req: Request) => pathId(req, 'id', 'SAVED_SEARCH_NOT_FOUND');

async function renderPage(req: Request, res: Response, status = 200, state: PageState = {}) {
  const searches = await listSavedSearches(req.user!);
  const lists = LIST_KINDS.filter((kind) => can(req.user, listActionOf(kind))).map((kind) => ({
    kind,
    title: req.t(`saved-searches:list.${kind}`),
    href: savedSearchHref(kind, ''),
    items: searches
      .filter((s) => s.listKind === kind)
      .map((s) => {
        const editing = state.editId === s.id;
        return {
          id: s.id,
          name: s.name,
          href: `/saved-searches/${s.id}`,
          conditions: describeListQuery(kind, s.query, req.t, req.lng).join(' · '),
          updatedAt: formatDateTime(s.updatedAt),
          values: editing ? state.values : { name: s.name },
          errors: editing ? state.errors : undefined,
        };
      }),
  }));
  res.status(status).render('saved-searches/index', {
    title: req.t('saved-searches:title'),
    lists,
    count: searches.length,
    limit: savedSearchLimit(),
  });
}

export function savedSearchesRouter(): Router {
  const router = Router();
  router.use('/saved-searches', requireUser, requirePermission('saved_search.list'));

  router.get('/saved-searches', (req, res) => renderPage(req, res));

  // Opens the list with the saved query: its rows are read now, as the person may see them now.
  router.get('/saved-searches/:id', async (req, res) => {
    const search = await findOwnSavedSearch(req.user!, idOf(req));
    res.redirect(303, savedSearchHref(search.listKind, search.query));
  });

  router.post('/saved-searches/:id', async (req, res) => {
    const id = idOf(req);
    const ok = await submitForm(
      async () => {
        const input = parseInput(RenameSearchSchema, req.body, req.lng, req.t);
        await renameSavedSearch(req.user!, id, input, auditActorOf(req));
      },
      async (err) => {
        // Someone else's search is not found, whatever the name sent.
        await findOwnSavedSearch(req.user!, id);
        const name = (req.body as Record<string, unknown> | undefined)?.name;
        await renderPage(req, res, err.status, {
          editId: id,
          values: { name: typeof name === 'string' ? name.slice(0, 1000) : '' },
          errors: translateFields(req, err.fields),
        });
      },
    );
    if (!ok) return;
    flash(req, 'success', req.t('saved-searches:flash.renamed'));
    res.redirect(303, '/saved-searches');
  });

  router.post('/saved-searches/:id/delete', async (req, res) => {
    const search = await deleteSavedSearch(req.user!, idOf(req), auditActorOf(req));
    flash(req, 'success', req.t('saved-searches:flash.deleted', { name: search.name }));
    res.redirect(303, '/saved-searches');
  });
  return router;
}
