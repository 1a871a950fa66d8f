/**
 * Search in the incoming lists (issue 11 §1): what a person types is folded like the stored
 * search columns (incoming.search-text.ts), split into words, and each word must begin a term of
 * the document's fields (subject, sender, number as printed and its pieces, arrival number,
 * signer, type) or of the text of one of its files, as the search index holds them
 * (incoming_search_terms, incoming.search-terms.ts). Each word is an index range read of its
 * agency's terms; the list's own conditions (tab, visibility) still apply to what it finds.
 * Words travel only as parameters.
 *
 *   incomingSearchCondition(q, alias, agencyId) → { sql, params } | null
 *   searchHighlights(rows, q) → Map<documentId, SearchHighlight>
 */
import { db } from '../db/index.js';
import { rawSelect } from '../db/raw-select.js';
import { highlightSnippet, searchTermRange, searchTerms } from './incoming.search-text.js';

export interface SearchCondition {
  sql: string;
  params: unknown[];
}

/**
 * The condition for a typed query on the documents aliased `alias`; null when nothing to find.
 * A document is found when every word begins one of its terms. A word that begins another word
 * of the query is dropped (the longer one's term begins it too), so the words' ranges are
 * disjoint. Two forms, by what the list reads:
 * - `fromCandidates` (a personal tab read from its candidates, a few hundred documents): a
 *   sub-select per word, which the database checks per candidate by the document's key;
 * - otherwise (an archive walking the agency's documents): one read of all the words' terms,
 *   grouped by document, materialised once (a derived table). Per word, MariaDB checked each of
 *   the agency's documents against each word's list: 'quyết định' over 40,000 documents took
 *   400 ms that way and 30 ms this one; but as a per-candidate check the grouped read scans
 *   every word's range again for each candidate (a specialist's search: 4 times slower).
 */
export function incomingSearchCondition(
  q: string | undefined,
  alias: string,
  agencyId: number,
  { fromCandidates = false }: { fromCandidates?: boolean } = {},
): SearchCondition | null {
  const words = searchTerms(q);
  if (words.length === 0) return null;
  const ranges = words
    .map(searchTermRange)
    .filter(
      (r, i, all) =>
        !all.some((o, j) => j !== i && o.from.startsWith(r.from) && (o.from !== r.from || j < i)),
    );
  const inRange = 's.term >= ? AND s.term < ?';
  const bounds = ranges.flatMap((r) => [r.from, r.to]);
  if (ranges.length === 1 || fromCandidates) {
    return {
      sql: ranges
        .map(
          () => `${alias}.id IN (SELECT s.documentId FROM incoming_search_terms s
                   WHERE s.agencyId = ? AND ${inRange})`,
        )
        .join(' AND '),
      params: ranges.flatMap((r) => [agencyId, r.from, r.to]),
    };
  }
  const which = ranges.map((_, i) => `WHEN ${inRange} THEN ${i}`).join(' ');
  return {
    sql: `${alias}.id IN (SELECT found.documentId FROM (SELECT s.documentId
            FROM incoming_search_terms s
            WHERE s.agencyId = ? AND (${ranges.map(() => `(${inRange})`).join(' OR ')})
            GROUP BY s.documentId HAVING COUNT(DISTINCT CASE ${which} END) = ${ranges.length}
          ) AS found)`,
    params: [agencyId, ...bounds, ...bounds],
  };
}

/** How much of a file's text an excerpt is looked for in (a page of 20 rows stays light). */
const EXCERPT_SOURCE_CHARS = 200_000;

export interface SearchHighlight {
  /** The subject as HTML with the words found in <mark>, or null when none is in it. */
  subject: string | null;
  /** An excerpt of a file's text around the words found, as HTML, and where it was read from. */
  text: string | null;
  source: 'text' | 'ocr' | null;
  fileName: string | null;
}

/**
 * Where the words were found, for a page of results: the subject highlighted, and the first
 * file text holding a word (in its first 200,000 characters) as an excerpt. Everything is HTML-escaped but the <mark>s.
 */
export async function searchHighlights(
  rows: Array<{ id: number; subject: string }>,
  q: string | undefined,
): Promise<Map<number, SearchHighlight>> {
  const found = new Map<number, SearchHighlight>();
  const terms = searchTerms(q);
  if (terms.length === 0 || rows.length === 0) return found;
  for (const row of rows) {
    found.set(row.id, {
      subject: highlightSnippet(row.subject, terms, 10_000),
      text: null,
      source: null,
      fileName: null,
    });
  }
  const placeholders = rows.map(() => '?').join(', ');
  const texts = await rawSelect<Record<string, unknown>>(
    db(),
    `SELECT t.documentId, t.source, SUBSTR(t.content, 1, ${EXCERPT_SOURCE_CHARS}) AS content,
            f.originalName FROM document_texts t
       JOIN document_files f ON f.id = t.fileId
      WHERE t.documentKind = 'incoming' AND t.documentId IN (${placeholders})
      ORDER BY t.documentId, t.fileId`,
    rows.map((r) => r.id),
  );
  for (const t of texts) {
    const entry = found.get(Number(t.documentId));
    if (!entry || entry.text) continue;
    const snippet = highlightSnippet(String(t.content), terms);
    if (!snippet) continue;
    entry.text = snippet;
    entry.source = t.source === 'ocr' ? 'ocr' : 'text';
    entry.fileName = String(t.originalName);
  }
  return found;
}
