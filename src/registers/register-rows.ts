import type { TFunction } from 'i18next';
import { formatDate, formatDateTime, padNumber } from '../http/view-helpers.js';
import { documentTypeName } from '../documents/document-types.js';
import { OUTGOING_COLUMNS, OUTGOING_TITLE } from './outgoing-register.js';
import type { RegisterBook } from './registers.schemas.js';
import { typeAndSubject } from './register-text.js';

/**
 * How a cell is written: dates are YYYY-MM-DD (a real date in XLSX), arrival numbers numbers
 * (zero-padded below 10), counts plain numbers.
 */
export type ColumnType = 'text' | 'date' | 'arrival' | 'count';
export type CellValue = string | number | null;

export interface RegisterColumn {
  /** The Vietnamese header exactly as in Decree 30/2020/NĐ-CP, Appendix IV. */
  header: string;
  /** Relative width in the PDF table (scaled to the page). */
  pdfWidth: number;
  /** Width in characters in the XLSX sheet. */
  xlsxWidth: number;
  type: ColumnType;
}

export interface RegisterRow {
  id: number;
  /** The row's number in its register when no column holds it alone (the outgoing register). */
  number?: number;
  cells: CellValue[];
  isOverdue: boolean;
  isSecret: boolean;
}

const col = (header: string, pdfWidth: number, xlsxWidth: number, type: ColumnType = 'text') => ({
  header,
  pdfWidth,
  xlsxWidth,
  type,
});

/** Sổ đăng ký văn bản đến: 10 columns. */
export const INCOMING_COLUMNS: RegisterColumn[] = [
  col('Ngày đến', 56, 12, 'date'),
  col('Số đến', 38, 8, 'arrival'),
  col('Tác giả', 100, 26),
  col('Số, ký hiệu', 76, 16),
  col('Ngày tháng', 56, 12, 'date'),
  col('Tên loại và trích yếu nội dung', 180, 50),
  col('Đơn vị hoặc người nhận', 100, 26),
  col('Ngày chuyển', 56, 12, 'date'),
  col('Ký nhận', 48, 10),
  col('Ghi chú', 80, 20),
];

/** Sổ theo dõi giải quyết văn bản đến: 7 columns. */
export const TRACKING_COLUMNS: RegisterColumn[] = [
  col('Số đến', 38, 8, 'arrival'),
  col('Tên loại, số và ký hiệu, ngày tháng, tác giả và trích yếu', 260, 60),
  col('Đơn vị hoặc người nhận', 110, 28),
  col('Thời hạn giải quyết', 62, 13, 'date'),
  col('Tiến độ giải quyết', 120, 30),
  col('Số, ký hiệu văn bản trả lời', 80, 18),
  col('Ghi chú', 90, 24),
];

export const REGISTER_TITLES: Record<RegisterBook, string> = {
  incoming: 'SỔ ĐĂNG KÝ VĂN BẢN ĐẾN',
  tracking: 'SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN',
  outgoing: OUTGOING_TITLE,
};

/** The incoming books of the secret series (Decree 30: "Sổ đăng ký văn bản đến mật"). */
export const SECRET_INCOMING_TITLES: Record<'incoming' | 'tracking', string> = {
  incoming: 'SỔ ĐĂNG KÝ VĂN BẢN ĐẾN MẬT',
  tracking: 'SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN MẬT',
};

/**
 * The books printed on the Appendix IV model: a cover page, then a table whose headings are
 * followed by the numbered column row (1)…(n). The tracking register is an internal follow-up.
 */
export function isAppendixBook(book: RegisterBook): boolean {
  return book === 'incoming' || book === 'outgoing';
}

/** The column numbers as printed under the headings: "(1)", "(2)", … */
export function columnNumbers(book: RegisterBook): string[] {
  return columnsOf(book).map((_, i) => `(${i + 1})`);
}

