import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Express } from 'express';
import { Agency, Department } from '../../src/agencies/agency.model.js';
import { User, type Role } from '../../src/users/user.model.js';
import { hashPassword } from '../../src/users/password.js';
import { setUserRoles } from '../../src/users/user-roles.js';
import { db } from '../../src/db/index.js';
import { withTransaction } from '../../src/db/transaction.js';

export const TEST_PASSWORD = 'MatKhau123';
let passwordHash: Promise<string> | null = null;

const unique = () => randomUUID().replace(/-/g, '').slice(0, 8);

/** An agency with a unique 13-character code. */
export async function buildAgency(
  overrides: Partial<Agency['_creationAttributes']> = {},
): Promise<Agency> {
  const n = unique().toUpperCase();
  return Agency.create({
    parentId: null,
    name: `UBND huyện Thử ${n}`,
    abbreviation: 'UBND',
    code: `${n.slice(0, 3)}.${n.slice(3, 5)}.${n.slice(5, 7)}.H${n.slice(7, 8)}1`,
    ...overrides,
  });
}

export async function buildDepartment(
  agency: Agency,
  overrides: Partial<Department['_creationAttributes']> = {},
): Promise<Department> {
  return Department.create({
    agencyId: agency.id,
    parentId: null,
    name: `Phòng ${unique()}`,
    abbreviation: `P${unique().slice(0, 4).toUpperCase()}`,
    ...overrides,
  });
}

/** A user (password TEST_PASSWORD) with the given roles in the agency (user_roles rows). */
export async function buildUser(
  agency: Agency,
  roles: Role[],
  overrides: Partial<User['_creationAttributes']> = {},
): Promise<User> {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const hash = await passwordHash;
  return withTransaction(db(), undefined, async (transaction) => {
    const user = await User.create(
      {
        agencyId: agency.id,
        departmentId: null,
        username: `u_${unique()}`,
        fullName: 'Nguyễn Thị Hằng',
        positionTitle: null,
        email: null,
        passwordHash: hash,
        ...overrides,
      },
      { transaction },
    );
    await setUserRoles(user, roles, transaction);
    return user;
  });
}

/** The CSRF token in a page's HTML. */
export function csrfTokenOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('No CSRF token in page');
  return match[1];
}

export interface Session {
  agent: ReturnType<typeof request.agent>;
  /** A fresh CSRF token for the signed-in session. */
  csrf(): Promise<string>;
}

/** Signs a user in through the real login form and returns the cookie-carrying agent. */
export async function loginAs(
  app: Express,
  user: User,
  password = TEST_PASSWORD,
): Promise<Session> {
  const agent = request.agent(app);
  const loginPage = await agent.get('/login');
  const res = await agent
    .post('/login')
    .type('form')
    .send({ _csrf: csrfTokenOf(loginPage.text), username: user.username, password });
  if (res.status !== 303) throw new Error(`Login failed for ${user.username}: ${res.status}`);
  return {
    agent,
    async csrf() {
      const page = await agent.get('/profile');
      return csrfTokenOf(page.text);
    },
  };
}

/**
 * Signs in with a password an administrator set and chooses a new one on the page it leads to
 * (requireOwnPassword): the session then reaches every page the account may.
 */
export async function loginChoosingPassword(
  app: Express,
  user: User,
  adminSet: string,
  chosen: string,
): Promise<Session> {
  const session = await loginAs(app, user, adminSet);
  const page = await session.agent.get('/password/change');
  const res = await session.agent
    .post('/password/change')
    .type('form')
    .send({
      _csrf: csrfTokenOf(page.text),
      currentPassword: adminSet,
      newPassword: chosen,
      confirmPassword: chosen,
    });
  if (res.status !== 303)
    throw new Error(`Password change failed for ${user.username}: ${res.status}`);
  return session;
}
