/**
 * The event stream of a meeting (server-sent events) for its live pages and the room display.
 * Each process keeps its open streams by meeting and writes to them the committed events it
 * receives (from Redis with REDIS_URL, else from this process): no stream reads the database on
 * its own, except once at connect to catch up from Last-Event-ID. A person gets only what they
 * may see: an item's details only when cleared for it, no voter for a secret vote, an organisers'
 * event only as an organiser; when the meeting's people change, each stream of it is judged
 * again (one read for the meeting) and closed for whoever lost access.
 */
import type { Request, Response } from 'express';
import { Op } from 'sequelize';
import type { User } from '../users/user.model.js';
import { Meeting, MeetingParticipant } from './meeting.model.js';
import { MeetingEventRow } from './meeting-live.model.js';
import { meetingRolesOf, reachesMeeting, type MeetingAccess } from './meetings.access.js';
import {
  loggedEventOf,
  meetingEventsReady,
  onMeetingEvent,
  type LoggedMeetingEvent,
} from './meetings.events.js';
import { canViewMeeting, organises } from './meetings.policy.js';

interface Client {
  res: Response;
  user: User;
  meetingId: number;
  isOrganiser: boolean;
  /**
   * While the stream catches up: the ids sent from the log, and the live events that arrived
   * meanwhile (sent after, each once). Afterwards null: live events are sent as they come, in
   * the order Redis hands them over (two processes' commits may cross: none is dropped).
   */
  catchUp: { sent: Set<number>; pending: LoggedMeetingEvent[] } | null;
}

const HEARTBEAT_MS = 20_000;
/** A stream ends after this long; the browser reconnects (signing in again) from its last id. */
const STREAM_LIFETIME_MS = 30 * 60_000;
/** A client further behind than this reloads the page instead of replaying the log. */
const CATCH_UP_LIMIT = 500;
/**
 * Streams one person may hold open on one meeting in a process (a tablet, a phone, the screen…):
 * a newer one closes their oldest, so a reconnecting device never waits and a script opening
 * streams in a loop cannot pile up sockets and memory.
 */
export const STREAMS_PER_PERSON = 6;
const VOTER_KEYS = new Set([
  'voterId',
  'voterName',
  'userId',
  'participantId',
  'voters',
  'ballots',
]);
/** Events that may change who sees the meeting: every stream of it is judged again. */
const ACCESS_EVENT = /^(meeting|participants?|rsvp|invitation)\./;

const rooms = new Map<number, Set<Client>>();
let unsubscribe: (() => void) | null = null;
let heartbeat: NodeJS.Timeout | null = null;

/** What one person sees of an event, or null when it is not for them. */
export function viewOfEvent(
  event: LoggedMeetingEvent,
  viewer: { clearance: number; isOrganiser: boolean },
): Record<string, unknown> | null {
  if (event.audience === 'organisers' && !viewer.isOrganiser) return null;
  let data = event.clearance > viewer.clearance ? event.redacted : event.data;
  if (!data) return null;
  // A secret vote (phiếu kín) never names a voter, whatever the event carries.
  if (event.type.startsWith('vote.') && data.secret === true) {
    data = Object.fromEntries(Object.entries(data).filter(([k]) => !VOTER_KEYS.has(k)));
  }
  return data;
}

function frameOf(event: LoggedMeetingEvent, data: Record<string, unknown>): string {
  return `id: ${event.id}\ndata: ${JSON.stringify({ type: event.type, data, at: event.at })}\n\n`;
}

/** The event after which a meeting has nothing live left: its streams end once it is sent. */
const LAST_EVENT = 'meeting.closed';

function send(client: Client, event: LoggedMeetingEvent, cache: Map<string, string>): void {
  if (client.catchUp?.sent.has(event.id) || client.res.writableEnded) return;
  write(client, event, cache);
  // Kept open, the stream would idle until its lifetime ends and then be asked for again (204).
  if (event.type === LAST_EVENT) end(client);
}

function write(client: Client, event: LoggedMeetingEvent, cache: Map<string, string>): void {
  const data = viewOfEvent(event, {
    clearance: client.user.secretClearance ?? 0,
    isOrganiser: client.isOrganiser,
  });
  if (!data) return;
  // The same view is serialised once for every stream that gets it.
  const key = data === event.data ? 'full' : data === event.redacted ? 'redacted' : 'other';
  let frame = cache.get(key);
  if (frame === undefined) {
    frame = frameOf(event, data);
    if (key !== 'other') cache.set(key, frame);
  }
  client.res.write(frame);
}

function end(client: Client): void {
  const room = rooms.get(client.meetingId);
  room?.delete(client);
  if (room && room.size === 0) rooms.delete(client.meetingId);
  if (!client.res.writableEnded) client.res.end();
}

/** Judges every stream of the meeting again after a change of its people or status. */
async function recheck(meetingId: number): Promise<void> {
  const room = rooms.get(meetingId);
  if (!room?.size) return;
  const meeting = await Meeting.findByPk(meetingId);
  const participants = meeting
    ? await MeetingParticipant.findAll({ where: { meetingId }, order: [['id', 'ASC']] })
    : [];
  for (const client of [...room]) {
    const mine = participants.find((p) => p.userId === client.user.id) ?? null;
    const access: MeetingAccess | null =
      meeting && reachesMeeting(client.user, meeting, participants)
        ? {
            meeting,
            participants,
            mine,
            deputyFor: participants.filter(
              (p) => p.deputyUserId === client.user.id && p.rsvp === 'deputy',
            ),
            roles: meetingRolesOf(client.user.id, meeting, participants),
          }
        : null;
    if (!access || !canViewMeeting(client.user, access) || meeting!.status === 'cancelled') {
      client.res.write('event: closed\ndata: {}\n\n');
      end(client);
    } else client.isOrganiser = organises(access);
  }
}

