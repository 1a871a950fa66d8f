/**
 * A list page's rows as an XLSX download: a heading, a few lines saying what the list is, a bold
 * frozen header row repeated on every printed page, one row per item (A4 landscape, one page wide).
 *   listWorkbook({ sheet, heading, lines, columns, rows }) -> Buffer
 *   sendXlsx(res, fileName, body, { rows, total }) — with the headers of a private download.
 *   excelDay(value), excelTime(value) — a date or a moment as a cell (DAY_FORMAT, TIME_FORMAT).
 */
import ExcelJS from 'exceljs';
import type { Response } from 'express';

export interface XlsxListColumn {
  header: string;
  width: number;
  /** Excel's number format of the column's cells, e.g. 'dd/mm/yyyy hh:mm'. */
  numFmt?: string;
}

export type XlsxCell = string | number | Date | null | undefined;

export interface XlsxList {
  sheet: string;
  heading: string;
  /** Lines under the heading (the tab and filters, the count). */
  lines: string[];
  columns: XlsxListColumn[];
  rows: XlsxCell[][];
}

/** Excel's formats of a day and of a moment, as the pages write them (dd/mm/yyyy). */
export const DAY_FORMAT = 'dd/mm/yyyy';
export const TIME_FORMAT = 'dd/mm/yyyy hh:mm';

const VIETNAM_OFFSET_MS = 7 * 3_600_000;

/**
 * A day as a cell: a date column's 'yyyy-mm-dd' as it is, a moment as its day in Vietnam (what
 * the list shows), as a date without a time. Excel reads a cell's date by its UTC fields.
 */
export function excelDay(value: Date | string | null | undefined): Date | null {
  if (value == null || value === '') return null;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null;
    return excelDay(new Date(value.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 10));
  }
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!match) return null;
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
}

/** A moment as a cell: the time in Vietnam, as a date-time without a zone (what Excel shows). */
export function excelTime(value: Date | null | undefined): Date | null {
  if (value == null || Number.isNaN(value.getTime())) return null;
  return new Date(value.getTime() + VIETNAM_OFFSET_MS);
}

export async function listWorkbook(list: XlsxList): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'eOffice';
  workbook.created = new Date();
  const sheet = workbook.addWorksheet(list.sheet.slice(0, 31), {
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
    },
  });
  sheet.columns = list.columns.map((c) => ({ width: c.width }));
  sheet.addRow([list.heading]).font = { bold: true, size: 13 };
  for (const line of list.lines) sheet.addRow([line]);
  const header = sheet.addRow(list.columns.map((c) => c.header));
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'middle' };
  sheet.views = [{ state: 'frozen', ySplit: header.number }];
  sheet.pageSetup.printTitlesRow = `${header.number}:${header.number}`;
  for (const cells of list.rows) {
    sheet.addRow(cells.map((c) => c ?? null)).alignment = { wrapText: true, vertical: 'top' };
  }
  list.columns.forEach((c, i) => {
    if (c.numFmt) sheet.getColumn(i + 1).numFmt = c.numFmt;
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export function sendXlsx(
  res: Response,
  fileName: string,
  body: Buffer,
  counts: { rows: number; total: number },
): void {
  res.set({
    'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'Content-Disposition': `attachment; filename="${fileName}"`,
    'Cache-Control': 'private, no-store',
    'X-Content-Type-Options': 'nosniff',
    'X-Export-Rows': String(counts.rows),
    'X-Export-Total': String(counts.total),
  });
  res.send(body);
}
