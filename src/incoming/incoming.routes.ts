import { Router } from 'express';
import type { Config } from '../config.js';
import { configureFileStorage } from '../files/file-storage.service.js';
import { configureSignatureTrust } from '../files/signature-check.js';
import { incomingActions } from './incoming.actions.js';
import type { IncomingReadCache } from './incoming.cache.js';
import { incomingPages } from './incoming.pages.js';

/** The incoming-document pages: lists, registration, detail with the PDF, and each workflow step. */
export function incomingRouter(config: Config, cache: IncomingReadCache): Router {
  configureFileStorage(config.storageDir);
  configureSignatureTrust(config.certsDir);
  const router = Router();
  router.use(incomingPages(config, cache));
  router.use(incomingActions());
  return router;
}
