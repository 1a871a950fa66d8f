import { expect } from 'chai';
import { checkDecree30, type Decree30Rule } from '../../../src/drafting/decree30-check.js';
import { CONG_VAN, QUYET_DINH, replaceRow, rowsToText, type Row } from './samples.js';

const rulesOf = (rows: Row[] | string, documentType: string) =>
  checkDecree30(typeof rows === 'string' ? rows : rowsToText(rows), { documentType }).map(
    (f) => f.rule,
  );

describe('Decree 30 check of a draft', () => {
  it('finds nothing to say about a complete quyết định and a complete công văn', () => {
    expect(rulesOf(QUYET_DINH, 'QĐ')).to.deep.equal([]);
    expect(rulesOf(CONG_VAN, 'CV')).to.deep.equal([]);
  });

  it('gives each finding in Vietnamese and English, as advice', () => {
    const [f] = checkDecree30(
      rowsToText(replaceRow(QUYET_DINH, 'Nơi nhận:', 'TM. ỦY BAN NHÂN DÂN')),
      {
        documentType: 'QĐ',
      },
    );
    expect(f).to.deep.include({ rule: 'recipients', severity: 'advice' });
    expect(f.vi).to.contain('Nơi nhận');
    expect(f.en).to.contain('recipients');
  });

  const missingOne: Array<[string, Row[], string, Row | null, Decree30Rule]> = [
    [
      'the national name',
      QUYET_DINH,
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'ỦY BAN NHÂN DÂN',
      'national-heading',
    ],
    ['the motto', QUYET_DINH, 'Độc lập - Tự do - Hạnh phúc', 'HUYỆN DEMO', 'national-heading'],
    [
      'the number and symbol',
      QUYET_DINH,
      'Số: 15/QĐ-UBND',
      ['', 'Demo, ngày 02 tháng 11 năm 2026'],
      'number-symbol',
    ],
    [
      'the place and date',
      QUYET_DINH,
      'Demo, ngày 02 tháng 11 năm 2026',
      'Số: 15/QĐ-UBND',
      'place-date',
    ],
    [
      'the V/v excerpt of a công văn',
      CONG_VAN,
      'V/v đôn đốc báo cáo kết quả chuyển đổi số',
      null,
      'excerpt',
    ],
    ['the authority and the title', QUYET_DINH, 'TM. ỦY BAN NHÂN DÂN', 'Nơi nhận:', 'signer'],
    ['the recipients', CONG_VAN, 'Nơi nhận:', 'KT. CHỦ TỊCH', 'recipients'],
    ['the signer name', CONG_VAN, 'Lê Minh Tuấn', null, 'signer'],
  ];
  for (const [what, rows, match, by, rule] of missingOne) {
    it(`advises on a draft missing ${what} (${rule}) and on nothing else`, () => {
      const type = rows === CONG_VAN ? 'CV' : 'QĐ';
      let draft = replaceRow(rows, match, by);
      // The quyết định's signer has both an authority line and a title: remove one and the
      // other still makes a signer block, so both go.
      if (match === 'TM. ỦY BAN NHÂN DÂN') draft = replaceRow(draft, 'CHỦ TỊCH', '- Như Điều 3;');
      expect(rulesOf(draft, type)).to.deep.equal([rule]);
    });
  }

  it('removes the authority line of the QĐ signer too: a title alone still counts', () => {
    // "TM. ỦY BAN NHÂN DÂN" gone, "CHỦ TỊCH" in capitals above the name is the signer's title.
    const rows = replaceRow(QUYET_DINH, 'TM. ỦY BAN NHÂN DÂN', 'Nơi nhận:');
    expect(rulesOf(rows, 'QĐ')).to.deep.equal([]);
  });

  it('names which half of the national heading is missing', () => {
    const rows = replaceRow(QUYET_DINH, 'Độc lập - Tự do - Hạnh phúc', 'HUYỆN DEMO');
    const [f] = checkDecree30(rowsToText(rows), { documentType: 'QĐ' });
    expect(f.vi).to.contain('Tiêu ngữ').and.not.contain('Quốc hiệu');
  });

  it('does not ask a quyết định for a V/v excerpt', () => {
    expect(rulesOf(QUYET_DINH, 'QĐ')).not.to.include('excerpt');
    expect(rulesOf(QUYET_DINH, 'CV')).to.deep.equal(['excerpt']);
  });

  it('accepts the placeholders of a draft not yet numbered or dated', () => {
    for (const [number, date] of [
      ['Số:      /QĐ-UBND', 'Demo, ngày      tháng      năm 2026'],
      ['Số: .../QĐ-UBND', 'Demo, ngày ... tháng ... năm ...'],
      ['Số: …/2026/QĐ-UBND', 'Thành phố Hồ Chí Minh, ngày …… tháng …… năm 2026'],
      ['Số:/QĐ-UBND', 'Hà Nội, ngày__tháng__năm 2026'],
    ]) {
      const rows = replaceRow(QUYET_DINH, 'Số: 15/QĐ-UBND', [number, date]);
      expect(rulesOf(rows, 'QĐ'), `${number} | ${date}`).to.deep.equal([]);
    }
  });

  it('does not take a number of a legal basis or a date without a place for the heading lines', () => {
    const rows = replaceRow(QUYET_DINH, 'Số: 15/QĐ-UBND', [
      'Số 15/2026',
      'ngày 02 tháng 11 năm 2026',
    ]);
    expect(rulesOf(rows, 'QĐ')).to.deep.equal(['number-symbol', 'place-date']);
  });

  it('does not take a sentence beginning with a title for the signer block', () => {
    const rows: Row[] = [
      ...QUYET_DINH.slice(0, 14),
      'Chủ tịch Ủy ban nhân dân huyện chịu trách nhiệm thi hành.',
      'Nguyễn Văn An',
      'Nơi nhận:',
    ];
    expect(rulesOf(rows, 'QĐ')).to.deep.equal(['signer']);
  });

  it('is indifferent to NFD text, old-style tone marks, case and spacing', () => {
    const text = rowsToText(QUYET_DINH)
      .replace('CỘNG HÒA XÃ HỘI', 'Cộng hoà  xã hội')
      .replace('Độc lập - Tự do - Hạnh phúc', 'Độc lập – Tự do – Hạnh phúc')
      .replace('Nơi nhận:', 'Nơi nhận :')
      .replace('Số: 15/QĐ-UBND', 'Số : 15 / QĐ - UBND')
      .normalize('NFD');
    expect(rulesOf(text, 'QĐ')).to.deep.equal([]);
    expect(rulesOf(rowsToText(CONG_VAN).normalize('NFD'), 'CV'.normalize('NFD'))).to.deep.equal([]);
  });

  it('reads columns that another extractor separated by spaces instead of a tab', () => {
    const text = rowsToText(CONG_VAN).replace(/\t/g, '        ');
    expect(rulesOf(text, 'CV')).to.deep.equal([]);
  });

  it('says once that a file without text cannot be checked', () => {
    expect(rulesOf('\n \f\n', 'QĐ')).to.deep.equal(['no-text']);
  });
});
