/**
 * Preparing a meeting (issue 13 §1): the meeting itself (create, edit, publish, cancel), room
 * clashes, and its agenda (add, edit, reorder, withdraw items):
 *   listMeetings(user, filters) → { meetings, total }
 *   createMeeting(actor, MeetingInput) / updateMeeting(actor, id, MeetingInput) → Meeting
 *   publishMeeting(actor, id) / cancelMeeting(actor, id, reason)
 *   roomClashes({ roomId, startsAt, endsAt, excludeId }) → the other meetings in the room then
 *   listAgenda(meetingId, transaction?) → items in order, each with its documents
 *   addItem / updateItem / moveItem / withdrawItem
 * Every change is audited; once published, every agenda change notifies the participants once
 * and announces agenda.changed to the pages following the meeting.
 */
import { randomBytes } from 'node:crypto';
import { Op, type Transaction, type WhereOptions } from 'sequelize';
import { recordAudit } from '../audit/audit.service.js';
import { db } from '../db/index.js';
import { whereFoldedLike } from '../db/folded.js';
import { rawSelect } from '../db/raw-select.js';
import { dateFromDb } from '../db/rows.js';
import { withTransaction } from '../db/transaction.js';
import { AppError, unprocessable } from '../http/app-error.js';
import { authorize } from '../policy/index.js';
import { User } from '../users/user.model.js';
import {
  Meeting,
  MeetingItem,
  MeetingItemDocument,
  MeetingParticipant,
  MeetingRoom,
  type MeetingStatus,
} from './meeting.model.js';
import { requireMeetingAccess, type MeetingAccess } from './meetings.access.js';
import { publishMeetingEvent } from './meetings.events.js';
import { inviteeIds, notifyMeeting } from './meetings.prepare.notify.js';
import { highestLinkedConfidentiality } from './linked-documents.js';
import { VOTE_MODES } from './meeting-vote.model.js';
import {
  finishOpenVotes,
  lockOpenVotes,
  withVotesOpenedMeanwhile,
} from './meetings.votes.service.js';
import type {
  ItemInput,
  MeetingInput,
  MeetingListFilters,
  MoveItemInput,
} from './meetings.prepare.schemas.js';

/** Who acts, and from where (for the audit log). */
export interface MeetingActor {
  user: User;
  ip: string | null;
}

export const PAGE_SIZE = 20;

/** Records one audited change or access of a meeting. */
export async function auditMeeting(
  actor: MeetingActor,
  action: string,
  meetingId: number,
  details: Record<string, unknown> | null,
  transaction?: Transaction,
): Promise<void> {
  await recordAudit(
    {
      action,
      userId: actor.user.id,
      ip: actor.ip,
      entityType: 'meeting',
      entityId: meetingId,
      details,
    },
    { transaction },
  );
}

/** The meeting's access context for a change: locked, and the person must be an organiser. */
export async function manageableMeeting(
  actor: MeetingActor,
  meetingId: number,
  transaction: Transaction,
): Promise<MeetingAccess> {
  const access = await requireMeetingAccess(actor.user, meetingId, transaction);
  authorize(actor.user, 'meetings.manage', access);
  return access;
}

/**
 * The SQL rule of who sees a meeting, as canViewMeeting says it: its organisers always; once
 * published, its invitees and the deputies they named, and the agency's leaders. `mine` leaves
 * out the leaders' view of meetings they have no part in.
 */
function visibleSql(user: User, mine: boolean): string {
  const u = Number(user.id);
  const agency = Number(user.agencyId);
  const organises = `(Meeting.agencyId = ${agency} AND (Meeting.organiserId = ${u} OR Meeting.chairId = ${u} OR Meeting.secretaryId = ${u}))`;
  const invited =
    `EXISTS (SELECT 1 FROM meeting_participants p WHERE p.meetingId = Meeting.id AND ` +
    `(p.userId = ${u} OR (p.deputyUserId = ${u} AND p.rsvp = 'deputy')))`;
  const leads = !mine && user.hasRole('leader') ? ` OR Meeting.agencyId = ${agency}` : '';
  return `(${organises} OR (Meeting.status <> 'draft' AND (${invited}${leads})))`;
}

/**
 * The meetings a person sees, upcoming (by start) or past (latest first), 20 a page (the export:
 * one long page).
 */
