import { Op } from 'sequelize';
import { Holiday, Setting } from './calendar.model.js';

export const DEADLINE_SETTING_KEY = 'incoming.defaultDeadlineDays';

/** Working days given by default for each urgency (0 Thường … 3 Hỏa tốc); admin-editable. */
export const DEFAULT_DEADLINE_DAYS: Record<number, number> = { 0: 10, 1: 5, 2: 3, 3: 1 };

const DAY_MS = 86_400_000;

function toUtcDate(isoDate: string): Date {
  const [y, m, d] = isoDate.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

function toIso(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The instant a Vietnam day (YYYY-MM-DD) begins (UTC+7, no daylight saving). */
export const vietnamDayStart = (isoDate: string): Date => new Date(`${isoDate}T00:00:00+07:00`);

/** The instant the Vietnam day after `isoDate` begins: the exclusive end of a period ending that day. */
export const vietnamDayEnd = (isoDate: string): Date =>
  new Date(vietnamDayStart(isoDate).getTime() + 86_400_000);

/** Today's date in Vietnam (UTC+7) as YYYY-MM-DD. */
export function todayInVietnam(now: Date = new Date()): string {
  return toIso(new Date(now.getTime() + 7 * 3600_000));
}

export function isWeekend(isoDate: string): boolean {
  const day = toUtcDate(isoDate).getUTCDay();
  return day === 0 || day === 6;
}

/** Pure: the date `days` working days after `start`, skipping weekends and the given holidays. */
export function addWorkingDaysWith(
  start: string,
  days: number,
  holidays: ReadonlySet<string>,
): string {
  let date = toUtcDate(start);
  let left = days;
  while (left > 0) {
    date = new Date(date.getTime() + DAY_MS);
    const iso = toIso(date);
    if (!isWeekend(iso) && !holidays.has(iso)) left -= 1;
  }
  return toIso(date);
}

/** Holidays between two dates (inclusive), as a set of YYYY-MM-DD. */
export async function holidaysBetween(from: string, to: string): Promise<Set<string>> {
  const rows = await Holiday.findAll({
    where: { date: { [Op.between]: [from, to] } },
    attributes: ['date'],
    raw: true,
  });
  return new Set(rows.map((r) => String(r.date).slice(0, 10)));
}

/** Whether a date is a working day: not a weekend, not a configured holiday. */
export async function isWorkingDay(isoDate: string): Promise<boolean> {
  return !isWeekend(isoDate) && !(await holidaysBetween(isoDate, isoDate)).has(isoDate);
}

/** The deadline `days` working days after `start`, skipping weekends and configured holidays. */
export async function addWorkingDays(start: string, days: number): Promise<string> {
  // Holidays plus weekends never stretch a period by more than ~3x plus a Tết week.
  const horizon = toIso(new Date(toUtcDate(start).getTime() + (days * 3 + 30) * DAY_MS));
  return addWorkingDaysWith(start, days, await holidaysBetween(start, horizon));
}

/** Working days left until a deadline (negative when overdue); 0 on the deadline day. */
export function workingDaysUntil(
  today: string,
  deadline: string,
  holidays: ReadonlySet<string>,
): number {
  if (deadline === today) return 0;
  const forward = deadline > today;
  let date = toUtcDate(today);
  const end = toUtcDate(deadline);
  let count = 0;
  while (forward ? date < end : date > end) {
    date = new Date(date.getTime() + (forward ? DAY_MS : -DAY_MS));
    const iso = toIso(date);
    if (!isWeekend(iso) && !holidays.has(iso)) count += 1;
  }
  return forward ? count : -count;
}

export async function defaultDeadlineDays(): Promise<Record<number, number>> {
  const row = await Setting.findByPk(DEADLINE_SETTING_KEY);
  if (!row) return { ...DEFAULT_DEADLINE_DAYS };
  try {
    return { ...DEFAULT_DEADLINE_DAYS, ...(JSON.parse(row.value) as Record<number, number>) };
  } catch {
    return { ...DEFAULT_DEADLINE_DAYS };
  }
}

/** The default deadline for an urgency, counted from a start date (today in Vietnam by default). */
export async function defaultDeadlineFor(
  urgency: number,
  start: string = todayInVietnam(),
): Promise<string> {
  const days = (await defaultDeadlineDays())[urgency] ?? DEFAULT_DEADLINE_DAYS[0];
  return addWorkingDays(start, days);
}

/** The date itself when it is a working day, else the next working day after it. */
export async function nextWorkingDayFrom(isoDate: string): Promise<string> {
  if (await isWorkingDay(isoDate)) return isoDate;
  return addWorkingDays(isoDate, 1);
}
