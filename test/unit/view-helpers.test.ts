import { expect } from 'chai';
import {
  fileSize,
  formatDate,
  formatDateTime,
  formatTimeRange,
  isoDate,
} from '../../src/http/view-helpers.js';

const VN = 'Asia/Ho_Chi_Minh';
const intlDate = new Intl.DateTimeFormat('vi-VN', {
  timeZone: VN,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});
const intlDateTime = new Intl.DateTimeFormat('vi-VN', {
  timeZone: VN,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
const intlIso = new Intl.DateTimeFormat('en-CA', { timeZone: VN });

describe('date helpers (Vietnam time)', () => {
  it('format as Intl does for Asia/Ho_Chi_Minh, over fifty thousand instants from 1960 to 2100', () => {
    // A fixed-seed generator: the same instants on every run, midnights and month ends included.
    let seed = 20261121;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const from = Date.UTC(1960, 0, 1);
    const to = Date.UTC(2100, 0, 1);
    const instants = Array.from({ length: 50_000 }, () => new Date(from + next() * (to - from)));
    instants.push(
      new Date(Date.UTC(1975, 5, 13, 16, 59, 59)),
      new Date(Date.UTC(1975, 5, 13, 17)),
      new Date(Date.UTC(2026, 11, 31, 16, 59, 59, 999)),
      new Date(Date.UTC(2026, 11, 31, 17)),
      new Date(Date.UTC(2028, 1, 28, 17)),
    );
    for (const d of instants) {
      expect(formatDate(d), d.toISOString()).to.equal(intlDate.format(d));
      expect(formatDateTime(d), d.toISOString()).to.equal(intlDateTime.format(d));
      expect(isoDate(d), d.toISOString()).to.equal(intlIso.format(d));
    }
  });

  it('show date-only values as they are, and nothing for missing or invalid ones', () => {
    expect(formatDate('2026-02-03')).to.equal('03/02/2026');
    expect(isoDate('2026-02-03')).to.equal('2026-02-03');
    expect(formatDate(null)).to.equal('');
    expect(formatDateTime('không phải ngày')).to.equal('');
    expect(isoDate('')).to.equal('');
  });

  it('gives file sizes in KB and MB, with a decimal comma in Vietnamese', () => {
    expect(fileSize(200)).to.equal('1 KB');
    expect(fileSize(870_400)).to.equal('850 KB');
    expect(fileSize(2.4 * 1024 * 1024)).to.equal('2,4 MB');
    expect(fileSize(2.4 * 1024 * 1024, 'en')).to.equal('2.4 MB');
    expect(fileSize('không phải số')).to.equal('');
  });

  it('writes a span of time within one Vietnam day with its date once', () => {
    // 06:00–09:00 UTC is 13:00–16:00 in Hà Nội, the same day.
    expect(
      formatTimeRange(new Date('2026-12-07T06:00:00Z'), new Date('2026-12-07T09:00:00Z')),
    ).to.equal('13:00–16:00 07/12/2026');
    // 16:00 UTC is past midnight in Hà Nội: the next day, so both dates are written.
    expect(
      formatTimeRange(new Date('2026-12-07T09:00:00Z'), new Date('2026-12-07T17:00:00Z')),
    ).to.equal('16:00 07/12/2026 – 00:00 08/12/2026');
    expect(formatTimeRange(new Date('2026-12-07T06:00:00Z'), null)).to.equal('13:00 07/12/2026');
    expect(formatTimeRange('không phải ngày', undefined)).to.equal('');
  });
});
