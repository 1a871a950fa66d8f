import type { Request } from 'express';
import session from 'express-session';
import connectSessionSequelize from 'connect-session-sequelize';
import DataLoader from 'dataloader';
import type { Sequelize } from 'sequelize';
import { serializeWrite } from '../db/transaction.js';
import { rawSelect } from '../db/raw-select.js';
import { dateFromDb } from '../db/rows.js';
import { hydrate } from '../db/hydrate.js';
import { User } from '../users/user.model.js';

const SequelizeStore = connectSessionSequelize(session.Store);

/** What the session read found about its user, handed to loadSessionUser through the request. */
export interface SessionUser {
  user: User;
  unreadCount: number;
}

// Carries the user from get() to createSession(); a symbol, so it is never saved with the session.
const FOUND_USER = Symbol('sessionUser');
type StoredSession = session.SessionData & { [FOUND_USER]?: SessionUser | null };

/** A session's row with its user's columns, their roles and the bell's count. */
type SessionRow = Record<string, unknown> & {
  sessionId: unknown;
  sessionData: unknown;
  sessionExpires: unknown;
  unreadCount: unknown;
  roleNames: unknown;
};

/**
 * The sessions table through connect-session-sequelize, with each row also naming its user
 * (sessions.userId, kept by the library's extendDefaultFields). Every page needs the session,
 * its user and the bell's unread count; reading them (with the user's roles) is one SELECT here
 * instead of four queries, since on a page a round trip to the database costs more than the
 * query itself.
 * The unread count is the one users' rows keep (triggers on notifications keep it exact).
 * A session past its expiry reads as none, even before the periodic clean-up deletes it. Writes
 * (sign-in, flash, language) keep the library's code and join the database's write queue.
 */
export class DatabaseSessionStore extends SequelizeStore {
  private readonly sequelize: Sequelize;

  constructor(sequelize: Sequelize, expirationMs: number) {
    super({
      db: sequelize,
      table: 'Session',
      checkExpirationInterval: 15 * 60 * 1000,
      expiration: expirationMs,
      extendDefaultFields: (defaults: object, data: session.SessionData) => ({
        ...defaults,
        userId: data.userId ?? null,
      }),
    });
    this.sequelize = sequelize;
    // Without touch the store is not updated on every request; expiry stays as set at sign-in.
    (this as { touch?: unknown }).touch = undefined;
    for (const method of ['set', 'destroy'] as const) {
      const original = (this[method] as (...args: unknown[]) => unknown).bind(this);
      (this as Record<string, unknown>)[method] = (...args: unknown[]) => {
        const callback = args.pop() as (err?: unknown) => void;
        void serializeWrite(
          sequelize,
          () =>
            new Promise<void>((resolve) =>
              original(...args, (err?: unknown) => (callback(err), resolve())),
            ),
        );
      };
    }
  }

  // The session reads of requests that arrive together, as one SELECT (see readSessions).
  private readonly reads = new DataLoader<string, SessionRow | null>(
    (sids) => this.readSessions(sids),
    {
      cache: false,
      maxBatchSize: 200,
      // After the I/O callbacks of this turn: requests arrive each in its own callback.
      batchScheduleFn: (dispatch) => setImmediate(dispatch),
    },
  );

  override get(sid: string, callback: (err: unknown, data?: session.SessionData | null) => void) {
    this.reads.load(sid).then((row) => {
      if (!row) return callback(null, null);
      const {
        sessionId: _sid,
        sessionData,
        sessionExpires,
        unreadCount,
        roleNames,
        ...userColumns
      } = row;
      const expires = dateFromDb(sessionExpires);
      if (expires && expires.getTime() <= Date.now()) return callback(null, null);
      // Each request gets its own session and user, even when it shares the row with another.
      const data = JSON.parse(String(sessionData)) as StoredSession;
      data[FOUND_USER] =
        userColumns.id == null
          ? null
          : {
              user: hydrate(User, userColumns).withLoadedRoles(String(roleNames ?? '').split(',')),
              unreadCount: Number(unreadCount ?? 0),
            };
      callback(null, data);
    }, callback);
  }

  /**
   * Reads the sessions asked for during one turn of the event loop in one SELECT, each after its
   * request arrived, so none is older than its request; under load, one round trip serves many
   * requests instead of one each (a round trip costs more than the rows).
   */
  private async readSessions(sids: readonly string[]): Promise<(SessionRow | null)[]> {
    const distinct = [...new Set(sids)];
    const rows = await rawSelect<SessionRow>(
      this.sequelize,
      `SELECT s.sid AS sessionId, s.data AS sessionData, s.expires AS sessionExpires, users.*,
         (SELECT nu.unread FROM notification_unread AS nu WHERE nu.userId = users.id) AS unreadCount,
         (SELECT GROUP_CONCAT(r.role) FROM user_roles AS r WHERE r.userId = users.id) AS roleNames
       FROM sessions AS s
         LEFT JOIN users ON users.id = s.userId
       WHERE s.sid IN (${distinct.map(() => '?').join(', ')})`,
      distinct,
    );
    const bySid = new Map(rows.map((row) => [String(row.sessionId), row]));
    return sids.map((sid) => bySid.get(sid) ?? null);
  }

  /** express-session builds req.session here, with the request at hand: the user goes on it. */
  override createSession(
    req: Request,
    data: session.SessionData,
  ): session.Session & session.SessionData {
    const stored = data as StoredSession;
    if (FOUND_USER in stored) {
      req.sessionUser = stored[FOUND_USER] ?? null;
      delete stored[FOUND_USER];
    }
    return super.createSession(req, data);
  }
}
