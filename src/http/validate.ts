import { z, type ZodType } from 'zod';
import type { TFunction } from 'i18next';
import { translator } from '../i18n/index.js';
import { AppError, type FieldErrors } from './app-error.js';

type Issue = z.core.$ZodIssue;

/** A message key a schema carries instead of a sentence (errors:…, forms:…). */
const isMessageKey = (message: string) => /^[a-z-]+:[A-Za-z_.]+$/.test(message);

const sized = (issue: { origin?: string }) => issue.origin === 'string' || issue.origin === 'array';

/**
 * The plain-language message key (forms:invalid.…) and its parameters for a zod issue the schema
 * gave no message of its own: every issue code has one, so a validator's own text is never shown.
 */
export function issueMessageKey(issue: Issue): [string, Record<string, unknown>?] {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined || issue.input === null || issue.input === '')
        return ['forms:invalid.required'];
      if (issue.expected === 'number' || issue.expected === 'int' || issue.expected === 'bigint')
        return ['forms:invalid.number'];
      if (issue.expected === 'date') return ['forms:invalid.date'];
      return ['forms:invalid.type'];
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string')
        return min <= 1 ? ['forms:invalid.required'] : ['forms:invalid.tooShort', { min }];
      if (issue.origin === 'array' || issue.origin === 'set')
        return min <= 1 ? ['forms:invalid.chooseOne'] : ['forms:invalid.tooFewItems', { min }];
      if (issue.origin === 'date') return ['forms:invalid.dateTooEarly'];
      return ['forms:invalid.tooSmall', { min: issue.inclusive ? min : min + 1 }];
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return ['forms:invalid.tooLong', { max }];
      if (sized(issue) || issue.origin === 'set') return ['forms:invalid.tooManyItems', { max }];
      if (issue.origin === 'date') return ['forms:invalid.dateTooLate'];
      return ['forms:invalid.tooBig', { max: issue.inclusive ? max : max - 1 }];
    }
    case 'invalid_format':
      if (issue.format === 'date') return ['forms:invalid.date'];
      if (issue.format === 'datetime') return ['forms:invalid.dateTime'];
      if (issue.format === 'time') return ['forms:invalid.time'];
      if (issue.format === 'email') return ['forms:invalid.email'];
      if (issue.format === 'url') return ['forms:invalid.url'];
      return ['forms:invalid.format'];
    case 'invalid_value':
    case 'invalid_union':
      return ['forms:invalid.choice'];
    case 'not_multiple_of':
      return ['forms:invalid.number'];
    case 'unrecognized_keys':
      return ['forms:invalid.unknownField'];
    default:
      return ['forms:invalid.value'];
  }
}

/** The sentence for an issue in the language of `t`. */
const sentenceOf = (issue: Issue, t: TFunction) => {
  const [key, params] = issueMessageKey(issue);
  return t(key, params ?? {});
};

/**
 * The field an issue belongs to: an element of a list (roles.0, userIds.2) is said on the list's
 * own field, the one a form shows its message under.
 */
const fieldKeyOf = (path: readonly PropertyKey[]) => {
  const parts = [...path];
  while (parts.length > 1 && typeof parts[parts.length - 1] === 'number') parts.pop();
  return parts.map(String).join('.');
};

function collect(error: z.ZodError, t: TFunction, ours: (issue: Issue) => string): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = fieldKeyOf(issue.path) || '_';
    if (fields[key]) continue;
    // A schema's own message is a key (errors:…); anything else is said in our own words.
    fields[key] = isMessageKey(issue.message) ? t(issue.message) : ours(issue);
  }
  return fields;
}

/**
 * Turns a zod error into one message per field (the first one), in the given language (the
 * error of a schema parsed elsewhere: what zod wrote is replaced by our own words).
 */
export function fieldErrorsOf(error: z.ZodError, t: TFunction = translator()): FieldErrors {
  return collect(error, t, (issue) => sentenceOf(issue, t));
}

/**
 * Parses input against a schema; on failure throws a 422 AppError carrying the field errors,
 * written in the given language (Vietnamese by default), one plain sentence per field.
 */
export function parseInput<S extends ZodType>(
  schema: S,
  input: unknown,
  lng: string = 'vi',
  t?: TFunction,
): z.infer<S> {
  const tr = t ?? translator(lng);
  // Our words are chosen while zod still holds the input (a missing field vs a wrong one).
  const result = schema.safeParse(input, { error: (issue) => sentenceOf(issue as Issue, tr) });
  if (!result.success) {
    throw new AppError(
      'VALIDATION_FAILED',
      422,
      undefined,
      collect(result.error, tr, (issue) => issue.message),
    );
  }
  return result.data;
}
