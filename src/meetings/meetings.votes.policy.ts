import { defineRules } from '../policy/policy.js';
import type { User } from '../users/user.model.js';
import type { MeetingAccess } from './meetings.access.js';
import { canViewItem, canViewMeeting } from './meetings.policy.js';
import type { MeetingItem } from './meeting.model.js';
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

/**
 * Whether the meeting's state takes ballots of this vote: one in the room while the meeting is in
 * progress; a written opinion from publication to its deadline, after the meeting too, never
 * once the meeting is cancelled.
 */
export const meetingTakesBallots = (a: MeetingAccess, vote: MeetingVote): boolean =>
  vote.mode === 'room'
    ? a.meeting.status === 'in_progress'
    : ['published', 'in_progress', 'closed'].includes(a.meeting.status);

const runsVotes = (a: MeetingAccess) =>
  (a.roles.has('chair') || a.roles.has('secretary')) &&
  !['draft', 'cancelled'].includes(a.meeting.status);

defineRules({
  // The votes of a meeting, their progress and results: whoever sees the meeting.
  'meetings.votes.view': (user, a: MeetingAccess) => canViewMeeting(user, a),
  // Opening and closing votes, recording a member's vote (by phone): the chair and the secretary.
  'meetings.votes.run': (user, a: MeetingAccess) => canViewMeeting(user, a) && runsVotes(a),
  // Casting: a voting member of the snapshot, or the deputy they sent.
  // Never on an item the person is not cleared for: nobody votes on what they may not read.
  'meetings.votes.cast': (
    user,
    r: { access: MeetingAccess; vote: MeetingVote; item: MeetingItem | null },
  ) =>
    canViewMeeting(user, r.access) &&
    (r.item === null || canViewItem(user, r.access, r.item)) &&
    r.vote.meetingId === r.access.meeting.id &&
    meetingTakesBallots(r.access, r.vote) &&
    votableEntries(user, r.access, r.vote).length > 0,
});
