import { expect } from 'chai';
import { LUNAR_HOLIDAYS, vietnamPublicHolidays } from '../../src/calendar/vietnam-holidays.js';

const datesOf = (year: number) => vietnamPublicHolidays(year).holidays.map((h) => h.date);

describe('Vietnamese public holidays', () => {
  it('gives 2026 as decided: Tết 16–20/2, Giỗ Tổ on Sunday 26/4 with Monday off, 30/4, 1/5, 2/9', () => {
    const dates = datesOf(2026);
    expect(dates).to.include.members([
      '2026-01-01',
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
      '2026-02-20',
      '2026-04-26',
      '2026-04-27',
      '2026-04-30',
      '2026-05-01',
      '2026-09-02',
    ]);
    expect(new Set(dates).size).to.equal(dates.length);
  });

  it('adds the day next to National Day on the side of the weekend (2025: Monday 1/9)', () => {
    const dates = datesOf(2025);
    expect(dates).to.include('2025-09-01');
    expect(dates).to.not.include('2025-09-03');
  });

  it('moves a holiday falling on a weekend to the next working day that is not a holiday', () => {
    // 2028: 30/4 is a Sunday and 1/5 a Monday, so the compensatory day is Tuesday 2/5.
    const holidays = vietnamPublicHolidays(2028).holidays;
    const compensation = holidays.find((h) => h.date === '2028-05-02');
    expect(compensation?.name).to.contain('Nghỉ bù');
    for (const h of holidays.filter((x) => x.name.startsWith('Nghỉ bù'))) {
      const day = new Date(`${h.date}T00:00:00Z`).getUTCDay();
      expect(day, h.date).to.not.be.oneOf([0, 6]);
    }
  });

  it('knows the lunar holidays for 2025–2030 only, and says so', () => {
    expect(Object.keys(LUNAR_HOLIDAYS).map(Number)).to.deep.equal([
      2025, 2026, 2027, 2028, 2029, 2030,
    ]);
    expect(vietnamPublicHolidays(2030).lunarKnown).to.equal(true);
    const later = vietnamPublicHolidays(2031);
    expect(later.lunarKnown).to.equal(false);
    expect(later.holidays.map((h) => h.date)).to.include.members([
      '2031-01-01',
      '2031-04-30',
      '2031-09-02',
    ]);
    expect(later.holidays.some((h) => h.name.includes('Tết Nguyên đán'))).to.equal(false);
  });
});
