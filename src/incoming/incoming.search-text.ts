/**
 * Vietnamese search folding, shared by what is stored (incoming_documents.searchText,
 * document_texts.searchText) and what is typed: NFC, lower case, combining marks stripped after
 * NFD (so "Quyết Định", "QUYẾT ĐỊNH" and "quyet dinh" all fold to "quyet dinh"), đ → d, control
 * characters (NUL among them) dropped, runs of white space one space, trimmed.
 *
 * Pure: no database, so the model's hooks, the migration's backfill and the snippets use it alike.
 */

export interface FoldedText {
  folded: string;
  /** For each UTF-16 unit of `folded`: where its character starts and ends in the original. */
  starts: Int32Array;
  ends: Int32Array;
}

const MARKS = /\p{M}/gu;
const SPACE = /[\s\p{Cc}\p{Cf}\u2028\u2029]/u;

/** What a white-space or control character folds to in FOLDED (it separates words). */
const SEPARATOR = '\u0000';
/**
 * Each character's folding, worked out once: folding a file's text character by character was
 * most of a search page's CPU (lower case, NFD and a regular expression per character). A text
 * uses a few hundred distinct characters; a hostile one can't grow the map past its cap.
 */
const FOLDED = new Map<string, string>();
const FOLDED_MAX = 8192;

function foldChar(c: string): string {
  const known = FOLDED.get(c);
  if (known !== undefined) return known;
  const f = SPACE.test(c)
    ? SEPARATOR
    : c.toLowerCase().normalize('NFD').replace(MARKS, '').replace(/đ/g, 'd').replace(/Đ/g, 'd');
  if (FOLDED.size < FOLDED_MAX) FOLDED.set(c, f);
  return f;
}

/** What each ASCII character folds to (most of a Vietnamese text), read without the map. */
const ASCII_FOLDED: string[] = Array.from({ length: 0x80 }, (_, code) =>
  foldChar(String.fromCharCode(code)),
);
/** The same for the other characters of the Basic Multilingual Plane, filled as they are met. */
const BMP_FOLDED: Array<string | undefined> = new Array(0x10000);

/**
 * Folds `text` and keeps where each folded character came from (for highlighting); with `upTo`,
 * only the characters of the (NFC) text that begin before that index (`through`: where it
 * stopped). What a part folds to begins what the whole folds to.
 */
export function foldWithMap(text: string, upTo = Infinity): FoldedText & { through: number } {
  const fold = foldNfcWithMap(text.normalize('NFC'), upTo);
  return { ...fold, starts: fold.starts.slice(), ends: fold.ends.slice() };
}

/**
 * Where foldNfcWithMap writes: kept between calls (a search page folds 40 texts; allocating
 * the arrays each time cost more than filling them) and grown as a text needs.
 */
const newScratch = (size: number) => ({
  units: new Uint16Array(size),
  starts: new Int32Array(size),
  ends: new Int32Array(size),
});
const scratch = newScratch(4096);
/** The most units kept between calls (0.6 MB); a longer text's arrays are let go. */
const SCRATCH_KEPT = 65_536;

/**
 * foldWithMap of a text already in NFC, its arrays views on `scratch`: valid until the next
 * call. Written into typed arrays, ASCII read from a table: a string iterator, a map lookup
 * and three growing arrays per character were most of an excerpt's cost (an excerpt of a
 * 4,000-character file text: 61 µs, now 31; a search page makes 20).
 */
