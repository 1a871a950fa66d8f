/**
 * The weekly work calendar (lịch công tác tuần, issue 13 §1): Monday to Sunday in Vietnam time,
 * the agency's meetings that are neither drafts nor cancelled, and a row per leader with the
 * meetings they chair or are invited to. Only what the viewer may see ('meetings.view'), and of
 * each meeting only its title, time, place and chair: nothing of its agenda, so nothing secret.
 */
import { literal, Op } from 'sequelize';
import { unprocessable } from '../http/app-error.js';
import { isIsoCalendarDay } from '../http/form-fields.js';
import { can } from '../policy/index.js';
import { User } from '../users/user.model.js';
import { leadersOf } from '../users/directory.service.js';
import { Meeting, MeetingParticipant, MeetingRoom } from './meeting.model.js';
import { meetingRolesOf, reachesMeeting, type MeetingAccess } from './meetings.access.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const VIETNAM = 7 * HOUR;
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The Monday (ISO date) of the week holding an ISO date. A day that does not exist is the
 * person's input (a 422 with the date message), never a RangeError from toISOString.
 */
export function mondayOf(isoDate: string): string {
  if (!isIsoCalendarDay(isoDate)) {
    throw unprocessable({ date: 'forms:invalid.date' });
  }
  const d = new Date(`${isoDate}T00:00:00Z`);
  const back = (d.getUTCDay() + 6) % 7;
  return new Date(d.getTime() - back * DAY).toISOString().slice(0, 10);
}

