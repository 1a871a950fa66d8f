import type { Rect } from '../signing/types.js';
import { foldVietnamese, isSignerAuthority, SIGNER_NAME } from './decree30-check.js';
import type { PdfLayout, PdfLayoutPage, PdfTextItem } from './pdf-text.js';

/*
 * Where the leader's signature, the number and the date go on a draft, told from the positions
 * of its text (extractPdfLayout). Pure: it runs in the file check pool's worker beside pdf.js, and
 * in unit tests on hand-made layouts.
 *
 * The analysis works on the page as displayed (pdf.js's viewport at scale 1: CropBox origin, the
 * page's /Rotate applied, y downwards), so "right half", "below" and "above the bottom margin"
 * mean what a reader sees; each rect is then mapped back to user space. On a page with /Rotate
 * 90 or 270 that user-space rect is the displayed region turned, so its width and height swap:
 * an appearance drawn unturned in it would read sideways.
 */

export interface Placement {
  /** 1-based page number. */
  page: number;
  /** [x, y, width, height] in the page's user space (points, origin bottom left). */
  rect: Rect;
}

export interface SignerPlacement extends Placement {
  /** 'block': the gap between the signer's title and name; 'default': the end of the last page. */
  source: 'block' | 'default';
}

export interface PageBox {
  /** The visible box (CropBox ∩ MediaBox) in user space [x1, y1, x2, y2]. */
  box: [number, number, number, number];
  /** Clockwise display rotation. */
  rotate: number;
}

export interface Placements {
  signer: SignerPlacement;
  /** The number's placeholder after "Số:" on page 1; null when none (or already numbered). */
  number: Placement | null;
  /** The place-and-date line on page 1; null when none. */
  date: Placement | null;
  pageCount: number;
  /** Page boxes from page 1, as far as the layout gave them (see PLACEMENT_LIMITS.maxPages). */
  pages: PageBox[];
}

export const PLACEMENT_LIMITS = {
  /** Pages whose boxes are read (pdf-text's page limit). */
  maxPages: 2000,
  /** Pages searched for the signer block, from the last one backwards. */
  signerPages: 5,
  /** A page with more text pieces is taken as having no text. */
  maxItemsPerPage: 20_000,
  maxChars: 1_000_000,
};

/** The pages whose text the scan reads: page 1 and the last few. */
export function placementTextPages(pageCount: number): number[] {
  const pages = new Set([1]);
  for (let n = pageCount; n > Math.max(0, pageCount - PLACEMENT_LIMITS.signerPages); n -= 1)
    pages.add(n);
  return [...pages];
}

// The default signature box (room for prefix, title, image and name at 13–14 pt) and the margins
// of Decree 30 Appendix I: bottom 20 mm, right 15 mm.
const DEFAULT_BOX = { width: 230, height: 150 };
const MARGIN = { bottom: 56.7, right: 42.5 };
/** A signature image needs at least this width; a narrower block's gap is widened about its centre. */
const MIN_SIGNER_WIDTH = 160;
/** A stamped line at 14 pt needs about this height (DejaVu's ascent minus descent, 1.17 em). */
const MIN_LINE_HEIGHT = 18;

interface Segment {
  /** NFC text, one code point per entry of x0/x1. */
  chars: string[];
  text: string;
  /** Letters without marks, one character per code point, aligned with chars. */
  folded: string;
  x0: number[];
  x1: number[];
  left: number;
  right: number;
  baseline: number;
  size: number;
  top: number;
  bottom: number;
}

type Line = Segment[];

/** Displayed rect (left, top, right, bottom; y downwards). */
type Box = [number, number, number, number];

