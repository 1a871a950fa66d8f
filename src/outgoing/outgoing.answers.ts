/**
 * Văn bản trả lời (SPEC §3.2: assignees "complete, optionally answered by an outgoing document"):
 * a draft made from an incoming document names it (answersIncomingId). The incoming page lists
 * its answers, the outgoing page names what it answers, the trail of the incoming document says
 * when an answer was drafted and issued, and the processing-tracking register prints the issued
 * answers' numbers (Decree 30, Appendix IV, column 6).
 *   checkAnswered(user, incomingId)        the link a draft may carry, else a 422 on the field
 *   answerDraftValues(user, incomingId, t) the form's values for a reply, after the policy check
 *   answersSelect(documentId)              the incoming page's answers, read with its packet
 *   answersOfRows(user, rows)              those the reader may know of
 *   answeredIncoming(user, outgoing)       the outgoing page's "answers" line
 *   issuedAnswerNumbers(incomingIds)       the register's column
 */
import type { TFunction } from 'i18next';
import { QueryTypes, type Transaction } from 'sequelize';
import { db } from '../db/index.js';
import type { Select } from '../db/select-together.js';
import { addTrailEvent } from '../documents/trail.service.js';
import { documentTypeName } from '../documents/document-types.js';
import { formatDate } from '../http/view-helpers.js';
import { AppError } from '../http/app-error.js';
import { translator } from '../i18n/index.js';
import { loadIncomingAccess } from '../incoming/incoming.access.js';
import { authorize, can } from '../policy/index.js';
import type { User } from '../users/user.model.js';
import { loadOutgoingAccesses } from './outgoing.access.js';
import { OutgoingDocument, OutgoingRecipient } from './outgoing.model.js';

const invalid = () =>
  new AppError('VALIDATION_FAILED', 422, undefined, {
    answersIncomingId: 'errors:OUTGOING_ANSWERS_INVALID',
  });

/**
 * The incoming document a draft says it answers must be one the drafter may open in their own
 * agency; anything else (missing, another agency's, hidden from them) is the same 422.
 */
export async function checkAnswered(user: User, incomingId: number | undefined): Promise<void> {
  if (incomingId === undefined) return;
  const access = await loadIncomingAccess(user, incomingId);
  if (!access || !can(user, 'incoming.view', access)) throw invalid();
}

/** "123/UBND-VP" of a received document, as its sender numbered it. */
const receivedNumber = (codeNumber: string | null, codeNotation: string | null) => {
  const notation = (codeNotation ?? '').trim();
  const number = (codeNumber ?? '').trim();
  if (!number || notation.startsWith(`${number}/`)) return notation || number;
  return notation ? `${number}/${notation}` : number;
};

/**
 * The drafting form's values for an answer to an incoming document the user may answer (404 when
 * they may not see it, 403 when it is not theirs to answer): its subject names what it answers,
 * it goes back to the sender (the agency itself when it came from this deployment), at the same
 * confidentiality.
 */
export async function answerDraftValues(
  user: User,
  incomingId: number,
  t: TFunction,
  lng: string,
): Promise<{ values: Record<string, unknown>; answering: AnsweringView }> {
  const access = await loadIncomingAccess(user, incomingId);
  if (!access || !can(user, 'incoming.view', access)) throw new AppError('INCOMING_NOT_FOUND', 404);
  authorize(user, 'incoming.answer', access);
  const doc = access.document;
  const senderAgencyId = await deliveringAgencyOf(doc.id);
  const answering = answeringView(doc, t, lng);
  // The subject is printed on the document and kept in the registers: Vietnamese, whatever the
  // language the drafter reads the form in.
  const vi = translator('vi');
  const printed = answeringView(doc, vi, 'vi');
  const subject = printed.number
    ? vi('outgoing:answer.subjectNumbered', {
        type: printed.typeName,
        number: printed.number,
        dated: printed.date ? vi('outgoing:answer.dated', { date: printed.date }) : '',
        organ: doc.fromOrganName,
      })
    : vi('outgoing:answer.subject', { type: printed.typeName, organ: doc.fromOrganName });
  return {
    answering,
    values: {
      documentType: 'CV',
      urgency: '0',
      confidentiality: String(doc.confidentiality),
      subject: subject.slice(0, 4000),
      answersIncomingId: String(doc.id),
      ...(senderAgencyId
        ? { recipientAgencyIds: [String(senderAgencyId)] }
        : {
            externalRecipients: doc.fromOrganId
              ? `${doc.fromOrganName} | ${doc.fromOrganId}`
              : doc.fromOrganName,
          }),
    },
  };
}

/** The agency of this deployment that sent a document by delivery; null for one from outside. */
async function deliveringAgencyOf(incomingId: number): Promise<number | null> {
  const row = await OutgoingRecipient.findOne({
    where: { incomingId },
    include: [{ association: 'outgoing', attributes: ['agencyId'] }],
    attributes: ['id'],
  });
  return row?.outgoing?.agencyId ?? null;
}

/** What the form and the outgoing page say of the document answered. */
export interface AnsweringView {
  id: number;
  arrivalNumber: number;
  typeName: string;
  number: string;
  date: string;
  organ: string;
  subject: string;
  /** "Số đến 0031 – Công văn số 123/UBND-VP ngày 01/12/2026 của Sở Tài chính". */
  label: string;
}

