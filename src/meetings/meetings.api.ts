import { Router } from 'express';
import type { Config } from '../config.js';
import { meetingsPrepareApi } from './meetings.prepare.api.js';
import { meetingsTasksApi } from './meetings.tasks.api.js';
import { meetingMinutesApi } from './meetings.minutes.api.js';
import { meetingsLiveApi } from './meetings.live.api.js';
import { meetingVotesApi } from './meetings.votes.api.js';
import { meetingsCalendarApi } from './meetings.calendar.api.js';

/**
 * /api/v1/meetings: the JSON twins of the meetings pages (meeting, agenda, RSVP, check-in, event
 * stream, votes, tasks), through the same services and policy. Each part adds its router here.
 */
export function meetingsApi(config?: Config): Router {
  const router = Router();
  router.use(meetingsCalendarApi());
  router.use(meetingsTasksApi());
  router.use(meetingsPrepareApi(config));
  router.use(meetingsLiveApi());
  router.use(meetingVotesApi());
  router.use(meetingMinutesApi());
  return router;
}
