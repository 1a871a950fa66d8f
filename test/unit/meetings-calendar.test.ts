import { expect } from 'chai';
import { mondayOf } from '../../src/meetings/calendar-week.service.js';
import { AppError } from '../../src/http/app-error.js';
import type { MeetingParticipant } from '../../src/meetings/meeting.model.js';
import {
  dueReminder,
  meetingTimeText,
  reminderRecipients,
} from '../../src/meetings/meetings.reminders.js';

const HOUR = 3600_000;

describe('meetings calendar: pure rules', () => {
  it('finds the Monday of the week of a day (Monday to Sunday)', () => {
    expect(mondayOf('2026-12-14')).to.equal('2026-12-14'); // a Monday
    expect(mondayOf('2026-12-17')).to.equal('2026-12-14');
    expect(mondayOf('2026-12-20')).to.equal('2026-12-14'); // the Sunday belongs to its week
    expect(mondayOf('2027-01-01')).to.equal('2026-12-28'); // across the year
    // A day that does not exist is refused as input (422), not a RangeError (500).
    for (const day of ['2026-13-01', '2026-02-31', '0000-01-01']) {
      expect(() => mondayOf(day), day)
        .to.throw(AppError)
        .with.property('status', 422);
    }
  });

  it('is due the day before from 24 hours, an hour before from 60 minutes, never after the start', () => {
    const start = new Date('2026-12-17T01:30:00Z');
    const at = (ms: number) => dueReminder(start, new Date(start.getTime() - ms));
    expect(at(25 * HOUR)).to.equal(null);
    expect(at(24 * HOUR)).to.equal('day_before');
    expect(at(2 * HOUR)).to.equal('day_before');
    expect(at(HOUR)).to.equal('hour_before');
    expect(at(60_000)).to.equal('hour_before');
    expect(at(0)).to.equal(null);
    expect(at(-60_000)).to.equal(null);
  });

  it('reminds invitees who have not declined and the deputy instead of the one who sent them', () => {
    const row = (userId: number | null, rsvp: string, deputyUserId: number | null = null) =>
      ({ userId, rsvp, deputyUserId }) as unknown as MeetingParticipant;
    expect(
      reminderRecipients([
        row(1, 'attend'),
        row(2, 'pending'),
        row(3, 'absent'),
        row(4, 'deputy', 5),
        row(null, 'attend'), // a guest without an account
        row(5, 'attend'), // the deputy is invited too: once
      ]),
    ).to.deep.equal([1, 2, 5]);
  });

  it('writes the time in Vietnam time', () => {
    expect(meetingTimeText(new Date('2026-12-17T01:30:00Z'))).to.equal('08:30 17/12/2026');
    expect(meetingTimeText(new Date('2026-12-31T17:00:00Z'))).to.equal('00:00 01/01/2027');
  });
});
