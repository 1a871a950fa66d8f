import { Router } from 'express';
import type { Config } from '../config.js';

/** /api/v1: JSON twins of the pages, through the same services and policy. */
export function apiRouter(_config: Config): Router {
  const router = Router();
  return router;
}
