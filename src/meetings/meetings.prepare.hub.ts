/**
 * What the meeting's hub page (and its API twin) shows one person: the meeting, its place and
 * clashes, its participants with their answers (drawn under their department), the agenda with
 * the documents the person is cleared for, and the questions they may read.
 */
import { Op } from 'sequelize';
import { Agency, Department } from '../agencies/agency.model.js';
import { can } from '../policy/index.js';
import { User } from '../users/user.model.js';
import { MeetingRoom, type Meeting, type MeetingParticipant } from './meeting.model.js';
import { requireMeetingAccess, type MeetingAccess } from './meetings.access.js';
import { organises } from './meetings.policy.js';
import type { MeetingQuestion } from './meetings.prepare.model.js';
import { readableQuestions } from './meetings.prepare.documents.js';
import {
  auditMeeting,
  listAgenda,
  roomClashes,
  type AgendaItem,
  type MeetingActor,
  type RoomClash,
} from './meetings.prepare.service.js';
import { NAME_ORDER } from '../users/name-order.js';

export interface PersonView {
  id: number;
  fullName: string;
  positionTitle: string | null;
  departmentName: string | null;
  agencyName: string | null;
}

export interface ParticipantView {
  id: number;
  userId: number | null;
  name: string;
  title: string | null;
  organisation: string | null;
  role: MeetingParticipant['role'];
  invitedDepartmentId: number | null;
  isVoting: boolean;
  voteWeight: number;
  rsvp: MeetingParticipant['rsvp'];
  rsvpReason: string | null;
  deputy: PersonView | null;
  respondedAt: Date | null;
  isMe: boolean;
}

export interface AgendaView {
  item: AgendaItem;
  /** Cleared for the item's documents (meetings.item.view). */
  cleared: boolean;
  documents: AgendaItem['documents'];
  presenter: string | null;
  questions: MeetingQuestion[];
}

export interface MeetingHub {
  access: MeetingAccess;
  meeting: Meeting;
  room: MeetingRoom | null;
  clashes: RoomClash[];
  participants: ParticipantView[];
  departments: Map<number, string>;
  agenda: AgendaView[];
  mine: ParticipantView | null;
  isOrganiser: boolean;
}

/** People by id with their titles, departments and (for other agencies) agencies. */
export async function peopleById(ids: number[]): Promise<Map<number, PersonView>> {
  if (ids.length === 0) return new Map();
  const users = await User.findAll({
    where: { id: [...new Set(ids)] },
    attributes: ['id', 'fullName', 'positionTitle', 'departmentId', 'agencyId'],
  });
  const [departments, agencies] = await Promise.all([
    Department.findAll({
      where: { id: users.map((u) => u.departmentId).filter((d): d is number => d != null) },
      attributes: ['id', 'name'],
    }),
    Agency.findAll({ where: { id: users.map((u) => u.agencyId) }, attributes: ['id', 'name'] }),
  ]);
  const dept = new Map(departments.map((d) => [d.id, d.name]));
  const agency = new Map(agencies.map((a) => [a.id, a.name]));
  return new Map(
    users.map((u) => [
      u.id,
      {
        id: u.id,
        fullName: u.fullName,
        positionTitle: u.positionTitle,
        departmentName: u.departmentId != null ? (dept.get(u.departmentId) ?? null) : null,
        agencyName: agency.get(u.agencyId) ?? null,
      },
    ]),
  );
}

const ROLE_ORDER = ['chair', 'secretary', 'member', 'participant', 'guest'];

