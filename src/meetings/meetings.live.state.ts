/**
 * What the live page, the room display and GET /api/v1/meetings/:id/live show of a meeting to one
 * person, read once when the page opens (the event stream keeps it current afterwards).
 */
import QRCode from 'qrcode';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { User } from '../users/user.model.js';
import { Meeting, MeetingItem, MeetingItemDocument } from './meeting.model.js';
import type { MeetingAccess } from './meetings.access.js';
import { configureMeetingEvents } from './meetings.events.js';
import { lastEventIdOfMeeting } from './meetings.live-stream.js';
import { PRESENT, presenceOf, timerOf, ownParticipant } from './meetings.live.service.js';
import { organises } from './meetings.policy.js';
import { speakingQueue, type QueueEntry } from './meetings.speeches.service.js';
import { can } from '../policy/index.js';
import { MeetingSpeech } from './meeting-live.model.js';

let baseUrl = 'http://localhost:3000';

/** Reads the live room's settings once per process: the public address and Redis. */
export function configureMeetingsLive(config: Config, logger?: Logger): void {
  baseUrl = config.baseUrl.replace(/\/+$/, '');
  configureMeetingEvents(config.redisUrl, logger);
}

/** The address the room's QR code opens: signed in, it checks the person in. */
export const checkInUrlOf = (meeting: Pick<Meeting, 'checkInToken'>) =>
  `${baseUrl}/meetings/checkin/${meeting.checkInToken}`;

/** The room's check-in QR code as SVG markup (the room display, the invitation). */
export async function checkInQrSvg(meeting: Pick<Meeting, 'checkInToken'>): Promise<string> {
  return QRCode.toString(checkInUrlOf(meeting), {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: 2,
  });
}

export interface LiveItem {
  id: number;
  position: number;
  title: string | null;
  status: string;
  confidential: boolean;
}

export interface LiveState {
  meeting: {
    id: number;
    title: string;
    status: string;
    startsAt: string;
    endsAt: string;
    /** When the chair closed it (bế mạc); null until then. */
    closedAt: string | null;
  };
  items: LiveItem[];
  current: {
    itemId: number;
    position: number;
    title: string | null;
    presenter: string | null;
    plannedMinutes: number | null;
    confidential: boolean;
    documents: { id: number; title: string; url: string }[];
    timer: ReturnType<typeof timerOf>;
  } | null;
  queue: QueueEntry[];
  speaking: QueueEntry | null;
  presence: {
    present: number;
    total: number;
    presentVoting: number;
    totalVoting: number;
    presentVotingWeight: number;
    totalVotingWeight: number;
  };
  /** The invitation this person acts on, and their open request to speak. */
  me: { participantId: number | null; speechId: number | null; speechStatus: string | null };
  can: { run: boolean; attendance: boolean; speak: boolean };
  /** The invitees and their attendance (only for whoever checks people in). */
  roster: RosterRow[] | null;
  lastEventId: number;
}

export interface RosterRow {
  participantId: number;
  name: string;
  organisation: string | null;
  role: string;
  isVoting: boolean;
  deputyName: string | null;
  attendance: string | null;
  /** The reason of an absence: as checked in, else as the invitee gave it in their reply. */
  reason: string | null;
  /** The invitee replied to the invitation that they will not come (not yet checked in). */
  reportedAbsent: boolean;
}

async function presenterOf(item: MeetingItem): Promise<string | null> {
  if (!item.presenterId) return item.presenterName ?? null;
  const user = await User.findByPk(item.presenterId, { attributes: ['id', 'fullName'] });
  return user?.fullName ?? item.presenterName ?? null;
}

