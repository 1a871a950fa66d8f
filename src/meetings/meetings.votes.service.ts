/**
 * Votes of a meeting (biểu quyết, issue 13 §3):
 *   openVote(actor, meetingId, input) → MeetingVote            (chair/secretary; presence snapshot)
 *   closeVote(actor, meetingId, voteId) → MeetingVote          (result computed with the rules)
 *   closeExpiredVotes / scheduleVoteDeadlines                  (meetings.votes.deadline.ts)
 *   castBallot / recordBallot                                   (meetings.votes.cast.ts)
 *   listVoteResults(meetingId, transaction?) → VoteResult[]    (for the minutes)
 * Every change is audited and announced (vote.opened, vote.progress, vote.closed).
 */
import { QueryTypes, type Transaction } from 'sequelize';
import { recordAudit } from '../audit/audit.service.js';
import { db } from '../db/index.js';
import { withTransaction } from '../db/transaction.js';
import { AppError, conflict, notFound } from '../http/app-error.js';
import type { Actor } from '../http/request-context.js';
import { translator, type Language } from '../i18n/index.js';
import { formatDateTime } from '../http/view-helpers.js';
import { notify } from '../notifications/notification.service.js';
import { messageParams } from '../notifications/notification-text.js';
import { authorize } from '../policy/index.js';
import { User } from '../users/user.model.js';
import { MeetingItem, MeetingParticipant } from './meeting.model.js';
import { presenceOf, PRESENT } from './meetings.live.service.js';
import {
  MeetingVote,
  type PresenceEntry,
  type StoredResult,
  type VoteMode,
} from './meeting-vote.model.js';
import { requireMeetingAccess, type MeetingAccess } from './meetings.access.js';
import { publishMeetingEvent } from './meetings.events.js';
import { DEFAULT_OPTIONS, type OpenVoteInput } from './meetings.votes.schemas.js';
import { decideVote, resultSentence, type VoteOutcome } from './vote-rules.js';

/**
 * The voting members of a meeting as the room's presence has them now (presenceOf: who may vote,
 * with which weight, present or not), with their names: what a vote keeps when it opens.
 */
export async function votePresence(
  meetingId: number,
  transaction?: Transaction,
): Promise<PresenceEntry[]> {
  const voting = (await presenceOf(meetingId, transaction)).participants.filter((p) => p.isVoting);
  const rows = await MeetingParticipant.findAll({
    where: { id: voting.map((p) => p.participantId) },
    attributes: ['id', 'guestName'],
    include: [{ model: User, as: 'user', attributes: ['id', 'fullName'] }],
    transaction,
  });
  const names = new Map(rows.map((r) => [r.id, r.user?.fullName ?? r.guestName ?? '']));
  return voting.map((p) => ({
    participantId: p.participantId,
    userId: p.userId,
    name: names.get(p.participantId) ?? '',
    weight: Math.max(0, p.voteWeight),
    present: p.attendance != null && PRESENT.includes(p.attendance),
  }));
}

/** The vote row of the meeting, locked for the transaction (share: casting; update: closing). */
export async function lockVote(
  meetingId: number,
  voteId: number,
  mode: 'share' | 'update',
  transaction: Transaction,
): Promise<MeetingVote> {
  const vote = Number.isSafeInteger(voteId)
    ? await MeetingVote.findOne({
        where: { id: voteId, meetingId },
        lock: mode === 'share' ? transaction.LOCK.SHARE : transaction.LOCK.UPDATE,
        transaction,
      })
    : null;
  if (!vote) throw notFound('VOTE_NOT_FOUND');
  return vote;
}

/** What everyone following the room may know of a vote (no ballots). */
export const publicVote = (vote: MeetingVote) => ({
  voteId: vote.id,
  itemId: vote.itemId,
  question: vote.question,
  options: vote.options,
  secret: vote.isSecret,
  mode: vote.mode,
  deadline: vote.deadline?.toISOString() ?? null,
  quorumRule: vote.quorumRule,
  majorityRule: vote.majorityRule,
  eligible: eligibleEntries(vote).length,
});

/** The members who may vote: present at opening (room), every voting member (written). */
export const eligibleEntries = (vote: MeetingVote) =>
  vote.presence.filter((e) => vote.mode === 'written' || e.present);