/** Finds the placements in a layout read with placementTextPages and PLACEMENT_LIMITS. */
export function placementsFromLayout(layout: PdfLayout): Placements {
  const byNumber = new Map(layout.pages.map((p) => [p.number, p]));
  const first = byNumber.get(1);
  const last = byNumber.get(layout.pageCount);
  if (!first || !last) throw new Error('the layout lacks page 1 or the last page');
  const firstLines = linesOf(first);
  let signer: SignerPlacement | null = null;
  for (let n = layout.pageCount; n >= 1 && !signer; n -= 1) {
    const page = byNumber.get(n);
    if (!page?.items) continue;
    const box = signerBlock(page, n === 1 ? firstLines : linesOf(page));
    if (box) signer = { page: n, rect: toUser(page, box), source: 'block' };
  }
  signer ??= { page: last.number, rect: toUser(last, defaultBox(last)), source: 'default' };
  const number = numberBox(first, firstLines);
  const date = dateBox(first, firstLines);
  return {
    signer,
    number: number && { page: 1, rect: toUser(first, number) },
    date: date && { page: 1, rect: toUser(first, date) },
    pageCount: layout.pageCount,
    pages: layout.pages
      .filter((p, i) => p.number === i + 1)
      .map((p) => ({ box: p.view, rotate: p.rotate })),
  };
}

// ---------------------------------------------------------------------------------------------
// Lines and segments

/**
 * Pieces whose baselines lie within a third of the smaller font size are one line (as
 * extractPdfText reads them); a gap wider than two characters splits a line into segments (the
 * two columns of the heading, "Nơi nhận" beside the signer).
 */
function linesOf(page: PdfLayoutPage): Line[] {
  const items = [...(page.items ?? [])].sort((a, b) => a.y - b.y || a.x - b.x);
  const groups: PdfTextItem[][] = [];
  for (const item of items) {
    const group = groups[groups.length - 1];
    const ref = group?.[0];
    if (ref && Math.abs(item.y - ref.y) <= Math.min(ref.size, item.size) / 3) group.push(item);
    else groups.push([item]);
  }
  return groups.map((group) => {
    group.sort((a, b) => a.x - b.x);
    const segments: PdfTextItem[][] = [];
    let prev: PdfTextItem | null = null;
    for (const item of group) {
      if (prev && item.x - prev.right <= 2 * Math.min(prev.size, item.size))
        segments[segments.length - 1].push(item);
      else segments.push([item]);
      prev = item;
    }
    return segments.map(segmentOf);
  });
}

function segmentOf(items: PdfTextItem[]): Segment {
  const seg: Segment = {
    chars: [],
    text: '',
    folded: '',
    x0: [],
    x1: [],
    left: items[0].x,
    right: Math.max(...items.map((i) => i.right)),
    baseline: items[0].y,
    size: Math.max(...items.map((i) => i.size)),
    top: Infinity,
    bottom: -Infinity,
  };
  let folded = '';
  let prev: PdfTextItem | null = null;
  for (const item of items) {
    const chars = [...item.str.normalize('NFC')];
    // Two pieces apart with no space between them read as two words.
    if (
      prev &&
      item.x - prev.right > 0.15 * Math.min(prev.size, item.size) &&
      !/\s$/.test(seg.chars[seg.chars.length - 1] ?? '') &&
      !/^\s/.test(chars[0] ?? '')
    )
      push(' ', ' ', prev.right, item.x);
    const weights = chars.map(charWeight);
    const total = weights.reduce((a, b) => a + b, 0) || 1;
    let at = item.x;
    chars.forEach((c, i) => {
      const w = ((item.right - item.x) * weights[i]) / total;
      push(c, foldChar(c), at, at + w);
      at += w;
    });
    seg.top = Math.min(seg.top, item.y - 0.9 * item.size);
    seg.bottom = Math.max(seg.bottom, item.y + 0.25 * item.size);
    prev = item;
  }
  seg.text = seg.chars.join('');
  seg.folded = folded;
  return seg;

  function push(c: string, f: string, x0: number, x1: number) {
    seg.chars.push(c);
    seg.x0.push(x0);
    seg.x1.push(x1);
    folded += f;
  }
}

function foldChar(c: string): string {
  if (/\s/.test(c)) return ' ';
  const f = foldVietnamese(c);
  return f.length === 1 ? f : c.length === 1 ? c : '?';
}

/**
 * A character's width as a share of the font size, roughly as in Times-like and DejaVu fonts:
 * pdf.js gives the width of a whole piece, and the number's placeholder is part of a piece, so
 * positions inside a piece are estimates (within a few points at 13 pt).
 */
