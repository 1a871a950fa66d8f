import type { QueryInterface } from 'sequelize';

/*
 * The incoming list's "all" tab of a specialist or a unit's head reads the documents they are
 * in the handling chain of, each part on an index: among them the documents they registered
 * (incoming_documents.createdById) and those granted to them (document_grants.userId). MariaDB
 * indexes both for their foreign keys; SQLite does not index a foreign key, so there they are
 * added here (a table scan each otherwise).
 */
const INDEXES = [
  { table: 'incoming_documents', column: 'createdById', name: 'incoming_documents_created_by' },
  { table: 'document_grants', column: 'userId', name: 'document_grants_user' },
];

async function leadingColumns(qi: QueryInterface, table: string): Promise<string[]> {
  const indexes = (await qi.showIndex(table)) as Array<{ fields?: Array<{ attribute: string }> }>;
  return indexes.map((index) => index.fields?.[0]?.attribute ?? '');
}

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  for (const { table, column, name } of INDEXES)
    if (!(await leadingColumns(qi, table)).includes(column))
      await qi.addIndex(table, [column], { name });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  for (const { table, name } of INDEXES) {
    const indexes = (await qi.showIndex(table)) as Array<{ name: string }>;
    if (indexes.some((index) => index.name === name)) await qi.removeIndex(table, name);
  }
}
