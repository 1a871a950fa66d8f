import { Op, type Transaction } from 'sequelize';
import { db } from '../db/index.js';
import { notFound } from '../http/app-error.js';
import { can } from '../policy/index.js';
import type { User } from '../users/user.model.js';
import { Meeting, MeetingParticipant } from './meeting.model.js';

/** What a person is to one meeting; one person may be several (the organiser may also chair). */
export type MeetingRole =
  'organiser' | 'chair' | 'secretary' | 'member' | 'participant' | 'guest' | 'deputy';

/**
 * What the meetings policy needs to decide for one person: the meeting, every participant row,
 * the person's own row, the rows whose invitee named them as deputy, and their roles.
 */
export interface MeetingAccess {
  meeting: Meeting;
  participants: MeetingParticipant[];
  /** The person's own invitation (null when they are not invited). */
  mine: MeetingParticipant | null;
  /** Invitations whose invitee answered "send a deputy" naming this person. */
  deputyFor: MeetingParticipant[];
  roles: ReadonlySet<MeetingRole>;
}

export function meetingRolesOf(
  userId: number,
  meeting: Meeting,
  participants: readonly MeetingParticipant[],
): Set<MeetingRole> {
  const roles = new Set<MeetingRole>();
  if (meeting.organiserId === userId) roles.add('organiser');
  if (meeting.chairId === userId) roles.add('chair');
  if (meeting.secretaryId === userId) roles.add('secretary');
  for (const p of participants) {
    if (p.userId === userId && p.role !== 'chair' && p.role !== 'secretary') roles.add(p.role);
    if (p.deputyUserId === userId && p.rsvp === 'deputy') roles.add('deputy');
  }
  return roles;
}

/**
 * Whether the meeting is anything to a person at all: one of their agency's, or they are invited
 * (a guest of another agency) or named deputy by an invitee (a guest's deputy is of the guest's
 * agency). Whether they see it is then the policy's to say.
 */
export function reachesMeeting(
  user: Pick<User, 'id' | 'agencyId'>,
  meeting: Pick<Meeting, 'agencyId'>,
  rows: readonly Pick<MeetingParticipant, 'userId' | 'deputyUserId' | 'rsvp'>[],
): boolean {
  return (
    meeting.agencyId === user.agencyId ||
    rows.some((p) => p.userId === user.id || (p.deputyUserId === user.id && p.rsvp === 'deputy'))
  );
}

/** Locks the meeting row (SQLite takes the write lock before reading; see incoming.access.ts). */
async function lockMeetingRow(meetingId: number, transaction: Transaction): Promise<void> {
  await db().query('UPDATE meetings SET updatedAt = updatedAt WHERE id = ?', {
    replacements: [meetingId],
    transaction,
  });
}

/**
 * The access context of a meeting for a person, or null when it does not exist or they have
 * nothing to do with it (a meeting of another agency is visible only to the guests it invited).
 * With a transaction the meeting row is locked for it.
 */
export async function loadMeetingAccess(
  user: User,
  meetingId: number,
  transaction?: Transaction,
): Promise<MeetingAccess | null> {
  if (!Number.isSafeInteger(meetingId) || meetingId <= 0) return null;
  if (transaction) await lockMeetingRow(meetingId, transaction);
  const meeting = await Meeting.findByPk(meetingId, { transaction });
  if (!meeting) return null;
  const participants = await MeetingParticipant.findAll({
    where: { meetingId },
    order: [['id', 'ASC']],
    transaction,
  });
  const mine = participants.find((p) => p.userId === user.id) ?? null;
  if (!reachesMeeting(user, meeting, participants)) return null;
  return {
    meeting,
    participants,
    mine,
    deputyFor: participants.filter((p) => p.deputyUserId === user.id && p.rsvp === 'deputy'),
    roles: meetingRolesOf(user.id, meeting, participants),
  };
}

/**
 * requireMeetingAccess reading only the person's own rows (their invitation and those naming them
 * deputy) instead of every participant: the same roles, so the same policy answers (404 alike), at
 * one small query in a meeting of thousands of invitees. `participants` holds those rows only.
 * With a transaction the meeting row is locked for it.
 */
export async function requirePersonalMeetingAccess(
  user: User,
  meetingId: number,
  transaction?: Transaction,
): Promise<MeetingAccess> {
  const valid = Number.isSafeInteger(meetingId) && meetingId > 0;
  if (valid && transaction) await lockMeetingRow(meetingId, transaction);
  const meeting = valid ? await Meeting.findByPk(meetingId, { transaction }) : null;
  const participants = meeting
    ? await MeetingParticipant.findAll({
        where: { meetingId, [Op.or]: [{ userId: user.id }, { deputyUserId: user.id }] },
        order: [['id', 'ASC']],
        transaction,
      })
    : [];
  const mine = participants.find((p) => p.userId === user.id) ?? null;
  const access: MeetingAccess | null =
    meeting && reachesMeeting(user, meeting, participants)
      ? {
          meeting,
          participants,
          mine,
          deputyFor: participants.filter((p) => p.deputyUserId === user.id && p.rsvp === 'deputy'),
          roles: meetingRolesOf(user.id, meeting, participants),
        }
      : null;
  if (!access || !can(user, 'meetings.view', access)) throw notFound('MEETING_NOT_FOUND');
  return access;
}

/** loadMeetingAccess that answers 404 for a meeting the person may not see (never 403: no hint). */
export async function requireMeetingAccess(
  user: User,
  meetingId: number,
  transaction?: Transaction,
): Promise<MeetingAccess> {
  const access = await loadMeetingAccess(user, meetingId, transaction);
  if (!access || !can(user, 'meetings.view', access)) throw notFound('MEETING_NOT_FOUND');
  return access;
}
