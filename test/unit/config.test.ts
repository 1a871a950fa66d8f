import { expect } from 'chai';
import { loadConfig } from '../../src/config.js';

const base = { SESSION_SECRET: 'x', DATABASE_URL: 'sqlite::memory:' };

describe('configuration', () => {
  it('reads the daily reminder time, empty for none, and refuses anything else', () => {
    expect(loadConfig(base).dailyReminderAt).to.equal('07:30');
    expect(loadConfig({ ...base, DAILY_REMINDER_AT: '06:45' }).dailyReminderAt).to.equal('06:45');
    expect(loadConfig({ ...base, DAILY_REMINDER_AT: '' }).dailyReminderAt).to.equal('');
    for (const bad of ['7:30', '25:00', 'sáng'])
      expect(() => loadConfig({ ...base, DAILY_REMINDER_AT: bad }), bad).to.throw(
        /DAILY_REMINDER_AT/,
      );
  });

  it('reads the list cache size, 0 turning it off, and refuses a negative one', () => {
    expect(loadConfig(base).listCacheEntries).to.equal(1000);
    expect(loadConfig({ ...base, LIST_CACHE_ENTRIES: '0' }).listCacheEntries).to.equal(0);
    expect(() => loadConfig({ ...base, LIST_CACHE_ENTRIES: '-1' })).to.throw(/LIST_CACHE_ENTRIES/);
  });
});
