/**
 * The meeting room (issue 13 §2): presence and check-in, running the meeting (open, the current
 * item, the item timer, close). Every change locks the meeting row, is audited and announced to
 * the live pages through publishMeetingEvent in the same transaction.
 *   presenceOf(meetingId, transaction?) → Presence          (quorum of the votes)
 *   checkInByToken(actor, token) → { meeting, participant }  (the room's QR code)
 *   setAttendance(actor, meetingId, input)                   (the secretary, by hand)
 *   openMeeting / closeMeeting / moveCurrentItem / setItemTimer
 */
import { Op, type Transaction } from 'sequelize';
import { z } from 'zod';
import { integer } from '../http/form-fields.js';
import { db } from '../db/index.js';
import { withTransaction } from '../db/transaction.js';
import { conflict, notFound } from '../http/app-error.js';
import { authorize } from '../policy/index.js';
import type { Actor } from '../http/request-context.js';
import { User } from '../users/user.model.js';
import {
  ATTENDANCE,
  Meeting,
  MeetingItem,
  MeetingItemDocument,
  MeetingParticipant,
  type Attendance,
} from './meeting.model.js';
import { MeetingSpeech } from './meeting-live.model.js';
import { MeetingMinutes } from './meeting-minutes.model.js';
import { withClosingTime } from './minutes-skeleton.js';
import { requirePersonalMeetingAccess, type MeetingAccess } from './meetings.access.js';
import { publishMeetingEvent } from './meetings.events.js';
import { auditMeeting } from './meetings.prepare.service.js';
import {
  finishOpenVotes,
  lockOpenVotes,
  withVotesOpenedMeanwhile,
} from './meetings.votes.service.js';

export interface PresenceRow {
  participantId: number;
  userId: number | null;
  attendance: Attendance | null;
  isVoting: boolean;
  voteWeight: number;
}

/** Who is in the room now, with the weights quorum counts. */
export interface Presence {
  participants: PresenceRow[];
  presentVotingWeight: number;
  totalVotingWeight: number;
  presentVoting: number;
  totalVoting: number;
}

/** Attendances that count as being in the meeting: in the room, online, or through a deputy. */
export const PRESENT: readonly Attendance[] = ['present', 'online', 'deputy'];

/** The presence snapshot of a meeting (read in the caller's transaction when given). */
export async function presenceOf(meetingId: number, transaction?: Transaction): Promise<Presence> {
  const rows = await MeetingParticipant.findAll({
    where: { meetingId },
    attributes: ['id', 'userId', 'attendance', 'isVoting', 'voteWeight'],
    order: [['id', 'ASC']],
    transaction,
  });
  const participants = rows.map((p) => ({
    participantId: p.id,
    userId: p.userId,
    attendance: p.attendance ?? null,
    isVoting: Boolean(p.isVoting),
    voteWeight: p.voteWeight ?? 1,
  }));
  const voting = participants.filter((p) => p.isVoting);
  const present = voting.filter((p) => p.attendance && PRESENT.includes(p.attendance));
  const weight = (list: PresenceRow[]) => list.reduce((n, p) => n + p.voteWeight, 0);
  return {
    participants,
    presentVotingWeight: weight(present),
    totalVotingWeight: weight(voting),
    presentVoting: present.length,
    totalVoting: voting.length,
  };
}

const summaryOf = (p: Presence) => ({
  present: p.participants.filter((r) => r.attendance && PRESENT.includes(r.attendance)).length,
  total: p.participants.length,
  presentVoting: p.presentVoting,
  totalVoting: p.totalVoting,
  presentVotingWeight: p.presentVotingWeight,
  totalVotingWeight: p.totalVotingWeight,
});

async function participantName(p: MeetingParticipant, transaction: Transaction): Promise<string> {
  if (!p.userId) return p.guestName ?? '';
  const user = await User.findByPk(p.userId, { attributes: ['id', 'fullName'], transaction });
  return user?.fullName ?? '';
}

async function announceAttendance(
  meetingId: number,
  p: MeetingParticipant,
  transaction: Transaction,
): Promise<void> {
  const presence = await presenceOf(meetingId, transaction);
  await publishMeetingEvent(
    {
      meetingId,
      type: 'attendance.changed',
      data: {
        participantId: p.id,
        name: await participantName(p, transaction),
        attendance: p.attendance,
        presence: summaryOf(presence),
      },
    },
    { transaction },
  );
}

