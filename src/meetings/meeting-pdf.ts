/**
 * A4 administrative documents of a meeting laid out as Decree 30 Appendix I does (margins, the
 * agency beside the national heading, the title, the text, the signature blocks), drawn with
 * pdf-lib in an embedded DejaVu Serif Condensed (close to Times in width) so that Vietnamese renders and extracts exactly.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';

const require = createRequire(import.meta.url);
let fonts: { regular: Buffer; bold: Buffer; italic: Buffer } | null = null;
const fontFiles = () =>
  (fonts ??= {
    regular: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSerifCondensed.ttf')),
    bold: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSerifCondensed-Bold.ttf')),
    italic: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSerifCondensed-Italic.ttf')),
  });

/** Page and margins in points (Decree 30: top/bottom 20–25 mm, left 30–35 mm, right 15–20 mm). */
const PAGE = { width: 595.28, height: 841.89, top: 62, bottom: 62, left: 85, right: 57 };
const SIZE = 13;
const LEADING = SIZE * 1.35;
/** The gap left for a handwritten-looking signature mark between a block's title and name. */
const SIGN_GAP = 84;
const INK = rgb(0, 0, 0);

/** Where a signature goes: 1-based page, [x, y, w, h] in points. */
export interface SignaturePlace {
  page: number;
  rect: [number, number, number, number];
}

export interface HeaderText {
  parentAgency: string | null;
  agency: string;
  /** e.g. "Số:        /BB-UBND". */
  numberLine: string;
  /** e.g. "Hà Nội, ngày 17 tháng 12 năm 2026". */
  placeDate: string;
}

export interface SignatureBlock {
  /** Title lines in capitals, e.g. ["THƯ KÝ"] or ["CHỦ TỊCH"]. */
  title: string[];
  name: string;
}

/** Text safe for the font: NFC, no control characters, tabs as spaces. */
export const printable = (s: string) =>
  s
    .normalize('NFC')
    .replace(/\t/g, '    ')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\ufeff]/g, '');

