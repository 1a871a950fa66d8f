import { Router } from 'express';
import type { Config } from '../config.js';
import { requireUser } from '../http/auth.js';
import { meetingsPrepareRouter } from './meetings.prepare.routes.js';
import { meetingsTasksRouter } from './meetings.tasks.routes.js';
import { meetingMinutesRouter } from './meetings.minutes.routes.js';
import { meetingsVotesRouter } from './meetings.votes.routes.js';
import { meetingsLiveRouter } from './meetings.live.routes.js';
import { meetingsCalendarRouter } from './meetings.calendar.routes.js';

/**
 * The meetings module's pages (/meetings…, /calendar/week…). Each part of the module (preparing,
 * the live room, votes, minutes and tasks) has its own router, mounted here in this order.
 */
export function meetingsRouter(config?: Config): Router {
  const router = Router();
  router.use('/meetings', requireUser);
  // Before the meeting's own /meetings/:id routes, which would take /meetings/tasks.
  router.use(meetingsTasksRouter());
  router.use(meetingsPrepareRouter(config));
  router.use(meetingsLiveRouter());
  router.use(meetingsVotesRouter());
  router.use(meetingMinutesRouter());
  router.use(meetingsCalendarRouter());
  return router;
}
