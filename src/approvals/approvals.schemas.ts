import { z } from 'zod';
import { ROLES } from '../users/user.model.js';

const id = z.number().int().positive();

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
  })
  .refine((s) => s.rule !== 'n' || s.n !== undefined, {
    path: ['n'],
    message: 'errors:APPROVAL_STEP_N',
  });
export type StepSpec = z.infer<typeof StepSpecSchema>;

export const StepsSchema = z.array(StepSpecSchema).min(1).max(20);

export const ActSchema = z.object({
  action: z.enum(['approve', 'initial', 'return', 'reject']),
  comment: z.string().trim().max(4000).optional(),
  /** For a return: the step to go back to (0 = the drafter). */
  toPosition: z.number().int().min(0).optional(),
  /** The version of the main file the decision is taken on. */
  version: z.number().int().positive().optional(),
});
export type ActInput = z.infer<typeof ActSchema>;
