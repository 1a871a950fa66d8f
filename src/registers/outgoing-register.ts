/**
 * The outgoing register (Sổ đăng ký văn bản đi, Decree 30/2020 Appendix IV): one register per
 * series (the ordinary one, secret documents, each type of legal normative document), its rows
 * the issued documents of the period in number order, recalled ones kept with a note.
 */
import type { TFunction } from 'i18next';
import { Op, type WhereOptions } from 'sequelize';
import { Agency, Department } from '../agencies/agency.model.js';
import { documentTypeName } from '../documents/document-types.js';
import { formatDateTime, isoDate } from '../http/view-helpers.js';
import { OutgoingDocument, OutgoingRecipient } from '../outgoing/outgoing.model.js';
import { User } from '../users/user.model.js';
import { seriesLabel } from './number-series.js';
import { Register } from './register.model.js';
import type { RegisterColumn, RegisterRow } from './register-rows.js';
import { typeAndSubject } from './register-text.js';
import type { Period } from './registers.schemas.js';

const col = (
  header: string,
  pdfWidth: number,
  xlsxWidth: number,
  type: RegisterColumn['type'] = 'text',
): RegisterColumn => ({ header, pdfWidth, xlsxWidth, type });

/** Sổ đăng ký văn bản đi: 10 columns. */
export const OUTGOING_COLUMNS: RegisterColumn[] = [
  col('Số, ký hiệu văn bản', 70, 16),
  col('Ngày tháng văn bản', 56, 12, 'date'),
  col('Tên loại và trích yếu nội dung văn bản', 180, 50),
  col('Người ký', 80, 20),
  col('Nơi nhận văn bản', 120, 30),
  col('Đơn vị, người nhận bản lưu', 80, 20),
  col('Số lượng bản', 38, 8, 'count'),
  col('Ngày chuyển', 56, 12, 'date'),
  col('Ký nhận', 44, 10),
  col('Ghi chú', 70, 18),
];

export const OUTGOING_TITLE = 'SỔ ĐĂNG KÝ VĂN BẢN ĐI';

/** "SỔ ĐĂNG KÝ VĂN BẢN ĐI" with its series: "… (VĂN BẢN MẬT)". */
export function outgoingTitle(series: string): string {
  const label = seriesLabel(series);
  return label ? `${OUTGOING_TITLE} (${label.toUpperCase()})` : OUTGOING_TITLE;
}

/** What one issued document contributes to the outgoing register, loaded and flattened. */
export interface OutgoingRegisterSource {
  id: number;
  codeNumber: number;
  codeNotation: string;
  promulgationDate: string | null;
  documentType: string;
  subject: string;
  signerName: string | null;
  signingForm: string;
  signerTitle: string | null;
  /** KT., TL., TUQ.: the title signed for (Chủ tịch); TM.: the collective body (Ủy ban nhân dân). */
  principalTitle: string | null;
  authorityName: string | null;
  recipientNames: string[];
  recipientsNote: string | null;
  /** The drafting unit, which keeps the file copy beside the clerk (Lưu: VT, đơn vị). */
  keeperName: string | null;
  /** YYYY-MM-DD the document left (issued and dispatched). */
  sentOn: string | null;
  urgency: number;
  /** Hỏa tốc hẹn giờ: its time. */
  urgentDeliverBy?: Date | null;
  confidentiality: number;
  status: string;
}

/**
 * The signer as the register writes them, the authority first as the signature block has it:
 * "KT. Chủ tịch / Phó Chủ tịch Nguyễn Văn A", "TM. Ủy ban nhân dân / Chủ tịch Trần Văn B",
 * "Chủ tịch Trần Văn B" when signing in their own name.
 */
function signerOf(s: OutgoingRegisterSource): string {
  const on = s.signingForm === 'TM' ? s.authorityName : s.principalTitle;
  const authority = s.signingForm ? `${s.signingForm}.${on ? ` ${on}` : ''}` : '';
  const person = [s.signerTitle ?? '', s.signerName ?? ''].filter(Boolean).join(' ');
  // Without the title signed for (older drafts), the form stands before the signer's own title.
  return [authority, person].filter(Boolean).join(on ? ' / ' : ' ');
}

