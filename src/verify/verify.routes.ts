import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Config } from '../config.js';
import { toAppError } from '../http/error-handler.js';
import { authorize } from '../policy/index.js';
import {
  outcomeJson,
  refusalMessage,
  renderVerifyPage,
  verifyLimiter,
  verifyUploadParser,
  wantsJson,
} from './verify.http.js';
import { verifyUpload } from './verify.service.js';

/** The public signature check: anyone uploads a PDF and reads its report; nothing is kept. */
export function verifyRouter(config: Config): Router {
  const router = Router();

  router.get('/verify', (req, res) => {
    authorize(req.user, 'verify.public');
    // A script takes the session's CSRF token here (with the cookie) before it posts a file.
    if (wantsJson(req)) return res.json({ csrfToken: res.locals.csrfToken });
    renderVerifyPage(req, res, config, 200);
  });

  router.post(
    '/verify',
    (req, _res, next) => {
      authorize(req.user, 'verify.public');
      next();
    },
    verifyLimiter(config),
    verifyUploadParser(config),
    async (req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      const file = req.file && { buffer: req.file.buffer, originalName: req.file.originalname };
      const outcome = await verifyUpload(file);
      const status = outcome.verdict === 'unreadable' ? 422 : 200;
      if (wantsJson(req)) return res.status(status).json(outcomeJson(req, outcome, config));
      renderVerifyPage(req, res, config, status, { outcome });
    },
  );

  // A refused file (none, empty, not a PDF, too large, past the pool's limits, too many) is said
  // on the page itself; anything unexpected goes on to the app's error handler.
  router.use('/verify', (err: unknown, req: Request, res: Response, next: NextFunction) => {
    const refusal = toAppError(err);
    // Raised before the page middleware (a bad CSRF token): the app's error page says it.
    if (!res.locals.t || (refusal.status >= 500 && refusal.status !== 503)) return next(err);
    const message = refusalMessage(req, refusal, config);
    res.setHeader('Cache-Control', 'no-store');
    if (wantsJson(req))
      return res.status(refusal.status).json({ error: { code: refusal.code, message } });
    renderVerifyPage(req, res, config, refusal.status, { error: message });
  });
  return router;
}
