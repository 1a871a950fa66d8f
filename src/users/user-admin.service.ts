import { endSessionsOf } from '../auth/session.service.js';
import { Op, type Transaction, type WhereOptions } from 'sequelize';
import { db } from '../db/index.js';
import { withTransaction, type TxOptions } from '../db/transaction.js';
import { recordAudit } from '../audit/audit.service.js';
import { AppError } from '../http/app-error.js';
import { Department } from '../agencies/agency.model.js';
import { User } from './user.model.js';
import { documentAccessGranted, recordAdminGrant } from './admin-grants.js';
import { hashPassword, passwordProblem } from './password.js';
import type { AdminUpdateUserInput, UserFilter } from './users.schemas.js';
import { revokeAllAccessTokens, type AuditActor } from './users.service.js';
import { whereLike } from '../db/like.js';
import { normaliseRoles, setUserRoles } from './user-roles.js';
import { leaveDepartmentLeadership } from './directory.service.js';

export const USERS_PAGE_SIZE = 25;

/** The agency's users matching the admin list's filters, a page at a time. */
export async function listUsers(agencyId: number, filter: UserFilter) {
  const where: WhereOptions<User>[] = [{ agencyId }];
  if (filter.departmentId) where.push({ departmentId: filter.departmentId });
  if (filter.role) where.push(User.whereHasRole(filter.role));
  if (filter.active) where.push({ isActive: filter.active === '1' });
  if (filter.q) {
    where.push({ [Op.or]: [whereLike('username', filter.q), whereLike('fullName', filter.q)] });
  }
  const { rows, count } = await User.findAndCountAll({
    where: { [Op.and]: where },
    include: [{ model: Department, as: 'department', attributes: ['id', 'name', 'abbreviation'] }],
    order: [
      ['fullName', 'ASC'],
      ['id', 'ASC'],
    ],
    limit: USERS_PAGE_SIZE,
    offset: (filter.page - 1) * USERS_PAGE_SIZE,
  });
  return { rows, total: count, pages: Math.max(1, Math.ceil(count / USERS_PAGE_SIZE)) };
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

/** Saves the admin's edit of a user: details, roles, department, clearance and active flag. */
export async function updateUser(
  agencyId: number,
  id: number,
  input: AdminUpdateUserInput,
  actor: AuditActor,
  options?: TxOptions,
): Promise<User> {
  return withTransaction(db(), options, async (transaction) => {
    const user = await findAgencyUser(agencyId, id, transaction);
    const roles = normaliseRoles(input.roles);
    const losesAdmin =
      user.hasRole('admin') && user.isActive && (!roles.includes('admin') || !input.isActive);
    if (losesAdmin) await assertAnotherAdmin(user, transaction);
    const grant = documentAccessGranted(user, roles, input.secretClearance);
    if (grant && actor.userId === user.id) throw new AppError('ADMIN_SELF_GRANT', 403);
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
    const after = { ...fields, roles: roles.join(',') };
    await user.update(fields, { transaction });
    await setUserRoles(user, roles, transaction);
    if (before.departmentId !== user.departmentId || !user.isActive)
      await leaveDepartmentLeadership(user, transaction);
    if (before.isActive && !user.isActive) {
      await endSessionsOf(user.id, transaction);
      await revokeAllAccessTokens(user.id, transaction);
    }
    if (grant) await recordAdminGrant(user, grant, actor, transaction);
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
    return user;
  });
}

/** Sets a new password chosen by the admin, lifts a login lockout and ends the user's sessions. */
export async function resetPassword(
  agencyId: number,
  id: number,
  password: string,
  actor: AuditActor,
  options?: TxOptions,
): Promise<void> {
  const problem = passwordProblem(password);
  if (problem) throw new AppError('PASSWORD_TOO_WEAK', 422, undefined, { password: problem });
  const passwordHash = await hashPassword(password);
  await withTransaction(db(), options, async (transaction) => {
    const user = await findAgencyUser(agencyId, id, transaction);
    await user.update({ passwordHash, failedLoginCount: 0, lockedUntil: null }, { transaction });
    await endSessionsOf(user.id, transaction);
    await revokeAllAccessTokens(user.id, transaction);
    await recordAudit(
      { action: 'user.password_reset', ...actor, entityType: 'user', entityId: user.id },
      { transaction },
    );
  });
}

/** Deactivates or reactivates an account; users are never deleted (the audit log names them). */
export async function setUserActive(
  agencyId: number,
  id: number,
  active: boolean,
  actor: AuditActor,
  options?: TxOptions,
): Promise<User> {
  return withTransaction(db(), options, async (transaction) => {
    const user = await findAgencyUser(agencyId, id, transaction);
    if (!active && user.isActive && user.hasRole('admin'))
      await assertAnotherAdmin(user, transaction);
    await user.update({ isActive: active }, { transaction });
    if (!active) {
      await endSessionsOf(user.id, transaction);
      await revokeAllAccessTokens(user.id, transaction);
      await leaveDepartmentLeadership(user, transaction);
    }
    await recordAudit(
      {
        action: active ? 'user.activate' : 'user.deactivate',
        ...actor,
        entityType: 'user',
        entityId: user.id,
      },
      { transaction },
    );
    return user;
  });
}
