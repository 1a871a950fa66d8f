import { Router, type Request, type Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import type { Config } from '../config.js';
import { rateLimitStore } from '../http/rate-limit-store.js';
import { AppError } from '../http/app-error.js';
import { requirePermission, requireUser } from '../http/auth.js';
import { flash } from '../http/flash.js';
import { parseInput } from '../http/validate.js';
import { isLanguage } from '../i18n/index.js';
import { recordAudit } from '../audit/audit.service.js';
import { ChangePasswordSchema } from '../users/users.schemas.js';
import { authenticate, changePassword } from './auth.service.js';

const LoginSchema = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(200),
  next: z.string().max(500).optional(),
});
const LanguageSchema = z.object({ lng: z.string(), back: z.string().max(500).optional() });

/** Only same-site paths are followed after login or a language switch. */
function safeRedirect(target: string | undefined, fallback = '/'): string {
  return target && /^\/(?!\/)[^\\]*$/.test(target) ? target : fallback;
}

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.regenerate((err) => (err ? reject(err) : resolve())),
  );
}

export function authRouter(config: Config): Router {
  const router = Router();
  const limited = (_req: Request, _res: unknown, next: (err: unknown) => void) =>
    next(new AppError('TOO_MANY_REQUESTS', 429));
  const address = (req: Request) => ipKeyGenerator(req.ip ?? '');
  const accountOf = (req: Request) =>
    typeof req.body?.username === 'string'
      ? req.body.username.trim().toLowerCase().slice(0, 64)
      : '';
  // Failed sign-ins only (a sign-in that succeeds is not counted), per account and address: an
  // office behind one NAT address signs in at 7:30 without tripping it.
  const loginLimiter = rateLimit({
    windowMs: 15 * 60 * 1000,
    limit: config.env === 'test' ? 1000 : 30,
    store: rateLimitStore('login:', config.redisUrl),
    skipSuccessfulRequests: true,
    keyGenerator: (req) => `${address(req)}|${accountOf(req)}`,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: limited,
  });
  // Guessing across many accounts from one address: a wider budget for the address alone.
  const addressLimiter = rateLimit({
    windowMs: 15 * 60 * 1000,
    limit: config.env === 'test' ? 10_000 : 300,
    store: rateLimitStore('login-ip:', config.redisUrl),
    skipSuccessfulRequests: true,
    keyGenerator: address,
    standardHeaders: false,
    legacyHeaders: false,
    handler: limited,
  });

  router.get('/login', (req, res) => {
    if (req.user) return res.redirect(303, '/');
    res.render('auth/login', { title: req.t('auth.login'), layout: 'bare', next: req.query.next });
  });

  router.post('/login', addressLimiter, loginLimiter, async (req, res) => {
    const input = LoginSchema.safeParse(req.body);
    const renderError = (status: number, message: string) =>
      res.status(status).render('auth/login', {
        title: req.t('auth.login'),
        layout: 'bare',
        error: message,
        username: typeof req.body?.username === 'string' ? req.body.username.slice(0, 64) : '',
        next: req.body?.next,
      });
    if (!input.success) return renderError(422, req.t('errors:LOGIN_REQUIRED'));
    try {
      const user = await authenticate(
        input.data.username,
        input.data.password,
        req.ip ?? null,
        config,
      );
      const lng = req.session.lng;
      // A new session id at login defeats session fixation.
      await regenerate(req);
      req.session.userId = user.id;
      req.session.lng = lng ?? user.locale;
      res.redirect(303, safeRedirect(input.data.next));
    } catch (err) {
      if (err instanceof AppError && err.code === 'LOGIN_FAILED') {
        return renderError(err.status, req.t(`errors:${err.code}`, err.params ?? {}));
      }
      throw err;
    }
  });

  // Where a password an administrator set leads (requireOwnPassword): the person chooses their own.
  const passwordPage = '/password/change';
  const renderPasswordChange = (req: Request, res: Response, status: number, errors = {}) =>
    res.status(status).render('auth/password-change', {
      title: req.t('auth.passwordChange.title'),
      layout: 'bare',
      errors,
    });
  router.get(passwordPage, requireUser, requirePermission('profile.manage'), (req, res) => {
    if (!req.user!.passwordMustChange) return res.redirect(303, '/profile');
    renderPasswordChange(req, res, 200);
  });
  router.post(passwordPage, requireUser, requirePermission('profile.manage'), async (req, res) => {
    try {
      const input = parseInput(ChangePasswordSchema, req.body, req.lng, req.t);
      await changePassword(
        req.user!,
        input.currentPassword,
        input.newPassword,
        req.ip ?? null,
        req.sessionID,
      );
    } catch (err) {
      if (err instanceof AppError && err.status === 422)
        return renderPasswordChange(req, res, 422, err.fields ?? {});
      throw err;
    }
    flash(req, 'success', req.t('auth.passwordChange.done'));
    res.redirect(303, '/');
  });

  router.post('/logout', requireUser, async (req, res) => {
    await recordAudit({
      action: 'auth.logout',
      userId: req.user!.id,
      ip: req.ip ?? null,
      entityType: 'user',
      entityId: req.user!.id,
    });
    await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
    res.clearCookie('eoffice.sid');
    res.redirect(303, '/login');
  });

  router.post('/language', (req, res) => {
    const { lng, back } = parseInput(LanguageSchema, req.body, req.lng);
    if (!isLanguage(lng)) throw new AppError('BAD_REQUEST', 400);
    req.session.lng = lng;
    flash(req, 'info', req.t('common.languageChanged', { lng }));
    res.redirect(303, safeRedirect(back));
  });
  return router;
}
