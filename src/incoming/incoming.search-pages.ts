/**
 * The search's and the export's parts of the incoming pages (issue 11 §1):
 *   GET /incoming/export.xlsx?<the list's query> — the list as shown (tab, filters, search,
 *     sort), every row the person may see up to EXPORT_MAX_ROWS, as an XLSX workbook with the
 *     list's columns (Decree 30 Appendix VI); audited as incoming.export.
 *   withSearchModel(req, query, model) — the list page's model with where the words were found
 *     (subject highlighted, an excerpt of a file's text) and the export link; excerpts shown are
 *     audited as incoming.excerpt.view (they are the documents' content).
 *   documentTextsModel(req, texts) — the texts read from a document's files for its page.
 */
import { Router, type Request } from 'express';
import { auditAccess, recordAudit } from '../audit/audit.service.js';
import { todayInVietnam } from '../calendar/working-days.js';
import { documentTypeName } from '../documents/document-types.js';
import { requirePermission, requireUser } from '../http/auth.js';
import { dateFieldValue } from '../http/form-fields.js';
import { exportHref as listExportHref } from '../http/list-export.js';
import { actorOf } from '../http/request-context.js';
import { DAY_FORMAT, excelDay, listWorkbook, sendXlsx } from '../http/xlsx-list.js';
import { parseInput } from '../http/validate.js';
import { listIncoming, type IncomingListRow, type IncomingSummary } from './incoming.queries.js';
import { ListQuerySchema, type ListQuery } from './incoming.schemas.js';
import type { DocumentTexts } from './incoming.search-index.js';
import { formOptions } from './incoming.view-model.js';
import { searchHighlights, searchLimits } from './incoming.search.js';

/** The most rows one export holds; the sheet and the list page say so when a list is longer. */
export const EXPORT_MAX_ROWS = 10_000;
let exportMaxRows = EXPORT_MAX_ROWS;
/** Another cap (tests: a short list past it). */
export function setExportMaxRows(max: number = EXPORT_MAX_ROWS): void {
  exportMaxRows = max;
}

/** The list's query as the export link's query string (the page number left out). */
export function exportHref(query: ListQuery): string {
  return listExportHref('/incoming/export.xlsx', query);
}

interface ListModelRow {
  id: number;
  subject: string;
}

/**
 * Adds to the list page's model where the words were found on each row (subjectHtml, found) and
 * the export link with its cap note. The HTML parts are escaped but the <mark>s.
 */
export async function withSearchModel<
  M extends {
    rows: ListModelRow[];
    total: number;
    query?: Partial<ListQuery>;
    pagination?: { page: number; pages: number };
  },
>(req: Request, query: ListQuery, model: M): Promise<M> {
  const found = await foundInRows(req, 'incoming', model.rows, query.q);
  // The list page counts up to the bound (listIncoming): past it, "more than" and no last page.
  const bound = searchLimits.countBound;
  const more = model.total > bound;
  return {
    ...model,
    ...(more && {
      totalMore: bound.toLocaleString(req.lng === 'en' ? 'en-US' : 'vi-VN'),
      pagination: model.pagination && { ...model.pagination, open: true },
    }),
    exportLink: {
      // The list as shown: its tab (the page's query names the tab it fell back to).
      href: exportHref({ ...query, ...model.query } as ListQuery),
      // Past the count's bound the real total is unknown: the cap is stated as a maximum.
      capped:
        model.total > exportMaxRows
          ? req.t('incoming-search:export.cappedNote', { max: exportMaxRows })
          : more
            ? req.t('incoming-search:export.cappedAtMost', { max: exportMaxRows })
            : null,
    },
    rows: model.rows.map((row) => ({ ...row, ...found.get(row.id) })),
  };
}

/**
 * Where the typed words were found on each row of a list page (either flow): the subject with
 * the words marked (subjectHtml) and an excerpt of the file's text holding them (found). The
 * excerpts shown are the documents' content: which ones is audited (incoming.excerpt.view,
 * outgoing.excerpt.view).
 */
export async function foundInRows(
  req: Request,
  kind: 'incoming' | 'outgoing',
  rows: ListModelRow[],
  q: string | undefined,
): Promise<Map<number, { subjectHtml: string | null; found: FoundExcerpt | null }>> {
  const highlights = await searchHighlights(rows, q, kind);
  const excerpts = rows.filter((row) => highlights.get(row.id)?.text).map((row) => row.id);
  if (excerpts.length) {
    const details = { q, documentIds: excerpts };
    if (kind === 'incoming')
      await auditAccess('incoming.excerpt.view', actorOf(req), kind, null, details);
    else await auditAccess('outgoing.excerpt.view', actorOf(req), kind, null, details);
  }
  const found = new Map<number, { subjectHtml: string | null; found: FoundExcerpt | null }>();
  for (const [id, h] of highlights)
    found.set(id, {
      subjectHtml: h.subject,
      found: h.text
        ? {
            html: h.text,
            label: req.t('incoming-search:found.inFile', { name: h.fileName }),
            ocr: h.source === 'ocr' ? req.t('incoming-search:found.ocr') : null,
          }
        : null,
    });
  return found;
}

interface FoundExcerpt {
  html: string;
  label: string;
  ocr: string | null;
}

/**
 * The texts read from the document's files, for its page (a scan's marked as OCR), and whether
 * the reading is still under way or failed.
 */
