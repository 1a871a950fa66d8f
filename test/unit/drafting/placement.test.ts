import { expect } from 'chai';
import fontkit from '@pdf-lib/fontkit';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { degrees, PDFDocument, StandardFonts, type PDFFont } from 'pdf-lib';
import PDFKit from 'pdfkit';
import { findPlacements, type Placements } from '../../../src/drafting/placement.js';
import { AppError } from '../../../src/http/app-error.js';
import { configurePdfChecks, stopPdfChecks } from '../../../src/files/pdf-check-pool.js';
import type { Rect } from '../../../src/signing/types.js';
import { CONG_VAN, makeDraftPdf, QUYET_DINH, replaceRow } from './samples.js';

const require = createRequire(import.meta.url);
const SERIF = readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSerif.ttf'));

/** A line of text: left-aligned at x, or centred on cx; y is the baseline in user space. */
interface Text {
  s: string;
  y: number;
  x?: number;
  cx?: number;
  size?: number;
}

interface PageSpec {
  texts: Text[];
  size?: [number, number];
  cropBox?: Rect;
  /** Page /Rotate 90: the texts are given as displayed and drawn turned in user space. */
  rotate90?: boolean;
}

/** Where each text was drawn (its left end, width and baseline), to compute the expected rects. */
type Drawn = Map<string, { x: number; w: number; y: number; size: number; font: PDFFont }>;

async function buildPdf(pages: PageSpec[]): Promise<{ pdf: Buffer; drawn: Drawn[] }> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(SERIF, { subset: true });
  const drawn: Drawn[] = [];
  for (const spec of pages) {
    const [W, H] = spec.size ?? [595.28, 841.89];
    const page = doc.addPage([W, H]);
    if (spec.cropBox) page.setCropBox(...spec.cropBox);
    const map: Drawn = new Map();
    for (const t of spec.texts) {
      const size = t.size ?? 13;
      const w = font.widthOfTextAtSize(t.s, size);
      const x = t.x ?? t.cx! - w / 2;
      map.set(t.s, { x, w, y: t.y, size, font });
      if (spec.rotate90)
        // Displayed (x, y from the bottom left) on a page turned 90° clockwise is user (W - y, x).
        page.drawText(t.s, { x: W - t.y, y: x, size, font, rotate: degrees(90) });
      else page.drawText(t.s, { x, y: t.y, size, font });
    }
    if (spec.rotate90) page.setRotation(degrees(90));
    drawn.push(map);
  }
  return { pdf: Buffer.from(await doc.save()), drawn };
}

