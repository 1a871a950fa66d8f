/**
 * Search in the incoming lists (issue 11 §1): what a person types is folded like the stored
 * search columns (incoming.search-text.ts), split into words, and each word must begin a term of
 * the document's fields (subject, sender, number as printed and its pieces, arrival number,
 * signer, type) or of the text of one of its files, as the search index holds them
 * (incoming_search_terms, incoming.search-terms.ts). Each word is an index range read of its
 * agency's terms; the list's own conditions (tab, visibility) still apply to what it finds.
 * Words travel only as parameters.
 *
 *   incomingSearchCondition(q, alias, agencyId) → { sql, params } | null  (the plain definition)
 *   searchWords(q, agencyId) → the words rarest first, with their terms (the list page's search)
 *   searchWordTests, searchWordJoins, searchWordDocuments → the SQL of its reads
 *   searchHighlights(rows, q) → Map<documentId, SearchHighlight>
 */
import { db } from '../db/index.js';
import { rawSelect } from '../db/raw-select.js';
import {
  highlightSnippet,
  searchTermRange,
  searchTerms,
  TERM_MAX_CHARS,
} from './incoming.search-text.js';

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
  const ranges = wordRanges(q);
  if (ranges.length === 0) return null;
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

/**
 * How the list page reads a search of an archive (incoming.queries.ts, searchArchivePage: its
 * page without counting and sorting every match), beside the plain definition above (which the
 * export and the API keep, with their exact totals):
 * - `rankedRows`: a word's index rows are counted up to this many, to find the rarest word
 *   (SQLite; MariaDB estimates them);
 * - `countBound`: a list page counts its matches up to this many and says "more than" past it
 *   ("hơn 200 văn bản": a person refines a search that finds more; the export counts them all).
 *   With 1,000, a unit head's or a clerk's search of their archive read up to five times more
 *   rows for the count than for the page: bench:http's search p95 was 700–715 ms at 1,000 and
 *   500–600 at 200, alternating in one session (bench/http/README.md, session 20).
 * Settable for tests (a few documents cross both).
 */
export const searchLimits = { rankedRows: 3000, countBound: 200 };
export function setSearchLimits(limits: Partial<typeof searchLimits> = {}): void {
  Object.assign(searchLimits, { rankedRows: 3000, countBound: 200 }, limits);
}

/** A word is tested per document, one index seek a term, when it begins at most this many. */
const TESTED_TERMS = 4;

/** A typed word as the index holds it, for the list page's search. */
export interface SearchWord {
  from: string;
  to: string;
  /** Its index rows in the agency, estimated or counted up to a bound (rangeRows); 0: none. */
  rows: number;
  /** The distinct terms it begins, or null when more than TESTED_TERMS. */
  terms: string[] | null;
}

/**
 * The words' ranges, a word dropped when another word begins with it (as above: "so" beside
 * "son"), the words cut to the terms' length first.
 */
function wordRanges(q: string | undefined): Array<{ from: string; to: string }> {
  const words = searchTerms(q).map((w) => Array.from(w).slice(0, TERM_MAX_CHARS).join(''));
  return words
    .filter((w, i) => !words.some((o, j) => j !== i && o.startsWith(w) && (o !== w || j < i)))
    .map(searchTermRange);
}

const TERMS = 'incoming_search_terms';

/**
 * How many index rows each range holds, as far as ranking the words needs: on MariaDB the
 * optimizer's estimate (EXPLAIN: a few index dives per range; counting a common word's rows cost
 * 1 ms a thousand), elsewhere a count up to searchLimits.rankedRows.
 */
