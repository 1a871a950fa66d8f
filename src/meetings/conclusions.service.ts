/**
 * The conclusions of a meeting and the conclusion notice drafted from them (issue 13 §4):
 *   saveConclusions(id, texts with ids, actor)      the list, edited in place (ids kept, so that
 *                                                   the tasks made from a conclusion stay with it);
 *                                                   an empty list clears it, refused (422) when
 *                                                   there was none
 *   composeNotice(id, { recipients }, actor)        a Thông báo (TB) outgoing draft with the PDF,
 *                                                   the chair as signer, linked both ways
 *   noticeOf(minutes)                               the notice's status and number
 */
import { ForeignKeyConstraintError } from 'sequelize';
import { Agency, Department } from '../agencies/agency.model.js';
import { recordAudit } from '../audit/audit.service.js';
import { db } from '../db/index.js';
import { withTransaction } from '../db/transaction.js';
import { addTrailEvent } from '../documents/trail.service.js';
import { AppError } from '../http/app-error.js';
import type { Actor } from '../http/request-context.js';
import { loadOutgoingAccess } from '../outgoing/outgoing.access.js';
import { prepareDraft } from '../outgoing/outgoing.drafts.js';
import { OutgoingDocument } from '../outgoing/outgoing.model.js';
import { DraftFieldsSchema, type RecipientInput } from '../outgoing/outgoing.schemas.js';
import { can } from '../policy/index.js';
import type { User } from '../users/user.model.js';
import { MeetingConclusion, type MeetingMinutes } from './meeting-minutes.model.js';
import { requireMinutes } from './minutes.access.js';
import { placeOf } from './minutes-pdf.js';
import { loadMinutesRecord } from './minutes-record.js';
import { noticeSubject, renderNoticePdf } from './notice-pdf.js';

export const MAX_CONCLUSIONS = 50;

export interface ConclusionInput {
  id?: number;
  text: string;
}

/** The list as given: new ones added, kept ones changed in place, missing ones removed. */
export async function saveConclusions(
  meetingId: number,
  items: ConclusionInput[],
  actor: Actor,
): Promise<MeetingConclusion[]> {
  return withTransaction(db(), undefined, async (transaction) => {
    await requireMinutes(actor.user, meetingId, 'meetings.conclusions.edit', transaction);
    const existing = await MeetingConclusion.findAll({ where: { meetingId }, transaction });
    // Nothing entered and nothing to remove: saying "saved" would be false.
    if (items.length === 0 && existing.length === 0) throw new AppError('CONCLUSIONS_EMPTY', 422);
    const byId = new Map(existing.map((c) => [c.id, c]));
    const kept = new Set<number>();
    for (const [i, item] of items.entries()) {
      const row = item.id !== undefined ? byId.get(item.id) : undefined;
      // An id of another meeting's conclusion (or a removed one) is refused, not taken over.
      if (item.id !== undefined && (!row || kept.has(row.id)))
        throw new AppError('VALIDATION_FAILED', 422, undefined, {
          [`conclusions.${i}`]: 'errors:CONCLUSION_UNKNOWN',
        });
      if (row) {
        kept.add(row.id);
        if (row.text !== item.text || row.position !== i + 1)
          await row.update({ text: item.text, position: i + 1 }, { transaction });
      } else {
        await MeetingConclusion.create(
          { meetingId, position: i + 1, text: item.text },
          { transaction },
        );
      }
    }
    const removed = existing.filter((c) => !kept.has(c.id)).map((c) => c.id);
    // A conclusion that tasks were made from stays (their table refers to it): 409, not a 500.
    if (removed.length > 0)
      await MeetingConclusion.destroy({ where: { id: removed }, transaction }).catch((err) => {
        if (err instanceof ForeignKeyConstraintError)
          throw new AppError('CONCLUSION_HAS_TASKS', 409);
        throw err;
      });
    const data = { count: items.length, removed: removed.length };
    await addTrailEvent(
      {
        kind: 'meeting',
        documentId: meetingId,
        actorId: actor.user.id,
        action: 'conclusions.save',
        data,
      },
      { transaction },
    );
    await recordAudit(
      {
        action: 'meeting.conclusions.save',
        userId: actor.user.id,
        ip: actor.ip,
        entityType: 'meeting',
        entityId: meetingId,
        details: data,
      },
      { transaction },
    );
    return MeetingConclusion.findAll({
      where: { meetingId },
      order: [['position', 'ASC']],
      transaction,
    });
  });
}

