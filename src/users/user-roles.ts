import type { Transaction } from 'sequelize';
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
  const held = await UserRole.findAll({
    where: { userId: user.id },
    attributes: ['id', 'role'],
    transaction,
  });
  // Rows are deleted by id, and only when there are some: on MariaDB a DELETE by a range that
  // finds nothing still locks the gap, and two new people's roles written at once would then
  // deadlock on their INSERTs.
  const gone = held.filter((r) => !(wanted as string[]).includes(r.role)).map((r) => r.id);
  if (gone.length) await UserRole.destroy({ where: { id: gone }, transaction });
  const have = new Set(held.map((r) => r.role));
  const missing = wanted.filter((r) => !have.has(r));
  if (missing.length) {
    await UserRole.bulkCreate(
      missing.map((role) => ({ userId: user.id, role })),
      { transaction },
    );
  }
  user.withLoadedRoles(wanted);
  return wanted;
}