/** The invitees with their attendance, for whoever checks people in by hand. */
async function rosterOf(access: MeetingAccess): Promise<RosterRow[]> {
  const ids = [
    ...new Set(
      access.participants.flatMap((p) => [p.userId, p.deputyUserId]).filter((id) => id != null),
    ),
  ] as number[];
  const users = await User.findAll({ where: { id: ids }, attributes: ['id', 'fullName'] });
  const name = new Map(users.map((u) => [u.id, u.fullName]));
  return access.participants.map((p) => {
    // Their reply is what the secretary knows before the roll call: shown, and the reason ready
    // for an absence to be confirmed; the attendance itself stays unmarked until it is.
    const reportedAbsent = p.attendance == null && p.rsvp === 'absent';
    return {
      participantId: p.id,
      name: (p.userId ? name.get(p.userId) : p.guestName) ?? '',
      organisation: p.guestOrganisation ?? null,
      role: p.role,
      isVoting: Boolean(p.isVoting),
      deputyName: p.rsvp === 'deputy' && p.deputyUserId ? (name.get(p.deputyUserId) ?? null) : null,
      attendance: p.attendance ?? null,
      reason: p.attendanceReason ?? (reportedAbsent ? (p.rsvpReason ?? null) : null),
      reportedAbsent,
    };
  });
}

/** The live state of a meeting as this person may see it. */
export async function liveStateOf(user: User, access: MeetingAccess): Promise<LiveState> {
  const { meeting } = access;
  const isOrganiser = organises(access);
  const clearance = user.secretClearance ?? 0;
  // Read first: the stream follows from here, so nothing committed after is missed.
  const lastEventId = await lastEventIdOfMeeting(meeting.id);
  const [items, presence, queue] = await Promise.all([
    MeetingItem.findAll({
      where: { meetingId: meeting.id },
      order: [
        ['position', 'ASC'],
        ['id', 'ASC'],
      ],
    }),
    presenceOf(meeting.id),
    speakingQueue(meeting.id),
  ]);
  const visible = items.filter((i) => isOrganiser || i.status !== 'withdrawn');
  const cleared = (i: MeetingItem) => i.confidentiality <= clearance;
  // A closed meeting discusses nothing any more: no current item, no timer running on.
  const currentItem =
    meeting.status === 'closed'
      ? null
      : (items.find((i) => i.id === meeting.currentItemId) ?? null);
  let current: LiveState['current'] = null;
  if (currentItem) {
    const documents = cleared(currentItem)
      ? await MeetingItemDocument.findAll({
          where: { itemId: currentItem.id },
          attributes: ['id', 'title'],
          order: [['id', 'ASC']],
        })
      : [];
    current = {
      itemId: currentItem.id,
      position: currentItem.position,
      title: cleared(currentItem) ? currentItem.title : null,
      presenter: cleared(currentItem) ? await presenterOf(currentItem) : null,
      plannedMinutes: currentItem.plannedMinutes,
      confidential: !cleared(currentItem),
      documents: documents.map((d) => ({
        id: d.id,
        title: d.title,
        url: `/meetings/${meeting.id}/documents/${d.id}`,
      })),
      timer: timerOf(currentItem),
    };
  }
  const own = ownParticipant(access);
  const mySpeech = own
    ? await MeetingSpeech.findOne({
        where: { meetingId: meeting.id, participantId: own.id, status: ['queued', 'speaking'] },
      })
    : null;
  const present = presence.participants.filter(
    (p) => p.attendance && PRESENT.includes(p.attendance),
  ).length;
  return {
    meeting: {
      id: meeting.id,
      title: meeting.title,
      status: meeting.status,
      startsAt: meeting.startsAt.toISOString(),
      endsAt: meeting.endsAt.toISOString(),
      closedAt: meeting.closedAt ? meeting.closedAt.toISOString() : null,
    },
    items: visible.map((i) => ({
      id: i.id,
      position: i.position,
      title: cleared(i) ? i.title : null,
      status: i.status,
      confidential: !cleared(i),
    })),
    current,
    queue,
    speaking: queue.find((q) => q.status === 'speaking') ?? null,
    presence: {
      present,
      total: presence.participants.length,
      presentVoting: presence.presentVoting,
      totalVoting: presence.totalVoting,
      presentVotingWeight: presence.presentVotingWeight,
      totalVotingWeight: presence.totalVotingWeight,
    },
    me: {
      participantId: own?.id ?? null,
      speechId: mySpeech?.id ?? null,
      speechStatus: mySpeech?.status ?? null,
    },
    can: {
      run: can(user, 'meetings.run', access),
      attendance: can(user, 'meetings.attendance', access),
      speak: can(user, 'meetings.speak', access),
    },
    roster: can(user, 'meetings.attendance', access) ? await rosterOf(access) : null,
    lastEventId,
  };
}
