import { Router, type Request, type Response } from 'express';
import { Op } from 'sequelize';
import { AppError, notFound, type FieldErrors } from '../http/app-error.js';
import { flash } from '../http/flash.js';
import { echoValues, messageOf } from '../http/forms.js';
import { pathId } from '../http/params.js';
import { actorOf } from '../http/request-context.js';
import { parseInput } from '../http/validate.js';
import { authorize, can } from '../policy/index.js';
import { MeetingItem } from './meeting.model.js';
import { MeetingVote, VOTE_MODES } from './meeting-vote.model.js';
import { requireMeetingAccess, type MeetingAccess } from './meetings.access.js';
import {
  castBallot,
  recordBallot,
  requireVoterAccess,
  type CastReceipt,
} from './meetings.votes.cast.js';
import { CastSchema, OpenVoteSchema, RecordBallotSchema } from './meetings.votes.schemas.js';
import { closeVote, openVote } from './meetings.votes.service.js';
import { meetingVotes, panelVotes, translatedFields, voteDetail } from './meetings.votes.view.js';
import { MAJORITY_RULES, QUORUM_RULES } from './vote-rules.js';
import { auditMeeting } from './meetings.prepare.service.js';

const wantsJson = (req: Request) => req.accepts(['html', 'json']) === 'json';
const votesUrl = (meetingId: number) => `/meetings/${meetingId}/votes`;
const voteUrl = (meetingId: number, voteId: number) => `${votesUrl(meetingId)}/${voteId}`;

async function viewAccess(req: Request): Promise<MeetingAccess> {
  const access = await requireMeetingAccess(req.user!, pathId(req, 'id', 'MEETING_NOT_FOUND'));
  authorize(req.user, 'meetings.votes.view', access);
  return access;
}

async function findVote(req: Request, access: MeetingAccess): Promise<MeetingVote> {
  const vote = await MeetingVote.findOne({
    where: { id: pathId(req, 'voteId', 'VOTE_NOT_FOUND'), meetingId: access.meeting.id },
  });
  if (!vote) throw notFound('VOTE_NOT_FOUND');
  return vote;
}

/** The choices of the form that opens a vote: the meeting's items, modes and rules. */
async function openForm(req: Request, access: MeetingAccess, values: Record<string, unknown>) {
  const items = await MeetingItem.findAll({
    where: { meetingId: access.meeting.id, status: { [Op.ne]: 'withdrawn' } },
    order: [['position', 'ASC']],
  });
  return {
    items: items.map((i) => ({ id: i.id, label: `${i.position}. ${i.title}` })),
    selectedItemId: values.itemId ?? access.meeting.currentItemId,
    modes: VOTE_MODES.map((m) => ({ value: m, label: req.t(`meetings-votes:mode.${m}`) })),
    quorumRules: QUORUM_RULES.map((r) => ({
      value: r,
      label: req.t(`meetings-votes:quorumLabel.${r}`),
    })),
    majorityRules: MAJORITY_RULES.map((r) => ({
      value: r,
      label: req.t(`meetings-votes:majorityLabel.${r}`),
    })),
  };
}

async function renderList(
  req: Request,
  res: Response,
  access: MeetingAccess,
  status = 200,
  form: { values?: Record<string, unknown>; errors?: FieldErrors } = {},
) {
  const canRun = can(req.user, 'meetings.votes.run', access);
  const values = form.values ?? { quorumRule: 'more_than_half', majorityRule: 'half_all' };
  res.status(status).render('meetings/votes', {
    title: `${req.t('meetings-votes:listTitle')} · ${access.meeting.title}`,
    meeting: { id: access.meeting.id, title: access.meeting.title },
    votes: await meetingVotes(req.user!, access, req.lng),
    canRun,
    form: canRun ? await openForm(req, access, values) : null,
    values,
    errors: translatedFields(req.t, form.errors),
  });
}

async function renderVote(
  req: Request,
  res: Response,
  access: MeetingAccess,
  vote: MeetingVote,
  receipt: CastReceipt | null = null,
) {
  const detail = await voteDetail(req.user!, access, vote, req.lng);
  res.render('meetings/vote', {
    title: req.t('meetings-votes:voteTitle', { question: detail.question || `#${vote.id}` }),
    meeting: { id: access.meeting.id, title: access.meeting.title },
    vote: detail,
    receipt: receipt?.receipt ?? null,
    justCast: receipt != null,
    recorded: receipt != null && receipt.channel !== 'self' && receipt.channel !== 'deputy',
  });
}

/**
 * Answers a refused step: JSON for the page's script, else the page it was sent from again, with
 * the refusal's status (409, 422) and its reason; never a redirect that hides the refusal.
 */
async function refused(
  req: Request,
  res: Response,
  err: unknown,
  show: () => Promise<void>,
): Promise<void> {
  if (!(err instanceof AppError)) throw err;
  const fields = translatedFields(req.t, err.fields);
  if (![409, 422].includes(err.status) || wantsJson(req)) {
    throw err.fields ? new AppError(err.code, err.status, undefined, fields, err.params) : err;
  }
  const messages = Object.values(fields);
  flash(req, 'error', messages.length ? messages.join(' ') : messageOf(req, err));
  res.status(err.status);
  await show();
}

