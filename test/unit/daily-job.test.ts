import { expect } from 'chai';
import pino from 'pino';
import { scheduleWorkingDayJob } from '../../src/calendar/daily-job.js';

describe('scheduleWorkingDayJob', () => {
  it('does nothing and schedules nothing when the time is not set', async () => {
    let runs = 0;
    const stop = scheduleWorkingDayJob('test', '', pino({ level: 'silent' }), async () => {
      runs += 1;
      return null;
    });
    await new Promise((r) => setTimeout(r, 20));
    stop();
    expect(runs).to.equal(0);
  });

  it('does not run outside the morning window', async () => {
    let runs = 0;
    // Vietnam's current minute plus two hours later is always after now: not yet time.
    const vn = new Date(Date.now() + 7 * 3600_000 + 2 * 3600_000);
    if (vn.getUTCDate() !== new Date(Date.now() + 7 * 3600_000).getUTCDate()) return;
    const at = `${String(vn.getUTCHours()).padStart(2, '0')}:${String(vn.getUTCMinutes()).padStart(2, '0')}`;
    const stop = scheduleWorkingDayJob('test', at, pino({ level: 'silent' }), async () => {
      runs += 1;
      return null;
    });
    await new Promise((r) => setTimeout(r, 20));
    stop();
    expect(runs).to.equal(0);
  });
});
