import { Router, type Request } from 'express';
import { pathId } from '../http/params.js';
import { actorOf } from '../http/request-context.js';
import { parseInput } from '../http/validate.js';
import { composeNotice, saveConclusions } from './conclusions.service.js';
import { conclusionsPage, minutesPage } from './minutes.view-model.js';
import {
  ConclusionsSchema,
  MinutesReturnSchema,
  MinutesSaveSchema,
  MinutesSignSchema,
  MinutesSubmitSchema,
  NoticeSchema,
} from './minutes.schemas.js';
import {
  minutesPdf,
  returnMinutes,
  saveMinutes,
  signMinutes,
  submitMinutes,
} from './minutes.service.js';

const idOf = (req: Request) => pathId(req, 'id', 'MEETING_NOT_FOUND');

/**
 * /api/v1/meetings/:id/minutes… and /conclusions, /notice: the JSON twins of the minutes pages,
 * through the same services and policy. A save based on an older version answers 409 with the
 * current version.
 */
export function meetingMinutesApi(): Router {
  const router = Router();
  const minutesJson = async (req: Request) => minutesPage(idOf(req), actorOf(req));

  router.get('/:id/minutes', async (req, res) => {
    res.json(await minutesJson(req));
  });

  router.post('/:id/minutes', async (req, res) => {
    const input = parseInput(MinutesSaveSchema, req.body, req.lng, req.t);
    await saveMinutes(idOf(req), input, actorOf(req));
    res.json(await minutesJson(req));
  });

  router.get('/:id/minutes.pdf', async (req, res) => {
    const bytes = await minutesPdf(idOf(req), actorOf(req));
    res.set({
      'Content-Type': 'application/pdf',
      'Content-Disposition': 'attachment; filename="bien-ban.pdf"',
    });
    res.send(bytes);
  });

  router.post('/:id/minutes/submit', async (req, res) => {
    const input = parseInput(MinutesSubmitSchema, req.body, req.lng, req.t);
    await submitMinutes(idOf(req), input, actorOf(req));
    res.json(await minutesJson(req));
  });

  router.post('/:id/minutes/sign', async (req, res) => {
    const input = parseInput(MinutesSignSchema, req.body, req.lng, req.t);
    await signMinutes(idOf(req), input, actorOf(req));
    res.json(await minutesJson(req));
  });

  router.post('/:id/minutes/return', async (req, res) => {
    const input = parseInput(MinutesReturnSchema, req.body, req.lng, req.t);
    await returnMinutes(idOf(req), input, actorOf(req));
    res.json(await minutesJson(req));
  });

  router.get('/:id/conclusions', async (req, res) => {
    res.json(await conclusionsPage(idOf(req), actorOf(req)));
  });

  router.post('/:id/conclusions', async (req, res) => {
    const input = parseInput(ConclusionsSchema, req.body, req.lng, req.t);
    await saveConclusions(idOf(req), input.conclusions, actorOf(req));
    res.json(await conclusionsPage(idOf(req), actorOf(req)));
  });

  router.post('/:id/notice', async (req, res) => {
    const input = parseInput(NoticeSchema, req.body, req.lng, req.t);
    const doc = await composeNotice(idOf(req), input, actorOf(req));
    res.status(201).json({ outgoingId: doc.id, status: doc.status, subject: doc.subject });
  });
  return router;
}

/** The routes above with their body schemas, for the OpenAPI document. */
export const MINUTES_API_ROUTES = [
  {
    method: 'get',
    path: '/{id}/minutes',
    summary: 'The minutes: text, version, status, signatures',
  },
  {
    method: 'post',
    path: '/{id}/minutes',
    summary: 'Save the minutes (409 on an older version)',
    body: MinutesSaveSchema,
  },
  {
    method: 'get',
    path: '/{id}/minutes.pdf',
    summary: 'The minutes as PDF (signed once signed)',
    pdf: true,
  },
  {
    method: 'post',
    path: '/{id}/minutes/submit',
    summary:
      'Make the PDF and start the signatures (secretary, then chair); refused (422 MINUTES_BLANKS) while the text still has blanks "..."',
    body: MinutesSubmitSchema,
  },
  {
    method: 'post',
    path: '/{id}/minutes/sign',
    summary: 'Sign the minutes (the person whose turn it is)',
    body: MinutesSignSchema,
  },
  {
    method: 'post',
    path: '/{id}/minutes/return',
    summary: 'The chair returns the minutes to the secretary',
    body: MinutesReturnSchema,
  },
  {
    method: 'get',
    path: '/{id}/conclusions',
    summary: 'The conclusions and the notice drafted from them',
  },
  {
    method: 'post',
    path: '/{id}/conclusions',
    summary: 'Replace the conclusions list (ids keep a conclusion)',
    body: ConclusionsSchema,
  },
  {
    method: 'post',
    path: '/{id}/notice',
    summary: 'Draft the conclusion notice as an outgoing Thông báo',
    body: NoticeSchema,
  },
] as const;
