import { todayInVietnam } from '../calendar/working-days.js';
import { ChangeKeyedCache } from '../db/change-keyed-cache.js';
import type { Request, Response } from 'express';
import { KeptPages } from '../http/kept-pages.js';
import { authorize } from '../policy/index.js';
import type { User } from '../users/user.model.js';
import {
  incomingCounters,
  listIncoming,
  type IncomingCounters,
  type IncomingList,
  type IncomingSummary,
} from './incoming.queries.js';
import type { ListQuery } from './incoming.schemas.js';

/**
 * The list pages and the dashboard's figures, kept per process until the next audited change
 * (see ChangeKeyedCache). Besides the count of changes, a result depends on who asks (their row,
 * so a new role, department or clearance is seen at once) and on the day (overdue flags).
 * A clerk who reloads the list between two documents, or fifty people opening their queues at
 * nine, then cost one query each (the session's) instead of two or three.
 */
export class IncomingReadCache {
  private readonly lists: ChangeKeyedCache<IncomingList<IncomingSummary>>;
  private readonly counters: ChangeKeyedCache<IncomingCounters>;
  private readonly listPages: KeptPages;

  constructor(maxEntries: number) {
    this.lists = new ChangeKeyedCache(maxEntries);
    this.counters = new ChangeKeyedCache(maxEntries);
    this.listPages = new KeptPages(maxEntries);
  }

  /** listIncoming, from the cache when nothing has changed since it was computed. */
  list(
    user: User,
    query: ListQuery,
    changeCount: number | undefined,
  ): Promise<IncomingList<IncomingSummary>> {
    authorize(user, 'incoming.list');
    return this.lists.get(changeCount, listKey(user, query), () => listIncoming(user, query));
  }

  /**
   * Sends the list page as rendered for the same list and viewer, kept until the next change;
   * `model` builds the page from the list when it must be rendered.
   */
  renderList(
    req: Request,
    res: Response,
    query: ListQuery,
    model: (list: IncomingList<IncomingSummary>) => object,
  ): Promise<void> {
    const user = req.user!;
    authorize(user, 'incoming.list');
    return this.listPages.render(req, res, listKey(user, query), 'incoming/list', async () =>
      model(await this.list(user, query, req.changeCount)),
    );
  }

  /** incomingCounters, from the cache when nothing has changed since they were counted. */
  countersFor(user: User, changeCount: number | undefined): Promise<IncomingCounters> {
    return this.counters.get(changeCount, personKey(user), () => incomingCounters(user));
  }

  /** Results kept: lists, counters and rendered list pages (tests, diagnostics). */
  get size(): number {
    return this.lists.size + this.counters.size + this.listPages.size;
  }
}

const personKey = (user: User) => `${user.id}|${user.updatedAt.getTime()}|${todayInVietnam()}`;
const listKey = (user: User, query: ListQuery) => `${personKey(user)}|${JSON.stringify(query)}`;