function answeringView(
  doc: {
    id: number;
    arrivalNumber: number;
    documentType: string;
    codeNumber: string | null;
    codeNotation: string | null;
    promulgationDate: string | null;
    fromOrganName: string;
    subject: string;
  },
  t: TFunction,
  lng: string,
): AnsweringView {
  const view = {
    id: doc.id,
    arrivalNumber: doc.arrivalNumber,
    typeName: documentTypeName(doc.documentType, lng),
    number: receivedNumber(doc.codeNumber, doc.codeNotation),
    date: doc.promulgationDate ? formatDate(doc.promulgationDate) : '',
    organ: doc.fromOrganName,
    subject: doc.subject,
  };
  const arrival = String(doc.arrivalNumber).padStart(2, '0');
  const dated = view.date ? t('outgoing:answer.dated', { date: view.date, lng }) : '';
  const label = view.number
    ? t('outgoing:answer.labelNumbered', { ...view, arrival, dated, lng })
    : t('outgoing:answer.label', { ...view, arrival, lng });
  return { ...view, label };
}

/**
 * The outgoing page's line on the incoming document it answers: named in full, with a link, for a
 * reader who may open it; by its arrival number alone for one who may not.
 */
export async function answeredIncoming(
  user: User,
  outgoing: OutgoingDocument,
  t: TFunction,
  lng: string,
): Promise<(AnsweringView & { viewable: boolean }) | null> {
  if (outgoing.answersIncomingId == null) return null;
  const access = await loadIncomingAccess(user, outgoing.answersIncomingId);
  if (!access) return null;
  if (can(user, 'incoming.view', access))
    return { ...answeringView(access.document, t, lng), viewable: true };
  const arrival = String(access.document.arrivalNumber).padStart(2, '0');
  return {
    id: access.document.id,
    arrivalNumber: access.document.arrivalNumber,
    typeName: '',
    number: '',
    date: '',
    organ: '',
    subject: '',
    label: t('outgoing:answer.labelHidden', { arrival, lng }),
    viewable: false,
  };
}

/** The form's line on the document a draft answers, for a drafter who may open it; else null. */
export async function answeringFor(
  user: User,
  incomingId: unknown,
  t: TFunction,
  lng: string,
): Promise<AnsweringView | null> {
  const id = Number(incomingId);
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const access = await loadIncomingAccess(user, id);
  return access && can(user, 'incoming.view', access)
    ? answeringView(access.document, t, lng)
    : null;
}

/** The incoming page's answers, read with the rest of the page (selectTogether). */
export function answersSelect(documentId: number): Select {
  return {
    sql: `SELECT id, status, codeNumber, codeNotation, promulgationDate, subject
            FROM outgoing_documents WHERE answersIncomingId = ? ORDER BY id`,
    params: [documentId],
  };
}

export interface AnswerView {
  id: number;
  status: string;
  numberSymbol: string | null;
  promulgationDate: string | null;
  subject: string | null;
  viewable: boolean;
}

const numberSymbolOf = (codeNumber: unknown, codeNotation: unknown) =>
  codeNumber != null && codeNotation
    ? `${String(codeNumber).padStart(2, '0')}/${String(codeNotation)}`
    : null;

/**
 * The answers the reader may know of: those they may open, in full; an issued one they may not,
 * by its number and date alone (what the tracking register prints); a draft they may not, not at
 * all.
 */
export async function answersOfRows(
  user: User,
  rows: Record<string, unknown>[],
): Promise<AnswerView[]> {
  if (!rows.length) return [];
  const accesses = await loadOutgoingAccesses(
    user,
    rows.map((r) => Number(r.id)),
  );
  const out: AnswerView[] = [];
  for (const row of rows) {
    const id = Number(row.id);
    const access = accesses.get(id);
    const viewable = access != null && can(user, 'outgoing.view', access);
    const status = String(row.status);
    const issued = status === 'issued' || status === 'recalled';
    if (!viewable && !issued) continue;
    out.push({
      id,
      status,
      numberSymbol: numberSymbolOf(row.codeNumber, row.codeNotation),
      promulgationDate: row.promulgationDate ? String(row.promulgationDate).slice(0, 10) : null,
      subject: viewable ? String(row.subject) : null,
      viewable,
    });
  }
  return out;
}

/** The numbers of the issued answers of each document, in the order they were issued. */
export async function issuedAnswerNumbers(incomingIds: number[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (!incomingIds.length) return out;
  const rows = await db().query<{
    answersIncomingId: number;
    codeNumber: number;
    codeNotation: string;
  }>(
    `SELECT answersIncomingId, codeNumber, codeNotation FROM outgoing_documents
      WHERE answersIncomingId IN (${incomingIds.map(() => '?').join(',')})
        AND status IN ('issued', 'recalled') ORDER BY issuedAt, id`,
    { replacements: incomingIds, type: QueryTypes.SELECT },
  );
  for (const r of rows) {
    const text = numberSymbolOf(r.codeNumber, r.codeNotation);
    if (!text) continue;
    const id = Number(r.answersIncomingId);
    out.set(id, [...(out.get(id) ?? []), text]);
  }
  return out;
}

/** The incoming document's trail says an answer was drafted, or issued under its number. */
export async function recordAnswerStep(
  outgoing: Pick<OutgoingDocument, 'id' | 'answersIncomingId'>,
  actorId: number,
  step: 'drafted' | 'issued',
  data: Record<string, unknown>,
  transaction: Transaction,
): Promise<void> {
  if (outgoing.answersIncomingId == null) return;
  await addTrailEvent(
    {
      kind: 'incoming',
      documentId: outgoing.answersIncomingId,
      actorId,
      action: step === 'drafted' ? 'answer.drafted' : 'answer.issued',
      // The issued answer's number is said in the incoming document's trail.
      note: typeof data.code === 'string' ? data.code : null,
      data: { outgoingId: outgoing.id, ...data },
    },
    { transaction },
  );
}
