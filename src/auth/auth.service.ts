import { endSessionsOf } from './session.service.js';
import { literal, Op, type Transaction, type WhereOptions } from 'sequelize';
import type { Config } from '../config.js';
import { db } from '../db/index.js';
import { withTransaction } from '../db/transaction.js';
import { recordAudit } from '../audit/audit.service.js';
import { AppError } from '../http/app-error.js';
import { User } from '../users/user.model.js';
import { revokeAllAccessTokens } from '../users/users.service.js';
import { hashPassword, passwordProblem, verifyPassword } from '../users/password.js';

// Compared against when the username is unknown, so both cases take the same time.
let dummyHash: Promise<string> | null = null;

async function spendPasswordTime(password: string): Promise<void> {
  dummyHash ??= hashPassword('not-a-real-password-1');
  await verifyPassword(password, await dummyHash);
}

const notLocked = (now: Date): WhereOptions => ({
  [Op.or]: [{ lockedUntil: null }, { lockedUntil: { [Op.lte]: now } }],
});

/**
 * Takes one sign-in attempt with a single conditional UPDATE, counted before the password is
 * checked and only while the account is unlocked with fewer than `max` attempts counted: the
 * database orders parallel guesses, so at most `max` of them get past the lock.
 */
async function claimAttempt(userId: number, max: number, now: Date): Promise<boolean> {
  const [claimed] = await User.update(
    { failedLoginCount: literal('failedLoginCount + 1') as unknown as number },
    { where: { id: userId, failedLoginCount: { [Op.lt]: max }, ...notLocked(now) } },
  );
  return claimed === 1;
}

/** Locks the account once `max` attempts are counted (and it is not locked yet). */
async function lockWhenSpent(
  userId: number,
  config: Pick<Config, 'loginMaxAttempts' | 'loginLockMinutes'>,
  now: Date,
  transaction?: Transaction,
): Promise<boolean> {
  const [locked] = await User.update(
    {
      failedLoginCount: 0,
      lockedUntil: new Date(now.getTime() + config.loginLockMinutes * 60_000),
    },
    {
      where: {
        id: userId,
        failedLoginCount: { [Op.gte]: config.loginMaxAttempts },
        ...notLocked(now),
      },
      transaction,
    },
  );
  return locked === 1;
}

/**
 * Checks a username and password. Repeated failures lock the account for a while; every attempt
 * is in the audit log. Throws LOGIN_FAILED, the same reply for an unknown, a wrong or a locked
 * account, so the reply never tells whether an account exists.
 */
export async function authenticate(
  username: string,
  password: string,
  ip: string | null,
  config: Pick<Config, 'loginMaxAttempts' | 'loginLockMinutes'>,
): Promise<User> {
  const refused = () =>
    new AppError('LOGIN_FAILED', 401, undefined, undefined, {
      minutes: config.loginLockMinutes,
    });
  // The name as typed, else the one account it names in another letter case (accounts made
  // before names were unique whatever the case are still told apart by their exact name).
  const user =
    (await User.findOne({ where: { username: username.trim() } })) ??
    (await User.findAll({ where: User.whereUsername(username), limit: 2 }).then((found) =>
      found.length === 1 ? found[0] : null,
    ));
  if (!user || !user.isActive) {
    await spendPasswordTime(password);
    await recordAudit({
      action: 'auth.login_failed',
      ip,
      details: { username: username.slice(0, 64) },
    });
    throw refused();
  }
  const now = new Date();
  if (!(await claimAttempt(user.id, config.loginMaxAttempts, now))) {
    await spendPasswordTime(password);
    // Attempts counted but the lock not set (a process stopped between the two): set it now.
    await lockWhenSpent(user.id, config, now);
    await recordAudit({
      action: 'auth.login_locked',
      userId: user.id,
      ip,
      entityType: 'user',
      entityId: user.id,
    });
    throw refused();
  }
  const ok = await verifyPassword(password, user.passwordHash);
  await withTransaction(db(), undefined, async (transaction) => {
    let lockedNow = false;
    if (ok) {
      await User.update(
        { failedLoginCount: 0, lockedUntil: null },
        { where: { id: user.id }, transaction },
      );
    } else {
      lockedNow = await lockWhenSpent(user.id, config, new Date(), transaction);
    }
    await recordAudit(
      {
        action: ok ? 'auth.login' : 'auth.login_failed',
        userId: user.id,
        ip,
        entityType: 'user',
        entityId: user.id,
        details: lockedNow ? { locked: true } : undefined,
      },
      { transaction },
    );
  });
  if (!ok) throw refused();
  await user.reload();
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
    await user.update({ passwordHash, passwordMustChange: false }, { transaction });
    await endSessionsOf(user.id, transaction, currentSessionId);
    await revokeAllAccessTokens(user.id, transaction);
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
