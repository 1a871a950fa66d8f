/**
 * The organisation directory: who heads each department (trưởng phòng), its deputies (phó
 * trưởng phòng), its people, and the agency's leaders. Other domains ask it who holds a role in
 * a department (the approval engine's "head of the drafter's department").
 *
 *   headOf(departmentId)                → User | null
 *   deputiesOf(departmentId)            → User[]
 *   peopleOf(departmentId)              → User[] (head, deputies, then the others by name)
 *   leadersOf(agencyId)                 → User[] (the agency's leaders, chủ tịch first)
 *   holdersOf(role, departmentId)       → User[] (dept_head: the head, else dept_head holders)
 *   setDepartmentLeaders(department, { headUserId, deputyIds }, transaction)
 *   leaveDepartmentLeadership(user, transaction)
 *   agencyDirectory(agencyId, q?)       → the directory page's departments and people
 *   staffPicker(agencyId)               → the people and departments a form lets one choose
 */
import { Op, type Transaction } from 'sequelize';
import { Department } from '../agencies/agency.model.js';
import { DepartmentDeputy } from '../agencies/department-deputy.model.js';
import { flattenTree } from '../agencies/agencies.service.js';
import { AppError } from '../http/app-error.js';
import { whereLike } from '../db/like.js';
import { whereFoldedLike } from '../db/folded.js';
import { db } from '../db/index.js';
import { rawSelect } from '../db/raw-select.js';
import { byVietnameseName } from './name-order.js';
import { isRole, User, type Role } from './user.model.js';

const byName = byVietnameseName;

/** A leader whose title is not a deputy's (Phó …) comes first: the chủ tịch before the phó. */
const isDeputyTitle = (title: string | null) => /^\s*phó(\s|$)/iu.test(title ?? '');

/** The active head of the department, if it has one. */
export async function headOf(
  departmentId: number,
  transaction?: Transaction,
): Promise<User | null> {
  const department = await Department.findByPk(departmentId, {
    attributes: ['id', 'headUserId'],
    transaction,
  });
  if (!department?.headUserId) return null;
  return User.findOne({ where: { id: department.headUserId, isActive: true }, transaction });
}

/** The active deputies of the department, by name. */
export async function deputiesOf(departmentId: number, transaction?: Transaction): Promise<User[]> {
  const rows = await DepartmentDeputy.findAll({
    where: { departmentId },
    attributes: ['userId'],
    transaction,
  });
  if (!rows.length) return [];
  const users = await User.findAll({
    where: { id: rows.map((r) => r.userId), isActive: true },
    transaction,
  });
  return users.sort(byName);
}

/** The department's active people: its head, its deputies, then the others by name. */
export async function peopleOf(departmentId: number, transaction?: Transaction): Promise<User[]> {
  const [department, deputies, members] = await Promise.all([
    Department.findByPk(departmentId, { attributes: ['id', 'headUserId'], transaction }),
    DepartmentDeputy.findAll({ where: { departmentId }, attributes: ['userId'], transaction }),
    User.findAll({ where: { departmentId, isActive: true }, transaction }),
  ]);
  return orderPeople(
    members,
    department?.headUserId ?? null,
    new Set(deputies.map((d) => d.userId)),
  );
}

function orderPeople(members: User[], headId: number | null, deputyIds: Set<number>): User[] {
  const rank = (u: User) => (u.id === headId ? 0 : deputyIds.has(u.id) ? 1 : 2);
  return [...members].sort((a, b) => rank(a) - rank(b) || byName(a, b));
}

/** The agency's active leaders (role leader): the chủ tịch first, then the phó chủ tịch. */
export async function leadersOf(agencyId: number, transaction?: Transaction): Promise<User[]> {
  const leaders = await User.findAll({
    where: { [Op.and]: [{ agencyId, isActive: true }, User.whereHasRole('leader')] },
    transaction,
  });
  return leaders.sort(
    (a, b) =>
      Number(isDeputyTitle(a.positionTitle)) - Number(isDeputyTitle(b.positionTitle)) ||
      byName(a, b),
  );
}

/**
 * The active people who hold a role in a department, for a step that asks "the head of the
 * drafter's department": dept_head names the department's head when it has one, else (a
 * department whose head is not set) its people with the dept_head role. Other roles are the
 * department's people with that role.
 */
export async function holdersOf(
  role: Role,
  departmentId: number,
  transaction?: Transaction,
): Promise<User[]> {
  if (role === 'dept_head') {
    const head = await headOf(departmentId, transaction);
    if (head) return [head];
  }
  const users = await User.findAll({
    where: { [Op.and]: [{ departmentId, isActive: true }, User.whereHasRole(role)] },
    transaction,
  });
  return users.sort(byName);
}

export interface DepartmentLeaders {
  headUserId: number | null;
  deputyIds: number[];
}

