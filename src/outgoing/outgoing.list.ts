/**
 * The outgoing lists' filters, one definition for the pages, their XLSX export and the API: typed
 * words (the folded search text, outgoing.search.ts), the document type and the day of issue
 * (promulgationDate, from–to). Each tab of the list is the view rule plus these, newest first,
 * a page at a time.
 */
import { Op, type WhereOptions } from 'sequelize';
import { z } from 'zod';
import { ApprovalFlow } from '../approvals/approval.model.js';
import { whereFoldedLike } from '../db/folded.js';
import { DOCUMENT_TYPE_CODES } from '../documents/document-types.js';
import { isoDate } from '../http/form-fields.js';
import type { User } from '../users/user.model.js';
import { OutgoingDocument } from './outgoing.model.js';
import { outgoingTabWhere, type OutgoingTab } from './outgoing.visibility.js';

/** The tabs of the list page (the chain's own queue, to_approve, is on the approvals page). */
export const OUTGOING_PAGE_TABS = ['mine', 'to_sign', 'to_issue', 'issued', 'all'] as const;
export type OutgoingPageTab = (typeof OUTGOING_PAGE_TABS)[number];

/** Rows on one page of an outgoing list. */
export const OUTGOING_PAGE_SIZE = 25;

const typed = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim().slice(0, 100) || undefined : undefined),
  z.string().optional(),
);

/**
 * The filters from a query string. An unknown type or a blank is no filter (a stale link still
 * lists); a date that is not one is refused with its message, as on the incoming list.
 */
export const OutgoingFiltersSchema = z.object({
  q: typed.describe('Words to find: number and symbol, type, subject, summary, nơi nhận'),
  type: z
    .preprocess(
      (v) =>
        typeof v === 'string' && (DOCUMENT_TYPE_CODES as string[]).includes(v) ? v : undefined,
      z.enum(DOCUMENT_TYPE_CODES).optional(),
    )
    .describe('Document type code (Appendix III), e.g. QĐ, CV'),
  from: isoDate.describe('Issued on or after (dd/mm/yyyy or yyyy-mm-dd)'),
  to: isoDate.describe('Issued on or before (dd/mm/yyyy or yyyy-mm-dd)'),
});
export type OutgoingFilters = z.infer<typeof OutgoingFiltersSchema>;

/** Whether any filter narrows the list. */
export const isFiltered = (f: OutgoingFilters): boolean => Boolean(f.q || f.type || f.from || f.to);

/** The filters as a where-clause on OutgoingDocument. */
export function filtersWhere(f: OutgoingFilters): WhereOptions {
  const parts: WhereOptions[] = [];
  if (f.q) parts.push(whereFoldedLike('searchText', f.q));
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