/** One row of the outgoing register (10 columns). */
export function outgoingRow(s: OutgoingRegisterSource, t: TFunction, lng = 'vi'): RegisterRow {
  const notes: string[] = [];
  if (s.urgentDeliverBy)
    notes.push(t('incoming:urgency.timedAt', { time: formatDateTime(s.urgentDeliverBy) }));
  else if (s.urgency > 0) notes.push(t(`urgency.${s.urgency}`));
  if (s.confidentiality > 0) notes.push(t(`confidentiality.${s.confidentiality}`));
  if (s.status === 'recalled') notes.push(t('registers:outgoing.recalled'));
  const recipients = [...s.recipientNames];
  if (s.recipientsNote?.trim()) recipients.push(s.recipientsNote.trim());
  const keeper = [t('registers:outgoing.clerkCopy'), s.keeperName].filter(Boolean).join(', ');
  return {
    id: s.id,
    number: s.codeNumber,
    isOverdue: false,
    isSecret: s.confidentiality > 0,
    cells: [
      `${s.codeNumber < 10 ? `0${s.codeNumber}` : s.codeNumber}/${s.codeNotation}`,
      s.promulgationDate,
      typeAndSubject(documentTypeName(s.documentType, lng), s.subject),
      signerOf(s),
      recipients.join('; '),
      keeper,
      // Copies: one for each recipient and the clerk's file copy (bản lưu).
      s.recipientNames.length + 1,
      s.sentOn,
      '',
      notes.join('; '),
    ],
  };
}

/**
 * Every issued (or since recalled) document of the user's agency in one series, promulgated in
 * the period: the register prints every number of its range whoever prints it. What the reader
 * may not see is masked row by row (visibleTo).
 */
function outgoingWhere(user: User, period: Period, series: string): WhereOptions<OutgoingDocument> {
  return {
    agencyId: user.agencyId,
    status: { [Op.in]: ['issued', 'recalled'] },
    series,
    codeNumber: { [Op.ne]: null },
    promulgationDate: { [Op.between]: [period.from, period.to] },
  };
}

/** A secret document above the reader's clearance is hidden unless they drafted or signed it. */
const visibleTo = (user: User, d: OutgoingDocument) =>
  d.confidentiality <= user.secretClearance || d.createdById === user.id || d.signerId === user.id;

/** The row of a document the reader may not see: its number and date, "Văn bản mật". */
function hiddenOutgoingRow(d: OutgoingDocument, t: TFunction): RegisterRow {
  const number = d.codeNumber!;
  return {
    id: d.id,
    number,
    isOverdue: false,
    isSecret: true,
    cells: [
      `${number < 10 ? `0${number}` : number}/${d.codeNotation ?? ''}`,
      d.promulgationDate ? isoDate(d.promulgationDate) : null,
      t('registers:secret'),
      '',
      '',
      '',
      null,
      null,
      '',
      '',
    ],
  };
}

/** The rows of documents in number order, those the reader may not see masked. */
async function rowsOf(
  user: User,
  documents: OutgoingDocument[],
  t: TFunction,
  lng: string,
): Promise<RegisterRow[]> {
  const visible = documents.filter((d) => visibleTo(user, d));
  // TM. without a body named on the draft signs for the agency itself.
  const agencyName = visible.some((d) => d.signingForm === 'TM' && !d.authorityName)
    ? ((await Agency.findByPk(user.agencyId, { attributes: ['name'] }))?.name ?? null)
    : null;
  const sources = new Map((await sourcesOf(visible, agencyName)).map((s) => [s.id, s]));
  return documents.map((d) => {
    const s = sources.get(d.id);
    return s ? outgoingRow(s, t, lng) : hiddenOutgoingRow(d, t);
  });
}

// Register order: by register (one per year), then number.
const ORDER: [string, string][] = [
  ['registerId', 'ASC'],
  ['codeNumber', 'ASC'],
];

