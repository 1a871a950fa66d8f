/**
 * The records files' workbooks (Decree 30 Appendix V):
 * - GET /records-files/catalogue.xlsx?year= — the agency's catalogue of files of a year (danh
 *   mục hồ sơ: code, title, retention, the unit or person making it, notes), by unit then code;
 *   for the clerks who keep it and the leaders. Audited as records_file.export.
 * - GET /records-files/transfer-list.xlsx?year= — the files taken into the agency's archive that
 *   year (mục lục hồ sơ nộp lưu), each with the span of its documents' dates; the same people.
 * - GET /records-files/:id/contents.xlsx — a file's table of contents (mục lục văn bản): its
 *   documents the reader may open, numbered; the others counted, never described. For whoever
 *   sees the file; audited on the file.
 */
import type { Request } from 'express';
import { Agency } from '../agencies/agency.model.js';
import { todayInVietnam } from '../calendar/working-days.js';
import { documentTypeName } from '../documents/document-types.js';
import { listExport, type ExportColumn } from '../http/list-export.js';
import { pathId } from '../http/params.js';
import { parseInput } from '../http/validate.js';
import { formatDate } from '../http/view-helpers.js';
import { retentionLabel } from './records-files.labels.js';
import { CatalogueQuerySchema } from './records-files.schemas.js';
import {
  catalogueRows,
  recordsFileDetail,
  transferListRows,
  type CatalogueRow,
  type FileDocumentRow,
  type RecordsFileDetail,
} from './records-files.service.js';

/** The year asked for (this year when none is), and the list's status and words. */
const catalogueQueryOf = (req: Request) => {
  const query = parseInput(CatalogueQuerySchema, req.query, req.lng, req.t);
  return { ...query, year: query.year ?? Number(todayInVietnam().slice(0, 4)) };
};
type CatalogueQuery = ReturnType<typeof catalogueQueryOf>;

/** The year asked for, this year when none is. */
const yearOf = (req: Request) => ({ year: catalogueQueryOf(req).year });

const codeColumn = <R extends CatalogueRow>(req: Request): ExportColumn<R> => ({
  header: req.t('records-files:field.code'),
  width: 14,
  value: (r) => r.code,
});
const titleColumn = <R extends CatalogueRow>(req: Request): ExportColumn<R> => ({
  header: req.t('records-files:field.title'),
  width: 60,
  value: (r) => r.title,
});
const retentionColumn = <R extends CatalogueRow>(req: Request): ExportColumn<R> => ({
  header: req.t('records-files:field.retention'),
  width: 14,
  value: (r) => retentionLabel(req, r.retentionYears),
});
const makerColumn = <R extends CatalogueRow>(req: Request): ExportColumn<R> => ({
  header: req.t('records-files:catalogue.maker'),
  width: 36,
  value: (r) => [r.departmentName, r.keeperName].filter(Boolean).join(' — '),
});
const documentsColumn = <R extends CatalogueRow>(req: Request): ExportColumn<R> => ({
  header: req.t('records-files:field.documents'),
  width: 10,
  value: (r) => r.documents,
});

export const exportCatalogue = listExport<CatalogueQuery, CatalogueRow>({
  action: 'records_file.export',
  entityType: 'records_file',
  // The year it lists, then the day it was made: danh-muc-ho-so-2025-2026-12-07.xlsx.
  fileName: (query) => `danh-muc-ho-so-${query.year}`,
  sheet: 'records-files:catalogue.sheet',
  heading: 'records-files:catalogue.heading',
  query: catalogueQueryOf,
  rows: async (req, query, limit) => ({
    rows: (await catalogueRows(req.user!, query.year, query)).slice(0, limit),
  }),
  total: 'records-files:total',
  // The list's filters, as its form names them.
  filters: (req, query) => [
    req.t('records-files:catalogue.year', { year: query.year }),
    ...(query.status
      ? [
          `${req.t('records-files:filter.status')}: ${req.t(`records-files:status.${query.status}`)}`,
        ]
      : []),
    ...(query.q ? [`${req.t('records-files:filter.q')}: ${query.q}`] : []),
  ],
  columns: (req) => [
    codeColumn(req),
    titleColumn(req),
    retentionColumn(req),
    makerColumn(req),
    documentsColumn(req),
    {
      header: req.t('records-files:catalogue.notes'),
      width: 36,
      value: (r) =>
        [
          req.t(`records-files:status.${r.status}`),
          r.closedOn
            ? req.t('records-files:catalogue.closedOn', { day: formatDate(r.closedOn) })
            : '',
          r.transferredOn
            ? req.t('records-files:catalogue.transferredOn', { day: formatDate(r.transferredOn) })
            : '',
        ]
          .filter(Boolean)
          .join('; '),
    },
  ],
  audit: (query, rows) => ({
    year: query.year,
    status: query.status,
    q: query.q,
    recordsFiles: rows.length,
  }),
});

/** "03/02/2025 – 28/11/2025", one day alone, or nothing for a file without dated documents. */
const span = (first: string | null, last: string | null) =>
  !first || !last
    ? ''
    : first === last
      ? formatDate(first)
      : `${formatDate(first)} – ${formatDate(last)}`;