/**
 * The room's QR code opened by a signed-in person: their own invitation is checked in (present),
 * or, for the deputy an invitee named, that invitation (deputy). Someone not invited gets 404
 * (the same as an unknown code); an invitation checked in already stays as it is.
 */
export async function checkInByToken(
  actor: Actor,
  token: string,
): Promise<{ meeting: Meeting; participant: MeetingParticipant; already: boolean }> {
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(token)) throw notFound('MEETING_NOT_FOUND');
  const found = await Meeting.findOne({ where: { checkInToken: token }, attributes: ['id'] });
  if (!found) throw notFound('MEETING_NOT_FOUND');
  return withTransaction(db(), undefined, async (transaction) => {
    const access = await requirePersonalMeetingAccess(actor.user, found.id, transaction);
    authorize(actor.user, 'meetings.checkin', access);
    const own = access.mine;
    const participant = own ?? access.deputyFor[0];
    const attendance: Attendance = own ? 'present' : 'deputy';
    const already = participant.attendance === attendance && participant.checkedInAt != null;
    if (!already) {
      await participant.update(
        {
          attendance,
          attendanceReason: null,
          checkedInAt: new Date(),
          checkedInById: actor.user.id,
        },
        { transaction },
      );
      await auditMeeting(
        actor,
        'meeting.check_in',
        access.meeting.id,
        { participantId: participant.id, attendance, via: 'qr' },
        transaction,
      );
      await announceAttendance(access.meeting.id, participant, transaction);
    }
    return { meeting: access.meeting, participant, already };
  });
}

export const AttendanceSchema = z
  .object({
    participantId: integer(z.number().int().positive().max(2_147_483_647)),
    attendance: z.enum(ATTENDANCE),
    reason: z.string().trim().max(500).optional().default(''),
  })
  .refine((v) => v.attendance !== 'absent' || v.reason.length > 0, {
    path: ['reason'],
    message: 'meetings-live:errors.absentReason',
  });
export type AttendanceInput = z.infer<typeof AttendanceSchema>;

/** The secretary (or the chair) checks a person in by hand: present, online, absent, deputy. */
export async function setAttendance(
  actor: Actor,
  meetingId: number,
  input: AttendanceInput,
): Promise<MeetingParticipant> {
  return withTransaction(db(), undefined, async (transaction) => {
    const access = await requirePersonalMeetingAccess(actor.user, meetingId, transaction);
    authorize(actor.user, 'meetings.attendance', access);
    const participant = await MeetingParticipant.findOne({
      where: { id: input.participantId, meetingId },
      transaction,
    });
    if (!participant) throw notFound('MEETING_PARTICIPANT_NOT_FOUND');
    await participant.update(
      {
        attendance: input.attendance,
        attendanceReason: input.reason || null,
        checkedInAt: input.attendance === 'absent' ? null : new Date(),
        checkedInById: actor.user.id,
      },
      { transaction },
    );
    await auditMeeting(
      actor,
      'meeting.attendance',
      meetingId,
      { participantId: participant.id, attendance: input.attendance },
      transaction,
    );
    await announceAttendance(meetingId, participant, transaction);
    return participant;
  });
}

/** Seconds the item timer has run (stopped or running), as of now. */
export function timerSecondsOf(item: MeetingItem, now = Date.now()): number {
  const running = item.timerStartedAt ? (now - item.timerStartedAt.getTime()) / 1000 : 0;
  return Math.max(0, Math.floor((item.timerElapsedSeconds ?? 0) + running));
}

export const timerOf = (item: MeetingItem) => ({
  itemId: item.id,
  running: item.timerStartedAt != null,
  elapsedSeconds: timerSecondsOf(item),
  plannedMinutes: item.plannedMinutes,
  at: new Date().toISOString(),
});

/** What a live page shows of the current item; the uncleared see its place only. */
async function announceCurrentItem(
  meeting: Meeting,
  item: MeetingItem | null,
  transaction: Transaction,
): Promise<void> {
  if (!item) {
    await publishMeetingEvent(
      { meetingId: meeting.id, type: 'item.current', data: { itemId: null } },
      { transaction },
    );
    return;
  }
  const [documents, presenter] = await Promise.all([
    MeetingItemDocument.findAll({
      where: { itemId: item.id },
      attributes: ['id', 'title'],
      order: [['id', 'ASC']],
      transaction,
    }),
    item.presenterId
      ? User.findByPk(item.presenterId, { attributes: ['id', 'fullName'], transaction })
      : null,
  ]);
  const timer = timerOf(item);
  await publishMeetingEvent(
    {
      meetingId: meeting.id,
      type: 'item.current',
      clearance: item.confidentiality,
      data: {
        itemId: item.id,
        position: item.position,
        title: item.title,
        presenter: presenter?.fullName ?? item.presenterName ?? null,
        plannedMinutes: item.plannedMinutes,
        confidentiality: item.confidentiality,
        documents: documents.map((d) => ({ id: d.id, title: d.title })),
        timer,
      },
      redacted: { itemId: item.id, position: item.position, confidential: true, timer },
    },
    { transaction },
  );
}

