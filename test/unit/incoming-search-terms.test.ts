import { expect } from 'chai';
import {
  foldSearchText,
  highlightSnippet,
  searchIndexTerms,
  searchTermRange,
} from '../../src/incoming/incoming.search-text.js';

describe('incoming search index terms', () => {
  it('keeps each word and its pieces after letters, digits and punctuation change', () => {
    expect(searchIndexTerms(foldSearchText('31 | 1234/QĐ-UBND | Về việc'))).to.have.members([
      '31',
      '|',
      '1234/qd-ubnd',
      '/qd-ubnd',
      'qd-ubnd',
      '-ubnd',
      'ubnd',
      've',
      'viec',
    ]);
  });

  it('cuts terms at 64 characters without splitting a character', () => {
    const [term] = searchIndexTerms('😀'.repeat(100));
    expect(Array.from(term)).to.have.length(64);
    expect(term).to.equal('😀'.repeat(64));
  });

  it('gives the range of the terms a word begins', () => {
    expect(searchTermRange('dinh')).to.deep.equal({ from: 'dinh', to: 'dini' });
    expect(searchTermRange('%')).to.deep.equal({ from: '%', to: '&' });
    const { from, to } = searchTermRange('d');
    for (const t of ['d', 'dinh', 'duc', 'd-ubnd']) expect(t >= from && t < to, t).to.equal(true);
    for (const t of ['c', 'e', 'ad']) expect(t >= from && t < to, t).to.equal(false);
  });

  it('folds the same once the per-character cache is full (a text of thousands of distinct characters)', () => {
    // 20,000 distinct CJK ideographs fill the cache past its cap; Vietnamese after them still folds.
    const flood = Array.from({ length: 20_000 }, (_, i) => String.fromCodePoint(0x4e00 + i)).join(
      '',
    );
    expect(foldSearchText(flood)).to.equal(flood);
    expect(foldSearchText('QUYẾT\u0000ĐỊNH\u200b  Số\t05')).to.equal('quyet dinh so 05');
    expect(foldSearchText('\u2028Đ\u0300')).to.equal('d');
    expect(highlightSnippet('Về việc QUYẾT ĐỊNH giao <b>', ['quyet', 'dinh'])).to.equal(
      'Về việc <mark>QUYẾT ĐỊNH</mark> giao &lt;b&gt;',
    );
  });
});