/** The votes pages: the meeting's votes, one vote, the live page's panel; open, cast, close. */
export function meetingsVotesRouter(): Router {
  const router = Router();

  router.get('/meetings/:id/votes', async (req, res) => {
    const access = await viewAccess(req);
    await auditMeeting(actorOf(req), 'meeting.view', access.meeting.id, { page: 'votes' });
    await renderList(req, res, access);
  });

  // The panel of the live page, fetched by its script (public/js/meeting-votes.js).
  router.get('/meetings/:id/votes/panel', async (req, res) => {
    const access = await viewAccess(req);
    const votes = await panelVotes(req.user!, access, req.lng);
    res.render('partials/meeting-votes-body', {
      layout: false,
      meetingId: access.meeting.id,
      votes,
      canRun: can(req.user, 'meetings.votes.run', access),
    });
  });

  router.post('/meetings/:id/votes', async (req, res) => {
    const access = await viewAccess(req);
    authorize(req.user, 'meetings.votes.run', access);
    let vote: MeetingVote;
    try {
      const input = parseInput(OpenVoteSchema, req.body, req.lng, req.t);
      vote = await openVote(actorOf(req), access.meeting.id, input);
    } catch (err) {
      if (err instanceof AppError && err.status === 422 && !wantsJson(req)) {
        return renderList(req, res, access, 422, {
          values: echoValues(req.body),
          errors: err.fields,
        });
      }
      return refused(req, res, err, () => renderList(req, res, access, res.statusCode));
    }
    if (wantsJson(req)) return res.status(201).json({ voteId: vote.id });
    flash(req, 'success', req.t('meetings-votes:open.opened'));
    res.redirect(303, voteUrl(access.meeting.id, vote.id));
  });

  router.get('/meetings/:id/votes/:voteId', async (req, res) => {
    const access = await viewAccess(req);
    const vote = await findVote(req, access);
    await auditMeeting(actorOf(req), 'meeting.view', access.meeting.id, {
      page: 'vote',
      voteId: vote.id,
    });
    await renderVote(req, res, access, vote);
  });

  // The receipt of a secret ballot is shown once, in this answer: never kept for a later page.
  router.post('/meetings/:id/votes/:voteId/ballots', async (req, res) => {
    const access = await requireVoterAccess(req.user!, pathId(req, 'id', 'MEETING_NOT_FOUND'));
    authorize(req.user, 'meetings.votes.view', access);
    const voteId = pathId(req, 'voteId', 'VOTE_NOT_FOUND');
    let receipt: CastReceipt;
    try {
      const input = parseInput(CastSchema, req.body, req.lng, req.t);
      receipt = await castBallot(actorOf(req), access, voteId, input);
    } catch (err) {
      return refused(req, res, err, async () =>
        renderVote(req, res, access, await findVote(req, access)),
      );
    }
    if (wantsJson(req)) return res.status(201).json(receipt);
    res.status(201);
    await renderVote(req, res, access, await findVote(req, access), receipt);
  });

  router.post('/meetings/:id/votes/:voteId/record', async (req, res) => {
    const access = await viewAccess(req);
    authorize(req.user, 'meetings.votes.run', access);
    const voteId = pathId(req, 'voteId', 'VOTE_NOT_FOUND');
    let receipt: CastReceipt;
    try {
      const input = parseInput(RecordBallotSchema, req.body, req.lng, req.t);
      receipt = await recordBallot(actorOf(req), access, voteId, input);
    } catch (err) {
      return refused(req, res, err, async () =>
        renderVote(req, res, access, await findVote(req, access)),
      );
    }
    if (wantsJson(req)) return res.status(201).json(receipt);
    if (!receipt.receipt) {
      flash(req, 'success', req.t('meetings-votes:record.done'));
      return res.redirect(303, voteUrl(access.meeting.id, voteId));
    }
    // A secret ballot's receipt goes to the member through the secretary, shown once here.
    res.status(201);
    await renderVote(req, res, access, await findVote(req, access), receipt);
  });

  router.post('/meetings/:id/votes/:voteId/close', async (req, res) => {
    const access = await viewAccess(req);
    authorize(req.user, 'meetings.votes.run', access);
    const voteId = pathId(req, 'voteId', 'VOTE_NOT_FOUND');
    try {
      await closeVote(actorOf(req), access.meeting.id, voteId);
    } catch (err) {
      return refused(req, res, err, async () =>
        renderVote(req, res, access, await findVote(req, access)),
      );
    }
    if (wantsJson(req)) return res.json({ voteId, status: 'closed' });
    flash(req, 'success', req.t('meetings-votes:close.done'));
    res.redirect(303, voteUrl(access.meeting.id, voteId));
  });
  return router;
}