/** The agenda in order, without the withdrawn items. */
async function runningOrder(meetingId: number, transaction: Transaction): Promise<MeetingItem[]> {
  return MeetingItem.findAll({
    where: { meetingId, status: { [Op.ne]: 'withdrawn' } },
    order: [
      ['position', 'ASC'],
      ['id', 'ASC'],
    ],
    transaction,
  });
}

function stopTimer(item: MeetingItem) {
  return {
    timerStartedAt: null,
    timerElapsedSeconds: timerSecondsOf(item),
  };
}

/** Ends whoever has the floor (the item moved on or the meeting closed). */
async function endOpenSpeeches(meetingId: number, transaction: Transaction): Promise<void> {
  const now = new Date();
  await MeetingSpeech.update(
    { status: 'done', endedAt: now },
    { where: { meetingId, status: 'speaking' }, transaction },
  );
}

/** The requests still waiting for the floor end unheard (the item they asked on is left). */
async function declineQueuedSpeeches(meetingId: number, transaction: Transaction): Promise<void> {
  await MeetingSpeech.update(
    { status: 'declined', endedAt: new Date() },
    { where: { meetingId, status: 'queued' }, transaction },
  );
}

async function runAccess(actor: Actor, meetingId: number, transaction: Transaction) {
  const access = await requirePersonalMeetingAccess(actor.user, meetingId, transaction);
  authorize(actor.user, 'meetings.run', access);
  return access;
}

/** The chair or the secretary opens the meeting: in progress, the first item current. */
export async function openMeeting(actor: Actor, meetingId: number): Promise<Meeting> {
  return withTransaction(db(), undefined, async (transaction) => {
    const { meeting } = await runAccess(actor, meetingId, transaction);
    if (meeting.status !== 'published') throw conflict('MEETING_NOT_OPENABLE');
    const [first] = await runningOrder(meetingId, transaction);
    const now = new Date();
    if (first)
      await first.update(
        { status: 'current', startedAt: first.startedAt ?? now, timerStartedAt: now },
        { transaction },
      );
    await meeting.update(
      { status: 'in_progress', openedAt: now, currentItemId: first?.id ?? null },
      { transaction },
    );
    await auditMeeting(
      actor,
      'meeting.open',
      meetingId,
      { itemId: first?.id ?? null },
      transaction,
    );
    await publishMeetingEvent(
      { meetingId, type: 'meeting.opened', data: { status: 'in_progress' } },
      { transaction },
    );
    await announceCurrentItem(meeting, first ?? null, transaction);
    return meeting;
  });
}

/**
 * Minutes begun while the meeting ran get its closing time in place of the blank line. Their
 * version stays: the secretary's open editor still saves (and a save fills the line as well).
 */
async function fillClosingTime(meetingId: number, closedAt: Date, transaction: Transaction) {
  const minutes = await MeetingMinutes.findOne({ where: { meetingId }, transaction });
  if (!minutes || minutes.status !== 'draft') return;
  const body = withClosingTime(minutes.body, closedAt);
  if (body !== minutes.body) await minutes.update({ body }, { transaction });
}

/**
 * Closes the meeting: the current item is done, the floor ends, the queue is declined, and the
 * votes still open in the room end with their result (no ballot is taken in a closed room; a
 * written opinion runs on to its deadline).
 */
