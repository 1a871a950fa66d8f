import type { TFunction } from 'i18next';
import { Op, type WhereOptions } from 'sequelize';
import { Agency } from '../agencies/agency.model.js';
import { recordAudit } from '../audit/audit.service.js';
import { todayInVietnam, vietnamDayEnd, vietnamDayStart } from '../calendar/working-days.js';
import { db } from '../db/index.js';
import { withTransaction, type TxOptions } from '../db/transaction.js';
import { DocumentEvent } from '../documents/document.model.js';
import { AppError } from '../http/app-error.js';
import type { Actor } from '../http/request-context.js';
import { isoDate } from '../http/view-helpers.js';
import { IncomingAssignment, IncomingDocument } from '../incoming/incoming.model.js';
import { visibleIncomingWhere } from '../incoming/incoming.visibility.js';
import { issuedAnswerNumbers } from '../outgoing/outgoing.answers.js';
import type { User } from '../users/user.model.js';
import { Register } from './register.model.js';
import {
  hiddenRow,
  incomingRow,
  trackingRow,
  type RegisterRow,
  type RegisterSource,
} from './register-rows.js';
import type { Period, RegisterBook } from './registers.schemas.js';

export const PAGE_SIZE = 50;
const EXPORT_BATCH = 500;

/** Arrival dates of a period as instants: [start of `from`, start of the day after `to`) in UTC+7. */
function periodBounds(period: Period): { start: Date; end: Date } {
  const start = vietnamDayStart(period.from);
  const end = vietnamDayEnd(period.to);
  return { start, end };
}

/**
 * Every document of the user's agency that arrived in the period and was numbered in the series
 * ('' the ordinary incoming register, 'secret' Sổ đăng ký văn bản đến mật): the register is the
 * legal book and prints every number of its range whoever prints it. What the reader may not see
 * (the incoming list filter) is masked row by row, see visibleIdsOf.
 */
async function periodWhere(
  user: User,
  period: Period,
  series: string,
): Promise<WhereOptions<IncomingDocument>> {
  const { start, end } = periodBounds(period);
  // A document is numbered in the register of its arrival day's year (saveRegistration; the
  // arrival date is not edited after): only those years' registers can hold the period. With
  // every year's, the page walked the earlier years' documents in register order first (21,000
  // rows for this year's first page on bench:http's seed).
  const registers = await Register.findAll({
    where: {
      agencyId: user.agencyId,
      kind: 'incoming',
      series,
      year: { [Op.between]: [Number(period.from.slice(0, 4)), Number(period.to.slice(0, 4))] },
    },
    attributes: ['id'],
  });
  return {
    agencyId: user.agencyId,
    registerId: registers.map((r) => r.id),
    arrivalDate: { [Op.gte]: start, [Op.lt]: end },
  };
}

/** Which of these documents the user may see (a secret one above their clearance is not). */
async function visibleIdsOf(user: User, documents: IncomingDocument[]): Promise<Set<number>> {
  if (!documents.length) return new Set();
  const visible = await IncomingDocument.findAll({
    where: { [Op.and]: [{ id: documents.map((d) => d.id) }, visibleIncomingWhere(user)] },
    attributes: ['id'],
  });
  return new Set(visible.map((d) => d.id));
}

// Register order: by register (one per year, created in year order), then arrival number.
const REGISTER_ORDER: [string, string][] = [
  ['registerId', 'ASC'],
  ['arrivalNumber', 'ASC'],
];

function nameOf(assignment: IncomingAssignment): string | null {
  return assignment.assigneeDepartment?.name ?? assignment.assigneeUser?.fullName ?? null;
}

