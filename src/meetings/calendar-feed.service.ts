/**
 * A person's iCalendar feed (issue 13 §1): a secret address /calendar/ical/<token>.ics, created and
 * revoked on the profile page, that a calendar application reads without a session. Only the
 * token's SHA-256 is stored (like access tokens); creating a new address revokes the old one.
 * The feed lists the meetings the person is invited to, chairs, organises or is the named deputy
 * for: title, time, place and a link (never the agenda), each with a SEQUENCE that grows when the
 * meeting changes and STATUS:CANCELLED once it is cancelled.
 */
import { randomBytes } from 'node:crypto';
import ical, { ICalEventStatus } from 'ical-generator';
import { Op } from 'sequelize';
import { recordAudit } from '../audit/audit.service.js';
import { db } from '../db/index.js';
import { withTransaction } from '../db/transaction.js';
import { hashToken } from '../http/auth.js';
import type { Actor } from '../http/request-context.js';
import { authorize, can } from '../policy/index.js';
import { User } from '../users/user.model.js';
import { CalendarFeedToken } from './meeting-calendar.model.js';
import { Meeting, MeetingParticipant, MeetingRoom } from './meeting.model.js';
import { meetingRolesOf } from './meetings.access.js';

/** How far back the feed reaches; meetings further back are of no use to a calendar. */
const FEED_PAST_DAYS = 90;
const FEED_MAX_EVENTS = 1000;
/** lastUsedAt is written at most this often (a calendar polls every few minutes). */
const TOUCH_EVERY_MS = 10 * 60_000;

let baseUrl = 'http://localhost:3000';

/** The public address the feed's links and URL use (set once at startup). */
export function configureCalendarFeed(url: string): void {
  baseUrl = url.replace(/\/+$/, '');
}

export const feedUrlOf = (token: string) => `${baseUrl}/calendar/ical/${token}.ics`;

/** The person's active feed token row (its creation and last use; the token is never kept). */
export function activeFeedOf(userId: number): Promise<CalendarFeedToken | null> {
  return CalendarFeedToken.findOne({ where: { userId, revokedAt: null } });
}

/** A new feed address for the person (any earlier one stops working); the token, shown once. */
export async function createFeedToken(actor: Actor): Promise<{ token: string; url: string }> {
  authorize(actor.user, 'meetings.calendar.feed');
  const token = randomBytes(32).toString('base64url');
  await withTransaction(db(), undefined, async (transaction) => {
    const revoked = await CalendarFeedToken.update(
      { revokedAt: new Date() },
      { where: { userId: actor.user.id, revokedAt: null }, transaction },
    );
    const row = await CalendarFeedToken.create(
      { userId: actor.user.id, tokenHash: hashToken(token) },
      { transaction },
    );
    await recordAudit(
      {
        action: 'calendar_feed.create',
        userId: actor.user.id,
        ip: actor.ip,
        entityType: 'user',
        entityId: actor.user.id,
        details: { feedId: row.id, revoked: revoked[0] },
      },
      { transaction },
    );
  });
  return { token, url: feedUrlOf(token) };
}

/** Revokes the person's feed address; false when they had none. */
export async function revokeFeedToken(actor: Actor): Promise<boolean> {
  authorize(actor.user, 'meetings.calendar.feed');
  return withTransaction(db(), undefined, async (transaction) => {
    const [count] = await CalendarFeedToken.update(
      { revokedAt: new Date() },
      { where: { userId: actor.user.id, revokedAt: null }, transaction },
    );
    if (count > 0)
      await recordAudit(
        {
          action: 'calendar_feed.revoke',
          userId: actor.user.id,
          ip: actor.ip,
          entityType: 'user',
          entityId: actor.user.id,
        },
        { transaction },
      );
    return count > 0;
  });
}

/** The owner of a feed token, or null (unknown, revoked, or the person may no longer use it). */
export async function feedOwnerOf(token: string): Promise<User | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const row = await CalendarFeedToken.findOne({
    where: { tokenHash: hashToken(token), revokedAt: null },
  });
  if (!row) return null;
  const user = await User.findByPk(row.userId);
  if (!user || !can(user, 'meetings.calendar.feed')) return null;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS)
    await row.update({ lastUsedAt: new Date() });
  return user;
}

/** The meetings of a person's feed: theirs as organiser, chair, secretary, invitee or deputy. */
async function meetingsOf(user: User): Promise<{ meeting: Meeting; rows: MeetingParticipant[] }[]> {
  const since = new Date(Date.now() - FEED_PAST_DAYS * 24 * 3600_000);
  const mine = await MeetingParticipant.findAll({
    where: {
      [Op.or]: [{ userId: user.id }, { deputyUserId: user.id, rsvp: 'deputy' }],
    },
    attributes: ['meetingId'],
  });
  const meetings = await Meeting.findAll({
    where: {
      startsAt: { [Op.gte]: since },
      status: { [Op.ne]: 'draft' },
      [Op.or]: [
        { organiserId: user.id },
        { chairId: user.id },
        { secretaryId: user.id },
        { id: [...new Set(mine.map((p) => p.meetingId))] },
      ],
    },
    order: [['startsAt', 'ASC']],
    limit: FEED_MAX_EVENTS,
  });
  const rows = meetings.length
    ? await MeetingParticipant.findAll({
        where: {
          meetingId: meetings.map((m) => m.id),
          [Op.or]: [{ userId: user.id }, { deputyUserId: user.id }],
        },
      })
    : [];
  return meetings
    .map((meeting) => ({ meeting, rows: rows.filter((r) => r.meetingId === meeting.id) }))
    .filter(({ meeting, rows }) => {
      const roles = meetingRolesOf(user.id, meeting, rows);
      // An invitee who declined, or who sent a deputy, is not expected there.
      const own = rows.find((r) => r.userId === user.id);
      const declined = own && (own.rsvp === 'absent' || own.rsvp === 'deputy') && roles.size === 1;
      return roles.size > 0 && !declined;
    });
}

/** The SEQUENCE of a meeting's event: grows with every change of the meeting's row. */
export const sequenceOf = (m: Meeting) =>
  Math.max(0, Math.floor((m.updatedAt.getTime() - m.createdAt.getTime()) / 1000));

/** The feed of a person as iCalendar text. */
export async function feedFor(user: User): Promise<string> {
  const host = new URL(baseUrl).host || 'eoffice';
  const calendar = ical({
    name: `Lịch họp - ${user.fullName}`,
    prodId: { company: 'eOffice', product: 'meetings', language: 'VI' },
    ttl: 15 * 60,
  });
  const list = await meetingsOf(user);
  const rooms = new Map(
    (
      await MeetingRoom.findAll({
        where: { id: list.map(({ meeting }) => meeting.roomId ?? 0).filter(Boolean) },
      })
    ).map((r) => [r.id, [r.name, r.location].filter(Boolean).join(', ')]),
  );
  for (const { meeting } of list) {
    const page = `${baseUrl}/meetings/${meeting.id}`;
    calendar.createEvent({
      id: `meeting-${meeting.id}@${host}`,
      sequence: sequenceOf(meeting),
      stamp: meeting.updatedAt,
      start: meeting.startsAt,
      end: meeting.endsAt,
      summary: meeting.title,
      location: (meeting.roomId ? rooms.get(meeting.roomId) : null) ?? meeting.onlineUrl ?? null,
      description: [meeting.onlineUrl ? `Họp trực tuyến: ${meeting.onlineUrl}` : null, page]
        .filter(Boolean)
        .join('\n'),
      url: page,
      status:
        meeting.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
  }
  return calendar.toString();
}