/** dd/mm/yyyy of an ISO date. */
export const dayMonthYear = (iso: string) =>
  `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

const addDays = (iso: string, days: number) =>
  new Date(new Date(`${iso}T00:00:00Z`).getTime() + days * DAY).toISOString().slice(0, 10);

/** The day (ISO) and clock (HH:MM) of an instant in Vietnam time. */
const vietnamDay = (d: Date) => new Date(d.getTime() + VIETNAM).toISOString().slice(0, 10);
const vietnamClock = (d: Date) => {
  const v = new Date(d.getTime() + VIETNAM);
  return `${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}`;
};

export interface WeekEntry {
  id: number;
  title: string;
  start: string;
  end: string;
  startsAt: string;
  endsAt: string;
  /** Sáng (before noon) or chiều, as a printed calendar splits the day. */
  halfDay: 'morning' | 'afternoon';
  place: string | null;
  online: boolean;
  chair: string | null;
  status: string;
}

export interface WeekDay {
  date: string;
  label: string;
  weekday: number;
  entries: WeekEntry[];
}

export interface LeaderRow {
  id: number;
  name: string;
  title: string | null;
  days: { date: string; entries: WeekEntry[] }[];
}

export interface Week {
  monday: string;
  sunday: string;
  previous: string;
  next: string;
  days: WeekDay[];
  leaders: { id: number; name: string; title: string | null }[];
  leaderRows: LeaderRow[];
  selectedLeader: number | null;
}

/** The week of `isoDate` as `viewer` may see it; `leaderId` narrows the leader rows to one. */
export async function weekOf(viewer: User, isoDate: string, leaderId?: number): Promise<Week> {
  const monday = mondayOf(isoDate);
  const from = new Date(new Date(`${monday}T00:00:00Z`).getTime() - VIETNAM);
  const to = new Date(from.getTime() + 7 * DAY);
  const leaders = await leadersOf(viewer.agencyId);
  const shownLeaders = leaderId ? leaders.filter((l) => l.id === leaderId) : leaders;
  const leaderIds = leaders.map((l) => l.id);
  // The agency's meetings, and those elsewhere a leader (or the viewer) is invited to. The ids
  // are integers of our own rows, so the sub-select is written out.
  const people = [...leaderIds, viewer.id].map((id) => Math.trunc(Number(id))).join(', ');
  const invitedTo = literal(
    `(SELECT meetingId FROM meeting_participants WHERE userId IN (${people}) ` +
      `OR (deputyUserId = ${Math.trunc(Number(viewer.id))} AND rsvp = 'deputy'))`,
  );
  const meetings = await Meeting.findAll({
    where: {
      startsAt: { [Op.gte]: from, [Op.lt]: to },
      status: { [Op.notIn]: ['draft', 'cancelled'] },
      [Op.or]: [{ agencyId: viewer.agencyId }, { id: { [Op.in]: invitedTo } }],
    },
    order: [
      ['startsAt', 'ASC'],
      ['id', 'ASC'],
    ],
  });
  const ids = meetings.map((m) => m.id);
  const participants = ids.length
    ? await MeetingParticipant.findAll({ where: { meetingId: ids }, order: [['id', 'ASC']] })
    : [];
  const byMeeting = new Map<number, MeetingParticipant[]>();
  for (const p of participants) {
    const list = byMeeting.get(p.meetingId) ?? [];
    list.push(p);
    byMeeting.set(p.meetingId, list);
  }
  const visible = meetings.filter((meeting) => {
    const rows = byMeeting.get(meeting.id) ?? [];
    const mine = rows.find((p) => p.userId === viewer.id) ?? null;
    if (!reachesMeeting(viewer, meeting, rows)) return false;
    const access: MeetingAccess = {
      meeting,
      participants: rows,
      mine,
      deputyFor: rows.filter((p) => p.deputyUserId === viewer.id && p.rsvp === 'deputy'),
      roles: meetingRolesOf(viewer.id, meeting, rows),
    };
    return can(viewer, 'meetings.view', access);
  });
  const rooms = new Map(
    (
      await MeetingRoom.findAll({
        where: { id: visible.map((m) => m.roomId ?? 0).filter(Boolean) },
      })
    ).map((r) => [r.id, [r.name, r.location].filter(Boolean).join(', ')]),
  );
  const chairs = new Map(
    (await User.findAll({ where: { id: visible.map((m) => m.chairId) } })).map((u) => [
      u.id,
      [u.positionTitle, u.fullName].filter(Boolean).join(' '),
    ]),
  );
  const entryOf = (m: Meeting): WeekEntry => ({
    id: m.id,
    title: m.title,
    start: vietnamClock(m.startsAt),
    end: vietnamClock(m.endsAt),
    startsAt: m.startsAt.toISOString(),
    endsAt: m.endsAt.toISOString(),
    halfDay: Number(vietnamClock(m.startsAt).slice(0, 2)) < 12 ? 'morning' : 'afternoon',
    place: m.roomId ? (rooms.get(m.roomId) ?? null) : null,
    online: Boolean(m.onlineUrl),
    chair: chairs.get(m.chairId) ?? null,
    status: m.status,
  });
  const dates = Array.from({ length: 7 }, (_, i) => addDays(monday, i));
  const own = visible.filter((m) => m.agencyId === viewer.agencyId);
  const days = dates.map((date, i) => ({
    date,
    label: dayMonthYear(date),
    weekday: i,
    entries: own.filter((m) => vietnamDay(m.startsAt) === date).map(entryOf),
  }));
  const concerns = (leader: User, m: Meeting) =>
    m.chairId === leader.id ||
    (byMeeting.get(m.id) ?? []).some(
      (p) => p.userId === leader.id && p.rsvp !== 'absent' && p.rsvp !== 'deputy',
    );
  const leaderRows = shownLeaders.map((leader) => ({
    id: leader.id,
    name: leader.fullName,
    title: leader.positionTitle,
    days: dates.map((date) => ({
      date,
      entries: visible
        .filter((m) => vietnamDay(m.startsAt) === date && concerns(leader, m))
        .map(entryOf),
    })),
  }));
  return {
    monday,
    sunday: dates[6]!,
    previous: addDays(monday, -7),
    next: addDays(monday, 7),
    days,
    leaders: leaders.map((l) => ({ id: l.id, name: l.fullName, title: l.positionTitle })),
    leaderRows,
    selectedLeader: shownLeaders.length === 1 && leaderId ? leaderId : null,
  };
}