async function itemOf(meetingId: number, itemId: number, transaction: Transaction) {
  const item = await MeetingItem.findOne({ where: { id: itemId, meetingId }, transaction });
  if (!item || item.status === 'withdrawn') {
    throw new AppError('VALIDATION_FAILED', 422, undefined, {
      itemId: 'meetings-votes:errors.itemInvalid',
    });
  }
  return item;
}

const clip = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

/** Tells each voting member (or the deputy they sent) that a written opinion awaits them. */
async function askWrittenOpinions(
  access: MeetingAccess,
  vote: MeetingVote,
  actorId: number,
  transaction: Transaction,
): Promise<void> {
  const members = new Set(vote.presence.map((e) => e.participantId));
  const ids = new Set<number>();
  for (const p of access.participants) {
    if (!members.has(p.id)) continue;
    if (p.userId != null) ids.add(p.userId);
    if (p.rsvp === 'deputy' && p.deputyUserId != null) ids.add(p.deputyUserId);
  }
  ids.delete(actorId);
  if (ids.size === 0) return;
  const users = await User.findAll({ where: { id: [...ids], isActive: true }, transaction });
  const params = messageParams({
    title: clip(access.meeting.title, 120),
    question: clip(vote.question, 200),
    deadline: formatDateTime(vote.deadline),
  });
  await notify(
    users.map((u) => ({
      userId: u.id,
      kind: 'meeting.vote.written',
      key: 'meetings-votes:notify.written',
      params,
      link: `/meetings/${vote.meetingId}/votes/${vote.id}`,
    })),
    { transaction },
  );
}

/**
 * Opens a vote: the chair or the secretary, in the room while the meeting is in progress, or a
 * written opinion (phiếu lấy ý kiến) until a deadline once it is published. The voting members
 * and their presence are kept with the vote; one vote in the room is open at a time.
 */
export async function openVote(
  actor: Actor,
  meetingId: number,
  input: OpenVoteInput,
): Promise<MeetingVote> {
  return withTransaction(db(), undefined, async (transaction) => {
    const access = await requireMeetingAccess(actor.user, meetingId, transaction);
    authorize(actor.user, 'meetings.votes.run', access);
    const status = access.meeting.status;
    const running =
      input.mode === 'room'
        ? status === 'in_progress'
        : ['published', 'in_progress'].includes(status);
    if (!running) throw conflict('VOTE_MEETING_NOT_RUNNING');
    const itemId = input.itemId ?? (input.mode === 'room' ? access.meeting.currentItemId : null);
    const item = itemId ? await itemOf(meetingId, itemId, transaction) : null;
    if (input.mode === 'room') {
      const open = await MeetingVote.count({
        where: { meetingId, mode: 'room', status: 'open' },
        transaction,
      });
      if (open > 0) throw conflict('VOTE_ALREADY_OPEN');
    }
    const now = new Date();
    const vote = await MeetingVote.create(
      {
        meetingId,
        itemId: item?.id ?? null,
        question: input.question,
        options: input.options ?? [...DEFAULT_OPTIONS],
        isSecret: input.secret,
        mode: input.mode,
        quorumRule: input.quorumRule,
        majorityRule: input.majorityRule,
        deadline: input.mode === 'written' ? (input.deadline ?? null) : null,
        presence: await votePresence(meetingId, transaction),
        openedById: actor.user.id,
        openedAt: now,
      },
      { transaction },
    );
    if (vote.mode === 'written') await askWrittenOpinions(access, vote, actor.user.id, transaction);
    await recordAudit(
      {
        action: 'meeting.vote.open',
        userId: actor.user.id,
        ip: actor.ip,
        entityType: 'meeting',
        entityId: meetingId,
        details: { ...publicVote(vote), present: vote.presence.filter((e) => e.present).length },
      },
      { transaction },
    );
    await publishMeetingEvent(
      {
        meetingId,
        type: 'vote.opened',
        data: publicVote(vote),
        clearance: item?.confidentiality ?? 0,
        redacted: { voteId: vote.id, mode: vote.mode },
      },
      { transaction },
    );
    return vote;
  });
}

