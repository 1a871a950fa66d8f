import { Router, type Request } from 'express';
import type { Config } from '../config.js';
import { flash } from '../http/flash.js';
import { pathId } from '../http/params.js';
import { actorOf } from '../http/request-context.js';
import { forForm, memoryUpload, throwUploadError, uploadsOf } from '../http/uploads.js';
import { parseInput } from '../http/validate.js';
import { authorize } from '../policy/index.js';
import { requireMeetingAccess } from './meetings.access.js';
import {
  addNote,
  addUploadedDocuments,
  askQuestion,
  deleteNote,
  linkDocument,
  openDocumentFile,
  openDocumentPage,
  removeDocument,
} from './meetings.prepare.documents.js';
import { hubForm, meetingId, numericId } from './meetings.prepare.routes.js';
import {
  ItemSchema,
  LinkDocumentSchema,
  MoveItemSchema,
  NoteSchema,
  QuestionSchema,
  ReasonSchema,
  UploadDocumentSchema,
} from './meetings.prepare.schemas.js';
import { addItem, moveItem, updateItem, withdrawItem } from './meetings.prepare.service.js';
import { sendMeetingFile } from './meetings.prepare.files.js';

const DEFAULT_UPLOAD_BYTES = 50 * 1024 * 1024;

const itemId = (req: Request) => pathId(req, 'itemId', 'MEETING_ITEM_NOT_FOUND');
const documentId = (req: Request) => pathId(req, 'documentId', 'MEETING_DOCUMENT_NOT_FOUND');

/** Refuses before anything is read or parsed unless the person prepares this meeting. */
async function requireManage(req: Request) {
  const access = await requireMeetingAccess(req.user!, meetingId(req));
  authorize(req.user!, 'meetings.manage', access);
  return access;
}

