/**
 * Speaking requests (đăng ký phát biểu): a participant (or their deputy) asks to speak on the
 * current item and may withdraw; the chair or secretary gives the floor for a set time, ends it,
 * or declines the request. Every change is audited and announced with the item's queue.
 *   requestToSpeak / withdrawSpeech / grantFloor / endSpeech / declineSpeech
 *   speakingQueue(meetingId, transaction?)   the open requests of the current item
 *   listSpeeches(meetingId, transaction?)    the history, for the minutes
 */
import { Op, type Transaction } from 'sequelize';
import { z } from 'zod';
import { decimal } from '../http/form-fields.js';
import { db } from '../db/index.js';
import { withTransaction } from '../db/transaction.js';
import { conflict, notFound } from '../http/app-error.js';
import type { Actor } from '../http/request-context.js';
import { authorize, can } from '../policy/index.js';
import { User } from '../users/user.model.js';
import { Meeting, MeetingItem, MeetingParticipant } from './meeting.model.js';
import { MeetingSpeech } from './meeting-live.model.js';
import { requirePersonalMeetingAccess, type MeetingAccess } from './meetings.access.js';
import { publishMeetingEvent } from './meetings.events.js';
import { ownParticipant } from './meetings.live.service.js';
import { auditMeeting } from './meetings.prepare.service.js';

export interface QueueEntry {
  speechId: number;
  participantId: number;
  name: string;
  status: 'queued' | 'speaking';
  requestedAt: string;
  startedAt: string | null;
  allottedSeconds: number | null;
}

/** Names of participants (the deputy's own name when a deputy asked). */
async function namesOf(
  speeches: MeetingSpeech[],
  transaction?: Transaction,
): Promise<Map<number, string>> {
  const participants = await MeetingParticipant.findAll({
    where: { id: [...new Set(speeches.map((s) => s.participantId))] },
    attributes: ['id', 'userId', 'guestName'],
    transaction,
  });
  const userIds = new Set<number>();
  for (const s of speeches) if (s.requestedById) userIds.add(s.requestedById);
  for (const p of participants) if (p.userId) userIds.add(p.userId);
  const users = await User.findAll({
    where: { id: [...userIds] },
    attributes: ['id', 'fullName'],
    transaction,
  });
  const userName = new Map(users.map((u) => [u.id, u.fullName]));
  const byParticipant = new Map(participants.map((p) => [p.id, p]));
  const names = new Map<number, string>();
  for (const s of speeches) {
    const p = byParticipant.get(s.participantId);
    const name =
      (s.requestedById && userName.get(s.requestedById)) ||
      (p?.userId ? userName.get(p.userId) : p?.guestName) ||
      '';
    names.set(s.id, name);
  }
  return names;
}

/** The open requests (queued, speaking) of the meeting's current item, in the order asked. */
export async function speakingQueue(
  meetingId: number,
  transaction?: Transaction,
): Promise<QueueEntry[]> {
  const meeting = await Meeting.findByPk(meetingId, { attributes: ['currentItemId'], transaction });
  if (!meeting?.currentItemId) return [];
  const speeches = await MeetingSpeech.findAll({
    where: { meetingId, itemId: meeting.currentItemId, status: ['queued', 'speaking'] },
    order: [
      ['requestedAt', 'ASC'],
      ['id', 'ASC'],
    ],
    transaction,
  });
  const names = await namesOf(speeches, transaction);
  return speeches.map((s) => ({
    speechId: s.id,
    participantId: s.participantId,
    name: names.get(s.id) ?? '',
    status: s.status as 'queued' | 'speaking',
    requestedAt: s.requestedAt.toISOString(),
    startedAt: s.startedAt?.toISOString() ?? null,
    allottedSeconds: s.allottedSeconds ?? null,
  }));
}

