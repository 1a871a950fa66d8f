/**
 * Casting a vote (one per member, atomic under concurrency):
 *   castBallot(actor, access, voteId, input) → CastReceipt     (the member, or their deputy)
 *   recordBallot(actor, access, voteId, input) → CastReceipt   (the secretary, by phone)
 * "Has voted" (meeting_vote_voters, unique per member and vote) and the ballot are written in one
 * transaction; the unique key, not a check before inserting, refuses a second vote (409). A
 * secret ballot names nobody and has no order: a random key, no timestamps, and the voter's
 * receipt code, which only the voter is told.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { Op, UniqueConstraintError, type Transaction } from 'sequelize';
import { recordAudit } from '../audit/audit.service.js';
import { db } from '../db/index.js';
import { withTransaction } from '../db/transaction.js';
import { AppError, conflict, notFound } from '../http/app-error.js';
import type { Actor } from '../http/request-context.js';
import { authorize, can } from '../policy/index.js';
import type { User } from '../users/user.model.js';
import { Meeting, MeetingItem, MeetingParticipant } from './meeting.model.js';
import { meetingRolesOf, reachesMeeting, type MeetingAccess } from './meetings.access.js';
import { publishMeetingEvent } from './meetings.events.js';
import {
  MeetingVote,
  MeetingVoteBallot,
  MeetingVoteVoter,
  type PresenceEntry,
  type VoteChannel,
} from './meeting-vote.model.js';
import { meetingTakesBallots, votableEntries } from './meetings.votes.policy.js';
import type { CastInput, RecordBallotInput } from './meetings.votes.schemas.js';
import { eligibleEntries, lockVote } from './meetings.votes.service.js';

export interface CastReceipt {
  voteId: number;
  participantId: number;
  /** The option chosen (told back for a named vote only). */
  option: number | null;
  /** A secret ballot's receipt code: shown to the voter once, published with the ballot. */
  receipt: string | null;
  channel: VoteChannel;
}

// Crockford's base32 without I, L, O, U: nothing to misread on a screen or over the phone.
const RECEIPT_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A receipt code like 7KQ2-M9XD-4TPA (60 random bits). */
export function newReceiptCode(): string {
  let code = '';
  for (let i = 0; i < 12; i++) {
    if (i > 0 && i % 4 === 0) code += '-';
    code += RECEIPT_ALPHABET[randomInt(RECEIPT_ALPHABET.length)];
  }
  return code;
}

function refuseClosed(vote: MeetingVote, access: MeetingAccess): void {
  if (vote.status !== 'open' || !meetingTakesBallots(access, vote)) throw conflict('VOTE_CLOSED');
  if (vote.deadline && vote.deadline.getTime() <= Date.now())
    throw conflict('VOTE_DEADLINE_PASSED');
}

function refuseOption(vote: MeetingVote, option: number): void {
  if (option >= vote.options.length) {
    throw new AppError('VALIDATION_FAILED', 422, undefined, {
      option: 'meetings-votes:errors.optionInvalid',
    });
  }
}

/** Announces the count (never who or what) before writing: the meeting, then the member. */
async function announceProgress(vote: MeetingVote, transaction: Transaction): Promise<void> {
  const cast = await MeetingVoteVoter.count({ where: { voteId: vote.id }, transaction });
  await publishMeetingEvent(
    {
      meetingId: vote.meetingId,
      type: 'vote.progress',
      data: { voteId: vote.id, cast: cast + 1, eligible: eligibleEntries(vote).length },
    },
    { transaction },
  );
}

async function storeBallot(
  actor: Actor,
  vote: MeetingVote,
  entry: PresenceEntry,
  option: number,
  channel: VoteChannel,
  transaction: Transaction,
): Promise<CastReceipt> {
  await announceProgress(vote, transaction);
  try {
    await MeetingVoteVoter.create(
      { voteId: vote.id, participantId: entry.participantId, castById: actor.user.id, channel },
      { transaction },
    );
  } catch (err) {
    if (err instanceof UniqueConstraintError) throw conflict('VOTE_ALREADY_CAST');
    throw err;
  }
  const receipt = vote.isSecret ? newReceiptCode() : null;
  await MeetingVoteBallot.create(
    {
      id: randomBytes(16).toString('hex'),
      voteId: vote.id,
      optionIndex: option,
      weight: entry.weight,
      participantId: vote.isSecret ? null : entry.participantId,
      receiptCode: receipt,
    },
    { transaction },
  );
  // A secret ballot's choice and receipt stay out of the log: it records who voted, not how.
  await recordAudit(
    {
      action: 'meeting.vote.cast',
      userId: actor.user.id,
      ip: actor.ip,
      entityType: 'meeting_vote',
      entityId: vote.id,
      details: {
        meetingId: vote.meetingId,
        participantId: entry.participantId,
        channel,
        ...(vote.isSecret ? {} : { option, label: vote.options[option] }),
      },
    },
    { transaction },
  );
  return {
    voteId: vote.id,
    participantId: entry.participantId,
    option: vote.isSecret ? null : option,
    receipt,
    channel,
  };
}

