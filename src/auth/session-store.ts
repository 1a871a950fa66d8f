import session from 'express-session';
import connectSessionSequelize from 'connect-session-sequelize';
import { QueryTypes, type Sequelize } from 'sequelize';
import { serializeWrite } from '../db/transaction.js';
import { dateFromDb } from '../db/rows.js';

const SequelizeStore = connectSessionSequelize(session.Store);

/**
 * The sessions table through connect-session-sequelize, with one change: reading a session, which
 * every page does, is one prepared SELECT instead of a model query (a third of a page's cost in
 * Sequelize's query building). A session past its expiry reads as none, even before the
 * periodic clean-up deletes it. Writes (sign-in, flash, language) keep the library's code and
 * join the database's write queue.
 */
export class DatabaseSessionStore extends SequelizeStore {
  private readonly sequelize: Sequelize;

  constructor(sequelize: Sequelize, expirationMs: number) {
    super({
      db: sequelize,
      modelKey: 'Session',
      tableName: 'sessions',
      checkExpirationInterval: 15 * 60 * 1000,
      expiration: expirationMs,
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

  override get(sid: string, callback: (err: unknown, data?: session.SessionData | null) => void) {
    this.sequelize
      .query<{ data: string; expires: unknown }>(
        'SELECT data, expires FROM sessions WHERE sid = ?',
        { replacements: [sid], type: QueryTypes.SELECT },
      )
      .then(([row]) => {
        const expires = row ? dateFromDb(row.expires) : null;
        if (!row || (expires && expires.getTime() <= Date.now())) return callback(null, null);
        callback(null, JSON.parse(row.data) as session.SessionData);
      }, callback);
  }
}
