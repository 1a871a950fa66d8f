/**
 * Reading a list export as a person opens it in Excel: the workbook's first sheet, its header row
 * (found by its first heading), the rows under it, each cell's value and number format, and the
 * audit row the export appended.
 */
import ExcelJS from 'exceljs';
import { QueryTypes } from 'sequelize';
import type { Response, Test } from 'supertest';
import { db } from '../../src/db/index.js';
import type { Session } from '../factories/index.js';

export interface ExportSheet {
  /** Every row of the sheet as text (a date as yyyy-mm-dd, with hh:mm when it has a time). */
  lines: string[][];
  header: string[];
  /** The rows under the header, as text. */
  rows: string[][];
  /** The rows under the header, as Excel holds them (dates as Date). */
  cells: ExcelJS.CellValue[][];
  /** The number format of each cell of `cells`. */
  formats: (string | undefined)[][];
}

const binary = (res: NodeJS.ReadableStream, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

const text = (v: ExcelJS.CellValue): string => {
  if (v instanceof Date) {
    const iso = v.toISOString();
    return iso.slice(11, 16) === '00:00'
      ? iso.slice(0, 10)
      : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
  }
  return v == null ? '' : String(v);
};

/** The export's sheet; `firstHeading` is the header row's first cell. */
export async function readSheet(body: Buffer, firstHeading: string): Promise<ExportSheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0]!;
  const all: { values: ExcelJS.CellValue[]; formats: (string | undefined)[] }[] = [];
  // Every column of every row, an empty cell as null (ExcelJS leaves holes for them).
  const width = sheet.columnCount;
  sheet.eachRow((row) => {
    const cells = Array.from({ length: row.cellCount }, (_v, i) => row.getCell(i + 1));
    all.push({
      values: cells.map((c) => c.value ?? null),
      formats: cells.map((c) => c.numFmt || undefined),
    });
  });
  for (const r of all)
    while (r.values.length < width) {
      r.values.push(null);
      r.formats.push(undefined);
    }
  const lines = all.map((r) => r.values.map(text));
  const at = lines.findIndex((r) => r[0] === firstHeading);
  if (at < 0) throw new Error(`no header row starting "${firstHeading}": ${JSON.stringify(lines)}`);
  return {
    lines,
    header: lines[at]!,
    rows: lines.slice(at + 1),
    cells: all.slice(at + 1).map((r) => r.values),
    formats: all.slice(at + 1).map((r) => r.formats),
  };
}

/** A request whose answer's body is kept as bytes (a workbook). */
export function asBytes(test: Test): Promise<Response> {
  return test.buffer(true).parse(binary as never) as unknown as Promise<Response>;
}

/** GETs an export on a signed-in session, its body kept as bytes. */
export function download(agent: Session['agent'], url: string): Promise<Response> {
  return asBytes(agent.get(url));
}

/** Whether the answer is a workbook. */
export const isWorkbook = (res: Response) =>
  /spreadsheetml/.test(String(res.headers['content-type'] ?? ''));

/** Every cell's text of the workbook's first sheet, the empty ones left out. */
export async function sheetTexts(body: Buffer): Promise<string[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as unknown as ArrayBuffer);
  const out: string[] = [];
  workbook.worksheets[0]!.eachRow((row) =>
    row.eachCell((cell) => {
      const value = text(cell.value);
      if (value) out.push(value);
    }),
  );
  return out;
}

/** The newest audit row of the action by the user, its details parsed. */
export async function lastAuditOf(
  action: string,
  userId: number,
): Promise<{ entityType: string | null; details: Record<string, unknown> } | null> {
  const [row] = await db().query<{ entityType: string | null; details: unknown }>(
    'SELECT entityType, details FROM audit_logs WHERE action = ? AND userId = ? ORDER BY id DESC LIMIT 1',
    { replacements: [action, userId], type: QueryTypes.SELECT },
  );
  if (!row) return null;
  const details = typeof row.details === 'string' ? JSON.parse(row.details) : row.details;
  return { entityType: row.entityType, details: (details ?? {}) as Record<string, unknown> };
}

/** The export link's address on a list page (its entities decoded). */
export function exportHrefIn(html: string): string | null {
  const m = /<a href="([^"]*)" data-testid="export-xlsx"/.exec(html);
  return m
    ? m[1]!
        .replace(/&amp;/g, '&')
        .replace(/&#x3D;/g, '=')
        .replace(/&#x27;/g, "'")
    : null;
}
