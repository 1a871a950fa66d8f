import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { MulterError } from 'multer';
import {
  DatabaseError,
  UniqueConstraintError,
  ValidationError as SequelizeValidationError,
} from 'sequelize';
import { ZodError } from 'zod';
import { translator } from '../i18n/index.js';
import { AppError } from './app-error.js';
import { isApiRequest } from './auth.js';
import { fieldErrorsOf } from './validate.js';

/**
 * A script's request: `?format=json` or an Accept header preferring JSON. Its errors are JSON
 * too, even those raised before its route (a malformed upload, a stale CSRF token).
 */
export const wantsJson = (req: Request) =>
  req.query?.format === 'json' || req.accepts(['html', 'json']) === 'json';

const MULTER_CODES: Record<string, [string, number]> = {
  LIMIT_FILE_SIZE: ['FILE_TOO_LARGE', 413],
  LIMIT_FILE_COUNT: ['TOO_MANY_FILES', 413],
  LIMIT_FIELD_VALUE: ['FIELD_TOO_LARGE', 413],
  LIMIT_UNEXPECTED_FILE: ['UNEXPECTED_FILE', 400],
  LIMIT_PART_COUNT: ['TOO_MANY_PARTS', 413],
};

// MariaDB refuses a value its column cannot hold (SQLite stores it): a number past INT, a text
// past its VARCHAR, a date or number it cannot read. Input a schema let through is still the
// person's input: a 422, never a 500.
const VALUE_REFUSED = new Set([
  'ER_WARN_DATA_OUT_OF_RANGE',
  'ER_DATA_TOO_LONG',
  'ER_TRUNCATED_WRONG_VALUE',
  'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD',
  'ER_DATETIME_FUNCTION_OVERFLOW',
]);

/** Whether the database refused a value as out of its column's range or type. */
export function isValueRefused(err: unknown): boolean {
  const code = (err as { parent?: { code?: unknown } })?.parent?.code;
  return err instanceof DatabaseError && typeof code === 'string' && VALUE_REFUSED.has(code);
}

/** Maps anything thrown to an AppError; unknown errors become a plain 500. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isValueRefused(err)) return new AppError('VALUE_OUT_OF_RANGE', 422);
  if (err instanceof ZodError)
    return new AppError('VALIDATION_FAILED', 422, undefined, fieldErrorsOf(err));
  if (err instanceof UniqueConstraintError) return new AppError('CONFLICT', 409);
  if (err instanceof SequelizeValidationError) return new AppError('VALIDATION_FAILED', 422);
  if (err instanceof MulterError) {
    const [code, status] = MULTER_CODES[err.code] ?? ['BAD_UPLOAD', 400];
    return new AppError(code, status);
  }
  const e = err as { code?: string; type?: string; status?: number; statusCode?: number };
  if (
    e?.code === 'EBADCSRFTOKEN' ||
    (e?.status === 403 && /csrf/i.test(String((err as Error)?.message)))
  )
    return new AppError('CSRF_INVALID', 403);
  if (e?.type === 'entity.too.large') return new AppError('PAYLOAD_TOO_LARGE', 413);
  if (e?.type === 'entity.parse.failed') return new AppError('MALFORMED_BODY', 400);
  if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported')
    return new AppError('MALFORMED_BODY', 415);
  if (
    err instanceof Error &&
    /^(Unexpected end of (form|file)|Malformed part header|Multipart: Boundary not found|Unsupported content type)/.test(
      err.message,
    )
  )
    return new AppError('MALFORMED_MULTIPART', 400);
  if (err instanceof URIError) return new AppError('BAD_REQUEST', 400);
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500)
    return new AppError('BAD_REQUEST', status);
  return new AppError('INTERNAL', 500);
}

/** The one final error middleware: JSON for the API, an error page for people, never a stack. */
export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const appError = toAppError(err);
    if (appError.status >= 500) logger.error({ err, reqId: req.id }, 'request failed');
    // A schema should have refused it: said to the person, logged for whoever bounds the field.
    else if (isValueRefused(err))
      logger.warn({ err, reqId: req.id }, 'value refused by the database');
    else logger.debug({ code: appError.code, reqId: req.id }, 'request refused');
    // Before the session is read (the calendar feeds, a body refused on arrival) the language is
    // the one the browser asks for, Vietnamese unless it prefers English.
    const lng = req.lng ?? (req.acceptsLanguages('vi', 'en') === 'en' ? 'en' : 'vi');
    const t = req.t ?? translator(lng);
    const message = appError.hasOwnMessage
      ? appError.message
      : t(`errors:${appError.code}`, {
          defaultValue: t('errors:INTERNAL'),
          ...(appError.params ?? {}),
        });
    // A service's field errors are i18n keys ('errors:DATE_IN_FUTURE'), as a form shows them.
    const fields = appError.fields
      ? Object.fromEntries(
          Object.entries(appError.fields).map(([field, msg]) => [
            field,
            /^[a-z]+:[A-Za-z_.]+$/.test(msg) ? t(msg) : msg,
          ]),
        )
      : undefined;
    if (res.headersSent) return;
    res.status(appError.status);
    if (isApiRequest(req) || wantsJson(req)) {
      res.json({ error: { code: appError.code, message, fields } });
      return;
    }
    // An error raised before the page middleware (a body too large, say) still gets translated
    // labels, and the signed-in frame only when someone is signed in.
    res.locals.t ??= t;
    res.locals.lng ??= lng;
    res.render('error', {
      layout: req.user ? 'main' : 'bare',
      title: t('errors:title', { status: appError.status }),
      status: appError.status,
      message,
      // A field by its name on the page ("Năm", not "year") where the forms name it.
      fields: fields
        ? Object.entries(fields).map(([field, msg]) => ({
            field: t(`forms:fieldName.${field}`, { defaultValue: field }),
            msg,
          }))
        : [],
      requestId: appError.status >= 500 ? String(req.id) : undefined,
    });
  };
}