function charWeight(c: string): number {
  if (/\s/.test(c)) return 0.28;
  if (c === '…') return 1;
  if (c === '_') return 0.5;
  if (".,:;'|!/".includes(c)) return 0.3;
  if (c === '-') return 0.34;
  if (/\d/.test(c)) return 0.55;
  const base = foldChar(c);
  if (/[MW]/.test(base)) return 0.88;
  if (base === 'I' || base === 'J') return 0.38;
  if (/[A-Z]/.test(base)) return 0.7;
  if (/[mw]/.test(base)) return 0.76;
  if (/[fijlrt]/.test(base)) return 0.3;
  if (/[a-z]/.test(base)) return 0.5;
  return 0.6;
}

// ---------------------------------------------------------------------------------------------
// The signer block

const isRightHalf = (page: PdfLayoutPage, s: Segment) =>
  (s.left + s.right) / 2 > page.width / 2 && s.left > page.width / 4;
const isCapitals = (s: Segment) => /\p{L}/u.test(s.text) && s.text === s.text.toUpperCase();
const isName = (s: Segment) => SIGNER_NAME.test(s.text.trim()) && !isCapitals(s);
const overlaps = (a: Segment, left: number, right: number) => a.left < right && a.right > left;

/**
 * The gap between the signer's title and name: an authority line (TM., KT., Q., TL., TUQ., or a
 * leader's title in capitals) on the right half, not above "Nơi nhận:" when the page has it,
 * with the capital lines right below it (KT. CHỦ TỊCH / PHÓ CHỦ TỊCH), then the signer's name
 * below. Without a name, a box of the default height below the title.
 */
function signerBlock(page: PdfLayoutPage, lines: Line[]): Box | null {
  const recipients = lines.flat().find((s) => /^Noi nhan ?:/i.test(s.folded.trim()));
  const from = recipients ? recipients.top - 2 * recipients.size : -Infinity;
  let withoutName: Box | null = null;
  for (let i = 0; i < lines.length; i += 1) {
    const head = lines[i].find(
      (s) => isRightHalf(page, s) && s.top >= from && isSignerAuthority(s.text),
    );
    if (!head) continue;
    const block = [head];
    let j = i + 1;
    for (; j < lines.length; j += 1) {
      const below = block[block.length - 1];
      const next = lines[j].find(
        (s) => isRightHalf(page, s) && overlaps(s, below.left, below.right) && isCapitals(s),
      );
      if (!next || next.top - below.bottom > 1.2 * below.size) break;
      block.push(next);
    }
    const titleBottom = Math.max(...block.map((s) => s.bottom));
    let left = Math.min(...block.map((s) => s.left));
    let right = Math.max(...block.map((s) => s.right));
    let name: Segment | undefined;
    for (; j < lines.length && !name; j += 1) {
      if (lines[j][0].top - titleBottom > 15 * head.size) break;
      name = lines[j].find((s) => isRightHalf(page, s) && overlaps(s, left, right) && isName(s));
    }
    if (name) {
      left = Math.min(left, name.left);
      right = Math.max(right, name.right);
    }
    const bottom = name ? name.top : Math.min(page.height, titleBottom + DEFAULT_BOX.height / 2);
    const box = widen([left, titleBottom, right, Math.max(bottom, titleBottom + 1)], page.width);
    if (name) return box;
    withoutName ??= box;
  }
  return withoutName;
}

function widen([left, top, right, bottom]: Box, pageWidth: number): Box {
  const width = Math.min(pageWidth, Math.max(right - left, MIN_SIGNER_WIDTH));
  const centre = (left + right) / 2;
  const l = Math.min(Math.max(0, centre - width / 2), pageWidth - width);
  return [l, top, l + width, bottom];
}