function deliverNow(event: LoggedMeetingEvent): void {
  const room = rooms.get(event.meetingId);
  if (!room) return;
  const cache = new Map<string, string>();
  for (const client of room) {
    if (client.catchUp) client.catchUp.pending.push(event);
    else send(client, event, cache);
  }
  if (ACCESS_EVENT.test(event.type)) void recheck(event.meetingId).catch(() => undefined);
}

/**
 * A running count (an event type ending in ".progress", e.g. ballots cast) matters only as its
 * latest value: per meeting and type, one is written to the streams at most every
 * PROGRESS_EVERY_MS, the latest of those that came meanwhile (500 ballots in 10 s to 2,000 open
 * pages would otherwise be a million writes). The log keeps them all.
 */
const PROGRESS_EVERY_MS = 250;
const progress = new Map<string, { latest: LoggedMeetingEvent | null; timer: NodeJS.Timeout }>();

function deliver(event: LoggedMeetingEvent): void {
  if (!event.type.endsWith('.progress')) {
    // A held count goes out first, so it never arrives after what it preceded (a vote's close).
    for (const [key, held] of progress)
      if (held.latest && key.startsWith(`${event.meetingId}:`)) {
        deliverNow(held.latest);
        held.latest = null;
      }
    return deliverNow(event);
  }
  const key = `${event.meetingId}:${event.type}`;
  const held = progress.get(key);
  if (held) {
    if (!held.latest || held.latest.id < event.id) held.latest = event;
    return;
  }
  deliverNow(event);
  const window = {
    latest: null as LoggedMeetingEvent | null,
    timer: setTimeout(() => {
      progress.delete(key);
      if (window.latest) deliver(window.latest);
    }, PROGRESS_EVERY_MS),
  };
  window.timer.unref();
  progress.set(key, window);
}

function start(): void {
  if (unsubscribe) return;
  unsubscribe = onMeetingEvent(deliver);
  heartbeat = setInterval(() => {
    for (const room of rooms.values())
      for (const c of room) if (!c.res.writableEnded) c.res.write(': hb\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();
}

/** The last event id the client saw: the Last-Event-ID header, else ?lastEventId. */
export function lastEventIdOf(req: Request): number {
  const raw = req.get('last-event-id') ?? req.query.lastEventId;
  const n = typeof raw === 'string' && /^\d{1,10}$/.test(raw) ? Number(raw) : 0;
  return Number.isSafeInteger(n) ? n : 0;
}

/** The newest event id of a meeting (a page rendered now follows from there). */
export async function lastEventIdOfMeeting(meetingId: number): Promise<number> {
  const row = await MeetingEventRow.findOne({
    where: { meetingId },
    attributes: ['id'],
    order: [['id', 'DESC']],
  });
  return row?.id ?? 0;
}

/**
 * Serves the event stream of a meeting the person may follow (the caller authorized it): the
 * events after their last id from the log, then live ones as they are committed.
 */
export async function openEventStream(
  req: Request,
  res: Response,
  access: MeetingAccess,
): Promise<void> {
  start();
  const meetingId = access.meeting.id;
  if (access.meeting.status === 'closed') {
    // Nothing more happens live in a closed meeting: 204 tells EventSource not to reconnect.
    res.status(204).end();
    return;
  }
  const lastId = lastEventIdOf(req);
  // Subscribed before the stream opens, so an event committed from now on reaches it.
  await meetingEventsReady();
  res.status(200);
  res.set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  req.socket.setNoDelay(true);
  req.socket.setTimeout(0);
  res.write('retry: 3000\n\n');
  const client: Client = {
    res,
    user: req.user!,
    meetingId,
    isOrganiser: organises(access),
    catchUp: { sent: new Set(), pending: [] },
  };
  const own = [...(rooms.get(meetingId) ?? [])].filter((c) => c.user.id === client.user.id);
  for (const oldest of own.slice(0, Math.max(0, own.length - STREAMS_PER_PERSON + 1))) end(oldest);
  let room = rooms.get(meetingId);
  if (!room) rooms.set(meetingId, (room = new Set()));
  room.add(client);
  const lifetime = setTimeout(() => end(client), STREAM_LIFETIME_MS);
  lifetime.unref();
  req.on('close', () => {
    clearTimeout(lifetime);
    end(client);
  });

  const cache = new Map<string, string>();
  if (lastId > 0) {
    const missed = await MeetingEventRow.findAll({
      where: { meetingId, id: { [Op.gt]: lastId } },
      order: [['id', 'ASC']],
      limit: CATCH_UP_LIMIT + 1,
    });
    if (missed.length > CATCH_UP_LIMIT) {
      // Too far behind: the page reloads (its state is read afresh) rather than replaying.
      res.write('event: reload\ndata: {}\n\n');
      end(client);
      return;
    }
    for (const row of missed) {
      send(client, loggedEventOf(row), new Map());
      client.catchUp!.sent.add(row.id);
    }
  }
  const { pending } = client.catchUp!;
  for (const event of pending) if (event.id > lastId) send(client, event, cache);
  client.catchUp = null;
}

/** Open streams in this process (tests, the benchmark). */
export function openStreamCount(meetingId?: number): number {
  if (meetingId !== undefined) return rooms.get(meetingId)?.size ?? 0;
  let n = 0;
  for (const room of rooms.values()) n += room.size;
  return n;
}
