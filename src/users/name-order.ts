/**
 * People in Vietnamese order: by given name (tên, the last word), then the family and middle
 * names (họ đệm), letter by letter in the Vietnamese alphabet (a ă â b c d đ e ê … o ô ơ … u ư …),
 * the tones (không dấu, huyền, hỏi, ngã, sắc, nặng) deciding only between names otherwise alike.
 * This is how an office orders a list of its people; sorting on the full name put every Nguyễn
 * together and "Đ" after "Z". The key is plain ASCII, so SQLite's binary order and MariaDB's
 * collations compare it alike, and the lists that page in the database sort by the stored key
 * (users.nameSortKey, kept on every save).
 */

// A vowel's mark, as the digit after its letter: ă, â; ê; ô, ơ; ư (đ has no decomposition).
import type { Order } from 'sequelize';

const MARK: Record<string, Record<string, string>> = {
  '\u0306': { a: '1' }, // breve: ă
  '\u0302': { a: '2', e: '1', o: '1' }, // circumflex: â ê ô
  '\u031b': { o: '2', u: '1' }, // horn: ơ ư
};
const TONE: Record<string, string> = {
  '\u0300': '1', // huyền
  '\u0309': '2', // hỏi
  '\u0303': '3', // ngã
  '\u0301': '4', // sắc
  '\u0323': '5', // nặng
};

/** A word's letters ("a0", "a1" for ă…) and its tone digit. */
function spell(word: string): { letters: string; tone: string } {
  let letters = '';
  let tone = '0';
  for (const ch of word.toLocaleLowerCase('vi').normalize('NFD')) {
    if (ch === 'đ') letters += 'd1';
    else if (TONE[ch]) tone = TONE[ch];
    else if (MARK[ch]) {
      const base = letters.slice(-2, -1);
      const digit = MARK[ch][base];
      if (digit) letters = letters.slice(0, -1) + digit;
    } else if (/[\p{L}\p{N}]/u.test(ch)) letters += `${ch}0`;
  }
  return { letters, tone };
}

/** The sort key of a full name: tên first, then họ đệm, then the tones (at most 255 characters). */
export function nameSortKey(fullName: string | null | undefined): string | null {
  if (fullName == null) return null;
  const words = fullName.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '';
  const ordered = [words[words.length - 1]!, ...words.slice(0, -1)].map(spell);
  return [...ordered.map((w) => w.letters), ordered.map((w) => w.tone).join('')]
    .join(' ')
    .slice(0, 255);
}

// A sort compares each name about log2(n) times: its key is worked out once. The key is a pure
// function of the name (nothing of a person), so one table serves every request; it is emptied
// when it grows past a directory's size rather than kept for every name ever seen.
const KEPT_KEYS_MAX = 20_000;
const keptKeys = new Map<string, string>();

function keyOf(name: string): string {
  let key = keptKeys.get(name);
  if (key === undefined) {
    if (keptKeys.size >= KEPT_KEYS_MAX) keptKeys.clear();
    key = nameSortKey(name) ?? '';
    keptKeys.set(name, key);
  }
  return key;
}

/** Compares two full names in Vietnamese order (for lists sorted in memory). */
export function compareNames(a: string, b: string): number {
  const ka = keyOf(a);
  const kb = keyOf(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** The same for people: by name, then by id so equal names keep one order. */
export const byVietnameseName = <T extends { fullName: string; id?: number }>(a: T, b: T) =>
  compareNames(a.fullName, b.fullName) || (a.id ?? 0) - (b.id ?? 0);

/** A Sequelize order of users in Vietnamese order (by the stored key, then id). */
export const NAME_ORDER: Order = [
  ['nameSortKey', 'ASC'],
  ['id', 'ASC'],
];
