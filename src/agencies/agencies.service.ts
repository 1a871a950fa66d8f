import { ForeignKeyConstraintError, Op, QueryTypes, type Transaction } from 'sequelize';
import { foreignKeysTo } from '../db/foreign-keys.js';
import { db } from '../db/index.js';
import { withTransaction, type TxOptions } from '../db/transaction.js';
import { recordAudit } from '../audit/audit.service.js';
import { AppError } from '../http/app-error.js';
import { User } from '../users/user.model.js';
import type { AuditActor } from '../users/users.service.js';
import { Agency, Department } from './agency.model.js';
import type { AgencyInput, DepartmentEditInput, DepartmentInput } from './agencies.schemas.js';
import { setDepartmentLeaders } from '../users/directory.service.js';
import { seedHolidaysForNewAgency } from '../calendar/calendar.service.js';

export interface TreeNode<T> {
  item: T;
  depth: number;
}

/** Orders items with parentId depth-first from the given roots, each with its depth. */
export function flattenTree<T extends { id: number; parentId: number | null; name: string }>(
  items: T[],
  rootIds: (number | null)[],
): TreeNode<T>[] {
  const children = new Map<number | null, T[]>();
  for (const item of items) {
    const list = children.get(item.parentId) ?? [];
    list.push(item);
    children.set(item.parentId, list);
  }
  const out: TreeNode<T>[] = [];
  const seen = new Set<number>();
  const visit = (item: T, depth: number) => {
    if (seen.has(item.id)) return;
    seen.add(item.id);
    out.push({ item, depth });
    for (const child of (children.get(item.id) ?? []).sort((a, b) =>
      a.name.localeCompare(b.name, 'vi'),
    )) {
      visit(child, depth + 1);
    }
  };
  for (const item of items.filter(
    (i) => rootIds.includes(i.id) || (rootIds.includes(null) && i.parentId === null),
  )) {
    visit(item, 0);
  }
  return out;
}

/** The agency the CLI works on by default: the first top-level agency (or the one with the code). */
export async function primaryAgency(code?: string): Promise<Agency> {
  const agency = code
    ? await Agency.findOne({ where: { code } })
    : await Agency.findOne({ where: { parentId: null }, order: [['id', 'ASC']] });
  if (!agency) throw new AppError(code ? 'AGENCY_NOT_FOUND' : 'NO_AGENCY', 404);
  return agency;
}

/** An agency and every agency below it (huyện → xã…), depth-first. */
export async function agencySubtree(
  rootId: number,
  transaction?: Transaction,
): Promise<TreeNode<Agency>[]> {
  const all: Agency[] = [];
  let frontier = [rootId];
  while (frontier.length) {
    const rows = await Agency.findAll({
      where: all.length ? { parentId: { [Op.in]: frontier } } : { id: rootId },
      transaction,
    });
    all.push(...rows);
    frontier = rows.map((r) => r.id);
  }
  return flattenTree(all, [rootId]);
}

async function assertInSubtree(
  rootId: number,
  agencyId: number,
  transaction: Transaction,
): Promise<Agency> {
  const node = (await agencySubtree(rootId, transaction)).find((n) => n.item.id === agencyId);
  if (!node) throw new AppError('AGENCY_NOT_FOUND', 404);
  return node.item;
}

async function assertCodeFree(code: string, exceptId: number | null, transaction: Transaction) {
  const where = exceptId ? { code, id: { [Op.ne]: exceptId } } : { code };
  if (await Agency.count({ where, transaction })) {
    throw new AppError('AGENCY_CODE_TAKEN', 422, undefined, { code: 'errors:AGENCY_CODE_TAKEN' });
  }
}

