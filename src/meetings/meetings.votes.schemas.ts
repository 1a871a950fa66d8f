import { z } from 'zod';
import {
  blankToUndefined,
  checkbox,
  id,
  optionalId,
  requiredText,
  vietnamDateTime,
} from '../http/form-fields.js';
import { VOTE_MODES } from './meeting-vote.model.js';
import { MAJORITY_RULES, QUORUM_RULES } from './vote-rules.js';

/** The options of a vote by default: Đồng ý / Không đồng ý / Không biểu quyết. */
export const DEFAULT_OPTIONS = ['Đồng ý', 'Không đồng ý', 'Không biểu quyết'] as const;
export const MAX_OPTIONS = 10;

/** Options as a JSON array or a textarea (one a line); none given means the default three. */
const optionList = z.preprocess(
  (v) => {
    if (v === undefined || v === null) return undefined;
    const list = typeof v === 'string' ? v.split(/\r?\n/) : v;
    if (!Array.isArray(list)) return list;
    const kept = list.map((o) => (typeof o === 'string' ? o.trim().normalize('NFC') : o));
    const filled = kept.filter((o) => o !== '');
    return filled.length ? filled : undefined;
  },
  z
    .array(z.string().max(200, 'meetings-votes:errors.optionsCount'), {
      error: 'meetings-votes:errors.optionsCount',
    })
    .min(2, 'meetings-votes:errors.optionsCount')
    .max(MAX_OPTIONS, 'meetings-votes:errors.optionsCount')
    .refine((o) => new Set(o.map((x) => x.toLowerCase())).size === o.length, {
      message: 'meetings-votes:errors.optionsDistinct',
    })
    .optional(),
);

/** Opening a vote: the item, the question, options, named or secret, room or written, the rules. */
export const OpenVoteSchema = z
  .object({
    itemId: optionalId,
    question: requiredText(1000),
    options: optionList,
    secret: checkbox,
    mode: z.preprocess(blankToUndefined, z.enum(VOTE_MODES).default('room')),
    deadline: vietnamDateTime,
    quorumRule: z.preprocess(blankToUndefined, z.enum(QUORUM_RULES).default('more_than_half')),
    majorityRule: z.preprocess(blankToUndefined, z.enum(MAJORITY_RULES).default('half_all')),
  })
  .refine((v) => v.mode !== 'written' || (v.deadline && v.deadline.getTime() > Date.now()), {
    path: ['deadline'],
    message: 'meetings-votes:errors.deadlineRequired',
  });
export type OpenVoteInput = z.infer<typeof OpenVoteSchema>;

const OPTION_INVALID = 'meetings-votes:errors.optionInvalid';
/** An option's index: a number, or its digits from a form (never true, null or a list). */
const optionIndex = z.preprocess(
  (v) => (typeof v === 'string' && /^\s*\d{1,3}\s*$/.test(v) ? Number(v) : v),
  z
    .number({ error: OPTION_INVALID })
    .int(OPTION_INVALID)
    .min(0, OPTION_INVALID)
    .max(MAX_OPTIONS - 1, OPTION_INVALID),
);

/** A ballot: the option's index (0 = the first), and for a deputy of several, whose vote it is. */
export const CastSchema = z.object({
  option: optionIndex,
  participantId: optionalId,
});
export type CastInput = z.infer<typeof CastSchema>;

/** The secretary records a member's vote (by phone for a written opinion). */
export const RecordBallotSchema = z.object({
  participantId: id,
  option: optionIndex,
});
export type RecordBallotInput = z.infer<typeof RecordBallotSchema>;
