import type { HelperOptions } from 'handlebars';

const VN_TZ = 'Asia/Ho_Chi_Minh';

function asDate(value: unknown): Date | null {
  if (value == null || value === '') return null;
  const d = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(d.getTime()) ? null : d;
}

// Building an Intl.DateTimeFormat is costly; list pages format hundreds of dates.
const dateFormat = new Intl.DateTimeFormat('vi-VN', {
  timeZone: VN_TZ,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});
const dateTimeFormat = new Intl.DateTimeFormat('vi-VN', {
  timeZone: VN_TZ,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
const isoDateFormat = new Intl.DateTimeFormat('en-CA', { timeZone: VN_TZ });

/** dd/mm/yyyy in Vietnam time; DATEONLY strings (yyyy-mm-dd) are shown as they are. */
export function formatDate(value: unknown): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split('-');
    return `${d}/${m}/${y}`;
  }
  const d = asDate(value);
  if (!d) return '';
  return dateFormat.format(d);
}

export function formatDateTime(value: unknown): string {
  const d = asDate(value);
  if (!d) return '';
  return dateTimeFormat.format(d);
}

/** yyyy-mm-dd for <input type="date"> values. */
export function isoDate(value: unknown): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) return value.slice(0, 10);
  const d = asDate(value);
  if (!d) return '';
  return isoDateFormat.format(d);
}

/** Zero-padded below 10, as Decree 30 writes numbers (01, 02 … 10). */
export function padNumber(value: unknown): string {
  const n = Number(value);
  if (!Number.isFinite(n)) return '';
  return n < 10 ? `0${n}` : String(n);
}

export const viewHelpers = {
  t(this: unknown, key: string, options: HelperOptions) {
    const root = options.data?.root as { t?: (k: string, o?: object) => string };
    if (!root?.t) return key;
    const hasParams = options.hash && Object.keys(options.hash).length > 0;
    return hasParams ? root.t(key, options.hash) : root.t(key);
  },
  eq: (a: unknown, b: unknown) => a === b || String(a) === String(b),
  ne: (a: unknown, b: unknown) => String(a) !== String(b),
  gt: (a: unknown, b: unknown) => Number(a) > Number(b),
  and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
  or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
  not: (a: unknown) => !a,
  includes: (list: unknown, item: unknown) =>
    Array.isArray(list) && list.map(String).includes(String(item)),
  formatDate,
  formatDateTime,
  isoDate,
  padNumber,
  json: (value: unknown) => JSON.stringify(value),
  concat: (...args: unknown[]) => args.slice(0, -1).join(''),
};
