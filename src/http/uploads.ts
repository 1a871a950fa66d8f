import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer, { MulterError } from 'multer';
import { AppError } from './app-error.js';
import { toAppError } from './error-handler.js';
import { hasNulByte, nulByteError } from './nul-bytes.js';

export interface UploadLimits {
  /** Largest file, in bytes. */
  fileSize: number;
  files: number;
  fields: number;
  fieldSize?: number;
  /** Parts in all (files and fields); files + fields + 10 unless given. */
  parts?: number;
}

/** Marks the kit's parsers, so a test can find every route that reads a multipart body. */
export const MULTIPART_PARSER = Symbol('multipartParser');

/** The files of a request whichever way they were read (one, an array, or named fields). */
function uploadedFiles(req: Request): Express.Multer.File[] {
  const files = req.files as
    Express.Multer.File[] | Record<string, Express.Multer.File[]> | undefined;
  const all = Array.isArray(files) ? [...files] : Object.values(files ?? {}).flat();
  if (req.file) all.push(req.file);
  return all;
}

/**
 * Files kept in memory (checked by content before anything is written), with hard limits on
 * files, fields and parts; UTF-8 file names. `field` names the one file input, or several inputs
 * each with its own count ([{ name, maxCount }]). Every multipart body of the app is read here:
 * a NUL byte in a field or a file name is refused (400 NUL_BYTE) as the other bodies' are.
 */
export function memoryUpload(field: string | multer.Field[], limits: UploadLimits): RequestHandler {
  const upload = multer({
    storage: multer.memoryStorage(),
    defParamCharset: 'utf8',
    limits: {
      fileSize: limits.fileSize,
      files: limits.files,
      fields: limits.fields,
      fieldSize: limits.fieldSize ?? 64 * 1024,
      parts: limits.parts ?? limits.files + limits.fields + 10,
    },
  });
  const parse =
    typeof field !== 'string'
      ? upload.fields(field)
      : limits.files === 1
        ? upload.single(field)
        : upload.array(field, limits.files);
  const parser: RequestHandler = (req, res, next) =>
    parse(req, res, (err?: unknown) => {
      // Anything but a limit (a broken boundary, a truncated part) is a malformed request.
      if (err && !(err instanceof MulterError))
        return next(new AppError('MALFORMED_MULTIPART', 400));
      if (err) return next(err);
      const names = uploadedFiles(req).map((f) => f.originalname);
      if (hasNulByte(req.body) || hasNulByte(names)) return next(nulByteError());
      // No form of the app names a field "x[a]"; multer nests such names into objects (without a
      // prototype) that no field's rule expects, so a body holding one is malformed.
      if (hasNestedField(req.body)) return next(new AppError('MALFORMED_MULTIPART', 400));
      next();
    });
  return Object.assign(parser, { [MULTIPART_PARSER]: true });
}

/** Whether a parsed multipart body holds anything but strings and lists of strings. */
function hasNestedField(body: unknown): boolean {
  if (body === null || typeof body !== 'object') return false;
  return Object.values(body).some((value) =>
    Array.isArray(value) ? value.some((v) => typeof v !== 'string') : typeof value !== 'string',
  );
}

/**
 * An upload the form itself answers: when the upload is refused (a file over the limit, too many
 * files) the fields read so far stay in req.body and the refusal waits in res.locals.uploadError,
 * so the route shows the form again with what was typed instead of an error page.
 */
export function forForm(upload: RequestHandler): RequestHandler {
  const parser: RequestHandler = (req: Request, res: Response, next: NextFunction) =>
    upload(req, res, (err?: unknown) => {
      if (!(err instanceof MulterError)) return next(err);
      req.files = [];
      req.file = undefined;
      res.locals.uploadError = toAppError(err);
      next();
    });
  return Object.assign(parser, { [MULTIPART_PARSER]: true });
}

/** The refusal forForm kept, thrown where the route's form errors are handled. */
export function throwUploadError(res: Response): void {
  if (res.locals.uploadError) throw res.locals.uploadError as AppError;
}

/** The uploaded files as bytes and the names people gave them. */
export function uploadsOf(req: Request): { buffer: Buffer; originalName: string }[] {
  const files = (req.files as Express.Multer.File[] | undefined) ?? [];
  return files.map((f) => ({ buffer: f.buffer, originalName: f.originalname }));
}
