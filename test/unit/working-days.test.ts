import { expect } from 'chai';
import {
  addWorkingDaysWith,
  todayInVietnam,
  workingDaysUntil,
} from '../../src/calendar/working-days.js';

describe('working days', () => {
  const tet = new Set(['2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11']);

  it('skips the weekend: Friday + 1 working day is Monday', () => {
    expect(addWorkingDaysWith('2026-11-20', 1, new Set())).to.equal('2026-11-23');
  });

  it('skips configured holidays as well as weekends', () => {
    // Thursday 4 Feb 2027 + 2 working days, with the Tết break from 5 to 11 Feb, lands on Fri 12 and Mon 15.
    expect(addWorkingDaysWith('2027-02-04', 2, tet)).to.equal('2027-02-15');
  });

  it('counts working days left, negative when overdue', () => {
    expect(workingDaysUntil('2026-11-20', '2026-11-24', new Set())).to.equal(2);
    expect(workingDaysUntil('2026-11-24', '2026-11-20', new Set())).to.equal(-2);
    expect(workingDaysUntil('2026-11-24', '2026-11-24', new Set())).to.equal(0);
  });

  it('takes today in Vietnam time (UTC+7)', () => {
    expect(todayInVietnam(new Date('2026-11-20T18:30:00Z'))).to.equal('2026-11-21');
  });
});
