import { z, type ZodType } from 'zod';
import type { TFunction } from 'i18next';
import { AppError, type FieldErrors } from './app-error.js';

const zodLocales = { vi: z.locales.vi(), en: z.locales.en() } as const;

/** Turns a zod error into one message per field (the first one), in the request's language. */
export function fieldErrorsOf(error: z.ZodError, t?: TFunction): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || '_';
    if (fields[key]) continue;
    // Schemas may carry a message key (errors:…) instead of a sentence.
    fields[key] =
      t && issue.message.includes(':') && !issue.message.includes(' ')
        ? t(issue.message)
        : issue.message;
  }
  return fields;
}

/**
 * Parses input against a schema; on failure throws a 422 AppError carrying the field errors,
 * written in the given language (Vietnamese by default).
 */
export function parseInput<S extends ZodType>(
  schema: S,
  input: unknown,
  lng: string = 'vi',
  t?: TFunction,
): z.infer<S> {
  const locale = lng === 'en' ? zodLocales.en : zodLocales.vi;
  const result = schema.safeParse(input, { error: locale.localeError });
  if (!result.success) {
    throw new AppError('VALIDATION_FAILED', 422, undefined, fieldErrorsOf(result.error, t));
  }
  return result.data;
}
