import { SigningError } from '../errors.js';
import {
  PdfDict,
  PdfStream,
  dict,
  formatNumber as f,
  name,
  textString,
  type PdfRef,
} from '../pdf/objects.js';
import type { PdfReader } from '../pdf/reader.js';
import type { IncrementalWriter } from '../pdf/writer.js';
import { formatVietnamTime } from '../time.js';
import type { Appearance, Rect } from '../types.js';
import { EmbeddedFont, measureText, fontMetrics, type FontStyle } from './font.js';
import { embedPng, pngSize } from './png.js';

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
const MAX_TEXT_SIZE = 13;
const MM = 72 / 25.4;

function form(w: number, h: number, content: string, resources: PdfDict): PdfStream {
  return new PdfStream(
    dict({
      Type: name('XObject'),
      Subtype: name('Form'),
      BBox: [0, 0, w, h],
      Resources: resources,
    }),
    Buffer.from(content, 'latin1'),
  );
}

function checkRect(rect: Rect): void {
  if (
    !Array.isArray(rect) ||
    rect.length !== 4 ||
    rect.some((n) => !Number.isFinite(n)) ||
    rect[2] <= 0 ||
    rect[3] <= 0
  ) {
    throw new SigningError(
      'PDF_UNSUPPORTED',
      'appearance rect must be [x, y, width, height] with positive size',
    );
  }
}

const toPdfRect = (r: Rect): number[] => [r[0], r[1], r[0] + r[2], r[1] + r[3]];

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
    return style === 'bold' ? 'FB' : 'FR';
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
  size: number;
  topLines: Array<{ text: string; x: number; y: number }>;
  nameLine: { text: string; x: number; y: number };
  /** Box for the signature image, relative to the widget. */
  imageBox: { x: number; y: number; w: number; h: number };
}

/** Decree 30 Appendix I block: authority prefix and title, signature image, full name. */
export function layoutLeader(
  a: { rect: Rect; title: string; name: string; authorityPrefix?: string },
  imageAspect?: number,
): LeaderLayout {
  const [, , w, h] = a.rect;
  const lines = [...(a.authorityPrefix ?? '').split('\n'), ...a.title.split('\n')]
    .map((s) => s.trim())
    .filter(Boolean);
  const { ascent, descent } = fontMetrics('bold');
  let size = MAX_TEXT_SIZE;
  for (const line of [...lines, a.name])
    size = Math.min(size, (w - 2 * PAD) / Math.max(measureText('bold', line), 1e-6));
  size = Math.max(4, Math.min(size, (h * 0.6) / ((lines.length + 1) * 1.2)));
  const lineH = size * 1.2;
  const center = (text: string) => (w - measureText('bold', text) * size) / 2;
  const topLines = lines.map((text, i) => ({
    text,
    x: center(text),
    y: h - PAD - ascent * size - i * lineH,
  }));
  const nameLine = { text: a.name, x: center(a.name), y: PAD - descent * size };
  const areaBottom = nameLine.y + ascent * size + 2;
  const areaTop = (topLines.length ? topLines[topLines.length - 1]!.y : h) + descent * size - 2;
  let bw = w - 2 * PAD;
  let bh = Math.max(0, areaTop - areaBottom);
  if (imageAspect && bw / bh > imageAspect) bw = bh * imageAspect;
  else if (imageAspect) bh = bw / imageAspect;
  const imageBox = {
    x: (w - bw) / 2,
    y: areaBottom + (areaTop - areaBottom - bh) / 2,
    w: bw,
    h: bh,
  };
  return { size, topLines, nameLine, imageBox };
}

/**
 * Where to put an agency seal of `width` x `height` points so that it overlaps about the
 * left third of the leader's signature image (Decree 30 Appendix I).
 */
export function sealRectOverLeader(
  leader: { rect: Rect; title: string; name: string; authorityPrefix?: string; image?: Buffer },
  width: number,
  height: number,
): Rect {
  const aspect = leader.image
    ? (({ width: iw, height: ih }) => iw / ih)(pngSize(leader.image))
    : undefined;
  const box = layoutLeader(leader, aspect).imageBox;
  return [
    leader.rect[0] + box.x + box.w / 3 - width,
    leader.rect[1] + box.y + box.h / 2 - height / 2,
    width,
    height,
  ];
}

function drawImageFit(
  canvas: Canvas,
  png: Buffer,
  box: { x: number; y: number; w: number; h: number },
): string {
  const img = canvas.image(png);
  const scale = Math.min(box.w / img.width, box.h / img.height);
  const iw = img.width * scale;
  const ih = img.height * scale;
  const x = box.x + (box.w - iw) / 2;
  const y = box.y + (box.h - ih) / 2;
  return `q ${f(iw)} 0 0 ${f(ih)} ${f(x)} ${f(y)} cm /${img.key} Do Q\n`;
}

