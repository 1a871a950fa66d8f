import { expect } from 'chai';
import { diffVersions } from '../../../src/drafting/version-diff.js';
import { QUYET_DINH, replaceRow, rowsToText } from './samples.js';

describe('comparing two versions of a draft', () => {
  it('marks the changed line as removed then added, between unchanged runs, with line numbers', () => {
    const v1 = rowsToText(QUYET_DINH);
    const v2 = rowsToText(
      replaceRow(
        QUYET_DINH,
        'Điều 2. Quyết định này có hiệu lực kể từ ngày ký.',
        'Điều 2. Quyết định này có hiệu lực kể từ ngày 01 tháng 01 năm 2027.',
      ),
    );
    const diff = diffVersions(v1, v2);
    expect(diff.hunks.map((h) => [h.kind, h.lines.length, h.oldStart, h.newStart])).to.deep.equal([
      ['unchanged', 11, 1, 1],
      ['removed', 1, 12, 12],
      ['added', 1, 13, 12],
      ['unchanged', 7, 13, 13],
    ]);
    expect(diff.hunks[1].lines).to.deep.equal([
      'Điều 2. Quyết định này có hiệu lực kể từ ngày ký.',
    ]);
    expect(diff.hunks[2].lines).to.deep.equal([
      'Điều 2. Quyết định này có hiệu lực kể từ ngày 01 tháng 01 năm 2027.',
    ]);
    expect(diff).to.include({ added: 1, removed: 1, approximate: false });
  });

  it('shows an inserted article as added only, and a dropped one as removed only', () => {
    const base = 'Điều 1. Phê duyệt.\nĐiều 2. Hiệu lực.\nĐiều 3. Thi hành.';
    const more = 'Điều 1. Phê duyệt.\nĐiều 2. Kinh phí.\nĐiều 3. Hiệu lực.\nĐiều 4. Thi hành.';
    const inserted = diffVersions(
      'Điều 1. Phê duyệt.\nĐiều 3. Thi hành.',
      'Điều 1. Phê duyệt.\nĐiều 2. Kinh phí.\nĐiều 3. Thi hành.',
    );
    expect(inserted.hunks.map((h) => h.kind)).to.deep.equal(['unchanged', 'added', 'unchanged']);
    expect(inserted).to.include({ added: 1, removed: 0 });
    const dropped = diffVersions(base, 'Điều 1. Phê duyệt.\nĐiều 3. Thi hành.');
    expect(dropped.hunks.map((h) => [h.kind, h.lines])).to.deep.equal([
      ['unchanged', ['Điều 1. Phê duyệt.']],
      ['removed', ['Điều 2. Hiệu lực.']],
      ['unchanged', ['Điều 3. Thi hành.']],
    ]);
    expect(diffVersions(base, more)).to.include({ added: 3, removed: 2 });
  });

  it('is not moved by NFD against NFC, runs of spaces, tabs, page breaks or blank lines', () => {
    const v1 = rowsToText(QUYET_DINH);
    const v2 = v1
      .normalize('NFD')
      .replace(/\t/g, '    ')
      .replace(/ /g, '  ')
      .replace(/\n/, '\n\n\f');
    const diff = diffVersions(v1, v2);
    expect(diff).to.include({ added: 0, removed: 0 });
    expect(diff.hunks.map((h) => h.kind)).to.deep.equal(['unchanged']);
  });

  it('sees a change of a diacritic alone (quyết định → quyết đinh)', () => {
    const diff = diffVersions('Căn cứ quyết định số 15.', 'Căn cứ quyết đinh số 15.');
    expect(diff).to.include({ added: 1, removed: 1 });
  });

  it('gives no hunks for two empty texts and whole additions from an empty one', () => {
    expect(diffVersions('', '').hunks).to.deep.equal([]);
    expect(diffVersions('', 'a\nb').hunks).to.deep.equal([
      { kind: 'added', lines: ['a', 'b'], oldStart: 1, newStart: 1 },
    ]);
  });

  it('shows texts too different to align within the limit as replaced, and says so', () => {
    const a = Array.from({ length: 50 }, (_, i) => `dòng cũ ${i}`).join('\n');
    const b = Array.from({ length: 50 }, (_, i) => `dòng mới ${i}`).join('\n');
    const diff = diffVersions(a, b, { maxEditLength: 10 });
    expect(diff.approximate).to.equal(true);
    expect(diff.hunks.map((h) => [h.kind, h.lines.length])).to.deep.equal([
      ['removed', 50],
      ['added', 50],
    ]);
  });
});
