import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import type { Transaction } from 'sequelize';
import type { Logger } from 'pino';
import { db } from '../db/index.js';
import { atTransactionEnd, FINAL_STEP, withTransaction } from '../db/transaction.js';
import { MeetingEventRow } from './meeting-live.model.js';

/** One change of a meeting that every open page of it follows (item moved, speaker, vote…). */
export interface MeetingEvent {
  meetingId: number;
  type: string;
  data: Record<string, unknown>;
  /**
   * The confidentiality (độ mật) of what data tells: a person whose clearance is lower gets
   * `redacted` instead (nothing when it is absent). 0 (the default): everyone who sees the meeting.
   */
  clearance?: number;
  redacted?: Record<string, unknown> | null;
  /** 'organisers': only the chair, the secretary and the organiser get it. */
  audience?: 'organisers' | null;
}

/** An event as logged: its id is the server-sent event id. */
export interface LoggedMeetingEvent {
  id: number;
  meetingId: number;
  type: string;
  data: Record<string, unknown>;
  clearance: number;
  redacted: Record<string, unknown> | null;
  audience: 'organisers' | null;
  at: string;
}

const CHANNEL = 'eoffice:meeting-events';
const local = new EventEmitter();
local.setMaxListeners(0);

interface RedisLink {
  url: string;
  publisher: Redis;
  subscriber: Redis;
}
let redis: RedisLink | null = null;
let log: Pick<Logger, 'warn'> = { warn: () => undefined };

function connect(url: string): Redis {
  // Commands wait (queued) while Redis reconnects instead of failing the chair's request.
  return new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2 });
}

/**
 * Chooses how committed events reach the pages: with a Redis URL, through its pub/sub (one
 * publisher and one subscriber connection per process), so every process and machine serving
 * the room delivers them; without, in this process only. Called once per process (createApp);
 * calling it again with the same URL changes nothing.
 */
export function configureMeetingEvents(redisUrl: string, logger?: Pick<Logger, 'warn'>): void {
  if (logger) log = logger;
  const url = redisUrl.trim();
  if ((redis?.url ?? '') === url) return;
  void closeMeetingEvents();
  if (!url) return;
  const subscriber = connect(url);
  subscriber.on('error', (err: unknown) => log.warn({ err }, 'meeting events: Redis subscriber'));
  void subscriber.subscribe(CHANNEL).catch((err: unknown) => {
    log.warn({ err }, 'meeting events: Redis subscribe failed');
  });
  subscriber.on('message', (_channel: string, message: string) => {
    let event: LoggedMeetingEvent;
    try {
      event = JSON.parse(message) as LoggedMeetingEvent;
    } catch {
      return;
    }
    local.emit('event', event);
  });
  const publisher = connect(url);
  publisher.on('error', (err: unknown) => log.warn({ err }, 'meeting events: Redis publisher'));
  redis = { url, publisher, subscriber };
}

/** Closes the Redis connections of this process (shutdown, tests). */
export async function closeMeetingEvents(): Promise<void> {
  const link = redis;
  redis = null;
  if (!link) return;
  await Promise.allSettled([link.subscriber.quit(), link.publisher.quit()]);
}

/** Whether events go through Redis in this process. */
export const meetingEventsUseRedis = (): boolean => redis !== null;

let ready: { link: RedisLink; promise: Promise<void> } | null = null;

/** Resolves once this process's Redis subscription is in place (immediately without Redis). */
export function meetingEventsReady(): Promise<void> {
  const link = redis;
  if (!link) return Promise.resolve();
  if (ready?.link !== link) {
    const { subscriber } = link;
    // SUBSCRIBE is sent first on the connection; a PING answered after it means it is active.
    const promise = subscriber.ping().then(() => undefined);
    ready = { link, promise };
    promise.catch(() => {
      if (ready?.promise === promise) ready = null;
    });
  }
  return ready.promise;
}

function fanOut(event: LoggedMeetingEvent): void {
  if (!redis) {
    local.emit('event', event);
    return;
  }
  redis.publisher.publish(CHANNEL, JSON.stringify(event)).catch((err: unknown) => {
    // Redis away: this process's pages still get it; the others catch up from the log.
    log.warn({ err }, 'meeting events: Redis publish failed');
    local.emit('event', event);
  });
}

export function loggedEventOf(row: MeetingEventRow): LoggedMeetingEvent {
  return {
    id: row.id,
    meetingId: row.meetingId,
    type: row.type,
    data: row.data,
    clearance: row.clearance ?? 0,
    redacted: row.redactedData ?? null,
    audience: row.audience ?? null,
    at: row.createdAt.toISOString(),
  };
}

/**
 * Announces a change of a meeting to the pages following it. The event is written to the log in
 * the caller's transaction (so its id exists and it rolls back with the change), and delivered
 * once the change is committed: through Redis when REDIS_URL is set, else in this process.
 * The write is awaited before a transaction of withTransaction commits, so a caller that does not
 * await it still commits the event with its change (and a failed write rolls the change back).
 */
export function publishMeetingEvent(
  event: MeetingEvent,
  options: { transaction?: Transaction | null } = {},
): Promise<LoggedMeetingEvent> {
  const result = withTransaction(db(), options, (transaction) => {
    const write = MeetingEventRow.create(
      {
        meetingId: event.meetingId,
        type: event.type,
        data: event.data,
        clearance: event.clearance ?? 0,
        redactedData: event.redacted ?? null,
        audience: event.audience ?? null,
        createdAt: new Date(),
      },
      { transaction },
    ).then((row) => {
      const logged = loggedEventOf(row);
      transaction.afterCommit(() => fanOut(logged));
      return logged;
    });
    atTransactionEnd(
      transaction,
      async () => {
        await write;
      },
      FINAL_STEP.meetingEvents,
    );
    return write;
  });
  // The caller's await gets a failure; one that does not await is not an unhandled rejection.
  result.catch(() => undefined);
  return result;
}

/**
 * Subscribes to committed meeting events: of every process when events go through Redis, else of
 * this process. Returns the unsubscribe function.
 */
export function onMeetingEvent(listener: (event: LoggedMeetingEvent) => void): () => void {
  local.on('event', listener);
  return () => local.off('event', listener);
}
