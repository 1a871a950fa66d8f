/**
 * Saved searches (tìm kiếm đã lưu): a person's own named queries of the incoming and outgoing
 * lists. Only the query is kept; the list reads its rows afresh, under what the person may see
 * when they open it.
 *   listSavedSearches(user, kind?) → SavedSearch[]                      by name
 *   savedSearchItems(user, kind) → SavedSearchItem[]                    by name (list pages)
 *   findOwnSavedSearch(user, id) → SavedSearch                          404 unless theirs
 *   saveSearch(user, SaveSearchInput, actor, options?) → SavedSearch    saved_search.create
 *   renameSavedSearch(user, id, RenameSearchInput, actor, options?)     saved_search.rename
 *   deleteSavedSearch(user, id, actor, options?)                        saved_search.delete
 * Someone else's search is not found (404), never forbidden: whether it exists is not told.
 */
import { Op, UniqueConstraintError, type Transaction } from 'sequelize';
import { recordAudit } from '../audit/audit.service.js';
import { db } from '../db/index.js';
import { rawSelect } from '../db/raw-select.js';
import { withTransaction, type TxOptions } from '../db/transaction.js';
import { AppError } from '../http/app-error.js';
import { authorize, can } from '../policy/index.js';
import { User } from '../users/user.model.js';
import { isListKind, normaliseListQuery, type ListKind } from './saved-search.lists.js';
import { SavedSearch } from './saved-search.model.js';
import type { RenameSearchInput, SaveSearchInput } from './saved-searches.schemas.js';

/** How many searches one person may keep (all lists together). */
export const SAVED_SEARCH_LIMIT = 50;
let limit = SAVED_SEARCH_LIMIT;
/** Another limit (tests: reaching it without fifty rows). */
export function setSavedSearchLimit(max: number = SAVED_SEARCH_LIMIT): void {
  limit = max;
}
export const savedSearchLimit = () => limit;

interface AuditActor {
  userId: number;
  ip: string | null;
}

/**
 * The name as compared for uniqueness: NFC, lower case, one space between words. "Quyết định"
 * and "quyết  định" are one name; "Quyet dinh" is another (its accents make other words).
 */
export const savedSearchNameKey = (name: string) =>
  name.normalize('NFC').toLocaleLowerCase('vi').replace(/\s+/g, ' ').trim();

/** The person's searches, of one list or of all, by name. */
export async function listSavedSearches(user: User, kind?: ListKind): Promise<SavedSearch[]> {
  const searches = await SavedSearch.findAll({
    where: { userId: user.id, ...(kind ? { listKind: kind } : {}) },
  });
  return searches.sort(byName);
}

/** What a list page's panel shows of a search. */
export interface SavedSearchItem {
  id: number;
  name: string;
  nameKey: string;
  query: string;
}

/**
 * The person's searches of one list, by name, as plain rows (every list page and search reads
 * them: without building a model instance each).
 */
export async function savedSearchItems(user: User, kind: ListKind): Promise<SavedSearchItem[]> {
  const rows = await rawSelect<SavedSearchItem>(
    db(),
    'SELECT id, name, nameKey, query FROM saved_searches WHERE userId = ? AND listKind = ?',
    [user.id, kind],
  );
  return rows.map((r) => ({ ...r, id: Number(r.id) })).sort(byName);
}

// In Vietnamese alphabetical order ("Đ" after "D"), not the bytes' order of nameKey.
const byName = (a: { nameKey: string; id: number }, b: { nameKey: string; id: number }) =>
  a.nameKey.localeCompare(b.nameKey, 'vi') || a.id - b.id;

/** One of the person's own searches; anyone else's, or none, is SAVED_SEARCH_NOT_FOUND (404). */
export async function findOwnSavedSearch(
  user: User,
  id: number,
  transaction?: Transaction,
): Promise<SavedSearch> {
  const search = await SavedSearch.findByPk(id, { transaction });
  if (!search || !can(user, 'saved_search.manage', search))
    throw new AppError('SAVED_SEARCH_NOT_FOUND', 404);
  return search;
}

