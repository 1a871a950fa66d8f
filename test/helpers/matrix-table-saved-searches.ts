/**
 * Policy matrix entries of saved searches (tìm kiếm đã lưu): whoever may open a list saves
 * searches of it from its page; the management page is everyone's own; a search is opened,
 * renamed and deleted by its owner only (everyone else, of any role or agency, finds none).
 */
import { randomUUID } from 'node:crypto';
import { SavedSearch } from '../../src/saved-searches/saved-search.model.js';
import { savedSearchNameKey } from '../../src/saved-searches/saved-searches.service.js';
import type { ActorName, MatrixWorld, SignedInActor } from './matrix-actors.js';
import type { MatrixEntry, Prepared } from './matrix-runner.js';

/** Who may open the incoming and the outgoing lists, and so keep searches of them. */
const LIST_USERS: ActorName[] = [
  'clerk',
  'leader',
  'deptHead',
  'specialist',
  'otherSpecialist',
  'foreignClerk',
];

const QUERY = `tab=all&q=${encodeURIComponent('ngân sách')}&status=registered`;

/** A search of the clerk's: the one every other actor must not reach. */
async function clerksSearch(w: MatrixWorld): Promise<SavedSearch> {
  const name = `Tìm kiếm của văn thư ${randomUUID().slice(0, 8)}`;
  return SavedSearch.create({
    userId: w.users.clerk.id,
    listKind: 'incoming',
    name,
    nameKey: savedSearchNameKey(name),
    query: QUERY,
  });
}

const snapshot = (id: number) => async () =>
  (await SavedSearch.findByPk(id))?.get({ plain: true }) ?? null;

/** Saving from a list page: the actor's own count (the clerk's for the refused ones). */
const saveFrom =
  (query: string) =>
  async (w: MatrixWorld, actor: ActorName | null): Promise<Prepared> => {
    const owner = w.users[(actor && actor !== 'anonymous' ? actor : 'clerk') as SignedInActor];
    return {
      body: { name: `Tìm kiếm ${randomUUID().slice(0, 8)}`, query },
      state: () => SavedSearch.count({ where: { userId: owner.id } }),
    };
  };

const opensTheList = (res: { status: number; headers: Record<string, string> }) =>
  res.status === 303 && res.headers.location === `/incoming?${QUERY}`
    ? null
    : `expected 303 → /incoming?${QUERY}, got ${res.status} → ${res.headers.location ?? ''}`;

export const savedSearchEntries: MatrixEntry[] = [
  { method: 'GET', path: '/saved-searches', cases: [{ allowed: LIST_USERS }] },
  {
    method: 'GET',
    path: '/saved-searches/:id',
    cases: [
      {
        label: "the clerk's own search",
        allowed: ['clerk'],
        allowedCheck: opensTheList,
        prepare: async (w) => ({ params: { id: (await clerksSearch(w)).id } }),
      },
    ],
  },
  {
    method: 'POST',
    path: '/incoming/saved-searches',
    cases: [{ label: 'the list as shown', allowed: LIST_USERS, prepare: saveFrom(QUERY) }],
  },
  {
    method: 'POST',
    path: '/outgoing/saved-searches',
    cases: [{ label: 'the tab shown', allowed: LIST_USERS, prepare: saveFrom('tab=issued') }],
  },
  {
    method: 'POST',
    path: '/saved-searches/:id',
    cases: [
      {
        label: 'the clerk renames their own search',
        allowed: ['clerk'],
        prepare: async (w) => {
          const search = await clerksSearch(w);
          return {
            params: { id: search.id },
            body: { name: `${search.name} (đổi tên)` },
            state: snapshot(search.id),
          };
        },
      },
    ],
  },
  {
    method: 'POST',
    path: '/saved-searches/:id/delete',
    cases: [
      {
        label: 'the clerk deletes their own search',
        allowed: ['clerk'],
        prepare: async (w) => {
          const search = await clerksSearch(w);
          return { params: { id: search.id }, body: {}, state: snapshot(search.id) };
        },
      },
    ],
  },
  // The JSON API's twins, through the same service and policy.
  { method: 'GET', path: '/api/v1/saved-searches', cases: [{ allowed: LIST_USERS }] },
  {
    method: 'POST',
    path: '/api/v1/saved-searches',
    cases: [
      {
        label: 'a list the caller may open',
        allowed: LIST_USERS,
        prepare: async (w, actor) => {
          const prep = await saveFrom(QUERY)(w, actor);
          return { ...prep, body: { ...prep.body, list: 'incoming' } };
        },
      },
    ],
  },
  {
    method: 'PATCH',
    path: '/api/v1/saved-searches/:id',
    cases: [
      {
        label: 'the clerk renames their own search',
        allowed: ['clerk'],
        prepare: async (w) => {
          const search = await clerksSearch(w);
          return {
            params: { id: search.id },
            body: { name: 'Tên mới qua API' },
            state: snapshot(search.id),
          };
        },
      },
    ],
  },
  {
    method: 'DELETE',
    path: '/api/v1/saved-searches/:id',
    cases: [
      {
        label: 'the clerk deletes their own search',
        allowed: ['clerk'],
        prepare: async (w) => {
          const search = await clerksSearch(w);
          return { params: { id: search.id }, state: snapshot(search.id) };
        },
      },
    ],
  },
];