/** Splits a paragraph into lines of at most `width` points (long words are cut). */
export function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const words = printable(text).split(/ +/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  const fits = (s: string) => font.widthOfTextAtSize(s, size) <= width;
  for (let word of words) {
    while (!fits(word)) {
      let cut = word.length - 1;
      while (cut > 1 && !fits(word.slice(0, cut))) cut -= 1;
      if (line) lines.push(line);
      lines.push(word.slice(0, cut));
      line = '';
      word = word.slice(cut);
    }
    const next = line ? `${line} ${word}` : word;
    if (fits(next)) line = next;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/** A document being written top to bottom, page after page. */
export class DecreeDocument {
  private page!: PDFPage;
  private y = 0;
  readonly pages: PDFPage[] = [];

  private constructor(
    readonly pdf: PDFDocument,
    readonly regular: PDFFont,
    readonly bold: PDFFont,
    readonly italic: PDFFont,
  ) {
    this.newPage();
  }

  static async create(title: string): Promise<DecreeDocument> {
    const pdf = await PDFDocument.create();
    pdf.registerFontkit(fontkit);
    const f = fontFiles();
    pdf.setTitle(printable(title).slice(0, 200));
    pdf.setProducer('eOffice');
    const [regular, bold, italic] = await Promise.all([
      pdf.embedFont(f.regular, { subset: true }),
      pdf.embedFont(f.bold, { subset: true }),
      pdf.embedFont(f.italic, { subset: true }),
    ]);
    return new DecreeDocument(pdf, regular, bold, italic);
  }

  private newPage(): void {
    this.page = this.pdf.addPage([PAGE.width, PAGE.height]);
    this.pages.push(this.page);
    this.y = PAGE.height - PAGE.top;
    if (this.pages.length > 1) {
      const n = String(this.pages.length);
      const w = this.regular.widthOfTextAtSize(n, 12);
      this.page.drawText(n, {
        x: (PAGE.width - w) / 2,
        y: PAGE.height - 36,
        size: 12,
        font: this.regular,
      });
    }
  }

  private ensure(height: number): void {
    if (this.y - height < PAGE.bottom) this.newPage();
  }

  /** Draws one line centred on `centre`. */
  private centred(text: string, centre: number, font: PDFFont, size: number, y = this.y): void {
    const s = printable(text);
    const w = font.widthOfTextAtSize(s, size);
    this.page.drawText(s, { x: centre - w / 2, y, size, font, color: INK });
  }

  /** The agency (left) beside the national heading (right), the number and the place and date. */
  header(h: HeaderText): void {
    const leftCentre = PAGE.left + 80;
    const rightCentre = PAGE.width - PAGE.right - 130;
    const top = this.y;
    const left = [
      ...(h.parentAgency
        ? wrap(h.parentAgency.toUpperCase(), this.regular, 12, 165).map((t) => ({
            t,
            f: this.regular,
          }))
        : []),
      ...wrap(h.agency.toUpperCase(), this.bold, 12, 165).map((t) => ({ t, f: this.bold })),
    ];
    left.forEach((l, i) => this.centred(l.t, leftCentre, l.f, 12, top - i * 15));
    this.centred('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', rightCentre, this.bold, 12, top);
    this.centred('Độc lập - Tự do - Hạnh phúc', rightCentre, this.bold, 13, top - 16);
    // The short rules Appendix I draws under the agency's name and under the motto.
    const rule = (centre: number, width: number, y: number) =>
      this.page.drawLine({
        start: { x: centre - width / 2, y },
        end: { x: centre + width / 2, y },
        thickness: 0.6,
        color: INK,
      });
    rule(leftCentre, 60, top - (left.length - 1) * 15 - 5);
    rule(rightCentre, this.bold.widthOfTextAtSize('Độc lập - Tự do - Hạnh phúc', 13), top - 21);
    const under = top - Math.max(left.length, 2) * 15 - 14;
    this.centred(h.numberLine, leftCentre, this.regular, 13, under);
    this.centred(h.placeDate, rightCentre, this.italic, 13, under);
    this.y = under - 40;
  }

  /** The document's name and its excerpt, centred, bold. */
  title(name: string, excerpt: string): void {
    this.centred(name, PAGE.width / 2 + 14, this.bold, 14);
    this.y -= 20;
    for (const line of wrap(excerpt, this.bold, SIZE, 400)) {
      this.ensure(LEADING);
      this.centred(line, PAGE.width / 2 + 14, this.bold, SIZE);
      this.y -= LEADING;
    }
    this.y -= 12;
  }

  /** The text, one paragraph a line; headings ("I. …", capitals) in bold. */
  text(body: string): void {
    const width = PAGE.width - PAGE.left - PAGE.right;
    for (const paragraph of body.replace(/\r\n?/g, '\n').split('\n')) {
      if (!paragraph.trim()) {
        this.y -= LEADING / 2;
        continue;
      }
      const heading = /^[IVX]+\.\s/.test(paragraph) || paragraph === paragraph.toUpperCase();
      const font = heading && /\p{L}/u.test(paragraph) ? this.bold : this.regular;
      for (const line of wrap(paragraph, font, SIZE, width)) {
        this.ensure(LEADING);
        this.page.drawText(line, { x: PAGE.left, y: this.y - SIZE, size: SIZE, font, color: INK });
        this.y -= LEADING;
      }
    }
  }

  /**
   * Signature blocks side by side (left, right): titles in bold capitals, a gap for the signature,
   * the name in bold; with "Nơi nhận" lines under the left one when given. Returns each block's gap.
   */
  signatures(left: SignatureBlock | null, right: SignatureBlock, recipients: string[] = []) {
    const titleLines = Math.max(left?.title.length ?? 0, right.title.length);
    this.ensure(30 + titleLines * 17 + SIGN_GAP + 20 + recipients.length * 14);
    this.y -= 24;
    const pageNo = this.pages.length;
    const place = (block: SignatureBlock, centre: number): SignaturePlace => {
      block.title.forEach((t, i) =>
        this.centred(t.toUpperCase(), centre, this.bold, SIZE, this.y - SIZE - i * 17),
      );
      const gapTop = this.y - titleLines * 17 - 4;
      this.centred(block.name, centre, this.bold, SIZE, gapTop - SIGN_GAP - SIZE);
      return { page: pageNo, rect: [centre - 95, gapTop - SIGN_GAP, 190, SIGN_GAP] };
    };
    const rightPlace = place(right, PAGE.width - PAGE.right - 120);
    let leftPlace: SignaturePlace | null = null;
    if (left) leftPlace = place(left, PAGE.left + 105);
    recipients.forEach((r, i) => {
      const f = i === 0 ? this.bold : this.regular;
      const size = i === 0 ? 12 : 11;
      this.page.drawText(printable(r), { x: PAGE.left, y: this.y - 12 - i * 14, size, font: f });
    });
    this.y -= titleLines * 17 + SIGN_GAP + 24;
    return { left: leftPlace, right: rightPlace };
  }

  /** A square image (a PNG, e.g. a QR code) at the left margin with a caption beside it. */
  async image(png: Uint8Array, size: number, caption: string): Promise<void> {
    const embedded = await this.pdf.embedPng(png);
    this.ensure(size + 12);
    this.y -= 6;
    this.page.drawImage(embedded, { x: PAGE.left, y: this.y - size, width: size, height: size });
    const width = PAGE.width - PAGE.left - PAGE.right - size - 12;
    wrap(caption, this.italic, 11, width).forEach((line, i) =>
      this.page.drawText(line, {
        x: PAGE.left + size + 12,
        y: this.y - 14 - i * 14,
        size: 11,
        font: this.italic,
        color: INK,
      }),
    );
    this.y -= size + 6;
  }

  async save(): Promise<Buffer> {
    return Buffer.from(await this.pdf.save());
  }
}

/** "Hà Nội, ngày 17 tháng 12 năm 2026" for a date in Vietnam time. */
export function placeDateText(place: string, d: Date | null): string {
  if (!d) return `${place}, ngày      tháng      năm ${new Date().getUTCFullYear()}`;
  const v = new Date(d.getTime() + 7 * 3600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${place}, ngày ${pad(v.getUTCDate())} tháng ${pad(v.getUTCMonth() + 1)} năm ${v.getUTCFullYear()}`;
}
