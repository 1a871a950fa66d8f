import { Router } from 'express';
import type { Config } from '../config.js';

export function incomingRouter(_config: Config): Router {
  const router = Router();
  return router;
}
