import { Router, type Request } from 'express';
import type { Config } from '../config.js';
import { requirePermission } from '../http/auth.js';
import { pathId } from '../http/params.js';
import { actorOf } from '../http/request-context.js';
import { memoryUpload, uploadsOf } from '../http/uploads.js';
import { parseInput } from '../http/validate.js';
import { authorize, can } from '../policy/index.js';
import type { Meeting, MeetingItem, MeetingItemDocument } from './meeting.model.js';
import { requireMeetingAccess } from './meetings.access.js';
import { organises } from './meetings.policy.js';
import {
  addUploadedDocuments,
  linkDocument,
  openDocumentFile,
} from './meetings.prepare.documents.js';
import { sendMeetingFile } from './meetings.prepare.files.js';
import { meetingHub } from './meetings.prepare.hub.js';
import {
  addParticipants,
  removeParticipant,
  respondToInvitation,
  updateParticipant,
} from './meetings.prepare.people.js';
import {
  AddParticipantsSchema,
  ItemSchema,
  LinkDocumentSchema,
  MeetingListQuery,
  MeetingSchema,
  MoveItemSchema,
  ReasonSchema,
  RsvpSchema,
  UpdateParticipantSchema,
  UploadDocumentSchema,
} from './meetings.prepare.schemas.js';
import {
  addItem,
  auditMeeting,
  cancelMeeting,
  createMeeting,
  listAgenda,
  listMeetings,
  moveItem,
  PAGE_SIZE,
  publishMeeting,
  roomClashes,
  updateItem,
  updateMeeting,
  withdrawItem,
} from './meetings.prepare.service.js';

const DEFAULT_UPLOAD_BYTES = 50 * 1024 * 1024;

const meetingId = (req: Request) => pathId(req, 'id', 'MEETING_NOT_FOUND');
const itemId = (req: Request) => pathId(req, 'itemId', 'MEETING_ITEM_NOT_FOUND');

/** A meeting as the API gives it. */
export const meetingJson = (m: Meeting) => ({
  id: m.id,
  title: m.title,
  kind: m.kind,
  status: m.status,
  description: m.description,
  chairId: m.chairId,
  secretaryId: m.secretaryId,
  organiserId: m.organiserId,
  startsAt: m.startsAt,
  endsAt: m.endsAt,
  roomId: m.roomId,
  onlineUrl: m.onlineUrl,
  publishedAt: m.publishedAt,
  cancelledAt: m.cancelledAt,
  cancelReason: m.cancelReason,
});

const documentJson = (d: MeetingItemDocument) => ({
  id: d.id,
  title: d.title,
  linkedKind: d.linkedKind,
  linkedId: d.linkedId,
  originalName: d.originalName,
  fileUrl: `/api/v1/meetings/${d.meetingId}/documents/${d.id}/file`,
});

const itemJson = (i: MeetingItem, documents: MeetingItemDocument[] | null) => ({
  id: i.id,
  position: i.position,
  title: i.title,
  presenterId: i.presenterId,
  presenterName: i.presenterName,
  plannedMinutes: i.plannedMinutes,
  confidentiality: i.confidentiality,
  status: i.status,
  withdrawnReason: i.withdrawnReason,
  // null: the caller is not cleared for this item's documents.
  documents: documents ? documents.map(documentJson) : null,
});

/** The agenda a person may read: organisers see withdrawn items; documents per clearance. */
async function agendaFor(req: Request, id: number) {
  const access = await requireMeetingAccess(req.user!, id);
  const isOrganiser = organises(access);
  const agenda = await listAgenda(id);
  return agenda
    .filter((i) => isOrganiser || i.status !== 'withdrawn')
    .map((i) =>
      itemJson(i, can(req.user!, 'meetings.item.view', { access, item: i }) ? i.documents : null),
    );
}

async function requireManage(req: Request) {
  const access = await requireMeetingAccess(req.user!, meetingId(req));
  authorize(req.user!, 'meetings.manage', access);
  return access;
}