/** Names of the recipients as "Nơi nhận" prints them. */
async function recipientNames(agencyId: number, recipients: RecipientInput[]): Promise<string[]> {
  const names: string[] = [];
  for (const r of recipients) {
    if (r.agencyId !== undefined) names.push((await Agency.findByPk(r.agencyId))?.name ?? '');
    else if (r.departmentId !== undefined)
      names.push(
        (await Department.findOne({ where: { id: r.departmentId, agencyId } }))?.name ?? '',
      );
    else if (r.name) names.push(r.name);
  }
  return names.filter(Boolean);
}

/**
 * Drafts the conclusion notice from the minutes' conclusions as an outgoing Thông báo: the PDF is
 * its main file, the chair its intended signer, the recipients chosen; from there it goes through
 * approval, signing, number, seal and dispatch like any outgoing document.
 */
export async function composeNotice(
  meetingId: number,
  input: { recipients: RecipientInput[] },
  actor: Actor,
): Promise<OutgoingDocument> {
  const r = await requireMinutes(actor.user, meetingId, 'meetings.notice.compose');
  if (!r.minutes) throw new AppError('NOTICE_NO_MINUTES', 409);
  const conclusions = await MeetingConclusion.findAll({
    where: { meetingId },
    order: [['position', 'ASC']],
  });
  if (conclusions.length === 0)
    throw new AppError('VALIDATION_FAILED', 422, undefined, {
      conclusions: 'errors:NOTICE_NO_CONCLUSIONS',
    });
  const { meeting } = r.access;
  const record = await loadMinutesRecord(meeting);
  const agency = await Agency.findByPk(meeting.agencyId);
  const place = placeOf(agency?.address, agency?.name ?? '');
  const pdf = await renderNoticePdf(record, {
    abbreviation: agency?.abbreviation ?? '',
    place,
    conclusions: conclusions.map((c) => c.text),
    recipients: await recipientNames(meeting.agencyId, input.recipients),
  });
  const fields = DraftFieldsSchema.parse({
    documentType: 'TB',
    subject: noticeSubject(record),
    signerId: String(meeting.chairId),
    signingForm: '',
    signerTitle: record.chair?.positionTitle ?? '',
    placeName: place.slice(0, 100),
    recipients: input.recipients,
  });
  const writeDraft = await prepareDraft(
    fields,
    { main: { buffer: pdf, originalName: 'thong-bao-ket-luan.pdf' } },
    actor,
  );
  // The draft and its link to the minutes commit together: a failed link leaves no draft that
  // nothing refers to. The meeting's row is locked first, so of two organisers composing at once
  // the first makes the notice and the second is refused before any draft is written.
  return withTransaction(db(), undefined, async (transaction) => {
    const again = await requireMinutes(actor.user, meetingId, 'meetings.minutes.view', transaction);
    if (!again.minutes) throw new AppError('NOTICE_NO_MINUTES', 409);
    if (again.minutes.noticeOutgoingId != null) throw new AppError('NOTICE_EXISTS', 409);
    const doc = await writeDraft(transaction);
    await again.minutes.update({ noticeOutgoingId: doc.id }, { transaction });
    const data = { outgoingId: doc.id, conclusions: conclusions.length };
    await addTrailEvent(
      {
        kind: 'meeting',
        documentId: meetingId,
        actorId: actor.user.id,
        action: 'notice.compose',
        data,
      },
      { transaction },
    );
    await addTrailEvent(
      {
        kind: 'outgoing',
        documentId: doc.id,
        actorId: actor.user.id,
        action: 'meeting.notice',
        note: `Cuộc họp: ${meeting.title}`.slice(0, 1000),
        data: { meetingId },
      },
      { transaction },
    );
    await recordAudit(
      {
        action: 'meeting.notice.compose',
        userId: actor.user.id,
        ip: actor.ip,
        entityType: 'meeting',
        entityId: meetingId,
        details: data,
      },
      { transaction },
    );
    return doc;
  });
}

export interface NoticeSummary {
  id: number;
  status: string;
  codeNumber: number | null;
  codeNotation: string | null;
  subject: string;
  /** The person may open the notice's outgoing document (else its page would be a 404). */
  viewable: boolean;
}

/** The notice's status and number, for the meeting's pages of this person. */
export async function noticeOf(
  minutes: MeetingMinutes | null,
  user: User,
): Promise<NoticeSummary | null> {
  if (!minutes?.noticeOutgoingId) return null;
  // A guest of another agency reads the minutes too; the notice is its own agency's document.
  const access = await loadOutgoingAccess(user, minutes.noticeOutgoingId);
  const doc = access?.document ?? (await OutgoingDocument.findByPk(minutes.noticeOutgoingId));
  if (!doc) return null;
  return {
    id: doc.id,
    status: doc.status,
    codeNumber: doc.codeNumber,
    codeNotation: doc.codeNotation,
    subject: doc.subject,
    viewable: access != null && can(user, 'outgoing.view', access),
  };
}
