import { DataTypes, QueryTypes, type QueryInterface } from 'sequelize';
import { nameSortKey } from '../src/users/name-order.js';

/*
 * People in Vietnamese order (src/users/name-order.ts): a sort key of each user's name, tên first,
 * so the lists that page in the database (the user list, the pickers) order people as an office
 * does. The model keeps it on every save; the users already stored get theirs here in batches.
 */
const BATCH = 500;

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const sequelize = qi.sequelize;
  await qi.addColumn('users', 'nameSortKey', { type: DataTypes.STRING(255), allowNull: true });
  let lastId = 0;
  for (;;) {
    const rows = await sequelize.query<{ id: number; fullName: string }>(
      'SELECT id, fullName FROM users WHERE id > ? ORDER BY id LIMIT ?',
      { replacements: [lastId, BATCH], type: QueryTypes.SELECT },
    );
    if (rows.length === 0) break;
    for (const r of rows)
      await sequelize.query('UPDATE users SET nameSortKey = ? WHERE id = ?', {
        replacements: [nameSortKey(r.fullName), r.id],
      });
    lastId = Number(rows[rows.length - 1].id);
  }
  // On the key alone: MariaDB would take an index led by agencyId for the agency's foreign key,
  // and then refuse to drop it when the migration is undone.
  await qi.addIndex('users', ['nameSortKey'], { name: 'users_name_order' });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeIndex('users', 'users_name_order');
  // Plain DROP COLUMN (SQLite 3.35+, MariaDB): Sequelize's SQLite removeColumn copies the table.
  await qi.sequelize.query('ALTER TABLE users DROP COLUMN nameSortKey');
}
