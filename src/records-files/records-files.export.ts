/**
 * GET /records-files/catalogue.xlsx?year= — the agency's catalogue of files of a year (danh mục
 * hồ sơ, Decree 30 Appendix V: code, title, retention, the unit or person making it, notes), by
 * unit then code; for the clerks who keep it and the leaders. Audited as records_file.export.
 */
import { todayInVietnam } from '../calendar/working-days.js';
import { listExport } from '../http/list-export.js';
import { parseInput } from '../http/validate.js';
import { formatDate } from '../http/view-helpers.js';
import { CatalogueQuerySchema } from './records-files.schemas.js';
import { catalogueRows, type CatalogueRow } from './records-files.service.js';

export const exportCatalogue = listExport<{ year: number }, CatalogueRow>({
  action: 'records_file.export',
  entityType: 'records_file',
  // The year it lists, then the day it was made: danh-muc-ho-so-2025-2026-12-07.xlsx.
  fileName: (query) => `danh-muc-ho-so-${query.year}`,
  sheet: 'records-files:catalogue.sheet',
  heading: 'records-files:catalogue.heading',
  query: (req) => ({
    year:
      parseInput(CatalogueQuerySchema, req.query, req.lng, req.t).year ??
      Number(todayInVietnam().slice(0, 4)),
  }),
  rows: async (req, query, limit) => ({
    rows: (await catalogueRows(req.user!, query.year)).slice(0, limit),
  }),
  filters: (req, query) => [req.t('records-files:catalogue.year', { year: query.year })],
  columns: (req) => [
    { header: req.t('records-files:field.code'), width: 14, value: (r) => r.code },
    { header: req.t('records-files:field.title'), width: 60, value: (r) => r.title },
    {
      header: req.t('records-files:field.retention'),
      width: 14,
      value: (r) =>
        r.retentionYears == null
          ? req.t('records-files:retention.permanent')
          : req.t('records-files:retention.years', { count: r.retentionYears }),
    },
    {
      header: req.t('records-files:catalogue.maker'),
      width: 36,
      value: (r) => [r.departmentName, r.keeperName].filter(Boolean).join(' — '),
    },
    { header: req.t('records-files:field.documents'), width: 10, value: (r) => r.documents },
    {
      header: req.t('records-files:catalogue.notes'),
      width: 36,
      value: (r) =>
        [
          req.t(`records-files:status.${r.status}`),
          r.closedOn
            ? req.t('records-files:catalogue.closedOn', { day: formatDate(r.closedOn) })
            : '',
          r.transferredOn
            ? req.t('records-files:catalogue.transferredOn', { day: formatDate(r.transferredOn) })
            : '',
        ]
          .filter(Boolean)
          .join('; '),
    },
  ],
  audit: (query, rows) => ({ year: query.year, recordsFiles: rows.length }),
});
