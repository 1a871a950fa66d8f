import { defineRules } from '../policy/policy.js';
import type { User } from '../users/user.model.js';
import type { MeetingAccess } from './meetings.access.js';
import { canViewMeeting } from './meetings.policy.js';

const statusIn = (a: MeetingAccess, ...statuses: string[]) => statuses.includes(a.meeting.status);
/** The invitation a person acts on in the room: their own, or one that named them deputy. */
const hasInvitation = (user: User, a: MeetingAccess) =>
  (a.mine != null && a.mine.userId === user.id) || a.deputyFor.length > 0;

defineRules({
  // The live page, the room display and the event stream: whoever sees a meeting not cancelled.
  'meetings.live': (user, a: MeetingAccess) =>
    canViewMeeting(user, a) && a.meeting.status !== 'draft' && a.meeting.status !== 'cancelled',
  // Checking oneself in with the room's QR code: an invitee or the deputy they named.
  'meetings.checkin': (user, a: MeetingAccess) =>
    hasInvitation(user, a) && statusIn(a, 'published', 'in_progress'),
  // Checking people in by hand (present, online, absent with a reason, deputy).
  'meetings.attendance': (_user, a: MeetingAccess) =>
    (a.roles.has('secretary') || a.roles.has('chair')) && statusIn(a, 'published', 'in_progress'),
  // Asking to speak (and withdrawing) while the meeting runs: an invitee or their deputy.
  'meetings.speak': (user, a: MeetingAccess) =>
    hasInvitation(user, a) && statusIn(a, 'in_progress'),
});