/** Weight and number of ballots per option, read in the caller's transaction. */
async function countBallots(vote: MeetingVote, transaction?: Transaction) {
  const rows = await db().query<{ optionIndex: number; weight: number; n: number }>(
    `SELECT optionIndex, SUM(weight) AS weight, COUNT(*) AS n FROM meeting_vote_ballots
      WHERE voteId = ? GROUP BY optionIndex`,
    { replacements: [vote.id], type: QueryTypes.SELECT, transaction },
  );
  const tallies = vote.options.map(() => 0);
  const counts = vote.options.map(() => 0);
  for (const r of rows) {
    if (r.optionIndex < 0 || r.optionIndex >= tallies.length) continue;
    tallies[r.optionIndex] = Number(r.weight);
    counts[r.optionIndex] = Number(r.n);
  }
  return { tallies, counts };
}

/** The stored result of a vote from its ballots and snapshot, with the rules applied. */
export async function tallyVote(
  vote: MeetingVote,
  transaction?: Transaction,
): Promise<StoredResult> {
  const { tallies, counts } = await countBallots(vote, transaction);
  const sum = (list: number[]) => list.reduce((n, w) => n + w, 0);
  const total = sum(vote.presence.map((e) => e.weight));
  const cast = sum(tallies);
  const present =
    vote.mode === 'written'
      ? cast
      : sum(vote.presence.filter((e) => e.present).map((e) => e.weight));
  const weighted = vote.presence.some((e) => e.weight !== 1);
  const outcome = decideVote(vote.quorumRule, vote.majorityRule, {
    total,
    present,
    cast,
    tallies,
    weighted,
    written: vote.mode === 'written',
  });
  return {
    tallies,
    counts,
    total,
    present,
    cast,
    weighted,
    quorumMet: outcome.quorumMet,
    passed: outcome.passed,
  };
}

/** The rule's verdict of a stored result. */
export function outcomeOf(vote: MeetingVote, result: StoredResult): VoteOutcome {
  return decideVote(vote.quorumRule, vote.majorityRule, {
    total: result.total,
    present: result.present,
    cast: result.cast,
    tallies: result.tallies,
    weighted: result.weighted,
    written: vote.mode === 'written',
  });
}

/**
 * A vote's options in the reader's language: the default three (Đồng ý / Không đồng ý / Không
 * biểu quyết, as stored) are said in it; options the chair typed are shown as typed.
 */
export function optionLabels(options: readonly string[], lang: Language): string[] {
  const byDefault =
    options.length === DEFAULT_OPTIONS.length && options.every((o, i) => o === DEFAULT_OPTIONS[i]);
  if (!byDefault) return [...options];
  const t = translator(lang);
  return options.map((_, i) => t(`meetings-votes:defaultOptions.${i}`));
}

/** The result sentence of a closed vote in a language ("Thông qua: 17/25 thành viên đồng ý, …"). */
export function sentenceOf(vote: MeetingVote, lang: Language): string {
  const t = translator(lang);
  if (vote.status !== 'closed' || !vote.result) return t('meetings-votes:status.open');
  return resultSentence(outcomeOf(vote, vote.result), t);
}

/**
 * Ends a vote locked for the transaction: the result is computed from the ballots and the
 * snapshot with the vote's rules, kept with the vote, audited and announced. `actor` null: the
 * deadline of a written opinion closed it.
 */
export async function finishVote(vote: MeetingVote, actor: Actor | null, transaction: Transaction) {
  const result = await tallyVote(vote, transaction);
  await vote.update(
    { status: 'closed', closedById: actor?.user.id ?? null, closedAt: new Date(), result },
    { transaction },
  );
  await recordAudit(
    {
      action: 'meeting.vote.close',
      userId: actor?.user.id ?? null,
      ip: actor?.ip ?? null,
      entityType: 'meeting',
      entityId: vote.meetingId,
      details: {
        voteId: vote.id,
        // Counts and the rules, not a sentence: the log says the result in its reader's language.
        result,
        quorumRule: vote.quorumRule,
        majorityRule: vote.majorityRule,
        mode: vote.mode,
        ...(actor ? {} : { deadline: vote.deadline?.toISOString() ?? null }),
      },
    },
    { transaction },
  );
  const item = vote.itemId ? await MeetingItem.findByPk(vote.itemId, { transaction }) : null;
  await publishMeetingEvent(
    {
      meetingId: vote.meetingId,
      type: 'vote.closed',
      data: {
        voteId: vote.id,
        question: vote.question,
        options: vote.options,
        counts: result.tallies,
        resultText: sentenceOf(vote, 'vi'),
        passed: result.passed,
        quorumMet: result.quorumMet,
        sentence: { vi: sentenceOf(vote, 'vi'), en: sentenceOf(vote, 'en') },
        tallies: vote.options.map((label, i) => ({
          label,
          labels: {
            vi: optionLabels(vote.options, 'vi')[i],
            en: optionLabels(vote.options, 'en')[i],
          },
          weight: result.tallies[i] ?? 0,
        })),
      },
      clearance: item?.confidentiality ?? 0,
      redacted: { voteId: vote.id },
    },
    { transaction },
  );
}

