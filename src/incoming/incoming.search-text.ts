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
  starts: number[];
  ends: number[];
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

/** Folds `text` and keeps where each folded character came from (for highlighting). */
export function foldWithMap(text: string): FoldedText {
  const original = text.normalize('NFC');
  let folded = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let at = 0;
  let pendingSpace = false;
  for (const c of original) {
    const start = at;
    at += c.length;
    const f = foldChar(c);
    if (f === SEPARATOR) {
      // NUL and other control characters separate words like a space; never stored.
      pendingSpace = folded.length > 0;
      continue;
    }
    if (!f) continue;
    if (pendingSpace) {
      folded += ' ';
      starts.push(start);
      ends.push(start);
      pendingSpace = false;
    }
    for (let i = 0; i < f.length; i += 1) {
      starts.push(start);
      ends.push(at);
    }
    folded += f;
  }
  return { folded, starts, ends };
}

/** The folded form of a text (what search columns hold and what a query is compared with). */
export function foldSearchText(text: string | null | undefined): string {
  return text ? foldWithMap(text).folded : '';
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
 * The places are found in the text as it is (termPattern: no folding of the whole text, which cost
 * 0.2 ms for a 4,000-character page and grew with every page of a long document); a text the
 * patterns find nothing in is folded and looked through as before, so what is found never
 * depends on which way it was looked for. `folding` looks by folding only (the tests' reference).
 */
export function highlightSnippet(
  text: string,
  terms: string[],
  radius = 80,
  { folding = false }: { folding?: boolean } = {},
): string | null {
  if (!text || terms.length === 0) return null;
  const original = text.normalize('NFC');
  const found =
    (folding ? null : hitsByPattern(original, terms, radius)) ??
    hitsByFolding(original, terms, radius);
  if (!found) return null;
  const { hits, begin, end } = found;
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
  html += escapeHtml(original.slice(at, end)) + (end < original.length ? ' …' : '');
  return html.replace(/\s+/g, ' ');
}

/** Where the words were found: the places (sorted) and the excerpt's bounds around the first. */
interface Hits {
  hits: Array<[number, number]>;
  begin: number;
  end: number;
}

function excerptAround(hits: Array<[number, number]>, length: number, radius: number): Hits {
  hits.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  return {
    hits,
    begin: Math.max(0, hits[0][0] - radius),
    end: Math.min(length, hits[0][1] + radius * 2),
  };
}

/** The places found by folding the whole text (any text, any term). */
function hitsByFolding(original: string, terms: string[], radius: number): Hits | null {
  const { folded, starts, ends } = foldWithMap(original);
  const hits: Array<[number, number]> = [];
  for (const term of terms) {
    let from = 0;
    for (
      let i = folded.indexOf(term, from);
      i >= 0 && hits.length < 200;
      i = folded.indexOf(term, from)
    ) {
      hits.push([starts[i], ends[i + term.length - 1]]);
      from = i + term.length;
    }
  }
  return hits.length ? excerptAround(hits, original.length, radius) : null;
}

/**
 * The places found by each term's pattern in the text as it is: the first place, then every
 * place inside the excerpt around it. Null when a term has no pattern or none finds anything.
 */
function hitsByPattern(original: string, terms: string[], radius: number): Hits | null {
  const patterns = terms.map(termPattern);
  if (patterns.some((p) => p === null)) return null;
  let first: [number, number] | null = null;
  for (const pattern of patterns as RegExp[]) {
    pattern.lastIndex = 0;
    const m = pattern.exec(original);
    if (
      m &&
      (!first || m.index < first[0] || (m.index === first[0] && m.index + m[0].length > first[1]))
    )
      first = [m.index, m.index + m[0].length];
  }
  if (!first) return null;
  const { begin, end } = excerptAround([first], original.length, radius);
  const hits: Array<[number, number]> = [];
  for (const pattern of patterns as RegExp[]) {
    // A place that begins before the excerpt but runs into it is found, as folding finds it.
    pattern.lastIndex = Math.max(0, begin - TERM_MAX_CHARS * 4);
    for (let m = pattern.exec(original); m && m.index < end; m = pattern.exec(original))
      hits.push([m.index, m.index + m[0].length]);
  }
  return { ...excerptAround(hits, original.length, radius), begin, end };
}

/**
 * For each single character a folded text holds, the characters that fold to it; null for one
 * that is also part of a longer folding (a Hangul syllable folds to its jamo: a pattern of one
 * jamo would miss the syllable). Worked out once per process, at the first excerpt.
 */
let foldedFrom: Map<string, string[] | null> | null = null;

function charactersFoldingTo(): Map<string, string[] | null> {
  if (foldedFrom) return foldedFrom;
  const map = new Map<string, string[] | null>();
  const inLonger = new Set<string>();
  for (let cp = 0; cp <= 0xffff; cp += 1) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const c = String.fromCharCode(cp);
    // Folded here without the per-character cache, which these 65,000 would fill.
    const f = SPACE.test(c)
      ? SEPARATOR
      : c.toLowerCase().normalize('NFD').replace(MARKS, '').replace(/đ/g, 'd').replace(/Đ/g, 'd');
    if (f === SEPARATOR || !f) continue;
    if (f.length > 1) {
      for (const x of f) inLonger.add(x);
      continue;
    }
    const list = map.get(f);
    if (list) list.push(c);
    else map.set(f, [c]);
  }
  for (const x of inLonger) map.set(x, null);
  foldedFrom = map;
  return map;
}

const regexChar = (c: string) => `\\u{${c.codePointAt(0)!.toString(16)}}`;

/** Patterns of terms met lately (a pure function of the term; a few hundred kept). */
const PATTERNS = new Map<string, RegExp | null>();
const PATTERNS_MAX = 512;

/**
 * A pattern finding a folded term in an unfolded (NFC) text where folding would: each character
 * of the term matches every character that folds to it ("e" matches "ế", "Ê", …; "d" matches
 * "đ"), with combining marks allowed after it (folding drops them), and a space matches a run of
 * white space and control characters. Null when a character of the term is not one a single
 * character folds to, or is part of a longer folding (the text is then folded instead).
 */
export function termPattern(term: string): RegExp | null {
  const known = PATTERNS.get(term);
  if (known !== undefined) {
    if (known) known.lastIndex = 0;
    return known;
  }
  const classes = charactersFoldingTo();
  const parts: string[] = [];
  let usable = term.length > 0;
  for (const c of term) {
    if (c === ' ') {
      parts.push('[\\s\\p{Cc}\\p{Cf}\\u2028\\u2029]+');
      continue;
    }
    const from = classes.get(c);
    if (!from || c.length !== 1) {
      usable = false;
      break;
    }
    parts.push(`[${from.map(regexChar).join('')}]`);
  }
  // Marks only between the term's characters: folding keeps a mark out of a place's bounds.
  const pattern = usable ? new RegExp(parts.join('\\p{M}*'), 'gu') : null;
  if (PATTERNS.size >= PATTERNS_MAX) PATTERNS.delete(PATTERNS.keys().next().value!);
  PATTERNS.set(term, pattern);
  return pattern;
}
