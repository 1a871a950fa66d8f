/**
 * Folded copies of text columns, for filters people type Vietnamese into ("so tai chinh" finds
 * "Sở Tài chính", "dak lak" finds "Đắk Lắk"): LIKE on the raw text is case- and accent-sensitive
 * on SQLite and treats đ and d apart on MariaDB. A model keeps each folded column from its source
 * on every save (keepFolded); a filter folds what was typed the same way and looks for each of its
 * words, like the main search (whereFoldedLike).
 */
import { Op, type Model, type ModelStatic, type Sequelize } from 'sequelize';
import { foldSearchText, searchTerms } from '../incoming/incoming.search-text.js';
import { db } from './index.js';
import { likeCondition, whereLike } from './like.js';

/** Folded column name → the column it folds. */
export type FoldedColumns = Record<string, string>;

/** The folded value stored for a source text (cut to the column's length). */
export const foldedValue = (text: unknown, max = 255): string | null =>
  text == null ? null : foldSearchText(String(text)).slice(0, max);

/** A stored column derived from another: its source column and how it is made from it. */
export type DerivedColumns = Record<string, { from: string; value: (text: unknown) => unknown }>;

/** Keeps `columns` (derived → source) of `model` up to date on every save and bulk create. */
export function keepDerived<M extends Model>(model: ModelStatic<M>, columns: DerivedColumns): void {
  const keep = (row: M, options?: { fields?: string[] }) => {
    for (const [derived, { from, value: make }] of Object.entries(columns)) {
      const value = make(row.get(from));
      if (row.get(derived) === value) continue;
      row.set(derived as never, value as never);
      // instance.update() saves only the fields it was given: the derived copy goes with its source.
      if (options?.fields && !options.fields.includes(derived)) options.fields.push(derived);
    }
  };
  model.addHook('beforeSave', (row: M, options: { fields?: string[] }) => keep(row, options));
  model.addHook('beforeBulkCreate', (rows: M[]) => rows.forEach((row) => keep(row)));
}

/** Keeps `columns` (folded → source) of `model` up to date on every save and bulk create. */
export function keepFolded<M extends Model>(
  model: ModelStatic<M>,
  columns: FoldedColumns,
  max = 255,
): void {
  keepDerived(
    model,
    Object.fromEntries(
      Object.entries(columns).map(([folded, from]) => [
        folded,
        { from, value: (text: unknown) => foldedValue(text, max) },
      ]),
    ),
  );
}

/** The folded words of what was typed (at most 8): each must be in the folded column. */
const wordsOf = (text: string) => searchTerms(text);

/** Each typed word, folded, in the folded column (`folded LIKE %word%` AND …): a where-clause. */
export function whereFoldedLike(foldedColumn: string, text: string, sequelize: Sequelize = db()) {
  const words = wordsOf(text);
  // Nothing left to look for (only spaces or control characters typed): no row is ruled out.
  if (words.length === 0) return sequelize.literal('1 = 1');
  return { [Op.and]: words.map((w) => whereLike(foldedColumn, w, 'contains', sequelize)) };
}

/** The same as SQL with a `?` per word, for hand-written queries; `column` is SQL. */
export function foldedLikeCondition(
  column: string,
  text: string,
): { sql: string; params: string[] } {
  const parts = wordsOf(text).map((w) => likeCondition(column, w));
  if (parts.length === 0) return { sql: '1 = 1', params: [] };
  return {
    sql: `(${parts.map((p) => p.sql).join(' AND ')})`,
    params: parts.flatMap((p) => p.params),
  };
}
