import { Router } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Config } from '../config.js';
import { rateLimitStore } from '../http/rate-limit-store.js';
import { AppError } from '../http/app-error.js';
import { requireUser } from '../http/auth.js';
import { incomingApi } from './incoming.api.js';
import { openApiDocument } from './openapi.js';
import { deliveriesApi } from '../outgoing/deliveries.api.js';
import { outgoingApi } from './outgoing.api.js';
import { signingSessionsApi } from './signing-sessions.api.js';
import { meetingsApi } from '../meetings/meetings.api.js';
import { savedSearchesApi } from '../saved-searches/saved-searches.api.js';
import { recordsFilesApi } from '../records-files/records-files.api.js';

/** /api/v1: JSON twins of the pages, through the same services and policy. */
export function apiRouter(config: Config): Router {
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument(config));
  });
  router.use(
    rateLimit({
      windowMs: 60_000,
      limit: config.env === 'test' ? 10_000 : 600,
      store: rateLimitStore('api:', config.redisUrl),
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      // One budget per token owner; anonymous calls share their address's budget.
      keyGenerator: (req) =>
        req.user ? `user:${req.user.id}` : `ip:${ipKeyGenerator(req.ip ?? '')}`,
      handler: (_req, _res, next) => next(new AppError('TOO_MANY_REQUESTS', 429)),
    }),
  );
  router.use(requireUser);
  router.use('/incoming', incomingApi(config));
  router.use(deliveriesApi());
  router.use('/outgoing', outgoingApi(config));
  router.use('/signing-sessions', signingSessionsApi());
  router.use('/meetings', meetingsApi(config));
  router.use(savedSearchesApi());
  router.use(recordsFilesApi());
  return router;
}
