import { z } from 'zod';
import { integer } from '../http/form-fields.js';
import { RecipientSchema } from '../outgoing/outgoing.schemas.js';
import { MAX_CONCLUSIONS } from './conclusions.service.js';

/** The longest minutes accepted (characters); a page form also stays under the body limit. */
export const MAX_MINUTES_CHARS = 100_000;

const nfc = (v: unknown) =>
  typeof v === 'string' ? v.normalize('NFC').replace(/\r\n?/g, '\n') : v;

export const MinutesSaveSchema = z.object({
  body: z.preprocess(
    nfc,
    z
      .string('errors:MINUTES_BODY_REQUIRED')
      .trim()
      .min(1, 'errors:MINUTES_BODY_REQUIRED')
      .max(MAX_MINUTES_CHARS, 'errors:MINUTES_TOO_LONG'),
  ),
  version: integer(
    z
      .number('errors:MINUTES_VERSION_INVALID')
      .int('errors:MINUTES_VERSION_INVALID')
      .min(0, 'errors:MINUTES_VERSION_INVALID')
      .max(2_000_000_000, 'errors:MINUTES_VERSION_INVALID')
      .describe('The version the text was based on (0 before the first save)'),
  ),
});
export type MinutesSaveInput = z.infer<typeof MinutesSaveSchema>;

export const MinutesSubmitSchema = MinutesSaveSchema.pick({ version: true });

export const MinutesSignSchema = z.object({
  pin: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string().max(64).optional().describe('Signing PIN of a server-held key'),
  ),
});

export const MinutesReturnSchema = z.object({
  reason: z.preprocess(
    nfc,
    z
      .string('errors:MINUTES_RETURN_REASON')
      .trim()
      .min(1, 'errors:MINUTES_RETURN_REASON')
      .max(2000),
  ),
});

const ConclusionSchema = z.object({
  id: integer(z.number().int().positive().max(2_147_483_647).optional()),
  text: z.preprocess(
    nfc,
    z
      .string('errors:CONCLUSION_TEXT_REQUIRED')
      .trim()
      .min(1, 'errors:CONCLUSION_TEXT_REQUIRED')
      .max(2000),
  ),
});

export const ConclusionsSchema = z.object({
  conclusions: z.array(ConclusionSchema).max(MAX_CONCLUSIONS, 'errors:CONCLUSIONS_TOO_MANY'),
});

export const NoticeSchema = z.object({
  recipients: z.array(RecipientSchema).max(100).default([]),
});
