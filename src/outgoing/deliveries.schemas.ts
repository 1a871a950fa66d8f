import { z } from 'zod';
import { optionalText } from '../http/form-fields.js';

/** A refusal (02) or a recall (13): the reason is required (checked by the service, in Vietnamese). */
export const ReasonSchema = z.object({
  reason: optionalText(2000).describe('Lý do'),
});
export type ReasonInput = z.infer<typeof ReasonSchema>;

const yesNo = (v: unknown) => {
  if (v === true || v === 'true' || v === '1' || v === 'accept') return true;
  if (v === false || v === 'false' || v === '0' || v === 'refuse') return false;
  return v;
};

/** The recipient's answer to a recall: accept (15) or refuse (16, with a reason). */
export const RecallAnswerSchema = z.object({
  accept: z
    .preprocess(yesNo, z.boolean('errors:RECALL_ANSWER_INVALID'))
    .describe('true: 15, false: 16'),
  reason: optionalText(2000).describe('Lý do (required when refusing)'),
});
export type RecallAnswerInput = z.infer<typeof RecallAnswerSchema>;
