import { DataTypes, type QueryInterface } from 'sequelize';

// Where a main version's signature, number and date go, and its first page's text, read once
// when the version is stored: signing and issuing then need no PDF parse of their own.
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('document_files', 'layout', { type: DataTypes.TEXT, allowNull: true });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  // Raw: Sequelize's removeColumn rebuilds SQLite tables and loses their composite indexes.
  await qi.sequelize.query('ALTER TABLE document_files DROP COLUMN layout');
}
