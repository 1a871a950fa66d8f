import ExcelJS from 'exceljs';
import { formatDate } from '../http/view-helpers.js';
import { ON_TIME_GROUPS, type OnTimeGroup, type OnTimeReport } from './on-time.service.js';

/**
 * The report as an XLSX workbook: title, period, any lines that say more about the period, one
 * row per unit or person, the total.
 */
export async function onTimeXlsx(
  report: OnTimeReport,
  text: {
    /** The sheet's name, in the reader's language. */
    sheet: string;
    title: string;
    name: string;
    total: string;
    /** The total row's label, by what it covers (else `total`). */
    totalRow?: string;
    rate: string;
    groups: Record<OnTimeGroup, string>;
  },
  agencyName: string,
  lines: string[] = [],
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'eOffice';
  const sheet = workbook.addWorksheet(text.sheet);
  sheet.columns = [
    { width: 40 },
    ...ON_TIME_GROUPS.map(() => ({ width: 18 })),
    { width: 12 },
    { width: 12 },
  ];
  sheet.addRow([agencyName.normalize('NFC').toUpperCase()]).font = { bold: true };
  sheet.addRow([text.title]).font = { bold: true, size: 14 };
  sheet.addRow([`${formatDate(report.period.from)} – ${formatDate(report.period.to)}`]);
  for (const line of lines) sheet.addRow([line.normalize('NFC')]);
  sheet.addRow([]);
  const header = sheet.addRow([
    text.name,
    ...ON_TIME_GROUPS.map((g) => text.groups[g]),
    text.total,
    text.rate,
  ]);
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'middle' };
  const line = (name: string, c: OnTimeReport['total']) =>
    sheet.addRow([
      name.normalize('NFC'),
      ...ON_TIME_GROUPS.map((g) => c[g]),
      c.total,
      c.rate === null ? null : c.rate / 100,
    ]);
  for (const r of report.rows) line(r.name, r.counts);
  line(text.totalRow ?? text.total, report.total).font = { bold: true };
  sheet.getColumn(ON_TIME_GROUPS.length + 3).numFmt = '0.0%';
  sheet.views = [{ state: 'frozen', ySplit: header.number }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