function circle(cx: number, cy: number, r: number): string {
  const k = 0.5523 * r;
  return (
    `${f(cx + r)} ${f(cy)} m ` +
    `${f(cx + r)} ${f(cy + k)} ${f(cx + k)} ${f(cy + r)} ${f(cx)} ${f(cy + r)} c ` +
    `${f(cx - k)} ${f(cy + r)} ${f(cx - r)} ${f(cy + k)} ${f(cx - r)} ${f(cy)} c ` +
    `${f(cx - r)} ${f(cy - k)} ${f(cx - k)} ${f(cy - r)} ${f(cx)} ${f(cy - r)} c ` +
    `${f(cx + k)} ${f(cy - r)} ${f(cx + r)} ${f(cy - k)} ${f(cx + r)} ${f(cy)} c S\n`
  );
}

function textFit(
  canvas: Canvas,
  text: string,
  w: number,
  h: number,
  style: FontStyle = 'regular',
): string {
  const { ascent, descent } = fontMetrics(style);
  const size = Math.max(
    4,
    Math.min(
      MAX_TEXT_SIZE,
      h / (ascent - descent),
      (w - 2) / Math.max(measureText(style, text), 1e-6),
    ),
  );
  const y = (h - (ascent - descent) * size) / 2 - descent * size;
  return `0 g\n${canvas.text(style, text, size, 1, y)}`;
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
  const extras: Array<{ page: number; content: () => string; rect: Rect; text: string }> = [];
  let page: number;
  let rect: Rect;
  let content: string;
  if (appearance.kind === 'leader') {
    checkRect(appearance.rect);
    ({ page, rect } = appearance);
    const aspect = appearance.image
      ? (({ width, height }) => width / height)(pngSize(appearance.image))
      : undefined;
    const l = layoutLeader(appearance, aspect);
    content = '0 g\n';
    for (const line of l.topLines)
      content += canvas.text('bold', line.text, l.size, line.x, line.y);
    if (appearance.image && l.imageBox.h > 0)
      content += drawImageFit(canvas, appearance.image, l.imageBox);
    content += canvas.text('bold', l.nameLine.text, l.size, l.nameLine.x, l.nameLine.y);
  } else if (appearance.kind === 'seal') {
    checkRect(appearance.rect);
    ({ page, rect } = appearance);
    const [, , w, h] = rect;
    if (appearance.image) content = drawImageFit(canvas, appearance.image, { x: 0, y: 0, w, h });
    else {
      const r = Math.min(w, h) / 2 - 1;
      content = `q 0.85 0 0 RG 1.5 w ${circle(w / 2, h / 2, r)}${circle(w / 2, h / 2, r * 0.72)}Q\n`;
    }
    for (const part of [appearance.number, appearance.date]) {
      if (!part) continue;
      checkRect(part.rect);
      extras.push({
        page: part.page,
        rect: part.rect,
        text: part.text,
        content: () => textFit(canvas, part.text, part.rect[2], part.rect[3]),
      });
    }
  } else {
    const first = ctx.reader.getPage(1);
    const [, , urx, ury] = first.mediaBox;
    const time = formatVietnamTime(appearance.signedAt ?? ctx.signingTime);
    const lines = [appearance.codeText, time];
    const size = 10;
    const widths = lines.map((l) => measureText('regular', l) * size);
    const w = Math.max(...widths) + 2 * PAD;
    const h = lines.length * size * 1.2 + 2 * PAD;
    page = 1;
    rect = [urx - 15 * MM - w, ury - 10 * MM - h, w, h];
    const { ascent } = fontMetrics('regular');
    content = '0 g\n';
    lines.forEach((line, i) => {
      content += canvas.text(
        'regular',
        line,
        size,
        w - PAD - widths[i]!,
        h - PAD - ascent * size - i * size * 1.2,
      );
    });
  }
  const extraAnnotations = extras.map((e) => {
    const body = e.content();
    return { page: e.page, rect: e.rect, text: e.text, body };
  });
  await canvas.finish();
  const resources = canvas.resources();
  return {
    page,
    rect: toPdfRect(rect),
    stream: form(rect[2], rect[3], content, resources),
    extraAnnotations: extraAnnotations.map((e) => {
      const apRef = ctx.writer.allocate();
      ctx.writer.set(apRef, form(e.rect[2], e.rect[3], e.body, resources));
      return {
        page: e.page,
        dict: dict({
          Type: name('Annot'),
          Subtype: name('FreeText'),
          Rect: toPdfRect(e.rect),
          Contents: textString(e.text),
          DA: textString('0 g /FR 12 Tf'),
          F: 132,
          Border: [0, 0, 0],
          AP: dict({ N: apRef }),
        }),
      };
    }),
  };
}
