import type { Sequelize } from 'sequelize';
import { db } from './index.js';
import { dialectOf } from './sequelize.js';

/**
 * `column LIKE …` matching `text` literally (a typed % or _ is not a wildcard) on SQLite and
 * MariaDB alike: SQLite has no default LIKE escape character, so the clause names one.
 */
export function whereLike(
  column: string,
  text: string,
  mode: 'contains' | 'prefix' = 'contains',
  sequelize: Sequelize = db(),
) {
  const quoted = sequelize.getQueryInterface().quoteIdentifier(column);
  const { sql, params } = likeCondition(quoted, text, mode, sequelize);
  return sequelize.literal(sql.replace('?', () => sequelize.escape(params[0])));
}

/** The same as SQL text with a `?` for the pattern, for hand-written queries; `column` is SQL. */
export function likeCondition(
  column: string,
  text: string,
  mode: 'contains' | 'prefix' = 'contains',
  sequelize: Sequelize = db(),
): { sql: string; params: [string] } {
  const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
  const pattern = mode === 'contains' ? `%${escaped}%` : `${escaped}%`;
  // In MariaDB string literals a backslash is itself escaped; SQLite takes it as it is.
  const escapeChar = dialectOf(sequelize) === 'mysql' ? `'\\\\'` : `'\\'`;
  return { sql: `${column} LIKE ? ESCAPE ${escapeChar}`, params: [pattern] };
}
