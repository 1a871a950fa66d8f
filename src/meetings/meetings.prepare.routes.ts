import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Config } from '../config.js';
import { AppError } from '../http/app-error.js';
import { requirePermission } from '../http/auth.js';
import { flash } from '../http/flash.js';
import { checkbox } from '../http/form-fields.js';
import { submitForm } from '../http/forms.js';
import { pathId } from '../http/params.js';
import { actorOf } from '../http/request-context.js';
import { parseInput } from '../http/validate.js';
import { authorize, can } from '../policy/index.js';
import { exportLink } from '../http/list-export.js';
import { requireMeetingAccess } from './meetings.access.js';
import { exportMeetings, exportRooms, meetingFiltersOf } from './meetings.exports.js';
import { meetingAgendaRouter } from './meetings.prepare.agenda.routes.js';
import { meetingHub } from './meetings.prepare.hub.js';
import {
  addParticipants,
  removeParticipant,
  respondToInvitation,
  updateParticipant,
} from './meetings.prepare.people.js';
import { listRooms, saveRoom } from './meetings.prepare.rooms.js';
import {
  AddParticipantsSchema,
  MeetingSchema,
  ReasonSchema,
  RoomSchema,
  RsvpSchema,
  UpdateParticipantSchema,
  type MeetingInput,
} from './meetings.prepare.schemas.js';
import {
  auditMeeting,
  cancelMeeting,
  createMeeting,
  listMeetings,
  PAGE_SIZE,
  publishMeeting,
  roomClashes,
  updateMeeting,
  type RoomClash,
} from './meetings.prepare.service.js';
import {
  formStateOf,
  hubModel,
  kindOptions,
  meetingFormModel,
  type FormState,
} from './meetings.prepare.view.js';

export const meetingId = (req: Request) => pathId(req, 'id', 'MEETING_NOT_FOUND');

/** `/meetings/:id…` answers numeric ids only; other paths go on to the module's other routers. */
export const numericId = (req: Request, _res: Response, next: NextFunction) =>
  /^\d{1,10}$/.test(String(req.params.id)) ? next() : next('route');

/** Re-renders the hub with a refused form's messages (422/409), or shows it as it is. */
export async function renderHub(req: Request, res: Response, status = 200, state: FormState = {}) {
  const hub = await meetingHub(actorOf(req), meetingId(req));
  res.status(status).render('meetings/hub', await hubModel(req, hub, state));
}

/** Runs a hub form's work; a refusal the person can fix shows the hub again with it. */
export async function hubForm(
  req: Request,
  res: Response,
  form: string,
  work: () => Promise<unknown>,
  done: string,
  anchor = '',
): Promise<void> {
  const ok = await submitForm(
    async () => {
      await work();
    },
    (err) => renderHub(req, res, err.status, formStateOf(req, err, form, req.body)),
    [409, 413, 422],
  );
  if (!ok) return;
  flash(req, 'success', req.t(`meetings:done.${done}`));
  res.redirect(303, `/meetings/${meetingId(req)}${anchor}`);
}

/** The meeting's fields, and whether a clash of its room was seen and accepted. */
function meetingInput(req: Request): { input: MeetingInput; goOn: boolean } {
  const input = parseInput(MeetingSchema, req.body, req.lng, req.t);
  return { input, goOn: checkbox.parse(req.body?.confirmClash) };
}

/** The other meetings in the room then; refused (409) unless the organiser chose to go on. */
async function checkClash(req: Request, input: MeetingInput, goOn: boolean, excludeId?: number) {
  const clashes = await roomClashes(
    { roomId: input.roomId ?? null, startsAt: input.startsAt!, endsAt: input.endsAt!, excludeId },
    req.user!,
  );
  if (clashes.length && !goOn)
    throw Object.assign(new AppError('MEETING_ROOM_CLASH', 409), { clashes });
}

async function renderMeetingForm(
  req: Request,
  res: Response,
  status: number,
  err: AppError,
  meeting: Parameters<typeof meetingFormModel>[1],
) {
  const state = formStateOf(req, err, 'meeting', req.body);
  const clashes = (err as AppError & { clashes?: RoomClash[] }).clashes;
  res
    .status(status)
    .render('meetings/form', await meetingFormModel(req, meeting, { ...state, clashes }));
}