async function announceQueue(
  meetingId: number,
  type: string,
  speech: MeetingSpeech,
  transaction: Transaction,
): Promise<void> {
  const queue = await speakingQueue(meetingId, transaction);
  await publishMeetingEvent(
    {
      meetingId,
      type,
      data: {
        speechId: speech.id,
        itemId: speech.itemId,
        queue,
        speaking: queue.find((q) => q.status === 'speaking') ?? null,
        at: new Date().toISOString(),
      },
    },
    { transaction },
  );
}

const audit = (
  actor: Actor,
  action: string,
  meetingId: number,
  speech: MeetingSpeech,
  transaction: Transaction,
) =>
  auditMeeting(
    actor,
    action,
    meetingId,
    { speechId: speech.id, itemId: speech.itemId, participantId: speech.participantId },
    transaction,
  );

/** Asks to speak on the current item; one open request per person at a time. */
export async function requestToSpeak(actor: Actor, meetingId: number): Promise<MeetingSpeech> {
  return withTransaction(db(), undefined, async (transaction) => {
    const access = await requirePersonalMeetingAccess(actor.user, meetingId, transaction);
    authorize(actor.user, 'meetings.speak', access);
    const participant = ownParticipant(access)!;
    const itemId = access.meeting.currentItemId;
    if (!itemId) throw conflict('MEETING_NO_CURRENT_ITEM');
    const open = await MeetingSpeech.count({
      where: { meetingId, participantId: participant.id, status: ['queued', 'speaking'] },
      transaction,
    });
    if (open > 0) throw conflict('SPEECH_ALREADY_ASKED');
    const speech = await MeetingSpeech.create(
      {
        meetingId,
        itemId,
        participantId: participant.id,
        requestedById: actor.user.id,
        requestedAt: new Date(),
      },
      { transaction },
    );
    await audit(actor, 'meeting.speech_request', meetingId, speech, transaction);
    await announceQueue(meetingId, 'speech.queued', speech, transaction);
    return speech;
  });
}

async function speechOf(meetingId: number, speechId: number, transaction: Transaction) {
  const speech = await MeetingSpeech.findOne({ where: { id: speechId, meetingId }, transaction });
  if (!speech) throw notFound('SPEECH_NOT_FOUND');
  return speech;
}

/** The person who asked (or their deputy) withdraws a request not yet given the floor. */
export async function withdrawSpeech(
  actor: Actor,
  meetingId: number,
  speechId: number,
): Promise<MeetingSpeech> {
  return withTransaction(db(), undefined, async (transaction) => {
    const access = await requirePersonalMeetingAccess(actor.user, meetingId, transaction);
    authorize(actor.user, 'meetings.speak', access);
    const speech = await speechOf(meetingId, speechId, transaction);
    const own = ownParticipant(access);
    if (speech.participantId !== own?.id) throw notFound('SPEECH_NOT_FOUND');
    if (speech.status !== 'queued') throw conflict('SPEECH_NOT_QUEUED');
    await speech.update({ status: 'withdrawn', endedAt: new Date() }, { transaction });
    await audit(actor, 'meeting.speech_withdraw', meetingId, speech, transaction);
    await announceQueue(meetingId, 'speech.withdrawn', speech, transaction);
    return speech;
  });
}

export const GrantSchema = z.object({
  minutes: decimal(z.number().min(0.5).max(60).optional().default(3)),
});

/** The chair gives the floor for some minutes; whoever was speaking is done. */
export async function grantFloor(
  actor: Actor,
  meetingId: number,
  speechId: number,
  minutes: number,
): Promise<MeetingSpeech> {
  return withTransaction(db(), undefined, async (transaction) => {
    const access = await requirePersonalMeetingAccess(actor.user, meetingId, transaction);
    authorize(actor.user, 'meetings.run', access);
    if (access.meeting.status !== 'in_progress') throw conflict('MEETING_NOT_RUNNING');
    const speech = await speechOf(meetingId, speechId, transaction);
    if (speech.status !== 'queued' || speech.itemId !== access.meeting.currentItemId)
      throw conflict('SPEECH_NOT_QUEUED');
    const now = new Date();
    await MeetingSpeech.update(
      { status: 'done', endedAt: now },
      { where: { meetingId, status: 'speaking' }, transaction },
    );
    await speech.update(
      {
        status: 'speaking',
        grantedAt: now,
        startedAt: now,
        allottedSeconds: Math.round(minutes * 60),
      },
      { transaction },
    );
    await audit(actor, 'meeting.speech_grant', meetingId, speech, transaction);
    await announceQueue(meetingId, 'speech.started', speech, transaction);
    return speech;
  });
}

