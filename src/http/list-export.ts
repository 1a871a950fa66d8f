/**
 * Any list page's rows as an XLSX download (issue 11: "the results of any list can be exported",
 * Decree 30 Appendix VI). The export sits beside its page, behind the page's own guards, reads
 * the page's query as the page reads it (a bad one is refused with the page's message) and the
 * page's rows through the page's own query: every row the filters find, not one page of them, up
 * to LIST_EXPORT_MAX_ROWS (the sheet says when it stops there). Each export is audited with its
 * own action (….export), the filters and the counts.
 *   listExport(spec)                 the route's handler
 *   exportLink(req, path, query, n)  the page's "Xuất Excel" link (views/partials/export-link)
 *   readPages(readPage, keyOf, max)  the rows of a list read page by page, each once
 */
import type { Request, RequestHandler } from 'express';
import { recordAudit, type AccessAction } from '../audit/audit.service.js';
import { todayInVietnam } from '../calendar/working-days.js';
import { actorOf } from './request-context.js';
import {
  DAY_FORMAT,
  excelDay,
  excelTime,
  listWorkbook,
  sendXlsx,
  TIME_FORMAT,
  type XlsxCell,
} from './xlsx-list.js';

/** The most rows one export holds; the sheet and the page say so when a list is longer. */
export const LIST_EXPORT_MAX_ROWS = 10_000;
let maxRows = LIST_EXPORT_MAX_ROWS;
/** Another cap (tests: a short list past it). */
export function setListExportMaxRows(max: number = LIST_EXPORT_MAX_ROWS): void {
  maxRows = max;
}

export interface ExportColumn<R> {
  header: string;
  width: number;
  /** A day (shown dd/mm/yyyy) or a moment (dd/mm/yyyy hh:mm, Vietnam's time) as a real date. */
  date?: 'day' | 'time';
  value: (row: R) => XlsxCell;
}

export interface FoundRows<R> {
  /** The rows in the page's order, at most the limit asked for. */
  rows: R[];
  /** How many the list holds, when the page's query counts them. */
  total?: number;
}

export interface ListExport<Q, R> {
  /** The audit row's action (a literal ending in .export) and entity type. */
  action: AccessAction;
  entityType: string;
  /** The one record the list is about (a document's recipients), when it is about one. */
  entityId?: (query: Q) => number;
  /** The file's name before the day it was made (ASCII): nguoi-dung → nguoi-dung-2026-05-04.xlsx. */
  fileName: string | ((query: Q) => string);
  /** i18n keys of the sheet's tab and of the heading above the rows. */
  sheet: string;
  heading: string;
  /** The page's query, read as the page reads it (the same refusals). */
  query: (req: Request) => Q | Promise<Q>;
  /** The page's rows for that query, at most `limit` (a longer list says it was longer). */
  rows: (req: Request, query: Q, limit: number) => Promise<FoundRows<R>>;
  /** i18n key of the count line, saying what the rows are ("Tổng số: 5 hồ sơ"); "dòng" if none. */
  total?: string;
  /** What the list is (its tab and filters) in the reader's words; none for the whole list. */
  filters?: (req: Request, query: Q) => string[] | Promise<string[]>;
  columns: (req: Request, query: Q) => ExportColumn<R>[];
  /** What the audit row keeps besides the counts: the filters, which records left the system. */
  audit?: (query: Q, rows: R[]) => Record<string, unknown>;
}

/** A date column's cell as a real date; a word in it ("not opened yet") stays a word. */
const cellOf = (date: ExportColumn<unknown>['date'], value: XlsxCell): XlsxCell => {
  if (!date) return value;
  if (value instanceof Date) return date === 'day' ? excelDay(value) : excelTime(value);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) return excelDay(value);
  return value;
};

/** The handler of GET <list>/export.xlsx: the page's guards stay in front of it on the route. */
export function listExport<Q, R>(spec: ListExport<Q, R>): RequestHandler {
  return async (req, res) => {
    const t = req.t;
    const query = await spec.query(req);
    const max = maxRows;
    // One more than the cap: whether the list was longer.
    const found = await spec.rows(req, query, max + 1);
    const capped = found.rows.length > max;
    const rows = found.rows.slice(0, max);
    const total = found.total ?? (capped ? null : rows.length);
    const columns = spec.columns(req, query);
    const filters = spec.filters ? await spec.filters(req, query) : [];
    const body = await listWorkbook({
      sheet: t(spec.sheet),
      heading: t(spec.heading),
      lines: [
        t('list-export:filters', {
          filters: filters.length ? filters.join('; ') : t('list-export:noFilter'),
        }),
        !capped
          ? t(spec.total ?? 'list-export:total', { count: rows.length })
          : total != null
            ? t('list-export:capped', { total, max })
            : t('list-export:cappedMore', { max }),
      ],
      columns: columns.map((c) => ({
        header: c.header,
        width: c.width,
        numFmt: c.date === 'day' ? DAY_FORMAT : c.date === 'time' ? TIME_FORMAT : undefined,
      })),
      rows: rows.map((row) => columns.map((c) => cellOf(c.date, c.value(row)))),
    });
    const actor = actorOf(req);
    await recordAudit({
      action: spec.action,
      userId: actor.user.id,
      ip: actor.ip,
      entityType: spec.entityType,
      entityId: spec.entityId?.(query) ?? null,
      details: {
        ...spec.audit?.(query, rows),
        rows: rows.length,
        total: total ?? undefined,
        capped: capped || undefined,
      },
    });
    const fileName = typeof spec.fileName === 'function' ? spec.fileName(query) : spec.fileName;
    sendXlsx(res, `${fileName}-${todayInVietnam()}.xlsx`, body, {
      rows: rows.length,
      total: total ?? rows.length + 1,
    });
  };
}

/** The page's query as the export link's query string (the page number left out). */
export function exportHref(path: string, query: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (key === 'page' || value === undefined || value === null || value === '' || value === false)
      continue;
    params.set(key, value === true ? '1' : String(value));
  }
  const text = params.toString();
  return `${path}${text ? `?${text}` : ''}`;
}

/**
 * The page's "Xuất Excel" link with its query, and a note when the list (of `total` rows, when
 * the page counts them) is longer than an export holds.
 */
export function exportLink(req: Request, path: string, query: object, total?: number) {
  return {
    href: exportHref(path, query),
    capped:
      total !== undefined && total > maxRows
        ? req.t('list-export:cappedNote', { max: maxRows })
        : null,
  };
}

/**
 * The rows of a paged list up to `max`, read page by page as the page reads them: a row that a
 * change meanwhile pushed onto the next page is kept once. The total is the last page's count.
 */
export async function readPages<R>(
  readPage: (page: number) => Promise<{ rows: R[]; total: number; pages: number }>,
  keyOf: (row: R) => unknown,
  max: number,
): Promise<FoundRows<R>> {
  const rows: R[] = [];
  const seen = new Set<unknown>();
  let total = 0;
  for (let page = 1; rows.length < max; page += 1) {
    const list = await readPage(page);
    total = list.total;
    for (const row of list.rows) {
      const key = keyOf(row);
      if (seen.has(key) || rows.length >= max) continue;
      seen.add(key);
      rows.push(row);
    }
    if (page >= list.pages || list.rows.length === 0) break;
  }
  return { rows, total };
}
