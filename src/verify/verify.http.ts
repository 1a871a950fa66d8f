import type { Request, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { memoryUpload } from '../http/uploads.js';
import type { Config } from '../config.js';
import { AppError } from '../http/app-error.js';
import { rateLimitStore } from '../http/rate-limit-store.js';
import type { VerifyOutcome } from './verify.service.js';
import { outcomeView } from './verify.view-model.js';

/** Verifications per address per window, counted across the cluster (like sign-in). */
export function verifyLimiter(config: Config) {
  return rateLimit({
    windowMs: config.verify.rateWindowMinutes * 60_000,
    limit: config.verify.rateLimit,
    store: rateLimitStore('verify:', config.redisUrl),
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => `ip:${ipKeyGenerator(req.ip ?? '')}`,
    handler: (_req, _res, next) => next(new AppError('TOO_MANY_REQUESTS', 429)),
  });
}

/** One PDF in memory, never on disk; past VERIFY_MAX_MB multer stops reading (413). */
export function verifyUploadParser(config: Config) {
  return memoryUpload('file', {
    fileSize: config.verify.maxBytes,
    files: 1,
    fields: 5,
    fieldSize: 1024,
    parts: 6,
  });
}

export { wantsJson } from '../http/error-handler.js';

const limitsOf = (config: Config) => ({
  mb: Math.round(config.verify.maxBytes / (1024 * 1024)),
  limit: config.verify.rateLimit,
  minutes: config.verify.rateWindowMinutes,
});

/** The page's own sentence for a refusal, else the app's. */
export function refusalMessage(req: Request, err: AppError, config: Config): string {
  const params = { name: '', ...limitsOf(config), ...(err.params ?? {}) };
  const fallback = err.hasOwnMessage
    ? err.message
    : req.t(`errors:${err.code}`, { ...params, defaultValue: req.t('errors:BAD_REQUEST') });
  return req.t(`verify:errors.${err.code}`, { ...params, defaultValue: fallback });
}

/** The report as JSON: the verdict and the library's full VerificationReport. */
export function outcomeJson(req: Request, outcome: VerifyOutcome, config: Config) {
  const { fileName, fileSize, verdict } = outcome;
  if (outcome.verdict !== 'unreadable')
    return { verdict, fileName, fileSize, report: outcome.report };
  const code = 'PDF_UNREADABLE';
  const message = refusalMessage(
    req,
    new AppError(code, 422, undefined, undefined, { name: fileName }),
    config,
  );
  const { reason, detail } = outcome;
  return { verdict, fileName, fileSize, error: { code, message, reason, detail } };
}

/** The page: the form, with the result of a check or the refusal of a file when there is one. */
export function renderVerifyPage(
  req: Request,
  res: Response,
  config: Config,
  status: number,
  found: { outcome?: VerifyOutcome; error?: string } = {},
) {
  res.status(status).render('verify/index', {
    title: req.t('verify:title'),
    layout: req.user ? 'main' : 'bare',
    limits: limitsOf(config),
    error: found.error,
    result: found.outcome ? outcomeView(found.outcome, req.t, req.lng) : undefined,
  });
}
