import { DataTypes, QueryTypes, type QueryInterface } from 'sequelize';
import { foldedValue } from '../src/db/folded.js';

/*
 * Folded copies of the text columns the lists filter on (issue 11 §1): the incoming list's sender
 * ("Nơi gửi"), the meetings list's title, the directory's and the user list's names, titles and
 * department names. LIKE on the raw text was case- and accent-sensitive on SQLite and told đ from
 * d on MariaDB; the models keep these columns on every save (keepFolded), rows already stored are
 * folded here in batches.
 */
const COLUMNS: Array<{ table: string; folded: string; source: string; length: number }> = [
  { table: 'incoming_documents', folded: 'fromOrganFolded', source: 'fromOrganName', length: 255 },
  { table: 'meetings', folded: 'titleFolded', source: 'title', length: 500 },
  { table: 'users', folded: 'fullNameFolded', source: 'fullName', length: 255 },
  { table: 'users', folded: 'positionTitleFolded', source: 'positionTitle', length: 255 },
  { table: 'departments', folded: 'nameFolded', source: 'name', length: 255 },
];
const BATCH = 500;

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const sequelize = qi.sequelize;
  for (const c of COLUMNS)
    await qi.addColumn(c.table, c.folded, { type: DataTypes.STRING(c.length), allowNull: true });
  for (const c of COLUMNS) {
    let lastId = 0;
    for (;;) {
      const rows = await sequelize.query<{ id: number; text: string | null }>(
        `SELECT id, ${c.source} AS text FROM ${c.table} WHERE id > ? ORDER BY id LIMIT ?`,
        { replacements: [lastId, BATCH], type: QueryTypes.SELECT },
      );
      if (rows.length === 0) break;
      for (const r of rows)
        await sequelize.query(`UPDATE ${c.table} SET ${c.folded} = ? WHERE id = ?`, {
          replacements: [foldedValue(r.text, c.length), r.id],
        });
      lastId = Number(rows[rows.length - 1].id);
    }
  }
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  // Plain DROP COLUMN (SQLite 3.35+, MariaDB): Sequelize's SQLite removeColumn copies and drops
  // the whole table, which the foreign keys to users and departments refuse once rows exist.
  for (const c of [...COLUMNS].reverse())
    await qi.sequelize.query(`ALTER TABLE ${c.table} DROP COLUMN ${c.folded}`);
}
