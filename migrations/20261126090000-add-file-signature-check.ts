import { DataTypes, type QueryInterface } from 'sequelize';

// What the signature check found in a file when it was received (Decree 30: the clerk checks the
// digital signature of an electronic document on arrival), kept with the document's file.
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('document_files', 'signatureCheck', { type: DataTypes.TEXT, allowNull: true });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeColumn('document_files', 'signatureCheck');
}
