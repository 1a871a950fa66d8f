import { SigningError } from '../errors.js';
import { decodeStream } from '../pdf/filters.js';
import {
  PdfDict,
  PdfStream,
  dict,
  formatNumber as f,
  name,
  serialize,
  textString,
  type PdfRef,
  type PdfValue,
} from '../pdf/objects.js';
import type { PdfReader } from '../pdf/reader.js';
import type { IncrementalWriter } from '../pdf/writer.js';
import { formatVietnamTime } from '../time.js';
import type {
  Appearance,
  AttachmentAppearance,
  LeaderBlock,
  PlacedText,
  Rect,
  SealAppearance,
  StampFontSize,
} from '../types.js';
import { EmbeddedFont, measureText, fontMetrics, type FontStyle } from './font.js';
import { embedPng, pngPhysicalSize, pngSize } from './png.js';

export interface AppearanceContext {
  reader: PdfReader;
  writer: IncrementalWriter;
  signingTime: Date;
}

export interface AppearancePlan {
  /** 1-based page of the signature widget. */
  page: number;
  /** Widget /Rect [x1 y1 x2 y2]. */
  rect: number[];
  /** The widget's normal appearance (form XObject). */
  stream: PdfStream;
  /** Other annotations written in the same revision (e.g. seal number and date). */
  extraAnnotations: Array<{ page: number; dict: PdfDict }>;
}

const PAD = 2;
const MM = 72 / 25.4;
/** Line height as a multiple of the font size. */
const LEADING = 1.2;
/** Decree 30 Appendix I: 13–14 pt for the signer's block, the number and the date. */
const DEFAULT_FONT_SIZE: StampFontSize = 13;
/** Decree 30 Appendix I: the attachment stamp is 10 pt. */
export const ATTACHMENT_FONT_SIZE = 10;
/** Least height left for the signature image between the title and the name. */
const MIN_IMAGE_HEIGHT = 24;
/**
 * A seal PNG without pHYs has no physical size: its larger side is taken as 40 mm, the usual
 * diameter of an agency's round seal (35–42 mm).
 */
export const DEFAULT_SEAL_MM = 40;
/** A true size outside this range is a wrong pHYs, not a seal. */
const SEAL_MM_RANGE = [5, 120] as const;
/** The attachment stamp's distance from the right and top edges of the visible page. */
const ATTACHMENT_MARGIN = { right: 15 * MM, top: 10 * MM };
/** Coordinates beyond this are refused (they are not on any page). */
const MAX_COORD = 1e6;

type Box = { x: number; y: number; w: number; h: number };

function form(
  w: number,
  h: number,
  content: string,
  resources: PdfDict,
  matrix?: number[],
): PdfStream {
  return new PdfStream(
    dict({
      Type: name('XObject'),
      Subtype: name('Form'),
      BBox: [0, 0, w, h],
      Matrix: matrix,
      Resources: resources,
    }),
    Buffer.from(content, 'latin1'),
  );
}

const fmtRect = (r: readonly number[]): string => `[${r.map((n) => f(n)).join(' ')}]`;

