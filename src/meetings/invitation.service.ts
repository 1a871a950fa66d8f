/**
 * The invitation (giấy mời) of a meeting (issue 13 §1):
 *   invitationPdf(id, actor)       the PDF made from the meeting as it is now (audited)
 *   issueInvitation(id, actor)     "Phát hành giấy mời": an outgoing GM draft with the PDF as its
 *                                  main file, the chair as intended signer, the agencies of the
 *                                  guests and the invited departments as recipients; a draft
 *                                  invitation is replaced in place (new version) by its
 *                                  drafter (another organiser is refused, 409), an issued one
 *                                  is superseded by a new draft; one on its way (in approval,
 *                                  signed) is left alone (409)
 *   invitationOf(meetingId)        its status and number, for the meeting's pages
 */
import { Op, type Transaction } from 'sequelize';
import { Agency, Department } from '../agencies/agency.model.js';
import { recordAudit } from '../audit/audit.service.js';
import { db } from '../db/index.js';
import { withTransaction } from '../db/transaction.js';
import { addTrailEvent } from '../documents/trail.service.js';
import { AppError } from '../http/app-error.js';
import type { Actor } from '../http/request-context.js';
import { loadOutgoingAccess } from '../outgoing/outgoing.access.js';
import { prepareDraftOrRevision } from '../outgoing/outgoing.drafts.js';
import { OutgoingDocument } from '../outgoing/outgoing.model.js';
import { DraftFieldsSchema, type RecipientInput } from '../outgoing/outgoing.schemas.js';
import { authorize, can } from '../policy/index.js';
import { User } from '../users/user.model.js';
import { MeetingInvitation } from './meeting-calendar.model.js';
import { Meeting, MeetingItem, MeetingParticipant, MeetingRoom } from './meeting.model.js';
import { requireMeetingAccess } from './meetings.access.js';
import { checkInUrlOf } from './meetings.live.state.js';
import { placeOf } from './minutes-pdf.js';
import {
  invitationSubject,
  renderInvitationPdf,
  type InvitationContent,
} from './invitation-pdf.js';

export const INVITATION_FILE_NAME = 'giay-moi.pdf';

interface Prepared {
  content: InvitationContent;
  recipients: RecipientInput[];
  chair: User | null;
}

const personName = (u: User) => [u.fullName, u.positionTitle].filter(Boolean).join(', ');

/** Everything the invitation prints, and whom the outgoing draft goes to. */
async function prepare(meeting: Meeting): Promise<Prepared> {
  const agency = await Agency.findByPk(meeting.agencyId);
  const parent = agency?.parentId ? await Agency.findByPk(agency.parentId) : null;
  const room = meeting.roomId ? await MeetingRoom.findByPk(meeting.roomId) : null;
  const participants = await MeetingParticipant.findAll({
    where: { meetingId: meeting.id },
    order: [['id', 'ASC']],
  });
  const userIds = [meeting.chairId, ...participants.map((p) => p.userId ?? 0).filter(Boolean)];
  const users = new Map((await User.findAll({ where: { id: userIds } })).map((u) => [u.id, u]));
  const departmentIds = [
    ...new Set(participants.map((p) => p.invitedDepartmentId ?? 0).filter(Boolean)),
  ];
  const departments = departmentIds.length
    ? await Department.findAll({ where: { id: departmentIds, agencyId: meeting.agencyId } })
    : [];
  const guestAgencyIds = new Set<number>();
  const invitees: string[] = departments.map((d) => d.name);
  for (const p of participants) {
    if (p.role === 'chair' || p.invitedDepartmentId) continue;
    const user = p.userId ? users.get(p.userId) : undefined;
    if (user) {
      if (user.agencyId !== meeting.agencyId) guestAgencyIds.add(user.agencyId);
      invitees.push(personName(user));
    } else if (p.guestName) {
      invitees.push([p.guestName, p.guestOrganisation].filter(Boolean).join(', '));
    }
  }
  const guestAgencies = guestAgencyIds.size
    ? await Agency.findAll({ where: { id: [...guestAgencyIds] }, order: [['name', 'ASC']] })
    : [];
  const items = await MeetingItem.findAll({
    where: { meetingId: meeting.id, status: { [Op.ne]: 'withdrawn' } },
    order: [['position', 'ASC']],
  });
  const presenters = new Map(
    (
      await User.findAll({
        where: { id: items.map((i) => i.presenterId ?? 0).filter(Boolean) },
      })
    ).map((u) => [u.id, u.fullName]),
  );
  const chair = users.get(meeting.chairId) ?? null;
  return {
    chair,
    recipients: [
      ...guestAgencies.map((a) => ({ agencyId: a.id })),
      ...departments.map((d) => ({ departmentId: d.id })),
    ],
    content: {
      title: meeting.title,
      agencyName: agency?.name ?? '',
      parentAgencyName: parent?.name ?? null,
      abbreviation: agency?.abbreviation ?? '',
      place: placeOf(agency?.address, agency?.name ?? ''),
      startsAt: meeting.startsAt,
      endsAt: meeting.endsAt,
      roomName: room ? [room.name, room.location].filter(Boolean).join(', ') : null,
      onlineUrl: meeting.onlineUrl,
      chair: chair ? { fullName: chair.fullName, positionTitle: chair.positionTitle } : null,
      invitees,
      items: items.map((i) => ({
        title: i.title,
        presenter: (i.presenterId ? presenters.get(i.presenterId) : null) ?? i.presenterName,
        secret: i.confidentiality > 0,
      })),
      checkInUrl: checkInUrlOf(meeting),
      recipients: [...guestAgencies.map((a) => a.name), ...departments.map((d) => d.name)],
    },
  };
}