export async function listMeetings(
  user: User,
  filters: MeetingListFilters,
  pageSize = PAGE_SIZE,
): Promise<{ meetings: Meeting[]; total: number }> {
  const now = new Date();
  const where: WhereOptions[] = [
    db().literal(visibleSql(user, filters.mine)),
    { endsAt: filters.when === 'upcoming' ? { [Op.gte]: now } : { [Op.lt]: now } },
  ];
  if (filters.kind) where.push({ kind: filters.kind });
  if (filters.roomId) where.push({ roomId: filters.roomId });
  if (filters.q) where.push(whereFoldedLike('titleFolded', filters.q));
  const { rows, count } = await Meeting.findAndCountAll({
    where: { [Op.and]: where },
    include: [{ model: MeetingRoom, as: 'room' }],
    order: [
      ['startsAt', filters.when === 'upcoming' ? 'ASC' : 'DESC'],
      ['id', 'ASC'],
    ],
    limit: pageSize,
    offset: (filters.page - 1) * pageSize,
    distinct: true,
  });
  return { meetings: rows, total: count };
}

/** Another meeting in the room; one the viewer may not see keeps only its times (id, title null). */
export interface RoomClash {
  id: number | null;
  title: string | null;
  startsAt: Date;
  endsAt: Date;
}

/**
 * The other meetings, not cancelled, in the same room at an overlapping time (computed in SQL).
 * The room being taken is what the organiser needs; which meeting takes it is said only when
 * `viewer` may see that meeting (a draft of others, say, is not named).
 */
export async function roomClashes(
  slot: { roomId: number | null; startsAt: Date; endsAt: Date; excludeId?: number | null },
  viewer: User,
  transaction?: Transaction,
): Promise<RoomClash[]> {
  if (!slot.roomId) return [];
  const rows = await rawSelect<{
    id: number;
    title: string;
    startsAt: unknown;
    endsAt: unknown;
    visible: unknown;
  }>(
    db(),
    `SELECT Meeting.id, Meeting.title, Meeting.startsAt, Meeting.endsAt,
            CASE WHEN ${visibleSql(viewer, false)} THEN 1 ELSE 0 END AS visible
       FROM meetings Meeting
      WHERE Meeting.roomId = ? AND Meeting.id <> ? AND Meeting.status <> 'cancelled'
        AND Meeting.startsAt < ? AND Meeting.endsAt > ?
      ORDER BY Meeting.startsAt, Meeting.id LIMIT 20`,
    [slot.roomId, slot.excludeId ?? 0, slot.endsAt, slot.startsAt],
    transaction,
  );
  return rows.map((r) => {
    const visible = Number(r.visible) === 1;
    return {
      id: visible ? Number(r.id) : null,
      title: visible ? r.title : null,
      startsAt: dateFromDb(r.startsAt)!,
      endsAt: dateFromDb(r.endsAt)!,
    };
  });
}

/** Chair, secretary and room must be the agency's own (active); else 422 next to the field. */
async function checkPeopleAndRoom(
  agencyId: number,
  input: MeetingInput,
  transaction: Transaction,
): Promise<void> {
  const fields: Record<string, string> = {};
  for (const field of ['chairId', 'secretaryId'] as const) {
    const person = await User.findOne({
      where: { id: input[field], agencyId, isActive: true, [Op.and]: [User.whereTakesPart()] },
      attributes: ['id'],
      transaction,
    });
    if (!person) fields[field] = 'errors:MEETING_PERSON_UNKNOWN';
  }
  if (!fields.secretaryId && input.chairId === input.secretaryId)
    fields.secretaryId = 'errors:MEETING_CHAIR_IS_SECRETARY';
  if (input.roomId) {
    const room = await MeetingRoom.findOne({
      where: { id: input.roomId, agencyId, isActive: true },
      transaction,
    });
    if (!room) fields.roomId = 'errors:MEETING_ROOM_UNKNOWN';
  }
  if (Object.keys(fields).length) throw unprocessable(fields);
}

const meetingFields = (input: MeetingInput) => ({
  title: input.title,
  kind: input.kind,
  chairId: input.chairId,
  secretaryId: input.secretaryId,
  startsAt: input.startsAt!,
  endsAt: input.endsAt!,
  roomId: input.roomId ?? null,
  onlineUrl: input.onlineUrl ?? null,
  description: input.description ?? null,
});

/**
 * Makes `userId` the meeting's chair (or secretary) among its participants: whoever held the role
 * stays invited as a member; the new holder's invitation takes the role (the chair votes).
 */