/**
 * The open votes of a meeting in the given modes, locked for the transaction: what closing the
 * meeting (its votes in the room) or cancelling it (every vote) ends with finishOpenVotes. Taken
 * before the meeting row, in the order a ballot and a vote's close take them (vote, then meeting).
 */
export function lockOpenVotes(
  meetingId: number,
  modes: readonly VoteMode[],
  transaction: Transaction,
): Promise<MeetingVote[]> {
  if (!Number.isSafeInteger(meetingId)) return Promise.resolve([]);
  return MeetingVote.findAll({
    where: { meetingId, status: 'open', mode: [...modes] },
    order: [['id', 'ASC']],
    lock: transaction.LOCK.UPDATE,
    transaction,
  });
}

/**
 * The open votes once the meeting row is held too: those lockOpenVotes gave, and any opened by a
 * transaction that held the meeting row while the caller waited for it. Under REPEATABLE READ the
 * gap lock of lockOpenVotes makes such an opening deadlock and the close retry; under READ
 * COMMITTED (no gap locks) the opening commits first, and without this read its vote stayed open
 * in a closed meeting.
 */
export async function withVotesOpenedMeanwhile(
  locked: MeetingVote[],
  meetingId: number,
  modes: readonly VoteMode[],
  transaction: Transaction,
): Promise<MeetingVote[]> {
  const known = new Set(locked.map((v) => v.id));
  const now = await lockOpenVotes(meetingId, modes, transaction);
  return [...locked, ...now.filter((v) => !known.has(v.id))];
}

/** Ends the votes lockOpenVotes gave, each with its result (audited and announced). */
export async function finishOpenVotes(
  votes: MeetingVote[],
  actor: Actor,
  transaction: Transaction,
): Promise<void> {
  for (const vote of votes) await finishVote(vote, actor, transaction);
}

/** Closes a vote (the chair or the secretary): no ballot is taken after this. */
export async function closeVote(
  actor: Actor,
  meetingId: number,
  voteId: number,
): Promise<MeetingVote> {
  return withTransaction(db(), undefined, async (transaction) => {
    // The vote before the meeting, as a ballot takes them: no two transactions wait on each other.
    const vote = await lockVote(meetingId, voteId, 'update', transaction);
    const access = await requireMeetingAccess(actor.user, meetingId, transaction);
    authorize(actor.user, 'meetings.votes.run', access);
    if (vote.status === 'closed') throw conflict('VOTE_CLOSED');
    await finishVote(vote, actor, transaction);
    return vote;
  });
}

export interface VoteResult {
  voteId: number;
  itemId: number | null;
  question: string;
  secret: boolean;
  status: 'open' | 'closed';
  resultSentence: (lang: Language) => string;
  tallies: { label: string; weight: number }[];
}

/**
 * The votes of a meeting in the order they opened, with their results (for the minutes): a
 * closed vote's tallies and sentence; an open vote tells only that it is open (no interim count).
 */
export async function listVoteResults(
  meetingId: number,
  transaction?: Transaction,
): Promise<VoteResult[]> {
  const votes = await MeetingVote.findAll({
    where: { meetingId },
    order: [['id', 'ASC']],
    transaction,
  });
  return votes.map((vote) => ({
    voteId: vote.id,
    itemId: vote.itemId,
    question: vote.question,
    secret: vote.isSecret,
    status: vote.status,
    resultSentence: (lang: Language) => sentenceOf(vote, lang),
    tallies:
      vote.status === 'closed' && vote.result
        ? vote.options.map((label, i) => ({ label, weight: vote.result!.tallies[i] ?? 0 }))
        : [],
  }));
}