export function columnsOf(book: RegisterBook): RegisterColumn[] {
  if (book === 'outgoing') return OUTGOING_COLUMNS;
  return book === 'incoming' ? INCOMING_COLUMNS : TRACKING_COLUMNS;
}

/** What one incoming document contributes to the registers, already loaded and flattened. */
export interface RegisterSource {
  id: number;
  arrivalNumber: number;
  /** YYYY-MM-DD, Vietnam time. */
  arrivalDate: string;
  fromOrganName: string;
  codeNumber: string | null;
  codeNotation: string | null;
  promulgationDate: string | null;
  documentType: string;
  subject: string;
  urgency: number;
  /** Hỏa tốc hẹn giờ: its time. */
  urgentDeliverBy?: Date | null;
  /** 'original' or a copy ('SY', 'TrS', 'SL'); null when not recorded. */
  copyForm?: string | null;
  confidentiality: number;
  status: string;
  returnReason: string | null;
  /** Date the document was completed (YYYY-MM-DD), when it was. */
  completedOn: string | null;
  /** Names of the lead (chủ trì) units or people of the leader's direction. */
  leadNames: string[];
  /** Names of the supporting (phối hợp) units or people. */
  supportNames: string[];
  /** Names of the units or people it was sent for information (để biết). */
  infoNames?: string[];
  /** The person the document was presented to, while nobody is assigned yet. */
  presentedToName: string | null;
  /** First hand-over (direction or presentation), YYYY-MM-DD. */
  handedOnDate: string | null;
  /** The lead assignment's deadline, else the document's due date. */
  deadline: string | null;
  leadProgressPercent: number | null;
  /** Số, ký hiệu of the issued outgoing documents answering it (văn bản trả lời). */
  answerNumbers?: string[];
}

/** "15/QĐ-UBND" from its parts; tolerates a notation that already carries the number. */
export function numberAndNotation(codeNumber: string | null, codeNotation: string | null): string {
  const notation = (codeNotation ?? '').trim();
  const number = (codeNumber ?? '').trim();
  if (!number) return notation;
  if (!notation || notation.startsWith(`${number}/`)) return notation || number;
  return `${padNumber(number) || number}/${notation}`;
}

const isDone = (status: string) => status === 'completed' || status === 'filed';

/** Notes of urgency (with the time of Hỏa tốc hẹn giờ), confidentiality and a copy's form. */
function marks(source: RegisterSource, t: TFunction): string[] {
  const result: string[] = [];
  if (source.urgentDeliverBy)
    result.push(t('incoming:urgency.timedAt', { time: formatDateTime(source.urgentDeliverBy) }));
  else if (source.urgency > 0) result.push(t(`urgency.${source.urgency}`));
  if (source.confidentiality > 0) result.push(t(`confidentiality.${source.confidentiality}`));
  if (source.copyForm && source.copyForm !== 'original')
    result.push(t(`incoming:copyForm.${source.copyForm}`));
  return result;
}

function receivers(source: RegisterSource): string {
  if (source.leadNames.length) return source.leadNames.join('; ');
  return source.presentedToName ?? '';
}

/**
 * "Đơn vị hoặc người nhận": every unit or person the document was handed to: the lead (chủ trì),
 * then "Phối hợp: …" and "Để biết: …" on their own lines; the leader it was presented to while
 * nobody is assigned yet.
 */
function allReceivers(source: RegisterSource, t: TFunction): string {
  const lines = [receivers(source)];
  if (source.supportNames.length)
    lines.push(t('registers:summary.support', { names: source.supportNames.join('; ') }));
  if (source.infoNames?.length)
    lines.push(t('registers:summary.info', { names: source.infoNames.join('; ') }));
  return lines.filter(Boolean).join('\n');
}

/** True when the work is still open after its deadline. */
export function isOverdue(source: RegisterSource, today: string): boolean {
  return Boolean(
    source.deadline &&
    !isDone(source.status) &&
    source.status !== 'returned' &&
    source.status !== 'withdrawn' &&
    today > source.deadline,
  );
}

