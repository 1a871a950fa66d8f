import { expect } from 'chai';
import type { Express } from 'express';
import {
  buildAgency,
  buildDepartment,
  buildUser,
  loginAs,
  type Session,
} from '../factories/index.js';
import { makePdf } from '../fixtures/pdf.js';
import type { Agency, Department } from '../../src/agencies/agency.model.js';
import type { User } from '../../src/users/user.model.js';

/** A signed-in person with a cached CSRF token. */
export interface Actor {
  user: User;
  session: Session;
  token: string;
}

export async function signIn(app: Express, user: User): Promise<Actor> {
  const session = await loginAs(app, user);
  return { user, session, token: await session.csrf() };
}

/** Signs several people in one after the other (logins write the session and the user row). */
export async function signInAll(ctx: { app: Express }, users: User[]): Promise<Actor[]> {
  const actors: Actor[] = [];
  for (const user of users) actors.push(await signIn(ctx.app, user));
  return actors;
}

/** Posts a form as this person (url-encoded, CSRF in the body). */
export function postForm(actor: Actor, path: string, body: Record<string, string | string[]>) {
  return actor.session.agent
    .post(path)
    .type('form')
    .send({ _csrf: actor.token, ...body });
}

export const incomingFields = (overrides: Record<string, string> = {}) => ({
  fromOrganName: 'Sở Tài chính tỉnh Thử',
  codeNumber: String(Math.floor(Math.random() * 1e6)),
  codeNotation: 'STC-QLNS',
  documentType: 'CV',
  subject: 'Về việc hướng dẫn lập dự toán ngân sách năm sau',
  urgency: '0',
  confidentiality: '0',
  ...overrides,
});

/** The clerk registers a document through the form with a generated PDF; returns its id. */
export async function registerThroughForm(
  clerk: Actor,
  overrides: Record<string, string> = {},
): Promise<number> {
  let req = clerk.session.agent.post(`/incoming?_csrf=${encodeURIComponent(clerk.token)}`);
  for (const [k, v] of Object.entries(incomingFields(overrides))) req = req.field(k, v);
  const res = await req.attach('files', await makePdf(1, 'Cong van'), {
    filename: 'công-văn.pdf',
    contentType: 'application/pdf',
  });
  expect(res.status, res.text.slice(0, 500)).to.equal(303);
  return Number(/\/incoming\/(\d+)$/.exec(res.headers.location)![1]);
}

export interface Office {
  agency: Agency;
  department: Department;
  clerk: User;
  leader: User;
  deptHead: User;
  specialist: User;
  supporter: User;
  reader: User;
}

/** One agency with a department (head + specialist) and the other people of the flow. */
export async function buildOffice(): Promise<Office> {
  const agency = await buildAgency();
  const department = await buildDepartment(agency, { name: 'Phòng Tài chính - Kế hoạch' });
  const other = await buildDepartment(agency, { name: 'Văn phòng HĐND và UBND' });
  const [clerk, leader, deptHead, specialist, supporter, reader] = await Promise.all([
    buildUser(agency, ['clerk'], { fullName: 'Lê Thị Văn Thư', departmentId: other.id }),
    buildUser(agency, ['leader'], { fullName: 'Nguyễn Văn Chủ Tịch' }),
    buildUser(agency, ['dept_head'], {
      fullName: 'Trần Trưởng Phòng',
      departmentId: department.id,
    }),
    buildUser(agency, ['specialist'], {
      fullName: 'Phạm Chuyên Viên',
      departmentId: department.id,
    }),
    buildUser(agency, ['specialist'], { fullName: 'Hoàng Phối Hợp', departmentId: other.id }),
    buildUser(agency, ['specialist'], { fullName: 'Vũ Để Biết', departmentId: other.id }),
  ]);
  return { agency, department, clerk, leader, deptHead, specialist, supporter, reader };
}