async function sourcesOf(
  documents: OutgoingDocument[],
  agencyName: string | null,
): Promise<OutgoingRegisterSource[]> {
  if (!documents.length) return [];
  const ids = documents.map((d) => d.id);
  const signerIds = [...new Set(documents.map((d) => d.signerId).filter((v) => v != null))];
  const departmentIds = [...new Set(documents.map((d) => d.departmentId).filter((v) => v != null))];
  const [recipients, signers, departments] = await Promise.all([
    OutgoingRecipient.findAll({
      where: { outgoingId: ids },
      attributes: ['outgoingId', 'name', 'position'],
      order: [['position', 'ASC']],
    }),
    User.findAll({ where: { id: signerIds }, attributes: ['id', 'fullName'] }),
    Department.findAll({ where: { id: departmentIds }, attributes: ['id', 'name'] }),
  ]);
  const namesOf = new Map<number, string[]>();
  for (const r of recipients)
    namesOf.set(r.outgoingId, [...(namesOf.get(r.outgoingId) ?? []), r.name]);
  const signerName = new Map(signers.map((u) => [u.id, u.fullName]));
  const departmentName = new Map(departments.map((d) => [d.id, d.name]));
  return documents.map((d) => ({
    id: d.id,
    codeNumber: d.codeNumber!,
    codeNotation: d.codeNotation ?? '',
    promulgationDate: d.promulgationDate ? isoDate(d.promulgationDate) : null,
    documentType: d.documentType,
    subject: d.subject,
    signerName: d.signerId ? (signerName.get(d.signerId) ?? null) : null,
    signingForm: d.signingForm,
    signerTitle: d.signerTitle,
    principalTitle: d.principalTitle ?? null,
    authorityName: d.authorityName || (d.signingForm === 'TM' ? agencyName : null),
    recipientNames: namesOf.get(d.id) ?? [],
    recipientsNote: d.recipientsNote,
    keeperName: d.departmentId ? (departmentName.get(d.departmentId) ?? null) : null,
    sentOn: d.issuedAt ? isoDate(d.issuedAt) : null,
    urgency: d.urgency,
    urgentDeliverBy: d.urgentDeliverBy,
    confidentiality: d.confidentiality,
    status: d.status,
  }));
}

export interface OutgoingRegisterPage {
  rows: RegisterRow[];
  total: number;
  page: number;
  pages: number;
}

/** One page of an outgoing register for the screen. */
export async function listOutgoingRegisterPage(
  user: User,
  period: Period,
  series: string,
  page: number,
  { t, lng }: { t: TFunction; lng: string },
  pageSize = 50,
): Promise<OutgoingRegisterPage> {
  const where = outgoingWhere(user, period, series);
  const total = await OutgoingDocument.count({ where });
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const current = Math.min(page, pages);
  const documents = await OutgoingDocument.findAll({
    where,
    order: ORDER,
    limit: pageSize,
    offset: (current - 1) * pageSize,
  });
  const rows = await rowsOf(user, documents, t, lng);
  return { rows, total, page: current, pages };
}

/** Every row of an outgoing register for the period, a batch at a time (keyset paging). */
export async function* outgoingRegisterBatches(
  user: User,
  period: Period,
  series: string,
  { t, lng }: { t: TFunction; lng: string },
  batchSize = 500,
): AsyncGenerator<RegisterRow[]> {
  const base = outgoingWhere(user, period, series);
  let after: { registerId: number; codeNumber: number } | null = null;
  for (;;) {
    const where: WhereOptions<OutgoingDocument> = after
      ? {
          [Op.and]: [
            base,
            {
              [Op.or]: [
                { registerId: { [Op.gt]: after.registerId } },
                { registerId: after.registerId, codeNumber: { [Op.gt]: after.codeNumber } },
              ],
            },
          ],
        }
      : base;
    const documents: OutgoingDocument[] = await OutgoingDocument.findAll({
      where,
      order: ORDER,
      limit: batchSize,
    });
    if (!documents.length) return;
    yield await rowsOf(user, documents, t, lng);
    if (documents.length < batchSize) return;
    const last: OutgoingDocument = documents[documents.length - 1];
    after = { registerId: last.registerId!, codeNumber: last.codeNumber! };
  }
}

/** The series the agency keeps outgoing registers in, the ordinary one first. */
export async function outgoingSeriesOf(agencyId: number): Promise<string[]> {
  const rows = await Register.findAll({
    where: { agencyId, kind: 'outgoing' },
    attributes: ['series'],
    group: ['series'],
    order: [['series', 'ASC']],
  });
  return [...new Set(['', ...rows.map((r) => r.series)])];
}
