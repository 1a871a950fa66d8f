import { Router, type Request, type Response } from 'express';
import { Agency, Department } from '../agencies/agency.model.js';
import { actAndRedirect } from '../http/forms.js';
import { pathId } from '../http/params.js';
import { actorOf } from '../http/request-context.js';
import { parseInput } from '../http/validate.js';
import { recipientsOf } from '../outgoing/outgoing.pages.js';
import { Op } from 'sequelize';
import { composeNotice, saveConclusions } from './conclusions.service.js';
import { minutesPage, conclusionsPage } from './minutes.view-model.js';
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
const asList = (v: unknown): string[] =>
  v === undefined || v === null ? [] : (Array.isArray(v) ? v : [v]).map(String);

async function renderMinutes(req: Request, res: Response, status = 200, extra = {}) {
  const page = await minutesPage(idOf(req), actorOf(req), {
    skeleton: req.query.skeleton === '1',
  });
  res.status(status).render('meetings/minutes', {
    title: req.t('meetings-after:minutes.title'),
    ...page,
    ...extra,
  });
}

async function renderConclusions(req: Request, res: Response, status = 200, extra = {}) {
  const page = await conclusionsPage(idOf(req), actorOf(req));
  const user = req.user!;
  const [agencies, departments] = page.canCompose
    ? await Promise.all([
        Agency.findAll({ where: { id: { [Op.ne]: user.agencyId } }, order: [['name', 'ASC']] }),
        Department.findAll({ where: { agencyId: user.agencyId }, order: [['name', 'ASC']] }),
      ])
    : [[], []];
  res.status(status).render('meetings/conclusions', {
    title: req.t('meetings-after:conclusions.title'),
    ...page,
    agencies: agencies.map((a) => ({ id: a.id, name: a.name })),
    departments: departments.map((d) => ({ id: d.id, name: d.name })),
    ...extra,
  });
}

/** The minutes (biên bản) and the conclusion notice of a meeting (issue 13 §4). */
export function meetingMinutesRouter(): Router {
  const router = Router();
  const back = (req: Request, page = 'minutes') => `/meetings/${idOf(req)}/${page}`;
  const minutesForm = (req: Request, res: Response) => (status: number, extra: object) =>
    renderMinutes(req, res, status, extra);

  router.get('/meetings/:id/minutes', (req, res) => renderMinutes(req, res));

  router.get('/meetings/:id/minutes.pdf', async (req, res) => {
    const bytes = await minutesPdf(idOf(req), actorOf(req));
    res.set({
      'Content-Type': 'application/pdf',
      'Content-Disposition': 'inline; filename="bien-ban.pdf"',
      'Cache-Control': 'no-store',
    });
    res.send(bytes);
  });

  router.post('/meetings/:id/minutes', async (req, res) => {
    await actAndRedirect(
      req,
      res,
      async () =>
        saveMinutes(
          idOf(req),
          parseInput(MinutesSaveSchema, req.body, req.lng, req.t),
          actorOf(req),
        ),
      'meetings-after:minutes.saved',
      back(req),
      minutesForm(req, res),
    );
  });

  router.post('/meetings/:id/minutes/submit', async (req, res) => {
    await actAndRedirect(
      req,
      res,
      async () =>
        submitMinutes(
          idOf(req),
          parseInput(MinutesSubmitSchema, req.body, req.lng, req.t),
          actorOf(req),
        ),
      'meetings-after:minutes.submitted',
      back(req),
      minutesForm(req, res),
    );
  });

  router.post('/meetings/:id/minutes/sign', async (req, res) => {
    await actAndRedirect(
      req,
      res,
      async () =>
        signMinutes(
          idOf(req),
          parseInput(MinutesSignSchema, req.body, req.lng, req.t),
          actorOf(req),
        ),
      'meetings-after:minutes.signedDone',
      back(req),
      minutesForm(req, res),
    );
  });

  router.post('/meetings/:id/minutes/return', async (req, res) => {
    await actAndRedirect(
      req,
      res,
      async () =>
        returnMinutes(
          idOf(req),
          parseInput(MinutesReturnSchema, req.body, req.lng, req.t),
          actorOf(req),
        ),
      'meetings-after:minutes.returned',
      back(req),
      minutesForm(req, res),
    );
  });

  router.get('/meetings/:id/conclusions', (req, res) => renderConclusions(req, res));

  router.post('/meetings/:id/conclusions', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const ids = asList(body.id);
    const texts = asList(body.text);
    // Each row of the form: its conclusion's id (blank for a new one) and its text; a row left
    // empty is removed.
    const rows = texts
      .map((text, i) => ({ id: ids[i] || undefined, text }))
      .filter((r) => r.text.trim() !== '');
    await actAndRedirect(
      req,
      res,
      async () =>
        saveConclusions(
          idOf(req),
          parseInput(ConclusionsSchema, { conclusions: rows }, req.lng, req.t).conclusions,
          actorOf(req),
        ),
      // Every box emptied clears the list (none at all is refused by the service).
      rows.length === 0 ? 'meetings-after:conclusions.cleared' : 'meetings-after:conclusions.saved',
      back(req, 'conclusions'),
      (status, extra) => renderConclusions(req, res, status, extra),
    );
  });

  router.post('/meetings/:id/notice', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    await actAndRedirect(
      req,
      res,
      async () => {
        const input = parseInput(NoticeSchema, { recipients: recipientsOf(body) }, req.lng, req.t);
        await composeNotice(idOf(req), input, actorOf(req));
      },
      'meetings-after:notice.composed',
      back(req, 'conclusions'),
      (status, extra) => renderConclusions(req, res, status, extra),
    );
  });
  return router;
}