async function rangeRows(
  ranges: Array<{ from: string; to: string }>,
  agencyId: number,
): Promise<number[]> {
  const params = ranges.flatMap(({ from, to }) => [agencyId, from, to]);
  const inRange = `FROM ${TERMS} WHERE agencyId = ? AND term >= ? AND term < ?`;
  if (db().getDialect() === 'mysql') {
    const plan = await rawSelect<{ id: unknown; rows: unknown }>(
      db(),
      `EXPLAIN ${ranges.map(() => `SELECT 1 ${inRange}`).join(' UNION ALL ')}`,
      params,
    );
    const rows = new Map(plan.map((p) => [Number(p.id), Number(p.rows)]));
    return ranges.map((_, i) => rows.get(i + 1) ?? 0);
  }
  const [row] = await rawSelect<Record<string, unknown>>(
    db(),
    `SELECT ${ranges
      .map(
        (_, i) =>
          `(SELECT COUNT(*) FROM (SELECT 1 AS one ${inRange} LIMIT ${searchLimits.rankedRows}) AS counted) AS n${i}`,
      )
      .join(', ')}`,
    params,
  );
  return ranges.map((_, i) => Number(row[`n${i}`]));
}

/**
 * The terms each range begins, up to one more than TESTED_TERMS, in one statement: on MariaDB
 * by a loose index scan; elsewhere each the least term after the one before (one index seek
 * each: SQLite's DISTINCT or GROUP BY reads every row of a common word).
 */
async function rangeTerms(
  ranges: Array<{ from: string; to: string }>,
  agencyId: number,
): Promise<string[][]> {
  if (db().getDialect() === 'mysql') {
    // MariaDB reads a range's distinct terms by a loose index scan (one seek a term, as below):
    // a third of the sub-selects' time.
    const rows = await rawSelect<{ word: unknown; term: unknown }>(
      db(),
      ranges
        .map(
          (_, i) => `(SELECT ${i} AS word, term FROM ${TERMS}
             WHERE agencyId = ? AND term >= ? AND term < ?
             GROUP BY agencyId, term LIMIT ${TESTED_TERMS + 1})`,
        )
        .join(' UNION ALL '),
      ranges.flatMap(({ from, to }) => [agencyId, from, to]),
    );
    return ranges.map((_, i) =>
      rows.filter((r) => Number(r.word) === i).map((r) => String(r.term)),
    );
  }
  const columns: string[] = [];
  const params: unknown[] = [];
  ranges.forEach(({ from, to }, i) => {
    let after = { sql: '', params: [] as unknown[] };
    for (let k = 0; k <= TESTED_TERMS; k += 1) {
      const next = after.sql
        ? {
            sql: `(SELECT MIN(term) FROM ${TERMS} WHERE agencyId = ? AND term > ${after.sql} AND term < ?)`,
            params: [agencyId, ...after.params, to],
          }
        : {
            sql: `(SELECT MIN(term) FROM ${TERMS} WHERE agencyId = ? AND term >= ? AND term < ?)`,
            params: [agencyId, from, to],
          };
      columns.push(`${next.sql} AS t${i}_${k}`);
      params.push(...next.params);
      after = next;
    }
  });
  const [row] = await rawSelect<Record<string, unknown>>(
    db(),
    `SELECT ${columns.join(', ')}`,
    params,
  );
  return ranges.map((_, i) => {
    const terms: string[] = [];
    for (let k = 0; k <= TESTED_TERMS; k += 1) {
      const term = row[`t${i}_${k}`];
      if (term != null) terms.push(String(term));
    }
    return terms;
  });
}

/**
 * The typed words, rarest first (fewest rows, then fewest terms, then the longest), with their
 * terms. Null when nothing is typed; a word of no terms (rows 0) is found in no document.
 * Without `ranked` (a list of few candidates, each tested anyway), rows are not looked up.
 */
export async function searchWords(
  q: string | undefined,
  agencyId: number,
  { ranked = true }: { ranked?: boolean } = {},
): Promise<SearchWord[] | null> {
  const ranges = wordRanges(q);
  if (ranges.length === 0) return null;
  // One word needs no ranking: its terms alone say whether any document holds it.
  const [rows, terms] = await Promise.all([
    ranked && ranges.length > 1 ? rangeRows(ranges, agencyId) : ranges.map(() => 1),
    rangeTerms(ranges, agencyId),
  ]);
  const words = ranges.map(({ from, to }, i): SearchWord => ({
    from,
    to,
    // An estimate may say 1 for an empty range: the terms tell.
    rows: terms[i].length === 0 ? 0 : Math.max(1, rows[i]),
    terms: terms[i].length > TESTED_TERMS ? null : terms[i],
  }));
  const width = (w: SearchWord) => w.terms?.length ?? TESTED_TERMS + 1;
  return words.sort(
    (a, b) => a.rows - b.rows || width(a) - width(b) || b.from.length - a.from.length,
  );
}

