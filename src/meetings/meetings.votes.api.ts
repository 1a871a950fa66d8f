import { Router, type NextFunction, type Request, type Response } from 'express';
import { AppError, notFound } from '../http/app-error.js';
import { pathId } from '../http/params.js';
import { actorOf } from '../http/request-context.js';
import { parseInput } from '../http/validate.js';
import { authorize } from '../policy/index.js';
import { MeetingVote } from './meeting-vote.model.js';
import { requireMeetingAccess } from './meetings.access.js';
import { castBallot, recordBallot, requireVoterAccess } from './meetings.votes.cast.js';
import { CastSchema, OpenVoteSchema, RecordBallotSchema } from './meetings.votes.schemas.js';
import { closeVote, openVote } from './meetings.votes.service.js';
import { meetingVotes, translatedFields, voteDetail } from './meetings.votes.view.js';
import { auditMeeting } from './meetings.prepare.service.js';

const meetingIdOf = (req: Request) => pathId(req, 'id', 'MEETING_NOT_FOUND');
const voteIdOf = (req: Request) => pathId(req, 'voteId', 'VOTE_NOT_FOUND');

async function visibleVote(req: Request) {
  const access = await requireMeetingAccess(req.user!, meetingIdOf(req));
  authorize(req.user, 'meetings.votes.view', access);
  const vote = await MeetingVote.findOne({
    where: { id: voteIdOf(req), meetingId: access.meeting.id },
  });
  if (!vote) throw notFound('VOTE_NOT_FOUND');
  return { access, vote };
}

/**
 * /api/v1/meetings/:id/votes…: open, cast (201 with the receipt of a secret ballot), record by
 * phone, close, read; the same services and policy as the pages.
 */
export function meetingVotesApi(): Router {
  const router = Router();

  router.get('/:id/votes', async (req, res) => {
    const access = await requireMeetingAccess(req.user!, meetingIdOf(req));
    authorize(req.user, 'meetings.votes.view', access);
    await auditMeeting(actorOf(req), 'meeting.view', access.meeting.id, { page: 'votes' });
    res.json({ votes: await meetingVotes(req.user!, access, req.lng) });
  });

  router.post('/:id/votes', async (req, res) => {
    const meetingId = meetingIdOf(req);
    const access = await requireMeetingAccess(req.user!, meetingId);
    authorize(req.user, 'meetings.votes.run', access);
    const input = parseInput(OpenVoteSchema, req.body, req.lng, req.t);
    const vote = await openVote(actorOf(req), meetingId, input);
    res.status(201).json(await voteDetail(req.user!, access, vote, req.lng));
  });

  router.get('/:id/votes/:voteId', async (req, res) => {
    const { access, vote } = await visibleVote(req);
    await auditMeeting(actorOf(req), 'meeting.view', access.meeting.id, {
      page: 'vote',
      voteId: vote.id,
    });
    res.json(await voteDetail(req.user!, access, vote, req.lng));
  });

  router.post('/:id/votes/:voteId/ballots', async (req, res) => {
    const access = await requireVoterAccess(req.user!, meetingIdOf(req));
    const voteId = voteIdOf(req);
    const input = parseInput(CastSchema, req.body, req.lng, req.t);
    res.status(201).json(await castBallot(actorOf(req), access, voteId, input));
  });

  router.post('/:id/votes/:voteId/record', async (req, res) => {
    const access = await requireMeetingAccess(req.user!, meetingIdOf(req));
    authorize(req.user, 'meetings.votes.run', access);
    const voteId = voteIdOf(req);
    const input = parseInput(RecordBallotSchema, req.body, req.lng, req.t);
    res.status(201).json(await recordBallot(actorOf(req), access, voteId, input));
  });

  router.post('/:id/votes/:voteId/close', async (req, res) => {
    const meetingId = meetingIdOf(req);
    const access = await requireMeetingAccess(req.user!, meetingId);
    authorize(req.user, 'meetings.votes.run', access);
    const vote = await closeVote(actorOf(req), meetingId, voteIdOf(req));
    res.json(await voteDetail(req.user!, access, vote, req.lng));
  });

  // A service's field messages are keys (meetings-votes:errors.…): said in the caller's language.
  router.use((err: unknown, req: Request, _res: Response, next: NextFunction) => {
    if (!(err instanceof AppError) || !err.fields) return next(err);
    next(
      new AppError(
        err.code,
        err.status,
        undefined,
        translatedFields(req.t, err.fields),
        err.params,
      ),
    );
  });
  return router;
}