/** Adds an agency under one of the admin's agencies (its own or one below it). */
export async function createChildAgency(
  rootId: number,
  parentId: number,
  input: AgencyInput,
  actor: AuditActor,
  options?: TxOptions,
): Promise<Agency> {
  return withTransaction(db(), options, async (transaction) => {
    // The parent is a choice of the form's list (the admin's agency or one below it): any other
    // is said beside "Trực thuộc", the form kept.
    if (!(await agencySubtree(rootId, transaction)).some((n) => n.item.id === parentId))
      throw new AppError('AGENCY_PARENT_INVALID', 422, undefined, {
        parentId: 'errors:AGENCY_PARENT_INVALID',
      });
    await assertCodeFree(input.code, null, transaction);
    const agency = await Agency.create({ ...input, parentId }, { transaction });
    await recordAudit(
      {
        action: 'agency.create',
        ...actor,
        entityType: 'agency',
        entityId: agency.id,
        details: { ...input, parentId },
      },
      { transaction },
    );
    await seedHolidaysForNewAgency(actor, { transaction });
    return agency;
  });
}

export async function updateAgency(
  rootId: number,
  agencyId: number,
  input: AgencyInput,
  actor: AuditActor,
  options?: TxOptions,
): Promise<Agency> {
  return withTransaction(db(), options, async (transaction) => {
    const agency = await assertInSubtree(rootId, agencyId, transaction);
    await assertCodeFree(input.code, agency.id, transaction);
    const before = {
      name: agency.name,
      abbreviation: agency.abbreviation,
      code: agency.code,
      address: agency.address,
    };
    await agency.update(input, { transaction });
    await recordAudit(
      {
        action: 'agency.update',
        ...actor,
        entityType: 'agency',
        entityId: agency.id,
        details: { before, after: input },
      },
      { transaction },
    );
    return agency;
  });
}

/** The departments of an agency as a tree, each with how many users it has. */
export async function departmentTree(
  agencyId: number,
): Promise<(TreeNode<Department> & { userCount: number })[]> {
  const departments = await Department.findAll({ where: { agencyId } });
  const counts = (await User.findAll({
    attributes: ['departmentId', [db().fn('COUNT', db().col('id')), 'n']],
    where: { agencyId, departmentId: { [Op.ne]: null } },
    group: ['departmentId'],
    raw: true,
  })) as unknown as { departmentId: number; n: number | string }[];
  const byId = new Map(counts.map((c) => [Number(c.departmentId), Number(c.n)]));
  return flattenTree(departments, [null]).map((node) => ({
    ...node,
    userCount: byId.get(node.item.id) ?? 0,
  }));
}

export async function findDepartment(
  agencyId: number,
  id: number,
  transaction?: Transaction,
): Promise<Department> {
  const department = await Department.findOne({ where: { id, agencyId }, transaction });
  if (!department) throw new AppError('DEPARTMENT_NOT_FOUND', 404);
  return department;
}

async function checkDepartment(
  agencyId: number,
  input: DepartmentInput,
  selfId: number | null,
  transaction: Transaction,
): Promise<void> {
  const others = await Department.findAll({ where: { agencyId }, transaction });
  const abbr = input.abbreviation.toLocaleUpperCase('vi');
  if (others.some((d) => d.id !== selfId && d.abbreviation.toLocaleUpperCase('vi') === abbr)) {
    throw new AppError('DEPARTMENT_ABBR_TAKEN', 422, undefined, {
      abbreviation: 'errors:DEPARTMENT_ABBR_TAKEN',
    });
  }
  if (input.parentId == null) return;
  const parentOk = others.some((d) => d.id === input.parentId);
  // A department cannot sit under itself or under one of its own sub-departments.
  const below = selfId ? flattenTree(others, [selfId]).map((n) => n.item.id) : [];
  if (!parentOk || below.includes(input.parentId)) {
    throw new AppError('DEPARTMENT_PARENT_INVALID', 422, undefined, {
      parentId: 'errors:DEPARTMENT_PARENT_INVALID',
    });
  }
}

export async function createDepartment(
  agencyId: number,
  input: DepartmentInput,
  actor: AuditActor,
  options?: TxOptions,
): Promise<Department> {
  return withTransaction(db(), options, async (transaction) => {
    await checkDepartment(agencyId, input, null, transaction);
    const department = await Department.create({ agencyId, ...input }, { transaction });
    await recordAudit(
      {
        action: 'department.create',
        ...actor,
        entityType: 'department',
        entityId: department.id,
        details: { ...input },
      },
      { transaction },
    );
    return department;
  });
}

