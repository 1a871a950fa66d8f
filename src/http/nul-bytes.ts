import type { NextFunction, Request, Response } from 'express';
import { AppError } from './app-error.js';

/** Whether a parsed body (strings, arrays, objects, their keys) holds a NUL character. */
export function hasNulByte(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 20 || value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([k, v]) => k.includes('\u0000') || hasNulByte(v, depth + 1));
}

/** The refusal of a request with a NUL byte: 400, said in Vietnamese (errors:NUL_BYTE). */
export const nulByteError = () => new AppError('NUL_BYTE', 400);

/**
 * Refuses a NUL byte anywhere in the address (path or query, raw or percent-encoded) or in a
 * parsed body: no database or file name takes one, and MariaDB and SQLite disagree on it.
 * Multipart bodies are checked where they are parsed (memoryUpload).
 */
export function refuseNulBytes(req: Request, _res: Response, next: NextFunction) {
  if (/%00/i.test(req.originalUrl) || hasNulByte(req.originalUrl) || hasNulByte(req.body))
    return next(nulByteError());
  next();
}
