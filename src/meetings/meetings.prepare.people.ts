/**
 * The people of a meeting: inviting (people, whole departments, people of other agencies as
 * guests, guests by name), voting members and their weight, removing; and each invitee's answer
 * (attend, send a named deputy, absent with a reason).
 */
import { Op, type Transaction } from 'sequelize';
import { Department } from '../agencies/agency.model.js';
import { db } from '../db/index.js';
import { withTransaction } from '../db/transaction.js';
import { AppError, unprocessable } from '../http/app-error.js';
import { authorize } from '../policy/index.js';
import { User } from '../users/user.model.js';
import { MeetingParticipant } from './meeting.model.js';
import { requireMeetingAccess, type MeetingAccess } from './meetings.access.js';
import { publishMeetingEvent } from './meetings.events.js';
import { notifyMeeting } from './meetings.prepare.notify.js';
import type {
  AddParticipantsInput,
  RsvpInput,
  UpdateParticipantInput,
} from './meetings.prepare.schemas.js';
import { auditMeeting, manageableMeeting, type MeetingActor } from './meetings.prepare.service.js';
import { NAME_ORDER } from '../users/name-order.js';

const isOpen = (access: MeetingAccess) =>
  access.meeting.status === 'published' || access.meeting.status === 'in_progress';

function participantsChanged(access: MeetingAccess, transaction: Transaction): void {
  if (!isOpen(access)) return;
  publishMeetingEvent(
    { meetingId: access.meeting.id, type: 'participants.changed', data: {} },
    { transaction },
  );
}

/** The people to invite for the input, each once, leaving out those already invited. */
async function peopleToInvite(
  access: MeetingAccess,
  input: AddParticipantsInput,
  transaction: Transaction,
): Promise<User[]> {
  const agencyId = access.meeting.agencyId;
  const invited = new Set(access.participants.map((p) => p.userId).filter((id) => id != null));
  let people: User[];
  if (input.kind === 'department') {
    const department = await Department.findOne({
      where: { id: input.departmentId!, agencyId },
      transaction,
    });
    if (!department) throw unprocessable({ departmentId: 'errors:MEETING_DEPARTMENT_UNKNOWN' });
    people = await User.findAll({
      where: { departmentId: department.id, agencyId, isActive: true },
      order: NAME_ORDER,
      transaction,
    });
    people = people.filter((u) => !invited.has(u.id));
    if (people.length === 0) throw unprocessable({ departmentId: 'errors:MEETING_NOBODY_NEW' });
    return people;
  }
  const ids = [...new Set(input.userIds)];
  people = await User.findAll({
    where: {
      id: ids,
      isActive: true,
      agencyId: input.kind === 'person' ? agencyId : { [Op.ne]: agencyId },
    },
    transaction,
  });
  if (people.length !== ids.length)
    throw unprocessable({ userIds: 'errors:MEETING_PERSON_UNKNOWN' });
  people = people.filter((u) => !invited.has(u.id));
  if (people.length === 0) throw unprocessable({ userIds: 'errors:MEETING_NOBODY_NEW' });
  return people;
}

/** Invites people (or a guest by name); those of a published meeting are told at once. */
export async function addParticipants(
  actor: MeetingActor,
  meetingId: number,
  input: AddParticipantsInput,
): Promise<MeetingParticipant[]> {
  return withTransaction(db(), undefined, async (transaction) => {
    const access = await manageableMeeting(actor, meetingId, transaction);
    let rows: MeetingParticipant[];
    if (input.kind === 'guest') {
      rows = [
        await MeetingParticipant.create(
          {
            meetingId,
            userId: null,
            guestName: input.guestName!,
            guestOrganisation: input.guestOrganisation ?? null,
            role: 'guest',
            invitedDepartmentId: null,
          },
          { transaction },
        ),
      ];
    } else {
      const people = await peopleToInvite(access, input, transaction);
      const guest = input.kind === 'external';
      rows = await MeetingParticipant.bulkCreate(
        people.map((u) => ({
          meetingId,
          userId: u.id,
          guestName: null,
          guestOrganisation: null,
          role: guest ? ('guest' as const) : input.role,
          invitedDepartmentId: input.kind === 'department' ? input.departmentId! : null,
          isVoting: !guest && input.isVoting,
          voteWeight: input.voteWeight ?? 1,
        })),
        { transaction },
      );
      if (isOpen(access))
        await notifyMeeting(
          people.map((u) => u.id),
          'invited',
          access.meeting,
          actor.user.id,
          transaction,
        );
    }
    await auditMeeting(
      actor,
      'meeting.participants.add',
      meetingId,
      {
        kind: input.kind,
        userIds: rows.map((r) => r.userId).filter((id) => id != null),
        departmentId: input.departmentId ?? null,
        guestName: input.guestName ?? null,
        isVoting: input.isVoting,
      },
      transaction,
    );
    participantsChanged(access, transaction);
    return rows;
  });
}

