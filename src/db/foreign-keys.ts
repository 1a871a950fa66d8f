import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { dialectOf } from './sequelize.js';

/** One column of a table that refers to a column of another table by a declared foreign key. */
export interface ForeignKey {
  table: string;
  column: string;
  referencedTable: string;
  referencedColumn: string;
}

/**
 * Every foreign key of the database as its own catalogue declares it (SQLite: pragma
 * foreign_key_list of each table; MariaDB: information_schema.KEY_COLUMN_USAGE of the current
 * schema), so what refers to a table is what the migrations made, not a list kept by hand.
 */
export async function foreignKeys(
  sequelize: Sequelize,
  transaction?: Transaction,
): Promise<ForeignKey[]> {
  const sql =
    dialectOf(sequelize) === 'sqlite'
      ? `SELECT m.name AS "table", f."from" AS "column", f."table" AS referencedTable,
                f."to" AS referencedColumn
           FROM sqlite_master m, pragma_foreign_key_list(m.name) f
          WHERE m.type = 'table'`
      : `SELECT TABLE_NAME AS \`table\`, COLUMN_NAME AS \`column\`,
                REFERENCED_TABLE_NAME AS referencedTable, REFERENCED_COLUMN_NAME AS referencedColumn
           FROM information_schema.KEY_COLUMN_USAGE
          WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL`;
  const rows = await sequelize.query<ForeignKey>(sql, { type: QueryTypes.SELECT, transaction });
  return rows.map((r) => ({
    table: String(r.table),
    column: String(r.column),
    referencedTable: String(r.referencedTable),
    // SQLite leaves it out of a key declared as REFERENCES t alone: t's primary key, id here.
    referencedColumn: r.referencedColumn == null ? 'id' : String(r.referencedColumn),
  }));
}

/** The foreign keys that refer to this table. */
export async function foreignKeysTo(
  sequelize: Sequelize,
  table: string,
  transaction?: Transaction,
): Promise<ForeignKey[]> {
  return (await foreignKeys(sequelize, transaction)).filter((fk) => fk.referencedTable === table);
}
