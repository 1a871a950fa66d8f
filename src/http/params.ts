import type { Request } from 'express';
import { z } from 'zod';
import { AppError } from './app-error.js';

const IdParam = z.coerce.number().int().positive().max(2_147_483_647);

/** A numeric id from the path; anything else is simply not found (404 with `notFoundCode`). */
export function pathId(req: Request, name = 'id', notFoundCode = 'NOT_FOUND'): number {
  const parsed = IdParam.safeParse(req.params[name]);
  if (!parsed.success) throw new AppError(notFoundCode, 404);
  return parsed.data;
}
