import { Op, type Transaction } from 'sequelize';
import { recordAudit } from '../audit/audit.service.js';
import { AppError } from '../http/app-error.js';
import { notify } from '../notifications/notification.service.js';
import { User, type Role, DOCUMENT_ROLES } from './user.model.js';
import { AdminGrantRequest } from './admin-grant-request.model.js';
import { normaliseRoles } from './user-roles.js';
import type { AuditActor } from './users.service.js';

/*
 * An administrator does not read documents, and no administrator alone makes another (issue 11
 * §4). What an administrator in the app only asks for, and another administrator, neither the one
 * who asked nor the account's holder, approves or rejects: the admin role for an account (a new
 * one, an existing one, or a deactivated administrator's made active again), and document roles or
 * a secret clearance for an account that is or becomes admin. Otherwise one admin could make a
 * second admin account with a password they chose, sign in as it and approve their own requests.
 * The first-run setup and the server's operator (CLI) give the admin role itself. Each step is
 * audited and told to the administrators.
 */

export { DOCUMENT_ROLES };

/** What a request gives an account: roles (admin for a new administrator) and a clearance. */
export interface AdminGrant {
  roles: Role[];
  secretClearance: number | null;
}

/** What an account holds that the four eyes watch, or is asked for it. */
export interface AccessState {
  roles: Role[];
  secretClearance: number;
}

/** A new account holds nothing yet. */
export const NO_ACCESS: AccessState = { roles: [], secretClearance: 0 };

/** What the setup or the server's operator gives at once: the admin role and nothing else. */
export const ADMIN_ONLY: AccessState = { roles: ['admin'], secretClearance: 0 };

/**
 * What an account holds as the four eyes count it: a deactivated account administers nothing, so
 * making it active again gives its admin role anew.
 */
export const accessOf = (user: User): AccessState => ({
  roles: user.isActive ? user.roleList() : user.roleList().filter((r) => r !== 'admin'),
  secretClearance: user.secretClearance,
});

/**
 * What going from `held` to `wanted` gives that needs another administrator's approval: the admin
 * role for an account that was no administrator, new document roles and a higher clearance for
 * one that is or becomes admin. Null when nothing.
 */
export function adminGrantOf(held: AccessState, wanted: AccessState): AdminGrant | null {
  const wasAdmin = held.roles.includes('admin');
  const becomesAdmin = !wasAdmin && wanted.roles.includes('admin');
  if (!wasAdmin && !becomesAdmin) return null;
  const added = wanted.roles.filter((r) => DOCUMENT_ROLES.includes(r) && !held.roles.includes(r));
  // Making a document holder an administrator gives an admin account their roles too.
  const kept = becomesAdmin ? wanted.roles.filter((r) => DOCUMENT_ROLES.includes(r)) : [];
  const granted = normaliseRoles([...added, ...kept, ...(becomesAdmin ? ['admin'] : [])]);
  // Likewise a clearance the holder already had, once the account becomes admin.
  const floor = wasAdmin ? held.secretClearance : 0;
  const raised = wanted.secretClearance > floor ? wanted.secretClearance : null;
  return granted.length || raised !== null ? { roles: granted, secretClearance: raised } : null;
}

/** Active administrators of the agency other than the given accounts. */
function adminsBut(agencyId: number, excluded: (number | null)[], transaction: Transaction) {
  const ids = excluded.filter((id): id is number => id != null);
  return User.findAll({
    where: {
      agencyId,
      isActive: true,
      [Op.and]: [{ id: { [Op.notIn]: ids.length ? ids : [0] } }, User.whereHasRole('admin')],
    },
    transaction,
  });
}

/**
 * Refuses (409, before anything is saved) a request no one could decide: the agency has no
 * active administrator besides the one asking and the account's holder. For the admin role the
 * message names the other way, the server's command line.
 */
export async function assertSecondAdmin(
  agencyId: number,
  holderId: number | null,
  grant: AdminGrant,
  actor: AuditActor,
  transaction: Transaction,
): Promise<void> {
  const deciders = await adminsBut(agencyId, [holderId, actor.userId], transaction);
  if (deciders.length > 0) return;
  throw new AppError(
    grant.roles.includes('admin')
      ? 'ADMIN_ROLE_NEEDS_SECOND_ADMIN'
      : 'ADMIN_GRANT_NEEDS_SECOND_ADMIN',
    409,
  );
}

