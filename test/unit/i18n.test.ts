import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ROOT_DIR } from '../../src/paths.js';
import { i18n, translator } from '../../src/i18n/index.js';

describe('translator', () => {
  it('gives what i18next gives, with and without parameters, on repeated calls', () => {
    const calls: [string, Record<string, unknown>?][] = [
      ['incoming:list.title'],
      ['incoming:list.total', { count: 1 }],
      ['incoming:list.total', { count: 25 }],
      ['common.pageOf', { page: 2, pages: 9 }],
      ['common.pageOf', { page: '2', pages: '9' }],
      ['errors:FILE_NOT_PDF', { name: 'công văn.pdf' }],
    ];
    for (const lng of ['vi', 'en'] as const) {
      const t = translator(lng) as unknown as (k: string, o?: object) => string;
      const reference = i18n().getFixedT(lng) as unknown as (k: string, o?: object) => string;
      for (let round = 0; round < 3; round++)
        for (const [key, options] of calls)
          expect(t(key, options), `${lng} ${key}`).to.equal(reference(key, options));
    }
    expect(
      (translator('vi') as (k: string, o: object) => string)('incoming:list.total', { count: 25 }),
    ).to.equal('Tổng số: 25 văn bản');
  });

  it('keeps parameters apart: a value is never mistaken for another of another type or name', () => {
    const t = translator('en') as unknown as (k: string, o?: object) => string;
    expect(t('common.pageOf', { page: 1, pages: 10 })).to.equal('Page 1 of 10');
    expect(t('common.pageOf', { page: 11, pages: 0 })).to.equal('Page 11 of 0');
    expect(t('common.pageOf', { pages: 1, page: 10 })).to.equal('Page 10 of 1');
  });

  it('translates parameters that are objects anew each time', () => {
    const t = translator('vi') as unknown as (k: string, o?: object) => string;
    const name = { toString: () => 'một.pdf' };
    expect(t('errors:FILE_NOT_PDF', { name })).to.contain('một.pdf');
    const other = { toString: () => 'hai.pdf' };
    expect(t('errors:FILE_NOT_PDF', { name: other })).to.contain('hai.pdf');
  });

  it('has every Vietnamese text in English too, and nothing in English alone', () => {
    const keysOf = (node: object, prefix = ''): string[] =>
      Object.entries(node).flatMap(([key, value]) =>
        value && typeof value === 'object' ? keysOf(value, `${prefix}${key}.`) : [prefix + key],
      );
    const read = (lng: string, file: string) =>
      keysOf(JSON.parse(readFileSync(path.join(ROOT_DIR, 'locales', lng, file), 'utf8'))).sort();
    const files = readdirSync(path.join(ROOT_DIR, 'locales', 'vi'));
    expect(files).to.include('errors.json');
    expect(readdirSync(path.join(ROOT_DIR, 'locales', 'en')).sort()).to.deep.equal(files.sort());
    // English splits a counted text into its plural forms (key_one, key_other); Vietnamese
    // nouns do not change with the number, so its key stays whole.
    const whole = (keys: string[]) =>
      [...new Set(keys.map((k) => k.replace(/_(one|other)$/, '')))].sort();
    for (const file of files) expect(whole(read('en', file)), file).to.deep.equal(read('vi', file));
  });

  it('says "1 document" and "2 documents" in English: every counted noun has its singular', () => {
    const leaves = (node: object, prefix = ''): [string, string][] =>
      Object.entries(node).flatMap(([key, value]) =>
        value && typeof value === 'object'
          ? leaves(value, `${prefix}${key}.`)
          : [[prefix + key, String(value)] as [string, string]],
      );
    const dir = path.join(ROOT_DIR, 'locales', 'en');
    const unsplit = readdirSync(dir).flatMap((file) =>
      leaves(JSON.parse(readFileSync(path.join(dir, file), 'utf8')))
        // "{{count}} documents", "{{count}} file(s)": a noun after the count that has a plural.
        .filter(([, text]) => /\{\{count\}\} (\w+ )?(\w+s|people|\w+\(s\))\b/.test(text))
        .filter(([key]) => !/_(one|other)$/.test(key))
        .map(([key]) => `${file}: ${key}`),
    );
    expect(unsplit).to.deep.equal([]);
    const t = translator('en') as unknown as (k: string, o?: object) => string;
    expect(t('directory:count', { count: 1 })).to.equal('1 person');
    expect(t('directory:count', { count: 7 })).to.equal('7 people');
    expect(t('incoming:list.total', { count: 1 })).to.equal('Total: 1 document');
    expect(t('errors:DEPARTMENT_HAS_USERS', { count: 2 })).to.contain('2 users');
    const vi = translator('vi') as unknown as (k: string, o?: object) => string;
    expect(vi('directory:count', { count: 1 })).to.equal(
      vi('directory:count', { count: 7 }).replace('7', '1'),
    );
  });
});
