import { z } from 'zod';
import { integer, optionalDateField } from '../http/form-fields.js';
import { todayInVietnam } from '../calendar/working-days.js';

/** The registers kept in the system (Decree 30, Appendix IV): incoming, tracking, outgoing. */
export const REGISTER_BOOKS = ['incoming', 'tracking', 'outgoing'] as const;
export type RegisterBook = (typeof REGISTER_BOOKS)[number];

export function isRegisterBook(value: unknown): value is RegisterBook {
  return typeof value === 'string' && (REGISTER_BOOKS as readonly string[]).includes(value);
}

/** A period of arrival dates, both ends inclusive, as YYYY-MM-DD in Vietnam time. */
export interface Period {
  from: string;
  to: string;
}

export const MAX_PERIOD_YEARS = 5;

// Typed day first (dd/mm/yyyy) or ISO; read as ISO.
const optionalDate = optionalDateField('errors:REGISTER_DATE_INVALID');

function addYears(iso: string, years: number): string {
  return `${Number(iso.slice(0, 4)) + years}${iso.slice(4)}`;
}

/** Query of the register page and exports: the period (default this year) and the page. */
export const PeriodQuerySchema = z
  .object({
    from: optionalDate,
    to: optionalDate,
    page: z.preprocess(
      (v) => (v === '' ? undefined : v),
      integer(z.number().int().min(1).max(1_000_000).default(1)),
    ),
  })
  .transform(({ from, to, page }) => {
    const year = (from ?? to ?? todayInVietnam()).slice(0, 4);
    return {
      from: from ?? (to ? `${to.slice(0, 4)}-01-01` : `${year}-01-01`),
      to: to ?? `${year}-12-31`,
      page,
    };
  })
  .superRefine((value, ctx) => {
    if (value.from > value.to) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'errors:REGISTER_PERIOD_ORDER' });
    } else if (value.to >= addYears(value.from, MAX_PERIOD_YEARS)) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'errors:REGISTER_PERIOD_TOO_LONG' });
    }
  });
export type PeriodQuery = z.infer<typeof PeriodQuerySchema>;

/** "Đóng sổ": closes the incoming register of one year. */
export const CloseRegisterSchema = z.object({
  year: integer(z.number('errors:REGISTER_YEAR_INVALID').int().min(2000).max(2100)),
});

/** This year and this month as periods, for the quick links. */
export function quickPeriods(today: string = todayInVietnam()): { year: Period; month: Period } {
  const [y, m] = today.split('-').map(Number);
  const lastDay = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const mm = String(m).padStart(2, '0');
  return {
    year: { from: `${y}-01-01`, to: `${y}-12-31` },
    month: { from: `${y}-${mm}-01`, to: `${y}-${mm}-${String(lastDay).padStart(2, '0')}` },
  };
}

/**
 * The series of an outgoing register: '' (ordinary), 'secret', 'normative:<type>', 'copy:<kind>'
 * or 'body:<abbreviation>' (see numberSeries in number-series.ts).
 */
export const SeriesQuerySchema = z.object({
  series: z.preprocess(
    (v) => (v === undefined ? '' : v),
    z
      .string('errors:REGISTER_SERIES_INVALID')
      .trim()
      .max(40, 'errors:REGISTER_SERIES_INVALID')
      .regex(
        /^(?:|secret|(?:normative|copy|body):[\p{L}\p{N}.]{1,30})$/u,
        'errors:REGISTER_SERIES_INVALID',
      ),
  ),
});

/** The series of the incoming registers: '' (ordinary) or 'secret' (Sổ đăng ký văn bản đến mật). */
export const INCOMING_SERIES = ['', 'secret'] as const;
export const IncomingSeriesQuerySchema = z.object({
  series: z.preprocess(
    (v) => (v === undefined ? '' : v),
    z.enum(INCOMING_SERIES, 'errors:REGISTER_SERIES_INVALID'),
  ),
});
