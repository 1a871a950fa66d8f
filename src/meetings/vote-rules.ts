/**
 * The arithmetic of a vote (biểu quyết): whether enough members take part (quorum) and whether
 * the first option ("Đồng ý") carries (majority), on integer weights (a member's vote weight,
 * 1 unless configured), with the sentence that states the rule applied. Pure: no database.
 */
import type { TFunction } from 'i18next';

/** Who must take part: nobody in particular, more than half, or two thirds of all voting members. */
export const QUORUM_RULES = ['none', 'more_than_half', 'two_thirds'] as const;
export type QuorumRule = (typeof QUORUM_RULES)[number];

/**
 * What carries the vote: more than half / at least two thirds of all voting members, more than
 * half of the members present, or more than half of the votes cast (abstentions are cast votes).
 */
export const MAJORITY_RULES = ['half_all', 'two_thirds_all', 'half_present', 'half_cast'] as const;
export type MajorityRule = (typeof MAJORITY_RULES)[number];

export interface VoteCounts {
  /** Weight of every voting member of the snapshot, present or not. */
  total: number;
  /** Weight of the members taking part: present at opening (in the room), or who answered (written). */
  present: number;
  /** Weight of the ballots cast, all options. */
  cast: number;
  /** Weight of the ballots for each option; the first option is the one the rule measures. */
  tallies: number[];
  /** True when some member's weight is not 1 (the sentence then counts votes, not members). */
  weighted: boolean;
  /** A written opinion (phiếu lấy ý kiến): taking part means answering. */
  written?: boolean;
}

export interface VoteOutcome {
  quorumMet: boolean;
  passed: boolean;
  /** Weight for the first option. */
  agree: number;
  /** The number the majority rule divides: total, present or cast. */
  base: number;
  counts: VoteCounts;
  quorumRule: QuorumRule;
  majorityRule: MajorityRule;
}

const moreThanHalf = (part: number, whole: number) => part * 2 > whole;
const twoThirds = (part: number, whole: number) => whole > 0 && part * 3 >= whole * 2;

export function quorumMet(rule: QuorumRule, present: number, total: number): boolean {
  if (rule === 'none') return true;
  if (rule === 'more_than_half') return moreThanHalf(present, total);
  return twoThirds(present, total);
}

export function majorityBase(rule: MajorityRule, counts: VoteCounts): number {
  if (rule === 'half_all' || rule === 'two_thirds_all') return counts.total;
  if (rule === 'half_present') return counts.present;
  return counts.cast;
}

/** Applies the quorum rule, then the majority rule (a vote without quorum does not pass). */
export function decideVote(
  quorumRule: QuorumRule,
  majorityRule: MajorityRule,
  counts: VoteCounts,
): VoteOutcome {
  const agree = counts.tallies[0] ?? 0;
  const base = majorityBase(majorityRule, counts);
  const met = quorumMet(quorumRule, counts.present, counts.total);
  const carries =
    majorityRule === 'two_thirds_all' ? twoThirds(agree, base) : moreThanHalf(agree, base);
  return {
    quorumMet: met,
    passed: met && base > 0 && carries,
    agree,
    base,
    counts,
    quorumRule,
    majorityRule,
  };
}

/**
 * "Thông qua: 17/25 thành viên đồng ý, trên 1/2 tổng số", "Không thông qua: …, chưa đạt …" or
 * "Không đủ số lượng thành viên tham dự (…)", in the language of `t`.
 */
export function resultSentence(outcome: VoteOutcome, t: TFunction): string {
  const unit = t(`meetings-votes:unit.${outcome.counts.weighted ? 'votes' : 'members'}`);
  if (!outcome.quorumMet) {
    return t(`meetings-votes:result.${outcome.counts.written ? 'noQuorumWritten' : 'noQuorum'}`, {
      present: outcome.counts.present,
      total: outcome.counts.total,
      unit,
      rule: t(`meetings-votes:quorum.${outcome.quorumRule}`),
    });
  }
  return t(`meetings-votes:result.${outcome.passed ? 'passed' : 'failed'}`, {
    agree: outcome.agree,
    base: outcome.base,
    unit,
    rule: t(`meetings-votes:majority.${outcome.majorityRule}`),
  });
}
