import { Op } from 'sequelize';
import { Department } from '../agencies/agency.model.js';
import { defaultDeadlineFor, todayInVietnam } from '../calendar/working-days.js';
import { AppError } from '../http/app-error.js';
import { User } from '../users/user.model.js';
import type { AssignmentRole } from './incoming.model.js';
import type { DirectInput, DirectionTarget } from './incoming.schemas.js';

/** A target of a direction, checked against the agency and given its deadline. */
export interface ResolvedTarget {
  role: AssignmentRole;
  userId: number | null;
  departmentId: number | null;
  deadline: string | null;
  field: string;
}

const invalid = (field: string, key: string) =>
  new AppError('VALIDATION_FAILED', 422, undefined, { [field]: `errors:${key}` });

/** A deadline someone enters may not lie in the past. */
export function checkDeadline(
  deadline: string | null | undefined,
  field: string,
  today = todayInVietnam(),
): void {
  if (deadline && deadline < today) throw invalid(field, 'DEADLINE_IN_PAST');
}

/**
 * Checks that every department and person named exists in the agency (people active), drops a
 * target named twice (lead before support before info) and fills in the default deadline for
 * the document's urgency (working days, skipping weekends and configured holidays).
 */
export async function resolveTargets(
  agencyId: number,
  input: DirectInput,
  urgency: number,
): Promise<ResolvedTarget[]> {
  const named: [AssignmentRole, DirectionTarget, string][] = [
    ['lead', input.lead, 'lead'],
    ...input.support.map((t, i): [AssignmentRole, DirectionTarget, string] => [
      'support',
      t,
      `support.${i}`,
    ]),
    ...input.info.map((t, i): [AssignmentRole, DirectionTarget, string] => [
      'info',
      t,
      `info.${i}`,
    ]),
  ];
  const userIds = named.flatMap(([, t]) => (t.userId ? [t.userId] : []));
  const departmentIds = named.flatMap(([, t]) => (t.departmentId ? [t.departmentId] : []));
  const [users, departments] = await Promise.all([
    User.findAll({
      where: {
        id: { [Op.in]: userIds },
        agencyId,
        isActive: true,
        [Op.and]: [User.whereTakesPart()],
      },
      attributes: ['id'],
    }),
    Department.findAll({ where: { id: { [Op.in]: departmentIds }, agencyId }, attributes: ['id'] }),
  ]);
  const knownUsers = new Set(users.map((u) => u.id));
  const knownDepartments = new Set(departments.map((d) => d.id));
  const defaultDeadline = await defaultDeadlineFor(urgency);
  const seen = new Set<string>();
  const resolved: ResolvedTarget[] = [];
  for (const [role, target, field] of named) {
    const key = target.userId ? `u${target.userId}` : `d${target.departmentId}`;
    const known = target.userId
      ? knownUsers.has(target.userId)
      : knownDepartments.has(target.departmentId!);
    if (!known) throw invalid(field, 'INCOMING_TARGET_INVALID');
    if (seen.has(key)) continue;
    seen.add(key);
    checkDeadline(target.deadline, `${field}.deadline`);
    resolved.push({
      role,
      userId: target.userId ?? null,
      departmentId: target.departmentId ?? null,
      deadline: role === 'info' ? null : (target.deadline ?? defaultDeadline),
      field,
    });
  }
  return resolved;
}