/** /api/v1/meetings: preparing a meeting, through the same services and policy as the pages. */
export function meetingsPrepareApi(config?: Config): Router {
  const router = Router();
  const maxBytes = config?.maxUploadBytes ?? DEFAULT_UPLOAD_BYTES;
  const upload = memoryUpload('files', { fileSize: maxBytes, files: 10, fields: 10 });
  const numeric = (req: Request, _res: unknown, next: (r?: 'route') => void) =>
    /^\d{1,10}$/.test(String(req.params.id)) ? next() : next('route');

  router.get('/', requirePermission('meetings.list'), async (req, res) => {
    const filters = MeetingListQuery.parse(req.query);
    const { meetings, total } = await listMeetings(req.user!, filters);
    res.json({ items: meetings.map(meetingJson), total, page: filters.page, pageSize: PAGE_SIZE });
  });

  router.post('/', requirePermission('meetings.create'), async (req, res) => {
    const input = parseInput(MeetingSchema, req.body, req.lng, req.t);
    const meeting = await createMeeting(actorOf(req), input);
    const clashes = await roomClashes({ ...meeting.get(), excludeId: meeting.id }, req.user!);
    res.status(201).json({ meeting: meetingJson(meeting), clashes });
  });

  router.get('/:id', numeric, async (req, res) => {
    const hub = await meetingHub(actorOf(req), meetingId(req));
    res.json({
      meeting: meetingJson(hub.meeting),
      room: hub.room ? { id: hub.room.id, name: hub.room.name, location: hub.room.location } : null,
      clashes: hub.clashes,
      participants: hub.participants.map((p) => ({ ...p, isMe: undefined })),
      agenda: hub.agenda.map((a) => itemJson(a.item, a.cleared ? a.documents : null)),
    });
  });

  router.post('/:id', numeric, async (req, res) => {
    await requireManage(req);
    const input = parseInput(MeetingSchema, req.body, req.lng, req.t);
    const meeting = await updateMeeting(actorOf(req), meetingId(req), input);
    const clashes = await roomClashes({ ...meeting.get(), excludeId: meeting.id }, req.user!);
    res.json({ meeting: meetingJson(meeting), clashes });
  });

  router.post('/:id/publish', numeric, async (req, res) => {
    res.json({ meeting: meetingJson(await publishMeeting(actorOf(req), meetingId(req))) });
  });

  router.post('/:id/cancel', numeric, async (req, res) => {
    await requireManage(req);
    const { reason } = parseInput(ReasonSchema, req.body, req.lng, req.t);
    res.json({ meeting: meetingJson(await cancelMeeting(actorOf(req), meetingId(req), reason)) });
  });

  router.post('/:id/participants', numeric, async (req, res) => {
    await requireManage(req);
    const input = parseInput(AddParticipantsSchema, req.body, req.lng, req.t);
    const rows = await addParticipants(actorOf(req), meetingId(req), input);
    res.status(201).json({ participants: rows.map((r) => r.get({ plain: true })) });
  });

  router.post('/:id/participants/:participantId', numeric, async (req, res) => {
    await requireManage(req);
    const input = parseInput(UpdateParticipantSchema, req.body, req.lng, req.t);
    const participantId = pathId(req, 'participantId', 'MEETING_PARTICIPANT_NOT_FOUND');
    const row = await updateParticipant(actorOf(req), meetingId(req), participantId, input);
    res.json({ participant: row.get({ plain: true }) });
  });

  router.post('/:id/participants/:participantId/remove', numeric, async (req, res) => {
    const participantId = pathId(req, 'participantId', 'MEETING_PARTICIPANT_NOT_FOUND');
    await removeParticipant(actorOf(req), meetingId(req), participantId);
    res.json({ ok: true });
  });

  router.post('/:id/rsvp', numeric, async (req, res) => {
    const access = await requireMeetingAccess(req.user!, meetingId(req));
    authorize(req.user!, 'meetings.respond', access);
    const input = parseInput(RsvpSchema, req.body, req.lng, req.t);
    const row = await respondToInvitation(actorOf(req), meetingId(req), input);
    res.json({
      rsvp: row.rsvp,
      deputyUserId: row.deputyUserId,
      reason: row.rsvpReason,
      respondedAt: row.respondedAt,
    });
  });

  router.get('/:id/items', numeric, async (req, res) => {
    const items = await agendaFor(req, meetingId(req));
    // The agenda with its documents, as the meeting's page shows it: audited as its view.
    await auditMeeting(actorOf(req), 'meeting.view', meetingId(req), null);
    res.json({ items });
  });

  router.post('/:id/items', numeric, async (req, res) => {
    await requireManage(req);
    const input = parseInput(ItemSchema, req.body, req.lng, req.t);
    const item = await addItem(actorOf(req), meetingId(req), input);
    res.status(201).json({ item: itemJson(item, []) });
  });

  router.post('/:id/items/:itemId', numeric, async (req, res) => {
    await requireManage(req);
    const input = parseInput(ItemSchema, req.body, req.lng, req.t);
    const item = await updateItem(actorOf(req), meetingId(req), itemId(req), input);
    res.json({ item: itemJson(item, null) });
  });

  router.post('/:id/items/:itemId/move', numeric, async (req, res) => {
    await requireManage(req);
    const input = parseInput(MoveItemSchema, req.body, req.lng, req.t);
    await moveItem(actorOf(req), meetingId(req), itemId(req), input);
    res.json({ items: await agendaFor(req, meetingId(req)) });
  });

  router.post('/:id/items/:itemId/withdraw', numeric, async (req, res) => {
    await requireManage(req);
    const { reason } = parseInput(ReasonSchema, req.body, req.lng, req.t);
    const item = await withdrawItem(actorOf(req), meetingId(req), itemId(req), reason);
    res.json({ item: itemJson(item, null) });
  });

  // Multipart (files, title) uploads PDFs; JSON { linkedKind, linkedId, title? } links a document.
  router.post('/:id/items/:itemId/documents', numeric, async (req, res, next) => {
    await requireManage(req);
    if (!req.is('multipart/form-data')) {
      const input = parseInput(LinkDocumentSchema, req.body, req.lng, req.t);
      const doc = await linkDocument(actorOf(req), meetingId(req), itemId(req), input);
      return void res.status(201).json({ documents: [documentJson(doc)] });
    }
    upload(req, res, (err?: unknown) => {
      if (err) return next(err);
      void (async () => {
        const { title } = parseInput(UploadDocumentSchema, req.body, req.lng, req.t);
        const docs = await addUploadedDocuments(
          actorOf(req),
          meetingId(req),
          itemId(req),
          uploadsOf(req),
          { title, maxBytes },
        );
        res.status(201).json({ documents: docs.map(documentJson) });
      })().catch(next);
    });
  });

  router.get('/:id/documents/:documentId/file', numeric, async (req, res) => {
    const documentId = pathId(req, 'documentId', 'MEETING_DOCUMENT_NOT_FOUND');
    sendMeetingFile(req, res, await openDocumentFile(actorOf(req), meetingId(req), documentId));
  });
  return router;
}
