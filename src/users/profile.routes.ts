import { auditActorOf } from '../http/request-context.js';
import { pathId } from '../http/params.js';
import { Router, type Request, type Response } from 'express';
import { AppError, type FieldErrors } from '../http/app-error.js';
import { requirePermission, requireUser } from '../http/auth.js';
import { flash } from '../http/flash.js';
import { parseInput } from '../http/validate.js';
import { changePassword } from '../auth/auth.service.js';
import { Department } from '../agencies/agency.model.js';
import { activeFeedOf } from '../meetings/calendar-feed.service.js';
import { ChangePasswordSchema, ProfileSchema, TokenNameSchema } from './users.schemas.js';
import {
  createAccessToken,
  listAccessTokens,
  revokeAccessToken,
  updateOwnProfile,
} from './users.service.js';

interface ProfileExtras {
  errors?: FieldErrors;
  form?: 'details' | 'password' | 'token';
  values?: Record<string, unknown>;
  newToken?: { name: string; token: string };
}

async function renderProfile(
  req: Request,
  res: Response,
  status: number,
  extras: ProfileExtras = {},
) {
  const user = req.user!;
  const [tokens, department, calendarFeed] = await Promise.all([
    listAccessTokens(user.id),
    user.departmentId ? Department.findByPk(user.departmentId) : null,
    activeFeedOf(user.id),
  ]);
  res.status(status).render('profile/index', {
    title: req.t('admin:profile.title'),
    profile: user.get({ plain: true }),
    roles: user.roleList().map((r) => req.t(`roles.${r}`)),
    department: department?.name ?? null,
    tokens: tokens.map((t) => t.get({ plain: true })),
    calendarFeed: calendarFeed?.get({ plain: true }) ?? null,
    ...extras,
  });
}

/** Re-renders the profile with field errors on a 422; anything else goes to the error handler. */
async function orRerender(
  req: Request,
  res: Response,
  form: ProfileExtras['form'],
  fn: () => Promise<void>,
) {
  try {
    await fn();
    return true;
  } catch (err) {
    if (err instanceof AppError && err.status === 422) {
      await renderProfile(req, res, 422, {
        errors: err.fields,
        form,
        values: { ...req.body, _csrf: undefined },
      });
      return false;
    }
    throw err;
  }
}

export function profileRouter(): Router {
  const router = Router();
  router.use('/profile', requireUser, requirePermission('profile.manage'));

  router.get('/profile', (req, res) => renderProfile(req, res, 200));

  router.post('/profile', async (req, res) => {
    const ok = await orRerender(req, res, 'details', async () => {
      const input = parseInput(ProfileSchema, req.body, req.lng, req.t);
      await updateOwnProfile(req.user!, input, auditActorOf(req));
      req.session.lng = input.locale;
    });
    if (!ok) return;
    flash(req, 'success', req.t('admin:profile.saved', { lng: req.session.lng }));
    res.redirect(303, '/profile');
  });

  router.post('/profile/password', async (req, res) => {
    const ok = await orRerender(req, res, 'password', async () => {
      const input = parseInput(ChangePasswordSchema, req.body, req.lng, req.t);
      await changePassword(
        req.user!,
        input.currentPassword,
        input.newPassword,
        req.ip ?? null,
        req.sessionID,
      );
    });
    if (!ok) return;
    flash(req, 'success', req.t('admin:profile.passwordChanged'));
    res.redirect(303, '/profile');
  });

  router.post('/profile/tokens', async (req, res) => {
    let created: { name: string; token: string } | null = null;
    const ok = await orRerender(req, res, 'token', async () => {
      const { name } = parseInput(TokenNameSchema, req.body, req.lng, req.t);
      const { token } = await createAccessToken(req.user!, name, auditActorOf(req));
      created = { name, token };
    });
    if (!ok || !created) return;
    // The plain token is shown on this response only; it is never stored or redirected with.
    res.set('Cache-Control', 'no-store');
    await renderProfile(req, res, 201, { newToken: created });
  });

  router.post('/profile/tokens/:id/revoke', async (req, res) => {
    const id = pathId(req, 'id', 'TOKEN_NOT_FOUND');
    await revokeAccessToken(req.user!, id, auditActorOf(req));
    flash(req, 'success', req.t('admin:profile.tokenRevoked'));
    res.redirect(303, '/profile');
  });
  return router;
}
