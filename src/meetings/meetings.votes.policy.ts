import { defineRules } from '../policy/policy.js';
import type { User } from '../users/user.model.js';
import type { MeetingAccess } from './meetings.access.js';
import { canViewMeeting } from './meetings.policy.js';
import type { MeetingVote, PresenceEntry } from './meeting-vote.model.js';

/**
 * The members of a vote's snapshot this person may vote for: themselves when they may vote
 * (present at opening in the room; every voting member for a written opinion), and each member
 * who sent them as deputy (the deputy votes in the member's place).
 */
export function votableEntries(user: User, a: MeetingAccess, vote: MeetingVote): PresenceEntry[] {
  const deputyOf = new Set(a.deputyFor.map((p) => p.id));
  return vote.presence.filter(
    (e) =>
      (vote.mode === 'written' || e.present) &&
      (e.userId === user.id || deputyOf.has(e.participantId)),
  );
}

const runsVotes = (a: MeetingAccess) =>
  (a.roles.has('chair') || a.roles.has('secretary')) &&
  !['draft', 'cancelled'].includes(a.meeting.status);

defineRules({
  // The votes of a meeting, their progress and results: whoever sees the meeting.
  'meetings.votes.view': (user, a: MeetingAccess) => canViewMeeting(user, a),
  // Opening and closing votes, recording a member's vote (by phone): the chair and the secretary.
  'meetings.votes.run': (user, a: MeetingAccess) => canViewMeeting(user, a) && runsVotes(a),
  // Casting: a voting member of the snapshot, or the deputy they sent.
  'meetings.votes.cast': (user, r: { access: MeetingAccess; vote: MeetingVote }) =>
    canViewMeeting(user, r.access) &&
    r.vote.meetingId === r.access.meeting.id &&
    votableEntries(user, r.access, r.vote).length > 0,
});
