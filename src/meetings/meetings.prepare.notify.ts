import type { Transaction } from 'sequelize';
import { notify } from '../notifications/notification.service.js';
import { messageParams } from '../notifications/notification-text.js';
import { formatDateTime } from '../http/view-helpers.js';
import { User } from '../users/user.model.js';
import type { Meeting, MeetingParticipant } from './meeting.model.js';

/** The people an invitation reaches: invitees with an account, and the deputies they named. */
export function inviteeIds(participants: readonly MeetingParticipant[]): number[] {
  const ids = new Set<number>();
  for (const p of participants) {
    if (p.userId != null) ids.add(p.userId);
    if (p.rsvp === 'deputy' && p.deputyUserId != null) ids.add(p.deputyUserId);
  }
  return [...ids];
}

/**
 * Notifies people about a meeting (bell, and mail when configured), put into words in each one's
 * language,
 * with a link to the meeting's page; the person who made the change is not told about it.
 */
export async function notifyMeeting(
  userIds: Iterable<number>,
  key: string,
  meeting: Meeting,
  actorId: number,
  transaction: Transaction,
  params: Record<string, unknown> = {},
): Promise<void> {
  const ids = [...new Set(userIds)].filter((id) => id !== actorId);
  if (ids.length === 0) return;
  const users = await User.findAll({ where: { id: ids, isActive: true }, transaction });
  const title = meeting.title.length > 120 ? `${meeting.title.slice(0, 119)}…` : meeting.title;
  await notify(
    users.map((u) => ({
      userId: u.id,
      kind: `meeting.${key}`,
      key: `meetings:notify.${key}`,
      params: messageParams({ title, when: formatDateTime(meeting.startsAt), ...params }),
      link: `/meetings/${meeting.id}`,
    })),
    { transaction },
  );
}
