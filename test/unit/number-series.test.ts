import { expect } from 'chai';
import { canBeNormative } from '../../src/documents/document-types.js';
import {
  formatCodeNotation,
  formatCodeNumber,
  formatNumberSymbol,
  numberSeries,
  seriesLabel,
} from '../../src/registers/number-series.js';

describe('registers: number series and number/symbol (Decree 30 Art. 15, Appendix III)', () => {
  it('puts secret, normative, copies and advisory bodies in series of their own', () => {
    expect(numberSeries({ documentType: 'QĐ' })).to.equal('');
    expect(numberSeries({ documentType: 'CV', confidentiality: 1 })).to.equal('secret');
    expect(numberSeries({ documentType: 'QĐ', normative: true })).to.equal('normative:QĐ');
    expect(numberSeries({ documentType: 'NQ', normative: true })).to.equal('normative:NQ');
    expect(numberSeries({ documentType: 'QĐ', copy: 'SY' })).to.equal('copy:SY');
    expect(numberSeries({ documentType: 'TB', advisoryBody: 'HĐTĐ' })).to.equal('body:HĐTĐ');
    expect(seriesLabel('normative:QĐ')).to.equal('văn bản quy phạm pháp luật QĐ');
    expect(seriesLabel('secret')).to.equal('văn bản mật');
    expect(seriesLabel('copy:TrS')).to.equal('bản trích sao');
  });

  it('has a normative series only for the types that can be legal normative documents', () => {
    expect(canBeNormative('NQ')).to.equal(true);
    expect(canBeNormative('QĐ')).to.equal(true);
    expect(canBeNormative('TT')).to.equal(true);
    for (const type of ['CV', 'TB', 'TTr', 'BC', 'KH', 'GM', 'BB', 'CT']) {
      expect(canBeNormative(type), type).to.equal(false);
      expect(() => numberSeries({ documentType: type, normative: true }), type).to.throw(
        RangeError,
      );
      expect(() =>
        formatCodeNotation({ documentType: type, agencyAbbr: 'UBND', normative: true, year: 2026 }),
      ).to.throw(RangeError);
    }
  });

  it('formats typed documents, công văn and legal normative documents', () => {
    expect(formatNumberSymbol(15, { documentType: 'QĐ', agencyAbbr: 'UBND' })).to.equal(
      '15/QĐ-UBND',
    );
    expect(
      formatNumberSymbol(12, { documentType: 'CV', agencyAbbr: 'UBND', unitAbbr: 'VX' }),
    ).to.equal('12/UBND-VX');
    expect(
      formatNumberSymbol(3, {
        documentType: 'QĐ',
        agencyAbbr: 'UBND',
        normative: true,
        year: 2026,
      }),
    ).to.equal('03/2026/QĐ-UBND');
    expect(formatCodeNotation({ documentType: 'CV', agencyAbbr: 'UBND' })).to.equal('UBND');
  });

  it('zero-pads numbers below 10 and refuses what is not a number or an abbreviation', () => {
    expect(formatCodeNumber(1)).to.equal('01');
    expect(formatCodeNumber(9)).to.equal('09');
    expect(formatCodeNumber(10)).to.equal('10');
    for (const n of [0, -1, 1.5, NaN])
      expect(() => formatCodeNumber(n), String(n)).to.throw(RangeError);
    expect(() => formatCodeNotation({ documentType: 'QĐ', agencyAbbr: 'UB ND' })).to.throw(
      RangeError,
    );
    expect(() => formatCodeNotation({ documentType: 'QĐ', agencyAbbr: 'UBND-X' })).to.throw(
      RangeError,
    );
    expect(() =>
      formatCodeNotation({ documentType: 'QĐ', agencyAbbr: 'UBND', normative: true }),
    ).to.throw(RangeError, /year/);
  });
});
