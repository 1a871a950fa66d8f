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
  const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
  const pattern = mode === 'contains' ? `%${escaped}%` : `${escaped}%`;
  const quoted = sequelize.getQueryInterface().quoteIdentifier(column);
  // In MariaDB string literals a backslash is itself escaped; SQLite takes it as it is.
  const escapeChar = dialectOf(sequelize) === 'mysql' ? `'\\\\'` : `'\\'`;
  return sequelize.literal(`${quoted} LIKE ${sequelize.escape(pattern)} ESCAPE ${escapeChar}`);
}
