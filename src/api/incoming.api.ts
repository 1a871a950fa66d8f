import { Router, type Request } from 'express';
import { pathId } from '../http/params.js';
import type { Config } from '../config.js';
import { AppError } from '../http/app-error.js';
import { requirePermission } from '../http/auth.js';
import { onceForKey, requestFingerprint } from '../http/idempotency.js';
import { uploadsOf } from '../http/uploads.js';
import { actorOf } from '../http/request-context.js';
import { parseInput } from '../http/validate.js';
import { authorize } from '../policy/index.js';
import {
  ApiCompleteSchema,
  AssignSchema,
  DirectSchema,
  FileSchema,
  ListQuerySchema,
  PresentSchema,
  ReportSchema,
  RegisterIncomingSchema,
  RemindSchema,
} from '../incoming/incoming.schemas.js';
import {
  assignIncoming,
  completeAssignment,
  directIncoming,
  fileIncoming,
  getIncomingDetail,
  presentToLeader,
  remindAssignee,
  reportProgress,
  listIncomingDocuments,
  registerIncoming,
} from '../incoming/incoming.service.js';
import { documentFilesUpload } from '../incoming/incoming.http.js';
import { describeNotices, type DirectionNotice } from '../incoming/incoming.deadlines.js';
import { incomingDetailJson, incomingRowJson } from './incoming.json.js';

const documentId = (req: Request) => pathId(req, 'id', 'NOT_FOUND');

export function incomingApi(config: Config): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    authorize(req.user, 'incoming.list');
    const query = parseInput(ListQuerySchema, req.query, req.lng, req.t);
    const result = await listIncomingDocuments(req.user!, { ...query, tab: query.tab ?? 'all' });
    res.json({
      page: result.page,
      pages: result.pages,
      total: result.total,
      items: result.rows.map(incomingRowJson),
    });
  });

  // The caller's permission is checked before the body is read: a refused upload is not parsed.
  // An Idempotency-Key makes a retry after a lost reply return the first document.
  router.post(
    '/',
    requirePermission('incoming.create'),
    documentFilesUpload(config, 'file'),
    async (req, res) => {
      const input = parseInput(RegisterIncomingSchema, req.body ?? {}, req.lng, req.t);
      const files = uploadsOf(req);
      const reply = await onceForKey(req, requestFingerprint(req.body, files), async () => {
        const doc = await registerIncoming(input, files, actorOf(req), {
          maxBytes: config.maxUploadBytes,
        });
        const detail = await getIncomingDetail(doc.id, actorOf(req));
        return {
          status: 201,
          body: incomingDetailJson(detail),
          location: `/api/v1/incoming/${doc.id}`,
        };
      });
      if (reply.replayed) res.set('Idempotent-Replayed', 'true');
      if (reply.location) res.location(reply.location);
      res.status(reply.status).json(reply.body);
    },
  );

  router.get('/:id', async (req, res) => {
    const detail = await getIncomingDetail(documentId(req), actorOf(req));
    res.json(incomingDetailJson(detail));
  });

  router.post('/:id/present', async (req, res) => {
    const id = documentId(req);
    await presentToLeader(
      id,
      parseInput(PresentSchema, req.body ?? {}, req.lng, req.t),
      actorOf(req),
    );
    res.json(incomingDetailJson(await getIncomingDetail(id, actorOf(req), { audit: false })));
  });

  router.post('/:id/progress', async (req, res) => {
    const id = documentId(req);
    await reportProgress(
      id,
      parseInput(ReportSchema, req.body ?? {}, req.lng, req.t),
      actorOf(req),
    );
    res.json(incomingDetailJson(await getIncomingDetail(id, actorOf(req), { audit: false })));
  });

  router.post('/:id/file', async (req, res) => {
    const id = documentId(req);
    const input = parseInput(FileSchema, req.body ?? {}, req.lng, req.t);
    await fileIncoming(id, actorOf(req), input);
    res.json(incomingDetailJson(await getIncomingDetail(id, actorOf(req), { audit: false })));
  });

  // A leader's direction (body with `lead`) or a department head's hand-over (body with `userId`).
  router.post('/:id/assignments', async (req, res) => {
    const id = documentId(req);
    const body = req.body ?? {};
    // What the form would flash (a deadline moved to a working day, one after the due date).
    const notices: DirectionNotice[] = [];
    if (body.lead !== undefined) {
      const input = parseInput(DirectSchema, body, req.lng, req.t);
      const assignments = await directIncoming(id, input, actorOf(req), { notices });
      return res.status(201).json({
        assignments: assignments.map((a) => a.get({ plain: true })),
        notices: describeNotices(req.t, notices),
      });
    }
    const input = parseInput(AssignSchema, body, req.lng, req.t);
    const assignment = await assignIncoming(id, input, actorOf(req), { notices });
    res.status(201).json({
      assignments: [assignment.get({ plain: true })],
      notices: describeNotices(req.t, notices),
    });
  });

  // Đôn đốc: remind the holder of an open assignment (same rule as the detail page's form).
  router.post('/:id/reminders', async (req, res) => {
    const id = documentId(req);
    await remindAssignee(
      id,
      parseInput(RemindSchema, req.body ?? {}, req.lng, req.t),
      actorOf(req),
    );
    res
      .status(201)
      .json(incomingDetailJson(await getIncomingDetail(id, actorOf(req), { audit: false })));
  });

  router.post('/:id/complete', async (req, res) => {
    const id = documentId(req);
    const input = parseInput(ApiCompleteSchema, req.body ?? {}, req.lng, req.t);
    let assignmentId = input.assignmentId;
    if (!assignmentId) {
      const detail = await getIncomingDetail(id, actorOf(req), { audit: false });
      assignmentId = detail.assignments.find(
        (a) => a.assigneeUserId === req.user!.id && a.status !== 'completed' && a.role !== 'info',
      )?.id;
      if (!assignmentId) throw new AppError('INCOMING_NO_OPEN_ASSIGNMENT', 409);
    }
    await completeAssignment(id, { assignmentId, resultNote: input.resultNote }, actorOf(req));
    const detail = await getIncomingDetail(id, actorOf(req), { audit: false });
    res.json(incomingDetailJson(detail));
  });
  return router;
}
