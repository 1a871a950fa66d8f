import { Op, type Transaction } from 'sequelize';
import { ROLES, type Role, type User } from './user.model.js';
import { UserRole } from './user-role.model.js';

/** The roles of a list, each once, in ROLES order. */
export function normaliseRoles(roles: Iterable<string>): Role[] {
  const given = new Set(roles);
  return ROLES.filter((r) => given.has(r));
}

/**
 * Writes a person's roles (those given, no others) in the caller's transaction and keeps them
 * on the user, so hasRole answers for the new roles at once.
 */
export async function setUserRoles(
  user: User,
  roles: Iterable<Role>,
  transaction: Transaction,
): Promise<Role[]> {
  const wanted = normaliseRoles(roles);
  await UserRole.destroy({
    where: { userId: user.id, ...(wanted.length ? { role: { [Op.notIn]: wanted } } : {}) },
    transaction,
  });
  const held = new Set(
    (await UserRole.findAll({ where: { userId: user.id }, attributes: ['role'], transaction })).map(
      (r) => r.role,
    ),
  );
  const missing = wanted.filter((r) => !held.has(r));
  if (missing.length) {
    await UserRole.bulkCreate(
      missing.map((role) => ({ userId: user.id, role })),
      { transaction },
    );
  }
  user.withLoadedRoles(wanted);
  return wanted;
}