/**
 * Files the request for `wanted` (the account's roles and clearance once approved) instead of
 * applying it; an earlier pending request for the account is superseded. Audited, and told to
 * the administrators who may decide it.
 */
export async function requestAdminGrant(
  user: User,
  wanted: AccessState,
  grant: AdminGrant,
  actor: AuditActor,
  transaction: Transaction,
): Promise<AdminGrantRequest> {
  await assertSecondAdmin(user.agencyId, user.id, grant, actor, transaction);
  const earlier = await AdminGrantRequest.findAll({
    where: { userId: user.id, status: 'pending' },
    transaction,
  });
  if (earlier.length) {
    await AdminGrantRequest.update(
      { status: 'superseded' },
      { where: { id: earlier.map((r) => r.id) }, transaction },
    );
  }
  const request = await AdminGrantRequest.create(
    {
      agencyId: user.agencyId,
      userId: user.id,
      requestedById: actor.userId,
      roles: wanted.roles.join(','),
      secretClearance: wanted.secretClearance,
    },
    { transaction },
  );
  await recordAudit(
    {
      action: 'user.admin_grant_request',
      ...actor,
      entityType: 'user',
      entityId: user.id,
      details: {
        requestId: request.id,
        roles: request.roles,
        secretClearance: request.secretClearance,
        granted: grant.roles.join(','),
        superseded: earlier.map((r) => r.id).join(',') || null,
      },
    },
    { transaction },
  );
  const deciders = await adminsBut(user.agencyId, [user.id, actor.userId], transaction);
  await notify(
    deciders.map((admin) => ({
      userId: admin.id,
      kind: 'user.admin_grant_request',
      key: 'admin:notify.adminGrantRequested',
      params: { name: user.fullName, username: user.username },
      link: '/admin/users#grant-requests',
    })),
    { transaction },
  );
  return request;
}

/**
 * Audits what an administrator's account was given, by an approved request or, with no request,
 * the admin role by the setup or the server's operator, and tells the other admins. The admin
 * role is audited and told as such (user.admin_role_grant), document access alone as
 * user.admin_document_access.
 */
export async function recordAdminGrant(
  user: User,
  grant: AdminGrant,
  request: AdminGrantRequest | null,
  actor: AuditActor,
  transaction: Transaction,
): Promise<void> {
  const isAdminRole = grant.roles.includes('admin');
  const action = isAdminRole ? 'user.admin_role_grant' : 'user.admin_document_access';
  await recordAudit(
    {
      action,
      ...actor,
      entityType: 'user',
      entityId: user.id,
      details: {
        ...grant,
        requestId: request?.id ?? null,
        requestedById: request?.requestedById ?? null,
      },
    },
    { transaction },
  );
  // The holder learns of an approved request; the operator's grant is theirs to announce.
  const told = await adminsBut(
    user.agencyId,
    [actor.userId, request ? null : user.id],
    transaction,
  );
  await notify(
    told.map((admin) => ({
      userId: admin.id,
      kind: action,
      key: isAdminRole ? 'admin:notify.adminRoleGranted' : 'admin:notify.adminDocumentAccess',
      params: { name: user.fullName, username: user.username },
      link: `/admin/users/${user.id}/edit`,
    })),
    { transaction },
  );
}

/** Audits a rejected request and tells the one who asked and the account's holder. */
export async function recordAdminGrantRejected(
  user: User,
  request: AdminGrantRequest,
  actor: AuditActor,
  transaction: Transaction,
): Promise<void> {
  await recordAudit(
    {
      action: 'user.admin_grant_reject',
      ...actor,
      entityType: 'user',
      entityId: user.id,
      details: {
        requestId: request.id,
        roles: request.roles,
        secretClearance: request.secretClearance,
        requestedById: request.requestedById,
      },
    },
    { transaction },
  );
  const told = [...new Set([request.requestedById, user.id])].filter(
    (id): id is number => id != null && id !== actor.userId,
  );
  await notify(
    told.map((userId) => ({
      userId,
      kind: 'user.admin_grant_reject',
      key: 'admin:notify.adminGrantRejected',
      params: { name: user.fullName, username: user.username },
      link: `/admin/users/${user.id}/edit`,
    })),
    { transaction },
  );
}