/** A department's head and deputies as ids (deputies in ascending order). */
export async function departmentLeaders(
  departmentId: number,
  transaction?: Transaction,
): Promise<DepartmentLeaders> {
  const [department, deputies] = await Promise.all([
    Department.findByPk(departmentId, { attributes: ['id', 'headUserId'], transaction }),
    DepartmentDeputy.findAll({ where: { departmentId }, attributes: ['userId'], transaction }),
  ]);
  return {
    headUserId: department?.headUserId ?? null,
    deputyIds: deputies.map((d) => d.userId).sort((a, b) => a - b),
  };
}

/** The people who may be chosen as the department's head or deputies: its active members. */
export async function leaderCandidates(
  departmentId: number,
): Promise<{ id: number; label: string }[]> {
  const members = await User.findAll({
    where: { departmentId, isActive: true },
    attributes: ['id', 'fullName', 'positionTitle'],
  });
  return members.sort(byName).map((u) => ({
    id: u.id,
    label: u.positionTitle ? `${u.fullName} — ${u.positionTitle}` : u.fullName,
  }));
}

/**
 * Sets a department's head and deputies; each must be an active member of the department, and
 * the head is not also a deputy. Returns the leaders as they were, for the audit row.
 */
export async function setDepartmentLeaders(
  department: Department,
  leaders: DepartmentLeaders,
  transaction: Transaction,
): Promise<DepartmentLeaders> {
  const deputyIds = [...new Set(leaders.deputyIds)];
  const wanted = [...deputyIds, ...(leaders.headUserId ? [leaders.headUserId] : [])];
  const members = wanted.length
    ? await User.findAll({
        where: { id: wanted, departmentId: department.id, isActive: true },
        attributes: ['id'],
        transaction,
      })
    : [];
  const memberIds = new Set(members.map((m) => m.id));
  if (leaders.headUserId && !memberIds.has(leaders.headUserId))
    throw new AppError('DEPARTMENT_HEAD_NOT_MEMBER', 422, undefined, {
      headUserId: 'errors:DEPARTMENT_HEAD_NOT_MEMBER',
    });
  if (deputyIds.some((id) => !memberIds.has(id)))
    throw new AppError('DEPARTMENT_DEPUTY_NOT_MEMBER', 422, undefined, {
      deputyIds: 'errors:DEPARTMENT_DEPUTY_NOT_MEMBER',
    });
  if (leaders.headUserId && deputyIds.includes(leaders.headUserId))
    throw new AppError('DEPARTMENT_HEAD_IS_DEPUTY', 422, undefined, {
      deputyIds: 'errors:DEPARTMENT_HEAD_IS_DEPUTY',
    });

  const current = await DepartmentDeputy.findAll({
    where: { departmentId: department.id },
    transaction,
  });
  const before: DepartmentLeaders = {
    headUserId: department.headUserId ?? null,
    deputyIds: current.map((d) => d.userId).sort((a, b) => a - b),
  };
  if (before.headUserId !== leaders.headUserId)
    await department.update({ headUserId: leaders.headUserId }, { transaction });
  const gone = current.filter((d) => !deputyIds.includes(d.userId)).map((d) => d.id);
  if (gone.length) await DepartmentDeputy.destroy({ where: { id: gone }, transaction });
  const added = deputyIds.filter((id) => !before.deputyIds.includes(id));
  if (added.length)
    await DepartmentDeputy.bulkCreate(
      added.map((userId) => ({ departmentId: department.id, userId })),
      { transaction },
    );
  return before;
}

/**
 * Takes a person off the head and deputy places of every department but their own (all of them
 * when their account is switched off): a head or deputy is always an active member.
 */
export async function leaveDepartmentLeadership(
  user: User,
  transaction: Transaction,
): Promise<void> {
  const keep = user.isActive && user.departmentId != null ? user.departmentId : null;
  const elsewhere = keep == null ? {} : { id: { [Op.ne]: keep } };
  await Department.update(
    { headUserId: null },
    { where: { headUserId: user.id, ...elsewhere }, transaction },
  );
  await DepartmentDeputy.destroy({
    where: { userId: user.id, ...(keep == null ? {} : { departmentId: { [Op.ne]: keep } }) },
    transaction,
  });
}

export interface DirectoryPerson {
  id: number;
  fullName: string;
  positionTitle: string | null;
  email: string | null;
  departmentName: string | null;
  place: 'head' | 'deputy' | 'member';
}

export interface DirectoryDepartment {
  id: number;
  name: string;
  abbreviation: string;
  depth: number;
  head: DirectoryPerson | null;
  deputies: DirectoryPerson[];
  people: DirectoryPerson[];
}

/**
 * The directory page of an agency: its leaders, then each department (as a tree) with its head,
 * deputies and people; with a search text, only the people whose name, title or email has it
 * and the departments whose name has it (with all their people).
 */
