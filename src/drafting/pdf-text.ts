import type { PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js';

/*
 * The text of a PDF, page by page and line by line as a reader sees it, for the Decree 30 check
 * and the comparison of draft versions. It parses untrusted files, so it runs in the file check
 * pool (extractPdfTextOffThread), never on the event loop.
 *
 * Only the page content is read, not annotations: a signature's appearance (the signer's name and
 * title, the seal's number and date) is a widget annotation added after drafting, and reading it
 * would make a signed version differ from the draft it was made from.
 *
 * pdf.js's legacy build installs core-js polyfills on the thread's globals (Array.prototype.push
 * among them), so it is loaded only when a text is extracted: in the pool's worker, never on the
 * main thread by importing this module.
 */

export interface PdfText {
  /** One string per page, lines separated by "\n"; columns on one line by "\t". NFC. */
  pages: string[];
  /** True when the page or character limit cut the text short. */
  truncated: boolean;
}

export interface PdfTextLimits {
  maxPages: number;
  maxChars: number;
}

const DEFAULT_LIMITS: PdfTextLimits = { maxPages: 2000, maxChars: 5_000_000 };

interface Glyphs {
  str: string;
  x: number;
  right: number;
  y: number;
  size: number;
}

/** Pages joined for one view of the whole text (a diff, a search). */
export function joinPages(text: PdfText): string {
  return text.pages.join('\n');
}

/**
 * Extracts the text of a PDF, or returns null when the bytes are not a PDF pdf.js can open.
 * Lines are rebuilt from the glyphs' positions on the page (top to bottom, then left to right)
 * rather than taken in drawing order; a gap wider than two characters between two pieces of one
 * line (the two columns of the heading, "Nơi nhận" beside the signer) becomes a tab.
 */
export async function extractPdfText(
  bytes: Uint8Array,
  limits: Partial<PdfTextLimits> = {},
): Promise<PdfText | null> {
  const { maxPages, maxChars } = { ...DEFAULT_LIMITS, ...limits };
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 1024));
  if (!head.toString('latin1').includes('%PDF-')) return null;
  const { getDocument, Util } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = getDocument({
    data: new Uint8Array(bytes),
    // A hostile font program must never reach eval (CVE-2024-4367); nothing is fetched or drawn.
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    stopAtErrors: false,
    verbosity: 0,
  });
  let doc;
  try {
    doc = await task.promise;
  } catch {
    await task.destroy();
    return null;
  }
  try {
    const pages: string[] = [];
    let chars = 0;
    let truncated = doc.numPages > maxPages;
    for (let n = 1; n <= Math.min(doc.numPages, maxPages); n += 1) {
      const page = await doc.getPage(n);
      let text = await pageText(page, Util.transform);
      page.cleanup();
      if (chars + text.length > maxChars) {
        text = text.slice(0, maxChars - chars);
        truncated = true;
      }
      pages.push(text);
      chars += text.length;
      if (truncated && chars >= maxChars) break;
    }
    return { pages, truncated };
  } finally {
    await doc.destroy();
  }
}

type Transform = (a: number[], b: number[]) => number[];

async function pageText(page: PDFPageProxy, transform: Transform): Promise<string> {
  const viewport = page.getViewport({ scale: 1 });
  const content = await page.getTextContent();
  const glyphs: Glyphs[] = [];
  for (const item of content.items) {
    if (!('str' in item) || item.str.trim() === '') continue;
    const t = transform(viewport.transform, (item as TextItem).transform);
    const size = Math.hypot(t[2], t[3]) || Math.abs(item.height) || 1;
    glyphs.push({ str: item.str, x: t[4], right: t[4] + item.width, y: t[5], size });
  }
  // Device space: y grows downwards. Pieces whose baselines lie within a third of the smaller
  // font size of each other are one line.
  glyphs.sort((a, b) => a.y - b.y || a.x - b.x);
  const lines: Glyphs[][] = [];
  for (const g of glyphs) {
    const line = lines[lines.length - 1];
    const ref = line?.[0];
    if (ref && Math.abs(g.y - ref.y) <= Math.min(ref.size, g.size) / 3) line.push(g);
    else lines.push([g]);
  }
  return lines.map(joinLine).join('\n').normalize('NFC');
}

function joinLine(pieces: Glyphs[]): string {
  const line = placeIntruders(pieces).sort((a, b) => a.x - b.x);
  let out = '';
  let prev: Glyphs | null = null;
  for (const g of line) {
    if (prev) {
      const gap = g.x - prev.right;
      if (gap > 2 * Math.min(prev.size, g.size)) out = out.trimEnd() + '\t';
      else if (gap > 0.15 * Math.min(prev.size, g.size) && !/\s$/.test(out) && !/^\s/.test(g.str))
        out += ' ';
    }
    out += prev && out.endsWith('\t') ? g.str.trimStart() : g.str;
    prev = g;
  }
  return out.replace(/[ \u00a0]+/g, ' ').trim();
}

/*
 * A writer that draws each letter its font lacks with a fallback font (LibreOffice does, for the
 * Vietnamese letters a substituted Times lacks) leaves a hole in the run of the first font, which
 * pdf.js reads as one piece with a space in the hole, and draws the letter later as a piece of
 * its own over that hole. Such a short piece goes into the space of the longer piece it falls in,
 * at the place its position gives; otherwise sorting by x would put it after the whole run.
 * pdf.js reads a hole beside a word space as one space, so such a word loses its space
 * ("Nghịđịnh"); the conversion avoids fallback fonts (Liberation Serif has the Vietnamese letters).
 */
