/**
 * Meeting reminders (issue 13 §1): the day before (from 24 hours before the start) and an hour
 * before, to every invitee who has not declined and to the deputies named in their place, by bell
 * and by mail. Each reminder is claimed by a row of meeting_reminders, unique per meeting, kind
 * and start time, in the transaction that writes the notifications: however many processes run
 * the check, one sends it; a meeting moved to another time is reminded again for the new time.
 */
import { Op, UniqueConstraintError } from 'sequelize';
import type { Logger } from 'pino';
import { recordAudit } from '../audit/audit.service.js';
import { db } from '../db/index.js';
import { withTransaction } from '../db/transaction.js';
import { notify } from '../notifications/notification.service.js';
import { User } from '../users/user.model.js';
import { MeetingReminder, type ReminderKind } from './meeting-calendar.model.js';
import { Meeting, MeetingParticipant, MeetingRoom } from './meeting.model.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** Which reminder is due for a meeting starting at `startsAt`, at `now` (null: none yet). */
export function dueReminder(startsAt: Date, now: Date): ReminderKind | null {
  const left = startsAt.getTime() - now.getTime();
  if (left <= 0 || left > DAY) return null;
  return left <= HOUR ? 'hour_before' : 'day_before';
}

/** "08:30 ngày 18/12/2026" in Vietnam time. */
export function meetingTimeText(d: Date): string {
  const v = new Date(d.getTime() + 7 * HOUR);
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())} ` +
    `${pad(v.getUTCDate())}/${pad(v.getUTCMonth() + 1)}/${v.getUTCFullYear()}`
  );
}

/** Who is reminded: invitees who have not declined, and the deputy in place of one who sent one. */
export function reminderRecipients(participants: readonly MeetingParticipant[]): number[] {
  const ids = new Set<number>();
  for (const p of participants) {
    if (p.rsvp === 'deputy' && p.deputyUserId) ids.add(p.deputyUserId);
    else if (p.userId && (p.rsvp === 'pending' || p.rsvp === 'attend')) ids.add(p.userId);
  }
  return [...ids];
}

export interface ReminderRun {
  meetingId: number;
  kind: ReminderKind;
  recipients: number;
}

/** Sends one reminder unless another process (or an earlier run) already claimed it. */
async function sendOne(meeting: Meeting, kind: ReminderKind): Promise<ReminderRun | null> {
  return withTransaction(db(), {}, async (transaction) => {
    const claim = await MeetingReminder.create(
      { meetingId: meeting.id, kind, startsAt: meeting.startsAt, sentAt: new Date() },
      { transaction },
    ).catch((err: unknown) => {
      if (err instanceof UniqueConstraintError) return null;
      throw err;
    });
    if (!claim) return null;
    const participants = await MeetingParticipant.findAll({
      where: { meetingId: meeting.id },
      transaction,
    });
    const users = await User.findAll({
      where: { id: reminderRecipients(participants), isActive: true },
      attributes: ['id'],
      transaction,
    });
    const room = meeting.roomId
      ? await MeetingRoom.findByPk(meeting.roomId, { transaction })
      : null;
    const place = room ? [room.name, room.location].filter(Boolean).join(', ') : '';
    await notify(
      users.map((u) => ({
        userId: u.id,
        kind: `meeting.reminder.${kind}`,
        key: `meetings-calendar:reminder.${kind === 'day_before' ? 'dayBefore' : 'hourBefore'}`,
        params: {
          title: meeting.title,
          time: meetingTimeText(meeting.startsAt),
          place: place || meeting.onlineUrl || '—',
        },
        link: `/meetings/${meeting.id}`,
      })),
      { transaction },
    );
    await claim.update({ recipients: users.length }, { transaction });
    await recordAudit(
      {
        action: 'meeting.reminder',
        entityType: 'meeting',
        entityId: meeting.id,
        details: { kind, recipients: users.length, startsAt: meeting.startsAt.toISOString() },
      },
      { transaction },
    );
    return { meetingId: meeting.id, kind, recipients: users.length };
  });
}

/**
 * Sends the reminders due at `now`: published meetings starting within a day, each reminder once.
 * Returns what this call sent (another process's sends are not in it).
 */
export async function sendMeetingReminders(now: Date = new Date()): Promise<ReminderRun[]> {
  const meetings = await Meeting.findAll({
    where: {
      status: 'published',
      startsAt: { [Op.gt]: now, [Op.lte]: new Date(now.getTime() + DAY) },
    },
    order: [['startsAt', 'ASC']],
  });
  if (meetings.length === 0) return [];
  const sent = await MeetingReminder.findAll({
    where: { meetingId: meetings.map((m) => m.id) },
    attributes: ['meetingId', 'kind', 'startsAt'],
  });
  const claimed = new Set(sent.map((r) => `${r.meetingId}|${r.kind}|${r.startsAt.getTime()}`));
  const runs: ReminderRun[] = [];
  for (const meeting of meetings) {
    const kind = dueReminder(meeting.startsAt, now);
    if (!kind || claimed.has(`${meeting.id}|${kind}|${meeting.startsAt.getTime()}`)) continue;
    const run = await sendOne(meeting, kind);
    if (run) runs.push(run);
  }
  return runs;
}

/** Checks for due reminders every minute in this process; returns a function that stops it. */
export function scheduleMeetingReminders(logger: Logger, everyMs = 60_000): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const runs = await sendMeetingReminders();
      if (runs.length > 0) logger.info({ runs }, 'meeting reminders sent');
    } catch (err) {
      logger.error({ err }, 'meeting reminders failed; retrying at the next check');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