/** One row of the incoming register (10 columns). */
export function incomingRow(source: RegisterSource, t: TFunction, lng = 'vi'): RegisterRow {
  const typeName = documentTypeName(source.documentType, lng);
  const notes = [...marks(source, t), t(`incoming:status.${source.status}`)];
  return {
    id: source.id,
    isOverdue: false,
    isSecret: source.confidentiality > 0,
    cells: [
      source.arrivalDate,
      source.arrivalNumber,
      source.fromOrganName,
      numberAndNotation(source.codeNumber, source.codeNotation),
      source.promulgationDate,
      typeAndSubject(typeName, source.subject),
      allReceivers(source, t),
      source.handedOnDate,
      '',
      notes.join('; '),
    ],
  };
}

/** What the register keeps of a document the reader may not see: its place in the book. */
export interface HiddenSource {
  id: number;
  arrivalNumber: number;
  /** YYYY-MM-DD, Vietnam time. */
  arrivalDate: string;
}

/**
 * The row of a secret document above the reader's clearance: the register still prints its
 * number (and arrival date), never a gap, with "Văn bản mật" in place of its content.
 */
export function hiddenRow(book: RegisterBook, source: HiddenSource, t: TFunction): RegisterRow {
  const label = t('registers:secret');
  const cells: CellValue[] =
    book === 'tracking'
      ? [source.arrivalNumber, label, '', null, '', '', '']
      : [source.arrivalDate, source.arrivalNumber, '', '', null, label, '', null, '', ''];
  return { id: source.id, isOverdue: false, isSecret: true, cells };
}

/** The condensed "Văn bản" cell: type, number and notation, date, author and subject. */
function documentSummary(source: RegisterSource, t: TFunction, lng: string): string {
  const parts = [documentTypeName(source.documentType, lng)];
  const code = numberAndNotation(source.codeNumber, source.codeNotation);
  if (code) parts.push(t('registers:summary.number', { code }));
  if (source.promulgationDate) {
    parts.push(t('registers:summary.date', { date: formatDate(source.promulgationDate) }));
  }
  parts.push(t('registers:summary.author', { author: source.fromOrganName }));
  return `${parts.join(' ')}: ${source.subject}`;
}

function progress(source: RegisterSource, today: string, t: TFunction): string {
  if (isDone(source.status) && source.completedOn) {
    const late = source.deadline && source.completedOn > source.deadline;
    const done = t('registers:progress.completedOn', { date: formatDate(source.completedOn) });
    return late ? `${done} (${t('registers:progress.late')})` : done;
  }
  const parts = [t(`incoming:status.${source.status}`)];
  if (source.leadProgressPercent) parts[0] += ` (${source.leadProgressPercent}%)`;
  if (isOverdue(source, today)) parts.push(t('registers:progress.overdue'));
  return parts.join('; ');
}

/** One row of the processing-tracking register (7 columns). */
export function trackingRow(
  source: RegisterSource,
  today: string,
  t: TFunction,
  lng = 'vi',
): RegisterRow {
  const notes = marks(source, t);
  if (source.status === 'returned' && source.returnReason) {
    notes.push(t('registers:progress.returned', { reason: source.returnReason }));
  }
  return {
    id: source.id,
    isOverdue: isOverdue(source, today),
    isSecret: source.confidentiality > 0,
    cells: [
      source.arrivalNumber,
      documentSummary(source, t, lng),
      allReceivers(source, t),
      source.deadline,
      progress(source, today, t),
      (source.answerNumbers ?? []).join('; '),
      notes.join('; '),
    ],
  };
}

/** A cell as text, as printed: dd/mm/yyyy dates, zero-padded arrival numbers. */
export function cellText(value: CellValue, type: ColumnType): string {
  if (value == null) return '';
  if (type === 'date') return formatDate(value);
  if (type === 'arrival') return padNumber(value);
  if (type === 'count') return String(value);
  return String(value);
}
