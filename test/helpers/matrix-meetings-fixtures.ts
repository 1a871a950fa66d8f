/**
 * What the meetings' policy matrix tables share: the actor groups, a meeting of the main agency
 * with the actors in their usual parts, and the page + /api/v1 twin of an entry.
 * The parts (calendar, live room, votes, minutes, tasks): chair = leader, secretary (and
 * organiser) = clerk, member = specialist, a member who sent a deputy = a person who is no actor
 * (w.people.absentMember), that deputy = otherSpecialist, guest (another agency) = foreignClerk, outsider (same agency, not invited) =
 * deptHead, foreign user = foreignAdmin.
 */
import { randomBytes } from 'node:crypto';
import type { CreationAttributes } from 'sequelize';
import {
  Meeting,
  MeetingParticipant,
  type ParticipantRole,
} from '../../src/meetings/meeting.model.js';
import type { User } from '../../src/users/user.model.js';
import type { ActorName, MatrixWorld } from './matrix-actors.js';
import type { MatrixEntry, Prepared } from './matrix-runner.js';

export const SIGNED_IN: ActorName[] = [
  'clerk',
  'leader',
  'deptHead',
  'specialist',
  'otherSpecialist',
  'admin',
  'foreignClerk',
  'foreignAdmin',
];
/** The chair and the secretary: they prepare and run the meeting. */
export const ORGANISERS: ActorName[] = ['leader', 'clerk'];
/** Whoever sees the meeting: the organisers, the invitees, the deputy, the guest. */
export const INVITED: ActorName[] = [
  ...ORGANISERS,
  'specialist',
  'otherSpecialist',
  'foreignClerk',
];

type MeetingFields = CreationAttributes<Meeting>;

/**
 * A meeting of the main agency chaired by the leader, with the clerk as secretary and organiser,
 * lasting an hour from `startsAt`; the rest (title, kind, status, dates of its steps) as told.
 */
export function createMatrixMeeting(
  w: MatrixWorld,
  fields: Pick<MeetingFields, 'title' | 'kind' | 'startsAt' | 'status' | 'publishedAt'> &
    Partial<MeetingFields>,
): Promise<Meeting> {
  const u = w.users;
  return Meeting.create({
    agencyId: w.agency.id,
    description: null,
    chairId: u.leader.id,
    secretaryId: u.clerk.id,
    organiserId: u.clerk.id,
    endsAt: new Date(fields.startsAt.getTime() + 3600_000),
    roomId: null,
    onlineUrl: null,
    checkInToken: randomBytes(24).toString('base64url'),
    ...fields,
  });
}

/** The invitation rows of the actors who have one (the deputy acts on the absent member's). */
export type InvitedRows = Record<
  'leader' | 'clerk' | 'specialist' | 'absentMember' | 'foreignClerk',
  MeetingParticipant
>;

type ParticipantFields = Partial<CreationAttributes<MeetingParticipant>>;

/**
 * Invites the actors in their parts, in this order: the leader (chair), the clerk (secretary),
 * the specialist (member), the absent member (who sent otherSpecialist as deputy), the foreign
 * clerk (guest). `more` adds fields to each row by its role and whether a deputy was sent.
 */
export async function inviteMatrixActors(
  w: MatrixWorld,
  meeting: Meeting,
  more: (role: ParticipantRole, hasDeputy: boolean) => ParticipantFields = () => ({}),
): Promise<InvitedRows> {
  const u = w.users;
  const add = (user: User, role: ParticipantRole, deputy: User | null = null) =>
    MeetingParticipant.create({
      meetingId: meeting.id,
      userId: user.id,
      guestName: null,
      guestOrganisation: null,
      role,
      invitedDepartmentId: null,
      rsvp: deputy ? 'deputy' : 'attend',
      deputyUserId: deputy?.id ?? null,
      ...more(role, deputy !== null),
    });
  return {
    leader: await add(u.leader, 'chair'),
    clerk: await add(u.clerk, 'secretary'),
    specialist: await add(u.specialist, 'member'),
    absentMember: await add(w.people.absentMember, 'member', u.otherSpecialist),
    foreignClerk: await add(u.foreignClerk, 'guest'),
  };
}

/** Everyone came: the deputy in the absent member's place, the others in person. */
export const cameInPerson = (_role: ParticipantRole, hasDeputy: boolean): ParticipantFields => ({
  attendance: hasDeputy ? 'deputy' : 'present',
});

/** A case's preparation, which may differ between the page and its /api/v1 twin. */
export type TwinPrepare = (api: boolean) => (w: MatrixWorld) => Promise<Prepared>;

export interface TwinCase {
  label: string;
  allowed: ActorName[];
  prepare?: TwinPrepare;
}

/** The page entry and its /api/v1 twin (same path under /api/v1), or the page alone. */
export function pageAndApi(
  method: 'GET' | 'POST',
  path: string,
  cases: TwinCase[],
  pageOnly = false,
): MatrixEntry[] {
  return (pageOnly ? [false] : [false, true]).map((api) => ({
    method,
    path: api ? `/api/v1${path}` : path,
    cases: cases.map((c) => ({
      label: c.label,
      allowed: c.allowed,
      ...(c.prepare ? { prepare: c.prepare(api) } : {}),
    })),
  }));
}
