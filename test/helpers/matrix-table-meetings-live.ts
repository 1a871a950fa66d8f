/**
 * Policy matrix entries of the meeting room live (issue 13 §2): check-in, the live page, the room
 * display, the event stream, running the meeting, attendance, speaking; pages and API.
 * Each case prepares its own meeting of the main agency where the actors play these parts:
 *   chair = leader, secretary = clerk, member = specialist, a member who sent a deputy = w.people.absentMember (no actor),
 *   that deputy = otherSpecialist, guest (another agency) = foreignClerk,
 *   outsider (same agency, not invited) = deptHead, foreign user = foreignAdmin.
 */
import {
  Meeting,
  MeetingItem,
  MeetingParticipant,
  type MeetingStatus,
} from '../../src/meetings/meeting.model.js';
import { MeetingSpeech } from '../../src/meetings/meeting-live.model.js';
import type { ActorName, MatrixWorld } from './matrix-actors.js';
import {
  createMatrixMeeting,
  INVITED,
  inviteMatrixActors,
  ORGANISERS,
} from './matrix-meetings-fixtures.js';
import type { MatrixEntry, Prepared } from './matrix-runner.js';

/** Who sees the meeting (and may follow it live). */
const FOLLOWERS = INVITED;
/** Who runs the room: the chair and the secretary. */
const RUNNERS = ORGANISERS;

interface Room {
  meeting: Meeting;
  items: MeetingItem[];
  rows: Partial<Record<ActorName, MeetingParticipant>>;
}

async function room(w: MatrixWorld, status: MeetingStatus): Promise<Room> {
  const startsAt = new Date(Date.now() - 600_000);
  const meeting = await createMatrixMeeting(w, {
    title: 'Giao ban tuần (ma trận)',
    kind: 'giao_ban',
    startsAt,
    status,
    publishedAt: startsAt,
    openedAt: status === 'in_progress' ? startsAt : null,
  });
  const items: MeetingItem[] = [];
  for (const position of [1, 2])
    items.push(
      await MeetingItem.create({
        meetingId: meeting.id,
        position,
        title: `Nội dung ${position}`,
        presenterId: null,
        presenterName: null,
        plannedMinutes: 10,
        status: status === 'in_progress' && position === 1 ? 'current' : 'planned',
        timerStartedAt: status === 'in_progress' && position === 1 ? startsAt : null,
      }),
    );
  if (status === 'in_progress') await meeting.update({ currentItemId: items[0].id });
  const invited = await inviteMatrixActors(w, meeting, (role) => ({
    isVoting: role !== 'guest' && role !== 'secretary',
    voteWeight: 1,
  }));
  // The deputy acts on the absent member's row.
  const { absentMember, ...actors } = invited;
  const rows: Room['rows'] = { ...actors, otherSpecialist: absentMember };
  return { meeting, items, rows };
}

const snapshotOf = (m: Meeting) => async () => {
  const meeting = await Meeting.findByPk(m.id);
  const items = await MeetingItem.findAll({ where: { meetingId: m.id }, order: [['id', 'ASC']] });
  const rows = await MeetingParticipant.findAll({
    where: { meetingId: m.id },
    order: [['id', 'ASC']],
  });
  const speeches = await MeetingSpeech.findAll({
    where: { meetingId: m.id },
    order: [['id', 'ASC']],
  });
  return {
    meeting: [meeting?.status, meeting?.currentItemId],
    items: items.map((i) => [i.status, i.timerStartedAt?.getTime() ?? null]),
    rows: rows.map((r) => [r.attendance, r.checkedInAt?.getTime() ?? null]),
    speeches: speeches.map((s) => [s.status, s.allottedSeconds]),
  };
};

/** A GET of a meeting that the followers may read. */
const follow = (path: string, status: MeetingStatus = 'in_progress'): MatrixEntry => ({
  method: 'GET',
  path,
  cases: [
    {
      label: 'whoever sees the meeting: invitees, deputy, guest',
      allowed: FOLLOWERS,
      prepare: async (w) => ({ params: { id: (await room(w, status)).meeting.id } }),
    },
  ],
});