/** Flattens documents with their top-level assignments and presentation events. */
async function sourcesOf(documents: IncomingDocument[]): Promise<RegisterSource[]> {
  if (!documents.length) return [];
  const ids = documents.map((d) => d.id);
  const [assignments, presentations, answers] = await Promise.all([
    IncomingAssignment.findAll({
      where: { documentId: ids, parentId: null },
      include: [
        { association: 'assigneeUser', attributes: ['id', 'fullName'] },
        { association: 'assigneeDepartment', attributes: ['id', 'name'] },
      ],
      order: [['id', 'ASC']],
    }),
    DocumentEvent.findAll({
      where: { documentKind: 'incoming', documentId: ids, action: 'present' },
      attributes: ['documentId', 'createdAt'],
      order: [['id', 'ASC']],
    }),
    issuedAnswerNumbers(ids),
  ]);
  const byDocument = new Map<number, IncomingAssignment[]>();
  for (const a of assignments)
    byDocument.set(a.documentId, [...(byDocument.get(a.documentId) ?? []), a]);
  const presentedAt = new Map<number, Date>();
  for (const e of presentations)
    if (!presentedAt.has(e.documentId)) presentedAt.set(e.documentId, e.createdAt);

  return documents.map((doc) => {
    const own = byDocument.get(doc.id) ?? [];
    const leads = own.filter((a) => a.role === 'lead');
    const firstHandOver = own[0]?.createdAt ?? presentedAt.get(doc.id) ?? null;
    return {
      id: doc.id,
      arrivalNumber: doc.arrivalNumber,
      arrivalDate: isoDate(doc.arrivalDate),
      fromOrganName: doc.fromOrganName,
      codeNumber: doc.codeNumber,
      codeNotation: doc.codeNotation,
      promulgationDate: doc.promulgationDate ? isoDate(doc.promulgationDate) : null,
      documentType: doc.documentType,
      subject: doc.subject,
      urgency: doc.urgency,
      urgentDeliverBy: doc.urgentDeliverBy,
      copyForm: doc.copyForm,
      confidentiality: doc.confidentiality,
      status: doc.status,
      returnReason: doc.returnReason,
      completedOn: doc.completedAt ? isoDate(doc.completedAt) : null,
      leadNames: leads.map(nameOf).filter((n): n is string => Boolean(n)),
      supportNames: own
        .filter((a) => a.role === 'support')
        .map(nameOf)
        .filter((n): n is string => Boolean(n)),
      infoNames: own
        .filter((a) => a.role === 'info')
        .map(nameOf)
        .filter((n): n is string => Boolean(n)),
      presentedToName: doc.presentedTo?.fullName ?? null,
      handedOnDate: firstHandOver ? isoDate(firstHandOver) : null,
      deadline: leads.find((a) => a.deadline)?.deadline ?? doc.dueDate ?? null,
      leadProgressPercent: leads[0]?.progressPercent ?? null,
      answerNumbers: answers.get(doc.id) ?? [],
    };
  });
}

/** How rows are written: the screen follows the reader's language, printed registers are Vietnamese. */
export interface RowLanguage {
  t: TFunction;
  lng: string;
}

/**
 * The rows of documents in register order: a document the user may see in full, one they may not
 * as its number and "Văn bản mật" only (nothing else of it is loaded).
 */
async function rowsOf(
  user: User,
  book: RegisterBook,
  documents: IncomingDocument[],
  { t, lng }: RowLanguage,
): Promise<RegisterRow[]> {
  const today = todayInVietnam();
  const visible = await visibleIdsOf(user, documents);
  const sources = new Map(
    (await sourcesOf(documents.filter((d) => visible.has(d.id)))).map((s) => [s.id, s]),
  );
  return documents.map((doc) => {
    const s = sources.get(doc.id);
    if (!s) {
      const hidden = {
        id: doc.id,
        arrivalNumber: doc.arrivalNumber,
        arrivalDate: isoDate(doc.arrivalDate),
      };
      return hiddenRow(book, hidden, t);
    }
    return book === 'incoming' ? incomingRow(s, t, lng) : trackingRow(s, today, t, lng);
  });
}

const DOCUMENT_INCLUDE = [{ association: 'presentedTo', attributes: ['id', 'fullName'] }];

export interface RegisterPage {
  rows: RegisterRow[];
  total: number;
  page: number;
  pages: number;
}

/** One page of a register for the screen. */
export async function listRegisterPage(
  user: User,
  book: RegisterBook,
  period: Period,
  page: number,
  language: RowLanguage,
  series = '',
): Promise<RegisterPage> {
  const where = await periodWhere(user, period, series);
  const total = await IncomingDocument.count({ where });
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const current = Math.min(page, pages);
  const documents = await IncomingDocument.findAll({
    where,
    include: DOCUMENT_INCLUDE,
    order: REGISTER_ORDER,
    limit: PAGE_SIZE,
    offset: (current - 1) * PAGE_SIZE,
  });
  const rows = await rowsOf(user, book, documents, language);
  return { rows, total, page: current, pages };
}