const LEFT = 160;
const RIGHT = 420;
const heading = (
  number = 'Số: ......../QĐ-UBND',
  date = 'Demo, ngày      tháng      năm 2026',
): Text[] => [
  { s: 'ỦY BAN NHÂN DÂN', cx: LEFT, y: 790, size: 12 },
  { s: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', cx: RIGHT, y: 790, size: 12 },
  { s: 'HUYỆN DEMO', cx: LEFT, y: 775, size: 12 },
  { s: 'Độc lập - Tự do - Hạnh phúc', cx: RIGHT, y: 775 },
  { s: number, cx: LEFT, y: 745 },
  { s: date, cx: RIGHT, y: 745 },
  { s: 'QUYẾT ĐỊNH', cx: 297, y: 700, size: 14 },
];
const body = (from: number, count: number): Text[] =>
  Array.from({ length: count }, (_, i) => ({
    s: `Điều ${i + 1}. Nội dung quy định của điều này được trình bày trên một dòng.`,
    x: 85,
    y: from - i * 20,
  }));
const signerBlock = (top: number, authority: string[], name = 'Trần Văn Hùng'): Text[] => [
  { s: 'Nơi nhận:', x: 85, y: top, size: 12 },
  { s: '- Như Điều 3;', x: 85, y: top - 15, size: 11 },
  { s: '- Lưu: VT.', x: 85, y: top - 28, size: 11 },
  ...authority.map((s, i) => ({ s, cx: RIGHT, y: top - i * 17, size: 13 })),
  { s: name, cx: RIGHT, y: top - 17 * (authority.length - 1) - 90, size: 13 },
];

/** The gap expected between the last authority line and the name (letters' extents, 1 pt slack). */
function expectGap(rect: Rect, drawn: Drawn, title: string, name: string) {
  const t = drawn.get(title)!;
  const n = drawn.get(name)!;
  const [x, y, w, h] = rect;
  expect(y + h, 'top of the gap: below the title').to.be.closeTo(t.y - 0.25 * t.size, 1);
  expect(y, 'bottom of the gap: above the name').to.be.closeTo(n.y + 0.9 * n.size, 1);
  expect(x + w / 2, 'centred on the block').to.be.closeTo(RIGHT, 25);
  expect(w).to.be.at.least(160);
}

const inside = (rect: Rect, [x1, y1, x2, y2]: number[]) => {
  const [x, y, w, h] = rect;
  return x >= x1 && y >= y1 && x + w <= x2 && y + h <= y2 && w > 0 && h > 0;
};

describe('signature, number and date placement', function () {
  this.timeout(60_000);
  before(() => configurePdfChecks({ limits: { threads: 1, timeoutMs: 30_000, memoryMb: 256 } }));
  after(() => stopPdfChecks());

  it('puts the signature in the gap between "TM. … / CHỦ TỊCH" and the name, the number over the dots after "Số:", the date on its line', async () => {
    const { pdf, drawn } = await buildPdf([
      {
        texts: [
          ...heading(),
          ...body(660, 8),
          ...signerBlock(480, ['TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH']),
        ],
      },
    ]);
    const found = await findPlacements(pdf);
    expect(found.signer.source).to.equal('block');
    expect(found.signer.page).to.equal(1);
    expectGap(found.signer.rect, drawn[0], 'CHỦ TỊCH', 'Trần Văn Hùng');

    // "Số: ......../QĐ-UBND": the rect runs from the first dot to the slash.
    const n = drawn[0].get('Số: ......../QĐ-UBND')!;
    const dotsFrom = n.x + n.font.widthOfTextAtSize('Số: ', 13);
    const slashAt = n.x + n.font.widthOfTextAtSize('Số: ........', 13);
    const [nx, ny, nw, nh] = found.number!.rect;
    expect(found.number!.page).to.equal(1);
    // Positions inside a piece are estimated from typical letter widths.
    expect(nx).to.be.closeTo(dotsFrom, 3);
    expect(nx + nw).to.be.closeTo(slashAt, 3);
    expect(ny)
      .to.be.below(745)
      .and.above(745 - 13);
    expect(ny + nh).to.be.above(745 + 0.7 * 13);
    expect(nh).to.be.at.least(18);

    const d = drawn[0].get('Demo, ngày      tháng      năm 2026')!;
    const [dx, dy, dw, dh] = found.date!.rect;
    expect(found.date!.page).to.equal(1);
    expect(dx).to.be.closeTo(d.x, 0.5);
    expect(dx + dw).to.be.closeTo(d.x + d.w, 2);
    expect(dy).to.be.below(745);
    expect(dy + dh).to.be.above(745 + 0.7 * 13);
    expect(found.pageCount).to.equal(1);
    expect(found.pages).to.deep.equal([{ box: [0, 0, 595.28, 841.89], rotate: 0 }]);
  });

  it('takes a two-line "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" prefix as one title: the gap starts below the second line', async () => {
    const { pdf, drawn } = await buildPdf([
      {
        texts: [
          ...heading(),
          ...body(660, 6),
          ...signerBlock(500, ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'], 'Lê Minh Tuấn'),
        ],
      },
    ]);
    const found = await findPlacements(pdf);
    expect(found.signer.source).to.equal('block');
    expectGap(found.signer.rect, drawn[0], 'PHÓ CHỦ TỊCH', 'Lê Minh Tuấn');
  });

  it('reads the other forms: Q., TL., TUQ. and a bare title such as GIÁM ĐỐC', async () => {
    for (const authority of [
      ['Q. GIÁM ĐỐC'],
      ['TL. GIÁM ĐỐC', 'CHÁNH VĂN PHÒNG'],
      ['TUQ. CHỦ TỊCH', 'CHÁNH VĂN PHÒNG'],
      ['GIÁM ĐỐC'],
    ]) {
      const { pdf, drawn } = await buildPdf([
        { texts: [...heading(), ...body(660, 4), ...signerBlock(520, authority, 'Phạm Thị Lan')] },
      ]);
      const found = await findPlacements(pdf);
      expect(found.signer.source, authority.join(' / ')).to.equal('block');
      expectGap(found.signer.rect, drawn[0], authority[authority.length - 1], 'Phạm Thị Lan');
    }
  });

  it('finds the block on the last page of a multi-page draft, and number and date on page 1', async () => {
    const { pdf, drawn } = await buildPdf([
      { texts: [...heading(), ...body(660, 25)] },
      { texts: body(780, 30) },
      { texts: [...body(780, 5), ...signerBlock(640, ['TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH'])] },
    ]);
    const found = await findPlacements(pdf);
    expect(found.signer.page).to.equal(3);
    expect(found.signer.source).to.equal('block');
    expectGap(found.signer.rect, drawn[2], 'CHỦ TỊCH', 'Trần Văn Hùng');
    expect(found.number!.page).to.equal(1);
    expect(found.date!.page).to.equal(1);
    expect(found.pageCount).to.equal(3);
    expect(found.pages).to.have.length(3);
  });

  it('finds the block before an appendix page that follows it', async () => {
    const { pdf, drawn } = await buildPdf([
      {
        texts: [
          ...heading(),
          ...body(660, 4),
          ...signerBlock(520, ['TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH']),
        ],
      },
      { texts: [{ s: 'PHỤ LỤC', cx: 297, y: 780, size: 14 }, ...body(740, 10)] },
    ]);
    const found = await findPlacements(pdf);
    expect(found.signer).to.include({ page: 1, source: 'block' });
    expectGap(found.signer.rect, drawn[0], 'CHỦ TỊCH', 'Trần Văn Hùng');
  });

  it('ignores capitals on the right half above "Nơi nhận:" (a heading is not a signer)', async () => {
    const { pdf, drawn } = await buildPdf([
      {
        texts: [
          ...heading(),
          { s: 'GIÁM ĐỐC', cx: RIGHT, y: 660 },
          { s: 'Nguyễn Văn An', cx: RIGHT, y: 620 },
          ...body(600, 4),
          ...signerBlock(480, ['TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH']),
        ],
      },
    ]);
    const found = await findPlacements(pdf);
    expectGap(found.signer.rect, drawn[0], 'CHỦ TỊCH', 'Trần Văn Hùng');
  });

  it('without a signer block, proposes a box on the right half of the last page, below its text and above the bottom margin', async () => {
    const { pdf } = await buildPdf([
      { texts: [...heading(), ...body(660, 25)] },
      { texts: body(780, 10) },
    ]);
    const found = await findPlacements(pdf);
    expect(found.signer.source).to.equal('default');
    expect(found.signer.page).to.equal(2);
    const [x, y, w, h] = found.signer.rect;
    expect(x).to.be.at.least(595.28 / 2 - 10);
    expect(x + w).to.be.at.most(595.28 - 42);
    expect(y + h).to.be.below(780 - 9 * 20);
    expect(w).to.equal(230);
    expect(h).to.equal(150);

    // A last page full to the bottom: the box sits on the bottom margin.
    const full = await buildPdf([{ texts: body(800, 40) }]);
    const low = await findPlacements(full.pdf);
    expect(low.signer.source).to.equal('default');
    expect(low.signer.rect[1]).to.be.closeTo(56.7, 0.5);
  });

  it('gives no number when the draft is already numbered or has no "Số:", and no date without a place-and-date line', async () => {
    const numbered = await buildPdf([{ texts: heading('Số: 15/QĐ-UBND') }]);
    const a = await findPlacements(numbered.pdf);
    expect(a.number).to.equal(null);
    expect(a.date).not.to.equal(null);

    const bare = await buildPdf([
      { texts: [{ s: 'Một trang không có số, ký hiệu.', x: 85, y: 700 }] },
    ]);
    const b = await findPlacements(bare.pdf);
    expect(b).to.deep.include({ number: null, date: null });
    expect(b.signer.source).to.equal('default');
  });

  it('takes spaces before the slash as the number placeholder ("Số:      /QĐ-UBND")', async () => {
    const { pdf, drawn } = await buildPdf([{ texts: heading('Số:         /QĐ-UBND') }]);
    const found = await findPlacements(pdf);
    const n = drawn[0].get('Số:         /QĐ-UBND')!;
    const [x, , w] = found.number!.rect;
    expect(x).to.be.closeTo(n.x + n.font.widthOfTextAtSize('Số:', 13), 3);
    expect(x + w).to.be.closeTo(n.x + n.font.widthOfTextAtSize('Số:         ', 13), 2);
  });

  it('reads the sample drafts of the Decree 30 check (pdf-lib, drawn out of reading order)', async () => {
    const unnumbered = replaceRow(QUYET_DINH, 'Số: 15/QĐ-UBND', [
      'Số: ....../QĐ-UBND',
      'Demo, ngày .... tháng .... năm 2026',
    ]);
    const qd = await findPlacements(await makeDraftPdf(unnumbered));
    // Rows 18 pt apart from y = 790, 10 pt: "CHỦ TỊCH" on row 15, the name on row 18.
    expect(qd.signer).to.include({ page: 1, source: 'block' });
    expect(qd.signer.rect[1] + qd.signer.rect[3]).to.be.closeTo(790 - 15 * 18 - 2.5, 0.5);
    expect(qd.signer.rect[1]).to.be.closeTo(790 - 18 * 18 + 9, 0.5);
    expect(qd.number).not.to.equal(null);

    const cv = await findPlacements(await makeDraftPdf(CONG_VAN));
    expect(cv.signer.rect[1] + cv.signer.rect[3]).to.be.closeTo(790 - 8 * 18 - 2.5, 0.5);
    expect(cv.number).to.equal(null);
  });

  it('reads a pdfkit document (its own text layout) the same way', async () => {
    const doc = new PDFKit({ size: 'A4', margin: 60 });
    doc.font(SERIF).fontSize(13);
    doc.text('Số: ....../UBND-VP', 60, 80, { width: 200, align: 'center' });
    doc.text('Demo, ngày .... tháng .... năm 2026', 300, 80, { width: 240, align: 'center' });
    doc.text('Nơi nhận:', 60, 500);
    doc.text('KT. CHỦ TỊCH', 300, 500, { width: 240, align: 'center' });
    doc.text('PHÓ CHỦ TỊCH', 300, 517, { width: 240, align: 'center' });
    doc.text('Lê Minh Tuấn', 300, 610, { width: 240, align: 'center' });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise<Buffer>((r) => doc.on('end', () => r(Buffer.concat(chunks))));
    doc.end();
    const found = await findPlacements(await done);
    const H = 841.89;
    const [, y, , h] = found.signer.rect;
    expect(found.signer.source).to.equal('block');
    // pdfkit's y is the top of the line box; the letters of a 13 pt line span about 15 pt of it.
    expect(y + h).to.be.within(H - 517 - 19, H - 517 - 13);
    expect(y).to.be.within(H - 610 - 3, H - 610 + 3);
    expect(found.number).not.to.equal(null);
    expect(found.date).not.to.equal(null);
  });

  it('gives user-space coordinates on a page whose CropBox is offset', async () => {
    const { pdf, drawn } = await buildPdf([
      {
        size: [700, 1000],
        cropBox: [60, 90, 595.28, 841.89],
        texts: [
          ...heading(),
          ...body(660, 4),
          ...signerBlock(520, ['TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH']),
        ].map((t) => ({
          ...t,
          y: t.y + 90,
          ...(t.x !== undefined ? { x: t.x + 60 } : { cx: t.cx! + 60 }),
        })),
      },
    ]);
    const found = await findPlacements(pdf);
    const t = drawn[0].get('CHỦ TỊCH')!;
    expect(found.signer.rect[1] + found.signer.rect[3]).to.be.closeTo(t.y - 0.25 * t.size, 1);
    expect(found.signer.rect[0] + found.signer.rect[2] / 2).to.be.closeTo(RIGHT + 60, 25);
    expect(found.pages[0].box).to.deep.equal([60, 90, 655.28, 931.89]);

    // Without a block, the default box lies inside the visible box, not just the MediaBox.
    const plain = await buildPdf([{ size: [700, 1000], cropBox: [60, 90, 400, 500], texts: [] }]);
    const d = await findPlacements(plain.pdf);
    expect(inside(d.signer.rect, [60, 90, 460, 590])).to.equal(true);
    expect(d.signer.rect[1]).to.be.closeTo(90 + 56.7, 0.5);
  });

  it('maps a block on a page turned by /Rotate 90 back to user space', async () => {
    // As displayed the page is 841.89 wide and 595.28 tall (landscape).
    const { pdf, drawn } = await buildPdf([
      {
        rotate90: true,
        texts: [
          { s: 'Nơi nhận:', x: 85, y: 300, size: 12 },
          { s: 'TM. ỦY BAN NHÂN DÂN', cx: 600, y: 300 },
          { s: 'CHỦ TỊCH', cx: 600, y: 283 },
          { s: 'Trần Văn Hùng', cx: 600, y: 193 },
        ],
      },
    ]);
    const found = await findPlacements(pdf);
    expect(found.signer.source).to.equal('block');
    expect(found.pages[0]).to.deep.equal({ box: [0, 0, 595.28, 841.89], rotate: 90 });
    // Displayed (X, Y) is user (595.28 - Y, X): the gap's displayed bottom and top become x.
    const [x, y, w, h] = found.signer.rect;
    const t = drawn[0].get('CHỦ TỊCH')!;
    const n = drawn[0].get('Trần Văn Hùng')!;
    expect(x).to.be.closeTo(595.28 - (t.y - 0.25 * t.size), 1);
    expect(x + w).to.be.closeTo(595.28 - (n.y + 0.9 * n.size), 1);
    expect(y + h / 2).to.be.closeTo(600, 25);
  });

  it('refuses bytes that are not a PDF with FILE_NOT_PDF', async () => {
    const err = await findPlacements(Buffer.from('%PDF-1.7 not really')).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(AppError);
    expect(err).to.include({ code: 'FILE_NOT_PDF', status: 422 });
  });

  describe('bounded on hostile drafts', () => {
    async function manyItems(count: number): Promise<Buffer> {
      const doc = await PDFDocument.create();
      const font = await doc.embedFont(StandardFonts.Helvetica);
      const page = doc.addPage([595, 842]);
      // Rows of 200 tiny pieces from the top: 10,000 of them fill the upper third of the page.
      for (let i = 0; i < count; i += 1)
        page.drawText('x', {
          x: 20 + (i % 200) * 2.7,
          y: 820 - Math.floor(i / 200) * 2.5,
          size: 2,
          font,
        });
      return Buffer.from(await doc.save());
    }

    it('reads a page of 10,000 text pieces and still answers', async () => {
      const found = await findPlacements(await manyItems(10_000));
      expect(found.signer.source).to.equal('default');
      expect(found.number).to.equal(null);
      // Below the lowest row (baseline 820 - 49 × 2.5).
      expect(found.signer.rect[1] + found.signer.rect[3]).to.be.closeTo(
        820 - 49 * 2.5 - 0.5 - 10,
        0.5,
      );
    });

    it('takes a page past the piece limit as having no text', async () => {
      const found: Placements = await findPlacements(await manyItems(20_001));
      // With its text read, the box would go below the lowest row; unread, on the bottom margin.
      expect(found.signer.source).to.equal('default');
      expect(found.signer.rect[1]).to.be.closeTo(56.7, 0.5);
    });

    it('reads the boxes of the first 2000 pages and the text of the last, whatever the page count', async () => {
      const doc = await PDFDocument.create();
      const font = await doc.embedFont(StandardFonts.Helvetica);
      for (let i = 0; i < 5000; i += 1) doc.addPage([595, 842]);
      doc.getPage(4999).drawText('Trang cuoi', { x: 72, y: 400, size: 12, font });
      const found = await findPlacements(Buffer.from(await doc.save()));
      expect(found.pageCount).to.equal(5000);
      expect(found.pages).to.have.length(2000);
      expect(found.signer).to.include({ page: 5000, source: 'default' });
      expect(found.signer.rect[1] + found.signer.rect[3]).to.be.below(400 - 3);
    });
  });
});
