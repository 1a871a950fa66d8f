/**
 * Meetings with voting members for the votes tests and the policy matrix: a meeting in a given
 * state, its chair and secretary, members (present or not, with weights), deputies.
 */
import { randomBytes } from 'node:crypto';
import type { Agency } from '../../src/agencies/agency.model.js';
import {
  Meeting,
  MeetingItem,
  MeetingParticipant,
  type Attendance,
  type MeetingStatus,
  type ParticipantRole,
} from '../../src/meetings/meeting.model.js';
import type { User } from '../../src/users/user.model.js';

export interface MeetingFixture {
  meeting: Meeting;
  item: MeetingItem;
}

/** A meeting of the agency with one agenda item (the current one once in progress). */
export async function buildMeeting(
  agency: Agency,
  chair: User,
  secretary: User,
  status: MeetingStatus = 'in_progress',
  confidentiality = 0,
): Promise<MeetingFixture> {
  const startsAt = new Date(Date.now() - 3600_000);
  const meeting = await Meeting.create({
    agencyId: agency.id,
    title: 'Phiên họp UBND thường kỳ',
    kind: 'phien_hop_ubnd',
    description: null,
    chairId: chair.id,
    secretaryId: secretary.id,
    organiserId: secretary.id,
    startsAt,
    endsAt: new Date(startsAt.getTime() + 4 * 3600_000),
    roomId: null,
    onlineUrl: null,
    status,
    publishedAt: status === 'draft' ? null : startsAt,
    openedAt: status === 'in_progress' || status === 'closed' ? startsAt : null,
    checkInToken: randomBytes(24).toString('base64url'),
  });
  const item = await MeetingItem.create({
    meetingId: meeting.id,
    position: 1,
    title: 'Tờ trình về kế hoạch đầu tư công năm 2027',
    presenterId: null,
    presenterName: null,
    plannedMinutes: 30,
    confidentiality,
    status: status === 'in_progress' ? 'current' : 'planned',
  });
  if (status === 'in_progress') await meeting.update({ currentItemId: item.id });
  for (const [user, role] of [
    [chair, 'chair'],
    [secretary, 'secretary'],
  ] as const) {
    await addParticipant(meeting, user, { role, isVoting: false, attendance: 'present' });
  }
  return { meeting, item };
}

export async function addParticipant(
  meeting: Meeting,
  user: User | null,
  options: {
    role?: ParticipantRole;
    isVoting?: boolean;
    voteWeight?: number;
    attendance?: Attendance | null;
    deputy?: User | null;
    guestName?: string;
  } = {},
): Promise<MeetingParticipant> {
  return MeetingParticipant.create({
    meetingId: meeting.id,
    userId: user?.id ?? null,
    guestName: options.guestName ?? null,
    guestOrganisation: null,
    role: options.role ?? 'member',
    invitedDepartmentId: null,
    isVoting: options.isVoting ?? true,
    voteWeight: options.voteWeight ?? 1,
    rsvp: options.deputy ? 'deputy' : 'attend',
    deputyUserId: options.deputy?.id ?? null,
    attendance: options.attendance === undefined ? 'present' : options.attendance,
  });
}