/** Above the bottom margin on the right half of the last page, below its last line if room. */
function defaultBox(page: PdfLayoutPage): Box {
  const { width: W, height: H } = page;
  const w = Math.min(DEFAULT_BOX.width, W);
  const h = Math.min(DEFAULT_BOX.height, H);
  const left = Math.max(0, Math.min(W - MARGIN.right - w, 0.72 * W - w / 2));
  let lowest = -Infinity;
  for (const line of linesOf(page)) for (const s of line) lowest = Math.max(lowest, s.bottom);
  const floor = Math.max(h, H - MARGIN.bottom);
  // Below the last line when there is room; on the bottom margin otherwise, or on a page without text.
  const top = lowest > -Infinity && lowest + 10 + h <= floor ? lowest + 10 : floor - h;
  return [left, Math.max(0, top), left + w, Math.max(0, top) + h];
}

// ---------------------------------------------------------------------------------------------
// Number and date

/** A line's box, at least MIN_LINE_HEIGHT tall about the middle of its letters. */
function lineBox(s: Segment, left: number, right: number): Box {
  const middle = s.baseline - 0.33 * s.size;
  const half = Math.max(MIN_LINE_HEIGHT, (s.bottom - s.top) * 1.15) / 2;
  return [left, middle - half, right, middle + half];
}

const NUMBER_LABEL = /(?<![\p{L}\d])S[oO] ?:/u;
const PLACEHOLDER = /^[ .…_·]*/;

/** "Số:", then dots, underscores or spaces, then "/" (or nothing): the dots, or the space. */
function numberBox(page: PdfLayoutPage, lines: Line[]): Box | null {
  for (const line of lines) {
    for (let k = 0; k < line.length; k += 1) {
      const s = line[k];
      const label = NUMBER_LABEL.exec(s.folded);
      if (!label) continue;
      const colon = label.index + label[0].length - 1;
      const run = PLACEHOLDER.exec(s.folded.slice(colon + 1))![0];
      const after = colon + 1 + run.length;
      let slash: number | null = null;
      if (after < s.folded.length) {
        if (s.folded[after] !== '/') return null;
        slash = s.x0[after];
      } else {
        const next = line[k + 1];
        if (next?.folded.startsWith('/') && next.left - s.right < 8 * s.size) slash = next.left;
      }
      const dots = [...run].map((c, i) => (c === ' ' ? -1 : colon + 1 + i)).filter((i) => i >= 0);
      const start = dots.length ? s.x0[dots[0]] : s.x1[colon] + 0.15 * s.size;
      const end = slash ?? (dots.length ? s.x1[dots[dots.length - 1]] : start + 3 * s.size);
      return lineBox(s, start, Math.min(page.width, Math.max(end, start + s.size)));
    }
  }
  return null;
}

// "Hà Nội, ngày 02 tháng 11 năm 2026" or with placeholders; the comma after a place tells it from
// "… ngày 19 tháng 6 năm 2015" in a legal basis (as decree30-check.ts reads it).
const PLACE_DATE =
  /\p{L}\.? ?, ?ngay(?!\p{L})[ \d.…_]*(?<!\p{L})thang(?!\p{L})[ \d.…_]*(?<!\p{L})nam(?!\p{L})[ \d.…_]*/iu;

/** The place-and-date segment, from the place to the end of the year. */
function dateBox(_page: PdfLayoutPage, lines: Line[]): Box | null {
  for (const s of lines.flat()) {
    const m = PLACE_DATE.exec(s.folded);
    if (!m) continue;
    let end = m.index + m[0].length - 1;
    while (end > m.index && s.folded[end] === ' ') end -= 1;
    return lineBox(s, s.left, s.x1[end]);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------

/** A displayed box to [x, y, w, h] in user space, through the inverse of the page's transform. */
function toUser(page: PdfLayoutPage, [left, top, right, bottom]: Box): Rect {
  const [a, b, c, d, e, f] = page.transform;
  const det = a * d - b * c;
  const point = (X: number, Y: number) => [
    (d * (X - e) - c * (Y - f)) / det,
    (a * (Y - f) - b * (X - e)) / det,
  ];
  const [x1, y1] = point(left, top);
  const [x2, y2] = point(right, bottom);
  const round = (v: number) => Math.round(v * 100) / 100;
  return [
    round(Math.min(x1, x2)),
    round(Math.min(y1, y2)),
    round(Math.abs(x2 - x1)),
    round(Math.abs(y2 - y1)),
  ];
}
