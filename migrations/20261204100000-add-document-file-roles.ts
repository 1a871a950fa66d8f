import { DataTypes, type QueryInterface } from 'sequelize';

// A document's files have a role (its main file, an attachment, a signed revision of a file) and
// the main file has versions: each upload of a draft's main file is a new version, and earlier
// ones stay. Existing documents: the first file is the main one, the others attachments.
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('document_files', 'role', {
    type: DataTypes.STRING(20),
    allowNull: false,
    defaultValue: 'main',
  });
  await qi.addColumn('document_files', 'version', {
    type: DataTypes.INTEGER,
    allowNull: false,
    defaultValue: 1,
  });
  await qi.addColumn('document_files', 'signedFromId', {
    type: DataTypes.INTEGER,
    allowNull: true,
    references: { model: 'document_files', key: 'id' },
  });
  // The derived table lets MariaDB read the table it updates.
  await qi.sequelize.query(
    `UPDATE document_files SET role = 'attachment' WHERE id NOT IN (
       SELECT firstId FROM (
         SELECT MIN(id) AS firstId FROM document_files GROUP BY documentKind, documentId
       ) AS firsts)`,
  );
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeColumn('document_files', 'signedFromId');
  await qi.removeColumn('document_files', 'version');
  await qi.removeColumn('document_files', 'role');
}
