import { Router, type Request } from 'express';
import { requirePermission } from '../http/auth.js';
import { pathId } from '../http/params.js';
import { actorOf } from '../http/request-context.js';
import {
  INVITATION_FILE_NAME,
  invitationOf,
  invitationPdf,
  issueInvitation,
} from './invitation.service.js';
import { requireMeetingAccess } from './meetings.access.js';
import { weekFromQuery } from './meetings.calendar.routes.js';
import { authorize } from '../policy/index.js';

const idOf = (req: Request) => pathId(req, 'id', 'MEETING_NOT_FOUND');

/** The routes below, described for openapi.json (meetings.calendar.openapi.ts). */
export const CALENDAR_API_ROUTES = [
  {
    method: 'get',
    path: '/calendar/week',
    summary: 'The weekly work calendar (?date=dd/mm/yyyy, ?leader=id): meetings per day and leader',
    query: true,
  },
  {
    method: 'get',
    path: '/{id}/invitation',
    summary: "The invitation's outgoing document: status and number (null before issuing)",
  },
  {
    method: 'get',
    path: '/{id}/invitation.pdf',
    summary: 'The invitation (giấy mời) as PDF, made from the meeting as it is now',
    pdf: true,
  },
  {
    method: 'post',
    path: '/{id}/invitation/issue',
    summary:
      'Phát hành giấy mời: an outgoing GM draft (a draft one is replaced; 409 while one is in approval)',
  },
] as const;

/** /api/v1/meetings/calendar/week and /:id/invitation…: the JSON twins of the pages. */
export function meetingsCalendarApi(): Router {
  const router = Router();

  router.get('/calendar/week', requirePermission('meetings.calendar'), async (req, res) => {
    res.json(await weekFromQuery(req));
  });

  router.get('/:id/invitation', async (req, res) => {
    const access = await requireMeetingAccess(req.user!, idOf(req));
    authorize(req.user, 'meetings.invitation.view', access);
    res.json({ invitation: await invitationOf(access.meeting) });
  });

  router.get('/:id/invitation.pdf', async (req, res) => {
    const bytes = await invitationPdf(idOf(req), actorOf(req));
    res.set({
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="${INVITATION_FILE_NAME}"`,
    });
    res.send(bytes);
  });

  router.post('/:id/invitation/issue', async (req, res) => {
    const { outgoing, outcome } = await issueInvitation(idOf(req), actorOf(req));
    res.status(outcome === 'replaced' ? 200 : 201).json({
      outcome,
      outgoing: { id: outgoing.id, status: outgoing.status, subject: outgoing.subject },
    });
  });

  return router;
}
