import { LRUCache } from 'lru-cache';

/**
 * Results computed from the database, kept in this process for as long as the data they come
 * from is unchanged: each is stored under the audit chain's count of changes (isChangeAction),
 * which every committed change moves, and the caller's key (who asks, what, which day).
 *
 * - A newer count empties the cache: what was kept describes data that has since changed.
 * - An older count (a request that read it before a change committed) is answered without the
 *   cache, so a result from before the change is never kept beside newer ones.
 * - Concurrent requests for a missing entry share one computation; a failed one is not kept.
 * - Kept values are shared between requests, so they are frozen: a caller can't change another's
 *   (bytes, which can't be, are only read).
 * - Without a count (a caller that did not read one) or with no room, nothing is cached.
 */
export class ChangeKeyedCache<T extends object> {
  private readonly entries: LRUCache<string, Promise<T>> | null;
  private latest = -1;

  constructor(maxEntries: number) {
    this.entries = maxEntries > 0 ? new LRUCache<string, Promise<T>>({ max: maxEntries }) : null;
  }

  get(changeCount: number | undefined, key: string, compute: () => Promise<T>): Promise<T> {
    const entries = this.entries;
    if (!entries || changeCount === undefined || !Number.isSafeInteger(changeCount))
      return compute();
    if (changeCount > this.latest) {
      entries.clear();
      this.latest = changeCount;
    } else if (changeCount < this.latest) return compute();
    const found = entries.get(key);
    if (found) return found;
    const pending = compute().then(deepFreeze);
    entries.set(key, pending);
    pending.catch(() => {
      if (entries.get(key) === pending) entries.delete(key);
    });
    return pending;
  }

  /** How many results are kept (for tests and diagnostics). */
  get size(): number {
    return this.entries?.size ?? 0;
  }
}

function deepFreeze<T>(value: T): T {
  // Bytes can't be frozen (a rendered page's body): they are kept as they are, for reading.
  if (ArrayBuffer.isView(value)) return value;
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