/**
 * Saves a department's details and, when given, its head and deputies (active members of the
 * department, checked by the directory), with one audit row for both.
 */
export async function updateDepartment(
  agencyId: number,
  id: number,
  input: DepartmentInput | DepartmentEditInput,
  actor: AuditActor,
  options?: TxOptions,
): Promise<Department> {
  return withTransaction(db(), options, async (transaction) => {
    const department = await findDepartment(agencyId, id, transaction);
    const { leaders, ...fields } = { leaders: undefined, ...input };
    await checkDepartment(agencyId, fields, id, transaction);
    const before: Record<string, unknown> = {
      name: department.name,
      abbreviation: department.abbreviation,
      parentId: department.parentId,
    };
    await department.update(fields, { transaction });
    const after: Record<string, unknown> = { ...fields };
    if (leaders) {
      Object.assign(before, await setDepartmentLeaders(department, leaders, transaction));
      Object.assign(after, {
        headUserId: leaders.headUserId,
        deputyIds: [...new Set(leaders.deputyIds)].sort((a, b) => a - b),
      });
    }
    await recordAudit(
      {
        action: 'department.update',
        ...actor,
        entityType: 'department',
        entityId: id,
        details: { before, after },
      },
      { transaction },
    );
    return department;
  });
}

// Rows that go with the unit when it is deleted (ON DELETE CASCADE): its deputies' seats.
const GOES_WITH_DEPARTMENT = new Set(['department_deputies']);

/**
 * The tables whose rows still refer to the department, read from the database's own foreign keys
 * (so a table a later migration adds is not forgotten); people and sub-units are checked apart.
 */
async function departmentUses(id: number, transaction: Transaction): Promise<string[]> {
  const q = (name: string) => db().getQueryInterface().quoteIdentifier(name);
  const uses: string[] = [];
  for (const fk of await foreignKeysTo(db(), 'departments', transaction)) {
    if (GOES_WITH_DEPARTMENT.has(fk.table) || fk.table === 'users' || fk.table === 'departments')
      continue;
    const [row] = await db().query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM ${q(fk.table)} WHERE ${q(fk.column)} = ?`,
      { replacements: [id], type: QueryTypes.SELECT, transaction },
    );
    if (Number(row?.n) > 0 && !uses.includes(fk.table)) uses.push(fk.table);
  }
  return uses;
}

/** The refusal to delete a department still used elsewhere; `uses` names the tables. */
const departmentInUse = (uses: string[]) =>
  new AppError('DEPARTMENT_IN_USE', 409, undefined, undefined, { uses });

/**
 * Deletes an empty department: refused while people, sub-departments or any other record (an
 * assignment, a draft, an approval template, a meeting, a records file...) refer to it.
 */
export async function deleteDepartment(
  agencyId: number,
  id: number,
  actor: AuditActor,
  options?: TxOptions,
) {
  return withTransaction(db(), options, async (transaction) => {
    const department = await findDepartment(agencyId, id, transaction);
    const users = await User.count({ where: { departmentId: id }, transaction });
    if (users)
      throw new AppError('DEPARTMENT_HAS_USERS', 409, undefined, undefined, { count: users });
    if (await Department.count({ where: { parentId: id }, transaction })) {
      throw new AppError('DEPARTMENT_HAS_CHILDREN', 409);
    }
    const uses = await departmentUses(id, transaction);
    if (uses.length) throw departmentInUse(uses);
    // A reference the check could not see (a row added meanwhile) is refused the same way.
    await department.destroy({ transaction }).catch((err: unknown) => {
      if (err instanceof ForeignKeyConstraintError) throw departmentInUse([]);
      throw err;
    });
    await recordAudit(
      {
        action: 'department.delete',
        ...actor,
        entityType: 'department',
        entityId: id,
        details: { name: department.name, abbreviation: department.abbreviation },
      },
      { transaction },
    );
  });
}