/** The chair ends the speech (speaking → done) or declines a request (queued → declined). */
export async function closeSpeech(
  actor: Actor,
  meetingId: number,
  speechId: number,
  how: 'end' | 'decline',
): Promise<MeetingSpeech> {
  return withTransaction(db(), undefined, async (transaction) => {
    const access = await requirePersonalMeetingAccess(actor.user, meetingId, transaction);
    authorize(actor.user, 'meetings.run', access);
    const speech = await speechOf(meetingId, speechId, transaction);
    if (how === 'end' && speech.status !== 'speaking') throw conflict('SPEECH_NOT_SPEAKING');
    if (how === 'decline' && speech.status !== 'queued') throw conflict('SPEECH_NOT_QUEUED');
    await speech.update(
      { status: how === 'end' ? 'done' : 'declined', endedAt: new Date() },
      { transaction },
    );
    await audit(actor, `meeting.speech_${how}`, meetingId, speech, transaction);
    await announceQueue(
      meetingId,
      how === 'end' ? 'speech.ended' : 'speech.declined',
      speech,
      transaction,
    );
    return speech;
  });
}

export interface SpeechRecord {
  itemId: number;
  itemTitle: string;
  speakerName: string;
  startedAt: Date;
  endedAt: Date | null;
  seconds: number;
}

/** Who spoke on what and for how long, in the order they spoke (the minutes' record). */
export async function listSpeeches(
  meetingId: number,
  transaction?: Transaction,
): Promise<SpeechRecord[]> {
  const speeches = await MeetingSpeech.findAll({
    where: { meetingId, startedAt: { [Op.ne]: null }, status: ['speaking', 'done'] },
    order: [
      ['startedAt', 'ASC'],
      ['id', 'ASC'],
    ],
    transaction,
  });
  const items = await MeetingItem.findAll({
    where: { id: [...new Set(speeches.map((s) => s.itemId))] },
    attributes: ['id', 'title'],
    transaction,
  });
  const titles = new Map(items.map((i) => [i.id, i.title]));
  const names = await namesOf(speeches, transaction);
  const now = Date.now();
  return speeches.map((s) => ({
    itemId: s.itemId,
    itemTitle: titles.get(s.itemId) ?? '',
    speakerName: names.get(s.id) ?? '',
    startedAt: s.startedAt!,
    endedAt: s.endedAt ?? null,
    seconds: Math.max(
      0,
      Math.round(((s.endedAt?.getTime() ?? now) - s.startedAt!.getTime()) / 1000),
    ),
  }));
}

/**
 * The history as one person may see it: the title of an item only for those who may see the item
 * (cleared for its độ mật; a withdrawn one for its organisers), as the live page shows the agenda.
 */
export async function speechesFor(user: User, access: MeetingAccess): Promise<SpeechRecord[]> {
  const [speeches, items] = await Promise.all([
    listSpeeches(access.meeting.id),
    MeetingItem.findAll({
      where: { meetingId: access.meeting.id },
      attributes: ['id', 'meetingId', 'confidentiality', 'status'],
    }),
  ]);
  const visible = new Set(
    items.filter((item) => can(user, 'meetings.item.view', { access, item })).map((i) => i.id),
  );
  return speeches.map((s) => (visible.has(s.itemId) ? s : { ...s, itemTitle: '' }));
}
