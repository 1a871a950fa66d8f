import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer, { MulterError } from 'multer';
import { z } from 'zod';
import type { Config } from '../config.js';
import { AppError, type FieldErrors } from '../http/app-error.js';
import { toAppError } from '../http/error-handler.js';
import type { UploadInput } from './incoming.service.js';

export { actorOf } from '../http/request-context.js';

const IdParam = z.coerce.number().int().positive().max(2_147_483_647);

/** A numeric id from the path; anything else is simply not found. */
export function idParam(req: Request, name = 'id'): number {
  const parsed = IdParam.safeParse(req.params[name]);
  if (!parsed.success) throw new AppError('INCOMING_NOT_FOUND', 404);
  return parsed.data;
}

/**
 * An upload the form itself answers: when the upload is refused (a file over the limit, too many
 * files) the fields read so far stay in req.body and the refusal waits in res.locals.uploadError,
 * so the route shows the form again with what was typed instead of an error page.
 */
function forForm(upload: RequestHandler): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) =>
    upload(req, res, (err?: unknown) => {
      if (!(err instanceof MulterError)) return next(err);
      req.files = [];
      req.file = undefined;
      res.locals.uploadError = toAppError(err);
      next();
    });
}

/** The refusal forForm kept, thrown where the route's form errors are handled. */
export function throwUploadError(res: Response): void {
  if (res.locals.uploadError) throw res.locals.uploadError as AppError;
}

/**
 * A document's files kept in memory (checked by content before anything is written), with hard
 * limits; the pages and the API read them under their own field names.
 */
export function documentFilesUpload(config: Config, field: string) {
  return multer({
    storage: multer.memoryStorage(),
    defParamCharset: 'utf8',
    limits: {
      fileSize: config.maxUploadBytes,
      files: 10,
      fields: 40,
      fieldSize: 64 * 1024,
      parts: 60,
    },
  }).array(field, 10);
}

/** The pages' upload: a refusal comes back on the form (forForm). */
export function incomingUpload(config: Config) {
  return forForm(documentFilesUpload(config, 'files'));
}

/**
 * An edXML package: one XML file holding its attachments base64-encoded, so up to a third larger
 * than the largest file accepted, plus its header.
 */
export function edxmlUpload(config: Config) {
  return forForm(
    multer({
      storage: multer.memoryStorage(),
      defParamCharset: 'utf8',
      limits: {
        fileSize: Math.ceil((config.maxUploadBytes * 4) / 3) + 1024 * 1024,
        files: 1,
        fields: 5,
        fieldSize: 1024,
        parts: 6,
      },
    }).single('package'),
  );
}

export function uploadsOf(req: Request): UploadInput[] {
  const files = (req.files as Express.Multer.File[] | undefined) ?? [];
  return files.map((f) => ({ buffer: f.buffer, originalName: f.originalname }));
}

/** Field messages given as i18n keys (errors:…) in the request's language. */
export function translateFields(req: Request, fields: FieldErrors | undefined): FieldErrors {
  const out: FieldErrors = {};
  for (const [field, message] of Object.entries(fields ?? {})) {
    out[field] = /^[a-z]+:[A-Za-z_.]+$/.test(message) ? req.t(message) : message;
  }
  return out;
}

/** The message of an error for a person, in the request's language. */
export function messageOf(req: Request, err: AppError): string {
  return err.hasOwnMessage ? err.message : req.t(`errors:${err.code}`, { ...(err.params ?? {}) });
}

/** Is this an error a form shows next to its fields (and re-renders with 422/409/413)? */
export function isFormError(err: unknown): err is AppError {
  return err instanceof AppError && [409, 413, 422].includes(err.status);
}
