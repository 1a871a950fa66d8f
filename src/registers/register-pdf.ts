import { createRequire } from 'node:module';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import PDFDocument from 'pdfkit';
import { formatDate, padNumber } from '../http/view-helpers.js';
import { outgoingTitle } from './outgoing-register.js';
import {
  cellText,
  columnNumbers as numbersOf,
  columnsOf,
  isAppendixBook,
  REGISTER_TITLES,
  SECRET_INCOMING_TITLES,
  type RegisterRow,
} from './register-rows.js';
import type { Period, RegisterBook } from './registers.schemas.js';

const require = createRequire(import.meta.url);
// An embedded Unicode TrueType font from an npm package, so Vietnamese renders and extracts exactly.
const FONT_REGULAR = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSerifCondensed.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSerifCondensed-Bold.ttf');

const MARGIN = { top: 36, bottom: 44, left: 28, right: 28 };
const FOOTER_GAP = 14;
const PAD = 3;
const BODY_SIZE = 8.5;
const HEADER_SIZE = 8.5;
const MAX_CELL_CHARS = 1200;

export interface RegisterMeta {
  book: RegisterBook;
  agencyName: string;
  /** The governing agency (cơ quan chủ quản), printed above the agency on the cover. */
  parentAgencyName?: string | null;
  /** "Quyển số": the volume of the year's register (one register a year: 1). */
  volume?: number;
  period: Period;
  /** Printed on each page's footer (dd/mm/yyyy). */
  printedOn: string;
  /** The register's series: '' ordinary, 'secret'; for outgoing also 'normative:QĐ', …. */
  series?: string;
}

/** The register's title, with its series ("SỔ ĐĂNG KÝ VĂN BẢN ĐẾN MẬT"). */
export function registerTitle(meta: RegisterMeta): string {
  if (meta.book === 'outgoing') return outgoingTitle(meta.series ?? '');
  return meta.series === 'secret' ? SECRET_INCOMING_TITLES[meta.book] : REGISTER_TITLES[meta.book];
}

/** The cover's and title rows' agency lines: the governing agency (if any), then the agency. */
export function agencyLines(meta: RegisterMeta): string[] {
  return [meta.parentAgencyName, meta.agencyName]
    .filter((n): n is string => Boolean(n?.trim()))
    .map((n) => n.normalize('NFC').toUpperCase());
}

/** "Quyển số: 01". */
export const volumeLabel = (meta: RegisterMeta) => `Quyển số: ${padNumber(meta.volume ?? 1)}`;

/** The first and last numbers of the rows (arrival numbers, or the rows' own numbers). */
export function numberRange(meta: RegisterMeta, rows: RegisterRow[]): [number, number] | null {
  if (!rows.length) return null;
  const column = columnsOf(meta.book).findIndex((c) => c.type === 'arrival');
  const numberOf = (r: RegisterRow) => r.number ?? Number(r.cells[column]);
  return [numberOf(rows[0]), numberOf(rows[rows.length - 1])];
}

const clean = (text: string) => text.normalize('NFC').slice(0, MAX_CELL_CHARS);

function yearLabel(period: Period): string {
  const [a, b] = [period.from.slice(0, 4), period.to.slice(0, 4)];
  return a === b ? `Năm: ${a}` : `Năm: ${a} – ${b}`;
}

/**
 * Writes the register as an A4 landscape PDF to `out` (streamed page by page): title block,
 * a table whose header row repeats on every page, wrapped cells and "Trang x/y" footers.
 * Rows are laid out first so the page count is known before the first page is written.
 */
