import { expect } from 'chai';
import { translator } from '../../src/i18n/index.js';
import {
  cellText,
  incomingRow,
  isOverdue,
  numberAndNotation,
  trackingRow,
  type RegisterSource,
} from '../../src/registers/register-rows.js';
import { PeriodQuerySchema, quickPeriods } from '../../src/registers/registers.schemas.js';

const t = translator('vi');

function source(overrides: Partial<RegisterSource> = {}): RegisterSource {
  return {
    id: 1,
    arrivalNumber: 7,
    arrivalDate: '2026-03-02',
    fromOrganName: 'Sở Tài chính',
    codeNumber: '15',
    codeNotation: 'QĐ-UBND',
    promulgationDate: '2026-02-27',
    documentType: 'QĐ',
    subject: 'Về việc phân bổ kinh phí',
    urgency: 0,
    confidentiality: 0,
    status: 'in_progress',
    returnReason: null,
    completedOn: null,
    leadNames: ['Phòng Tài chính – Kế hoạch'],
    supportNames: [],
    presentedToName: null,
    handedOnDate: '2026-03-03',
    deadline: '2026-03-16',
    leadProgressPercent: 40,
    ...overrides,
  };
}

describe('register period', () => {
  const parse = (input: Record<string, unknown>) => PeriodQuerySchema.safeParse(input);

  it('defaults to the whole year of the given date, or this year', () => {
    expect(parse({ from: '2024-05-01' }).data).to.deep.equal({
      from: '2024-05-01',
      to: '2024-12-31',
      page: 1,
    });
    expect(parse({ to: '2023-02-01' }).data).to.deep.equal({
      from: '2023-01-01',
      to: '2023-02-01',
      page: 1,
    });
    const { data } = parse({ from: '', to: '' });
    expect(data?.from).to.match(/^\d{4}-01-01$/);
    expect(data?.to).to.equal(`${data?.from.slice(0, 4)}-12-31`);
  });

  it('rejects impossible dates, reversed periods and periods over five years', () => {
    for (const from of ['2025-02-29', '2025-13-01', '25-01-01', '2025-1-1', 'x']) {
      expect(parse({ from }).success, from).to.equal(false);
    }
    expect(parse({ from: ['2025-01-01', '2025-02-01'] }).success).to.equal(false);
    expect(parse({ from: '2025-02-02', to: '2025-02-01' }).error?.issues[0].message).to.equal(
      'errors:REGISTER_PERIOD_ORDER',
    );
    expect(parse({ from: '2021-01-01', to: '2025-12-31' }).success).to.equal(true);
    expect(parse({ from: '2021-01-01', to: '2026-01-01' }).error?.issues[0].message).to.equal(
      'errors:REGISTER_PERIOD_TOO_LONG',
    );
    expect(parse({ page: '0' }).success).to.equal(false);
  });

  it('knows this month, including its last day', () => {
    expect(quickPeriods('2024-02-10').month).to.deep.equal({
      from: '2024-02-01',
      to: '2024-02-29',
    });
    expect(quickPeriods('2026-12-31').year).to.deep.equal({ from: '2026-01-01', to: '2026-12-31' });
  });
});

describe('register rows', () => {
  it('writes number and notation as Decree 30 does', () => {
    expect(numberAndNotation('15', 'QĐ-UBND')).to.equal('15/QĐ-UBND');
    expect(numberAndNotation('5', 'UBND-VX')).to.equal('05/UBND-VX');
    expect(numberAndNotation('12', '12/UBND-VX')).to.equal('12/UBND-VX');
    expect(numberAndNotation(null, 'TB-VP')).to.equal('TB-VP');
    expect(numberAndNotation('', null)).to.equal('');
  });

  it('prints dates dd/mm/yyyy and arrival numbers zero-padded below 10', () => {
    expect(cellText('2026-03-02', 'date')).to.equal('02/03/2026');
    expect(cellText(7, 'arrival')).to.equal('07');
    expect(cellText(10, 'arrival')).to.equal('10');
    expect(cellText(null, 'date')).to.equal('');
  });

  it('fills the ten incoming register columns', () => {
    const row = incomingRow(source({ urgency: 2, confidentiality: 1 }), t);
    expect(row.cells).to.deep.equal([
      '2026-03-02',
      7,
      'Sở Tài chính',
      '15/QĐ-UBND',
      '2026-02-27',
      'Quyết định: Về việc phân bổ kinh phí',
      'Phòng Tài chính – Kế hoạch',
      '2026-03-03',
      '',
      'Thượng khẩn; Mật; Đang xử lý',
    ]);
    expect(row.isSecret).to.equal(true);
  });

  it('names the leader it was presented to while nobody is assigned', () => {
    const row = incomingRow(
      source({ leadNames: [], presentedToName: 'Phạm Quốc Hùng', status: 'presented' }),
      t,
    );
    expect(row.cells[6]).to.equal('Phạm Quốc Hùng');
  });

  it('marks open work past its deadline as overdue, not finished or returned work', () => {
    expect(isOverdue(source(), '2026-03-16')).to.equal(false);
    expect(isOverdue(source(), '2026-03-17')).to.equal(true);
    expect(
      isOverdue(source({ status: 'completed', completedOn: '2026-03-20' }), '2026-03-30'),
    ).to.equal(false);
    expect(isOverdue(source({ status: 'returned' }), '2026-03-30')).to.equal(false);
    expect(isOverdue(source({ deadline: null }), '2030-01-01')).to.equal(false);
  });

  it('fills the seven tracking register columns with progress and overdue mark', () => {
    const row = trackingRow(source({ supportNames: ['Phòng Nội vụ'] }), '2026-03-20', t);
    expect(row.isOverdue).to.equal(true);
    expect(row.cells).to.deep.equal([
      7,
      'Quyết định số 15/QĐ-UBND ngày 27/02/2026 của Sở Tài chính: Về việc phân bổ kinh phí',
      'Phòng Tài chính – Kế hoạch\nPhối hợp: Phòng Nội vụ',
      '2026-03-16',
      'Đang xử lý (40%); Quá hạn',
      '',
      '',
    ]);
    const late = trackingRow(
      source({ status: 'filed', completedOn: '2026-03-18' }),
      '2026-03-20',
      t,
    );
    expect(late.cells[4]).to.equal('Hoàn thành ngày 18/03/2026 (quá hạn)');
    expect(late.isOverdue).to.equal(false);
  });
});
