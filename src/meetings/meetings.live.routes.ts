import { Router, type Request, type Response } from 'express';
import { AppError } from '../http/app-error.js';
import { flash } from '../http/flash.js';
import { messageOf, translateFields } from '../http/forms.js';
import { pathId } from '../http/params.js';
import { actorOf } from '../http/request-context.js';
import { authorize } from '../policy/index.js';
import { ATTENDANCE } from './meeting.model.js';
import { requireMeetingAccess, requirePersonalMeetingAccess } from './meetings.access.js';
import { LIVE_ACTIONS } from './meetings.live.actions.js';
import { openEventStream } from './meetings.live-stream.js';
import { checkInByToken } from './meetings.live.service.js';
import { checkInQrSvg, liveStateOf } from './meetings.live.state.js';
import { auditMeeting } from './meetings.prepare.service.js';

async function followAccess(req: Request) {
  const access = await requireMeetingAccess(req.user!, pathId(req, 'id', 'MEETING_NOT_FOUND'));
  authorize(req.user!, 'meetings.live', access);
  return access;
}

const wantsJson = (req: Request) => req.accepts(['html', 'json']) === 'json';

/**
 * What a refused step says at the top of the live page: the fields' own messages ("Vui lòng ghi
 * lý do vắng."), which the page has no other place for, else the error's message.
 */
function refusalOf(req: Request, err: AppError): string {
  const fields = Object.values(translateFields(req, err.fields));
  return fields.length > 0 ? fields.join(' ') : messageOf(req, err);
}

/** The participant's live page (tablet first), with the status of a refused step sent from it. */
async function renderLive(req: Request, res: Response, status = 200) {
  const access = await followAccess(req);
  const state = await liveStateOf(req.user!, access);
  await auditMeeting(actorOf(req), 'meeting.view', access.meeting.id, { page: 'live' });
  res.status(status).render('meetings/live', {
    title: `${req.t('meetings-live:live.title')} · ${state.meeting.title}`,
    state,
    stateJson: JSON.stringify(state),
    attendanceOptions: ATTENDANCE,
  });
}

/** The live page of a participant (tablet first), the room display, the stream, the actions. */
export function meetingsLiveRouter(): Router {
  const router = Router();

  // The room's QR code: opening it signed in checks the person in (they come back here after
  // signing in). Nothing else is done by a GET: the code is the meeting's secret.
  router.get('/meetings/checkin/:token', async (req, res) => {
    const { meeting, already } = await checkInByToken(actorOf(req), String(req.params.token));
    res.render('meetings/live-checkin', {
      title: req.t('meetings-live:checkin.title'),
      meeting: { id: meeting.id, title: meeting.title },
      already,
    });
  });

  router.get('/meetings/:id/live', (req, res) => renderLive(req, res));

  router.get('/meetings/:id/screen', async (req, res) => {
    const access = await followAccess(req);
    const state = await liveStateOf(req.user!, access);
    await auditMeeting(actorOf(req), 'meeting.view', access.meeting.id, { page: 'screen' });
    res.render('meetings/live-screen', {
      layout: 'screen',
      title: state.meeting.title,
      state,
      stateJson: JSON.stringify(state),
      qrSvg: await checkInQrSvg(access.meeting),
    });
  });

  router.get('/meetings/:id/events', async (req, res) => {
    // Only the person's own rows: thousands of streams open at once in a large meeting.
    const access = await requirePersonalMeetingAccess(
      req.user!,
      pathId(req, 'id', 'MEETING_NOT_FOUND'),
    );
    authorize(req.user!, 'meetings.live', access);
    await openEventStream(req, res, access);
  });

  for (const action of LIVE_ACTIONS) {
    router.post(`/meetings${action.path}`, async (req: Request, res: Response) => {
      const back = `/meetings/${pathId(req, 'id', 'MEETING_NOT_FOUND')}/live`;
      let result: Record<string, unknown>;
      try {
        result = await action.run(req);
      } catch (err) {
        // A refused step (409, 422) shows the page again with its status and the reason (the
        // error page would lose the room); 403/404 stay errors.
        if (!(err instanceof AppError) || ![409, 422].includes(err.status) || wantsJson(req))
          throw err;
        flash(req, 'error', refusalOf(req, err));
        return renderLive(req, res, err.status);
      }
      if (wantsJson(req)) return res.json(result);
      flash(req, 'success', req.t(`meetings-live:${action.done}`));
      res.redirect(303, back);
    });
  }
  return router;
}
