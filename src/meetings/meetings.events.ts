import { EventEmitter } from 'node:events';
import type { Transaction } from 'sequelize';

/** One change of a meeting that every open page of it follows (item moved, speaker, vote…). */
export interface MeetingEvent {
  meetingId: number;
  type: string;
  data: Record<string, unknown>;
}

const local = new EventEmitter();
local.setMaxListeners(0);

/**
 * Announces a change of a meeting to the pages following it, once the change is committed (never
 * for a change that rolls back). The live room (meetings.live.ts) owns delivery: it keeps the
 * event log for reconnecting clients and fans out through Redis when REDIS_URL is set.
 */
export function publishMeetingEvent(
  event: MeetingEvent,
  options: { transaction?: Transaction | null } = {},
): void {
  const emit = () => {
    local.emit('event', event);
  };
  if (options.transaction) options.transaction.afterCommit(emit);
  else emit();
}

/** Subscribes to committed meeting events of this process; returns the unsubscribe function. */
export function onMeetingEvent(listener: (event: MeetingEvent) => void): () => void {
  local.on('event', listener);
  return () => local.off('event', listener);
}