function foldNfcWithMap(original: string, upTo: number): FoldedText & { through: number } {
  const length = original.length;
  let { units, starts, ends } = scratch;
  let n = 0;
  let at = 0;
  let pendingSpace = false;
  while (at < length && at < upTo) {
    const start = at;
    const code = original.charCodeAt(at);
    let f: string;
    if (code < 0x80) {
      at += 1;
      f = ASCII_FOLDED[code];
    } else if (code < 0xd800 || code > 0xdfff) {
      at += 1;
      f = BMP_FOLDED[code] ??= foldChar(original[start]);
    } else {
      // A surrogate pair is one character; a lone surrogate one of its own, as for..of reads it.
      at += (original.codePointAt(at) as number) > 0xffff ? 2 : 1;
      f = foldChar(original.slice(start, at));
    }
    if (f === SEPARATOR) {
      // NUL and other control characters separate words like a space; never stored.
      pendingSpace = n > 0;
      continue;
    }
    if (!f) continue;
    if (n + f.length + 1 > units.length) {
      const capacity = (n + f.length + 1) * 2;
      units = scratch.units = grown(units, new Uint16Array(capacity));
      starts = scratch.starts = grown(starts, new Int32Array(capacity));
      ends = scratch.ends = grown(ends, new Int32Array(capacity));
    }
    if (pendingSpace) {
      units[n] = 0x20;
      starts[n] = start;
      ends[n] = start;
      n += 1;
      pendingSpace = false;
    }
    for (let i = 0; i < f.length; i += 1) {
      units[n] = f.charCodeAt(i);
      starts[n] = start;
      ends[n] = at;
      n += 1;
    }
  }
  // A long text's arrays are not kept: only the caller's views hold them, until it is done.
  if (units.length > SCRATCH_KEPT) Object.assign(scratch, newScratch(4096));
  return {
    folded: unitsToString(units, n),
    starts: starts.subarray(0, n),
    ends: ends.subarray(0, n),
    through: at,
  };
}

function grown<A extends Uint16Array | Int32Array>(from: A, to: A): A {
  to.set(from);
  return to;
}

/** The string of the first `n` UTF-16 units (lone surrogates kept, as TextDecoder would not). */
function unitsToString(units: Uint16Array, n: number): string {
  let out = '';
  for (let i = 0; i < n; i += 8192)
    out += String.fromCharCode.apply(null, units.subarray(i, Math.min(n, i + 8192)) as never);
  return out;
}

/** The folded form of a text (what search columns hold and what a query is compared with). */
export function foldSearchText(text: string | null | undefined): string {
  return text ? foldNfcWithMap(text.normalize('NFC'), Infinity).folded : '';
}

/** The words a query looks for, folded: at most `max`, each at most 100 characters. */
export function searchTerms(query: string | null | undefined, max = 8): string[] {
  const words = foldSearchText(query).split(' ').filter(Boolean);
  return [...new Set(words)].slice(0, max).map((w) => w.slice(0, 100));
}

/** The longest term the search index keeps (incoming_search_terms.term), in characters. */
export const TERM_MAX_CHARS = 64;
/** At most this many terms start inside one word (its pieces after "/", "-", …). */
const PIECES_PER_WORD = 8;

const classOf = (c: string) => (/\p{L}/u.test(c) ? 'L' : /\p{N}/u.test(c) ? 'N' : 'P');
const clip = (chars: string[]) => chars.slice(0, TERM_MAX_CHARS).join('');

/**
 * A typed word of at most this many characters is looked up by its prefix term (below): a short
 * word begins hundreds of distinct terms ("so" begins "so", "son", "soat", "song", … and in a
 * file's text nearly every document holds one), and reading all their rows for each search cost
 * MariaDB 20–70 ms; the prefix term is one term, its documents one index range.
 */
export const SHORT_WORD_CHARS = 3;
/** Begins and ends a prefix term; folding drops control characters, so no real term has it. */
const PREFIX_MARK = '\u0001';

/** The prefix term standing for every term that begins with `prefix` (a short word). */
export const prefixTerm = (prefix: string) => `${PREFIX_MARK}${prefix}${PREFIX_MARK}`;

/**
 * The terms the search index holds for a folded text (incoming_search_terms): each word, and
 * each piece of it that starts where letters, digits and punctuation change ("1234/qd-ubnd" →
 * "1234/qd-ubnd", "/qd-ubnd", "qd-ubnd", "-ubnd", "ubnd"), cut at 64 characters. A typed word is
 * found when it begins one of them (searchTermRange), so the number as printed, its pieces and
 * the arrival number are found as before, each with an index range read. Beside them, the
 * prefix terms: each distinct beginning of 1 to SHORT_WORD_CHARS characters of those terms
 * ("\u0001s\u0001", "\u0001so\u0001", "\u0001son\u0001" for "son"), which a short word looks up.
 */
