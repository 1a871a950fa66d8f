import { Router } from 'express';
import type { Config } from '../config.js';
import { configureFileStorage } from '../files/file-storage.service.js';
import { configureSignatureTrust } from '../files/signature-check.js';
import { incomingActions } from './incoming.actions.js';
import { incomingPages } from './incoming.pages.js';
import { incomingSearchRouter } from './incoming.search-pages.js';

/** The incoming-document pages: lists, registration, detail with the PDF, and each workflow step. */
export function incomingRouter(config: Config): Router {
  configureFileStorage(config.storageDir);
  configureSignatureTrust(config.certsDir);
  const router = Router();
  // Before the pages: /incoming/export.xlsx is not a document id.
  router.use(incomingSearchRouter());
  router.use(incomingPages(config));
  router.use(incomingActions());
  return router;
}