/** The meeting's hub for a person, audited as a view of the meeting. */
export async function meetingHub(actor: MeetingActor, meetingId: number): Promise<MeetingHub> {
  const { user } = actor;
  const access = await requireMeetingAccess(user, meetingId);
  const { meeting } = access;
  const isOrganiser = organises(access);
  const [agenda, room, clashes] = await Promise.all([
    listAgenda(meeting.id),
    meeting.roomId ? MeetingRoom.findByPk(meeting.roomId) : Promise.resolve(null),
    meeting.status === 'cancelled'
      ? Promise.resolve([])
      : roomClashes({ ...meeting.get(), excludeId: meeting.id }, user),
  ]);
  const ids = access.participants.flatMap((p) => [p.userId, p.deputyUserId]);
  for (const item of agenda) ids.push(item.presenterId);
  const people = await peopleById(ids.filter((id): id is number => id != null));
  const departmentIds = access.participants
    .map((p) => p.invitedDepartmentId)
    .filter((d): d is number => d != null);
  const departments = new Map(
    (
      await Department.findAll({
        where: { id: { [Op.in]: departmentIds } },
        attributes: ['id', 'name'],
      })
    ).map((d) => [d.id, d.name]),
  );
  const participants = access.participants
    .map((p): ParticipantView => {
      const person = p.userId != null ? people.get(p.userId) : undefined;
      const isMe = p.userId === user.id;
      return {
        id: p.id,
        userId: p.userId,
        name: person?.fullName ?? p.guestName ?? '',
        title: person?.positionTitle ?? null,
        organisation:
          p.guestOrganisation ??
          (person && person.agencyName && p.role === 'guest' ? person.agencyName : null) ??
          person?.departmentName ??
          null,
        role: p.role,
        invitedDepartmentId: p.invitedDepartmentId,
        isVoting: p.isVoting,
        voteWeight: p.voteWeight,
        rsvp: p.rsvp,
        // An absence's reason is for the organisers and the invitee.
        rsvpReason: isOrganiser || isMe ? p.rsvpReason : null,
        deputy: p.rsvp === 'deputy' && p.deputyUserId ? (people.get(p.deputyUserId) ?? null) : null,
        respondedAt: p.respondedAt,
        isMe,
      };
    })
    .sort(
      (a, b) =>
        ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) ||
        (a.invitedDepartmentId ?? 0) - (b.invitedDepartmentId ?? 0) ||
        a.name.localeCompare(b.name, 'vi'),
    );
  const questions = await readableQuestions(user, access, agenda);
  const visibleAgenda = agenda
    .filter((item) => isOrganiser || item.status !== 'withdrawn')
    .map((item): AgendaView => {
      const cleared = can(user, 'meetings.item.view', { access, item });
      const presenter = item.presenterId ? people.get(item.presenterId) : undefined;
      return {
        item,
        cleared,
        documents: cleared ? item.documents : [],
        presenter: presenter
          ? [presenter.fullName, presenter.positionTitle].filter(Boolean).join(', ')
          : item.presenterName,
        questions: questions.filter((q) => q.itemId === item.id),
      };
    });
  await auditMeeting(actor, 'meeting.view', meeting.id, null);
  return {
    access,
    meeting,
    room,
    clashes: isOrganiser ? clashes : [],
    participants,
    departments,
    agenda: visibleAgenda,
    mine: participants.find((p) => p.isMe) ?? null,
    isOrganiser,
  };
}

export interface PersonChoice {
  id: number;
  label: string;
}

const labelOf = (p: PersonView, withAgency = false) =>
  [p.fullName, p.positionTitle, withAgency ? p.agencyName : p.departmentName]
    .filter(Boolean)
    .join(' – ');

/** The people of an agency to choose from (name – title – department), by name. */
export async function agencyPeople(agencyId: number): Promise<PersonChoice[]> {
  const users = await User.findAll({
    where: { agencyId, isActive: true, [Op.and]: [User.whereNotOnlyAdmin()] },
    attributes: ['id'],
    order: NAME_ORDER,
    limit: 2000,
  });
  const people = await peopleById(users.map((u) => u.id));
  return users.map((u) => ({ id: u.id, label: labelOf(people.get(u.id)!) }));
}

/** People of the deployment's other agencies, who may be invited as guests. */
export async function otherAgencyPeople(agencyId: number): Promise<PersonChoice[]> {
  const users = await User.findAll({
    where: {
      agencyId: { [Op.ne]: agencyId },
      isActive: true,
      [Op.and]: [User.whereNotOnlyAdmin()],
    },
    attributes: ['id'],
    order: NAME_ORDER,
    limit: 2000,
  });
  const people = await peopleById(users.map((u) => u.id));
  return users.map((u) => ({ id: u.id, label: labelOf(people.get(u.id)!, true) }));
}

/** The agency's departments to invite whole. */
export async function agencyDepartments(agencyId: number): Promise<PersonChoice[]> {
  const departments = await Department.findAll({
    where: { agencyId },
    attributes: ['id', 'name'],
    order: [['name', 'ASC']],
  });
  return departments.map((d) => ({ id: d.id, label: d.name }));
}