async function placeLead(
  meeting: Meeting,
  role: 'chair' | 'secretary',
  userId: number,
  transaction: Transaction,
): Promise<void> {
  await MeetingParticipant.update(
    { role: 'member' },
    { where: { meetingId: meeting.id, role, userId: { [Op.ne]: userId } }, transaction },
  );
  const row = await MeetingParticipant.findOne({
    where: { meetingId: meeting.id, userId },
    transaction,
  });
  if (row) await row.update({ role, invitedDepartmentId: null }, { transaction });
  else
    await MeetingParticipant.create(
      {
        meetingId: meeting.id,
        userId,
        role,
        isVoting: role === 'chair',
        invitedDepartmentId: null,
      },
      { transaction },
    );
}

/** A new meeting (a draft only its organisers see), its chair and secretary invited with their roles. */
export async function createMeeting(actor: MeetingActor, input: MeetingInput): Promise<Meeting> {
  authorize(actor.user, 'meetings.create');
  return withTransaction(db(), undefined, async (transaction) => {
    const agencyId = actor.user.agencyId;
    await checkPeopleAndRoom(agencyId, input, transaction);
    const meeting = await Meeting.create(
      {
        ...meetingFields(input),
        agencyId,
        organiserId: actor.user.id,
        checkInToken: randomBytes(32).toString('base64url'),
      },
      { transaction },
    );
    await placeLead(meeting, 'chair', input.chairId, transaction);
    await placeLead(meeting, 'secretary', input.secretaryId, transaction);
    await auditMeeting(
      actor,
      'meeting.create',
      meeting.id,
      { ...meetingFields(input) },
      transaction,
    );
    return meeting;
  });
}

const ACTIVE: MeetingStatus[] = ['published', 'in_progress'];

/** Edits the meeting's fields; once published, a change of time or place is told to everyone. */
export async function updateMeeting(
  actor: MeetingActor,
  meetingId: number,
  input: MeetingInput,
): Promise<Meeting> {
  return withTransaction(db(), undefined, async (transaction) => {
    const access = await manageableMeeting(actor, meetingId, transaction);
    const { meeting } = access;
    await checkPeopleAndRoom(meeting.agencyId, input, transaction);
    const after = meetingFields(input);
    const before = Object.fromEntries(
      Object.keys(after).map((k) => [k, meeting.get(k as keyof typeof after)]),
    );
    const moved =
      meeting.startsAt.getTime() !== after.startsAt.getTime() ||
      meeting.endsAt.getTime() !== after.endsAt.getTime() ||
      meeting.roomId !== after.roomId ||
      meeting.onlineUrl !== after.onlineUrl;
    await meeting.update(after, { transaction });
    if (before.chairId !== after.chairId)
      await placeLead(meeting, 'chair', after.chairId, transaction);
    if (before.secretaryId !== after.secretaryId)
      await placeLead(meeting, 'secretary', after.secretaryId, transaction);
    await auditMeeting(actor, 'meeting.update', meeting.id, { before, after }, transaction);
    if (ACTIVE.includes(meeting.status)) {
      if (moved)
        await notifyMeeting(
          inviteeIds(access.participants),
          'changed',
          meeting,
          actor.user.id,
          transaction,
        );
      publishMeetingEvent(
        { meetingId: meeting.id, type: 'meeting.changed', data: {} },
        { transaction },
      );
    }
    return meeting;
  });
}

/** Publishes a draft: the invitees see it and its documents, and are told (bell and mail). */
export async function publishMeeting(actor: MeetingActor, meetingId: number): Promise<Meeting> {
  return withTransaction(db(), undefined, async (transaction) => {
    const access = await manageableMeeting(actor, meetingId, transaction);
    const { meeting } = access;
    if (meeting.status !== 'draft') throw new AppError('MEETING_NOT_DRAFT', 409);
    await meeting.update({ status: 'published', publishedAt: new Date() }, { transaction });
    await notifyMeeting(
      inviteeIds(access.participants),
      'invited',
      meeting,
      actor.user.id,
      transaction,
    );
    await auditMeeting(
      actor,
      'meeting.publish',
      meeting.id,
      { invited: access.participants.length },
      transaction,
    );
    publishMeetingEvent(
      { meetingId: meeting.id, type: 'meeting.published', data: {} },
      { transaction },
    );
    return meeting;
  });
}

/**
 * Cancels a meeting not yet opened, with the reason; the invitees of a published one are told,
 * and its open written opinions end (no ballot is taken for a cancelled meeting).
 */
