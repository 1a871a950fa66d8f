import { endSessionsOf } from '../auth/session.service.js';
import { Op, type Transaction, type WhereOptions } from 'sequelize';
import { db } from '../db/index.js';
import { withTransaction, type TxOptions } from '../db/transaction.js';
import { recordAudit } from '../audit/audit.service.js';
import { AppError } from '../http/app-error.js';
import { Department } from '../agencies/agency.model.js';
import { User } from './user.model.js';
import {
  accessOf,
  ADMIN_ONLY,
  adminGrantOf,
  recordAdminGrant,
  recordAdminGrantRejected,
  requestAdminGrant,
} from './admin-grants.js';
import { AdminGrantRequest } from './admin-grant-request.model.js';
import { can } from '../policy/index.js';
import { hashPassword, passwordProblem } from './password.js';
import type { AdminUpdateUserInput, UserFilter } from './users.schemas.js';
import { revokeAllAccessTokens, type AuditActor, type SavedUser } from './users.service.js';
import { whereLike } from '../db/like.js';
import { whereFoldedLike } from '../db/folded.js';
import { normaliseRoles, setUserRoles } from './user-roles.js';
import { leaveDepartmentLeadership } from './directory.service.js';
import { NAME_ORDER } from './name-order.js';

export const USERS_PAGE_SIZE = 25;

/** The agency's users matching the admin list's filters, a page at a time (the export: one long page). */
export async function listUsers(agencyId: number, filter: UserFilter, pageSize = USERS_PAGE_SIZE) {
  const where: WhereOptions<User>[] = [{ agencyId }];
  if (filter.departmentId) where.push({ departmentId: filter.departmentId });
  if (filter.role) where.push(User.whereHasRole(filter.role));
  if (filter.active) where.push({ isActive: filter.active === '1' });
  if (filter.q) {
    where.push({
      [Op.or]: [whereLike('username', filter.q), whereFoldedLike('fullNameFolded', filter.q)],
    });
  }
  const { rows, count } = await User.findAndCountAll({
    where: { [Op.and]: where },
    include: [{ model: Department, as: 'department', attributes: ['id', 'name', 'abbreviation'] }],
    order: NAME_ORDER,
    limit: pageSize,
    offset: (filter.page - 1) * pageSize,
  });
  return { rows, total: count, pages: Math.max(1, Math.ceil(count / pageSize)) };
}

export async function findAgencyUser(
  agencyId: number,
  id: number,
  transaction?: Transaction,
): Promise<User> {
  const user = await User.findOne({ where: { id, agencyId }, transaction });
  if (!user) throw new AppError('USER_NOT_FOUND', 404);
  return user;
}

/** Refuses a change that would leave the agency without an active administrator. */
async function assertAnotherAdmin(user: User, transaction: Transaction): Promise<void> {
  const others = await User.count({
    where: {
      agencyId: user.agencyId,
      isActive: true,
      [Op.and]: [{ id: { [Op.ne]: user.id } }, User.whereHasRole('admin')],
    },
    transaction,
  });
  if (others === 0) throw new AppError('LAST_ADMIN', 409);
}

/**
 * Saves the admin's edit of a user: details, roles, department, clearance and active flag. An
 * edit that needs another administrator's approval (adminGrantOf: the admin role, reactivating an
 * administrator, an administrator's document access) keeps the roles and clearance as they are
 * and files them as a request for another administrator (requestAdminGrant).
 */