/** The invitation's PDF as the meeting stands now, for whoever sees the meeting. */
export async function invitationPdf(meetingId: number, actor: Actor): Promise<Buffer> {
  const access = await requireMeetingAccess(actor.user, meetingId);
  authorize(actor.user, 'meetings.invitation.view', access);
  const pdf = await renderInvitationPdf((await prepare(access.meeting)).content);
  await recordAudit({
    action: 'meeting.invitation.download',
    userId: actor.user.id,
    ip: actor.ip,
    entityType: 'meeting',
    entityId: meetingId,
  });
  return pdf;
}

/** The meeting's current invitation row (the newest), if any. */
export function currentInvitation(
  meetingId: number,
  transaction?: Transaction,
): Promise<MeetingInvitation | null> {
  return MeetingInvitation.findOne({ where: { meetingId }, order: [['id', 'DESC']], transaction });
}

export interface IssuedInvitation {
  outgoing: OutgoingDocument;
  /** 'created' a new draft; 'replaced' the draft's PDF; 'superseded' an issued invitation. */
  outcome: 'created' | 'replaced' | 'superseded';
}

/** The meeting's current invitation and its outgoing document, if any. */
async function invitationNow(meetingId: number, transaction?: Transaction) {
  const previous = await currentInvitation(meetingId, transaction);
  const before = previous
    ? await OutgoingDocument.findByPk(previous.outgoingId, { transaction })
    : null;
  return { previous, before };
}

/**
 * What issuing does with the current invitation: a new draft when there is none or it was issued
 * (superseded), the draft's PDF replaced in place, by its drafter only (another organiser's draft
 * is theirs to change); one on its way to signing is left alone.
 */
function outcomeOf(before: OutgoingDocument | null, actor: Actor): IssuedInvitation['outcome'] {
  if (!before) return 'created';
  if (before.status === 'in_approval' || before.status === 'signed')
    throw new AppError('INVITATION_IN_PROGRESS', 409);
  if (before.status !== 'draft') return 'superseded';
  if (before.createdById !== actor.user.id) throw new AppError('INVITATION_DRAFT_OF_OTHER', 409);
  return 'replaced';
}

