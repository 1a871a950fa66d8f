import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ROOT_DIR } from '../../src/paths.js';

/*
 * One term for each idea (issue 11 §7): "Cần xử lý", "Đang xử lý" and "Hạn xử lý". "Thời hạn giải
 * quyết" stays: it is the heading of column (3) of the tracking register in Decree 30, Appendix IV.
 */
const REJECTED: { variant: RegExp; use: string }[] = [
  { variant: /văn bản chờ xử lý/iu, use: 'Cần xử lý' },
  { variant: /đang giải quyết/iu, use: 'Đang xử lý' },
  { variant: /(?<!thời )hạn giải quyết/iu, use: 'Hạn xử lý' },
];

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return filesUnder(full, ext);
    return name.endsWith(ext) ? [full] : [];
  });
}

const SCANNED = [
  ...filesUnder(path.join(ROOT_DIR, 'locales', 'vi'), '.json'),
  ...filesUnder(path.join(ROOT_DIR, 'views'), '.hbs'),
  ...filesUnder(path.join(ROOT_DIR, 'src'), '.ts'),
  ...filesUnder(path.join(ROOT_DIR, 'public'), '.js'),
];

describe('Vietnamese terms', () => {
  it('scans the locales, the views and the code', () => {
    expect(SCANNED.some((f) => f.endsWith(path.join('vi', 'incoming.json')))).to.equal(true);
    expect(SCANNED.some((f) => f.endsWith(path.join('dashboard', 'index.hbs')))).to.equal(true);
  });

  for (const { variant, use } of REJECTED) {
    it(`says "${use}", never ${variant.source}`, () => {
      const found = SCANNED.flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .map((line, i) => ({ line, at: `${path.relative(ROOT_DIR, file)}:${i + 1}` }))
          .filter(({ line }) => variant.test(line))
          .map(({ at, line }) => `${at}: ${line.trim()}`),
      );
      expect(found, found.join('\n')).to.deep.equal([]);
    });
  }

  it('keeps the decree’s register heading "Thời hạn giải quyết" out of the rejected variants', () => {
    expect(REJECTED.some(({ variant }) => variant.test('Thời hạn giải quyết'))).to.equal(false);
    expect(REJECTED.some(({ variant }) => variant.test('Hạn giải quyết mặc định'))).to.equal(true);
  });
});
