import type { QueryInterface } from 'sequelize';

/*
 * Prefix terms in the incoming search index (incoming.search-text.ts, SHORT_WORD_CHARS): a typed
 * word of 1 to 3 characters ("so", "tu", "d") begins hundreds of distinct terms, and with files'
 * texts nearly every document holds one; looking such a word up read every row of its range
 * (20–70 ms of MariaDB's time per search on bench:http's seed). Each beginning of 1 to 3
 * characters of a document's terms is now a term of its own ("\u0001so\u0001"), which a short
 * word looks up as one term. The model and the text job write them from now on; here they are
 * added for the terms already held, a range of documents at a time.
 */
const DOCUMENTS_PER_STEP = 2000;

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const sequelize = qi.sequelize;
  const mysql = sequelize.getDialect() !== 'sqlite';
  const mark = mysql ? 'CHAR(1 USING utf8mb4)' : 'char(1)';
  const prefix = (n: number) =>
    mysql
      ? `CONCAT(${mark}, LEFT(term, ${n}), ${mark})`
      : `${mark} || substr(term, 1, ${n}) || ${mark}`;
  const insert = mysql ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
  const [[range]] = (await sequelize.query(
    'SELECT MIN(documentId) AS low, MAX(documentId) AS high FROM incoming_search_terms',
  )) as [Array<{ low: number | null; high: number | null }>, unknown];
  if (range?.low == null || range.high == null) return;
  for (let from = Number(range.low); from <= Number(range.high); from += DOCUMENTS_PER_STEP) {
    for (let n = 1; n <= 3; n += 1) {
      await sequelize.query(
        `${insert} INTO incoming_search_terms (agencyId, term, documentId, source)
         SELECT DISTINCT agencyId, ${prefix(n)}, documentId, source FROM incoming_search_terms
          WHERE documentId >= ? AND documentId < ? AND term >= ' ' AND ${mysql ? 'CHAR_LENGTH' : 'length'}(term) >= ?`,
        { replacements: [from, from + DOCUMENTS_PER_STEP, n] },
      );
    }
  }
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.sequelize.query(`DELETE FROM incoming_search_terms WHERE term < ' '`);
}
