import { randomBytes } from 'node:crypto';
import type { Transaction } from 'sequelize';
import { db } from '../db/index.js';
import { withTransaction, type TxOptions } from '../db/transaction.js';
import { recordAudit } from '../audit/audit.service.js';
import { AppError } from '../http/app-error.js';
import { hashToken } from '../http/auth.js';
import { Department } from '../agencies/agency.model.js';
import { AccessToken, User } from './user.model.js';
import { hashPassword, passwordProblem } from './password.js';
import { setUserRoles } from './user-roles.js';
import { DOCUMENT_ROLES, recordAdminGrant, type DocumentAccessGrant } from './admin-grants.js';
import type { CreateUserInput } from './users.schemas.js';

export interface AuditActor {
  userId: number | null;
  ip: string | null;
}

function newAccountGrant(roles: string[], secretClearance: number): DocumentAccessGrant | null {
  const granted = DOCUMENT_ROLES.filter((r) => roles.includes(r));
  return granted.length || secretClearance > 0
    ? { roles: granted, secretClearance: secretClearance > 0 ? secretClearance : null }
    : null;
}

/** Creates a user of an agency; the password is hashed before the transaction opens. */
export async function createUser(
  agencyId: number,
  input: CreateUserInput,
  actor: AuditActor,
  options?: TxOptions,
): Promise<User> {
  const problem = passwordProblem(input.password);
  if (problem) throw new AppError('PASSWORD_TOO_WEAK', 422, undefined, { password: problem });
  const passwordHash = await hashPassword(input.password);
  return withTransaction(db(), options, async (transaction) => {
    const taken = await User.count({ where: { username: input.username }, transaction });
    if (taken)
      throw new AppError('USERNAME_TAKEN', 422, undefined, { username: 'errors:USERNAME_TAKEN' });
    if (input.departmentId != null) {
      const department = await Department.findOne({
        where: { id: input.departmentId, agencyId },
        transaction,
      });
      if (!department) {
        throw new AppError('DEPARTMENT_NOT_FOUND', 422, undefined, {
          departmentId: 'errors:DEPARTMENT_NOT_FOUND',
        });
      }
    }
    const user = await User.create(
      {
        agencyId,
        departmentId: input.departmentId ?? null,
        username: input.username,
        fullName: input.fullName,
        positionTitle: input.positionTitle ?? null,
        email: input.email ?? null,
        passwordHash,
        secretClearance: input.secretClearance ?? 0,
      },
      { transaction },
    );
    const roles = await setUserRoles(user, input.roles, transaction);
    // A new administrator account made with document roles or a clearance: told to the others.
    const grant = roles.includes('admin')
      ? newAccountGrant(roles, input.secretClearance ?? 0)
      : null;
    if (grant) await recordAdminGrant(user, grant, actor, transaction);
    await recordAudit(
      {
        action: 'user.create',
        ...actor,
        entityType: 'user',
        entityId: user.id,
        details: { username: user.username, roles: roles.join(',') },
      },
      { transaction },
    );
    return user;
  });
}

/** Creates a personal access token; the plain token is returned once and only its hash is kept. */
export async function createAccessToken(
  user: User,
  name: string,
  actor: AuditActor,
  expiresAt: Date | null = null,
): Promise<{ token: string; record: AccessToken }> {
  const token = `eo_${randomBytes(24).toString('base64url')}`;
  return withTransaction(db(), undefined, async (transaction) => {
    const record = await AccessToken.create(
      { userId: user.id, name, tokenHash: hashToken(token), expiresAt },
      { transaction },
    );
    await recordAudit(
      {
        action: 'token.create',
        ...actor,
        entityType: 'user',
        entityId: user.id,
        details: { tokenId: record.id, name },
      },
      { transaction },
    );
    return { token, record };
  });
}

/** A user's personal access tokens, newest first (hashes are never shown). */
export async function listAccessTokens(userId: number): Promise<AccessToken[]> {
  return AccessToken.findAll({ where: { userId }, order: [['id', 'DESC']] });
}

/** Revokes one of the user's own tokens; another user's token is "not found". */
export async function revokeAccessToken(
  user: User,
  tokenId: number,
  actor: AuditActor,
  options?: TxOptions,
): Promise<void> {
  await withTransaction(db(), options, async (transaction) => {
    const token = await AccessToken.findOne({
      where: { id: tokenId, userId: user.id },
      transaction,
    });
    if (!token) throw new AppError('TOKEN_NOT_FOUND', 404);
    await token.destroy({ transaction });
    await recordAudit(
      {
        action: 'token.revoke',
        ...actor,
        entityType: 'user',
        entityId: user.id,
        details: { tokenId, name: token.name },
      },
      { transaction },
    );
  });
}

/** Saves the user's own contact details and language. */
export async function updateOwnProfile(
  user: User,
  input: { email: string | null; locale: string },
  actor: AuditActor,
  options?: TxOptions,
): Promise<void> {
  await withTransaction(db(), options, async (transaction) => {
    await user.update({ email: input.email, locale: input.locale }, { transaction });
    await recordAudit(
      {
        action: 'profile.update',
        ...actor,
        entityType: 'user',
        entityId: user.id,
        details: { email: input.email, locale: input.locale },
      },
      { transaction },
    );
  });
}

/**
 * Revokes every personal access token of the user (a new password, a deactivated account): a
 * token leaked with the old password stops working and is not revived by a reactivation.
 * Returns how many were revoked.
 */
export async function revokeAllAccessTokens(
  userId: number,
  transaction: Transaction,
): Promise<number> {
  return AccessToken.destroy({ where: { userId }, transaction });
}
