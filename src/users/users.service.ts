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
import { normaliseRoles, setUserRoles } from './user-roles.js';
import {
  ADMIN_ONLY,
  adminGrantOf,
  assertSecondAdmin,
  NO_ACCESS,
  recordAdminGrant,
  requestAdminGrant,
} from './admin-grants.js';
import type { AdminGrantRequest } from './admin-grant-request.model.js';
import type { CreateUserInput } from './users.schemas.js';

export interface AuditActor {
  userId: number | null;
  ip: string | null;
}

/** What an admin's edit or new account did: the user, and the request filed instead of a grant. */
export interface SavedUser {
  user: User;
  /** Document access asked for an administrator's account, waiting for another admin. */
  pendingGrant: AdminGrantRequest | null;
}

export interface CreateUserOptions extends TxOptions {
  /**
   * The first-run setup or the server's operator (CLI) creates the account: it gives the admin
   * role itself, where an administrator in the app only asks for it.
   */
  byOperator?: boolean;
  /**
   * An administrator chose the password (the users page): it lets the person in once, to choose
   * their own (requireOwnPassword), so the administrator does not keep a way into their documents.
   */
  temporaryPassword?: boolean;
}

/**
 * Creates a user of an agency; the password is hashed before the transaction opens. What needs
 * another administrator's approval (adminGrantOf: the admin role asked by an administrator in the
 * app, an administrator's document roles or clearance) is not given but filed as a request for
 * another administrator (requestAdminGrant), the account made without it: one admin alone cannot
 * make a second administrator, nor an account that both administers and reads documents.
 */
export async function createUser(
  agencyId: number,
  input: CreateUserInput,
  actor: AuditActor,
  options?: CreateUserOptions,
): Promise<SavedUser> {
  const problem = passwordProblem(input.password);
  if (problem) throw new AppError('PASSWORD_TOO_WEAK', 422, undefined, { password: problem });
  const passwordHash = await hashPassword(input.password);
  return withTransaction(db(), options, async (transaction) => {
    const taken = await User.count({ where: User.whereUsername(input.username), transaction });
    if (taken)
      throw new AppError('USERNAME_TAKEN', 422, undefined, { username: 'errors:USERNAME_TAKEN' });
    const wanted = {
      roles: normaliseRoles(input.roles),
      secretClearance: input.secretClearance ?? 0,
    };
    const given = options?.byOperator && wanted.roles.includes('admin') ? ADMIN_ONLY : NO_ACCESS;
    const grant = adminGrantOf(given, wanted);
    const applied = grant ? given : wanted;
    // Refused before anything is saved when no other administrator could decide the request.
    if (grant) await assertSecondAdmin(agencyId, null, grant, actor, transaction);
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
        passwordMustChange: options?.temporaryPassword ?? false,
        secretClearance: applied.secretClearance,
      },
      { transaction },
    );
    const roles = await setUserRoles(user, applied.roles, transaction);
    const pendingGrant = grant
      ? await requestAdminGrant(user, wanted, grant, actor, transaction)
      : null;
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
    // Only the setup or the operator gives the admin role here (byOperator).
    if (roles.includes('admin')) {
      await recordAdminGrant(
        user,
        { roles: ['admin'], secretClearance: null },
        null,
        actor,
        transaction,
      );
    }
    return { user, pendingGrant };
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
