import { Agency, Department } from '../../src/agencies/agency.model.js';
import { DocumentEvent } from '../../src/documents/document.model.js';
import { IncomingAssignment, IncomingDocument } from '../../src/incoming/incoming.model.js';
import { Register } from '../../src/registers/register.model.js';
import type { User } from '../../src/users/user.model.js';
import { buildAgency, buildDepartment, buildUser } from '../factories/index.js';

export const SUBJECT = 'Về việc tổ chức Hội nghị tổng kết công tác năm 2026';
export const AUTHOR = 'Sở Nội vụ tỉnh Hà Nam';
export const SPECIALIST_NAME = 'Nguyễn Thị Hằng';
export const PARENT_AGENCY = 'Ủy ban nhân dân tỉnh Hà Nam';
export const DEPARTMENT_NAME = 'Phòng Văn hóa và Thông tin';
export const INFO_DEPARTMENT_NAME = 'Văn phòng HĐND và UBND huyện';

export interface RegisterFixture {
  agency: Agency;
  department: Department;
  clerk: User;
  lowClearanceClerk: User;
  leader: User;
  specialist: User;
  admin: User;
  register2025: Register;
}

async function addDocument(
  register: Register,
  clerk: User,
  n: number,
  arrival: string,
  overrides: Partial<IncomingDocument['_creationAttributes']> = {},
): Promise<IncomingDocument> {
  return IncomingDocument.create({
    agencyId: register.agencyId,
    registerId: register.id,
    arrivalNumber: n,
    arrivalDate: new Date(`${arrival}T09:30:00+07:00`),
    fromOrganName: `Cơ quan gửi số ${n}`,
    fromOrganId: null,
    codeNumber: String(100 + n),
    codeNotation: 'CV-VP',
    promulgationDate: arrival,
    documentType: 'CV',
    subject: `Công văn thử số ${n}`,
    signerName: null,
    urgency: 0,
    confidentiality: 0,
    pageAmount: 1,
    dueDate: null,
    status: 'registered',
    createdById: clerk.id,
    ...overrides,
  });
}

/**
 * An agency with a 2025 register of 10 documents (arrival numbers 1–10): no. 1 directed to a
 * specialist (lead, overdue), a department (support) and another (info), no. 2 completed, no. 3 secret, no. 4
 * presented to the leader; plus a
 * 2024 document (outside the period) and a document of another agency in the same period.
 */
export async function seedRegisters(): Promise<RegisterFixture> {
  const province = await buildAgency({ name: PARENT_AGENCY });
  const agency = await buildAgency({
    name: 'Ủy ban nhân dân huyện Thanh Liêm',
    parentId: province.id,
  });
  const department = await buildDepartment(agency, { name: DEPARTMENT_NAME });
  const infoDepartment = await buildDepartment(agency, { name: INFO_DEPARTMENT_NAME });
  const clerk = await buildUser(agency, ['clerk'], {
    fullName: 'Trần Văn Bình',
    secretClearance: 3,
  });
  const lowClearanceClerk = await buildUser(agency, ['clerk'], { fullName: 'Lê Văn Tư' });
  const leader = await buildUser(agency, ['leader'], {
    fullName: 'Phạm Quốc Hùng',
    secretClearance: 3,
  });
  const specialist = await buildUser(agency, ['specialist'], {
    fullName: SPECIALIST_NAME,
    departmentId: department.id,
  });
  const admin = await buildUser(agency, ['admin'], { fullName: 'Quản Trị Viên' });
  const base = { agencyId: agency.id, kind: 'incoming' as const };
  const register2024 = await Register.create({
    ...base,
    year: 2024,
    name: 'Sổ đăng ký văn bản đến năm 2024',
    lastNumber: 1,
  });
  const register2025 = await Register.create({
    ...base,
    year: 2025,
    name: 'Sổ đăng ký văn bản đến năm 2025',
    lastNumber: 10,
  });

  const first = await addDocument(register2025, clerk, 1, '2025-01-06', {
    fromOrganName: AUTHOR,
    codeNumber: '15',
    codeNotation: 'QĐ-UBND',
    promulgationDate: '2025-01-03',
    documentType: 'QĐ',
    subject: SUBJECT,
    urgency: 1,
    status: 'directed',
    presentedToId: leader.id,
  });
  await IncomingAssignment.create({
    documentId: first.id,
    parentId: null,
    role: 'lead',
    assigneeUserId: specialist.id,
    assigneeDepartmentId: null,
    assignedById: leader.id,
    deadline: '2025-01-20',
    status: 'in_progress',
    note: null,
    createdAt: new Date('2025-01-07T08:00:00+07:00'),
  });
  await IncomingAssignment.create({
    documentId: first.id,
    parentId: null,
    role: 'support',
    assigneeUserId: null,
    assigneeDepartmentId: department.id,
    assignedById: leader.id,
    deadline: '2025-01-20',
    status: 'pending',
    note: null,
  });
  await IncomingAssignment.create({
    documentId: first.id,
    parentId: null,
    role: 'info',
    assigneeUserId: null,
    assigneeDepartmentId: infoDepartment.id,
    assignedById: leader.id,
    deadline: null,
    status: 'pending',
    note: null,
  });
  const second = await addDocument(register2025, clerk, 2, '2025-02-10', {
    status: 'completed',
    completedAt: new Date('2025-02-12T10:00:00+07:00'),
  });
  await IncomingAssignment.create({
    documentId: second.id,
    parentId: null,
    role: 'lead',
    assigneeUserId: null,
    assigneeDepartmentId: department.id,
    assignedById: leader.id,
    deadline: '2025-02-20',
    status: 'completed',
    note: null,
    createdAt: new Date('2025-02-11T08:00:00+07:00'),
  });
  await addDocument(register2025, clerk, 3, '2025-03-03', {
    confidentiality: 1,
    subject: 'Văn bản mật thử nghiệm',
  });
  const presented = await addDocument(register2025, clerk, 4, '2025-04-15', {
    status: 'presented',
    presentedToId: leader.id,
  });
  await DocumentEvent.create({
    documentKind: 'incoming',
    documentId: presented.id,
    actorId: clerk.id,
    action: 'present',
    note: null,
    data: null,
    createdAt: new Date('2025-04-16T08:00:00+07:00'),
  });
  for (let n = 5; n <= 10; n += 1) {
    await addDocument(register2025, clerk, n, `2025-0${Math.min(9, n)}-15`);
  }
  await addDocument(register2024, clerk, 1, '2024-12-30', { subject: 'Văn bản ngoài kỳ báo cáo' });

  const other = await buildAgency();
  const otherClerk = await buildUser(other, ['clerk']);
  const otherRegister = await Register.create({
    agencyId: other.id,
    kind: 'incoming',
    year: 2025,
    name: 'Sổ khác',
    lastNumber: 1,
  });
  await addDocument(otherRegister, otherClerk, 1, '2025-01-06', {
    subject: 'Văn bản của cơ quan khác',
  });

  return { agency, department, clerk, lowClearanceClerk, leader, specialist, admin, register2025 };
}

export const PERIOD_2025 = 'from=2025-01-01&to=2025-12-31';
