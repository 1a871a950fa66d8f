import type { HelperOptions } from 'handlebars';
import { dateFieldValue, dateTimeFieldValue } from './form-fields.js';
import { stepTitleIn } from '../approvals/step-titles.js';

const VN_TZ = 'Asia/Ho_Chi_Minh';

function asDate(value: unknown): Date | null {
  if (value == null || value === '') return null;
  const d = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(d.getTime()) ? null : d;
}

// Vietnam has kept UTC+7 without daylight saving since 1975 (as todayInVietnam assumes): from
// then on a fixed offset gives what Intl gives for Asia/Ho_Chi_Minh, at a fraction of the cost
// (a list page formats dozens of dates). Older instants keep Intl, which knows the history.
const VN_OFFSET_MS = 7 * 3600_000;
const FIXED_OFFSET_FROM = Date.UTC(1975, 5, 13, 17); // 13/06/1975 00:00 in Vietnam
const pad = (n: number) => (n < 10 ? `0${n}` : String(n));

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

/** The instant as Vietnam's wall clock, read with the getUTC… methods; null before 1975. */
function vietnamClock(d: Date): Date | null {
  const time = d.getTime();
  return time >= FIXED_OFFSET_FROM ? new Date(time + VN_OFFSET_MS) : null;
}

/** dd/mm/yyyy in Vietnam time; DATEONLY strings (yyyy-mm-dd) are shown as they are. */
export function formatDate(value: unknown): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split('-');
    return `${d}/${m}/${y}`;
  }
  const d = asDate(value);
  if (!d) return '';
  const v = vietnamClock(d);
  if (!v) return dateFormat.format(d);
  return `${pad(v.getUTCDate())}/${pad(v.getUTCMonth() + 1)}/${v.getUTCFullYear()}`;
}

/** dd/mm/yyyy hh:mm (24-hour) in Vietnam time. */
export function formatDateTime(value: unknown): string {
  const d = asDate(value);
  if (!d) return '';
  const v = vietnamClock(d);
  if (!v) return dateTimeFormat.format(d);
  return `${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())} ${pad(v.getUTCDate())}/${pad(v.getUTCMonth() + 1)}/${v.getUTCFullYear()}`;
}

/**
 * A span of time as people write it: "13:00–16:00 07/12/2026" within one day (Vietnam time),
 * "08:00 07/12/2026 – 11:00 08/12/2026" across days; one end alone when the other is missing.
 */
export function formatTimeRange(start: unknown, end: unknown): string {
  const from = formatDateTime(start);
  const to = formatDateTime(end);
  if (!from || !to) return from || to;
  const [, fromTime, fromDay] = /^(\d\d:\d\d) (\S+)$/.exec(from) ?? [];
  const [, toTime, toDay] = /^(\d\d:\d\d) (\S+)$/.exec(to) ?? [];
  return fromDay && fromDay === toDay ? `${fromTime}–${toTime} ${fromDay}` : `${from} – ${to}`;
}

/** yyyy-mm-dd for <input type="date"> values. */
export function isoDate(value: unknown): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) return value.slice(0, 10);
  const d = asDate(value);
  if (!d) return '';
  const v = vietnamClock(d);
  if (!v) return isoDateFormat.format(d);
  return v.toISOString().slice(0, 10);
}

/** Zero-padded below 10, as Decree 30 writes numbers (01, 02 … 10). */
export function padNumber(value: unknown): string {
  const n = Number(value);
  if (!Number.isFinite(n)) return '';
  return n < 10 ? `0${n}` : String(n);
}

/** A file size for people: 850 KB, 2,4 MB (decimal comma in Vietnamese). */
export function fileSize(value: unknown, lng: unknown = 'vi'): string {
  const bytes = Number(value);
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  const comma = (text: string) => (lng === 'en' ? text : text.replace('.', ','));
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${comma((bytes / (1024 * 1024)).toFixed(1))} MB`;
}

/** What a page with several action forms puts in its model after a refused one. */
interface ActionPage {
  form?: string;
  formErrors?: Record<string, string>;
  formValues?: Record<string, unknown>;
}

export const viewHelpers = {
  t(this: unknown, key: string, options: HelperOptions) {
    const root = options.data?.root as { t?: (k: string, o?: object) => string };
    if (!root?.t) return key;
    const hasParams = options.hash && Object.keys(options.hash).length > 0;
    return hasParams ? root.t(key, options.hash) : root.t(key);
  },
  /** An approval step's title: the app's own titles in the reader's language (step-titles.ts). */
  approvalStepTitle(this: unknown, title: unknown, options: HelperOptions) {
    const root = options.data?.root as { t?: (k: string, o?: object) => string };
    if (typeof title !== 'string' || !root?.t) return title;
    return stepTitleIn(title, root.t);
  },
  eq: (a: unknown, b: unknown) => a === b || String(a) === String(b),
  ne: (a: unknown, b: unknown) => String(a) !== String(b),
  gt: (a: unknown, b: unknown) => Number(a) > Number(b),
  and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
  or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
  not: (a: unknown) => !a,
  includes: (list: unknown, item: unknown) =>
    Array.isArray(list) && list.map(String).includes(String(item)),
  /**
   * A refused action form's message for one field, on a page of several such forms (a document's
   * page): the page's `form` names the form posted, `formErrors` its messages, and `formValues`
   * what was sent; with `assignmentId`, only the copy of the form for that assignment.
   */
  actionError(form: unknown, field: unknown, ...rest: unknown[]) {
    const options = rest.at(-1) as HelperOptions;
    const root = (options.data?.root ?? {}) as ActionPage;
    if (root.form !== form) return undefined;
    if (rest.length > 1 && String(root.formValues?.assignmentId) !== String(rest[0]))
      return undefined;
    return root.formErrors?.[String(field)];
  },
  /** The refused form's messages for fields it does not show beside a field (`shown`, by commas). */
  actionOtherErrors(form: unknown, shown: unknown, ...rest: unknown[]) {
    const options = rest.at(-1) as HelperOptions;
    const root = (options.data?.root ?? {}) as ActionPage;
    if (root.form !== form) return [];
    if (rest.length > 1 && String(root.formValues?.assignmentId) !== String(rest[0])) return [];
    const beside = String(shown).split(',');
    return Object.entries(root.formErrors ?? {})
      .filter(([field]) => !beside.includes(field))
      .map(([, message]) => message);
  },
  /** Whether a form's sent value (one, or several from a multiple select) is `item`. */
  chosen: (value: unknown, item: unknown) =>
    Array.isArray(value)
      ? value.map(String).includes(String(item))
      : String(value) === String(item),
  formatDate,
  formatDateTime,
  /** A <time datetime="…"> value: the instant in ISO 8601 (a day stays a day). */
  isoTime: (value: unknown) => {
    if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
    const d = asDate(value);
    return d ? d.toISOString() : '';
  },
  formatTimeRange: (start: unknown, end: unknown) => formatTimeRange(start, end),
  isoDate,
  dateField: dateFieldValue,
  dateTimeField: dateTimeFieldValue,
  padNumber,
  fileSize: (value: unknown, lng: unknown) => fileSize(value, typeof lng === 'string' ? lng : 'vi'),
  json: (value: unknown) => JSON.stringify(value),
  concat: (...args: unknown[]) => args.slice(0, -1).join(''),
};
