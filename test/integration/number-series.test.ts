import { expect } from 'chai';
import { db } from '../../src/db/index.js';
import { withTransaction } from '../../src/db/transaction.js';
import { Register } from '../../src/registers/register.model.js';
import { issueNumber, prepareRegister } from '../../src/registers/register.service.js';
import { numberSeries } from '../../src/registers/number-series.js';
import { buildAgency } from '../factories/index.js';
import { testApp } from '../helpers/test-app.js';

describe('registers: separate number series in one register kind and year', () => {
  before(async () => {
    await testApp();
  });

  it('numbers the ordinary, secret and normative series each from 1, gapless under concurrency', async () => {
    const agency = await buildAgency();
    const series = [
      numberSeries({ documentType: 'QĐ' }),
      numberSeries({ documentType: 'CV', confidentiality: 2 }),
      numberSeries({ documentType: 'QĐ', normative: true }),
    ];
    const key = (s: string) => ({
      agencyId: agency.id,
      kind: 'outgoing' as const,
      year: 2026,
      series: s,
    });
    for (const s of series) await prepareRegister(key(s));
    const issued = await Promise.all(
      Array.from({ length: 60 }, (_, i) => issueNumber(key(series[i % 3]!))),
    );
    for (const [i, s] of series.entries()) {
      const numbers = issued.filter((_, j) => j % 3 === i).map((x) => x.number);
      expect(
        numbers.sort((a, b) => a - b),
        s || 'ordinary',
      ).to.deep.equal(Array.from({ length: 20 }, (_, k) => k + 1));
    }
    const registers = await Register.findAll({
      where: { agencyId: agency.id },
      order: [['series', 'ASC']],
    });
    expect(registers.map((r) => [r.series, r.lastNumber])).to.deep.equal([
      ['', 20],
      ['normative:QĐ', 20],
      ['secret', 20],
    ]);
    expect(registers.find((r) => r.series === 'secret')!.name).to.equal(
      'Sổ đăng ký văn bản đi (văn bản mật) năm 2026',
    );
  });

  it('gives a number back when its transaction rolls back, so the series stays gapless', async () => {
    const agency = await buildAgency();
    const key = { agencyId: agency.id, kind: 'outgoing' as const, year: 2026, series: 'secret' };
    await prepareRegister(key);
    expect((await issueNumber(key)).number).to.equal(1);
    await withTransaction(db(), undefined, async (transaction) => {
      expect((await issueNumber(key, { transaction })).number).to.equal(2);
      throw new Error('failure after numbering');
    }).catch((e: Error) => expect(e.message).to.equal('failure after numbering'));
    expect((await issueNumber(key)).number).to.equal(2);
  });
});
