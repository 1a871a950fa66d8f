import { can, defineRules } from '../policy/policy.js';
import { LIST_KINDS, listActionOf, type ListKind } from './saved-search.lists.js';

interface SavedSearchSubject {
  userId: number;
  listKind: ListKind;
}

// Saved searches are personal: a person keeps searches of the lists they may open, and nobody
// else sees, opens, renames or deletes them (the routes answer 404 for another's, never 403).
// Opening one opens the list, which shows what the person may see at that moment.
defineRules({
  'saved_search.list': (user) => LIST_KINDS.some((kind) => can(user, listActionOf(kind))),
  'saved_search.create': (user, s: SavedSearchSubject) =>
    s.userId === user.id && can(user, listActionOf(s.listKind)),
  'saved_search.manage': (user, s: SavedSearchSubject) => s.userId === user.id,
});