function placeIntruders(pieces: Glyphs[]): Glyphs[] {
  const hosts = new Map<Glyphs, { chars: string[]; used: Set<number> }>();
  const kept: Glyphs[] = [];
  for (const g of pieces) {
    const centre = (g.x + g.right) / 2;
    const host =
      [...g.str.trim()].length <= 2
        ? pieces.find(
            (h) =>
              h !== g &&
              !hosts.has(g) &&
              [...h.str].length > [...g.str].length &&
              h.right - h.x > 0 &&
              centre > h.x &&
              centre < h.right,
          )
        : undefined;
    if (!host) {
      kept.push(g);
      continue;
    }
    let entry = hosts.get(host);
    if (!entry) hosts.set(host, (entry = { chars: [...host.str], used: new Set() }));
    const at = ((centre - host.x) / (host.right - host.x)) * entry.chars.length;
    let best = -1;
    entry.chars.forEach((c, i) => {
      if (
        c === ' ' &&
        !entry.used.has(i) &&
        (best < 0 || Math.abs(i + 0.5 - at) < Math.abs(best + 0.5 - at))
      )
        best = i;
    });
    if (best >= 0 && Math.abs(best + 0.5 - at) <= 2) {
      entry.chars[best] = g.str.trim();
      entry.used.add(best);
    } else kept.push(g);
  }
  for (const [host, entry] of hosts) host.str = entry.chars.join('');
  return kept;
}

/** A piece of text as pdf.js gives it, on the page as displayed (scale 1, y downwards). */
export interface PdfTextItem {
  str: string;
  /** Left end and right end of the piece. */
  x: number;
  right: number;
  /** Baseline. */
  y: number;
  /** Font size as displayed. */
  size: number;
}

/** One page's geometry and, when it was read, its horizontal text pieces. */
export interface PdfLayoutPage {
  /** 1-based. */
  number: number;
  /** The visible box (CropBox ∩ MediaBox) in user space [x1, y1, x2, y2]. */
  view: [number, number, number, number];
  /** Clockwise display rotation: 0, 90, 180 or 270. */
  rotate: number;
  /** The page as displayed, in points. */
  width: number;
  height: number;
  /** User space → displayed page (origin top left, y downwards), as pdf.js's viewport at scale 1. */
  transform: number[];
  /** Null when the page's text was not asked for; empty when it has none or too many pieces. */
  items: PdfTextItem[] | null;
}

export interface PdfLayout {
  pageCount: number;
  /** The pages, up to the limit on boxes (and the last page), in order. */
  pages: PdfLayoutPage[];
}

export interface PdfLayoutOptions {
  /** Which pages' text to read, given the page count (1-based). */
  textPages: (pageCount: number) => number[];
  /** Pages whose geometry is given, from page 1 (the last page always is). */
  maxPages?: number;
  /** A page with more text pieces than this is read as having none. */
  maxItemsPerPage?: number;
  maxChars?: number;
}

/**
 * The text pieces of some pages with their positions (drafting: where the signature, the number
 * and the date go), and the geometry of every page up to a limit. Null when the bytes are not a
 * PDF pdf.js can open. Only horizontal text as displayed is kept. Like extractPdfText, it parses
 * untrusted files: run it in the file check pool.
 */
export async function extractPdfLayout(
  bytes: Uint8Array,
  options: PdfLayoutOptions,
): Promise<PdfLayout | null> {
  const maxPages = options.maxPages ?? DEFAULT_LIMITS.maxPages;
  const maxItems = options.maxItemsPerPage ?? 20_000;
  let charsLeft = options.maxChars ?? DEFAULT_LIMITS.maxChars;
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 1024));
  if (!head.toString('latin1').includes('%PDF-')) return null;
  const { getDocument, Util } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    stopAtErrors: false,
    verbosity: 0,
  });
  let doc;
  try {
    doc = await task.promise;
  } catch {
    await task.destroy();
    return null;
  }
  try {
    const count = doc.numPages;
    const wanted = new Set(options.textPages(count).filter((n) => n >= 1 && n <= count));
    const numbers = new Set<number>();
    for (let n = 1; n <= Math.min(count, maxPages); n += 1) numbers.add(n);
    for (const n of [...wanted, count]) numbers.add(n);
    const pages: PdfLayoutPage[] = [];
    for (const n of [...numbers].sort((a, b) => a - b)) {
      const page = await doc.getPage(n);
      const viewport = page.getViewport({ scale: 1 });
      let items: PdfTextItem[] | null = null;
      if (wanted.has(n)) {
        items = [];
        const content = await page.getTextContent();
        if (content.items.length <= maxItems) {
          for (const item of content.items) {
            if (!('str' in item) || item.str.trim() === '') continue;
            const t = Util.transform(viewport.transform, (item as TextItem).transform);
            // Upright text only: its baseline runs left to right on the displayed page.
            if (!(t[0] > 0) || Math.abs(t[1]) > 1e-3 * t[0]) continue;
            if (charsLeft < item.str.length) break;
            charsLeft -= item.str.length;
            const size = Math.hypot(t[2], t[3]) || Math.abs(item.height) || 1;
            items.push({ str: item.str, x: t[4], right: t[4] + item.width, y: t[5], size });
          }
        }
      }
      const [x1, y1, x2, y2] = page.view;
      pages.push({
        number: n,
        view: [x1, y1, x2, y2],
        rotate: page.rotate,
        width: viewport.width,
        height: viewport.height,
        transform: [...viewport.transform],
        items,
      });
      page.cleanup();
    }
    return { pageCount: count, pages };
  } finally {
    await doc.destroy();
  }
}