export async function writeRegisterPdf(
  out: Writable,
  meta: RegisterMeta,
  rows: RegisterRow[],
): Promise<void> {
  const columns = columnsOf(meta.book);
  const title = registerTitle(meta);
  // The Appendix IV registers open with a cover page and number their columns.
  const hasCover = isAppendixBook(meta.book);
  const numberedColumns = hasCover;
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margins: MARGIN,
    autoFirstPage: false,
    lang: 'vi-VN',
    info: { Title: `${title} – ${meta.agencyName}`, Author: meta.agencyName, Creator: 'eOffice' },
  });
  doc.registerFont('regular', FONT_REGULAR);
  doc.registerFont('bold', FONT_BOLD);
  doc.pipe(out);
  const done = finished(out);
  doc.addPage();

  const left = MARGIN.left;
  const tableWidth = doc.page.width - MARGIN.left - MARGIN.right;
  const totalRel = columns.reduce((sum, c) => sum + c.pdfWidth, 0);
  const widths = columns.map((c) => (c.pdfWidth / totalRel) * tableWidth);
  const xs = widths.map((_, i) => left + widths.slice(0, i).reduce((s, w) => s + w, 0));
  const bottom = doc.page.height - MARGIN.bottom - FOOTER_GAP;

  const texts = rows.map((row) => row.cells.map((v, i) => clean(cellText(v, columns[i].type))));
  const heightOf = (cells: string[], font: string, size: number) =>
    Math.max(
      ...cells.map((text, i) =>
        doc
          .font(font)
          .fontSize(size)
          .heightOfString(text || ' ', { width: widths[i] - 2 * PAD }),
      ),
    ) +
    2 * PAD;
  const columnNumbers = numbersOf(meta.book);
  const numbersHeight = numberedColumns ? heightOf(columnNumbers, 'bold', HEADER_SIZE) : 0;
  const headerHeight =
    heightOf(
      columns.map((c) => c.header),
      'bold',
      HEADER_SIZE,
    ) + numbersHeight;
  const numbers = numberRange(meta, rows);

  const drawTitle = () => {
    doc
      .font('bold')
      .fontSize(11)
      .text(meta.agencyName.normalize('NFC').toUpperCase(), left, MARGIN.top, {
        width: 300,
        align: 'center',
      });
    doc.moveDown(0.8);
    doc.font('bold').fontSize(16).text(title, left, doc.y, { width: tableWidth, align: 'center' });
    doc
      .font('regular')
      .fontSize(11)
      .text(yearLabel(meta.period), { width: tableWidth, align: 'center' });
    const range = `Từ ngày ${formatDate(meta.period.from)} đến ngày ${formatDate(meta.period.to)}`;
    doc.text(range, { width: tableWidth, align: 'center' });
    if (numbers) {
      doc.text(`Từ số ${padNumber(numbers[0])} đến số ${padNumber(numbers[1])}`, {
        width: tableWidth,
        align: 'center',
      });
    }
    doc.moveDown(0.8);
    return doc.y;
  };

  const drawCover = () => {
    const width = tableWidth;
    const lines = agencyLines(meta);
    lines.forEach((line, i) => {
      doc
        .font(i === lines.length - 1 ? 'bold' : 'regular')
        .fontSize(14)
        .text(line, left, i === 0 ? MARGIN.top + 40 : doc.y, { width, align: 'center' });
    });
    doc
      .font('bold')
      .fontSize(24)
      .text(title, left, MARGIN.top + 170, { width, align: 'center' });
    doc.moveDown(1);
    doc.font('regular').fontSize(14).text(yearLabel(meta.period), { width, align: 'center' });
    doc.text(`Từ ngày ${formatDate(meta.period.from)} đến ngày ${formatDate(meta.period.to)}`, {
      width,
      align: 'center',
    });
    doc.text(
      numbers
        ? `Từ số ${padNumber(numbers[0])} đến số ${padNumber(numbers[1])}`
        : 'Từ số ...... đến số ......',
      { width, align: 'center' },
    );
    doc.moveDown(1);
    doc.font('bold').fontSize(14).text(volumeLabel(meta), { width, align: 'center' });
  };

  const drawHeader = (y: number) => {
    const namesHeight = headerHeight - numbersHeight;
    drawCells(
      columns.map((c) => c.header),
      y,
      namesHeight,
      true,
    );
    if (numberedColumns) drawCells(columnNumbers, y + namesHeight, numbersHeight, true);
  };

  const drawCells = (cells: string[], y: number, height: number, header: boolean) => {
    doc.font(header ? 'bold' : 'regular').fontSize(header ? HEADER_SIZE : BODY_SIZE);
    cells.forEach((text, i) => {
      if (header) doc.rect(xs[i], y, widths[i], height).fillAndStroke('#e6e6e6', '#000000');
      else doc.rect(xs[i], y, widths[i], height).stroke('#000000');
      const centred = header || columns[i].type !== 'text';
      doc.fillColor('#000000').text(text, xs[i] + PAD, y + PAD, {
        width: widths[i] - 2 * PAD,
        height: height - 2 * PAD,
        align: centred ? 'center' : 'left',
        ellipsis: true,
      });
    });
  };

  // Lay out: which rows go on which page (the first page also carries the title block).
  let firstTop: number;
  if (hasCover) {
    drawCover();
    doc.addPage();
    firstTop = MARGIN.top;
  } else firstTop = drawTitle();
  const maxRowHeight = bottom - (MARGIN.top + headerHeight);
  const heights = texts.map((cells) =>
    Math.min(heightOf(cells, 'regular', BODY_SIZE), maxRowHeight),
  );
  const pages: number[][] = [[]];
  let y = firstTop + headerHeight;
  heights.forEach((h, i) => {
    if (y + h > bottom && pages[pages.length - 1].length) {
      pages.push([]);
      y = MARGIN.top + headerHeight;
    }
    pages[pages.length - 1].push(i);
    y += h;
  });

  const footer = (pageNo: number) => {
    doc.page.margins.bottom = 0;
    const fy = doc.page.height - MARGIN.bottom + 8;
    doc.font('regular').fontSize(8).fillColor('#000000');
    doc.text(`In ngày ${formatDate(meta.printedOn)}`, left, fy, {
      width: tableWidth / 2,
      lineBreak: false,
    });
    doc.text(`Trang ${pageNo}/${pages.length}`, left, fy, {
      width: tableWidth,
      align: 'right',
      lineBreak: false,
    });
    doc.page.margins.bottom = MARGIN.bottom;
  };

  pages.forEach((indexes, p) => {
    if (p > 0) doc.addPage();
    let top = p === 0 ? firstTop : MARGIN.top;
    drawHeader(top);
    top += headerHeight;
    for (const i of indexes) {
      drawCells(texts[i], top, heights[i], false);
      top += heights[i];
    }
    if (p === 0 && !rows.length) {
      doc
        .font('regular')
        .fontSize(10)
        .text('Không có văn bản nào trong khoảng thời gian này.', left, top + 8, {
          width: tableWidth,
          align: 'center',
        });
    }
    footer(p + 1);
  });
  doc.end();
  await done;
}