async function participantOf(
  meetingId: number,
  participantId: number,
  transaction: Transaction,
): Promise<MeetingParticipant> {
  const row = Number.isSafeInteger(participantId)
    ? await MeetingParticipant.findOne({ where: { id: participantId, meetingId }, transaction })
    : null;
  if (!row) throw new AppError('MEETING_PARTICIPANT_NOT_FOUND', 404);
  return row;
}

/** Changes an invitee's place (member or participant), whether they vote and the vote's weight. */
export async function updateParticipant(
  actor: MeetingActor,
  meetingId: number,
  participantId: number,
  input: UpdateParticipantInput,
): Promise<MeetingParticipant> {
  return withTransaction(db(), undefined, async (transaction) => {
    const access = await manageableMeeting(actor, meetingId, transaction);
    const row = await participantOf(meetingId, participantId, transaction);
    const before = { role: row.role, isVoting: row.isVoting, voteWeight: row.voteWeight };
    // The chair and the secretary keep their roles; guests do not vote.
    const keepsRole = row.role === 'chair' || row.role === 'secretary' || row.role === 'guest';
    const after = {
      role: keepsRole ? row.role : (input.role ?? row.role),
      isVoting: row.role !== 'guest' && input.isVoting,
      voteWeight: input.voteWeight ?? row.voteWeight,
    };
    await row.update(after, { transaction });
    await auditMeeting(
      actor,
      'meeting.participant.update',
      meetingId,
      { participantId, userId: row.userId, before, after },
      transaction,
    );
    participantsChanged(access, transaction);
    return row;
  });
}

/** Takes an invitee off the meeting (never its chair or secretary: change those on the form). */
export async function removeParticipant(
  actor: MeetingActor,
  meetingId: number,
  participantId: number,
): Promise<void> {
  await withTransaction(db(), undefined, async (transaction) => {
    const access = await manageableMeeting(actor, meetingId, transaction);
    const row = await participantOf(meetingId, participantId, transaction);
    if (row.role === 'chair' || row.role === 'secretary')
      throw new AppError('MEETING_LEAD_PARTICIPANT', 409);
    await row.destroy({ transaction });
    await auditMeeting(
      actor,
      'meeting.participant.remove',
      meetingId,
      { participantId, userId: row.userId, guestName: row.guestName },
      transaction,
    );
    participantsChanged(access, transaction);
  });
}

/** The people an invitee may send as deputy: the active people of their own agency but them. */
export async function deputyCandidates(user: User): Promise<User[]> {
  return User.findAll({
    where: {
      agencyId: user.agencyId,
      isActive: true,
      [Op.and]: [{ id: { [Op.ne]: user.id } }, User.whereNotOnlyAdmin()],
    },
    order: NAME_ORDER,
    limit: 1000,
  });
}

/**
 * The invitee's answer, which they may change until the meeting closes; a deputy must be an
 * active person of their own agency (who then sees the meeting). The organisers are told.
 */
export async function respondToInvitation(
  actor: MeetingActor,
  meetingId: number,
  input: RsvpInput,
): Promise<MeetingParticipant> {
  return withTransaction(db(), undefined, async (transaction) => {
    const access = await requireMeetingAccess(actor.user, meetingId, transaction);
    authorize(actor.user, 'meetings.respond', access);
    const mine = access.mine!;
    let deputyUserId: number | null = null;
    if (input.answer === 'deputy') {
      const deputy = await User.findOne({
        where: {
          id: input.deputyUserId!,
          agencyId: actor.user.agencyId,
          isActive: true,
          [Op.and]: [User.whereTakesPart()],
        },
        attributes: ['id'],
        transaction,
      });
      if (!deputy || deputy.id === actor.user.id)
        throw unprocessable({ deputyUserId: 'errors:MEETING_DEPUTY' });
      deputyUserId = deputy.id;
    }
    const previousDeputy = mine.rsvp === 'deputy' ? mine.deputyUserId : null;
    await mine.update(
      {
        rsvp: input.answer,
        rsvpReason: input.answer === 'attend' ? null : (input.reason ?? null),
        deputyUserId,
        respondedAt: new Date(),
      },
      { transaction },
    );
    const { meeting } = access;
    await notifyMeeting(
      [meeting.organiserId, meeting.secretaryId],
      'answered',
      meeting,
      actor.user.id,
      transaction,
      { name: actor.user.fullName, answer: { key: `meetings:rsvp.${input.answer}` } },
    );
    if (deputyUserId && deputyUserId !== previousDeputy)
      await notifyMeeting([deputyUserId], 'deputyNamed', meeting, actor.user.id, transaction, {
        name: actor.user.fullName,
      });
    await auditMeeting(
      actor,
      'meeting.rsvp',
      meetingId,
      { answer: input.answer, deputyUserId, reason: input.reason ?? null },
      transaction,
    );
    publishMeetingEvent(
      { meetingId, type: 'rsvp.changed', data: { participantId: mine.id, answer: input.answer } },
      { transaction },
    );
    return mine;
  });
}