export async function cancelMeeting(
  actor: MeetingActor,
  meetingId: number,
  reason: string,
): Promise<Meeting> {
  return withTransaction(db(), undefined, async (transaction) => {
    const openVotes = await lockOpenVotes(meetingId, VOTE_MODES, transaction);
    const access = await manageableMeeting(actor, meetingId, transaction);
    const { meeting } = access;
    const wasPublished = meeting.status === 'published';
    if (meeting.status !== 'draft' && !wasPublished)
      throw new AppError('MEETING_CANNOT_CANCEL', 409);
    await finishOpenVotes(
      await withVotesOpenedMeanwhile(openVotes, meetingId, VOTE_MODES, transaction),
      actor,
      transaction,
    );
    await meeting.update(
      { status: 'cancelled', cancelledAt: new Date(), cancelReason: reason },
      { transaction },
    );
    if (wasPublished)
      await notifyMeeting(
        inviteeIds(access.participants),
        'cancelled',
        meeting,
        actor.user.id,
        transaction,
        { reason },
      );
    await auditMeeting(actor, 'meeting.cancel', meeting.id, { reason }, transaction);
    publishMeetingEvent(
      { meetingId: meeting.id, type: 'meeting.cancelled', data: { reason } },
      { transaction },
    );
    return meeting;
  });
}

/** An agenda item with its presenter and documents. */
export type AgendaItem = MeetingItem & { documents: MeetingItemDocument[] };

/** The meeting's agenda in order (withdrawn items included), each item with its documents. */
export async function listAgenda(
  meetingId: number,
  transaction?: Transaction,
): Promise<AgendaItem[]> {
  const items = await MeetingItem.findAll({
    where: { meetingId },
    include: [
      { model: MeetingItemDocument, as: 'documents' },
      { model: User, as: 'presenter', attributes: ['id', 'fullName', 'positionTitle'] },
    ],
    order: [
      ['position', 'ASC'],
      ['id', 'ASC'],
      [{ model: MeetingItemDocument, as: 'documents' }, 'id', 'ASC'],
    ],
    transaction,
  });
  return items as AgendaItem[];
}

/**
 * After a change of the agenda of a published meeting: one notification per person for the
 * whole change, and agenda.changed for the pages following it.
 */
export async function agendaChanged(
  access: MeetingAccess,
  actor: MeetingActor,
  transaction: Transaction,
  change: Record<string, unknown>,
): Promise<void> {
  if (!ACTIVE.includes(access.meeting.status)) return;
  await notifyMeeting(
    inviteeIds(access.participants),
    'agendaChanged',
    access.meeting,
    actor.user.id,
    transaction,
  );
  publishMeetingEvent(
    { meetingId: access.meeting.id, type: 'agenda.changed', data: change },
    { transaction },
  );
}

/** An item of this meeting, or 404. */
export async function itemOf(
  meetingId: number,
  itemId: number,
  transaction?: Transaction,
): Promise<MeetingItem> {
  const item = Number.isSafeInteger(itemId)
    ? await MeetingItem.findOne({ where: { id: itemId, meetingId }, transaction })
    : null;
  if (!item) throw new AppError('MEETING_ITEM_NOT_FOUND', 404);
  return item;
}

/** A presenter must be a person of the meeting's agency or one of its invitees. */
async function checkPresenter(
  access: MeetingAccess,
  presenterId: number | undefined,
  transaction: Transaction,
): Promise<void> {
  if (!presenterId) return;
  if (access.participants.some((p) => p.userId === presenterId)) return;
  const person = await User.findOne({
    where: {
      id: presenterId,
      agencyId: access.meeting.agencyId,
      isActive: true,
      [Op.and]: [User.whereTakesPart()],
    },
    attributes: ['id'],
    transaction,
  });
  if (!person) throw unprocessable({ presenterId: 'errors:MEETING_PERSON_UNKNOWN' });
}

const itemFields = (input: ItemInput) => ({
  title: input.title,
  presenterId: input.presenterId ?? null,
  presenterName: input.presenterId ? null : (input.presenterName ?? null),
  plannedMinutes: input.plannedMinutes ?? null,
  confidentiality: input.confidentiality,
});

