/**
 * A meeting for the live-room tests: an agency with a chair (leader), a secretary (clerk),
 * voting members (one not cleared for the secret item, one who sent a deputy), an outsider of
 * the same agency, a person of another agency; two agenda items, the second secret (độ mật 2).
 */
import { randomBytes } from 'node:crypto';
import type { Agency } from '../../src/agencies/agency.model.js';
import {
  Meeting,
  MeetingItem,
  MeetingItemDocument,
  MeetingParticipant,
  type MeetingStatus,
  type ParticipantRole,
} from '../../src/meetings/meeting.model.js';
import type { User } from '../../src/users/user.model.js';
import { createAccessToken } from '../../src/users/users.service.js';
import { buildAgency, buildUser } from '../factories/index.js';

export interface LivePeople {
  agency: Agency;
  chair: User;
  secretary: User;
  member: User;
  uncleared: User;
  absentee: User;
  deputy: User;
  outsider: User;
  foreign: User;
}

export interface LiveMeeting {
  meeting: Meeting;
  items: MeetingItem[];
  participants: Record<
    'chair' | 'secretary' | 'member' | 'uncleared' | 'absentee',
    MeetingParticipant
  >;
}

export async function buildLivePeople(): Promise<LivePeople> {
  const agency = await buildAgency();
  const other = await buildAgency();
  return {
    agency,
    chair: await buildUser(agency, ['leader'], {
      fullName: 'Chủ tịch Nguyễn Văn Chủ',
      secretClearance: 3,
    }),
    secretary: await buildUser(agency, ['clerk'], {
      fullName: 'Thư ký Lê Thị Ký',
      secretClearance: 3,
    }),
    member: await buildUser(agency, ['specialist'], {
      fullName: 'Thành viên Trần An',
      secretClearance: 2,
    }),
    uncleared: await buildUser(agency, ['specialist'], {
      fullName: 'Thành viên Phạm Bình',
      secretClearance: 0,
    }),
    absentee: await buildUser(agency, ['dept_head'], {
      fullName: 'Trưởng phòng Vũ Cường',
      secretClearance: 2,
    }),
    deputy: await buildUser(agency, ['specialist'], {
      fullName: 'Phó phòng Đỗ Dũng',
      secretClearance: 0,
    }),
    outsider: await buildUser(agency, ['specialist'], { fullName: 'Người ngoài Hồ Em' }),
    foreign: await buildUser(other, ['clerk'], { fullName: 'Văn thư cơ quan khác' }),
  };
}

export async function buildLiveMeeting(
  people: LivePeople,
  status: MeetingStatus = 'published',
): Promise<LiveMeeting> {
  const startsAt = new Date(Date.now() - 600_000);
  const meeting = await Meeting.create({
    agencyId: people.agency.id,
    title: 'Phiên họp UBND tháng 12',
    kind: 'phien_hop_ubnd',
    description: null,
    chairId: people.chair.id,
    secretaryId: people.secretary.id,
    organiserId: people.secretary.id,
    startsAt,
    endsAt: new Date(startsAt.getTime() + 3 * 3600_000),
    roomId: null,
    onlineUrl: null,
    status,
    publishedAt: startsAt,
    checkInToken: randomBytes(24).toString('base64url'),
  });
  const items = [
    await MeetingItem.create({
      meetingId: meeting.id,
      position: 1,
      title: 'Báo cáo kinh tế - xã hội năm 2026',
      presenterId: null,
      presenterName: 'Giám đốc Sở Kế hoạch',
      plannedMinutes: 20,
    }),
    await MeetingItem.create({
      meetingId: meeting.id,
      position: 2,
      title: 'Phương án nhân sự mật',
      presenterId: null,
      presenterName: null,
      plannedMinutes: 10,
      confidentiality: 2,
    }),
  ];
  await MeetingItemDocument.create({
    meetingId: meeting.id,
    itemId: items[1].id,
    title: 'Tờ trình nhân sự',
    fileId: null,
    originalName: null,
    linkedKind: null,
    linkedId: null,
    addedById: people.secretary.id,
  });
  const add = (
    user: User,
    role: ParticipantRole,
    extra: Partial<MeetingParticipant['_creationAttributes']> = {},
  ) =>
    MeetingParticipant.create({
      meetingId: meeting.id,
      userId: user.id,
      guestName: null,
      guestOrganisation: null,
      role,
      invitedDepartmentId: null,
      isVoting: role === 'member' || role === 'chair',
      voteWeight: 1,
      rsvp: 'attend',
      ...extra,
    });
  const participants = {
    chair: await add(people.chair, 'chair'),
    secretary: await add(people.secretary, 'secretary'),
    member: await add(people.member, 'member', { voteWeight: 2 }),
    uncleared: await add(people.uncleared, 'member'),
    absentee: await add(people.absentee, 'member', {
      rsvp: 'deputy',
      deputyUserId: people.deputy.id,
    }),
  };
  return { meeting, items, participants };
}

/** A personal access token for the API (and the event stream). */
export async function tokenOf(user: User): Promise<string> {
  return (await createAccessToken(user, 'phòng họp', { userId: user.id, ip: null })).token;
}
