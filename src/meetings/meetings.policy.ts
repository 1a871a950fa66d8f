import { defineRules } from '../policy/policy.js';
import type { User } from '../users/user.model.js';
import type { MeetingAccess, MeetingRole } from './meetings.access.js';
import type { MeetingItem, MeetingStatus } from './meeting.model.js';

const has = (a: MeetingAccess, ...roles: MeetingRole[]) => roles.some((r) => a.roles.has(r));
const statusIn = (a: MeetingAccess, ...statuses: MeetingStatus[]) =>
  statuses.includes(a.meeting.status);

/** Those who prepare and run the meeting: its organiser, chair and secretary. */
export const organises = (a: MeetingAccess) => has(a, 'organiser', 'chair', 'secretary');

/**
 * Who sees a meeting: its organisers always; once published, every invitee (guests of other
 * agencies included), the deputies named by an invitee, and the agency's leaders (it is on their
 * weekly calendar). Roles alone (admin, clerk) give no access to a meeting's documents.
 */
export function canViewMeeting(user: User, a: MeetingAccess): boolean {
  if (!a?.meeting) return false;
  // An account that only administers the system, whatever a stand-in or a task names it in.
  if (!user.takesPart()) return false;
  if (organises(a)) return true;
  if (a.meeting.status === 'draft') return false;
  if (a.roles.size > 0) return true;
  return a.meeting.agencyId === user.agencyId && user.hasRole('leader');
}

/** An agenda item's documents: a person who sees the meeting and is cleared for the item. */
export function canViewItem(user: User, a: MeetingAccess, item: MeetingItem): boolean {
  if (!canViewMeeting(user, a) || item.meetingId !== a.meeting.id) return false;
  if (item.status === 'withdrawn' && !organises(a)) return false;
  return item.confidentiality <= user.secretClearance;
}

const organisesAgencyMeetings = (user: User) =>
  user.hasRole('clerk') ||
  user.hasRole('leader') ||
  user.hasRole('dept_head') ||
  user.hasRole('specialist');

defineRules({
  'meetings.list': (user) => user.isActive,
  'meetings.calendar': (user) => user.isActive,
  'meetings.create': organisesAgencyMeetings,
  'meetings.rooms.manage': (user) => user.hasRole('admin') || user.hasRole('clerk'),
  'meetings.view': canViewMeeting,
  'meetings.item.view': (user, r: { access: MeetingAccess; item: MeetingItem }) =>
    canViewItem(user, r.access, r.item),
  // Preparing (title, times, participants, agenda, documents) until the meeting closes.
  'meetings.manage': (_user, a: MeetingAccess) =>
    organises(a) && statusIn(a, 'draft', 'published', 'in_progress'),
  // Running the room: open and close, the current item, timers, the floor, votes.
  'meetings.run': (_user, a: MeetingAccess) =>
    has(a, 'chair', 'secretary') && statusIn(a, 'published', 'in_progress'),
  // Answering the invitation (attend, deputy, absent): the invitee with an account.
  'meetings.respond': (user, a: MeetingAccess) =>
    a.mine != null && a.mine.userId === user.id && statusIn(a, 'published', 'in_progress'),
  // Private notes, highlights and questions on the documents: whoever sees the meeting.
  'meetings.annotate': (user, a: MeetingAccess) =>
    canViewMeeting(user, a) && a.roles.size > 0 && a.meeting.status !== 'cancelled',
});