export async function agencyDirectory(
  agencyId: number,
  q?: string,
): Promise<{
  leaders: DirectoryPerson[];
  departments: DirectoryDepartment[];
  unplaced: DirectoryPerson[];
}> {
  const text = q?.trim() ?? '';
  const departments = await Department.findAll({ where: { agencyId } });
  const matchingDepartments = new Set(
    text
      ? (
          await Department.findAll({
            where: { [Op.and]: [{ agencyId }, whereFoldedLike('nameFolded', text)] },
            attributes: ['id'],
          })
        ).map((d) => d.id)
      : departments.map((d) => d.id),
  );
  const textWhere = text
    ? [
        {
          [Op.or]: [
            whereFoldedLike('fullNameFolded', text),
            whereFoldedLike('positionTitleFolded', text),
            whereLike('email', text),
            { departmentId: [...matchingDepartments] },
          ],
        },
      ]
    : [];
  const [people, deputies, leaders] = await Promise.all([
    User.findAll({ where: { [Op.and]: [{ agencyId, isActive: true }, ...textWhere] } }),
    DepartmentDeputy.findAll({
      where: { departmentId: departments.map((d) => d.id) },
      attributes: ['departmentId', 'userId'],
    }),
    leadersOf(agencyId),
  ]);
  const deputySet = new Set(deputies.map((d) => `${d.departmentId}:${d.userId}`));
  const nameOf = new Map(departments.map((d) => [d.id, d.name]));
  const headOfDept = new Map(departments.map((d) => [d.id, d.headUserId ?? null]));
  const person = (u: User): DirectoryPerson => ({
    id: u.id,
    fullName: u.fullName,
    positionTitle: u.positionTitle,
    email: u.email,
    departmentName: u.departmentId != null ? (nameOf.get(u.departmentId) ?? null) : null,
    place:
      u.departmentId != null && headOfDept.get(u.departmentId) === u.id
        ? 'head'
        : deputySet.has(`${u.departmentId}:${u.id}`)
          ? 'deputy'
          : 'member',
  });
  const shown = new Set(people.map((p) => p.id));
  const out: DirectoryDepartment[] = [];
  for (const { item, depth } of flattenTree(departments, [null])) {
    const members = orderPeople(
      people.filter((p) => p.departmentId === item.id),
      item.headUserId ?? null,
      new Set(deputies.filter((d) => d.departmentId === item.id).map((d) => d.userId)),
    ).map(person);
    if (text && !members.length) continue;
    out.push({
      id: item.id,
      name: item.name,
      abbreviation: item.abbreviation,
      depth: Math.min(depth, 5),
      head: members.find((m) => m.place === 'head') ?? null,
      deputies: members.filter((m) => m.place === 'deputy'),
      people: members,
    });
  }
  return {
    leaders: leaders.filter((l) => shown.has(l.id)).map(person),
    departments: out,
    unplaced: people
      .filter((p) => p.departmentId == null && !leaders.some((l) => l.id === p.id))
      .sort(byName)
      .map(person),
  };
}

export interface PickablePerson {
  id: number;
  fullName: string;
  positionTitle: string | null;
  departmentId: number | null;
  /** The abbreviation of the person's department ('' when none). */
  unit: string;
  roles: Role[];
}

export interface PickableDepartment {
  id: number;
  name: string;
  abbreviation: string;
}

/**
 * The agency's active staff (everyone holding a role other than admin), by name, with their
 * department's abbreviation and roles, and its departments by name: what the pickers of a
 * document's forms offer. Two plain reads, no model instances: a leader's or a head's document
 * page builds it for every view. With `departmentId`, only that department's staff and no
 * departments: all a head's hand-over form offers.
 */
export async function staffPicker(
  agencyId: number,
  { departmentId }: { departmentId?: number } = {},
): Promise<{ people: PickablePerson[]; departments: PickableDepartment[] }> {
  const ofDepartment = departmentId === undefined ? '' : ' AND u.departmentId = ?';
  const [people, departments] = await Promise.all([
    rawSelect<{
      id: number;
      fullName: string;
      positionTitle: string | null;
      departmentId: number | null;
      unit: string | null;
      roleNames: string | null;
    }>(
      db(),
      `SELECT u.id, u.fullName, u.positionTitle, u.departmentId, d.abbreviation AS unit,
              (SELECT GROUP_CONCAT(r.role) FROM user_roles r WHERE r.userId = u.id) AS roleNames
         FROM users u LEFT JOIN departments d ON d.id = u.departmentId
        WHERE u.agencyId = ? AND u.isActive = ?${ofDepartment} ORDER BY u.nameSortKey ASC, u.id ASC`,
      departmentId === undefined ? [agencyId, true] : [agencyId, true, departmentId],
    ),
    departmentId === undefined
      ? rawSelect<PickableDepartment>(
          db(),
          'SELECT id, name, abbreviation FROM departments WHERE agencyId = ? ORDER BY name ASC, id ASC',
          [agencyId],
        )
      : [],
  ]);
  return {
    people: people
      .map((row) => ({
        id: Number(row.id),
        fullName: row.fullName,
        positionTitle: row.positionTitle,
        departmentId: row.departmentId == null ? null : Number(row.departmentId),
        unit: row.unit ?? '',
        roles: String(row.roleNames ?? '')
          .split(',')
          .filter((r): r is Role => r !== '' && r !== 'admin' && isRole(r)),
      }))
      .filter((person) => person.roles.length > 0),
    departments: departments.map((d) => ({
      id: Number(d.id),
      name: d.name,
      abbreviation: d.abbreviation,
    })),
  };
}