/**
 * The access context of a meeting for casting a ballot, reading only the person's own rows (their
 * invitation and those naming them as deputy) instead of every participant: the roles, and so
 * every policy answer about this person, are the same as requireMeetingAccess gives (404 alike),
 * at one small query per ballot in a meeting of thousands of invitees.
 */
export async function requireVoterAccess(user: User, meetingId: number): Promise<MeetingAccess> {
  const meeting = Number.isSafeInteger(meetingId) ? await Meeting.findByPk(meetingId) : null;
  const participants = meeting
    ? await MeetingParticipant.findAll({
        where: { meetingId, [Op.or]: [{ userId: user.id }, { deputyUserId: user.id }] },
        order: [['id', 'ASC']],
      })
    : [];
  const mine = participants.find((p) => p.userId === user.id) ?? null;
  if (!meeting || !reachesMeeting(user, meeting, participants)) throw notFound('MEETING_NOT_FOUND');
  const access: MeetingAccess = {
    meeting,
    participants,
    mine,
    deputyFor: participants.filter((p) => p.deputyUserId === user.id && p.rsvp === 'deputy'),
    roles: meetingRolesOf(user.id, meeting, participants),
  };
  if (!can(user, 'meetings.view', access)) throw notFound('MEETING_NOT_FOUND');
  return access;
}

/** The member this person votes for: the one named, else themselves, else their only principal. */
function chooseEntry(
  actor: Actor,
  access: MeetingAccess,
  vote: MeetingVote,
  participantId: number | undefined,
): PresenceEntry {
  const entries = votableEntries(actor.user, access, vote);
  if (participantId !== undefined) {
    const named = entries.find((e) => e.participantId === participantId);
    if (!named) throw new AppError('VOTE_NOT_ELIGIBLE', 403);
    return named;
  }
  const own = entries.find((e) => e.userId === actor.user.id);
  if (own) return own;
  if (entries.length !== 1) throw new AppError('VOTE_CHOOSE_MEMBER', 422);
  return entries[0];
}

/**
 * Casts the person's vote (or, as deputy, the vote of the member who sent them). Refused: not
 * eligible (403), closed or past the deadline (409), already voted for that member (409).
 */
export async function castBallot(
  actor: Actor,
  access: MeetingAccess,
  voteId: number,
  input: CastInput,
): Promise<CastReceipt> {
  return withTransaction(db(), undefined, async (transaction) => {
    const vote = await lockVote(access.meeting.id, voteId, 'share', transaction);
    refuseClosed(vote, access);
    const item = vote.itemId ? await MeetingItem.findByPk(vote.itemId, { transaction }) : null;
    if (!can(actor.user, 'meetings.votes.cast', { access, vote, item })) {
      throw new AppError('VOTE_NOT_ELIGIBLE', 403);
    }
    const entry = chooseEntry(actor, access, vote, input.participantId);
    refuseOption(vote, input.option);
    const channel = entry.userId === actor.user.id ? 'self' : 'deputy';
    return storeBallot(actor, vote, entry, input.option, channel, transaction);
  });
}

/**
 * The secretary (or chair) records a member's vote given by phone (written opinion) or by hand
 * in the room: the record says so and who recorded it.
 */
export async function recordBallot(
  actor: Actor,
  access: MeetingAccess,
  voteId: number,
  input: RecordBallotInput,
): Promise<CastReceipt> {
  return withTransaction(db(), undefined, async (transaction) => {
    const vote = await lockVote(access.meeting.id, voteId, 'share', transaction);
    authorize(actor.user, 'meetings.votes.run', access);
    refuseClosed(vote, access);
    const entry = eligibleEntries(vote).find((e) => e.participantId === input.participantId);
    if (!entry) {
      throw new AppError('VALIDATION_FAILED', 422, undefined, {
        participantId: 'errors:VOTE_NOT_ELIGIBLE',
      });
    }
    refuseOption(vote, input.option);
    const channel = vote.mode === 'written' ? 'phone' : 'secretary';
    return storeBallot(actor, vote, entry, input.option, channel, transaction);
  });
}