/** A row with its number in the list (STT). */
type Numbered<R> = R & { index: number };
const numbered = <R>(rows: R[]) => rows.map((r, i) => ({ ...r, index: i + 1 }));

export const exportTransferList = listExport<{ year: number }, Numbered<CatalogueRow>>({
  action: 'records_file.transfer_list.export',
  entityType: 'records_file',
  fileName: (query) => `muc-luc-ho-so-nop-luu-${query.year}`,
  sheet: 'records-files:transferList.sheet',
  heading: 'records-files:transferList.heading',
  query: yearOf,
  rows: async (req, query, limit) => ({
    rows: numbered(await transferListRows(req.user!, query.year)).slice(0, limit),
  }),
  total: 'records-files:total',
  filters: (req, query) => [req.t('records-files:transferList.year', { year: query.year })],
  columns: (req) => [
    { header: req.t('records-files:transferList.number'), width: 6, value: (r) => r.index },
    codeColumn(req),
    titleColumn(req),
    {
      header: req.t('records-files:transferList.span'),
      width: 24,
      value: (r) => span(r.firstDocumentOn, r.lastDocumentOn),
    },
    retentionColumn(req),
    documentsColumn(req),
    makerColumn(req),
    {
      header: req.t('records-files:field.transferredOn'),
      width: 14,
      date: 'day',
      value: (r) => r.transferredOn ?? '',
    },
    notesColumn(req),
  ],
  audit: (query, rows) => ({ year: query.year, recordsFiles: rows.length }),
});

/**
 * "Kế hoạch: Về việc …": the type's name before the subject, as a table of contents writes it,
 * unless the subject already begins with it ("Kế hoạch kiểm tra …").
 */
function typeAndSubject(req: Request, r: FileDocumentRow): string {
  const type = documentTypeName(r.documentType, req.lng);
  const fold = (text: string) => text.normalize('NFC').toLocaleLowerCase('vi');
  return fold(r.subject).startsWith(fold(type)) ? r.subject : `${type}: ${r.subject}`;
}

/** A file's code as part of a file name: "TCKH.01" → "tckh-01". */
const codeSlug = (code: string) =>
  code
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();

/** The file whose contents are exported (read with the query: 404 unless the reader sees it). */
interface ContentsQuery {
  id: number;
  detail: RecordsFileDetail;
  /** The author of the agency's own (outgoing) documents. */
  agencyName: string;
}

/** A column the archive fills in by hand (Ghi chú). */
const notesColumn = <R>(req: Request): ExportColumn<R> => ({
  header: req.t('records-files:catalogue.notes'),
  width: 24,
  value: () => '',
});

export const exportFileContents = listExport<ContentsQuery, Numbered<FileDocumentRow>>({
  action: 'records_file.contents.export',
  entityType: 'records_file',
  entityId: (query) => query.id,
  // muc-luc-van-ban-tckh-01-2026-12-07.xlsx
  fileName: (query) => `muc-luc-van-ban-${codeSlug(query.detail.file.code) || query.id}`,
  sheet: 'records-files:contents.sheet',
  heading: 'records-files:contents.heading',
  query: async (req) => {
    const id = pathId(req, 'id', 'RECORDS_FILE_NOT_FOUND');
    const [detail, agency] = await Promise.all([
      recordsFileDetail(req.user!, id),
      Agency.findByPk(req.user!.agencyId, { attributes: ['name'] }),
    ]);
    return { id, detail, agencyName: agency?.name ?? '' };
  },
  rows: async (_req, query, limit) => ({
    rows: numbered(query.detail.documents).slice(0, limit),
  }),
  total: 'records-files:contents.total',
  // The file, and how many of its documents are not listed (the reader may not open them).
  filters: (req, { detail }) => [
    req.t('records-files:contents.file', { code: detail.file.code, title: detail.file.title }),
    `${req.t('records-files:field.retention')}: ${retentionLabel(req, detail.file.retentionYears)}`,
    ...(detail.hidden ? [req.t('records-files:show.hidden', { count: detail.hidden })] : []),
  ],
  columns: (req, query) => [
    { header: req.t('records-files:transferList.number'), width: 6, value: (r) => r.index },
    {
      header: req.t('records-files:show.numberSymbol'),
      width: 18,
      value: (r) => r.numberSymbol ?? req.t('records-files:show.noNumber'),
    },
    {
      header: req.t('records-files:show.documentDate'),
      width: 14,
      date: 'day',
      value: (r) => r.documentDate ?? '',
    },
    {
      header: req.t('records-files:contents.typeAndSubject'),
      width: 70,
      value: (r) => typeAndSubject(req, r),
    },
    {
      header: req.t('records-files:contents.author'),
      width: 30,
      value: (r) => r.author ?? query.agencyName,
    },
    {
      header: req.t('records-files:show.kind'),
      width: 12,
      value: (r) => req.t(`records-files:kind.${r.kind}`),
    },
    notesColumn(req),
  ],
  audit: (_query, rows) => ({ documents: rows.length }),
});
