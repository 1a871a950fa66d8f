import { DataTypes, QueryTypes, type QueryInterface } from 'sequelize';
import { outgoingSearchText, type OutgoingSearchFields } from '../src/outgoing/outgoing.search.js';

/*
 * The outgoing lists get a search (typed words, accents and case aside, the number as printed):
 * a folded search column the model keeps on every save; documents already stored are filled
 * here in batches.
 */
const BATCH = 500;

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const sequelize = qi.sequelize;
  await qi.addColumn('outgoing_documents', 'searchText', { type: DataTypes.TEXT, allowNull: true });
  let lastId = 0;
  for (;;) {
    const rows = await sequelize.query<OutgoingSearchFields & { id: number }>(
      `SELECT id, documentType, subject, summary, codeNumber, codeNotation, signerTitle,
              authorityName, recipientsNote, placeName
         FROM outgoing_documents WHERE id > ? ORDER BY id LIMIT ?`,
      { replacements: [lastId, BATCH], type: QueryTypes.SELECT },
    );
    if (rows.length === 0) break;
    for (const r of rows)
      await sequelize.query('UPDATE outgoing_documents SET searchText = ? WHERE id = ?', {
        replacements: [outgoingSearchText(r), r.id],
      });
    lastId = Number(rows[rows.length - 1].id);
  }
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.sequelize.query('ALTER TABLE outgoing_documents DROP COLUMN searchText');
}