export async function closeMeeting(actor: Actor, meetingId: number): Promise<Meeting> {
  return withTransaction(db(), undefined, async (transaction) => {
    const roomVotes = await lockOpenVotes(meetingId, ['room'], transaction);
    const { meeting } = await runAccess(actor, meetingId, transaction);
    if (meeting.status !== 'in_progress') throw conflict('MEETING_NOT_RUNNING');
    await finishOpenVotes(
      await withVotesOpenedMeanwhile(roomVotes, meetingId, ['room'], transaction),
      actor,
      transaction,
    );
    const now = new Date();
    const current = meeting.currentItemId
      ? await MeetingItem.findByPk(meeting.currentItemId, { transaction })
      : null;
    if (current?.status === 'current')
      await current.update(
        { status: 'done', endedAt: now, ...stopTimer(current) },
        { transaction },
      );
    await endOpenSpeeches(meetingId, transaction);
    await declineQueuedSpeeches(meetingId, transaction);
    await meeting.update({ status: 'closed', closedAt: now }, { transaction });
    await fillClosingTime(meetingId, now, transaction);
    await auditMeeting(actor, 'meeting.close', meetingId, {}, transaction);
    await publishMeetingEvent(
      { meetingId, type: 'meeting.closed', data: { status: 'closed' } },
      { transaction },
    );
    return meeting;
  });
}

export const MoveItemSchema = z.object({
  to: z.union([
    z.enum(['next', 'previous']),
    integer(z.number().int().positive().max(2_147_483_647)),
  ]),
});
export type MoveItemInput = z.infer<typeof MoveItemSchema>;

/** Moves the current item: the next, the previous, or one chosen; the one left is done. */
export async function moveCurrentItem(
  actor: Actor,
  meetingId: number,
  input: MoveItemInput,
): Promise<MeetingItem> {
  return withTransaction(db(), undefined, async (transaction) => {
    const { meeting } = await runAccess(actor, meetingId, transaction);
    if (meeting.status !== 'in_progress') throw conflict('MEETING_NOT_RUNNING');
    const order = await runningOrder(meetingId, transaction);
    const at = order.findIndex((i) => i.id === meeting.currentItemId);
    let target: MeetingItem | undefined;
    if (input.to === 'next') target = order[at + 1];
    else if (input.to === 'previous') target = at > 0 ? order[at - 1] : undefined;
    else target = order.find((i) => i.id === input.to);
    if (!target) {
      if (typeof input.to === 'number') throw notFound('MEETING_ITEM_NOT_FOUND');
      throw conflict(input.to === 'next' ? 'MEETING_NO_NEXT_ITEM' : 'MEETING_NO_PREVIOUS_ITEM');
    }
    const now = new Date();
    const current = at >= 0 ? order[at] : null;
    if (current && current.id !== target.id) {
      await current.update(
        { status: 'done', endedAt: now, ...stopTimer(current) },
        { transaction },
      );
      await endOpenSpeeches(meetingId, transaction);
      // A request asked on the item left would hide from the new item's queue yet block asking.
      await declineQueuedSpeeches(meetingId, transaction);
    }
    if (current?.id !== target.id)
      await target.update(
        {
          status: 'current',
          startedAt: target.startedAt ?? now,
          endedAt: null,
          timerStartedAt: now,
        },
        { transaction },
      );
    await meeting.update({ currentItemId: target.id }, { transaction });
    await auditMeeting(actor, 'meeting.item', meetingId, { itemId: target.id }, transaction);
    await announceCurrentItem(meeting, target, transaction);
    return target;
  });
}

export const TimerSchema = z.object({ action: z.enum(['start', 'stop']) });

/** Starts or stops the current item's timer. */
export async function setItemTimer(
  actor: Actor,
  meetingId: number,
  action: 'start' | 'stop',
): Promise<MeetingItem> {
  return withTransaction(db(), undefined, async (transaction) => {
    const { meeting } = await runAccess(actor, meetingId, transaction);
    if (meeting.status !== 'in_progress' || !meeting.currentItemId)
      throw conflict('MEETING_NOT_RUNNING');
    const item = await MeetingItem.findByPk(meeting.currentItemId, { transaction });
    if (!item) throw conflict('MEETING_NOT_RUNNING');
    if (action === 'start' && !item.timerStartedAt)
      await item.update({ timerStartedAt: new Date() }, { transaction });
    if (action === 'stop' && item.timerStartedAt)
      await item.update(stopTimer(item), { transaction });
    await auditMeeting(
      actor,
      `meeting.timer_${action}`,
      meetingId,
      { itemId: item.id },
      transaction,
    );
    await publishMeetingEvent(
      { meetingId, type: 'timer.changed', data: timerOf(item) },
      { transaction },
    );
    return item;
  });
}

/** The invitation a person acts on in the room: their own, else the one that named them deputy. */
export function ownParticipant(access: MeetingAccess): MeetingParticipant | null {
  return access.mine ?? access.deputyFor[0] ?? null;
}