export async function updateUser(
  agencyId: number,
  id: number,
  input: AdminUpdateUserInput,
  actor: AuditActor,
  options?: TxOptions,
): Promise<SavedUser> {
  return withTransaction(db(), options, async (transaction) => {
    const user = await findAgencyUser(agencyId, id, transaction);
    const wanted = { roles: normaliseRoles(input.roles), secretClearance: input.secretClearance };
    // An account left deactivated administers nothing yet: its reactivation is asked then.
    const grant = input.isActive ? adminGrantOf(accessOf(user), wanted) : null;
    const applied = grant ? accessOf(user) : wanted;
    const losesAdmin =
      user.hasRole('admin') &&
      user.isActive &&
      (!applied.roles.includes('admin') || !input.isActive);
    if (losesAdmin) await assertAnotherAdmin(user, transaction);
    if (
      input.departmentId != null &&
      !(await Department.count({ where: { id: input.departmentId, agencyId }, transaction }))
    ) {
      throw new AppError('DEPARTMENT_NOT_FOUND', 422, undefined, {
        departmentId: 'errors:DEPARTMENT_NOT_FOUND',
      });
    }
    const before = {
      fullName: user.fullName,
      positionTitle: user.positionTitle,
      email: user.email,
      roles: user.roleList().join(','),
      departmentId: user.departmentId,
      secretClearance: user.secretClearance,
      isActive: user.isActive,
    };
    const { roles: _roles, ...fields } = input;
    const after = {
      ...fields,
      secretClearance: applied.secretClearance,
      roles: applied.roles.join(','),
    };
    await user.update({ ...fields, secretClearance: applied.secretClearance }, { transaction });
    await setUserRoles(user, applied.roles, transaction);
    if (before.departmentId !== user.departmentId || !user.isActive)
      await leaveDepartmentLeadership(user, transaction);
    if (before.isActive && !user.isActive) {
      await endSessionsOf(user.id, transaction);
      await revokeAllAccessTokens(user.id, transaction);
    }
    const pendingGrant = grant
      ? await requestAdminGrant(user, wanted, grant, actor, transaction)
      : null;
    await recordAudit(
      {
        action: 'user.update',
        ...actor,
        entityType: 'user',
        entityId: user.id,
        details: { before, after },
      },
      { transaction },
    );
    return { user, pendingGrant };
  });
}

/** The agency's requests for document access of administrator accounts that wait for a decision. */
export async function listPendingGrants(agencyId: number): Promise<AdminGrantRequest[]> {
  return AdminGrantRequest.findAll({
    where: { agencyId, status: 'pending' },
    include: [
      { model: User, as: 'user', attributes: ['id', 'fullName', 'username'] },
      { model: User, as: 'requestedBy', attributes: ['id', 'fullName', 'username'] },
    ],
    order: [['id', 'ASC']],
  });
}

/**
 * Another administrator's decision on a pending request: approving applies its roles and
 * clearance to the account (audited as the grant, told to the other admins); rejecting leaves
 * the account as it is (audited, told to the one who asked and the holder). The one who asked
 * and the holder may not decide (403); a request already decided is not decided again (409).
 */
export async function decideAdminGrant(
  agencyId: number,
  requestId: number,
  approve: boolean,
  decider: User,
  actor: AuditActor,
  options?: TxOptions,
): Promise<AdminGrantRequest> {
  return withTransaction(db(), options, async (transaction) => {
    const request = await AdminGrantRequest.findOne({
      where: { id: requestId, agencyId },
      transaction,
      lock: transaction.LOCK.UPDATE,
    });
    if (!request) throw new AppError('ADMIN_GRANT_NOT_FOUND', 404);
    if (!can(decider, 'user.admin_grant.decide', request)) {
      throw new AppError(
        decider.id === request.userId ? 'ADMIN_GRANT_OWN_ACCOUNT' : 'ADMIN_GRANT_OWN_REQUEST',
        403,
      );
    }
    if (request.status !== 'pending') throw new AppError('ADMIN_GRANT_DECIDED', 409);
    const user = await findAgencyUser(agencyId, request.userId, transaction);
    await request.update(
      { status: approve ? 'approved' : 'rejected', decidedById: decider.id, decidedAt: new Date() },
      { transaction },
    );
    if (!approve) {
      await recordAdminGrantRejected(user, request, actor, transaction);
      return request;
    }
    const wanted = { roles: request.roleList(), secretClearance: request.secretClearance };
    const grant = adminGrantOf(accessOf(user), wanted);
    if (user.hasRole('admin') && user.isActive && !wanted.roles.includes('admin'))
      await assertAnotherAdmin(user, transaction);
    await user.update({ secretClearance: wanted.secretClearance }, { transaction });
    await setUserRoles(user, wanted.roles, transaction);
    await recordAdminGrant(
      user,
      grant ?? { roles: [], secretClearance: null },
      request,
      actor,
      transaction,
    );
    return request;
  });
}

