/**
 * Policy matrix entries of the meeting votes (issue 13 §3), pages and API. Each case prepares its
 * own meeting in progress of the main agency, with a vote open, where the actors play these parts:
 *   chair (votes) = leader, secretary (does not vote) = clerk, member = specialist,
 *   a member who sent a deputy = w.people.absentMember (no actor), that deputy = otherSpecialist,
 *   guest of another agency (does not vote) = foreignClerk,
 *   outsider (same agency, not invited) = deptHead, foreign user = foreignAdmin.
 */
import {
  MeetingItem,
  type Meeting,
  type MeetingParticipant,
} from '../../src/meetings/meeting.model.js';
import { MeetingVote, MeetingVoteVoter } from '../../src/meetings/meeting-vote.model.js';
import { votePresence } from '../../src/meetings/meetings.votes.service.js';
import type { ActorName, MatrixWorld } from './matrix-actors.js';
import {
  cameInPerson,
  createMatrixMeeting,
  INVITED,
  inviteMatrixActors,
  ORGANISERS,
} from './matrix-meetings-fixtures.js';
import type { MatrixEntry, Prepared } from './matrix-runner.js';

/** Who sees the meeting and its votes. */
const FOLLOWERS = INVITED;
/** Who opens, closes and records votes: the chair and the secretary. */
const RUNNERS = ORGANISERS;
/** Who casts: the voting members present (chair included) and the deputy of one. */
const VOTERS: ActorName[] = ['leader', 'specialist', 'otherSpecialist'];

interface Room {
  meeting: Meeting;
  vote: MeetingVote;
  rows: Partial<Record<ActorName, MeetingParticipant>>;
}

async function room(w: MatrixWorld): Promise<Room> {
  const u = w.users;
  const startsAt = new Date(Date.now() - 600_000);
  const meeting = await createMatrixMeeting(w, {
    title: 'Phiên họp UBND (ma trận biểu quyết)',
    kind: 'phien_hop_ubnd',
    startsAt,
    status: 'in_progress',
    publishedAt: startsAt,
    openedAt: startsAt,
  });
  const item = await MeetingItem.create({
    meetingId: meeting.id,
    position: 1,
    title: 'Tờ trình (ma trận)',
    presenterId: null,
    presenterName: null,
    plannedMinutes: 10,
    status: 'current',
  });
  await meeting.update({ currentItemId: item.id });
  const invited = await inviteMatrixActors(w, meeting, (role, hasDeputy) => ({
    isVoting: role === 'chair' || role === 'member',
    voteWeight: 1,
    ...cameInPerson(role, hasDeputy),
  }));
  // The deputy acts on the absent member's row.
  const { absentMember, ...actors } = invited;
  const rows: Room['rows'] = { ...actors, otherSpecialist: absentMember };
  const vote = await MeetingVote.create({
    meetingId: meeting.id,
    itemId: item.id,
    question: 'Thông qua tờ trình? (ma trận)',
    options: ['Đồng ý', 'Không đồng ý', 'Không biểu quyết'],
    isSecret: false,
    mode: 'room',
    quorumRule: 'more_than_half',
    majorityRule: 'half_all',
    deadline: null,
    presence: await votePresence(meeting.id),
    openedById: u.leader.id,
    openedAt: startsAt,
  });
  return { meeting, vote, rows };
}

const stateOf = (r: Room) => async () => ({
  votes: (
    await MeetingVote.findAll({ where: { meetingId: r.meeting.id }, order: [['id', 'ASC']] })
  ).map((v) => [v.id, v.status]),
  voters: await MeetingVoteVoter.count({ where: { voteId: r.vote.id } }),
});

const read = (path: string): MatrixEntry => ({
  method: 'GET',
  path,
  cases: [
    {
      label: 'whoever sees the meeting: invitees, deputy, guest',
      allowed: FOLLOWERS,
      prepare: async (w) => {
        const r = await room(w);
        return { params: { id: r.meeting.id, voteId: r.vote.id } };
      },
    },
  ],
});

const open = (path: string): MatrixEntry => ({
  method: 'POST',
  path,
  cases: [
    {
      label: 'the chair and the secretary (a new vote once the open one is closed)',
      allowed: RUNNERS,
      prepare: async (w): Promise<Prepared> => {
        const r = await room(w);
        await r.vote.update({ status: 'closed' });
        return {
          params: { id: r.meeting.id },
          body: { question: 'Biểu quyết mới (ma trận)', quorumRule: 'none' },
          state: stateOf(r),
        };
      },
    },
  ],
});

const cast = (path: string): MatrixEntry => ({
  method: 'POST',
  path,
  cases: [
    {
      label: 'voting members present and the deputy of one; not the secretary or a guest',
      allowed: VOTERS,
      prepare: async (w, actor): Promise<Prepared> => {
        const r = await room(w);
        return {
          params: { id: r.meeting.id, voteId: r.vote.id },
          body: {
            option: 0,
            ...(actor === 'otherSpecialist' ? { participantId: r.rows.otherSpecialist!.id } : {}),
          },
          state: stateOf(r),
        };
      },
    },
  ],
});

const runStep = (path: string, label: string, body: (r: Room) => Record<string, unknown>) => ({
  method: 'POST' as const,
  path,
  cases: [
    {
      label,
      allowed: RUNNERS,
      prepare: async (w: MatrixWorld): Promise<Prepared> => {
        const r = await room(w);
        return {
          params: { id: r.meeting.id, voteId: r.vote.id },
          body: body(r),
          state: stateOf(r),
        };
      },
    },
  ],
});

const pages = '/meetings/:id/votes';
const api = '/api/v1/meetings/:id/votes';

export const meetingVoteEntries: MatrixEntry[] = [
  read(pages),
  read(`${pages}/panel`),
  read(`${pages}/:voteId`),
  open(pages),
  cast(`${pages}/:voteId/ballots`),
  runStep(`${pages}/:voteId/record`, 'the secretary or the chair records a member’s vote', (r) => ({
    participantId: r.rows.specialist!.id,
    option: 1,
  })),
  runStep(`${pages}/:voteId/close`, 'the chair or the secretary closes the vote', () => ({})),
  read(api),
  read(`${api}/:voteId`),
  open(api),
  cast(`${api}/:voteId/ballots`),
  runStep(`${api}/:voteId/record`, 'the secretary or the chair records a member’s vote', (r) => ({
    participantId: r.rows.specialist!.id,
    option: 1,
  })),
  runStep(`${api}/:voteId/close`, 'the chair or the secretary closes the vote', () => ({})),
];
