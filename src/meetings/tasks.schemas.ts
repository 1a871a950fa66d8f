import { z } from 'zod';
import {
  blankToUndefined,
  integer,
  isoDate,
  optionalId,
  requiredText,
} from '../http/form-fields.js';

export const MAX_TASK_DAYS = 250;

const optionalDays = z.preprocess(
  blankToUndefined,
  integer(
    z
      .number('errors:MEETING_TASK_DAYS_INVALID')
      .int('errors:MEETING_TASK_DAYS_INVALID')
      .min(1, 'errors:MEETING_TASK_DAYS_INVALID')
      .max(MAX_TASK_DAYS, 'errors:MEETING_TASK_DAYS_INVALID')
      .optional(),
  ),
);

/**
 * A task from a conclusion: the conclusion (its text is the task's) or a text of its own, the
 * holder (a unit or a person of the agency) and the deadline, in working days from the
 * conclusion's date or as a day (a non-working day moves to the next working day).
 */
export const TaskCreateSchema = z.object({
  conclusionId: optionalId.describe('The conclusion the task is made from'),
  content: z
    .preprocess(blankToUndefined, z.string().max(4000).optional())
    .describe("The task's text (default: the conclusion's)"),
  holderDepartmentId: optionalId.describe('The unit that holds it (its heads receive it)'),
  holderUserId: optionalId.describe('The person who holds it'),
  workingDays: optionalDays.describe("Working days from the conclusion's date"),
  deadline: isoDate.describe('Or the deadline itself (dd/mm/yyyy or yyyy-mm-dd)'),
});
export type TaskCreateInput = z.infer<typeof TaskCreateSchema>;

export const TaskProgressSchema = z.object({
  percent: z.preprocess(
    blankToUndefined,
    integer(
      z
        .number('errors:MEETING_TASK_PERCENT_INVALID')
        .int('errors:MEETING_TASK_PERCENT_INVALID')
        .min(0, 'errors:MEETING_TASK_PERCENT_INVALID')
        .max(99, 'errors:MEETING_TASK_PERCENT_INVALID'),
    ),
  ),
  note: requiredText(4000),
});
export type TaskProgressInput = z.infer<typeof TaskProgressSchema>;

export const TaskCompleteSchema = z.object({ note: requiredText(4000) });
export type TaskCompleteInput = z.infer<typeof TaskCompleteSchema>;

export const TASK_TABS = ['mine', 'unit', 'all'] as const;
export const TASK_FILTERS = ['open', 'overdue', 'done', 'any'] as const;

export const TaskListQuerySchema = z.object({
  tab: z.preprocess(
    (v) => (typeof v === 'string' && v !== '' ? v : undefined),
    z.enum(TASK_TABS, 'errors:VALIDATION_FAILED').default('mine'),
  ),
  status: z.preprocess(
    (v) => (typeof v === 'string' && v !== '' ? v : undefined),
    z.enum(TASK_FILTERS, 'errors:VALIDATION_FAILED').default('open'),
  ),
});
export type TaskListQuery = z.infer<typeof TaskListQuerySchema>;
