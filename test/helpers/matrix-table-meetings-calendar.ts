/**
 * Policy matrix entries of invitations, the weekly calendar and the iCalendar feed (issue 13 §1),
 * pages and API. Each meeting case prepares its own published meeting of the main agency where
 * the actors play these parts (as in the live room's entries): chair = leader, secretary (and
 * organiser) = clerk, member = specialist, a member who sent a deputy = admin, that deputy =
 * otherSpecialist, guest (another agency) = foreignClerk, outsider (same agency, not invited) =
 * deptHead, foreign user = foreignAdmin.
 */
import { createFeedToken, revokeFeedToken } from '../../src/meetings/calendar-feed.service.js';
import { CalendarFeedToken, MeetingInvitation } from '../../src/meetings/meeting-calendar.model.js';
import { MeetingItem, type Meeting } from '../../src/meetings/meeting.model.js';
import type { User } from '../../src/users/user.model.js';
import type { ActorName, MatrixWorld, SignedInActor } from './matrix-actors.js';
import {
  createMatrixMeeting,
  INVITED,
  inviteMatrixActors,
  ORGANISERS,
  SIGNED_IN,
} from './matrix-meetings-fixtures.js';
import type { MatrixEntry } from './matrix-runner.js';

const EVERYONE: ActorName[] = ['anonymous', ...SIGNED_IN];

async function plannedMeeting(w: MatrixWorld): Promise<Meeting> {
  const meeting = await createMatrixMeeting(w, {
    title: 'Họp chuyên đề (ma trận giấy mời)',
    kind: 'chuyen_de',
    startsAt: new Date(Date.now() + 3 * 24 * 3600_000),
    onlineUrl: 'https://hop.example.vn/ma-tran',
    status: 'published',
    publishedAt: new Date(),
  });
  await MeetingItem.create({
    meetingId: meeting.id,
    position: 1,
    title: 'Nội dung chính',
    presenterId: null,
    presenterName: null,
    plannedMinutes: 30,
  });
  await inviteMatrixActors(w, meeting, (role) => ({ isVoting: role === 'member' }));
  return meeting;
}

const ownerOf = (w: MatrixWorld, actor: ActorName | null): User =>
  w.users[(actor && actor !== 'anonymous' ? actor : 'clerk') as SignedInActor];

const feedsOf = async (userId: number) =>
  (await CalendarFeedToken.findAll({ where: { userId }, order: [['id', 'ASC']] })).map((t) => [
    t.id,
    t.revokedAt === null,
  ]);

function meetingEntries(prefix: '/meetings' | '/api/v1/meetings'): MatrixEntry[] {
  const read = (path: string): MatrixEntry => ({
    method: 'GET',
    path: `${prefix}${path}`,
    cases: [
      {
        label: 'whoever sees the meeting: organisers, invitees, deputy, guest',
        allowed: INVITED,
        prepare: async (w) => ({ params: { id: (await plannedMeeting(w)).id } }),
      },
    ],
  });
  return [
    read('/:id/invitation'),
    read('/:id/invitation.pdf'),
    {
      method: 'POST',
      path: `${prefix}/:id/invitation/issue`,
      cases: [
        {
          label: 'the chair and the secretary (organisers who draft outgoing documents)',
          allowed: ORGANISERS,
          prepare: async (w) => {
            const meeting = await plannedMeeting(w);
            return {
              params: { id: meeting.id },
              body: {},
              state: () => MeetingInvitation.count({ where: { meetingId: meeting.id } }),
            };
          },
        },
      ],
    },
  ];
}

export const meetingCalendarEntries: MatrixEntry[] = [
  ...meetingEntries('/meetings'),
  ...meetingEntries('/api/v1/meetings'),
  { method: 'GET', path: '/calendar/week', cases: [{ allowed: SIGNED_IN }] },
  { method: 'GET', path: '/api/v1/meetings/calendar/week', cases: [{ allowed: SIGNED_IN }] },
  {
    method: 'GET',
    path: '/calendar/ical/:file',
    cases: [
      {
        label: 'a live token is the credential, with or without a session',
        allowed: EVERYONE,
        prepare: async (w) => {
          const { token } = await createFeedToken({ user: w.users.specialist, ip: null });
          return { params: { file: `${token}.ics` } };
        },
      },
      {
        label: 'a revoked token answers 404 to everyone',
        allowed: EVERYONE,
        allowedCheck: (res) => (res.status === 404 ? null : `expected 404, got ${res.status}`),
        prepare: async (w) => {
          const actor = { user: w.users.leader, ip: null };
          const { token } = await createFeedToken(actor);
          await revokeFeedToken(actor);
          return { params: { file: `${token}.ics` } };
        },
      },
    ],
  },
  {
    method: 'POST',
    path: '/profile/calendar-feed',
    cases: [
      {
        label: 'one’s own feed address',
        allowed: SIGNED_IN,
        prepare: async (w, actor) => {
          const user = ownerOf(w, actor);
          return { body: {}, state: () => feedsOf(user.id) };
        },
      },
    ],
  },
  {
    method: 'POST',
    path: '/profile/calendar-feed/revoke',
    cases: [
      {
        label: 'one’s own feed address',
        allowed: SIGNED_IN,
        prepare: async (w, actor) => {
          const user = ownerOf(w, actor);
          await createFeedToken({ user, ip: null });
          return { body: {}, state: () => feedsOf(user.id) };
        },
      },
    ],
  },
];