/**
 * Sets a new password, lifts a login lockout and ends the user's sessions. One an administrator
 * chose in the app is `temporary`: it lets the person in once, to choose their own.
 */
export async function resetPassword(
  agencyId: number,
  id: number,
  password: string,
  actor: AuditActor,
  options?: TxOptions & { temporary?: boolean },
): Promise<void> {
  const problem = passwordProblem(password);
  if (problem) throw new AppError('PASSWORD_TOO_WEAK', 422, undefined, { password: problem });
  const passwordHash = await hashPassword(password);
  await withTransaction(db(), options, async (transaction) => {
    const user = await findAgencyUser(agencyId, id, transaction);
    await user.update(
      {
        passwordHash,
        passwordMustChange: options?.temporary ?? false,
        failedLoginCount: 0,
        lockedUntil: null,
      },
      { transaction },
    );
    await endSessionsOf(user.id, transaction);
    await revokeAllAccessTokens(user.id, transaction);
    await recordAudit(
      { action: 'user.password_reset', ...actor, entityType: 'user', entityId: user.id },
      { transaction },
    );
  });
}

/**
 * Deactivates or reactivates an account; users are never deleted (the audit log names them).
 * Reactivating an administrator's account gives its admin role anew: the account comes back
 * without it (and without the document access only an approval gives an admin), filed as a
 * request for another administrator (requestAdminGrant).
 */
export async function setUserActive(
  agencyId: number,
  id: number,
  active: boolean,
  actor: AuditActor,
  options?: TxOptions,
): Promise<SavedUser> {
  return withTransaction(db(), options, async (transaction) => {
    const user = await findAgencyUser(agencyId, id, transaction);
    if (!active && user.isActive && user.hasRole('admin'))
      await assertAnotherAdmin(user, transaction);
    const wanted = { roles: user.roleList(), secretClearance: user.secretClearance };
    const held = accessOf(user);
    const grant = active && !user.isActive ? adminGrantOf(held, wanted) : null;
    await user.update(
      { isActive: active, ...(grant ? { secretClearance: held.secretClearance } : {}) },
      { transaction },
    );
    if (grant) await setUserRoles(user, held.roles, transaction);
    if (!active) {
      await endSessionsOf(user.id, transaction);
      await revokeAllAccessTokens(user.id, transaction);
      await leaveDepartmentLeadership(user, transaction);
    }
    const pendingGrant = grant
      ? await requestAdminGrant(user, wanted, grant, actor, transaction)
      : null;
    await recordAudit(
      {
        action: active ? 'user.activate' : 'user.deactivate',
        ...actor,
        entityType: 'user',
        entityId: user.id,
      },
      { transaction },
    );
    return { user, pendingGrant };
  });
}

/**
 * The server's operator makes an account an active administrator (CLI user:grant-admin): besides
 * another administrator's approval, the one way to a second administrator, which a lone
 * administrator cannot make. The admin role is given at once, audited and told to the agency's
 * administrators; the document roles and clearance the account holds wait, as for any
 * administrator's account, for an administrator other than the holder (requestAdminGrant).
 */
export async function grantAdminByOperator(
  username: string,
  actor: AuditActor,
  options?: TxOptions,
): Promise<SavedUser> {
  return withTransaction(db(), options, async (transaction) => {
    const user = await User.findOne({ where: { username }, transaction });
    if (!user) throw new AppError('USER_NOT_FOUND', 404);
    if (user.isActive && user.hasRole('admin')) throw new AppError('USER_ALREADY_ADMIN', 409);
    const wanted = {
      roles: normaliseRoles([...user.roleList(), 'admin']),
      secretClearance: user.secretClearance,
    };
    const grant = adminGrantOf(ADMIN_ONLY, wanted);
    const applied = grant ? ADMIN_ONLY : wanted;
    await user.update(
      { isActive: true, secretClearance: applied.secretClearance },
      { transaction },
    );
    await setUserRoles(user, applied.roles, transaction);
    await recordAdminGrant(
      user,
      { roles: ['admin'], secretClearance: null },
      null,
      actor,
      transaction,
    );
    const pendingGrant = grant
      ? await requestAdminGrant(user, wanted, grant, actor, transaction)
      : null;
    return { user, pendingGrant };
  });
}
