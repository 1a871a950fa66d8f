import { DataTypes, QueryTypes, type QueryInterface } from 'sequelize';
import { writeSearchTerms } from '../src/incoming/incoming.search-terms.js';

/*
 * The search index of incoming documents (issue 11 §1, §8): `LIKE '%word%'` over the folded
 * search column and the files' texts could use no index, so a search of a whole archive read
 * every document of the agency (3.9 s at p95 under bench:http). incoming_search_terms holds each
 * document's terms (searchIndexTerms: every word of the folded text, and its pieces after "/",
 * "-", …); a typed word matches the terms it begins, an index range on (agencyId, term).
 *
 * Not FULLTEXT / FTS5: InnoDB drops words shorter than 3 characters and its stop words ("về",
 * "số", "đi", "31") and FTS5's trigrams need 3 characters; this table finds "d" and "31" alike on
 * both databases. `term` compares bytewise (utf8mb4_bin on MariaDB, SQLite's BINARY), so the
 * range [word, word + 1) is exactly the terms beginning with the word.
 *
 * The primary key (documentId, source, term) serves an edit's rewrite of one document's terms
 * and a check of one document; documents and texts already stored are indexed here in batches.
 */
const BATCH = 500;

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const sequelize = qi.sequelize;
  await qi.createTable('incoming_search_terms', {
    documentId: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
    // 'meta': the document's own fields (its searchText); 'text': its files' texts.
    source: { type: DataTypes.STRING(4), allowNull: false, primaryKey: true },
    term: { type: DataTypes.STRING(64), allowNull: false, primaryKey: true },
    agencyId: { type: DataTypes.INTEGER, allowNull: false },
  });
  if (sequelize.getDialect() !== 'sqlite') {
    await sequelize.query(
      `ALTER TABLE incoming_search_terms
         MODIFY term VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL`,
    );
  }
  await qi.addIndex('incoming_search_terms', ['agencyId', 'term', 'documentId'], {
    name: 'incoming_search_terms_agency_term',
  });

  let lastId = 0;
  for (;;) {
    const rows = await sequelize.query<{ id: number; agencyId: number; searchText: string }>(
      `SELECT id, agencyId, searchText FROM incoming_documents WHERE id > ? ORDER BY id LIMIT ?`,
      { replacements: [lastId, BATCH], type: QueryTypes.SELECT },
    );
    if (rows.length === 0) break;
    await writeSearchTerms(
      sequelize,
      rows.map((r) => ({
        agencyId: Number(r.agencyId),
        documentId: Number(r.id),
        folded: String(r.searchText ?? ''),
      })),
      'meta',
    );
    lastId = Number(rows[rows.length - 1].id);
  }
  lastId = 0;
  for (;;) {
    // Texts are long: fewer at a time.
    const rows = await sequelize.query<{
      id: number;
      documentId: number;
      agencyId: number;
      searchText: string;
    }>(
      `SELECT t.id, t.documentId, d.agencyId, t.searchText FROM document_texts t
         JOIN incoming_documents d ON d.id = t.documentId
        WHERE t.documentKind = 'incoming' AND t.id > ? ORDER BY t.id LIMIT ?`,
      { replacements: [lastId, BATCH / 10], type: QueryTypes.SELECT },
    );
    if (rows.length === 0) break;
    await writeSearchTerms(
      sequelize,
      rows.map((r) => ({
        agencyId: Number(r.agencyId),
        documentId: Number(r.documentId),
        folded: String(r.searchText ?? ''),
      })),
      'text',
    );
    lastId = Number(rows[rows.length - 1].id);
  }
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('incoming_search_terms');
}
