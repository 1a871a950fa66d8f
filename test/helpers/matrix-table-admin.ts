/**
 * Policy matrix entries of the administration pages (/admin…). Targets with an
 * id (an agency, department, user) always belong to the main agency, so the other agency's
 * administrator must not reach them; the holiday calendar and default deadlines are national
 * (one calendar for the installation), so both administrators may change them.
 */
import { randomUUID } from 'node:crypto';
import { Agency, Department } from '../../src/agencies/agency.model.js';
import { Holiday, Setting } from '../../src/calendar/calendar.model.js';
import { DEADLINE_SETTING_KEY } from '../../src/calendar/working-days.js';
import { User } from '../../src/users/user.model.js';
import { AdminGrantRequest } from '../../src/users/admin-grant-request.model.js';
import { buildDepartment, buildUser } from '../factories/index.js';
import type { ActorName, MatrixWorld } from './matrix-actors.js';
import type { MatrixEntry, Prepared } from './matrix-runner.js';
import { departmentWithMembers } from './matrix-table-directory.js';

const ADMINS: ActorName[] = ['admin', 'foreignAdmin'];
const MAIN_ADMIN: ActorName[] = ['admin'];

const unique = () => randomUUID().replace(/-/g, '').slice(0, 8).toUpperCase();
let serial = 0;
export const next = () => ++serial;

/** A fresh agency code in the 000.00.00.000 form. */
const agencyCode = () => {
  const n = unique();
  return `${n.slice(0, 3)}.${n.slice(3, 5)}.${n.slice(5, 7)}.M${n.slice(7, 8)}1`;
};

export const rowOf = async (
  model: { findByPk(id: number, o: { raw: true }): Promise<unknown> },
  id: number,
) => JSON.parse(JSON.stringify(await model.findByPk(id, { raw: true })));

const mainDepartment = async (w: MatrixWorld): Promise<Department> => buildDepartment(w.agency);
const mainUser = async (
  w: MatrixWorld,
  overrides: Partial<User['_creationAttributes']> = {},
): Promise<User> => buildUser(w.agency, ['specialist'], { departmentId: w.deptD.id, ...overrides });

const onDepartment =
  (body: (d: Department) => Record<string, unknown>) =>
  async (w: MatrixWorld): Promise<Prepared> => {
    const d = await mainDepartment(w);
    return { params: { id: d.id }, body: body(d), state: () => rowOf(Department, d.id) };
  };

const onUser =
  (
    body: (u: User, w: MatrixWorld) => Record<string, unknown>,
    overrides: Partial<User['_creationAttributes']> = {},
  ) =>
  async (w: MatrixWorld): Promise<Prepared> => {
    const u = await mainUser(w, overrides);
    return { params: { id: u.id }, body: body(u, w), state: () => rowOf(User, u.id) };
  };

/**
 * A pending request for document access of another admin account of the main agency, asked by a
 * third admin: the matrix's admin neither asked nor holds it, so may decide it.
 */
const onGrantRequest = async (w: MatrixWorld): Promise<Prepared> => {
  const holder = await buildUser(w.agency, ['admin']);
  const asker = await buildUser(w.agency, ['admin']);
  const request = await AdminGrantRequest.create({
    agencyId: w.agency.id,
    userId: holder.id,
    requestedById: asker.id,
    roles: 'leader,admin',
    secretClearance: 2,
  });
  return {
    params: { id: request.id },
    state: async () => ({
      request: await rowOf(AdminGrantRequest, request.id),
      holder: await rowOf(User, holder.id),
      roles: (await holder.reload()).roleList(),
    }),
  };
};

