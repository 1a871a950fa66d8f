import { expect } from 'chai';
import {
  foldSearchText,
  highlightSnippet,
  prefixTerm,
  searchIndexTerms,
  searchTermRange,
} from '../../src/incoming/incoming.search-text.js';

describe('incoming search index terms', () => {
  it('keeps each word and its pieces after letters, digits and punctuation change', () => {
    const terms = searchIndexTerms(foldSearchText('31 | 1234/QĐ-UBND | Về việc'));
    expect(terms.filter((t) => !t.startsWith('\u0001'))).to.have.members([
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

  it('holds each beginning of 1 to 3 characters of its terms once, as a prefix term', () => {
    expect(searchIndexTerms('son so x/y')).to.have.members([
      'son',
      'so',
      'x/y',
      '/y',
      'y',
      prefixTerm('s'),
      prefixTerm('so'),
      prefixTerm('son'),
      prefixTerm('x'),
      prefixTerm('x/'),
      prefixTerm('x/y'),
      prefixTerm('/'),
      prefixTerm('/y'),
      prefixTerm('y'),
    ]);
    // By characters, not UTF-16 units.
    expect(searchIndexTerms('😀😀😀😀')).to.include(prefixTerm('😀😀😀'));
  });

  it('cuts terms at 64 characters without splitting a character', () => {
    const [term] = searchIndexTerms('😀'.repeat(100));
    expect(Array.from(term)).to.have.length(64);
    expect(term).to.equal('😀'.repeat(64));
  });

  it('gives the range of the terms a word begins', () => {
    expect(searchTermRange('dinh')).to.deep.equal({ from: 'dinh', to: 'dini' });
    const { from, to } = searchTermRange('dinh');
    for (const t of ['dinh', 'dinh.', 'dinh-ubnd']) expect(t >= from && t < to, t).to.equal(true);
    for (const t of ['din', 'dinj', 'adinh', prefixTerm('din')])
      expect(t >= from && t < to, t).to.equal(false);
  });

  it('gives a short word the range of its prefix term alone', () => {
    expect(searchTermRange('%')).to.deep.equal({ from: '\u0001%\u0001', to: '\u0001%\u0002' });
    // Every term of these texts, prefix terms and all: a short word's range holds exactly its own
    // prefix term, and that term is held exactly when a term begins with the word.
    const all = searchIndexTerms('d dinh duc d-ubnd so son soat s sa c e ad 😀x');
    for (const word of ['d', 'so', 'son', 's', '😀', 'du', 'x']) {
      const { from, to } = searchTermRange(word);
      const inRange = all.filter((t) => t >= from && t < to);
      expect(inRange, word).to.deep.equal(
        all.some((t) => !t.startsWith('\u0001') && t.startsWith(word)) ? [prefixTerm(word)] : [],
      );
    }
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

describe('search excerpts mark what the search found', () => {
  it('marks a word where a term begins (a word, or a piece after "/" or "-"), never inside a word', () => {
    expect(highlightSnippet('Chủ tịch UBND huyện ký 156/KH-HU', ['hu'])).to.equal(
      'Chủ tịch UBND <mark>hu</mark>yện ký 156/KH-<mark>HU</mark>',
    );
    // "y" of "sở y tế" is not the "y" inside "Giấy" or "Quy chế"; "so" is not inside "SYT".
    expect(highlightSnippet('Giấy mời Quy chế 142/SYT-VP góp ý', ['y'])).to.equal(
      'Giấy mời Quy chế 142/SYT-VP góp <mark>ý</mark>',
    );
    expect(highlightSnippet('Chủ nghĩa, hạnh phúc', ['hu'])).to.equal(null);
    // Digits after letters begin a term as the index cuts them ("qd15" holds "15").
    expect(highlightSnippet('số QD15 ngày', ['15'])).to.equal('số QD<mark>15</mark> ngày');
  });
});

describe('search excerpts folded only as far as they need', () => {
  // A small generator with a seed, so a failure can be replayed.
  function random(seed: number) {
    let x = seed;
    return () => {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      return x / 2 ** 31;
    };
  }
  const WORDS = [
    'Quyết',
    'định',
    'QUYẾT',
    'ĐỊNH',
    'kế',
    'hoạch',
    'Kế',
    'HOẠCH',
    'ngân',
    'sách',
    'thiên',
    'tai',
    'Đầu',
    'tư',
    'Ủy',
    'ban',
    'nhân',
    'dân',
    'UBND',
    '1234/QĐ-UBND',
    'số',
    'Sở',
    'Tài',
    'chính',
    'đường',
    'Đường',
    'phố',
    'bão',
    'lũ',
    'ĐĐĐ',
    'dđd',
    'aaaa',
    'quyet',
    'dinh',
    // Decomposed, a stray mark, characters that fold to several or to none, others of no case.
    'Quye\u0302\u0301t',
    'đi\u0323nh',
    'a\u0308\u0301x',
    '\u0301tai',
    'İstanbul',
    'Straße',
    '\u212Aelvin',
    '한국어',
    '😀ngân',
    'ǅuro',
    'ﬁle',
    '<b>',
    '&amp;',
    '"x"',
  ];
  const GAPS = [' ', ' ', ' ', '  ', '\t', '\n\n', '\u0000', '\u200b', ', ', '; ', '-', '/', ''];
  const TERMS = [
    'quyet',
    'dinh',
    'ke',
    'hoach',
    'ngan',
    'sach',
    'thien',
    'tai',
    'dau',
    'tu',
    'ubnd',
    '1234/qd',
    'qd-ubnd',
    'so',
    'd',
    'dd',
    'a',
    'aa',
    'ax',
    'istanbul',
    'strasse',
    'straße',
    'kelvin',
    '한국',
    'ᄒ',
    '😀',
    'ǆuro',
    'file',
    'b>',
    '&',
    'x"',
    'ke hoach',
    'quyet dinh',
    'nh',
    'zzz',
  ];

  it('marks the same places as folding the whole text first, on texts of every kind of character', () => {
    for (let seed = 1; seed <= 3000; seed += 1) {
      const next = random(seed);
      const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)];
      let text = '';
      const words = 1 + Math.floor(next() * 400);
      for (let i = 0; i < words; i += 1) text += pick(WORDS) + pick(GAPS);
      if (next() < 0.3) text = text.normalize('NFD');
      const terms = Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(TERMS));
      const radius = pick([5, 20, 80]);
      expect(
        highlightSnippet(text, terms, radius),
        `seed ${seed}: ${JSON.stringify(terms)} in ${JSON.stringify(text)}`,
      ).to.equal(highlightSnippet(text, terms, radius, { whole: true }));
    }
  });

  it('finds a word at the end of a long text, and one across where the first folding stops', () => {
    const text =
      'Căn cứ Luật Tổ chức chính quyền địa phương; '.repeat(5000) + 'về phòng chống THIÊN TAI.';
    expect(highlightSnippet(text, ['thien', 'tai'])).to.match(/<mark>THIÊN TAI<\/mark>\.$/);
    // The first 256 characters, then the first 1,024, end inside "QUYẾT" (composed or not): found
    // whole, not cut.
    const pads = [246, 247, 248, 249, 250, 251, 252, 253, 254, 255, 256, 257, 258, 260, 262];
    for (const pad of [...pads, ...pads.map((p) => p + 768)])
      for (const word of ['QUYẾT', 'QUYẾT'.normalize('NFD')]) {
        const across = 'x'.repeat(pad) + ` ${word} ĐỊNH số 5`;
        expect(highlightSnippet(across, ['quyet', 'dinh'], 10), String(pad)).to.equal(
          highlightSnippet(across, ['quyet', 'dinh'], 10, { whole: true }),
        );
        expect(highlightSnippet(across, ['quyet'], 10)).to.include('<mark>QUYẾT</mark>');
      }
  });

  it('stays linear on hostile texts and words (repeats, marks, a long word that almost matches)', () => {
    const cases: Array<[string, string[]]> = [
      ['ă'.repeat(200_000), ['a'.repeat(99) + 'b']],
      ['ă'.repeat(200_000) + 'b', ['a'.repeat(99) + 'b']],
      ['a\u0301'.repeat(100_000) + 'ab', ['a'.repeat(64), 'ab']],
      ['\u0000 \u200b'.repeat(50_000) + 'Đ', ['d']],
    ];
    for (const [text, terms] of cases)
      expect(highlightSnippet(text, terms), terms.join(' ').slice(0, 20)).to.equal(
        highlightSnippet(text, terms, 80, { whole: true }),
      );
    expect(highlightSnippet('ă'.repeat(200_000), ['a'.repeat(99) + 'b'])).to.equal(null);
  });
});

describe('search excerpts and folding with characters outside the BMP and lone surrogates', () => {
  const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

  it('never cuts a surrogate pair at an excerpt bound', () => {
    // Each offset puts the excerpt's start and end at every position in a run of pairs.
    for (const pair of ['😀', '𠀀', '𝐀']) {
      for (let pad = 0; pad < 12; pad += 1) {
        const text = 'x'.repeat(pad) + pair.repeat(60) + ' QUYẾT định ' + pair.repeat(60);
        for (const radius of [5, 6, 7, 20, 21]) {
          const html = highlightSnippet(text, ['quyet'], radius);
          expect(html, `${pair} pad ${pad} radius ${radius}`).to.include('<mark>QUYẾT</mark>');
          expect(LONE.test(html!), `${pair} pad ${pad} radius ${radius}: ${html}`).to.equal(false);
        }
      }
    }
  });

  it('folds and excerpts lone surrogates without throwing and as the whole-text reference does', () => {
    const texts = [
      '\uD800 Quyết định \uDC00',
      '\uDC00\uD800'.repeat(300) + ' kế hoạch ' + '\uD83D'.repeat(300),
      'a\uD83Db\uDE00c 😀 ngân sách \uD83D',
      '\uDFFF'.repeat(5000) + 'THIÊN TAI',
    ];
    for (const text of texts) {
      expect(() => foldSearchText(text)).not.to.throw();
      expect(searchIndexTerms(foldSearchText(text)).length).to.be.greaterThan(0);
      for (const terms of [['quyet'], ['ke', 'hoach'], ['ngan'], ['thien', 'tai'], ['zzz']]) {
        const html = highlightSnippet(text, terms, 10);
        expect(html).to.equal(highlightSnippet(text, terms, 10, { whole: true }));
        if (html) expect(html).to.match(/<mark>/);
      }
    }
    // A lone surrogate is kept as it is, not paired with a neighbour or dropped.
    expect(foldSearchText('a\uD83D b')).to.equal('a\uD83D b');
    expect(foldSearchText('Đ\uDE00')).to.equal('d\uDE00');
  });
});