function describe(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function checkRect(rect: unknown, what: string): asserts rect is Rect {
  if (
    !Array.isArray(rect) ||
    rect.length !== 4 ||
    rect.some((n) => typeof n !== 'number' || !Number.isFinite(n) || Math.abs(n) > MAX_COORD) ||
    rect[2] <= 0 ||
    rect[3] <= 0
  ) {
    throw new SigningError(
      'APPEARANCE_INVALID',
      `${what} must be [x, y, width, height]: finite numbers with a positive width and height, got ${describe(rect)}`,
    );
  }
}

function checkFontSize(size: unknown): StampFontSize {
  if (size === undefined) return DEFAULT_FONT_SIZE;
  if (size !== 13 && size !== 14) {
    throw new SigningError(
      'APPEARANCE_INVALID',
      `fontSize must be 13 or 14 (Decree 30 Appendix I), got ${describe(size)}`,
    );
  }
  return size;
}

/** A stamp text: a string without control characters (one line unless `multiline`). */
function stampText(v: unknown, what: string, multiline = false): string {
  const ok =
    typeof v === 'string' &&
    v.length <= 500 &&
    ![...v].some((ch) => {
      const c = ch.codePointAt(0)!;
      return (c < 0x20 || c === 0x7f) && !(multiline && ch === '\n');
    });
  if (!ok) {
    throw new SigningError(
      'APPEARANCE_INVALID',
      `${what} must be ${multiline ? 'text' : 'one line of text'} (at most 500 characters), got ${describe(v)}`,
    );
  }
  return (v as string).normalize('NFC');
}

const toPdfRect = (r: Rect): number[] => [r[0], r[1], r[0] + r[2], r[1] + r[3]];

/** Capitals as the decree prints titles and authority prefixes ("KT. CHỦ TỊCH"). */
export const upperVi = (s: string): string => s.normalize('NFC').toLocaleUpperCase('vi');

/** Collects text, fonts and images for one revision's appearance streams. */
class Canvas {
  private readonly fonts = new Map<FontStyle, EmbeddedFont>();
  private readonly images: Array<{ key: string; ref: PdfRef }> = [];

  constructor(private readonly writer: IncrementalWriter) {}

  font(style: FontStyle): EmbeddedFont {
    let ef = this.fonts.get(style);
    if (!ef) {
      ef = new EmbeddedFont(style, this.writer);
      this.fonts.set(style, ef);
    }
    return ef;
  }

  fontKey(style: FontStyle): string {
    return { regular: 'FR', bold: 'FB', italic: 'FI' }[style];
  }

  /** One line of text with its left baseline at (x, y). */
  text(style: FontStyle, text: string, size: number, x: number, y: number): string {
    const run = this.font(style).layout(text);
    return `BT /${this.fontKey(style)} ${f(size)} Tf ${f(x)} ${f(y)} Td ${run.tj} TJ ET\n`;
  }

  image(png: Buffer): { key: string; width: number; height: number } {
    const img = embedPng(png, this.writer);
    const key = `Im${this.images.length + 1}`;
    this.images.push({ key, ref: img.ref });
    return { key, width: img.width, height: img.height };
  }

  resources(): PdfDict {
    const res = new PdfDict();
    if (this.fonts.size) {
      res.set('Font', new PdfDict([...this.fonts].map(([s, ef]) => [this.fontKey(s), ef.ref])));
    }
    if (this.images.length) res.set('XObject', new PdfDict(this.images.map((i) => [i.key, i.ref])));
    return res;
  }

  async finish(): Promise<void> {
    for (const ef of this.fonts.values()) await ef.embed(this.writer);
  }
}

export interface LeaderLayout {
  /** Font size of the text (0 in image-only mode). */
  size: number;
  /** Authority prefix and title lines, in capitals. */
  topLines: Array<{ text: string; x: number; y: number }>;
  /** The full name (absent in image-only mode). */
  nameLine?: { text: string; x: number; y: number };
  /** Box for the signature image, relative to the widget. */
  imageBox: Box;
}

const aspectOf = (png: Buffer | undefined): number | undefined => {
  if (!png) return undefined;
  const { width, height } = pngSize(png);
  return width / height;
};

function fitAspect(area: Box, aspect: number | undefined): Box {
  let { w, h } = area;
  if (aspect && w / Math.max(h, 1e-9) > aspect) w = h * aspect;
  else if (aspect) h = w / aspect;
  return { x: area.x + (area.w - w) / 2, y: area.y + (area.h - h) / 2, w, h };
}

/**
 * Decree 30 Appendix I block: authority prefix and title (bold capitals), the signature image,
 * the full name (bold), at a fixed size. Throws TEXT_DOES_NOT_FIT, naming the rect, when a line
 * is wider than the rect or the lines leave no room for the image.
 */
export function layoutLeader(leader: LeaderBlock, imageAspect?: number): LeaderLayout {
  checkRect(leader.rect, 'leader rect');
  const [, , w, h] = leader.rect;
  if (leader.imageOnly) {
    const area = { x: PAD, y: PAD, w: w - 2 * PAD, h: h - 2 * PAD };
    return { size: 0, topLines: [], imageBox: fitAspect(area, imageAspect) };
  }
  const size = checkFontSize(leader.fontSize);
  const prefix = stampText(leader.authorityPrefix ?? '', 'authorityPrefix', true);
  const title = stampText(leader.title, 'title', true);
  const lines = [...prefix.split('\n'), ...title.split('\n')]
    .map((s) => upperVi(s.trim()))
    .filter(Boolean);
  const fullName = stampText(leader.name, 'name').trim();
  if (!lines.length || !fullName) {
    throw new SigningError(
      'APPEARANCE_INVALID',
      'the leader block needs a title and a one-line name (or imageOnly with an image)',
    );
  }
  const where = `leader rect ${fmtRect(leader.rect)}`;
  for (const line of [...lines, fullName]) {
    const need = measureText('bold', line) * size + 2 * PAD;
    if (need > w) {
      throw new SigningError(
        'TEXT_DOES_NOT_FIT',
        `${where} is ${f(w)} pt wide; "${line}" needs ${f(Math.ceil(need))} pt at ${size} pt`,
      );
    }
  }
  const { ascent, descent } = fontMetrics('bold');
  const lineH = size * LEADING;
  const center = (text: string) => (w - measureText('bold', text) * size) / 2;
  const topLines = lines.map((text, i) => ({
    text,
    x: center(text),
    y: h - PAD - ascent * size - i * lineH,
  }));
  const nameLine = { text: fullName, x: center(fullName), y: PAD - descent * size };
  const areaBottom = nameLine.y + ascent * size + 2;
  const areaTop = topLines[topLines.length - 1]!.y + descent * size - 2;
  const minImage = imageAspect ? MIN_IMAGE_HEIGHT : 0;
  if (areaTop - areaBottom < minImage) {
    const textH = h - (areaTop - areaBottom);
    throw new SigningError(
      'TEXT_DOES_NOT_FIT',
      `${where} is ${f(h)} pt tall; ${lines.length + 1} lines at ${size} pt need ` +
        `${f(Math.ceil(textH))} pt` +
        (minImage ? ` plus ${minImage} pt for the signature image` : ''),
    );
  }
  const area = { x: PAD, y: areaBottom, w: w - 2 * PAD, h: Math.max(0, areaTop - areaBottom) };
  return { size, topLines, nameLine, imageBox: fitAspect(area, imageAspect) };
}

/** The signature image's box of a leader block, in page space. */
export function leaderImageBox(leader: LeaderBlock): Box {
  const box = layoutLeader(leader, aspectOf(leader.image)).imageBox;
  return { ...box, x: leader.rect[0] + box.x, y: leader.rect[1] + box.y };
}

/**
 * Where to put an agency seal of `width` x `height` points so that it overlaps the left third
 * of the leader's signature image (Decree 30 Appendix I): its right edge at one third of the
 * image's width, centred on the image vertically.
 */
export function sealRectOverImage(image: Box, width: number, height: number): Rect {
  return [image.x + image.w / 3 - width, image.y + image.h / 2 - height / 2, width, height];
}

/** sealRectOverImage for a leader block given by its appearance options. */
export function sealRectOverLeader(leader: LeaderBlock, width: number, height: number): Rect {
  return sealRectOverImage(leaderImageBox(leader), width, height);
}

/**
 * The seal's true size in points: from the PNG's pHYs, else its larger side is DEFAULT_SEAL_MM.
 * Throws IMAGE_UNSUPPORTED when pHYs gives a size no seal has.
 */
export function sealSize(png: Buffer): { width: number; height: number } {
  const physical = pngPhysicalSize(png);
  if (!physical) {
    const { width, height } = pngSize(png);
    const scale = (DEFAULT_SEAL_MM * MM) / Math.max(width, height);
    return { width: width * scale, height: height * scale };
  }
  const [lo, hi] = SEAL_MM_RANGE;
  const mm = Math.max(physical.width, physical.height) / MM;
  if (!(mm >= lo && mm <= hi)) {
    throw new SigningError(
      'IMAGE_UNSUPPORTED',
      `the seal image is ${f(Math.round(mm))} mm by its pHYs resolution; a seal is ${lo}–${hi} mm`,
    );
  }
  return physical;
}

function numberArray(reader: PdfReader, v: PdfValue | undefined): number[] | undefined {
  const arr = reader.resolve(v);
  if (!Array.isArray(arr) || arr.length !== 4) return undefined;
  const nums = arr.map((x) => reader.resolve(x));
  if (nums.some((n) => typeof n !== 'number' || !Number.isFinite(n) || Math.abs(n) > MAX_COORD))
    return undefined;
  return nums as number[];
}

const normalizeBox = ([a, b, c, d]: number[]): [number, number, number, number] => [
  Math.min(a!, c!),
  Math.min(b!, d!),
  Math.max(a!, c!),
  Math.max(b!, d!),
];

/**
 * The box of the image drawn in a widget's appearance (`w 0 0 h x y cm /Im Do`), in page space;
 * the whole widget when the appearance is not one we can read.
 */
function imageBoxOfWidget(reader: PdfReader, widget: PdfDict, rect: number[]): Box {
  const whole = { x: rect[0]!, y: rect[1]!, w: rect[2]! - rect[0]!, h: rect[3]! - rect[1]! };
  try {
    const ap = reader.resolve(reader.resolveDict(widget.get('AP'))?.get('N'));
    if (!(ap instanceof PdfStream)) return whole;
    const matrix = reader.resolve(ap.dict.get('Matrix'));
    if (Array.isArray(matrix) && matrix.join(' ') !== '1 0 0 1 0 0') return whole;
    const bbox = numberArray(reader, ap.dict.get('BBox'));
    if (!bbox) return whole;
    const [bx1, by1, bx2, by2] = normalizeBox(bbox);
    if (bx2 <= bx1 || by2 <= by1) return whole;
    const xobjects = reader.resolveDict(
      reader.resolveDict(ap.dict.get('Resources'))?.get('XObject'),
    );
    const text = decodeStream(ap).toString('latin1');
    const num = '(-?\\d*\\.?\\d+)';
    const re = new RegExp(
      `${Array(6).fill(num).join('\\s+')}\\s+cm\\s*/([^\\s/<>\\[\\]()]+)\\s+Do`,
      'g',
    );
    let found: Box | undefined;
    for (const m of text.matchAll(re)) {
      const [a, b, c, d, e, g] = m.slice(1, 7).map(Number) as number[];
      const xo = reader.resolveDict(xobjects?.get(m[7]!));
      if (xo?.name('Subtype') !== 'Image' || b !== 0 || c !== 0 || !(a! > 0) || !(d! > 0)) continue;
      found = { x: e!, y: g!, w: a!, h: d! };
    }
    if (!found) return whole;
    const sx = whole.w / (bx2 - bx1);
    const sy = whole.h / (by2 - by1);
    return {
      x: whole.x + (found.x - bx1) * sx,
      y: whole.y + (found.y - by1) * sy,
      w: found.w * sx,
      h: found.h * sy,
    };
  } catch {
    return whole;
  }
}

/**
 * The signature image box of the leader on `pageNo`: the last signed signature widget on the
 * page with a visible rect (the leader signs before the seal), or undefined.
 */
export function findLeaderImageBox(reader: PdfReader, pageNo: number): Box | undefined {
  const annots = reader.resolve(reader.getPage(pageNo).dict.get('Annots'));
  if (!Array.isArray(annots)) return undefined;
  for (let i = annots.length - 1; i >= 0; i--) {
    const a = reader.resolveDict(annots[i]);
    if (!a || a.name('Subtype') !== 'Widget') continue;
    const field = a.has('FT') ? a : reader.resolveDict(a.get('Parent'));
    if (field?.name('FT') !== 'Sig' || !field.has('V')) continue;
    const raw = numberArray(reader, a.get('Rect'));
    if (!raw) continue;
    const rect = normalizeBox(raw);
    if (rect[2] - rect[0] < 1 || rect[3] - rect[1] < 1) continue;
    return imageBoxOfWidget(reader, a, rect);
  }
  return undefined;
}

function drawImageFit(canvas: Canvas, png: Buffer, box: Box): string {
  const img = canvas.image(png);
  const scale = Math.min(box.w / img.width, box.h / img.height);
  const iw = img.width * scale;
  const ih = img.height * scale;
  const x = box.x + (box.w - iw) / 2;
  const y = box.y + (box.h - ih) / 2;
  return `q ${f(iw)} 0 0 ${f(ih)} ${f(x)} ${f(y)} cm /${img.key} Do Q\n`;
}

/** One line centred in its rect at a fixed size; TEXT_DOES_NOT_FIT names the rect. */
function placedLine(
  canvas: Canvas,
  part: PlacedText,
  what: string,
  style: FontStyle,
  size: number,
): string {
  const [, , w, h] = part.rect;
  const text = stampText(part.text, `${what} text`).trim();
  const where = `${what} rect ${fmtRect(part.rect)}`;
  const need = measureText(style, text) * size + 2;
  if (need > w) {
    throw new SigningError(
      'TEXT_DOES_NOT_FIT',
      `${where} is ${f(w)} pt wide; "${text}" needs ${f(Math.ceil(need))} pt at ${size} pt`,
    );
  }
  const { ascent, descent } = fontMetrics(style);
  const needH = (ascent - descent) * size;
  if (needH > h) {
    throw new SigningError(
      'TEXT_DOES_NOT_FIT',
      `${where} is ${f(h)} pt tall; a line at ${size} pt needs ${f(Math.ceil(needH))} pt`,
    );
  }
  const x = (w - (need - 2)) / 2;
  const y = (h - needH) / 2 - descent * size;
  const cover = part.cover ? `1 g 0 0 ${f(w)} ${f(h)} re f\n` : '';
  return `${cover}0 g\n${canvas.text(style, text, size, x, y)}`;
}

// ---------------------------------------------------------------------------------------------
// Page geometry for the attachment stamp

export interface PageGeometry {
  /** The visible box (CropBox ∩ MediaBox) [x1 y1 x2 y2], normalized. */
  box: [number, number, number, number];
  /** Clockwise display rotation. */
  rotate: 0 | 90 | 180 | 270;
}

/**
 * Reads the page's MediaBox, CropBox and Rotate (inherited through the page tree, indirect
 * values resolved). A missing or non-numeric box, or an empty visible area, is PAGE_BOX_INVALID;
 * a /Rotate that is not a multiple of 90 is taken as 0, as viewers do.
 */
export function pageGeometry(reader: PdfReader, pageNo: number): PageGeometry {
  const found = new Map<string, PdfValue | undefined>();
  let node: PdfDict | undefined = reader.getPage(pageNo).dict;
  for (let depth = 0; node && depth < 64; depth++) {
    for (const key of ['MediaBox', 'CropBox', 'Rotate']) {
      if (!found.has(key) && node.has(key)) found.set(key, reader.resolve(node.get(key)));
    }
    node = reader.resolveDict(node.get('Parent'));
  }
  const readBox = (key: string): [number, number, number, number] | undefined => {
    if (!found.has(key)) return undefined;
    const v = found.get(key);
    const nums = numberArray(reader, v);
    if (!nums) {
      let shown: string;
      try {
        shown = v === undefined ? 'nothing' : serialize(v);
      } catch {
        shown = 'a stream';
      }
      throw new SigningError(
        'PAGE_BOX_INVALID',
        `page ${pageNo} /${key} is not four numbers: ${shown.length > 60 ? shown.slice(0, 57) + '...' : shown}`,
      );
    }
    return normalizeBox(nums);
  };
  const media = readBox('MediaBox');
  if (!media)
    throw new SigningError('PAGE_BOX_INVALID', `page ${pageNo} has no /MediaBox (nor inherited)`);
  const crop = readBox('CropBox') ?? media;
  const box: [number, number, number, number] = [
    Math.max(media[0], crop[0]),
    Math.max(media[1], crop[1]),
    Math.min(media[2], crop[2]),
    Math.min(media[3], crop[3]),
  ];
  if (box[2] - box[0] < 1 || box[3] - box[1] < 1) {
    throw new SigningError(
      'PAGE_BOX_INVALID',
      `page ${pageNo} has an empty visible area: /MediaBox ${fmtRect(media)} /CropBox ${fmtRect(crop)}`,
    );
  }
  const r = found.get('Rotate');
  const rotate = (
    typeof r === 'number' && Number.isInteger(r) && r % 90 === 0 ? ((r % 360) + 360) % 360 : 0
  ) as PageGeometry['rotate'];
  return { box, rotate };
}

/** Maps a point of the displayed page (origin bottom left, after /Rotate) to user space. */
function displayToUser(g: PageGeometry, X: number, Y: number): [number, number] {
  const [x1, y1, x2, y2] = g.box;
  switch (g.rotate) {
    case 90:
      return [x2 - Y, y1 + X];
    case 180:
      return [x2 - X, y2 - Y];
    case 270:
      return [x1 + Y, y2 - X];
    default:
      return [x1 + X, y1 + Y];
  }
}

/** Form /Matrix that turns content counter-clockwise by the page's rotation (upright on screen). */
const UPRIGHT: Record<PageGeometry['rotate'], number[] | undefined> = {
  0: undefined,
  90: [0, 1, -1, 0, 0, 0],
  180: [-1, 0, 0, -1, 0, 0],
  270: [0, -1, 1, 0, 0, 0],
};

/**
 * Where the attachment stamp of `w` x `h` points goes: at the top right of the page as
 * displayed. Returns the widget rect in user space and the form matrix.
 */
export function attachmentPlacement(
  g: PageGeometry,
  w: number,
  h: number,
): { rect: Rect; matrix?: number[] } {
  const [x1, y1, x2, y2] = g.box;
  const turned = g.rotate === 90 || g.rotate === 270;
  const W = turned ? y2 - y1 : x2 - x1;
  const H = turned ? x2 - x1 : y2 - y1;
  const dx = W - ATTACHMENT_MARGIN.right - w;
  const dy = H - ATTACHMENT_MARGIN.top - h;
  if (dx < 0 || dy < 0) {
    throw new SigningError(
      'TEXT_DOES_NOT_FIT',
      `the attachment stamp needs ${f(Math.ceil(w))} x ${f(Math.ceil(h))} pt inside the visible ` +
        `page box ${fmtRect(g.box)} (${f(W)} x ${f(H)} pt as displayed) with its margins`,
    );
  }
  const corners = [displayToUser(g, dx, dy), displayToUser(g, dx + w, dy + h)];
  const [ux1, uy1, ux2, uy2] = normalizeBox([...corners[0]!, ...corners[1]!]);
  return { rect: [ux1, uy1, ux2 - ux1, uy2 - uy1], matrix: UPRIGHT[g.rotate] };
}

// ---------------------------------------------------------------------------------------------

interface Drawn {
  page: number;
  rect: Rect;
  content: string;
  /** Form BBox size (the rect's size, or its transpose when the form is turned). */
  bbox: [number, number];
  matrix?: number[];
}

interface Extra {
  page: number;
  rect: Rect;
  text: string;
  style: FontStyle;
  size: number;
  content: string;
}

function drawLeader(a: Extract<Appearance, { kind: 'leader' }>, canvas: Canvas): Drawn {
  checkRect(a.rect, 'leader rect');
  if (a.imageOnly && !a.image) {
    throw new SigningError('APPEARANCE_INVALID', 'an image-only leader block needs an image');
  }
  const l = layoutLeader(a, aspectOf(a.image));
  let content = '';
  if (l.topLines.length || l.nameLine) content += '0 g\n';
  for (const line of l.topLines) content += canvas.text('bold', line.text, l.size, line.x, line.y);
  if (a.image && l.imageBox.h > 0 && l.imageBox.w > 0)
    content += drawImageFit(canvas, a.image, l.imageBox);
  if (l.nameLine)
    content += canvas.text('bold', l.nameLine.text, l.size, l.nameLine.x, l.nameLine.y);
  return { page: a.page, rect: a.rect, content, bbox: [a.rect[2], a.rect[3]] };
}

function sealRect(a: SealAppearance, ctx: AppearanceContext, width: number, height: number): Rect {
  if (a.rect !== undefined) {
    checkRect(a.rect, 'seal rect');
    const [x, y, w, h] = a.rect;
    return [x + w / 2 - width / 2, y + h / 2 - height / 2, width, height];
  }
  if (a.overLeader !== undefined) return sealRectOverLeader(a.overLeader, width, height);
  const box = findLeaderImageBox(ctx.reader, a.page);
  if (!box) {
    throw new SigningError(
      'APPEARANCE_INVALID',
      `the seal has no rect and no overLeader, and page ${a.page} has no signed leader widget to overlap`,
    );
  }
  return sealRectOverImage(box, width, height);
}

function drawSeal(
  a: SealAppearance,
  ctx: AppearanceContext,
  canvas: Canvas,
  extras: Extra[],
): Drawn {
  const size = checkFontSize(a.fontSize);
  let drawn: Drawn;
  if (a.image) {
    const { width, height } = sealSize(a.image);
    const rect = sealRect(a, ctx, width, height);
    const content = drawImageFit(canvas, a.image, { x: 0, y: 0, w: width, h: height });
    drawn = { page: a.page, rect, content, bbox: [width, height] };
  } else {
    // Decree 30: a text-only agency signature carries no seal image; nothing is drawn for it.
    if (a.rect !== undefined) checkRect(a.rect, 'seal rect');
    const rect: Rect = a.rect ?? [0, 0, 0, 0];
    drawn = { page: a.page, rect, content: '', bbox: [rect[2], rect[3]] };
  }
  const parts: Array<[PlacedText | undefined, string, FontStyle]> = [
    [a.number, 'seal number', 'regular'],
    [a.date, 'seal date', 'italic'],
  ];
  for (const [part, what, style] of parts) {
    if (!part) continue;
    checkRect(part.rect, `${what} rect`);
    if (!Number.isInteger(part.page) || part.page < 1)
      throw new SigningError('APPEARANCE_INVALID', `${what} page must be a page number from 1`);
    extras.push({
      page: part.page,
      rect: part.rect,
      text: part.text,
      style,
      size,
      content: placedLine(canvas, part, what, style, size),
    });
  }
  return drawn;
}

function drawAttachment(a: AttachmentAppearance, ctx: AppearanceContext, canvas: Canvas): Drawn {
  const g = pageGeometry(ctx.reader, 1);
  const time = formatVietnamTime(a.signedAt ?? ctx.signingTime);
  const code = stampText(a.codeText, 'codeText').trim();
  if (!code)
    throw new SigningError('APPEARANCE_INVALID', 'the attachment stamp needs its codeText');
  const lines = [code, time];
  const size = ATTACHMENT_FONT_SIZE;
  const widths = lines.map((l) => measureText('regular', l) * size);
  const w = Math.max(...widths) + 2 * PAD;
  const h = lines.length * size * LEADING + 2 * PAD;
  const { rect, matrix } = attachmentPlacement(g, w, h);
  const { ascent } = fontMetrics('regular');
  let content = '0 g\n';
  lines.forEach((line, i) => {
    content += canvas.text(
      'regular',
      line,
      size,
      w - PAD - widths[i]!,
      h - PAD - ascent * size - i * size * LEADING,
    );
  });
  return { page: 1, rect, content, bbox: [w, h], matrix };
}

/** Plans the widget appearance; no appearance = invisible signature on page 1. */
export async function buildAppearance(
  appearance: Appearance | undefined,
  ctx: AppearanceContext,
): Promise<AppearancePlan> {
  if (!appearance) {
    return {
      page: 1,
      rect: [0, 0, 0, 0],
      stream: form(0, 0, '', new PdfDict()),
      extraAnnotations: [],
    };
  }
  const canvas = new Canvas(ctx.writer);
  const extras: Extra[] = [];
  let drawn: Drawn;
  switch (appearance.kind) {
    case 'leader':
      drawn = drawLeader(appearance, canvas);
      break;
    case 'seal':
      drawn = drawSeal(appearance, ctx, canvas, extras);
      break;
    case 'attachment':
      drawn = drawAttachment(appearance, ctx, canvas);
      break;
    default:
      throw new SigningError(
        'APPEARANCE_INVALID',
        `appearance kind must be leader, seal or attachment, got ${describe((appearance as { kind?: unknown }).kind)}`,
      );
  }
  if (!Number.isInteger(drawn.page) || drawn.page < 1)
    throw new SigningError('APPEARANCE_INVALID', 'appearance page must be a page number from 1');
  await canvas.finish();
  const resources = canvas.resources();
  return {
    page: drawn.page,
    rect: toPdfRect(drawn.rect),
    stream: form(drawn.bbox[0], drawn.bbox[1], drawn.content, resources, drawn.matrix),
    extraAnnotations: extras.map((e) => {
      const apRef = ctx.writer.allocate();
      ctx.writer.set(apRef, form(e.rect[2], e.rect[3], e.content, resources));
      return {
        page: e.page,
        dict: dict({
          Type: name('Annot'),
          Subtype: name('FreeText'),
          Rect: toPdfRect(e.rect),
          Contents: textString(e.text),
          DA: textString(`0 g /${canvas.fontKey(e.style)} ${e.size} Tf`),
          F: 132,
          Border: [0, 0, 0],
          AP: dict({ N: apRef }),
        }),
      };
    }),
  };
}
