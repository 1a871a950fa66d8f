import { endSessionsOf } from './session.service.js';
import type { Config } from '../config.js';
import { db } from '../db/index.js';
import { withTransaction } from '../db/transaction.js';
import { recordAudit } from '../audit/audit.service.js';
import { AppError } from '../http/app-error.js';
import { User } from '../users/user.model.js';
import { hashPassword, passwordProblem, verifyPassword } from '../users/password.js';

// Compared against when the username is unknown, so both cases take the same time.
let dummyHash: Promise<string> | null = null;

/**
 * Checks a username and password. Repeated failures lock the account for a while; every attempt
 * is in the audit log. Throws LOGIN_FAILED or ACCOUNT_LOCKED.
 */
export async function authenticate(
  username: string,
  password: string,
  ip: string | null,
  config: Pick<Config, 'loginMaxAttempts' | 'loginLockMinutes'>,
): Promise<User> {
  const user = await User.findOne({ where: { username: username.trim() } });
  if (!user || !user.isActive) {
    dummyHash ??= hashPassword('not-a-real-password-1');
    await verifyPassword(password, await dummyHash);
    await recordAudit({
      action: 'auth.login_failed',
      ip,
      details: { username: username.slice(0, 64) },
    });
    throw new AppError('LOGIN_FAILED', 401);
  }
  if (user.lockedUntil && user.lockedUntil > new Date()) {
    await recordAudit({
      action: 'auth.login_locked',
      userId: user.id,
      ip,
      entityType: 'user',
      entityId: user.id,
    });
    throw new AppError('ACCOUNT_LOCKED', 423, undefined, undefined, {
      minutes: config.loginLockMinutes,
    });
  }
  const ok = await verifyPassword(password, user.passwordHash);
  await withTransaction(db(), undefined, async (transaction) => {
    await user.reload({ transaction });
    if (ok) {
      await user.update({ failedLoginCount: 0, lockedUntil: null }, { transaction });
    } else {
      const failures = user.failedLoginCount + 1;
      const lock = failures >= config.loginMaxAttempts;
      await user.update(
        {
          failedLoginCount: lock ? 0 : failures,
          lockedUntil: lock
            ? new Date(Date.now() + config.loginLockMinutes * 60_000)
            : user.lockedUntil,
        },
        { transaction },
      );
    }
    await recordAudit(
      {
        action: ok ? 'auth.login' : 'auth.login_failed',
        userId: user.id,
        ip,
        entityType: 'user',
        entityId: user.id,
      },
      { transaction },
    );
  });
  if (!ok) throw new AppError('LOGIN_FAILED', 401);
  return user;
}

/** Changes a password after checking the current one; the user's other sessions end. */
export async function changePassword(
  user: User,
  currentPassword: string,
  newPassword: string,
  ip: string | null,
  currentSessionId?: string,
): Promise<void> {
  if (!(await verifyPassword(currentPassword, user.passwordHash))) {
    throw new AppError('WRONG_PASSWORD', 422, undefined, {
      currentPassword: 'errors:WRONG_PASSWORD',
    });
  }
  const problem = passwordProblem(newPassword);
  if (problem) throw new AppError('PASSWORD_TOO_WEAK', 422, undefined, { newPassword: problem });
  const passwordHash = await hashPassword(newPassword);
  await withTransaction(db(), undefined, async (transaction) => {
    await user.update({ passwordHash }, { transaction });
    await endSessionsOf(user.id, transaction, currentSessionId);
    await recordAudit(
      {
        action: 'auth.password_change',
        userId: user.id,
        ip,
        entityType: 'user',
        entityId: user.id,
      },
      { transaction },
    );
  });
}
