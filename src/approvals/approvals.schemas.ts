import { z } from 'zod';
import { integer } from '../http/form-fields.js';
import { ROLES } from '../users/user.model.js';

/** Ids and versions are INT columns: a larger number is no row's. */
const MAX_INT = 2_147_483_647;
const id = z.number().int().positive().max(MAX_INT);

/** Who a step asks: one person, or everyone with a role in a department (the drafter's or one). */
export const MemberSpecSchema = z.union([
  z.object({ userId: id }),
  z.object({ role: z.enum(ROLES), department: z.union([z.literal('drafter'), id]) }),
]);
export type MemberSpec = z.infer<typeof MemberSpecSchema>;

/** One step of a chain: all must approve, any one, or at least n; a deadline in working days. */
export const StepSpecSchema = z
  .object({
    title: z.string().trim().min(1).max(255),
    members: z.array(MemberSpecSchema).min(1).max(50),
    rule: z.enum(['all', 'any', 'n']).default('all'),
    n: z.number().int().min(1).max(50).optional(),
    days: z.number().int().min(0).max(60).default(2),
    /** A consulted step (lấy ý kiến) completes when every member has answered; it never blocks. */
    kind: z.enum(['approve', 'consult']).default('approve'),
  })
  .refine((s) => s.rule !== 'n' || s.n !== undefined, {
    path: ['n'],
    message: 'errors:APPROVAL_STEP_N',
  });
export type StepSpec = z.infer<typeof StepSpecSchema>;
/** A step as callers may give it (defaults not yet filled in). */
export type StepSpecInput = z.input<typeof StepSpecSchema>;

export const StepsSchema = z.array(StepSpecSchema).min(1).max(20);

export const ActSchema = z.object({
  action: z.enum(['approve', 'initial', 'return', 'reject', 'agree', 'opinion']),
  comment: z.string().trim().max(4000).optional(),
  /** For a return: the step to go back to (0 = the drafter). */
  toPosition: z.number().int().min(0).max(MAX_INT).optional(),
  /** The version of the main file the decision is taken on. */
  version: z.number().int().positive().max(MAX_INT).optional(),
});
export type ActInput = z.infer<typeof ActSchema>;

/** A reviewer added to a running chain: a new consulted step after the current one, or one more
 * member of the current step. */
export const AddReviewerSchema = z.object({
  userId: integer(z.number().int().positive('errors:APPROVAL_REVIEWER_REQUIRED').max(MAX_INT)),
  position: z.enum(['after', 'same']).default('after'),
  kind: z.enum(['approve', 'consult']).default('consult'),
  days: integer(z.number().int().min(0).max(60).default(2)),
});
export type AddReviewerInput = z.input<typeof AddReviewerSchema>;

/** Steps a drafter adds to one document's chain, each after a position of the chain. */
export const ExtraStepSchema = z.object({
  afterPosition: z.number().int().min(0).max(MAX_INT),
  title: z.string().trim().min(1).max(255),
  members: z.array(MemberSpecSchema).min(1).max(50),
  kind: z.enum(['approve', 'consult']).default('consult'),
  rule: z.enum(['all', 'any']).default('all'),
  days: z.number().int().min(0).max(60).default(2),
});
export type ExtraStep = z.input<typeof ExtraStepSchema>;

export const CommentSchema = z.object({
  body: z.string().trim().min(1, 'errors:APPROVAL_COMMENT_EMPTY').max(4000),
});

/** A list of ids from a form (one value, repeated values, blanks left out) or a JSON array. */
const idList = z.preprocess(
  (v) =>
    v === undefined || v === null || v === ''
      ? []
      : (Array.isArray(v) ? v : [v]).filter((x) => x !== ''),
  z.array(integer(z.number('forms:invalid.number').int().positive().max(MAX_INT))).max(20),
);

/**
 * What the drafter adds to one document's chain where its template allows it (lấy ý kiến góp
 * ý): consulted units (departments of the agency, whose head answers) and reviewers (people),
 * each a consulted step of its own after the chain's step `afterStep` (0: before the first;
 * default: before the chain's last step, the signer's side). The template's steps all stay.
 */
export const ChainAdditionsSchema = z.object({
  consultedUnits: idList.describe('Departments of the agency asked for an opinion (their head)'),
  reviewers: idList.describe('People of the agency asked for an opinion'),
  afterStep: z
    .preprocess(
      (v) => (v === '' || v === null ? undefined : v),
      integer(z.number('forms:invalid.number').int().min(0).max(MAX_INT)).optional(),
    )
    .describe('The step they follow (0: before the first; default: before the last)'),
});
export type ChainAdditions = z.infer<typeof ChainAdditionsSchema>;