export function searchIndexTerms(folded: string): string[] {
  const terms = new Set<string>();
  for (const word of folded.split(' ')) {
    if (!word) continue;
    const chars = Array.from(word);
    terms.add(clip(chars));
    let pieces = 0;
    for (let i = 1; i < chars.length && pieces < PIECES_PER_WORD; i += 1) {
      if (classOf(chars[i]) === classOf(chars[i - 1])) continue;
      terms.add(clip(chars.slice(i)));
      pieces += 1;
    }
  }
  const prefixes = new Set<string>();
  for (const term of terms) {
    const chars = Array.from(term);
    for (let n = 1; n <= Math.min(SHORT_WORD_CHARS, chars.length); n += 1)
      prefixes.add(prefixTerm(chars.slice(0, n).join('')));
  }
  return [...terms, ...prefixes];
}

/**
 * The index range of the terms a typed (folded) word begins: [from, to) in code point order
 * (the column is compared bytewise on both databases), the word cut like the terms are. A short
 * word's range holds its prefix term alone (the same documents, one term).
 */
export function searchTermRange(word: string): { from: string; to: string } {
  const chars = Array.from(word).slice(0, TERM_MAX_CHARS);
  if (chars.length <= SHORT_WORD_CHARS)
    chars.splice(0, chars.length, ...prefixTerm(chars.join('')));
  const from = chars.join('');
  let last = chars.pop()!.codePointAt(0)! + 1;
  if (last === 0xd800) last = 0xe000;
  return { from, to: chars.join('') + String.fromCodePoint(Math.min(last, 0x10ffff)) };
}

/** What of an incoming document its search column holds. */
export interface IncomingSearchFields {
  arrivalNumber?: number | null;
  codeNumber?: string | null;
  codeNotation?: string | null;
  fromOrganName?: string | null;
  subject?: string | null;
  signerName?: string | null;
  documentType?: string | null;
  /** The type's name ("Quyết định"), found by the type code. */
  documentTypeName?: string | null;
}

/**
 * The folded search text of an incoming document: the number as printed ("1234/QĐ-UBND"), the
 * arrival number, the sender, the subject, the signer and the type (code and name), separated by
 * " | " so that a word never runs from one field into the next.
 */