export const adminEntries: MatrixEntry[] = [
  { method: 'GET', path: '/admin', cases: [{ allowed: ADMINS }] },
  { method: 'GET', path: '/admin/agency', cases: [{ allowed: ADMINS }] },
  {
    method: 'POST',
    path: '/admin/agency/children',
    cases: [
      {
        label: 'under the main agency',
        allowed: MAIN_ADMIN,
        // Another agency's administrator is told the parent is none of the form's choices.
        deniedAlso: {
          foreignAdmin: (res) => res.status === 422 && res.text.includes('id="parentId-error"'),
        },
        prepare: async (w) => ({
          body: {
            parentId: w.agency.id,
            name: `UBND xã Thử ${unique()}`,
            abbreviation: 'UBND',
            code: agencyCode(),
            address: '',
          },
          state: () => Agency.count(),
        }),
      },
    ],
  },
  {
    method: 'GET',
    path: '/admin/agency/:id/edit',
    cases: [
      {
        allowed: MAIN_ADMIN,
        prepare: async (w) => ({ params: { id: w.agency.id } }),
      },
    ],
  },
  {
    method: 'POST',
    path: '/admin/agency/:id',
    cases: [
      {
        allowed: MAIN_ADMIN,
        prepare: async (w) => {
          const agency = await Agency.findByPk(w.agency.id);
          return {
            params: { id: w.agency.id },
            body: {
              name: `UBND huyện Thử ${unique()}`,
              abbreviation: agency!.abbreviation,
              code: agency!.code,
              address: 'Số 1 đường Thử',
            },
            state: () => rowOf(Agency, w.agency.id),
          };
        },
      },
    ],
  },
  { method: 'GET', path: '/admin/departments', cases: [{ allowed: ADMINS }] },
  { method: 'GET', path: '/admin/departments/new', cases: [{ allowed: ADMINS }] },
  {
    method: 'POST',
    path: '/admin/departments',
    cases: [
      {
        allowed: ADMINS,
        prepare: async () => ({
          body: {
            name: `Phòng Thử ${unique()}`,
            abbreviation: `T${unique().slice(0, 5)}`,
            parentId: '',
          },
          state: () => Department.count(),
        }),
      },
    ],
  },
  {
    method: 'GET',
    path: '/admin/departments/:id/edit',
    cases: [{ allowed: MAIN_ADMIN, prepare: onDepartment(() => ({})) }],
  },
  {
    method: 'POST',
    path: '/admin/departments/:id',
    cases: [
      {
        allowed: MAIN_ADMIN,
        prepare: onDepartment((d) => ({
          name: `Phòng đổi tên ${unique()}`,
          abbreviation: d.abbreviation,
          parentId: '',
        })),
      },
      { label: 'its head and deputies', allowed: MAIN_ADMIN, prepare: departmentWithMembers },
    ],
  },
  {
    method: 'POST',
    path: '/admin/departments/:id/delete',
    cases: [{ allowed: MAIN_ADMIN, prepare: onDepartment(() => ({})) }],
  },
  { method: 'GET', path: '/admin/users', cases: [{ allowed: ADMINS }] },
  { method: 'GET', path: '/admin/users/new', cases: [{ allowed: ADMINS }] },
  {
    method: 'POST',
    path: '/admin/users',
    cases: [
      {
        allowed: ADMINS,
        prepare: async () => ({
          body: {
            username: `matran_${unique().toLowerCase()}`,
            fullName: 'Phạm Văn Mới',
            roles: 'specialist',
            secretClearance: '0',
            password: 'MatKhau789',
            confirmPassword: 'MatKhau789',
          },
          state: () => User.count(),
        }),
      },
    ],
  },
  {
    method: 'GET',
    path: '/admin/users/:id/edit',
    cases: [{ allowed: MAIN_ADMIN, prepare: onUser(() => ({})) }],
  },
  {
    method: 'POST',
    path: '/admin/users/:id',
    cases: [
      {
        allowed: MAIN_ADMIN,
        prepare: onUser((_u, w) => ({
          fullName: `Tên đã sửa ${unique()}`,
          roles: 'specialist',
          departmentId: String(w.deptD.id),
          secretClearance: '0',
          isActive: '1',
        })),
      },
    ],
  },
  {
    method: 'POST',
    path: '/admin/users/:id/password',
    cases: [
      {
        allowed: MAIN_ADMIN,
        prepare: onUser(() => ({ password: 'MatKhau456', confirmPassword: 'MatKhau456' })),
      },
      {
        // Set by its holder or the operator: one who chose it could sign in as them.
        label: "another administrator's",
        allowed: [],
        prepare: async (w) => {
          const other = await buildUser(w.agency, ['admin']);
          return {
            params: { id: other.id },
            body: { password: 'MatKhau456', confirmPassword: 'MatKhau456' },
            state: () => rowOf(User, other.id),
          };
        },
      },
    ],
  },
  {
    method: 'POST',
    path: '/admin/users/:id/deactivate',
    cases: [{ allowed: MAIN_ADMIN, prepare: onUser(() => ({})) }],
  },
  {
    method: 'POST',
    path: '/admin/users/:id/activate',
    cases: [{ allowed: MAIN_ADMIN, prepare: onUser(() => ({}), { isActive: false }) }],
  },
  {
    method: 'POST',
    path: '/admin/users/grant-requests/:id/approve',
    cases: [{ allowed: MAIN_ADMIN, prepare: onGrantRequest }],
  },
  {
    method: 'POST',
    path: '/admin/users/grant-requests/:id/reject',
    cases: [{ allowed: MAIN_ADMIN, prepare: onGrantRequest }],
  },
  { method: 'GET', path: '/admin/holidays', cases: [{ allowed: ADMINS }] },
  {
    method: 'POST',
    path: '/admin/holidays',
    cases: [
      {
        allowed: ADMINS,
        prepare: async () => {
          const n = next();
          const date = `2099-${String(1 + Math.floor(n / 28)).padStart(2, '0')}-${String(1 + (n % 28)).padStart(2, '0')}`;
          return { body: { date, name: 'Ngày nghỉ thử' }, state: () => Holiday.count() };
        },
      },
    ],
  },
  {
    method: 'POST',
    path: '/admin/holidays/seed',
    cases: [
      {
        allowed: ADMINS,
        prepare: async () => ({
          body: { year: String(2060 + next()) },
          state: () => Holiday.count(),
        }),
      },
    ],
  },
  {
    method: 'POST',
    path: '/admin/holidays/:id/delete',
    cases: [
      {
        allowed: ADMINS,
        prepare: async () => {
          const n = next();
          const date = `2098-${String(1 + Math.floor(n / 28)).padStart(2, '0')}-${String(1 + (n % 28)).padStart(2, '0')}`;
          const holiday = await Holiday.create({ date, name: 'Ngày nghỉ sẽ xóa' });
          return {
            params: { id: holiday.id },
            body: {},
            state: () => Holiday.count({ where: { id: holiday.id } }),
          };
        },
      },
    ],
  },
  {
    method: 'POST',
    path: '/admin/deadlines',
    cases: [
      {
        allowed: ADMINS,
        prepare: async () => {
          const d0 = 11 + next();
          return {
            body: { d0, d1: 5, d2: 3, d3: 1 },
            state: async () =>
              (await Setting.findByPk(DEADLINE_SETTING_KEY, { raw: true }))?.value ?? null,
          };
        },
      },
    ],
  },
  { method: 'GET', path: '/admin/audit', cases: [{ allowed: ADMINS }] },
  { method: 'GET', path: '/admin/audit/verify', cases: [{ allowed: ADMINS }] },
];
