/**
 * GET /outgoing/export.xlsx?tab=… — the rows of an outgoing list tab as the person sees them (the
 * list's view rule), up to OUTGOING_EXPORT_MAX_ROWS, as an XLSX workbook with the list's columns;
 * audited as outgoing.export with the documents that left the system.
 */
import type { Request, Response } from 'express';
import { recordAudit } from '../audit/audit.service.js';
import { todayInVietnam } from '../calendar/working-days.js';
import { documentTypeName } from '../documents/document-types.js';
import { actorOf } from '../http/request-context.js';
import {
  DAY_FORMAT,
  excelDay,
  excelTime,
  listWorkbook,
  sendXlsx,
  TIME_FORMAT,
} from '../http/xlsx-list.js';
import { dateFieldValue } from '../http/form-fields.js';
import { parseInput } from '../http/validate.js';
import { statusKeyOf } from './outgoing.detail.js';
import { isFiltered, listOutgoing } from './outgoing.list.js';
import {
  OutgoingFiltersSchema,
  type OutgoingFilters,
  type OutgoingTab,
} from './outgoing.schemas.js';

/** The most rows one export holds. */
export const OUTGOING_EXPORT_MAX_ROWS = 10_000;
let exportMaxRows = OUTGOING_EXPORT_MAX_ROWS;
/** Another cap (tests: a short list past it). */
export function setOutgoingExportMaxRows(max: number = OUTGOING_EXPORT_MAX_ROWS): void {
  exportMaxRows = max;
}

/** The document's number and notation as the list shows it, or null before issuance. */
export function numberSymbolOf(d: { codeNumber: number | null; codeNotation: string | null }) {
  return d.codeNumber ? `${String(d.codeNumber).padStart(2, '0')}/${d.codeNotation}` : null;
}

export async function exportOutgoing(req: Request, res: Response, tab: OutgoingTab) {
  const t = req.t;
  // The rows the list shows: its tab and filters.
  const filters = parseInput(OutgoingFiltersSchema, req.query, req.lng, req.t);
  // One more than the cap: whether the list was longer.
  const found = await listOutgoing(req.user!, tab, exportMaxRows + 1, filters);
  const capped = found.length > exportMaxRows;
  const rows = found.slice(0, exportMaxRows);
  const body = await listWorkbook({
    sheet: t('outgoing:export.sheet'),
    heading: t('outgoing:export.heading'),
    lines: [
      t(`outgoing:tabs.${tab}`),
      ...filterLines(req, filters),
      capped
        ? t('outgoing:export.capped', { max: exportMaxRows })
        : t('outgoing:export.total', { count: rows.length }),
    ],
    // The list page's columns, in its order.
    columns: [
      { header: t('outgoing:field.number'), width: 20 },
      { header: t('outgoing:field.promulgationDate'), width: 14, numFmt: DAY_FORMAT },
      { header: t('outgoing:field.documentType'), width: 18 },
      { header: t('outgoing:field.subject'), width: 60 },
      { header: t('outgoing:field.status'), width: 18 },
      { header: t('outgoing:field.updatedAt'), width: 18, numFmt: TIME_FORMAT },
    ],
    rows: rows.map((a) => [
      numberSymbolOf(a.document),
      excelDay(a.document.promulgationDate),
      documentTypeName(a.document.documentType, req.lng),
      a.document.subject,
      t(`outgoing:status.${statusKeyOf(a)}`),
      excelTime(a.document.updatedAt),
    ]),
  });
  const actor = actorOf(req);
  await recordAudit({
    action: 'outgoing.export',
    userId: actor.user.id,
    ip: actor.ip,
    entityType: 'outgoing',
    entityId: null,
    details: {
      tab,
      ...(isFiltered(filters) ? { filters } : {}),
      rows: rows.length,
      capped: capped || undefined,
      // Which documents left the system (the first 5,000: the audit row stays small).
      documents: rows.slice(0, 5000).map((r) => r.document.id),
    },
  });
  sendXlsx(res, `van-ban-di-${todayInVietnam()}.xlsx`, body, {
    rows: rows.length,
    total: capped ? rows.length + 1 : rows.length,
  });
}

/** The filters the export was made with, one line each, as the list's form names them. */
function filterLines(req: Request, f: OutgoingFilters): string[] {
  const t = req.t;
  const lines: string[] = [];
  if (f.q) lines.push(`${t('outgoing:list.q')}: ${f.q}`);
  if (f.type)
    lines.push(`${t('outgoing:field.documentType')}: ${documentTypeName(f.type, req.lng)}`);
  if (f.from) lines.push(`${t('outgoing:list.from')}: ${dateFieldValue(f.from)}`);
  if (f.to) lines.push(`${t('outgoing:list.to')}: ${dateFieldValue(f.to)}`);
  return lines;
}
