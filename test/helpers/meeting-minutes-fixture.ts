/**
 * Meetings for the minutes tests and matrix entries, made straight from the models: a chair, a
 * secretary, participants in every attendance state, a guest of another agency, agenda items.
 */
import { randomBytes } from 'node:crypto';
import {
  Meeting,
  MeetingItem,
  MeetingParticipant,
  type MeetingStatus,
} from '../../src/meetings/meeting.model.js';
import type { User } from '../../src/users/user.model.js';

export interface MeetingPeople {
  chair: User;
  secretary: User;
  /** Invited members, present. */
  members?: User[];
  /** Invited, absent with a reason. */
  absent?: User[];
  /** An invitee who sent this deputy: [invitee, deputy]. */
  deputy?: [User, User];
  /** A person of another agency invited as a guest. */
  guest?: User;
}

export async function buildMeeting(
  people: MeetingPeople,
  overrides: Partial<Meeting['_creationAttributes']> = {},
): Promise<Meeting> {
  const start = new Date(Date.now() - 2 * 3600_000);
  const status: MeetingStatus = overrides.status ?? 'in_progress';
  const meeting = await Meeting.create({
    agencyId: people.chair.agencyId,
    title: 'Giao ban tuần về chuyển đổi số',
    kind: 'giao_ban',
    description: null,
    chairId: people.chair.id,
    secretaryId: people.secretary.id,
    organiserId: people.secretary.id,
    startsAt: start,
    endsAt: new Date(start.getTime() + 3 * 3600_000),
    roomId: null,
    onlineUrl: null,
    checkInToken: randomBytes(24).toString('base64url'),
    openedAt: start,
    ...overrides,
    status,
  });
  const row = (user: User, role: MeetingParticipant['role'], extra = {}) => ({
    meetingId: meeting.id,
    userId: user.id,
    guestName: null,
    guestOrganisation: null,
    role,
    invitedDepartmentId: null,
    isVoting: role !== 'guest',
    rsvp: 'attend' as const,
    attendance: 'present' as const,
    ...extra,
  });
  await MeetingParticipant.bulkCreate([
    row(people.chair, 'chair'),
    row(people.secretary, 'secretary'),
    ...(people.members ?? []).map((m) => row(m, 'member')),
    ...(people.absent ?? []).map((m) =>
      row(m, 'member', { rsvp: 'absent', attendance: 'absent', attendanceReason: 'Đi công tác' }),
    ),
    ...(people.deputy
      ? [
          row(people.deputy[0], 'member', {
            rsvp: 'deputy',
            deputyUserId: people.deputy[1].id,
            attendance: 'deputy',
          }),
        ]
      : []),
    ...(people.guest ? [row(people.guest, 'guest', { attendance: 'online' })] : []),
    {
      meetingId: meeting.id,
      userId: null,
      guestName: 'Ông Trần Khách',
      guestOrganisation: 'Sở Thông tin và Truyền thông',
      role: 'guest' as const,
      invitedDepartmentId: null,
      rsvp: 'attend' as const,
      attendance: 'present' as const,
    },
  ]);
  await MeetingItem.bulkCreate([
    {
      meetingId: meeting.id,
      position: 1,
      title: 'Báo cáo tiến độ chuyển đổi số quý IV',
      presenterId: null,
      presenterName: 'Trưởng phòng Văn hóa',
      plannedMinutes: 20,
      status: 'done',
    },
    {
      meetingId: meeting.id,
      position: 2,
      title: 'Kế hoạch năm 2027',
      presenterId: null,
      presenterName: null,
      plannedMinutes: 30,
      status: 'current',
    },
  ]);
  return meeting;
}
