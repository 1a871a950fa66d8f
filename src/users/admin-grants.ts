import { Op, type Transaction } from 'sequelize';
import { recordAudit } from '../audit/audit.service.js';
import { notify } from '../notifications/notification.service.js';
import { User, type Role } from './user.model.js';
import type { AuditActor } from './users.service.js';

/*
 * An administrator does not read documents: document roles and secret clearances given to an
 * administrator's account are given by another administrator (never by the account itself),
 * audited and told to the other administrators.
 */

/** Roles that open documents (an administrator holds none of them by default). */
export const DOCUMENT_ROLES: readonly Role[] = ['clerk', 'specialist', 'dept_head', 'leader'];

export interface DocumentAccessGrant {
  roles: Role[];
  secretClearance: number | null;
}

/**
 * What an edit gives an administrator's account (one that is or becomes admin) that opens
 * documents: new document roles, a higher secret clearance. Null when it gives nothing.
 */
export function documentAccessGranted(
  user: User,
  roles: Role[],
  secretClearance: number | undefined,
): DocumentAccessGrant | null {
  if (!user.hasRole('admin') && !roles.includes('admin')) return null;
  const added = roles.filter((r) => DOCUMENT_ROLES.includes(r) && !user.hasRole(r));
  // Making a document holder an administrator gives an admin account their roles too.
  const kept = user.hasRole('admin') ? [] : roles.filter((r) => DOCUMENT_ROLES.includes(r));
  const granted = [...new Set([...added, ...kept])];
  const raised =
    secretClearance !== undefined && secretClearance > user.secretClearance
      ? secretClearance
      : null;
  return granted.length || raised !== null ? { roles: granted, secretClearance: raised } : null;
}

/** Audits a grant of document access to an admin account and tells the other admins. */
export async function recordAdminGrant(
  user: User,
  grant: DocumentAccessGrant,
  actor: AuditActor,
  transaction: Transaction,
): Promise<void> {
  await recordAudit(
    {
      action: 'user.admin_document_access',
      ...actor,
      entityType: 'user',
      entityId: user.id,
      details: { ...grant },
    },
    { transaction },
  );
  const admins = await User.findAll({
    where: {
      agencyId: user.agencyId,
      isActive: true,
      [Op.and]: [{ id: { [Op.notIn]: [actor.userId ?? 0] } }, User.whereHasRole('admin')],
    },
    transaction,
  });
  await notify(
    admins.map((admin) => ({
      userId: admin.id,
      kind: 'user.admin_document_access',
      key: 'admin:notify.adminDocumentAccess',
      params: { name: user.fullName, username: user.username },
      link: `/admin/users/${user.id}`,
    })),
    { transaction },
  );
}
