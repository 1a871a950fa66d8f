/**
 * /api/v1 twins of the saved searches, through the same service and policy as the pages:
 *   GET    /saved-searches?list=   the caller's searches (of one list, or both), by name
 *   POST   /saved-searches         { list, name, query } → 201 the search saved
 *   PATCH  /saved-searches/:id     { name } → 200 the search renamed (its query stays)
 *   DELETE /saved-searches/:id     204; another person's search is 404
 * A search's `href` is the list page it opens; `conditions` says its query in words.
 */
import { Router, type Request } from 'express';
import { requirePermission } from '../http/auth.js';
import { pathId } from '../http/params.js';
import { auditActorOf } from '../http/request-context.js';
import { parseInput } from '../http/validate.js';
import { describeListQuery, savedSearchHref } from './saved-search.lists.js';
import type { SavedSearch } from './saved-search.model.js';
import {
  RenameSearchSchema,
  SavedSearchListQuerySchema,
  SaveSearchSchema,
} from './saved-searches.schemas.js';
import {
  deleteSavedSearch,
  listSavedSearches,
  renameSavedSearch,
  saveSearch,
} from './saved-searches.service.js';

function savedSearchJson(req: Request, s: SavedSearch) {
  return {
    id: s.id,
    list: s.listKind,
    name: s.name,
    query: s.query,
    href: savedSearchHref(s.listKind, s.query),
    conditions: describeListQuery(s.listKind, s.query, req.t, req.lng),
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

export function savedSearchesApi(): Router {
  const router = Router();
  router.use('/saved-searches', requirePermission('saved_search.list'));

  router.get('/saved-searches', async (req, res) => {
    const { list } = parseInput(SavedSearchListQuerySchema, req.query, req.lng, req.t);
    const searches = await listSavedSearches(req.user!, list);
    res.json({ items: searches.map((s) => savedSearchJson(req, s)) });
  });

  router.post('/saved-searches', async (req, res) => {
    const input = parseInput(SaveSearchSchema, req.body ?? {}, req.lng, req.t);
    const search = await saveSearch(req.user!, input, auditActorOf(req));
    res
      .status(201)
      .location(`/api/v1/saved-searches/${search.id}`)
      .json(savedSearchJson(req, search));
  });

  router.patch('/saved-searches/:id', async (req, res) => {
    const id = pathId(req, 'id', 'SAVED_SEARCH_NOT_FOUND');
    const input = parseInput(RenameSearchSchema, req.body ?? {}, req.lng, req.t);
    const search = await renameSavedSearch(req.user!, id, input, auditActorOf(req));
    res.json(savedSearchJson(req, search));
  });

  router.delete('/saved-searches/:id', async (req, res) => {
    await deleteSavedSearch(
      req.user!,
      pathId(req, 'id', 'SAVED_SEARCH_NOT_FOUND'),
      auditActorOf(req),
    );
    res.status(204).end();
  });
  return router;
}