/** Adds an item at the end of the agenda. */
export async function addItem(
  actor: MeetingActor,
  meetingId: number,
  input: ItemInput,
): Promise<MeetingItem> {
  return withTransaction(db(), undefined, async (transaction) => {
    const access = await manageableMeeting(actor, meetingId, transaction);
    await checkPresenter(access, input.presenterId, transaction);
    const last = (await MeetingItem.max<number, MeetingItem>('position', {
      where: { meetingId },
      transaction,
    })) as number | null;
    const item = await MeetingItem.create(
      { meetingId, position: Number(last ?? 0) + 1, ...itemFields(input) },
      { transaction },
    );
    await auditMeeting(
      actor,
      'meeting.item.add',
      meetingId,
      { itemId: item.id, ...itemFields(input) },
      transaction,
    );
    await agendaChanged(access, actor, transaction, { itemId: item.id, change: 'added' });
    return item;
  });
}

function refuseWithdrawn(item: MeetingItem): void {
  if (item.status === 'withdrawn') throw new AppError('MEETING_ITEM_WITHDRAWN', 409);
}

/** Edits an item (not a withdrawn one). */
export async function updateItem(
  actor: MeetingActor,
  meetingId: number,
  itemId: number,
  input: ItemInput,
): Promise<MeetingItem> {
  return withTransaction(db(), undefined, async (transaction) => {
    const access = await manageableMeeting(actor, meetingId, transaction);
    const item = await itemOf(meetingId, itemId, transaction);
    refuseWithdrawn(item);
    await checkPresenter(access, input.presenterId, transaction);
    // Its linked documents keep their độ mật: the item is not made less secret than they are.
    if (input.confidentiality < (await highestLinkedConfidentiality(item.id, transaction)))
      throw unprocessable({ confidentiality: 'errors:MEETING_ITEM_BELOW_LINKED' });
    const after = itemFields(input);
    const before = Object.fromEntries(
      Object.keys(after).map((k) => [k, item.get(k as keyof typeof after)]),
    );
    await item.update(after, { transaction });
    await auditMeeting(
      actor,
      'meeting.item.update',
      meetingId,
      { itemId, before, after },
      transaction,
    );
    await agendaChanged(access, actor, transaction, { itemId, change: 'updated' });
    return item;
  });
}

/** Moves an item one place up or down, or to a position (1 = first); positions become 1…n. */
export async function moveItem(
  actor: MeetingActor,
  meetingId: number,
  itemId: number,
  input: MoveItemInput,
): Promise<void> {
  await withTransaction(db(), undefined, async (transaction) => {
    const access = await manageableMeeting(actor, meetingId, transaction);
    const items = await MeetingItem.findAll({
      where: { meetingId },
      order: [
        ['position', 'ASC'],
        ['id', 'ASC'],
      ],
      transaction,
    });
    const from = items.findIndex((i) => i.id === itemId);
    if (from < 0) throw new AppError('MEETING_ITEM_NOT_FOUND', 404);
    let to = from;
    if (input.position) to = Math.min(items.length, input.position) - 1;
    else if (input.direction === 'up') to = Math.max(0, from - 1);
    else if (input.direction === 'down') to = Math.min(items.length - 1, from + 1);
    const [moved] = items.splice(from, 1);
    items.splice(to, 0, moved!);
    for (const [index, item] of items.entries()) {
      if (item.position !== index + 1) await item.update({ position: index + 1 }, { transaction });
    }
    await auditMeeting(
      actor,
      'meeting.item.move',
      meetingId,
      { itemId, from: from + 1, to: to + 1 },
      transaction,
    );
    if (from !== to) await agendaChanged(access, actor, transaction, { itemId, change: 'moved' });
  });
}

/** Withdraws an item not yet discussed, with the reason; the organisers still see it, struck out. */
export async function withdrawItem(
  actor: MeetingActor,
  meetingId: number,
  itemId: number,
  reason: string,
): Promise<MeetingItem> {
  return withTransaction(db(), undefined, async (transaction) => {
    const access = await manageableMeeting(actor, meetingId, transaction);
    const item = await itemOf(meetingId, itemId, transaction);
    refuseWithdrawn(item);
    if (item.status !== 'planned') throw new AppError('MEETING_ITEM_STARTED', 409);
    await item.update(
      { status: 'withdrawn', withdrawnAt: new Date(), withdrawnReason: reason },
      { transaction },
    );
    await auditMeeting(actor, 'meeting.item.withdraw', meetingId, { itemId, reason }, transaction);
    await agendaChanged(access, actor, transaction, { itemId, change: 'withdrawn' });
    return item;
  });
}
