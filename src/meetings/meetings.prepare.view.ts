/** The meetings pages' template data: the hub and the meeting form, in the request's language. */
import type { Request } from 'express';
import type { AppError } from '../http/app-error.js';
import { messageOf, translateFields } from '../http/forms.js';
import { can } from '../policy/index.js';
import { MEETING_KINDS, type Meeting } from './meeting.model.js';
import { minutesSummary } from './minutes.view-model.js';
import { meetingTasksSummary } from './tasks.service.js';
import { invitationSummary } from './invitation.service.js';
import { deputyCandidates } from './meetings.prepare.people.js';
import { listRooms } from './meetings.prepare.rooms.js';
import {
  agencyDepartments,
  agencyPeople,
  otherAgencyPeople,
  type MeetingHub,
} from './meetings.prepare.hub.js';
import type { RoomClash } from './meetings.prepare.service.js';

/** A refused form's state: which form, its field messages, what was typed. */
export interface FormState {
  form?: string;
  errors?: Record<string, string>;
  values?: Record<string, unknown>;
  message?: string;
}

/** A refusal as a form shows it: field messages, and its message (heading the page). */
export function formStateOf(req: Request, err: AppError, form: string, body: unknown): FormState {
  // A refused file's message (FILE_NOT_PDF…) heads the page, once: not again under the field.
  const errors = translateFields(req, err.fields);
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>))
    if (k !== '_csrf') values[k] = v;
  // The message always heads the page: a field's own message shows only where that form has a
  // place for it, and a forged form (a kind or an item the page has not) has none.
  return { form, errors, values, message: messageOf(req, err) };
}

export const kindOptions = (req: Request) =>
  MEETING_KINDS.map((k) => ({ value: k, label: req.t(`meetings:kind.${k}`) }));

const clashView = (clashes: RoomClash[]) =>
  clashes.map((c) => ({ id: c.id, title: c.title, startsAt: c.startsAt, endsAt: c.endsAt }));

/** The meeting form (new or edit): its choices, values and errors. */
export async function meetingFormModel(
  req: Request,
  meeting: Meeting | null,
  state: FormState & { clashes?: RoomClash[] } = {},
) {
  const agencyId = meeting?.agencyId ?? req.user!.agencyId;
  const [people, rooms] = await Promise.all([
    agencyPeople(agencyId),
    listRooms(agencyId, { activeOnly: true }),
  ]);
  const values = state.values ?? {
    title: meeting?.title,
    kind: meeting?.kind ?? 'giao_ban',
    chairId: meeting?.chairId,
    secretaryId: meeting?.secretaryId ?? req.user!.id,
    startsAt: meeting?.startsAt,
    endsAt: meeting?.endsAt,
    roomId: meeting?.roomId,
    onlineUrl: meeting?.onlineUrl,
    description: meeting?.description,
  };
  return {
    title: meeting ? req.t('meetings:form.editTitle') : req.t('meetings:form.newTitle'),
    meeting: meeting ? { id: meeting.id, title: meeting.title } : null,
    action: meeting ? `/meetings/${meeting.id}` : '/meetings',
    kinds: kindOptions(req),
    people,
    rooms: rooms.map((r) => ({
      id: r.id,
      label: r.location ? `${r.name} – ${r.location}` : r.name,
    })),
    values,
    errors: state.errors ?? {},
    formError: state.message,
    clashes: state.clashes ? clashView(state.clashes) : [],
  };
}

/** The hub page: everything a person sees of the meeting, and the forms they may use. */
export async function hubModel(req: Request, hub: MeetingHub, state: FormState = {}) {
  const user = req.user!;
  const { access, meeting } = hub;
  const may = {
    manage: can(user, 'meetings.manage', access),
    respond: can(user, 'meetings.respond', access),
    annotate: can(user, 'meetings.annotate', access),
    publish: can(user, 'meetings.manage', access) && meeting.status === 'draft',
    cancel: can(user, 'meetings.manage', access) && ['draft', 'published'].includes(meeting.status),
    ask: can(user, 'meetings.annotate', access) && ['draft', 'published'].includes(meeting.status),
  };
  const [people, departments, externals, deputies] = may.manage
    ? await Promise.all([
        agencyPeople(meeting.agencyId),
        agencyDepartments(meeting.agencyId),
        otherAgencyPeople(meeting.agencyId),
        Promise.resolve([]),
      ])
    : [[], [], [], []];
  const deputyChoices = may.respond
    ? (await deputyCandidates(user)).map((u) => ({
        id: u.id,
        label: [u.fullName, u.positionTitle].filter(Boolean).join(' – '),
      }))
    : deputies;
  // Invitees drawn under the department they were invited through; the others by role.
  const groups: { title: string; rows: typeof hub.participants }[] = [];
  for (const p of hub.participants) {
    const title = p.invitedDepartmentId
      ? (hub.departments.get(p.invitedDepartmentId) ?? '')
      : req.t(`meetings:roleGroup.${p.role}`);
    let group = groups.find((g) => g.title === title);
    if (!group) groups.push((group = { title, rows: [] }));
    group.rows.push(p);
  }
  const answered = hub.participants.filter((p) => p.rsvp !== 'pending').length;
  return {
    title: meeting.title,
    meeting: {
      ...meeting.get(),
      kindLabel: req.t(`meetings:kind.${meeting.kind}`),
      statusLabel: req.t(`meetings:status.${meeting.status}`),
    },
    room: hub.room?.get({ plain: true }) ?? null,
    clashes: clashView(hub.clashes),
    // The room from publication: the chair opens the meeting there, the members wait in it.
    live: meeting.status === 'published' || meeting.status === 'in_progress',
    groups,
    counts: { invited: hub.participants.length, answered },
    mine: hub.mine,
    agenda: hub.agenda.map((a, index) => ({
      ...a.item.get(),
      editValues: state.form === `item-${a.item.id}` ? state.values : a.item.get(),
      editErrors: state.form === `item-${a.item.id}` ? state.errors : {},
      number: index + 1,
      presenterLabel: a.presenter,
      cleared: a.cleared,
      withdrawn: a.item.status === 'withdrawn',
      documents: a.documents.map((d) => ({
        id: d.id,
        title: d.title,
        linkedKind: d.linkedKind,
        originalName: d.originalName,
      })),
      questions: a.questions.map((q) => ({
        id: q.id,
        text: q.text,
        asker: q.asker?.fullName ?? '',
        mine: q.userId === user.id,
        createdAt: q.createdAt,
      })),
    })),
    itemCount: hub.agenda.length,
    may,
    isOrganiser: hub.isOrganiser,
    people,
    departments,
    externals,
    deputyChoices,
    form: state.form ?? null,
    inviteOpen: state.form?.startsWith('participants-') ?? false,
    newItem: state.form === 'item' ? state.values : {},
    newItemErrors: state.form === 'item' ? state.errors : {},
    errors: state.errors ?? {},
    values: state.values ?? {},
    formError: state.message,
    minutes: await minutesSummary(user, meeting.id),
    invitationSummary: await invitationSummary(user, meeting),
    taskSummary: await meetingTasksSummary(user, meeting.id),
  };
}
