import { isWeekend } from './working-days.js';

export interface HolidayDate {
  date: string;
  name: string;
}

/**
 * Solar dates of the two lunar holidays, 2025–2030: mùng 1 Tết Nguyên đán and Giỗ Tổ Hùng Vương
 * (10/3 âm lịch). Computed once with Hồ Ngọc Đức's Vietnamese lunar calendar algorithm (UTC+7) and
 * kept as a table: Vietnam's calendar can differ from the Chinese one (2030: 2/2 here, 3/2 there).
 * Extend the table for later years.
 */
export const LUNAR_HOLIDAYS: Record<number, { tet: string; hungKings: string }> = {
  2025: { tet: '2025-01-29', hungKings: '2025-04-07' },
  2026: { tet: '2026-02-17', hungKings: '2026-04-26' },
  2027: { tet: '2027-02-06', hungKings: '2027-04-16' },
  2028: { tet: '2028-01-26', hungKings: '2028-04-04' },
  2029: { tet: '2029-02-13', hungKings: '2029-04-23' },
  2030: { tet: '2030-02-02', hungKings: '2030-04-12' },
};

const DAY_MS = 86_400_000;

function shift(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function weekday(iso: string): number {
  return new Date(`${iso}T00:00:00Z`).getUTCDay();
}

/**
 * The day added to Quốc khánh 2/9 (Labor Code 2019, art. 112: "ngày 02/9 và 01 ngày liền kề trước
 * hoặc sau"): the Government picks it each year; we pick the side that joins a weekend.
 */
function nationalDayPartner(year: number): string {
  const day = weekday(`${year}-09-02`);
  return day === 2 || day === 5 || day === 6 ? `${year}-09-01` : `${year}-09-03`;
}

/**
 * The public holidays of one year under the Labor Code 2019 (art. 112): Tết Dương lịch, 5 days of
 * Tết Nguyên đán (30 Tết to mùng 4), Giỗ Tổ Hùng Vương, 30/4, 1/5, Quốc khánh 2/9 and one adjacent
 * day; a holiday falling on a weekend gets a compensatory day (nghỉ bù) on the next working day.
 * Lunar holidays are only known for the years in LUNAR_HOLIDAYS; `lunarKnown` tells the caller.
 * The Government's yearly notice may move days: the admin can edit the list afterwards.
 */
export function vietnamPublicHolidays(year: number): {
  holidays: HolidayDate[];
  lunarKnown: boolean;
} {
  const list: HolidayDate[] = [
    { date: `${year}-01-01`, name: 'Tết Dương lịch' },
    { date: `${year}-04-30`, name: 'Ngày Chiến thắng (30/4)' },
    { date: `${year}-05-01`, name: 'Ngày Quốc tế lao động (1/5)' },
    { date: `${year}-09-02`, name: 'Quốc khánh (2/9)' },
    { date: nationalDayPartner(year), name: 'Quốc khánh (ngày liền kề)' },
  ];
  const lunar = LUNAR_HOLIDAYS[year];
  if (lunar) {
    for (let i = -1; i <= 3; i += 1) {
      list.push({
        date: shift(lunar.tet, i),
        name: i < 0 ? 'Tết Nguyên đán (30 Tết)' : `Tết Nguyên đán (mùng ${i + 1})`,
      });
    }
    list.push({ date: lunar.hungKings, name: 'Giỗ Tổ Hùng Vương (10/3 âm lịch)' });
  }
  list.sort((a, b) => a.date.localeCompare(b.date));
  const taken = new Set(list.map((h) => h.date));
  const compensations: HolidayDate[] = [];
  for (const holiday of list) {
    if (!isWeekend(holiday.date)) continue;
    let day = shift(holiday.date, 1);
    while (isWeekend(day) || taken.has(day)) day = shift(day, 1);
    taken.add(day);
    compensations.push({ date: day, name: `Nghỉ bù ${holiday.name}` });
  }
  const holidays = [...list, ...compensations].sort((a, b) => a.date.localeCompare(b.date));
  return { holidays, lunarKnown: Boolean(lunar) };
}