/** A POST of the room on a meeting in a given state. */
const act = (
  path: string,
  label: string,
  allowed: ActorName[],
  status: MeetingStatus,
  body: (r: Room, actor: ActorName | null) => Promise<Prepared> | Prepared,
): MatrixEntry => ({
  method: 'POST',
  path,
  cases: [
    {
      label,
      allowed,
      prepare: async (w, actor) => {
        const r = await room(w, status);
        const prepared = await body(r, actor);
        return {
          ...prepared,
          params: { id: r.meeting.id, ...(prepared.params ?? {}) },
          state: snapshotOf(r.meeting),
        };
      },
    },
  ],
});

/** A request to speak of the actor's invitation (the member's for the refused ones). */
async function speechOf(r: Room, actor: ActorName | null, status: 'queued' | 'speaking') {
  const row = (actor && r.rows[actor]) || r.rows.specialist!;
  return MeetingSpeech.create({
    meetingId: r.meeting.id,
    itemId: r.items[0].id,
    participantId: row.id,
    requestedById: row.userId,
    requestedAt: new Date(),
    status,
    startedAt: status === 'speaking' ? new Date() : null,
    allottedSeconds: status === 'speaking' ? 120 : null,
  });
}

function roomEntries(prefix: '/meetings' | '/api/v1/meetings'): MatrixEntry[] {
  return [
    act(`${prefix}/:id/open`, 'the chair and the secretary', RUNNERS, 'published', () => ({})),
    act(`${prefix}/:id/close`, 'the chair and the secretary', RUNNERS, 'in_progress', () => ({})),
    act(`${prefix}/:id/item`, 'the chair and the secretary', RUNNERS, 'in_progress', () => ({
      body: { to: 'next' },
    })),
    act(`${prefix}/:id/timer`, 'the chair and the secretary', RUNNERS, 'in_progress', () => ({
      body: { action: 'stop' },
    })),
    act(
      `${prefix}/:id/attendance`,
      'the chair and the secretary check people in',
      RUNNERS,
      'in_progress',
      (r) => ({ body: { participantId: r.rows.specialist!.id, attendance: 'online' } }),
    ),
    act(
      `${prefix}/:id/speeches`,
      'an invitee or the deputy asks to speak',
      INVITED,
      'in_progress',
      () => ({}),
    ),
    act(
      `${prefix}/:id/speeches/:speechId/withdraw`,
      'the one who asked withdraws',
      INVITED,
      'in_progress',
      async (r, actor) => ({ params: { speechId: (await speechOf(r, actor, 'queued')).id } }),
    ),
    act(
      `${prefix}/:id/speeches/:speechId/grant`,
      'the chair and the secretary give the floor',
      RUNNERS,
      'in_progress',
      async (r) => ({
        params: { speechId: (await speechOf(r, 'specialist', 'queued')).id },
        body: { minutes: 3 },
      }),
    ),
    act(
      `${prefix}/:id/speeches/:speechId/end`,
      'the chair and the secretary end a speech',
      RUNNERS,
      'in_progress',
      async (r) => ({ params: { speechId: (await speechOf(r, 'specialist', 'speaking')).id } }),
    ),
    act(
      `${prefix}/:id/speeches/:speechId/decline`,
      'the chair and the secretary decline a request',
      RUNNERS,
      'in_progress',
      async (r) => ({ params: { speechId: (await speechOf(r, 'specialist', 'queued')).id } }),
    ),
  ];
}

export const meetingLiveEntries: MatrixEntry[] = [
  {
    method: 'GET',
    path: '/meetings/checkin/:token',
    cases: [
      {
        label: 'an invitee or the deputy checks in by the QR code',
        allowed: INVITED,
        prepare: async (w) => ({
          params: { token: (await room(w, 'published')).meeting.checkInToken },
        }),
      },
    ],
  },
  follow('/meetings/:id/live'),
  follow('/meetings/:id/screen'),
  // A closed meeting's stream answers at once (204: nothing more happens live).
  follow('/meetings/:id/events', 'closed'),
  ...roomEntries('/meetings'),
  {
    method: 'POST',
    path: '/api/v1/meetings/checkin/:token',
    cases: [
      {
        label: 'an invitee or the deputy checks in by the QR code',
        allowed: INVITED,
        prepare: async (w) => {
          const r = await room(w, 'published');
          return { params: { token: r.meeting.checkInToken }, state: snapshotOf(r.meeting) };
        },
      },
    ],
  },
  follow('/api/v1/meetings/:id/live'),
  follow('/api/v1/meetings/:id/events', 'closed'),
  follow('/api/v1/meetings/:id/presence'),
  follow('/api/v1/meetings/:id/speeches'),
  ...roomEntries('/api/v1/meetings'),
];
