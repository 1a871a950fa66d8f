import { Router, type Request } from 'express';
import { pathId } from '../http/params.js';
import { actorOf } from '../http/request-context.js';
import { authorize } from '../policy/index.js';
import { requireMeetingAccess, requirePersonalMeetingAccess } from './meetings.access.js';
import { LIVE_ACTIONS } from './meetings.live.actions.js';
import { openEventStream } from './meetings.live-stream.js';
import { checkInByToken, presenceOf } from './meetings.live.service.js';
import { liveStateOf } from './meetings.live.state.js';
import { speechesFor } from './meetings.speeches.service.js';
import { auditMeeting } from './meetings.prepare.service.js';

async function followAccess(req: Request, personal = false) {
  const id = pathId(req, 'id', 'MEETING_NOT_FOUND');
  // The person's own rows are enough where no other invitee is shown (streams, presence).
  const access = personal
    ? await requirePersonalMeetingAccess(req.user!, id)
    : await requireMeetingAccess(req.user!, id);
  authorize(req.user!, 'meetings.live', access);
  return access;
}

/**
 * /api/v1/meetings: the live room's JSON twins (check-in, the room's state and event stream,
 * presence, running the meeting, speaking), through the same services and policy as the pages.
 */
export function meetingsLiveApi(): Router {
  const router = Router();

  router.post('/checkin/:token', async (req, res) => {
    const { meeting, participant, already } = await checkInByToken(
      actorOf(req),
      String(req.params.token),
    );
    res.json({
      meetingId: meeting.id,
      participantId: participant.id,
      attendance: participant.attendance,
      already,
    });
  });

  router.get('/:id/live', async (req, res) => {
    const access = await followAccess(req);
    const state = await liveStateOf(req.user!, access);
    await auditMeeting(actorOf(req), 'meeting.view', access.meeting.id, { page: 'live' });
    res.json(state);
  });

  router.get('/:id/events', async (req, res) => {
    const access = await followAccess(req, true);
    await openEventStream(req, res, access);
  });

  router.get('/:id/presence', async (req, res) => {
    const access = await followAccess(req, true);
    const presence = await presenceOf(access.meeting.id);
    await auditMeeting(actorOf(req), 'meeting.view', access.meeting.id, { page: 'presence' });
    res.json(presence);
  });

  router.get('/:id/speeches', async (req, res) => {
    const access = await followAccess(req, true);
    const speeches = await speechesFor(req.user!, access);
    await auditMeeting(actorOf(req), 'meeting.view', access.meeting.id, { page: 'speeches' });
    res.json({ speeches });
  });

  for (const action of LIVE_ACTIONS) {
    router.post(action.path, async (req, res) => {
      res.json(await action.run(req));
    });
  }
  return router;
}
