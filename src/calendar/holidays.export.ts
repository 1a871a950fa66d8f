/**
 * GET /admin/holidays/export.xlsx?year= — the holidays of the year the page shows, as XLSX (issue
 * 11); audited as holiday.export.
 */
import type { Request } from 'express';
import { z } from 'zod';
import { listExport } from '../http/list-export.js';
import type { Holiday } from './calendar.model.js';
import { listHolidays, YearSchema } from './calendar.service.js';
import { todayInVietnam } from './working-days.js';

const YearQuery = z.object({ year: YearSchema.optional().catch(undefined) });

/** The year the holidays page shows: the one asked for, else this year. */
export const yearOf = (req: Request): number =>
  YearQuery.parse(req.query).year ?? Number(todayInVietnam().slice(0, 4));

export const exportHolidays = listExport<number, Holiday>({
  action: 'holiday.export',
  entityType: 'holiday_year',
  fileName: 'ngay-nghi',
  sheet: 'list-export:holidays.sheet',
  heading: 'list-export:holidays.heading',
  query: yearOf,
  rows: async (_req, year, limit) => ({ rows: (await listHolidays(year)).slice(0, limit) }),
  filters: (req, year) => [req.t('admin:holidays.ofYear', { year })],
  columns: (req) => [
    { header: req.t('admin:holidays.date'), width: 12, date: 'day', value: (h) => h.date },
    { header: req.t('admin:holidays.name'), width: 40, value: (h) => h.name },
  ],
  audit: (year) => ({ year }),
});
