import type { Request } from 'express';
import { AppError } from './app-error.js';

const MAX_ID = 2_147_483_647;

/**
 * An id as the app writes one in an address: digits only, no sign, no leading zero, within INT.
 * Number() alone would also read ' 1', '1e3', '0x10' or '1.0' as ids of other rows.
 */
export function parseId(value: unknown): number | null {
  if (typeof value !== 'string' || !/^[1-9][0-9]{0,9}$/.test(value)) return null;
  const id = Number(value);
  return id <= MAX_ID ? id : null;
}

/** A numeric id from the path; anything else is simply not found (404 with `notFoundCode`). */
export function pathId(req: Request, name = 'id', notFoundCode = 'NOT_FOUND'): number {
  const id = parseId(req.params[name]);
  if (id === null) throw new AppError(notFoundCode, 404);
  return id;
}
