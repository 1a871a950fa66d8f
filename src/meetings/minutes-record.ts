/**
 * The meeting's own record as the minutes need it (issue 13 §4): the meeting, who attended and
 * how, the agenda, who spoke on what and for how long, and the results of the votes. The minutes'
 * skeleton and the PDF header are made from it.
 */
import type { Transaction } from 'sequelize';
import { Agency } from '../agencies/agency.model.js';
import { User } from '../users/user.model.js';
import { Meeting, MeetingItem, MeetingParticipant, MeetingRoom } from './meeting.model.js';
import { listSpeeches } from './meetings.speeches.service.js';
import { listVoteResults } from './meetings.votes.service.js';

export interface MinutesSpeech {
  itemId: number | null;
  itemTitle: string;
  speakerName: string;
  startedAt: Date | null;
  endedAt: Date | null;
  seconds: number | null;
}

export interface MinutesVote {
  itemId: number | null;
  question: string;
  secret: boolean;
  result: string;
}

export interface MinutesAttendee {
  name: string;
  organisation: string | null;
  role: string;
  /** present, online, absent, deputy, or null when nobody marked the person. */
  attendance: string | null;
  reason: string | null;
  deputyName: string | null;
}

export interface MinutesRecord {
  meeting: Meeting;
  agencyName: string;
  parentAgencyName: string | null;
  roomName: string | null;
  chair: User | null;
  secretary: User | null;
  attendees: MinutesAttendee[];
  items: MeetingItem[];
  /** Who presents each item, by item id: the person chosen (name, title) or the name typed. */
  presenters: Map<number, string>;
  speeches: MinutesSpeech[];
  votes: MinutesVote[];
}

/** Who spoke on what: the live room's speaking history. */
async function speechesOf(meetingId: number, transaction?: Transaction): Promise<MinutesSpeech[]> {
  return listSpeeches(meetingId, transaction);
}

/** The closed votes with their result sentence, the rule applied (the minutes are Vietnamese). */
async function votesOf(meetingId: number, transaction?: Transaction): Promise<MinutesVote[]> {
  const votes = await listVoteResults(meetingId, transaction);
  return votes
    .filter((v) => v.status === 'closed')
    .map((v) => ({
      itemId: v.itemId,
      question: v.question,
      secret: v.secret,
      result: v.resultSentence('vi'),
    }));
}

/** Loads everything the minutes are drafted from, in the caller's transaction if any. */
export async function loadMinutesRecord(
  meeting: Meeting,
  transaction?: Transaction,
): Promise<MinutesRecord> {
  const agency = await Agency.findByPk(meeting.agencyId, { transaction });
  const parent = agency?.parentId ? await Agency.findByPk(agency.parentId, { transaction }) : null;
  const room = meeting.roomId ? await MeetingRoom.findByPk(meeting.roomId, { transaction }) : null;
  const participants = await MeetingParticipant.findAll({
    where: { meetingId: meeting.id },
    order: [['id', 'ASC']],
    transaction,
  });
  const items = await MeetingItem.findAll({
    where: { meetingId: meeting.id },
    order: [['position', 'ASC']],
    transaction,
  });
  const userIds = new Set<number>([meeting.chairId, meeting.secretaryId]);
  for (const p of participants) {
    if (p.userId) userIds.add(p.userId);
    if (p.deputyUserId) userIds.add(p.deputyUserId);
  }
  for (const item of items) if (item.presenterId) userIds.add(item.presenterId);
  const users = new Map(
    (await User.findAll({ where: { id: [...userIds] }, transaction })).map((u) => [u.id, u]),
  );
  const nameOf = (u: User | undefined) =>
    u ? [u.fullName, u.positionTitle].filter(Boolean).join(', ') : '';
  const attendees = participants.map((p) => {
    const user = p.userId ? users.get(p.userId) : undefined;
    const deputy = p.deputyUserId ? users.get(p.deputyUserId) : undefined;
    return {
      name: user ? nameOf(user) : (p.guestName ?? ''),
      organisation: user ? null : p.guestOrganisation,
      role: p.role,
      attendance: p.attendance ?? (p.rsvp === 'absent' ? 'absent' : null),
      reason: p.attendanceReason ?? p.rsvpReason,
      deputyName:
        deputy && (p.attendance === 'deputy' || p.rsvp === 'deputy') ? nameOf(deputy) : null,
    };
  });
  return {
    meeting,
    agencyName: agency?.name ?? '',
    parentAgencyName: parent?.name ?? null,
    roomName: room ? [room.name, room.location].filter(Boolean).join(', ') : null,
    chair: users.get(meeting.chairId) ?? null,
    secretary: users.get(meeting.secretaryId) ?? null,
    attendees,
    items,
    presenters: new Map(
      items.flatMap((item) => {
        const name = item.presenterId ? nameOf(users.get(item.presenterId)) : item.presenterName;
        return name ? [[item.id, name] as const] : [];
      }),
    ),
    speeches: await speechesOf(meeting.id, transaction),
    votes: await votesOf(meeting.id, transaction),
  };
}
