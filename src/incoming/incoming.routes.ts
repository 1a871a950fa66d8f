import { Router } from 'express';
import type { Config } from '../config.js';
import { configureFileStorage } from '../files/file-storage.service.js';
import { incomingActions } from './incoming.actions.js';
import { incomingPages } from './incoming.pages.js';

/** The incoming-document pages: lists, registration, detail with the PDF, and each workflow step. */
export function incomingRouter(config: Config): Router {
  configureFileStorage(config.storageDir);
  const router = Router();
  router.use(incomingPages(config));
  router.use(incomingActions());
  return router;
}
