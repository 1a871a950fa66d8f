import { Op, type Transaction } from 'sequelize';
import { recordAudit } from '../audit/audit.service.js';
import { AppError } from '../http/app-error.js';
import { notify } from '../notifications/notification.service.js';
import { User, type Role } from './user.model.js';
import { AdminGrantRequest } from './admin-grant-request.model.js';
import type { AuditActor } from './users.service.js';

/*
 * An administrator does not read documents (issue 11 §4). Document roles and secret clearances
 * for an administrator's account (one that is or becomes admin) are four-eyes: the admin who asks
 * for them only files a request, and another administrator, neither the one who asked nor the
 * account's holder, approves or rejects it. Each step is audited and told to the administrators.
 */

/** Roles that open documents: every role but admin. */
export const DOCUMENT_ROLES: readonly Role[] = ['clerk', 'specialist', 'dept_head', 'leader'];

export interface DocumentAccessGrant {
  roles: Role[];
  secretClearance: number | null;
}

/** What an account holds that opens documents, or is asked for it. */
export interface AccessState {
  roles: Role[];
  secretClearance: number;
}

/** A new account holds nothing yet. */
export const NO_ACCESS: AccessState = { roles: [], secretClearance: 0 };

export const accessOf = (user: User): AccessState => ({
  roles: user.roleList(),
  secretClearance: user.secretClearance,
});

/**
 * What going from `held` to `wanted` gives an administrator's account (one that is or becomes
 * admin) that opens documents: new document roles, a higher secret clearance. Null when nothing.
 */
export function documentAccessGranted(
  held: AccessState,
  wanted: AccessState,
): DocumentAccessGrant | null {
  const wasAdmin = held.roles.includes('admin');
  if (!wasAdmin && !wanted.roles.includes('admin')) return null;
  const added = wanted.roles.filter((r) => DOCUMENT_ROLES.includes(r) && !held.roles.includes(r));
  // Making a document holder an administrator gives an admin account their roles too.
  const kept = wasAdmin ? [] : wanted.roles.filter((r) => DOCUMENT_ROLES.includes(r));
  const granted = [...new Set([...added, ...kept])];
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
 * active administrator besides the one asking and the account's holder.
 */
export async function assertSecondAdmin(
  agencyId: number,
  holderId: number | null,
  actor: AuditActor,
  transaction: Transaction,
): Promise<void> {
  const deciders = await adminsBut(agencyId, [holderId, actor.userId], transaction);
  if (deciders.length === 0) throw new AppError('ADMIN_GRANT_NEEDS_SECOND_ADMIN', 409);
}

/**
 * Files the request for `wanted` (the account's roles and clearance once approved) instead of
 * applying it; an earlier pending request for the account is superseded. Audited, and told to
 * the administrators who may decide it.
 */
export async function requestAdminGrant(
  user: User,
  wanted: AccessState,
  grant: DocumentAccessGrant,
  actor: AuditActor,
  transaction: Transaction,
): Promise<AdminGrantRequest> {
  await assertSecondAdmin(user.agencyId, user.id, actor, transaction);
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

/** Audits a grant of document access to an admin account (an approved request) and tells the other admins. */
export async function recordAdminGrant(
  user: User,
  grant: DocumentAccessGrant,
  request: AdminGrantRequest,
  actor: AuditActor,
  transaction: Transaction,
): Promise<void> {
  await recordAudit(
    {
      action: 'user.admin_document_access',
      ...actor,
      entityType: 'user',
      entityId: user.id,
      details: { ...grant, requestId: request.id, requestedById: request.requestedById },
    },
    { transaction },
  );
  const admins = await adminsBut(user.agencyId, [actor.userId], transaction);
  await notify(
    admins.map((admin) => ({
      userId: admin.id,
      kind: 'user.admin_document_access',
      key: 'admin:notify.adminDocumentAccess',
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
