import { z } from 'zod';
import { todayInVietnam } from '../calendar/working-days.js';
import { recordAudit } from '../audit/audit.service.js';
import { AppError } from '../http/app-error.js';
import type { Actor } from '../http/request-context.js';
import { integer, optionalDateField } from '../http/form-fields.js';

export const PERIOD_KINDS = ['month', 'quarter', 'year', 'custom'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

/** A report period: its kind, first and last day (inclusive, YYYY-MM-DD) and its parameters. */
export interface ReportPeriod {
  kind: PeriodKind;
  from: string;
  to: string;
  year: number;
  month: number;
  quarter: number;
}

/**
 * A look at a report (a view, a drill-down, an export) in the audit log: which report, its period
 * and what was asked, not the figures. Each report names its own actions.
 */
export function auditReportLook(
  action: string,
  report: string,
  period: ReportPeriod,
  details: Record<string, unknown>,
  actor: Actor,
): Promise<unknown> {
  return recordAudit({
    action,
    userId: actor.user.id,
    ip: actor.ip,
    entityType: 'report',
    entityId: report,
    details: { from: period.from, to: period.to, ...details },
  });
}

// Typed day first (dd/mm/yyyy) like every date field, with their messages; the ISO form of the
// report's own links too.
const isoDay = optionalDateField();
const intIn = (min: number, max: number) =>
  integer(
    z
      .number('errors:REPORT_PERIOD_INVALID')
      .int('errors:REPORT_PERIOD_INVALID')
      .min(min, 'errors:REPORT_PERIOD_INVALID')
      .max(max, 'errors:REPORT_PERIOD_INVALID')
      .optional(),
  );

/** The report's query string: period kind and its parameters, the grouping, an optional unit. */
export const OnTimeQuerySchema = z.object({
  period: z.preprocess(
    (v) => (typeof v === 'string' && v !== '' ? v : undefined),
    z.enum(PERIOD_KINDS, 'errors:REPORT_PERIOD_INVALID').default('month'),
  ),
  year: intIn(2000, 2100),
  month: intIn(1, 12),
  quarter: intIn(1, 4),
  from: isoDay,
  to: isoDay,
  by: z.preprocess(
    (v) => (v === 'person' ? 'person' : 'unit'),
    z.enum(['unit', 'person']).default('unit'),
  ),
  unit: intIn(1, 2_000_000_000),
  user: intIn(1, 2_000_000_000),
  group: z.preprocess(
    (v) => (typeof v === 'string' && v !== '' ? v : undefined),
    z.enum(['onTime', 'late', 'openInTime', 'openOverdue']).optional(),
  ),
});
export type OnTimeQuery = z.infer<typeof OnTimeQuerySchema>;

const pad = (n: number) => String(n).padStart(2, '0');
const lastDay = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** The period a query names; this month (Vietnam time) when nothing is given. */
export function periodOf(query: OnTimeQuery, today = todayInVietnam()): ReportPeriod {
  const year = query.year ?? Number(today.slice(0, 4));
  const month = query.month ?? Number(today.slice(5, 7));
  const quarter = query.quarter ?? Math.ceil(month / 3);
  const base = { kind: query.period, year, month, quarter };
  switch (query.period) {
    case 'year':
      return { ...base, from: `${year}-01-01`, to: `${year}-12-31` };
    case 'quarter': {
      const first = (quarter - 1) * 3 + 1;
      return {
        ...base,
        from: `${year}-${pad(first)}-01`,
        to: `${year}-${pad(first + 2)}-${lastDay(year, first + 2)}`,
      };
    }
    case 'custom': {
      const fields: Record<string, string> = {};
      if (!query.from) fields.from = 'forms:invalid.required';
      if (!query.to) fields.to = 'forms:invalid.required';
      if (query.from && query.to && query.from > query.to) fields.to = 'errors:PERIOD_REVERSED';
      if (Object.keys(fields).length)
        throw new AppError('VALIDATION_FAILED', 422, undefined, fields);
      return { ...base, from: query.from!, to: query.to! };
    }
    default:
      return {
        ...base,
        from: `${year}-${pad(month)}-01`,
        to: `${year}-${pad(month)}-${lastDay(year, month)}`,
      };
  }
}

/**
 * The period a report's form asks for. Days typed in "Từ ngày"/"Đến ngày" are for a custom period
 * only: with another kind chosen they are refused, not silently left out (the form shows them
 * only for "Tùy chọn", and the report's links carry only the chosen kind's fields).
 */
export function formPeriodOf(query: OnTimeQuery, today = todayInVietnam()): ReportPeriod {
  if (query.period !== 'custom' && (query.from || query.to))
    throw new AppError('VALIDATION_FAILED', 422, undefined, {
      period: 'errors:REPORT_PERIOD_DATES_UNUSED',
    });
  return periodOf(query, today);
}
