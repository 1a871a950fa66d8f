import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ROOT_DIR } from '../../src/paths.js';
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

  it('documents every key it reads in .env.example and the README', () => {
    const source = readFileSync(path.join(ROOT_DIR, 'src/config.ts'), 'utf8');
    const read = new Set(
      [...source.matchAll(/env\.([A-Z_]+)|\(env, '([A-Z_]+)'/g)].map((m) => m[1] ?? m[2]),
    );
    expect(read.size).to.be.greaterThan(15);
    const example = readFileSync(path.join(ROOT_DIR, '.env.example'), 'utf8');
    const readme = readFileSync(path.join(ROOT_DIR, 'README.md'), 'utf8');
    for (const key of read) {
      expect(example, `.env.example: ${key}`).to.match(new RegExp(`^#?\\s*${key}=`, 'm'));
      if (key !== 'NODE_ENV') expect(readme, `README: ${key}`).to.contain(`\`${key}\``);
    }
  });
});