/** "Phát hành giấy mời": the outgoing draft of the invitation (see the file's comment). */
export async function issueInvitation(meetingId: number, actor: Actor): Promise<IssuedInvitation> {
  const access = await requireMeetingAccess(actor.user, meetingId);
  authorize(actor.user, 'meetings.invitation.issue', access);
  const { meeting } = access;
  // Refused early, before the PDF is made; decided again below under the meeting's lock.
  outcomeOf((await invitationNow(meetingId)).before, actor);
  const prepared = await prepare(meeting);
  const pdf = await renderInvitationPdf(prepared.content);
  const fields = DraftFieldsSchema.parse({
    documentType: 'GM',
    subject: invitationSubject(meeting.title),
    signerId: String(meeting.chairId),
    signingForm: '',
    signerTitle: prepared.chair?.positionTitle ?? '',
    placeName: prepared.content.place.slice(0, 100),
    recipients: prepared.recipients,
  });
  // The PDF is checked and stored now; the draft's rows (new, or its fields and next version)
  // commit with the invitation row or not at all.
  const draft = await prepareDraftOrRevision(
    fields,
    { buffer: pdf, originalName: INVITATION_FILE_NAME },
    actor,
  );
  return withTransaction(db(), undefined, async (transaction) => {
    // New or replace is decided under the meeting's lock: of two issuing at once, the second sees
    // the first's draft (and replaces it if it is theirs) instead of making another.
    const locked = await requireMeetingAccess(actor.user, meetingId, transaction);
    authorize(actor.user, 'meetings.invitation.issue', locked);
    const now = await invitationNow(meetingId, transaction);
    const outcome = outcomeOf(now.before, actor);
    let doc: OutgoingDocument;
    if (outcome === 'replaced') {
      doc = now.before!;
      await draft.revise(doc.id, transaction);
      await MeetingInvitation.update(
        { startsAt: meeting.startsAt },
        { where: { id: now.previous!.id }, transaction },
      );
    } else {
      doc = await draft.create(transaction);
      await MeetingInvitation.update(
        { supersededAt: new Date() },
        { where: { meetingId, supersededAt: null }, transaction },
      );
      await MeetingInvitation.create(
        {
          meetingId,
          outgoingId: doc.id,
          createdById: actor.user.id,
          startsAt: meeting.startsAt,
        },
        { transaction },
      );
    }
    const data = { outgoingId: doc.id, outcome, previousOutgoingId: now.before?.id ?? null };
    await addTrailEvent(
      {
        kind: 'meeting',
        documentId: meetingId,
        actorId: actor.user.id,
        action: 'invitation.issue',
        data,
      },
      { transaction },
    );
    await addTrailEvent(
      {
        kind: 'outgoing',
        documentId: doc.id,
        actorId: actor.user.id,
        action: 'meeting.invitation',
        note: meeting.title.slice(0, 500),
        data: { meetingId },
      },
      { transaction },
    );
    await recordAudit(
      {
        action: 'meeting.invitation.issue',
        userId: actor.user.id,
        ip: actor.ip,
        entityType: 'meeting',
        entityId: meetingId,
        details: data,
      },
      { transaction },
    );
    return { outgoing: doc, outcome };
  });
}

export interface InvitationSummary {
  outgoingId: number;
  status: string;
  codeNumber: number | null;
  codeNotation: string | null;
  /** The meeting moved since this invitation was drafted: a new one should follow. */
  outdated: boolean;
}

/** The meeting's invitation: its outgoing document's status and number. */
export async function invitationOf(meeting: Meeting): Promise<InvitationSummary | null> {
  const row = await currentInvitation(meeting.id);
  if (!row) return null;
  const doc = await OutgoingDocument.findByPk(row.outgoingId);
  if (!doc) return null;
  return {
    outgoingId: doc.id,
    status: doc.status,
    codeNumber: doc.codeNumber,
    codeNotation: doc.codeNotation,
    outdated: row.startsAt.getTime() !== meeting.startsAt.getTime(),
  };
}

/**
 * What the meeting's page shows of its invitation (a partial, meeting-invitation-summary): its
 * status and number, the PDF, and the way to issue it for an organiser, for whoever sees it.
 */
export async function invitationSummary(user: User, meeting: Meeting) {
  const access = await requireMeetingAccess(user, meeting.id);
  const canIssue = can(user, 'meetings.invitation.issue', access);
  const invitation = await invitationOf(access.meeting);
  // The link to the outgoing document only for those who may open it (an invitee mostly may not).
  const outgoing = invitation ? await loadOutgoingAccess(user, invitation.outgoingId) : null;
  const viewable = outgoing != null && can(user, 'outgoing.view', outgoing);
  return {
    meetingId: meeting.id,
    invitation: invitation && { ...invitation, viewable },
    canIssue,
  };
}