/** The agenda: items, their documents (upload or link), the viewer with notes, questions. */
export function meetingAgendaRouter(config?: Config): Router {
  const router = Router();
  const maxBytes = config?.maxUploadBytes ?? DEFAULT_UPLOAD_BYTES;
  const upload = forForm(memoryUpload('files', { fileSize: maxBytes, files: 10, fields: 10 }));

  router.post('/meetings/:id/items', numericId, (req, res) =>
    hubForm(
      req,
      res,
      'item',
      async () => {
        await requireManage(req);
        await addItem(
          actorOf(req),
          meetingId(req),
          parseInput(ItemSchema, req.body, req.lng, req.t),
        );
      },
      'itemAdded',
      '#agenda',
    ),
  );

  router.post('/meetings/:id/items/:itemId', numericId, (req, res) =>
    hubForm(
      req,
      res,
      `item-${String(req.params.itemId)}`,
      async () => {
        await requireManage(req);
        const input = parseInput(ItemSchema, req.body, req.lng, req.t);
        await updateItem(actorOf(req), meetingId(req), itemId(req), input);
      },
      'itemSaved',
      '#agenda',
    ),
  );

  router.post('/meetings/:id/items/:itemId/move', numericId, (req, res) =>
    hubForm(
      req,
      res,
      `move-${String(req.params.itemId)}`,
      async () => {
        await requireManage(req);
        const input = parseInput(MoveItemSchema, req.body, req.lng, req.t);
        await moveItem(actorOf(req), meetingId(req), itemId(req), input);
      },
      'itemMoved',
      '#agenda',
    ),
  );

  router.post('/meetings/:id/items/:itemId/withdraw', numericId, (req, res) =>
    hubForm(
      req,
      res,
      `withdraw-${String(req.params.itemId)}`,
      async () => {
        await requireManage(req);
        const { reason } = parseInput(ReasonSchema, req.body, req.lng, req.t);
        await withdrawItem(actorOf(req), meetingId(req), itemId(req), reason);
      },
      'itemWithdrawn',
      '#agenda',
    ),
  );

  // Who may and which item are checked (in the service) before the files are parsed.
  router.post('/meetings/:id/items/:itemId/documents', numericId, upload, (req, res) =>
    hubForm(
      req,
      res,
      `documents-${String(req.params.itemId)}`,
      async () => {
        await requireManage(req);
        throwUploadError(res);
        const { title } = parseInput(UploadDocumentSchema, req.body, req.lng, req.t);
        await addUploadedDocuments(actorOf(req), meetingId(req), itemId(req), uploadsOf(req), {
          title,
          maxBytes,
        });
      },
      'documentsAdded',
      '#agenda',
    ),
  );

  router.post('/meetings/:id/items/:itemId/links', numericId, (req, res) =>
    hubForm(
      req,
      res,
      `link-${String(req.params.itemId)}`,
      async () => {
        await requireManage(req);
        const input = parseInput(LinkDocumentSchema, req.body, req.lng, req.t);
        await linkDocument(actorOf(req), meetingId(req), itemId(req), input);
      },
      'documentsAdded',
      '#agenda',
    ),
  );

  router.post('/meetings/:id/items/:itemId/questions', numericId, (req, res) =>
    hubForm(
      req,
      res,
      `question-${String(req.params.itemId)}`,
      async () => {
        const access = await requireMeetingAccess(req.user!, meetingId(req));
        authorize(req.user!, 'meetings.annotate', access);
        const { text } = parseInput(QuestionSchema, req.body, req.lng, req.t);
        await askQuestion(actorOf(req), meetingId(req), itemId(req), text);
      },
      'asked',
      '#agenda',
    ),
  );

  router.post('/meetings/:id/documents/:documentId/remove', numericId, (req, res) =>
    hubForm(
      req,
      res,
      'remove-document',
      () => removeDocument(actorOf(req), meetingId(req), documentId(req)),
      'documentRemoved',
      '#agenda',
    ),
  );

  router.get('/meetings/:id/documents/:documentId', numericId, async (req, res) => {
    const { access, item, doc, notes } = await openDocumentPage(
      actorOf(req),
      meetingId(req),
      documentId(req),
    );
    res.render('meetings/document', {
      title: doc.title,
      meeting: { id: access.meeting.id, title: access.meeting.title },
      item: { id: item.id, title: item.title },
      doc: { id: doc.id, title: doc.title, linkedKind: doc.linkedKind },
      fileUrl: `/meetings/${access.meeting.id}/documents/${doc.id}/file`,
      notes: notes.map((n) => ({
        id: n.id,
        page: n.page,
        kind: n.kind,
        text: n.text,
        rect: n.rect,
      })),
      notesJson: JSON.stringify(
        notes.map((n) => ({
          id: n.id,
          page: n.page,
          kind: n.kind,
          rect: n.rect ? JSON.parse(n.rect) : null,
        })),
      ),
    });
  });

  router.get('/meetings/:id/documents/:documentId/file', numericId, async (req, res) => {
    sendMeetingFile(
      req,
      res,
      await openDocumentFile(actorOf(req), meetingId(req), documentId(req)),
    );
  });

  // The viewer's script posts here (JSON back); without it, the form on the page does.
  router.post('/meetings/:id/documents/:documentId/notes', numericId, async (req, res) => {
    const id = meetingId(req);
    const input = parseInput(NoteSchema, req.body, req.lng, req.t);
    const note = await addNote(actorOf(req), id, documentId(req), input);
    if (req.accepts(['html', 'json']) === 'json')
      return void res.status(201).json({ note: { id: note.id, page: note.page, kind: note.kind } });
    flash(req, 'success', req.t('meetings:done.noteSaved'));
    res.redirect(303, `/meetings/${id}/documents/${documentId(req)}`);
  });

  router.post('/meetings/:id/notes/:noteId/delete', numericId, async (req, res) => {
    const id = meetingId(req);
    await deleteNote(actorOf(req), id, pathId(req, 'noteId', 'MEETING_NOTE_NOT_FOUND'));
    if (req.accepts(['html', 'json']) === 'json') return void res.json({ ok: true });
    flash(req, 'success', req.t('meetings:done.noteDeleted'));
    const back =
      typeof req.body?.back === 'string' && /^\/meetings\/\d+\/documents\/\d+$/.test(req.body.back);
    res.redirect(303, back ? req.body.back : `/meetings/${id}`);
  });
  return router;
}
