/**
 * The search index of incoming documents (issue 11 §1): incoming_search_terms holds, for each
 * document, the terms of its folded search column ('meta') and of its files' texts ('text')
 * (searchIndexTerms in incoming.search-text.ts). A typed word is looked up by an index range on
 * (agencyId, term), so searching a whole archive no longer reads every document and file text.
 *
 *   writeSearchTerms(sequelize, rows, source, { replace, transaction })
 *     — the model after each write of the search column (same transaction), the text job after
 *       each file read, the migration's back-fill and the bench seed.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { searchIndexTerms } from './incoming.search-text.js';

export type TermSource = 'meta' | 'text';

export interface TermsOf {
  agencyId: number;
  documentId: number;
  /** The folded text (incoming_documents.searchText or document_texts.searchText). */
  folded: string;
}

/** Rows per INSERT: a statement each, well under both databases' parameter limits. */
const ROWS_PER_INSERT = 400;

/**
 * Writes the terms of each document's folded text under `source`. With `replace`, the document's
 * earlier terms of that source go first (an edit of its fields); without, terms are added to
 * what is there (a second file's text), a term already held being skipped.
 */
export async function writeSearchTerms(
  sequelize: Sequelize,
  docs: TermsOf[],
  source: TermSource,
  options: { replace?: boolean; transaction?: Transaction | null } = {},
): Promise<void> {
  const transaction = options.transaction ?? undefined;
  if (options.replace && docs.length) {
    await sequelize.query(
      `DELETE FROM incoming_search_terms WHERE source = ? AND documentId IN (${docs.map(() => '?').join(', ')})`,
      { replacements: [source, ...docs.map((d) => d.documentId)], transaction },
    );
  }
  const rows: unknown[][] = [];
  for (const doc of docs) {
    for (const term of searchIndexTerms(doc.folded)) {
      rows.push([doc.agencyId, term, doc.documentId, source]);
    }
  }
  const ignore = sequelize.getDialect() === 'sqlite' ? 'INSERT OR IGNORE' : 'INSERT IGNORE';
  for (let at = 0; at < rows.length; at += ROWS_PER_INSERT) {
    const chunk = rows.slice(at, at + ROWS_PER_INSERT);
    await sequelize.query(
      `${ignore} INTO incoming_search_terms (agencyId, term, documentId, source)
       VALUES ${chunk.map(() => '(?, ?, ?, ?)').join(', ')}`,
      { replacements: chunk.flat(), type: QueryTypes.INSERT, transaction },
    );
  }
}