const nameTaken = () =>
  new AppError('SAVED_SEARCH_NAME_TAKEN', 422, undefined, {
    name: 'errors:SAVED_SEARCH_NAME_TAKEN',
  });

async function refuseTakenName(
  userId: number,
  listKind: ListKind,
  nameKey: string,
  exceptId: number | undefined,
  transaction: Transaction,
) {
  const taken = await SavedSearch.findOne({
    where: { userId, listKind, nameKey, ...(exceptId ? { id: { [Op.ne]: exceptId } } : {}) },
    attributes: ['id'],
    transaction,
  });
  if (taken) throw nameTaken();
}

/** A name another request took meanwhile (the unique index) is the same refusal as one seen. */
async function uniqueName<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof UniqueConstraintError) throw nameTaken();
    throw err;
  }
}

/**
 * Saves the list's query under a name: the query is read again by the list's own schema
 * (normaliseListQuery), the name must be new among the person's searches of that list, and the
 * person may keep SAVED_SEARCH_LIMIT searches in all.
 */
export async function saveSearch(
  user: User,
  input: SaveSearchInput,
  actor: AuditActor,
  options?: TxOptions,
): Promise<SavedSearch> {
  if (!isListKind(input.list)) throw new AppError('SAVED_SEARCH_LIST_UNKNOWN', 422);
  const listKind = input.list;
  authorize(user, 'saved_search.create', { userId: user.id, listKind });
  const query = normaliseListQuery(listKind, input.query);
  const nameKey = savedSearchNameKey(input.name);
  return uniqueName(() =>
    withTransaction(db(), options, async (transaction) => {
      // The person's row, locked: two saves at once cannot both take the last place (MariaDB;
      // SQLite runs one writer at a time).
      await User.findByPk(user.id, {
        attributes: ['id'],
        transaction,
        lock: transaction.LOCK.UPDATE,
      });
      if ((await SavedSearch.count({ where: { userId: user.id }, transaction })) >= limit)
        throw new AppError('SAVED_SEARCH_LIMIT', 422, undefined, undefined, { count: limit });
      await refuseTakenName(user.id, listKind, nameKey, undefined, transaction);
      const search = await SavedSearch.create(
        { userId: user.id, listKind, name: input.name, nameKey, query },
        { transaction },
      );
      await recordAudit(
        {
          action: 'saved_search.create',
          ...actor,
          entityType: 'saved_search',
          entityId: search.id,
          details: { list: listKind, name: input.name, query },
        },
        { transaction },
      );
      return search;
    }),
  );
}

/** Gives one of the person's searches another name (new among their searches of its list). */
export async function renameSavedSearch(
  user: User,
  id: number,
  input: RenameSearchInput,
  actor: AuditActor,
  options?: TxOptions,
): Promise<SavedSearch> {
  const nameKey = savedSearchNameKey(input.name);
  return uniqueName(() =>
    withTransaction(db(), options, async (transaction) => {
      const search = await findOwnSavedSearch(user, id, transaction);
      if (search.name === input.name) return search;
      await refuseTakenName(user.id, search.listKind, nameKey, search.id, transaction);
      const before = search.name;
      await search.update({ name: input.name, nameKey }, { transaction });
      await recordAudit(
        {
          action: 'saved_search.rename',
          ...actor,
          entityType: 'saved_search',
          entityId: search.id,
          details: { list: search.listKind, name: [before, input.name] },
        },
        { transaction },
      );
      return search;
    }),
  );
}

/** Deletes one of the person's searches. */
export async function deleteSavedSearch(
  user: User,
  id: number,
  actor: AuditActor,
  options?: TxOptions,
): Promise<SavedSearch> {
  return withTransaction(db(), options, async (transaction) => {
    const search = await findOwnSavedSearch(user, id, transaction);
    await search.destroy({ transaction });
    await recordAudit(
      {
        action: 'saved_search.delete',
        ...actor,
        entityType: 'saved_search',
        entityId: search.id,
        details: { list: search.listKind, name: search.name, query: search.query },
      },
      { transaction },
    );
    return search;
  });
}
