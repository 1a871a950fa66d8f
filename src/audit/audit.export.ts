/**
 * GET /admin/audit/export.xlsx?<the audit page's filters> — the audit log as the audit page shows
 * it to this administrator: the page's query (listAuditLogs: their agencies' rows, a secret
 * document's details only when they are cleared for it) read page after page, each row described
 * as the page describes it; audited as audit.export.
 */
import type { Request } from 'express';
import { formatDate } from '../http/view-helpers.js';
import { listExport, readPages } from '../http/list-export.js';
import { parseInput } from '../http/validate.js';
import {
  auditActionLabel,
  auditEntityLabel,
  describeAuditRows,
  type AuditRowText,
} from './audit-describe.js';
import { AuditFilterSchema, listAuditLogs, type AuditFilter } from './audit-query.js';

/** The audit page's filters, read as the page reads them (a day that does not exist: 422). */
export const auditFilterOf = (req: Request): AuditFilter =>
  parseInput(AuditFilterSchema, req.query, req.lng, req.t);

type AuditRow = Awaited<ReturnType<typeof listAuditLogs>>['rows'][number];

// Rows read at a time: each read applies the page's scope and clearance.
const READ_SIZE = 1000;

function filtersText(req: Request, filter: AuditFilter): string[] {
  const t = req.t;
  const parts: string[] = [];
  if (filter.user) parts.push(`${t('auth.username')}: ${filter.user}`);
  if (filter.action)
    parts.push(
      `${t('admin:audit.action')}: ${auditActionLabel(filter.action.split(',')[0]!.trim(), req.lng)}`,
    );
  if (filter.entityType)
    parts.push(`${t('admin:audit.entityType')}: ${auditEntityLabel(filter.entityType, req.lng)}`);
  if (filter.entityId) parts.push(`${t('admin:audit.entityId')}: ${filter.entityId}`);
  if (filter.from) parts.push(`${t('admin:audit.from')}: ${formatDate(filter.from)}`);
  if (filter.to) parts.push(`${t('admin:audit.to')}: ${formatDate(filter.to)}`);
  return parts;
}

/** The details cell: what the page's details column says, one line a field. */
function detailsText(req: Request, row: AuditRow, text: AuditRowText): string {
  if ('detailsHidden' in row && row.detailsHidden) return req.t('admin:audit.detailsHidden');
  return [text.summary, ...text.details.map((d) => `${d.label}: ${d.value}`)]
    .filter(Boolean)
    .join('\n');
}

export const exportAudit = listExport<AuditFilter, { row: AuditRow; text: AuditRowText }>({
  action: 'audit.export',
  entityType: 'audit',
  fileName: 'nhat-ky-he-thong',
  sheet: 'list-export:audit.sheet',
  heading: 'list-export:audit.heading',
  query: auditFilterOf,
  rows: async (req, filter, limit) => {
    const found = await readPages(
      (page) => listAuditLogs({ ...filter, page }, req.user!, READ_SIZE),
      (row) => row.id,
      limit,
    );
    const texts = await describeAuditRows(found.rows, req.lng);
    return { rows: found.rows.map((row, i) => ({ row, text: texts[i]! })), total: found.total };
  },
  filters: filtersText,
  columns: (req) => [
    { header: '#', width: 9, value: ({ row }) => row.id },
    {
      header: req.t('admin:audit.time'),
      width: 17,
      date: 'time',
      value: ({ row }) => row.occurredAt,
    },
    {
      header: req.t('admin:audit.user'),
      width: 28,
      value: ({ row }) =>
        row.user ? `${row.user.fullName} (${row.user.username})` : req.t('admin:audit.system'),
    },
    { header: 'IP', width: 15, value: ({ row }) => row.ip },
    { header: req.t('admin:audit.action'), width: 30, value: ({ text }) => text.actionLabel },
    {
      header: req.t('admin:audit.entity'),
      width: 22,
      value: ({ row, text }) =>
        row.entityType
          ? [text.entityLabel, row.entityId ? `#${row.entityId}` : null].filter(Boolean).join(' ')
          : null,
    },
    {
      header: req.t('admin:audit.details'),
      width: 70,
      value: ({ row, text }) => detailsText(req, row, text),
    },
  ],
  audit: (filter) => ({
    user: filter.user,
    action: filter.action,
    entityType: filter.entityType,
    entityId: filter.entityId,
    from: filter.from,
    to: filter.to,
  }),
});