export function incomingSearchText(doc: IncomingSearchFields): string {
  const printed = [doc.codeNumber, doc.codeNotation].filter(Boolean).join('/');
  return [
    doc.arrivalNumber == null ? '' : String(doc.arrivalNumber),
    printed,
    doc.fromOrganName,
    doc.subject,
    doc.signerName,
    doc.documentType,
    doc.documentTypeName,
  ]
    .map((part) => foldSearchText(part))
    .filter(Boolean)
    .join(' | ');
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
  '=': '&#61;',
};
export const escapeHtml = (text: string) => text.replace(/[&<>"'`=]/g, (c) => HTML_ESCAPES[c]);

/**
 * The part of `text` around the first place a search word was found, as HTML: everything escaped,
 * each place a word was found within the excerpt in <mark>. Null when no word is in the text.
 * The text is folded only as far as the excerpt needs (hitsByFolding), not whole: folding cost
 * 0.2 ms for a 4,000-character page and grew with every page of a long document, and a search
 * page folded a text for each of its rows. `whole` folds it all first (the tests' reference).
 */
export function highlightSnippet(
  text: string,
  terms: string[],
  radius = 80,
  { whole = false }: { whole?: boolean } = {},
): string | null {
  if (!text || terms.length === 0) return null;
  const found = hitsByFolding(text, terms, radius, whole);
  if (!found) return null;
  const { original, hits, begin, end, more } = found;
  const marks: Array<[number, number]> = [];
  for (const [s, e] of hits) {
    if (s < begin || e > end) continue;
    const last = marks[marks.length - 1];
    // Overlapping places, or places only white space apart (the words of a phrase), merge.
    if (last && (s <= last[1] || /^\s+$/.test(original.slice(last[1], s))))
      last[1] = Math.max(last[1], e);
    else marks.push([s, e]);
  }
  let html = begin > 0 ? '… ' : '';
  let at = begin;
  for (const [s, e] of marks) {
    html +=
      escapeHtml(original.slice(at, s)) + '<mark>' + escapeHtml(original.slice(s, e)) + '</mark>';
    at = e;
  }
  html += escapeHtml(original.slice(at, end)) + (more ? ' …' : '');
  return html.replace(/\s+/g, ' ');
}

/**
 * Where a term of the search index may begin in a folded text (searchIndexTerms): at a word's
 * start, or where letters, digits and punctuation change inside it ("156/kh-hu" holds "hu").
 */
function beginsTerm(folded: string, i: number): boolean {
  if (i === 0) return true;
  const before = folded[i - 1];
  return /\s/.test(before) || classOf(before) !== classOf(folded[i]);
}

/**
 * The first place at or after `from` where `term` begins a term, as the search found it: "hu"
 * is marked in "KH-HU", "Hùng" and "huyện", not inside "Chủ" or "phúc".
 */
function termIndexOf(folded: string, term: string, from: number): number {
  for (let i = folded.indexOf(term, from); i >= 0; i = folded.indexOf(term, i + 1))
    if (beginsTerm(folded, i)) return i;
  return -1;
}

/** How much of a text is folded first; four times more each time the excerpt needs more. */
const FIRST_FOLD_CHARS = 256;

/**
 * Where a text may be cut for its beginning to be normalised alone: before the first ASCII
 * character at or after `from` (no character composes with a preceding one in NFC, so the NFC
 * of the beginning and of the rest make that of the whole), or at the end.
 */
function asciiCut(text: string, from: number): number {
  for (let i = from; i < text.length; i += 1) if (text.charCodeAt(i) < 0x80) return i;
  return text.length;
}

/** `at`, or the index before it when it falls inside a surrogate pair (so no half is shown). */
function pairStart(text: string, at: number): number {
  const code = text.charCodeAt(at);
  const before = text.charCodeAt(at - 1);
  return code >= 0xdc00 && code <= 0xdfff && before >= 0xd800 && before <= 0xdbff ? at - 1 : at;
}

/**
 * The places the terms were found inside the excerpt (sorted) and the excerpt's bounds around
 * the first place, in `original`: the beginning of the text in NFC, as far as it was read
 * (`more`: text follows the excerpt). The beginning of the text is normalised and folded, and
 * more of it until the excerpt is settled: the first place found can't be preceded by one
 * running past what was folded (it is at least the longest term from the end), and every
 * character up to the excerpt's end is folded. Linear in what is read, whatever the text and
 * the terms; the places are looked for up to the excerpt's end only.
 */
function hitsByFolding(
  text: string,
  terms: string[],
  radius: number,
  whole: boolean,
): {
  original: string;
  hits: Array<[number, number]>;
  begin: number;
  end: number;
  more: boolean;
} | null {
  const longest = Math.max(...terms.map((t) => t.length));
  for (let upTo = whole ? Infinity : FIRST_FOLD_CHARS; ; upTo *= 4) {
    const cut = upTo >= text.length ? text.length : asciiCut(text, upTo);
    const all = cut >= text.length;
    const original = (all ? text : text.slice(0, cut)).normalize('NFC');
    const { folded, starts, ends } = foldNfcWithMap(original, Infinity);
    // The first place: the least start, the longest of those.
    let first = -1;
    let firstEnd = -1;
    for (const term of terms) {
      const i = termIndexOf(folded, term, 0);
      if (i < 0) continue;
      const e = ends[i + term.length - 1];
      if (first < 0 || i < first || (i === first && e > firstEnd)) [first, firstEnd] = [i, e];
    }
    if (first < 0) {
      if (all) return null;
      continue;
    }
    const begin = pairStart(original, Math.max(0, starts[first] - radius));
    const reach = Math.min(original.length, firstEnd + radius * 2);
    if (!all && (folded.length < first + longest || reach < firstEnd + radius * 2)) continue;
    const end = pairStart(original, reach);
    const hits: Array<[number, number]> = [];
    for (const term of terms)
      for (
        let i = termIndexOf(folded, term, 0);
        i >= 0 && starts[i] < end;
        i = termIndexOf(folded, term, i + term.length)
      )
        hits.push([starts[i], ends[i + term.length - 1]]);
    hits.sort((x, y) => x[0] - y[0] || y[1] - x[1]);
    return { original, hits, begin, end, more: !all || end < original.length };
  }
}