export function documentTextsModel(req: Request, { texts, jobStatus }: DocumentTexts) {
  const reading = jobStatus === 'queued' || jobStatus === 'running';
  return {
    items: texts.map((t) => ({
      fileId: t.fileId,
      originalName: t.originalName,
      isOcr: t.source === 'ocr',
      isRefused: t.source === 'refused',
      heading: req.t(
        t.source === 'ocr'
          ? 'incoming-search:texts.ocr'
          : t.source === 'refused'
            ? 'incoming-search:texts.refused'
            : 'incoming-search:texts.text',
      ),
      content: t.content,
      truncated: t.truncated,
    })),
    status: reading
      ? req.t('incoming-search:texts.reading')
      : jobStatus === 'failed'
        ? req.t('incoming-search:texts.failed')
        : null,
  };
}

/** Every row of the person's list up to the cap, read page by page as the list shows them. */
async function exportRows(
  req: Request,
  query: ListQuery,
): Promise<{ rows: IncomingListRow<IncomingSummary>[]; total: number; tab: string }> {
  const rows: IncomingListRow<IncomingSummary>[] = [];
  const seen = new Set<number>();
  let total = 0;
  let tab = '';
  for (let page = 1; rows.length < exportMaxRows; page += 1) {
    const list = await listIncoming(req.user!, { ...query, page }, { exactTotal: true });
    total = list.total;
    tab = list.tab;
    for (const row of list.rows) {
      // A document registered meanwhile may shift a row onto the next page: kept once.
      if (seen.has(row.document.id) || rows.length >= exportMaxRows) continue;
      seen.add(row.document.id);
      rows.push(row);
    }
    if (list.page >= list.pages || list.rows.length === 0) break;
  }
  return { rows, total, tab };
}

function filtersText(req: Request, query: ListQuery, tab: string): string {
  const parts = [req.t(`incoming:tabs.${tab}`)];
  if (query.q) parts.push(`${req.t('incoming:list.q')}: "${query.q}"`);
  if (query.sender) parts.push(`${req.t('incoming:list.sender')}: "${query.sender}"`);
  if (query.type)
    parts.push(`${req.t('incoming:field.documentType')}: ${documentTypeName(query.type, req.lng)}`);
  if (query.status)
    parts.push(`${req.t('incoming:list.status')}: ${req.t(`incoming:status.${query.status}`)}`);
  if (query.urgency != null) {
    const urgency = formOptions(req).urgencies.find((u) => u.value === query.urgency);
    parts.push(`${req.t('incoming:list.urgency')}: ${urgency?.label ?? query.urgency}`);
  }
  // Days as the list's fields show them (dd/mm/yyyy), not as stored.
  if (query.from) parts.push(`${req.t('incoming:list.from')}: ${dateFieldValue(query.from)}`);
  if (query.to) parts.push(`${req.t('incoming:list.to')}: ${dateFieldValue(query.to)}`);
  if (query.overdue) parts.push(req.t('incoming:list.overdue'));
  if (query.registeredToday) parts.push(req.t('incoming:list.registeredToday'));
  return parts.join('; ');
}

async function exportWorkbook(
  req: Request,
  query: ListQuery,
  data: { rows: IncomingListRow<IncomingSummary>[]; total: number; tab: string },
): Promise<Buffer> {
  const t = req.t;
  return listWorkbook({
    sheet: t('incoming-search:export.sheet'),
    heading: t('incoming-search:export.heading'),
    lines: [
      t('incoming-search:export.filters', { filters: filtersText(req, query, data.tab) }),
      data.total > data.rows.length
        ? t('incoming-search:export.capped', { total: data.total, max: exportMaxRows })
        : t('incoming:list.total', { count: data.total }),
    ],
    columns: [
      { header: t('incoming:field.arrivalNumber'), width: 9 },
      { header: t('incoming:field.arrivalDate'), width: 12, numFmt: DAY_FORMAT },
      { header: t('incoming:field.numberNotation'), width: 20 },
      { header: t('incoming:field.fromOrganName'), width: 30 },
      { header: t('incoming:field.subject'), width: 60 },
      { header: t('incoming-search:export.type'), width: 16 },
      { header: t('incoming:field.deadline'), width: 12, numFmt: DAY_FORMAT },
      { header: t('incoming:field.status'), width: 16 },
    ],
    rows: data.rows.map(({ document: d, deadline }) => [
      d.arrivalNumber,
      excelDay(d.arrivalDate),
      [d.codeNumber, d.codeNotation].filter(Boolean).join('/'),
      d.fromOrganName,
      d.subject,
      documentTypeName(d.documentType, req.lng),
      excelDay(deadline),
      t(`incoming:status.${d.status}`),
    ]),
  });
}

export function incomingSearchRouter(): Router {
  const router = Router();
  router.get(
    '/incoming/export.xlsx',
    requireUser,
    requirePermission('incoming.list'),
    async (req, res) => {
      const query = parseInput(ListQuerySchema, req.query, req.lng, req.t);
      const data = await exportRows(req, query);
      const body = await exportWorkbook(req, query, data);
      const actor = actorOf(req);
      await recordAudit({
        action: 'incoming.export',
        userId: actor.user.id,
        ip: actor.ip,
        entityType: 'incoming',
        entityId: null,
        details: {
          tab: data.tab,
          q: query.q,
          sender: query.sender,
          status: query.status,
          type: query.type,
          urgency: query.urgency,
          from: query.from,
          to: query.to,
          overdue: query.overdue || undefined,
          registeredToday: query.registeredToday || undefined,
          rows: data.rows.length,
          total: data.total,
          capped: data.total > data.rows.length || undefined,
          // Which documents left the system (the first 5,000: the audit row stays small).
          documents: data.rows.slice(0, 5000).map((r) => r.document.id),
        },
      });
      sendXlsx(res, `van-ban-den-${todayInVietnam()}.xlsx`, body, {
        rows: data.rows.length,
        total: data.total,
      });
    },
  );
  return router;
}