/** Every row of a register for the period, a batch at a time (keyset paging, bounded memory). */
export async function* registerBatches(
  user: User,
  book: RegisterBook,
  period: Period,
  language: RowLanguage,
  series = '',
  batchSize = EXPORT_BATCH,
): AsyncGenerator<RegisterRow[]> {
  const base = await periodWhere(user, period, series);
  let after: { registerId: number; arrivalNumber: number } | null = null;
  for (;;) {
    const where: WhereOptions<IncomingDocument> = after
      ? {
          [Op.and]: [
            base,
            {
              [Op.or]: [
                { registerId: { [Op.gt]: after.registerId } },
                { registerId: after.registerId, arrivalNumber: { [Op.gt]: after.arrivalNumber } },
              ],
            },
          ],
        }
      : base;
    const documents: IncomingDocument[] = await IncomingDocument.findAll({
      where,
      include: DOCUMENT_INCLUDE,
      order: REGISTER_ORDER,
      limit: batchSize,
    });
    if (!documents.length) return;
    yield await rowsOf(user, book, documents, language);
    if (documents.length < batchSize) return;
    const last: IncomingDocument = documents[documents.length - 1];
    after = { registerId: last.registerId, arrivalNumber: last.arrivalNumber };
  }
}

/** The agency's incoming registers (each series), newest year first (for "Đóng sổ"). */
export async function listYearRegisters(agencyId: number): Promise<Register[]> {
  return Register.findAll({
    where: { agencyId, kind: 'incoming' },
    order: [
      ['year', 'DESC'],
      ['series', 'ASC'],
    ],
  });
}

export async function agencyOf(agencyId: number): Promise<Agency> {
  const agency = await Agency.findByPk(agencyId);
  if (!agency) throw new AppError('NOT_FOUND', 404);
  return agency;
}

/** The governing agency's name (cơ quan chủ quản) printed on a register's cover, if it has one. */
export async function parentAgencyNameOf(agency: Agency): Promise<string | null> {
  if (!agency.parentId) return null;
  const parent = await Agency.findByPk(agency.parentId, { attributes: ['id', 'name'] });
  return parent?.name ?? null;
}

/** Records a view ('register.view') or a download ('register.export') of a register. */
export async function auditRegisterAccess(
  action: 'register.view' | 'register.export',
  book: RegisterBook,
  period: Period,
  actor: Actor,
  details: Record<string, unknown> = {},
  options?: TxOptions,
): Promise<void> {
  await recordAudit(
    {
      action,
      userId: actor.user.id,
      ip: actor.ip,
      entityType: 'register',
      entityId: null,
      details: {
        kind: book,
        from: period.from,
        to: period.to,
        agencyId: actor.user.agencyId,
        ...details,
      },
    },
    options,
  );
}

/**
 * "Đóng sổ": closes the agency's incoming registers of a past year after they have been printed,
 * the ordinary one and the secret one (Sổ đăng ký văn bản đến mật) alike. A closed register
 * still exports; issuing numbers into it is refused by the numbering service.
 */
export async function closeRegister(
  agencyId: number,
  year: number,
  actor: Actor,
  options?: TxOptions,
): Promise<Register> {
  if (year >= Number(todayInVietnam().slice(0, 4))) {
    throw new AppError('REGISTER_YEAR_NOT_ENDED', 422, undefined, undefined, { year });
  }
  return withTransaction(db(), options, async (transaction) => {
    const registers = await Register.findAll({
      where: { agencyId, kind: 'incoming', year },
      order: [['series', 'ASC']],
      transaction,
      lock: transaction.LOCK.UPDATE,
    });
    if (!registers.length)
      throw new AppError('REGISTER_NOT_FOUND', 404, undefined, undefined, { year });
    const open = registers.filter((r) => !r.closedAt);
    if (!open.length) {
      throw new AppError('REGISTER_ALREADY_CLOSED', 409, undefined, undefined, { year });
    }
    const closedAt = new Date();
    for (const register of open) {
      await register.update({ closedAt }, { transaction });
      await recordAudit(
        {
          action: 'register.close',
          userId: actor.user.id,
          ip: actor.ip,
          entityType: 'register',
          entityId: register.id,
          details: {
            kind: 'incoming',
            year,
            lastNumber: register.lastNumber,
            ...(register.series ? { series: register.series } : {}),
          },
        },
        { transaction },
      );
    }
    return registers[0];
  });
}
