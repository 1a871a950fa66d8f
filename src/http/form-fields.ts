import { z } from 'zod';

/** Form fields arrive as strings; an empty or blank one means "not given". */
// Control characters (but tab and line breaks) and the bidirectional overrides and isolates that
// make a stored name read differently from what it holds ("Trojan Source"): never kept.
// eslint-disable-next-line no-control-regex -- the control characters are what it removes
const HIDDEN_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/g;
// What shows nothing on its own: whitespace, controls, format characters (zero-width spaces…).
const INVISIBLE = /[\s\p{Cc}\p{Cf}]/gu;

/**
 * A typed value as kept: trimmed, NFC, without hidden controls; undefined when nothing visible is
 * left, so a required field filled with zero-width spaces or control characters is blank.
 */
export const blankToUndefined = (v: unknown) => {
  if (typeof v !== 'string') return v;
  const kept = v.replace(HIDDEN_CONTROLS, '').trim();
  return kept.replace(INVISIBLE, '') === '' ? undefined : kept.normalize('NFC');
};

export const optionalText = (max: number) =>
  z.preprocess(blankToUndefined, z.string().max(max).optional());
export const requiredText = (max: number) => z.preprocess(blankToUndefined, z.string().max(max));
/**
 * The years a date field may name: a document, deadline or holiday of this agency is never before
 * 1900 or after 2100, and a year like 0000 or 9999 is a typing slip that a MariaDB DATE either
 * refuses or stores as another day.
 */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2100;

/** Is y-m-d a day of the calendar (no 31/02, no month 13) within MIN_YEAR–MAX_YEAR? */
function isCalendarDay(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return (
    y >= MIN_YEAR &&
    y <= MAX_YEAR &&
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === m - 1 &&
    date.getUTCDate() === d
  );
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * A date as people type it here, day first: dd/mm/yyyy (also d/m/yyyy, with - or . between), or
 * the ISO yyyy-mm-dd that scripts and old links send; the ISO date, or null when it is neither or
 * no such day exists.
 */
export function parseDayMonthYear(value: string): string | null {
  const text = value.trim();
  let m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  let [y, mo, d] = m ? [Number(m[3]), Number(m[2]), Number(m[1])] : [0, 0, 0];
  if (!m) {
    m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    if (!m) return null;
    [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  }
  return isCalendarDay(y, mo, d) ? `${y}-${pad2(mo)}-${pad2(d)}` : null;
}

/** Is `value` an ISO yyyy-mm-dd naming a real day within MIN_YEAR–MAX_YEAR? */
export function isIsoCalendarDay(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return !!m && isCalendarDay(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** dd/mm/yyyy for a date field's value: an ISO date or a Date; what was typed is kept as is. */
export function dateFieldValue(value: unknown): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return '';
    // The day in Vietnam (UTC+7, no daylight saving).
    const v = new Date(value.getTime() + 7 * 3600_000);
    return `${pad2(v.getUTCDate())}/${pad2(v.getUTCMonth() + 1)}/${v.getUTCFullYear()}`;
  }
  if (typeof value !== 'string') return '';
  const iso = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  return iso ? `${iso[3]}/${iso[2]}/${iso[1]}` : value;
}

/** dd/mm/yyyy hh:mm (Vietnam time) for a date-and-time field's value; what was typed is kept. */
export function dateTimeFieldValue(value: unknown): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return '';
    const v = new Date(value.getTime() + 7 * 3600_000);
    return `${dateFieldValue(value)} ${pad2(v.getUTCHours())}:${pad2(v.getUTCMinutes())}`;
  }
  if (typeof value !== 'string') return '';
  const iso = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  return iso ? `${iso[3]}/${iso[2]}/${iso[1]} ${iso[4]}:${iso[5]}` : value;
}

/** Preprocess step: a typed date to ISO; anything unreadable stays as is, for the schema to refuse. */
export const toIsoDate = (v: unknown) => {
  const text = blankToUndefined(v);
  if (typeof text !== 'string') return text;
  return parseDayMonthYear(text) ?? text;
};

const DATE_MESSAGE = 'forms:invalid.date';

// The shape alone let 2026-13-01, 2026-02-31 and 0000-01-01 through: SQLite stored 'Invalid date'
// and MariaDB refused the row with a page that lost what was typed.
const calendarDay = (message: string) =>
  z.string(message).superRefine((value, ctx) => {
    if (!isIsoCalendarDay(value))
      ctx.addIssue({ code: 'custom', message: dateShapedMessage(value) ?? message });
  });

/**
 * Why a date typed in the right shape was refused: there is no such day (31/02/2026, month 13),
 * or its year is outside MIN_YEAR–MAX_YEAR. Null when the shape itself is wrong, which the
 * field's own message explains ("ngày/tháng/năm").
 */
