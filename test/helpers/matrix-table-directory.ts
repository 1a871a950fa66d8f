/**
 * Policy matrix entries of the organisation directory: every signed-in person reads their own
 * agency's directory (never another's); a department's head and deputies are set by the main
 * agency's administrator on the department form (the case in matrix-table-admin.ts uses
 * departmentWithMembers below).
 */
import { Department } from '../../src/agencies/agency.model.js';
import { DepartmentDeputy } from '../../src/agencies/department-deputy.model.js';
import { buildDepartment, buildUser } from '../factories/index.js';
import type { ActorName, MatrixWorld } from './matrix-actors.js';
import type { MatrixEntry, Prepared } from './matrix-runner.js';

const SIGNED_IN: ActorName[] = [
  'clerk',
  'leader',
  'deptHead',
  'specialist',
  'otherSpecialist',
  'admin',
  'foreignClerk',
  'foreignAdmin',
];
const FOREIGN: ActorName[] = ['foreignClerk', 'foreignAdmin'];

/** A department of the main agency with two members, posted with one as head, one as deputy. */
export async function departmentWithMembers(w: MatrixWorld): Promise<Prepared> {
  const d = await buildDepartment(w.agency);
  const head = await buildUser(w.agency, ['dept_head'], { departmentId: d.id });
  const deputy = await buildUser(w.agency, ['specialist'], { departmentId: d.id });
  return {
    params: { id: d.id },
    body: {
      name: d.name,
      abbreviation: d.abbreviation,
      parentId: '',
      leaders: '1',
      headUserId: String(head.id),
      deputyIds: [String(deputy.id)],
    },
    state: async () => [
      (await Department.findByPk(d.id))?.headUserId ?? null,
      (await DepartmentDeputy.findAll({ where: { departmentId: d.id } })).map((r) => r.userId),
    ],
  };
}

export const directoryEntries: MatrixEntry[] = [
  {
    method: 'GET',
    path: '/directory',
    cases: [
      {
        label: "one's own agency only",
        allowed: SIGNED_IN,
        allowedCheck: (res, actor) => {
          if (res.status !== 200) return `expected 200, got ${res.status}`;
          const showsMain = res.text.includes('Trưởng phòng D');
          if (FOREIGN.includes(actor) === showsMain)
            return showsMain ? "shows the other agency's people" : "misses its own agency's people";
          return null;
        },
      },
    ],
  },
];
