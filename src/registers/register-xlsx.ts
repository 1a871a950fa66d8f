import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { formatDate } from '../http/view-helpers.js';
import {
  columnNumbers,
  columnsOf,
  isAppendixBook,
  type CellValue,
  type ColumnType,
  type RegisterRow,
} from './register-rows.js';
import { agencyLines, registerTitle, volumeLabel, type RegisterMeta } from './register-pdf.js';

const SHEET_NAMES = {
  incoming: 'Sổ văn bản đến',
  tracking: 'Sổ theo dõi giải quyết',
  outgoing: 'Sổ văn bản đi',
} as const;
const THIN: Partial<ExcelJS.Borders> = {
  top: { style: 'thin' },
  left: { style: 'thin' },
  bottom: { style: 'thin' },
  right: { style: 'thin' },
};
/**
 * Row of the header: agency (under its governing agency), title, year, period, "Quyển số" (a blank
 * line for the tracking register), then the header and, in the Appendix IV registers, the row of
 * column numbers; both repeat at the top of every printed page.
 */
export const XLSX_HEADER_ROW = 6;

function dateOf(iso: string): Date {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

function excelValue(value: CellValue, type: ColumnType): ExcelJS.CellValue {
  if (value == null || value === '') return null;
  if (type === 'date') return dateOf(String(value));
  if (type === 'arrival' || type === 'count') return Number(value);
  return String(value).normalize('NFC');
}

/**
 * Streams the register as an XLSX workbook with one sheet: title rows, a bold bordered header
 * row frozen in place, wrapped text, real dates (dd/mm/yyyy) and arrival numbers as numbers.
 */
export async function writeRegisterXlsx(
  out: Writable,
  meta: RegisterMeta,
  batches: AsyncIterable<RegisterRow[]>,
): Promise<void> {
  const columns = columnsOf(meta.book);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  workbook.creator = 'eOffice';
  workbook.created = new Date();
  // The Appendix IV registers number their columns in a row below the header.
  const numberedColumns = isAppendixBook(meta.book);
  const lastHeaderRow = XLSX_HEADER_ROW + (numberedColumns ? 1 : 0);
  const sheet = workbook.addWorksheet(SHEET_NAMES[meta.book], {
    views: [{ state: 'frozen', ySplit: lastHeaderRow }],
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: `${XLSX_HEADER_ROW}:${lastHeaderRow}`,
    },
  });
  sheet.columns = columns.map((c) => ({ width: c.xlsxWidth }));
  const last = columns.length;

  const titleLine = (rowNo: number, text: string, font: Partial<ExcelJS.Font>) => {
    const row = sheet.getRow(rowNo);
    const lines = text.split('\n').length;
    row.getCell(1).value = text;
    row.getCell(1).font = font;
    row.getCell(1).alignment = { horizontal: 'center', vertical: 'middle', wrapText: lines > 1 };
    if (lines > 1) row.height = 16 * lines;
    sheet.mergeCells(rowNo, 1, rowNo, last);
    row.commit();
  };
  titleLine(1, agencyLines(meta).join('\n'), { bold: true, size: 11 });
  titleLine(2, registerTitle(meta), { bold: true, size: 14 });
  const [fromYear, toYear] = [meta.period.from.slice(0, 4), meta.period.to.slice(0, 4)];
  titleLine(3, fromYear === toYear ? `Năm: ${fromYear}` : `Năm: ${fromYear} – ${toYear}`, {
    size: 11,
  });
  titleLine(4, `Từ ngày ${formatDate(meta.period.from)} đến ngày ${formatDate(meta.period.to)}`, {
    size: 11,
  });
  if (numberedColumns) titleLine(5, volumeLabel(meta), { bold: true, size: 11 });
  else sheet.getRow(5).commit();

  const header = sheet.getRow(XLSX_HEADER_ROW);
  columns.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c.header;
    cell.font = { bold: true };
    cell.border = THIN;
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE6E6E6' } };
  });
  header.commit();
  if (numberedColumns) {
    const numbers = sheet.getRow(XLSX_HEADER_ROW + 1);
    columnNumbers(meta.book).forEach((label, i) => {
      const cell = numbers.getCell(i + 1);
      cell.value = label;
      cell.font = { bold: true };
      cell.border = THIN;
      cell.alignment = { horizontal: 'center', vertical: 'middle' };
    });
    numbers.commit();
  }

  for await (const rows of batches) {
    for (const data of rows) {
      const row = sheet.addRow(data.cells.map((v, i) => excelValue(v, columns[i].type)));
      columns.forEach((c, i) => {
        const cell = row.getCell(i + 1);
        cell.border = THIN;
        cell.alignment = {
          vertical: 'top',
          wrapText: true,
          horizontal: c.type === 'text' ? 'left' : 'center',
        };
        if (c.type === 'date') cell.numFmt = 'dd/mm/yyyy';
        if (c.type === 'arrival') cell.numFmt = '00';
      });
      row.commit();
    }
  }
  sheet.commit();
  await workbook.commit();
}
