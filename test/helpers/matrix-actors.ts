/**
 * The actors of the policy matrix (test/integration/policy-matrix.test.ts): one agency with two
 * departments D and E and a person for every role, plus a clerk and an administrator of another
 * agency. Each signed-in actor has a page session (cookies + CSRF token) and a personal access
 * token for /api/v1; the anonymous actor has a session too, so its posts carry a valid CSRF token
 * and are refused for the missing sign-in, not for the token.
 */
import { randomBytes, scryptSync } from 'node:crypto';
import request from 'supertest';
import type { Express } from 'express';
import type { Agency, Department } from '../../src/agencies/agency.model.js';
import type { User } from '../../src/users/user.model.js';
import { createAccessToken } from '../../src/users/users.service.js';
import {
  buildAgency,
  buildDepartment,
  buildUser,
  csrfTokenOf,
  loginAs,
  TEST_PASSWORD,
  type Session,
} from '../factories/index.js';

export const ACTORS = [
  'anonymous',
  'clerk',
  'leader',
  'deptHead',
  'specialist',
  'otherSpecialist',
  'admin',
  'foreignClerk',
  'foreignAdmin',
] as const;
export type ActorName = (typeof ACTORS)[number];
export type SignedInActor = Exclude<ActorName, 'anonymous'>;

/** A page session with its CSRF token read once (csrf-sync keeps one token per session). */
export interface PageSession {
  agent: Session['agent'];
  csrf: string;
}

export interface MatrixWorld {
  app: Express;
  agency: Agency;
  foreignAgency: Agency;
  deptD: Department;
  deptE: Department;
  users: Record<SignedInActor, User>;
  /**
   * People who are no actor of the matrix: a member of the agency who sends a deputy to the
   * meetings, and a leader of the other agency who chairs its clerk's meeting (an account that
   * only administers the system takes part in no meeting).
   */
  people: { absentMember: User; foreignLeader: User };
  sessions: Record<ActorName, PageSession>;
  tokens: Record<SignedInActor, string>;
}

/** A signed-out session that has seen the login form (so it holds a CSRF token). */
export async function anonymousSession(app: Express): Promise<PageSession> {
  const agent = request.agent(app);
  const page = await agent.get('/login');
  return { agent, csrf: csrfTokenOf(page.text) };
}

/** A new signed-in session for the user (for requests that end or alter their session). */
export async function freshSession(app: Express, user: User): Promise<PageSession> {
  const session = await loginAs(app, user);
  return { agent: session.agent, csrf: await session.csrf() };
}

/**
 * TEST_PASSWORD hashed with cheap scrypt parameters: verifyPassword reads N, r and p from the
 * stored hash, so the matrix's many sign-ins stay fast while going through the real login.
 */
function cheapPasswordHash(): string {
  const salt = randomBytes(16);
  const key = scryptSync(TEST_PASSWORD.normalize('NFC'), salt, 32, { N: 1024, r: 8, p: 1 });
  return ['scrypt', 1024, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function buildWorld(app: Express): Promise<MatrixWorld> {
  const passwordHash = cheapPasswordHash();
  const agency = await buildAgency();
  const foreignAgency = await buildAgency();
  const deptD = await buildDepartment(agency);
  const deptE = await buildDepartment(agency);
  const users: Record<SignedInActor, User> = {
    clerk: await buildUser(agency, ['clerk'], { passwordHash, fullName: 'Văn thư Lê Thị Thu' }),
    leader: await buildUser(agency, ['leader'], {
      passwordHash,
      fullName: 'Chủ tịch Trần Văn Bình',
    }),
    deptHead: await buildUser(agency, ['dept_head'], {
      passwordHash,
      departmentId: deptD.id,
      fullName: 'Trưởng phòng D',
    }),
    specialist: await buildUser(agency, ['specialist'], {
      passwordHash,
      departmentId: deptD.id,
      fullName: 'Chuyên viên D',
    }),
    otherSpecialist: await buildUser(agency, ['specialist'], {
      passwordHash,
      departmentId: deptE.id,
      fullName: 'Chuyên viên E',
    }),
    admin: await buildUser(agency, ['admin'], { passwordHash, fullName: 'Quản trị viên' }),
    foreignClerk: await buildUser(foreignAgency, ['clerk'], {
      passwordHash,
      fullName: 'Văn thư cơ quan khác',
    }),
    foreignAdmin: await buildUser(foreignAgency, ['admin'], {
      passwordHash,
      fullName: 'Quản trị cơ quan khác',
    }),
  };
  const names = Object.keys(users) as SignedInActor[];
  const sessions = { anonymous: await anonymousSession(app) } as Record<ActorName, PageSession>;
  const tokens = {} as Record<SignedInActor, string>;
  for (const name of names) {
    sessions[name] = await freshSession(app, users[name]);
    tokens[name] = (
      await createAccessToken(users[name], 'policy matrix', { userId: users[name].id, ip: null })
    ).token;
  }
  const people = {
    absentMember: await buildUser(agency, ['specialist'], {
      passwordHash,
      departmentId: deptE.id,
      fullName: 'Đại biểu vắng',
    }),
    foreignLeader: await buildUser(foreignAgency, ['leader'], {
      passwordHash,
      fullName: 'Lãnh đạo cơ quan khác',
    }),
  };
  return { app, agency, foreignAgency, deptD, deptE, users, people, sessions, tokens };
}
