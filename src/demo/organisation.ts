import { Department } from '../agencies/agency.model.js';
import { withTransaction } from '../db/transaction.js';
import { db } from '../db/index.js';
import { createUser } from '../users/users.service.js';
import { setDepartmentLeaders } from '../users/directory.service.js';
import type { Role, User } from '../users/user.model.js';

export interface DepartmentSpec {
  name: string;
  abbreviation: string;
}

export interface UserSpec {
  username: string;
  fullName: string;
  positionTitle: string | null;
  roles: Role[];
  /** Abbreviation of the department the person belongs to. */
  department?: string;
  secretClearance?: number;
  email?: string;
}

/** The departments of a district People's Committee (Ủy ban nhân dân huyện). */
export const DISTRICT_DEPARTMENTS: DepartmentSpec[] = [
  { name: 'Văn phòng HĐND và UBND', abbreviation: 'VP' },
  { name: 'Phòng Tài chính - Kế hoạch', abbreviation: 'TCKH' },
  { name: 'Phòng Nội vụ', abbreviation: 'NV' },
  { name: 'Phòng Tài nguyên và Môi trường', abbreviation: 'TNMT' },
  { name: 'Phòng Giáo dục và Đào tạo', abbreviation: 'GDĐT' },
  { name: 'Phòng Y tế', abbreviation: 'YT' },
];

/** Creates departments of an agency; returns them by abbreviation. */
export async function createDepartments(
  agencyId: number,
  specs: DepartmentSpec[],
): Promise<Map<string, Department>> {
  const created = await withTransaction(db(), undefined, (transaction) =>
    Promise.all(
      specs.map((spec) =>
        Department.create(
          { agencyId, parentId: null, name: spec.name, abbreviation: spec.abbreviation },
          { transaction },
        ),
      ),
    ),
  );
  return new Map(created.map((d) => [d.abbreviation, d]));
}

/** Creates users through the users service (hashed password, audited); returns them by username. */
export async function createUsers(
  agencyId: number,
  specs: UserSpec[],
  departments: Map<string, Department>,
  password: string,
  actorId: number | null,
): Promise<Map<string, User>> {
  const users = new Map<string, User>();
  for (const spec of specs) {
    const department = spec.department ? departments.get(spec.department) : undefined;
    if (spec.department && !department) throw new Error(`Unknown department ${spec.department}`);
    const { user } = await createUser(
      agencyId,
      {
        username: spec.username,
        fullName: spec.fullName,
        positionTitle: spec.positionTitle,
        email: spec.email ?? null,
        password,
        roles: spec.roles,
        departmentId: department?.id ?? null,
        secretClearance: spec.secretClearance ?? 0,
      },
      { userId: actorId, ip: null },
    );
    users.set(spec.username, user);
  }
  await nameDepartmentLeaders(specs, departments, users);
  return users;
}

/**
 * Names each department's head and deputies in the directory: its people with the dept_head
 * role, a "Phó …" title (phó trưởng phòng) making a deputy.
 */
async function nameDepartmentLeaders(
  specs: UserSpec[],
  departments: Map<string, Department>,
  users: Map<string, User>,
): Promise<void> {
  const isDeputy = (spec: UserSpec) => /^\s*phó(\s|$)/iu.test(spec.positionTitle ?? '');
  const idOf = (spec: UserSpec) => users.get(spec.username)!.id;
  await withTransaction(db(), undefined, async (transaction) => {
    for (const [abbreviation, department] of departments) {
      const leads = specs.filter(
        (s) => s.department === abbreviation && s.roles.includes('dept_head'),
      );
      if (!leads.length) continue;
      const head = leads.find((s) => !isDeputy(s));
      await setDepartmentLeaders(
        department,
        { headUserId: head ? idOf(head) : null, deputyIds: leads.filter(isDeputy).map(idOf) },
        transaction,
      );
    }
  });
}
