/**
 * The outgoing lists read with their filters (OutgoingFiltersSchema, one definition for the pages,
 * their XLSX export and the API): typed words (the folded search text, outgoing.search.ts, and the
 * text of its files, outgoing.texts.ts), the document type and the day of issue
 * (promulgationDate, from–to). Each tab of the list is the view rule plus these, newest first, a
 * page at a time.
 */
import { Op, type WhereOptions } from 'sequelize';
import { ApprovalFlow } from '../approvals/approval.model.js';
import { db } from '../db/index.js';
import { likeCondition } from '../db/like.js';
import { searchTerms } from '../incoming/incoming.search-text.js';
import type { User } from '../users/user.model.js';
import { OutgoingDocument } from './outgoing.model.js';
import type { OutgoingFilters } from './outgoing.schemas.js';
import { outgoingTabWhere, type OutgoingTab } from './outgoing.visibility.js';

/** Rows on one page of an outgoing list. */
export const OUTGOING_PAGE_SIZE = 25;

/** Whether any filter narrows the list. */
export const isFiltered = (f: OutgoingFilters): boolean => Boolean(f.q || f.type || f.from || f.to);

/**
 * Each typed word, folded, in the document's own search text or in the text read from one of
 * its files (its main file's current version, its attachments: outgoing.texts.ts), as SQL on
 * OutgoingDocument (the alias of the model's queries). Outgoing documents are counted in
 * thousands a year: a LIKE per word is enough, and a file's text is read only for a document
 * whose fields lack the word.
 */
function wordsWhere(q: string) {
  const sequelize = db();
  const quote = (name: string) => sequelize.getQueryInterface().quoteIdentifier(name);
  const words = searchTerms(q);
  // Nothing left to look for (only spaces or control characters typed): no row is ruled out.
  if (words.length === 0) return sequelize.literal('1 = 1');
  const inline = ({ sql, params }: { sql: string; params: [string] }) =>
    sql.replace('?', () => sequelize.escape(params[0]));
  const fields = `${quote('OutgoingDocument')}.${quote('searchText')}`;
  const id = `${quote('OutgoingDocument')}.${quote('id')}`;
  return sequelize.literal(
    words
      .map(
        (word) =>
          `(${inline(likeCondition(fields, word))} OR EXISTS (SELECT 1 FROM document_texts t
             WHERE t.documentKind = 'outgoing' AND t.documentId = ${id}
               AND ${inline(likeCondition('t.searchText', word))}))`,
      )
      .join(' AND '),
  );
}

/** The filters as a where-clause on OutgoingDocument. */
export function filtersWhere(f: OutgoingFilters): WhereOptions {
  const parts: WhereOptions[] = [];
  if (f.q) parts.push(wordsWhere(f.q));
  if (f.type) parts.push({ documentType: f.type });
  if (f.from) parts.push({ promulgationDate: { [Op.gte]: f.from } });
  if (f.to) parts.push({ promulgationDate: { [Op.lte]: f.to } });
  return { [Op.and]: parts };
}

export interface ListedOutgoing {
  document: OutgoingDocument;
  /** The status of its latest approval chain, for the status people read (statusKeyOf). */
  flowStatus: string | null;
}

/** Each submitted document's latest chain status, read in one statement. */
async function withFlowStatus(docs: OutgoingDocument[]): Promise<ListedOutgoing[]> {
  const submitted = docs.filter((d) => d.status === 'in_approval').map((d) => d.id);
  const flows = submitted.length
    ? await ApprovalFlow.findAll({
        where: { documentKind: 'outgoing', documentId: submitted },
        attributes: ['id', 'documentId', 'status'],
        order: [['id', 'ASC']],
      })
    : [];
  const latest = new Map(flows.map((f) => [f.documentId, f.status as string]));
  return docs.map((document) => ({ document, flowStatus: latest.get(document.id) ?? null }));
}

async function whereOf(user: User, tab: OutgoingTab, filters: OutgoingFilters) {
  return { [Op.and]: [await outgoingTabWhere(user, tab), filtersWhere(filters)] };
}

/** Up to `limit` documents of a tab, filtered, newest first (the dashboard, the export). */
export async function listOutgoing(
  user: User,
  tab: OutgoingTab,
  limit = 100,
  filters: OutgoingFilters = {},
): Promise<ListedOutgoing[]> {
  const docs = await OutgoingDocument.findAll({
    where: await whereOf(user, tab, filters),
    order: [['id', 'DESC']],
    limit,
  });
  return withFlowStatus(docs);
}

/** One page of a tab, filtered, newest first, with the number of documents in all. */
export async function outgoingPage(
  user: User,
  tab: OutgoingTab,
  filters: OutgoingFilters,
  page: number,
  pageSize = OUTGOING_PAGE_SIZE,
): Promise<{ rows: ListedOutgoing[]; total: number; page: number; pages: number }> {
  const where = await whereOf(user, tab, filters);
  const [total, docs] = await Promise.all([
    OutgoingDocument.count({ where }),
    OutgoingDocument.findAll({
      where,
      order: [['id', 'DESC']],
      limit: pageSize,
      offset: (page - 1) * pageSize,
    }),
  ]);
  return {
    rows: await withFlowStatus(docs),
    total,
    page,
    pages: Math.max(1, Math.ceil(total / pageSize)),
  };
}
