import type { Request, Response } from 'express';
import { AppError, type FieldErrors } from './app-error.js';
import { flash } from './flash.js';

/**
 * Runs a form's work; a refusal the person can fix (422, or the given other statuses) is handed
 * to `onRefused` to re-render the form, and false is returned. Anything else propagates.
 */
export async function submitForm(
  work: () => Promise<void>,
  onRefused: (err: AppError) => Promise<void> | void,
  statuses: number[] = [422],
): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (err) {
    if (err instanceof AppError && statuses.includes(err.status)) {
      await onRefused(err);
      return false;
    }
    throw err;
  }
}

/** The form's values to show again, without the CSRF token or any password. */
export function echoValues(body: unknown): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (key === '_csrf' || /password/i.test(key)) continue;
    values[key] = value;
  }
  return values;
}

/** The message of an error for a person, in the request's language: its own, or its code's. */
export function messageOf(req: Request, err: AppError): string {
  const message = err.hasOwnMessage
    ? err.message
    : req.t(`errors:${err.code}`, { ...(err.params ?? {}) });
  return err.status === 413 && err.code === 'FILE_TOO_LARGE'
    ? withUploadLimit(req, message)
    : message;
}

/** A refused file's message with the limit it went past ("Mỗi tệp tối đa 20 MB."). */
export function withUploadLimit(req: Request, message: string): string {
  const mb = (req.res?.locals as { uploadLimitMb?: number } | undefined)?.uploadLimitMb;
  return mb ? `${message} ${req.t('forms:upload.limit', { mb })}` : message;
}

/** The upload limit in whole megabytes, as forms state it. */
export const megabytes = (bytes: number) => Math.max(1, Math.round(bytes / (1024 * 1024)));

/** Field messages given as i18n keys (errors:…) in the request's language. */
export function translateFields(req: Request, fields: FieldErrors | undefined): FieldErrors {
  const out: FieldErrors = {};
  for (const [field, message] of Object.entries(fields ?? {})) {
    out[field] = /^[a-z]+:[A-Za-z_.]+$/.test(message) ? req.t(message) : message;
  }
  return out;
}

/** Is this an error a form shows next to its fields (and re-renders with 422/409/413)? */
export function isFormError(err: unknown): err is AppError {
  return err instanceof AppError && [409, 413, 422].includes(err.status);
}

/** A list's refused filters: each one's message by its field, and the query as typed. */
export interface FilterRefusal {
  filterErrors: FieldErrors;
  typed: Record<string, unknown>;
}

/**
 * A list's filters read by `parse`. A filter that is not a value (a date naming no day, a year
 * typed "2O26") is left out, the list shown without it and the reason said beside its field (the
 * page answers 422), rather than an error page that loses the other filters; `query` is what
 * was kept.
 */
export function readFilters<T>(
  req: Request,
  parse: (query: Record<string, unknown>) => T,
  typed: Record<string, unknown> = req.query as Record<string, unknown>,
): { value: T; query: Record<string, unknown>; refusal?: FilterRefusal } {
  try {
    return { value: parse(typed), query: typed };
  } catch (err) {
    if (!isFormError(err) || !err.fields) throw err;
    const refused = Object.keys(err.fields);
    const query = Object.fromEntries(Object.entries(typed).filter(([k]) => !refused.includes(k)));
    return {
      value: parse(query),
      query,
      refusal: { filterErrors: translateFields(req, err.fields), typed },
    };
  }
}

/** A refused filter's value as typed, to show again in its field (a string, kept short). */
export const typedFilter = (refusal: FilterRefusal | undefined, field: string, max = 40) => {
  const v = refusal?.typed[field];
  return typeof v === 'string' ? v.slice(0, max) : null;
};

/**
 * Runs a page's POST: on success back to `back` with the `done` message; a refusal the person can
 * fix (isFormError) renders the page again with its status, the message, the fields' messages and
 * the values sent. Anything else goes to the error handler.
 */
export async function actAndRedirect(
  req: Request,
  res: Response,
  work: () => Promise<unknown>,
  done: string,
  back: string,
  render: (status: number, extra: Record<string, unknown>) => Promise<void>,
): Promise<void> {
  try {
    await work();
  } catch (err) {
    if (!isFormError(err)) throw err;
    return render(err.status, {
      error: messageOf(req, err),
      errors: translateFields(req, err.fields),
      values: { ...(req.body as object) },
    });
  }
  flash(req, 'success', req.t(done));
  res.redirect(303, back);
}