/**
 * Every word tested on the document `alias` by itself: one index seek per term of a word
 * (agencyId, term, documentId), the rarest word first, so a walk stops at the first word a
 * document lacks; a word of more terms as the set of its documents.
 */
export function searchWordTests(
  words: SearchWord[],
  alias: string,
  agencyId: number,
): SearchCondition {
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const word of words) {
    if (word.terms) {
      parts.push(
        `(${word.terms
          .map(
            () => `(SELECT 1 FROM ${TERMS} s WHERE s.agencyId = ? AND s.term = ?
                     AND s.documentId = ${alias}.id LIMIT 1) IS NOT NULL`,
          )
          .join(' OR ')})`,
      );
      params.push(...word.terms.flatMap((term) => [agencyId, term]));
    } else {
      parts.push(`${alias}.id IN (SELECT s.documentId FROM ${TERMS} s
                   WHERE s.agencyId = ? AND s.term >= ? AND s.term < ?)`);
      params.push(agencyId, word.from, word.to);
    }
  }
  return { sql: parts.length ? parts.join(' AND ') : '1=1', params };
}

/**
 * The words of one term as joins on the document `alias` (one index seek each, a third of a
 * per-document sub-select's cost on MariaDB), `join` being the join keyword that keeps the
 * order; the other words are left as tests. A join may repeat a document (a term of its fields
 * and of its files): the caller reads DISTINCT.
 */
export function searchWordJoins(
  words: SearchWord[],
  alias: string,
  agencyId: number,
  join: string,
): { sql: string; params: unknown[]; tested: SearchWord[] } {
  const joined = words.filter((w) => w.terms?.length === 1);
  return {
    sql: joined
      .map(
        (_, i) =>
          `${join} ${TERMS} w${i} ON w${i}.agencyId = ? AND w${i}.term = ? AND w${i}.documentId = ${alias}.id`,
      )
      .join(' '),
    params: joined.flatMap((w) => [agencyId, w.terms![0]]),
    tested: words.filter((w) => !joined.includes(w)),
  };
}

/** The documents holding `word`, once each, as a SELECT of `id` (a read of its index range). */
export function searchWordDocuments(word: SearchWord, agencyId: number): SearchCondition {
  return {
    sql: `SELECT DISTINCT s.documentId AS id FROM ${TERMS} s
           WHERE s.agencyId = ? AND s.term >= ? AND s.term < ?`,
    params: [agencyId, word.from, word.to],
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
  kind: 'incoming' | 'outgoing' = 'incoming',
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
  // Only the texts whose folded form holds a word are read and looked through: a document found
  // by its subject or number sends none of its files' text. Compared bytewise (both sides are
  // folded), which MariaDB does far faster than by the column's collation.
  const holds = (column: string) =>
    db().getDialect() === 'mysql'
      ? `INSTR(CAST(${column} AS BINARY), CAST(? AS BINARY)) > 0`
      : `INSTR(${column}, ?) > 0`;
  const texts = await rawSelect<Record<string, unknown>>(
    db(),
    `SELECT t.documentId, t.source, SUBSTR(t.content, 1, ${EXCERPT_SOURCE_CHARS}) AS content,
            f.originalName FROM document_texts t
       JOIN document_files f ON f.id = t.fileId
      WHERE t.documentKind = ? AND t.documentId IN (${placeholders})
        AND (${terms.map(() => holds('t.searchText')).join(' OR ')})
      ORDER BY t.documentId, t.fileId`,
    [kind, ...rows.map((r) => r.id), ...terms],
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
