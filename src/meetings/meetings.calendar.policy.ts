import { can, defineRules } from '../policy/policy.js';
import type { User } from '../users/user.model.js';
import type { MeetingAccess } from './meetings.access.js';
import { canViewMeeting, organises } from './meetings.policy.js';

// Invitations (giấy mời), the weekly work calendar and the personal iCalendar feed (issue 13 §1).
// The week page itself is 'meetings.calendar' (meetings.policy.ts); each meeting on it is shown
// only to whom 'meetings.view' allows.
defineRules({
  // The invitation's PDF: whoever sees the meeting (an invitee reads what they were invited to).
  'meetings.invitation.view': canViewMeeting,
  // "Phát hành giấy mời": an organiser who may draft outgoing documents, before the meeting opens.
  'meetings.invitation.issue': (user: User, a: MeetingAccess) =>
    organises(a) &&
    (a.meeting.status === 'draft' || a.meeting.status === 'published') &&
    can(user, 'outgoing.create'),
  // One's own iCalendar feed address: created and revoked on the profile page.
  'meetings.calendar.feed': (user: User) => user.isActive,
});