/** Preparing a meeting: the list, the form, rooms, the hub, participants and answers. */
export function meetingsPrepareRouter(config?: Config): Router {
  const router = Router();

  router.get('/meetings', requirePermission('meetings.list'), async (req, res) => {
    const filters = meetingFiltersOf(req);
    const { meetings, total } = await listMeetings(req.user!, filters);
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const link = (page: number) =>
      `/meetings?${new URLSearchParams({
        when: filters.when,
        ...(filters.mine ? { mine: '1' } : {}),
        ...(filters.q ? { q: filters.q } : {}),
        ...(filters.kind ? { kind: filters.kind } : {}),
        ...(filters.roomId ? { roomId: String(filters.roomId) } : {}),
        page: String(page),
      })}`;
    res.render('meetings/list', {
      title: req.t('meetings:list.title'),
      filters,
      kinds: kindOptions(req),
      rooms: (await listRooms(req.user!.agencyId)).map((r) => r.get({ plain: true })),
      mayCreate: can(req.user, 'meetings.create'),
      mayRooms: can(req.user, 'meetings.rooms.manage'),
      exportLink: exportLink(req, '/meetings/export.xlsx', filters, total),
      meetings: meetings.map((m) => ({
        id: m.id,
        title: m.title,
        kindLabel: req.t(`meetings:kind.${m.kind}`),
        status: m.status,
        statusLabel: req.t(`meetings:status.${m.status}`),
        startsAt: m.startsAt,
        endsAt: m.endsAt,
        place: m.room?.name ?? (m.onlineUrl ? req.t('meetings:online') : ''),
      })),
      pagination: {
        page: filters.page,
        pages,
        prevHref: filters.page > 1 ? link(filters.page - 1) : null,
        nextHref: filters.page < pages ? link(filters.page + 1) : null,
      },
    });
  });

  // Before /meetings/:id: the list as shown, as XLSX (meetings.exports.ts).
  router.get('/meetings/export.xlsx', requirePermission('meetings.list'), exportMeetings);

  router.get('/meetings/new', requirePermission('meetings.create'), async (req, res) => {
    res.render('meetings/form', await meetingFormModel(req, null));
  });

  router.post('/meetings', requirePermission('meetings.create'), async (req, res) => {
    let id = 0;
    const ok = await submitForm(
      async () => {
        const { input, goOn } = meetingInput(req);
        await checkClash(req, input, goOn);
        id = (await createMeeting(actorOf(req), input)).id;
      },
      (err) => renderMeetingForm(req, res, err.status, err, null),
      [409, 422],
    );
    if (!ok) return;
    flash(req, 'success', req.t('meetings:done.created'));
    res.redirect(303, `/meetings/${id}`);
  });

  router.get('/meetings/rooms', requirePermission('meetings.rooms.manage'), async (req, res) => {
    res.render('meetings/rooms', {
      title: req.t('meetings:rooms.title'),
      rooms: (await listRooms(req.user!.agencyId)).map((r) => r.get({ plain: true })),
      exportLink: exportLink(req, '/meetings/rooms/export.xlsx', {}),
    });
  });
  router.get(
    '/meetings/rooms/export.xlsx',
    requirePermission('meetings.rooms.manage'),
    exportRooms,
  );

  const roomForm = async (req: Request, res: Response, roomId?: number) => {
    const ok = await submitForm(
      async () => {
        await saveRoom(actorOf(req), parseInput(RoomSchema, req.body, req.lng, req.t), roomId);
      },
      async (err) => {
        res.status(422).render('meetings/rooms', {
          title: req.t('meetings:rooms.title'),
          rooms: (await listRooms(req.user!.agencyId)).map((r) => r.get({ plain: true })),
          exportLink: exportLink(req, '/meetings/rooms/export.xlsx', {}),
          ...formStateOf(req, err, roomId ? `room-${roomId}` : 'room', req.body),
        });
      },
    );
    if (!ok) return;
    flash(req, 'success', req.t('meetings:done.roomSaved'));
    res.redirect(303, '/meetings/rooms');
  };
  router.post('/meetings/rooms', requirePermission('meetings.rooms.manage'), (req, res) =>
    roomForm(req, res),
  );
  router.post(
    '/meetings/rooms/:roomId',
    requirePermission('meetings.rooms.manage'),
    async (req, res) => roomForm(req, res, pathId(req, 'roomId', 'MEETING_ROOM_NOT_FOUND')),
  );

  router.get('/meetings/:id', numericId, (req, res) => renderHub(req, res));

  router.get('/meetings/:id/edit', numericId, async (req, res) => {
    const access = await requireMeetingAccess(req.user!, meetingId(req));
    authorize(req.user!, 'meetings.manage', access);
    const { meeting } = access;
    const model = await meetingFormModel(req, meeting);
    // The form shows the meeting's fields: a read of it, like its page.
    await auditMeeting(actorOf(req), 'meeting.view', meeting.id, { page: 'edit' });
    res.render('meetings/form', model);
  });

  router.post('/meetings/:id', numericId, async (req, res) => {
    const id = meetingId(req);
    const access = await requireMeetingAccess(req.user!, id);
    authorize(req.user!, 'meetings.manage', access);
    const ok = await submitForm(
      async () => {
        const { input, goOn } = meetingInput(req);
        await checkClash(req, input, goOn, id);
        await updateMeeting(actorOf(req), id, input);
      },
      (err) => renderMeetingForm(req, res, err.status, err, access.meeting),
      [409, 422],
    );
    if (!ok) return;
    flash(req, 'success', req.t('meetings:done.saved'));
    res.redirect(303, `/meetings/${id}`);
  });

  router.post('/meetings/:id/publish', numericId, (req, res) =>
    hubForm(req, res, 'publish', () => publishMeeting(actorOf(req), meetingId(req)), 'published'),
  );

  router.post('/meetings/:id/cancel', numericId, (req, res) =>
    hubForm(
      req,
      res,
      'cancel',
      async () => {
        const access = await requireMeetingAccess(req.user!, meetingId(req));
        authorize(req.user!, 'meetings.manage', access);
        const { reason } = parseInput(ReasonSchema, req.body, req.lng, req.t);
        await cancelMeeting(actorOf(req), meetingId(req), reason);
      },
      'cancelled',
    ),
  );

  router.post('/meetings/:id/participants', numericId, (req, res) =>
    hubForm(
      req,
      res,
      `participants-${String(req.body?.kind ?? '')}`,
      async () => {
        const access = await requireMeetingAccess(req.user!, meetingId(req));
        authorize(req.user!, 'meetings.manage', access);
        const input = parseInput(AddParticipantsSchema, req.body, req.lng, req.t);
        await addParticipants(actorOf(req), meetingId(req), input);
      },
      'invited',
      '#participants',
    ),
  );

  router.post('/meetings/:id/participants/:participantId', numericId, (req, res) =>
    hubForm(
      req,
      res,
      `participant-${String(req.params.participantId)}`,
      async () => {
        const access = await requireMeetingAccess(req.user!, meetingId(req));
        authorize(req.user!, 'meetings.manage', access);
        const input = parseInput(UpdateParticipantSchema, req.body, req.lng, req.t);
        const participantId = pathId(req, 'participantId', 'MEETING_PARTICIPANT_NOT_FOUND');
        await updateParticipant(actorOf(req), meetingId(req), participantId, input);
      },
      'saved',
      '#participants',
    ),
  );

  router.post('/meetings/:id/participants/:participantId/remove', numericId, (req, res) =>
    hubForm(
      req,
      res,
      'remove',
      () =>
        removeParticipant(
          actorOf(req),
          meetingId(req),
          pathId(req, 'participantId', 'MEETING_PARTICIPANT_NOT_FOUND'),
        ),
      'removed',
      '#participants',
    ),
  );

  router.post('/meetings/:id/rsvp', numericId, (req, res) =>
    hubForm(
      req,
      res,
      'rsvp',
      async () => {
        const access = await requireMeetingAccess(req.user!, meetingId(req));
        authorize(req.user!, 'meetings.respond', access);
        const input = parseInput(RsvpSchema, req.body, req.lng, req.t);
        await respondToInvitation(actorOf(req), meetingId(req), input);
      },
      'answered',
    ),
  );

  router.use(meetingAgendaRouter(config));
  return router;
}
