import { expect } from 'chai';
import { byVietnameseName, compareNames, nameSortKey } from '../../src/users/name-order.js';

describe('people in Vietnamese order (tên, then họ đệm)', () => {
  it('orders by the given name first, as an office lists its people', () => {
    const names = ['Nguyễn Văn Bình', 'Trần Thị An', 'Lê Văn Cường', 'Nguyễn An', 'Phạm Anh'];
    expect([...names].sort(compareNames)).to.deep.equal([
      'Nguyễn An',
      'Trần Thị An',
      'Phạm Anh',
      'Nguyễn Văn Bình',
      'Lê Văn Cường',
    ]);
  });

  it('follows the Vietnamese alphabet: a ă â, d đ, e ê, o ô ơ, u ư; Đ is not after Z', () => {
    const given = [
      'Ơn',
      'Ôn',
      'On',
      'Ưng',
      'Ung',
      'Đức',
      'Dũng',
      'Ân',
      'Ăn',
      'An',
      'Ê',
      'E',
      'Yến',
    ];
    expect(given.map((g) => `Lê ${g}`).sort(compareNames)).to.deep.equal(
      ['An', 'Ăn', 'Ân', 'Dũng', 'Đức', 'E', 'Ê', 'On', 'Ôn', 'Ơn', 'Ung', 'Ưng', 'Yến'].map(
        (g) => `Lê ${g}`,
      ),
    );
  });

  it('lets the tones decide only between names otherwise alike, in dictionary order', () => {
    const tones = ['Lê Má', 'Lê Mạ', 'Lê Mả', 'Lê Ma', 'Lê Mã', 'Lê Mà', 'Lê Mai'];
    expect([...tones].sort(compareNames)).to.deep.equal([
      'Lê Ma',
      'Lê Mà',
      'Lê Mả',
      'Lê Mã',
      'Lê Má',
      'Lê Mạ',
      'Lê Mai',
    ]);
  });

  it('reads composed and decomposed text, case and spacing alike', () => {
    const composed = 'Nguyễn Thị Ánh'.normalize('NFC');
    const decomposed = 'nguyễn  THỊ   ánh'.normalize('NFD');
    expect(nameSortKey(composed)).to.equal(nameSortKey(decomposed));
    expect(compareNames(composed, decomposed)).to.equal(0);
  });

  it('gives a plain ASCII key of bounded length, whatever the name', () => {
    for (const name of [
      '',
      '   ',
      'X'.repeat(1000),
      'Đ'.repeat(300),
      "O'Brien-Đặng 3",
      '\u0300\u0301',
    ])
      expect(nameSortKey(name)).to.match(/^[ -~]{0,255}$/);
    expect(nameSortKey(null)).to.equal(null);
  });

  it('keeps one order for equal names, by id', () => {
    const people = [
      { id: 3, fullName: 'Lê Văn An' },
      { id: 1, fullName: 'Lê Văn An' },
    ];
    expect(people.sort(byVietnameseName).map((p) => p.id)).to.deep.equal([1, 3]);
  });
});
