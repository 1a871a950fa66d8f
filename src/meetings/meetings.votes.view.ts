/**
 * What a person may see of a meeting's votes (the pages, the panel of the live page, the API):
 * the question and rules, the progress, their own part, and once closed the result with its
 * sentence, the named votes or the secret ballots with their receipt codes (never their voters).
 */
import type { TFunction } from 'i18next';
import type { FieldErrors } from '../http/app-error.js';
import type { Language } from '../i18n/index.js';
import { can } from '../policy/index.js';
import type { User } from '../users/user.model.js';
import { MeetingItem } from './meeting.model.js';
import { MeetingVote, MeetingVoteBallot, MeetingVoteVoter } from './meeting-vote.model.js';
import type { MeetingAccess } from './meetings.access.js';
import { meetingTakesBallots, votableEntries } from './meetings.votes.policy.js';
import { eligibleEntries, optionLabels, publicVote, sentenceOf } from './meetings.votes.service.js';
import { compareNames } from '../users/name-order.js';

export interface VoteDetail extends ReturnType<typeof publicVote> {
  meetingId: number;
  status: 'open' | 'closed';
  itemTitle: string | null;
  openedAt: string;
  closedAt: string | null;
  cast: number;
  /** The members this person may still vote for (themselves, or as deputy). */
  mine: { participantId: number; name: string; own: boolean; voted: boolean }[];
  canCast: boolean;
  canRun: boolean;
  /** For the chair and the secretary: who voted, and who may still (to record by phone). */
  voters: { participantId: number; name: string; voted: boolean; channel: string | null }[] | null;
  result: {
    passed: boolean;
    quorumMet: boolean;
    sentence: string;
    tallies: { label: string; weight: number; count: number }[];
  } | null;
  /** A closed named vote: each member's choice. */
  named: { name: string; option: string; weight: number }[] | null;
  /** A closed secret vote: the ballots by receipt code, nothing of their voters. */
  ballots: { receipt: string; option: string; weight: number }[] | null;
}

const canSeeItem = (user: User, access: MeetingAccess, item: MeetingItem | null) =>
  !item || can(user, 'meetings.item.view', { access, item });

/** One vote as this person may see it. */
export async function voteDetail(
  user: User,
  access: MeetingAccess,
  vote: MeetingVote,
  lang: Language,
): Promise<VoteDetail> {
  const item = vote.itemId ? await MeetingItem.findByPk(vote.itemId) : null;
  const voterRows = await MeetingVoteVoter.findAll({ where: { voteId: vote.id } });
  const voted = new Map(voterRows.map((v) => [v.participantId, v]));
  const mine = votableEntries(user, access, vote).map((e) => ({
    participantId: e.participantId,
    name: e.name,
    own: e.userId === user.id,
    voted: voted.has(e.participantId),
  }));
  const hidden = !canSeeItem(user, access, item);
  const open =
    vote.status === 'open' &&
    !(vote.deadline && vote.deadline.getTime() <= Date.now()) &&
    meetingTakesBallots(access, vote) &&
    !hidden;
  const canRun = can(user, 'meetings.votes.run', access);
  const closed = vote.status === 'closed' && vote.result;
  const names = new Map(vote.presence.map((e) => [e.participantId, e.name]));
  const ballots = closed
    ? await MeetingVoteBallot.findAll({
        where: { voteId: vote.id },
        order: [['receiptCode', 'ASC']],
      })
    : [];
  const labels = optionLabels(vote.options, lang);
  const label = (i: number) => labels[i] ?? '';
  // Someone not cleared for the item sees that a vote took place and its outcome, not what it
  // asked: no question, options or choices (as the room's events redact it for them).
  const shown = !hidden;
  return {
    ...publicVote(vote),
    question: hidden ? '' : vote.question,
    options: hidden ? [] : labels,
    meetingId: vote.meetingId,
    status: vote.status,
    itemTitle: item && !hidden ? item.title : null,
    openedAt: vote.openedAt.toISOString(),
    closedAt: vote.closedAt?.toISOString() ?? null,
    cast: voterRows.length,
    mine,
    canCast: open && mine.some((m) => !m.voted),
    canRun,
    voters: canRun
      ? eligibleEntries(vote).map((e) => ({
          participantId: e.participantId,
          name: e.name,
          voted: voted.has(e.participantId),
          channel: voted.get(e.participantId)?.channel ?? null,
        }))
      : null,
    result: closed
      ? {
          passed: vote.result!.passed,
          quorumMet: vote.result!.quorumMet,
          sentence: sentenceOf(vote, lang),
          tallies: shown
            ? labels.map((l, i) => ({
                label: l,
                weight: vote.result!.tallies[i] ?? 0,
                count: vote.result!.counts[i] ?? 0,
              }))
            : [],
        }
      : null,
    named:
      closed && shown && !vote.isSecret
        ? ballots
            .map((b) => ({
              name: names.get(b.participantId ?? 0) ?? '',
              option: label(b.optionIndex),
              weight: b.weight,
            }))
            .sort((a, b) => compareNames(a.name, b.name))
        : null,
    ballots:
      closed && shown && vote.isSecret
        ? ballots.map((b) => ({
            receipt: b.receiptCode ?? '',
            option: label(b.optionIndex),
            weight: b.weight,
          }))
        : null,
  };
}

/** Every vote of the meeting (newest first), each as this person may see it. */
export async function meetingVotes(
  user: User,
  access: MeetingAccess,
  lang: Language,
): Promise<VoteDetail[]> {
  const votes = await MeetingVote.findAll({
    where: { meetingId: access.meeting.id },
    order: [['id', 'DESC']],
  });
  return Promise.all(votes.map((v) => voteDetail(user, access, v, lang)));
}

/** The live page's panel: the open votes, then the last closed one (its result stays in view). */
export async function panelVotes(
  user: User,
  access: MeetingAccess,
  lang: Language,
): Promise<VoteDetail[]> {
  const open = await MeetingVote.findAll({
    where: { meetingId: access.meeting.id, status: 'open' },
    order: [['id', 'DESC']],
  });
  const lastClosed = await MeetingVote.findOne({
    where: { meetingId: access.meeting.id, status: 'closed' },
    order: [
      ['closedAt', 'DESC'],
      ['id', 'DESC'],
    ],
  });
  const votes = lastClosed ? [...open, lastClosed] : open;
  return Promise.all(votes.map((v) => voteDetail(user, access, v, lang)));
}

/** Field messages given as keys (meetings-votes:errors.…, errors:…) in the language of `t`. */
export function translatedFields(t: TFunction, fields: FieldErrors | undefined): FieldErrors {
  const out: FieldErrors = {};
  for (const [field, message] of Object.entries(fields ?? {})) {
    out[field] = /^[a-z-]+:[A-Za-z_.]+$/.test(message) ? t(message) : message;
  }
  return out;
}
