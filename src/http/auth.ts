import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { InferAttributes } from 'sequelize';
import { db } from '../db/index.js';
import { hydrate, prefixedColumns } from '../db/hydrate.js';
import { rawSelect } from '../db/raw-select.js';
import { unreadCount } from '../notifications/notification.service.js';
import { AccessToken, User } from '../users/user.model.js';
import { AppError } from './app-error.js';
import { authorize } from '../policy/index.js';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function isApiRequest(req: Request): boolean {
  return req.originalUrl.startsWith('/api/');
}

/**
 * Loads the signed-in user of the session (pages) with the bell's unread count. The session
 * store usually found both with the session itself (req.sessionUser); a session saved before
 * its row named the user is read here.
 */
export async function loadSessionUser(req: Request, _res: Response, next: NextFunction) {
  const userId = req.session?.userId;
  if (userId) {
    let found = req.sessionUser;
    if (found?.user.id !== userId) {
      const user = await User.findByPk(userId);
      found = user ? { user, unreadCount: await unreadCount(user.id) } : null;
    }
    if (found && found.user.isActive) {
      req.user = found.user;
      req.unreadCount = found.unreadCount;
    } else delete req.session.userId;
  }
  next();
}

/** The signed-in user as templates see it: never the password hash. */
export function publicUserFields(user: User): Omit<InferAttributes<User>, 'passwordHash'> {
  const { passwordHash: _hash, ...fields } = user.get({ plain: true });
  return fields;
}

const TOKEN_COLUMNS = ['id', 'userId', 'name', 'lastUsedAt', 'expiresAt', 'createdAt', 'updatedAt'];

/** Authenticates an API request by its personal access token (Authorization: Bearer …). */
export async function loadTokenUser(req: Request, _res: Response, next: NextFunction) {
  const header = req.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) return next();
  // The token, its user and the user's roles in one statement (every API call reads them).
  const [row] = await rawSelect<Record<string, unknown>>(
    db(),
    `SELECT ${prefixedColumns('t', TOKEN_COLUMNS)}, u.*,
       (SELECT GROUP_CONCAT(r.role) FROM user_roles r WHERE r.userId = u.id) AS roleNames
     FROM access_tokens t LEFT JOIN users u ON u.id = t.userId
     WHERE t.tokenHash = ? LIMIT 1`,
    [hashToken(match[1])],
  );
  const token = row ? hydrate(AccessToken, row, 't__') : null;
  if (!token || (token.expiresAt && token.expiresAt < new Date())) {
    throw new AppError('INVALID_TOKEN', 401);
  }
  const user =
    row!.id == null
      ? null
      : hydrate(User, row!).withLoadedRoles(String(row!.roleNames ?? '').split(','));
  if (!user || !user.isActive) throw new AppError('INVALID_TOKEN', 401);
  req.user = user;
  req.viaToken = true;
  // Touch at most once a minute so the token table is not written on every call.
  if (!token.lastUsedAt || Date.now() - token.lastUsedAt.getTime() > 60_000) {
    await token.update({ lastUsedAt: new Date() });
  }
  next();
}

/** Pages redirect to the login form; the API answers 401. */
export function requireUser(req: Request, res: Response, next: NextFunction) {
  if (req.user) return next();
  if (isApiRequest(req)) throw new AppError('UNAUTHENTICATED', 401);
  const nextUrl = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
  res.redirect(303, `/login${nextUrl}`);
}

/** Middleware for actions that need no resource: the policy decides from the user alone. */
export function requirePermission(action: string) {
  return (req: Request, _res: Response, next: NextFunction) => {
    authorize(req.user, action);
    next();
  };
}

/** What a person whose password an administrator set may still reach before choosing their own. */
const OWN_PASSWORD_PATHS = new Set(['/password/change', '/logout', '/language']);

/**
 * A password an administrator set (a new account, a reset) opens one page: the one where the
 * person chooses their own. Until then every other page leads there and every form is refused,
 * so the administrator who knows it cannot use it to read the person's documents unnoticed.
 */
export function requireOwnPassword(req: Request, res: Response, next: NextFunction) {
  if (!req.user?.passwordMustChange || OWN_PASSWORD_PATHS.has(req.path)) return next();
  if (req.method === 'GET' || req.method === 'HEAD') return res.redirect(303, '/password/change');
  throw new AppError('PASSWORD_CHANGE_REQUIRED', 403);
}