function dateShapedMessage(value: string): string | null {
  const text = value.trim();
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const year = dmy ? Number(dmy[3]) : iso ? Number(iso[1]) : null;
  if (year == null) return null;
  return year < MIN_YEAR || year > MAX_YEAR ? 'forms:invalid.dateYear' : 'forms:invalid.noSuchDay';
}

/**
 * A date typed dd/mm/yyyy (or ISO) that must be a real day: its ISO date, undefined when blank;
 * `message` is the key said when it is not (forms:invalid.date unless a page has its own).
 */
export const optionalDateField = (message = DATE_MESSAGE) =>
  z.preprocess(toIsoDate, calendarDay(message).optional());
/** The same, required. */
export const requiredDateField = (message = DATE_MESSAGE) =>
  z.preprocess(toIsoDate, calendarDay(message));

/** A date field typed dd/mm/yyyy (or ISO): its ISO date, undefined when left blank. */
export const isoDate = optionalDateField();
/** The same, required. */
export const requiredIsoDate = requiredDateField();

/**
 * A date and time typed dd/mm/yyyy hh:mm (or the ISO yyyy-mm-ddThh:mm of a datetime-local
 * field), read as Vietnam time; undefined when blank.
 */
export const vietnamDateTime = z.preprocess(
  (v) => {
    const text = blankToUndefined(v);
    if (typeof text !== 'string') return text;
    const m = /^(.+?)[ T,]+(\d{1,2}):(\d{2})$/.exec(text);
    const day = m ? parseDayMonthYear(m[1]!) : null;
    if (!m || !day || Number(m[2]) > 23 || Number(m[3]) > 59) return text;
    return new Date(`${day}T${pad2(Number(m[2]))}:${m[3]}:00+07:00`);
  },
  z
    .date({
      // Said for what is wrong: a day that does not exist, a year out of range, an hour past
      // 23:59, or else the shape.
      error: (issue) => {
        const m =
          typeof issue.input === 'string'
            ? /^(.+?)[ T,]+(\d{1,2}):(\d{2})$/.exec(issue.input)
            : null;
        if (!m) return 'forms:invalid.dateTime';
        if (!parseDayMonthYear(m[1]!)) return dateShapedMessage(m[1]!) ?? 'forms:invalid.dateTime';
        return 'forms:invalid.time';
      },
    })
    .optional(),
);
/**
 * Preprocess step of every whole-number field: a JSON number that is a safe integer, or a string
 * of decimal digits (a leading minus allowed; the schema's min says whether it may be negative).
 * Blank is "not given". Anything else (true, [6], {}, '0x10', '1e3', ' 6', '6.0') becomes NaN for
 * the schema to refuse with forms:invalid.number: z.coerce.number() read true as 1, [6] as 6 and
 * '0x10' as 16, so {"chairId": true} named the first account.
 */
export const toInteger = (v: unknown): unknown => {
  if (v === undefined) return undefined;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : NaN;
  if (typeof v !== 'string') return NaN;
  if (v.trim() === '') return undefined;
  return /^-?[0-9]{1,15}$/.test(v) ? Number(v) : NaN;
};

/** The same for a number that may have a fraction: decimal digits with one '.', or a JSON number. */
export const toDecimal = (v: unknown): unknown => {
  if (v === undefined) return undefined;
  if (typeof v === 'number') return Number.isFinite(v) ? v : NaN;
  if (typeof v !== 'string') return NaN;
  if (v.trim() === '') return undefined;
  return /^-?[0-9]{1,15}(\.[0-9]{1,15})?$/.test(v) ? Number(v) : NaN;
};

/**
 * A whole-number field: `schema` is the number it must be (z.number().int().min(1)…, with its
 * .optional() or .default() inside), read by toInteger. The one parser for numbers from a form,
 * a query string or JSON.
 */
export const integer = <T extends z.ZodType>(schema: T) => z.preprocess(toInteger, schema);

/** A list's page; one that is not a page (abc, 0, 1e3, a list) is the first, as a stale link's. */
export const pageNumber = z.preprocess((v) => {
  const n = toInteger(v);
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 1 && n <= 100_000 ? n : 1;
}, z.number().int());
/** A number field that may have a fraction, read by toDecimal. */
export const decimal = <T extends z.ZodType>(schema: T) => z.preprocess(toDecimal, schema);

/** Độ khẩn / độ mật: 0–3, 0 when left out. */
export const level = integer(z.number().int().min(0).max(3).default(0));
// Within INT: a larger number is no row's id, and MariaDB refuses it in an INT column.
export const MAX_ID = 2_147_483_647;
export const id = integer(z.number().int().positive().max(MAX_ID));
export const optionalId = integer(z.number().int().positive().max(MAX_ID).optional());
/** A checkbox: ticked ('on', 'true', '1', true; the last of repeated values), else false. */
export const checkbox = z.preprocess((v) => {
  const last = Array.isArray(v) ? v[v.length - 1] : v;
  return last === true || last === 'true' || last === 'on' || last === '1';
}, z.boolean().default(false));
