import { Router, type Request, type Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import type { Config } from '../config.js';
import { AppError } from '../http/app-error.js';
import { requirePermission, requireUser } from '../http/auth.js';
import { flash } from '../http/flash.js';
import { isFormError, messageOf } from '../http/forms.js';
import { integer, isoDate } from '../http/form-fields.js';
import { pathId } from '../http/params.js';
import { rateLimitStore } from '../http/rate-limit-store.js';
import { actorOf } from '../http/request-context.js';
import { parseInput } from '../http/validate.js';
import { authorize, can } from '../policy/index.js';
import { todayInVietnam } from '../calendar/working-days.js';
import { createFeedToken, feedFor, feedOwnerOf, revokeFeedToken } from './calendar-feed.service.js';
import { dayMonthYear, weekOf } from './calendar-week.service.js';
import {
  INVITATION_FILE_NAME,
  invitationOf,
  invitationPdf,
  issueInvitation,
} from './invitation.service.js';
import { requireMeetingAccess } from './meetings.access.js';

/** ?date=dd/mm/yyyy (or ISO) and ?leader=<id> of the week page and its API twin. */
export const WeekQuerySchema = z.object({
  date: isoDate,
  leader: z.preprocess(
    (v) => (v === '' || v === undefined ? undefined : v),
    integer(z.number('errors:NOT_FOUND').int().positive().optional()),
  ),
});

const idOf = (req: Request) => pathId(req, 'id', 'MEETING_NOT_FOUND');

/** Feed reads per address and token: a calendar polls every few minutes, a guesser far more. */
function feedLimiter(redisUrl: string) {
  return rateLimit({
    windowMs: 10 * 60_000,
    limit: 60,
    store: rateLimitStore('ical:', redisUrl),
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => `ip:${ipKeyGenerator(req.ip ?? '')}`,
    handler: (_req, _res, next) => next(new AppError('TOO_MANY_REQUESTS', 429)),
  });
}

/** The week of the query as the signed-in person may see it. */
export async function weekFromQuery(req: Request) {
  const query = parseInput(WeekQuerySchema, req.query, req.lng, req.t);
  return weekOf(req.user!, query.date ?? todayInVietnam(), query.leader);
}

async function renderInvitation(req: Request, res: Response, status = 200, error?: string) {
  const access = await requireMeetingAccess(req.user!, idOf(req));
  authorize(req.user, 'meetings.invitation.view', access);
  const invitation = await invitationOf(access.meeting);
  res.status(status).render('meetings/calendar-invitation', {
    title: req.t('meetings-calendar:invitation.title'),
    meeting: access.meeting.get({ plain: true }),
    invitation,
    canIssue: can(req.user, 'meetings.invitation.issue', access),
    error,
  });
}

/**
 * /calendar/ical/<token>.ics: a person's meetings for a calendar application. No session (the token
 * is the credential, and a calendar polling every few minutes must not leave sessions behind), so
 * it is mounted before the session middleware; rate limited per address.
 */
export function calendarFeedRouter(config: Pick<Config, 'redisUrl'>): Router {
  const router = Router();
  router.get('/calendar/ical/:file', feedLimiter(config.redisUrl), async (req, res) => {
    const file = String(req.params.file);
    const owner = file.endsWith('.ics') ? await feedOwnerOf(file.slice(0, -4)) : null;
    if (!owner) throw new AppError('NOT_FOUND', 404);
    res.set({
      'Content-Type': 'text/calendar; charset=utf-8',
      'Content-Disposition': 'inline; filename="lich-hop.ics"',
      'Cache-Control': 'no-store',
    });
    res.send(await feedFor(owner));
  });

  return router;
}

/**
 * The pages of invitations, the weekly work calendar and the iCalendar feed (issue 13 §1):
 * /calendar/week, /profile/calendar-feed, /meetings/:id/invitation….
 */
export function meetingsCalendarRouter(): Router {
  const router = Router();

  router.get(
    '/calendar/week',
    requireUser,
    requirePermission('meetings.calendar'),
    async (req, res) => {
      const week = await weekFromQuery(req);
      res.render('meetings/calendar-week', {
        title: req.t('meetings-calendar:week.title'),
        week,
        mondayText: dayMonthYear(week.monday),
        sundayText: dayMonthYear(week.sunday),
        previousText: dayMonthYear(week.previous),
        nextText: dayMonthYear(week.next),
      });
    },
  );

  router.post(
    '/profile/calendar-feed',
    requireUser,
    requirePermission('meetings.calendar.feed'),
    async (req, res) => {
      const { url } = await createFeedToken(actorOf(req));
      res.status(201).render('meetings/calendar-feed', {
        title: req.t('meetings-calendar:feed.title'),
        url,
      });
    },
  );

  router.post(
    '/profile/calendar-feed/revoke',
    requireUser,
    requirePermission('meetings.calendar.feed'),
    async (req, res) => {
      const revoked = await revokeFeedToken(actorOf(req));
      flash(
        req,
        'success',
        req.t(revoked ? 'meetings-calendar:feed.revoked' : 'meetings-calendar:feed.none'),
      );
      res.redirect(303, '/profile');
    },
  );

  router.get('/meetings/:id/invitation', (req, res) => renderInvitation(req, res));

  router.get('/meetings/:id/invitation.pdf', async (req, res) => {
    const bytes = await invitationPdf(idOf(req), actorOf(req));
    res.set({
      'Content-Type': 'application/pdf',
      'Content-Disposition': `inline; filename="${INVITATION_FILE_NAME}"`,
      'Cache-Control': 'no-store',
    });
    res.send(bytes);
  });

  router.post('/meetings/:id/invitation/issue', async (req, res) => {
    try {
      const { outcome } = await issueInvitation(idOf(req), actorOf(req));
      flash(req, 'success', req.t(`meetings-calendar:invitation.done.${outcome}`));
    } catch (err) {
      if (!isFormError(err)) throw err;
      return renderInvitation(req, res, (err as AppError).status, messageOf(req, err as AppError));
    }
    res.redirect(303, `/meetings/${idOf(req)}/invitation`);
  });

  return router;
}
