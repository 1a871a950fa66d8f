/**
 * Seeds the benchmark database: the agency, departments and users through the services (so the
 * audit chain is valid), then N incoming documents with their assignments, trail events and file
 * links by multi-row INSERTs in batches inside transactions. Statuses follow a realistic spread:
 * old documents are mostly filed, recent ones are open. The benchmark user (a specialist of
 * Phòng Tài chính - Kế hoạch) gets hand-overs in every state, so "to handle" has rows.
 */
import type { Sequelize, Transaction } from 'sequelize';
import { setupAgency } from '../../src/agencies/setup.service.js';
import { todayInVietnam } from '../../src/calendar/working-days.js';
import { storeUpload } from '../../src/files/file-storage.service.js';
import { Register } from '../../src/registers/register.model.js';
import type { User } from '../../src/users/user.model.js';
import {
  createDepartments,
  createUsers,
  DISTRICT_DEPARTMENTS,
  type UserSpec,
} from '../../src/demo/organisation.js';
import { pick, seededRandom, SENDERS, SIGNERS, SUBJECTS } from '../../src/demo/sample-data.js';
import { samplePdf } from '../../src/demo/sample-pdf.js';

export const BENCH_PASSWORD = 'Bench-2026';
const BATCH = 2000;
const DAY_MS = 86_400_000;

const USERS: UserSpec[] = [
  {
    username: 'vanthu',
    fullName: 'Nguyễn Thị Lan',
    positionTitle: 'Văn thư',
    roles: ['clerk'],
    department: 'VP',
    secretClearance: 1,
  },
  {
    username: 'chutich',
    fullName: 'Trần Văn Hùng',
    positionTitle: 'Chủ tịch',
    roles: ['leader'],
    secretClearance: 3,
  },
  {
    username: 'truongphong.tckh',
    fullName: 'Hoàng Văn Nam',
    positionTitle: 'Trưởng phòng',
    roles: ['dept_head'],
    department: 'TCKH',
  },
  {
    username: 'chuyenvien.tckh',
    fullName: 'Đỗ Thị Mai',
    positionTitle: 'Chuyên viên',
    roles: ['specialist'],
    department: 'TCKH',
  },
  {
    username: 'chuyenvien2.tckh',
    fullName: 'Vũ Quang Huy',
    positionTitle: 'Chuyên viên',
    roles: ['specialist'],
    department: 'TCKH',
  },
  {
    username: 'chuyenvien3.tckh',
    fullName: 'Lê Thị Hồng',
    positionTitle: 'Chuyên viên',
    roles: ['specialist'],
    department: 'TCKH',
  },
];

export interface SeedResult {
  documents: number;
  assignments: number;
  events: number;
  benchUser: User;
  /** A document the benchmark user handles (for the detail page). */
  detailId: number;
  toHandleRows: number;
  seconds: number;
}

type Row = Record<string, unknown>;

async function insertBatches(
  sequelize: Sequelize,
  table: string,
  rows: Row[],
  transaction: Transaction,
): Promise<void> {
  const qi = sequelize.getQueryInterface();
  for (let i = 0; i < rows.length; i += BATCH) {
    await qi.bulkInsert(table, rows.slice(i, i + BATCH), { transaction });
  }
}

/** The status of a document that arrived `age` days ago. */
function statusFor(age: number, r: number): string {
  if (age > 60) return r < 0.93 ? 'filed' : r < 0.97 ? 'completed' : 'returned';
  if (age > 20)
    return r < 0.55
      ? 'filed'
      : r < 0.7
        ? 'completed'
        : r < 0.92
          ? 'in_progress'
          : r < 0.97
            ? 'directed'
            : 'returned';
  return r < 0.15
    ? 'registered'
    : r < 0.3
      ? 'presented'
      : r < 0.5
        ? 'directed'
        : r < 0.85
          ? 'in_progress'
          : r < 0.95
            ? 'completed'
            : 'returned';
}

export async function seedBench(
  sequelize: Sequelize,
  count: number,
  log: (s: string) => void,
): Promise<SeedResult> {
  const started = Date.now();
  const { agency, admin } = await setupAgency(
    {
      agencyName: 'UBND huyện Benchmark',
      agencyCode: '000.00.31.H77',
      agencyAbbr: 'UBND',
      adminUsername: 'quantri',
      adminFullName: 'Quản trị hệ thống',
      adminPassword: BENCH_PASSWORD,
    },
    null,
  );
  const departments = await createDepartments(agency.id, DISTRICT_DEPARTMENTS);
  const users = await createUsers(agency.id, USERS, departments, BENCH_PASSWORD, admin.id);
  const clerk = users.get('vanthu')!;
  const leader = users.get('chutich')!;
  const head = users.get('truongphong.tckh')!;
  const specialists = ['chuyenvien.tckh', 'chuyenvien2.tckh', 'chuyenvien3.tckh'].map((u) =>
    users.get(u)!,
  );
  const benchUser = specialists[0];
  const deptIds = [...departments.values()].map((d) => d.id);
  const tckh = departments.get('TCKH')!.id;

  const pdf = await samplePdf({
    issuer: 'Sở Tài chính tỉnh Hà Tĩnh',
    notation: '1/STC',
    title: 'Công văn',
    subject: SUBJECTS[2].subject,
  });
  const stored = await storeUpload(pdf, 'van-ban.pdf');
  const fileId = stored.storedFile.id;

  const today = todayInVietnam();
  const todayMs = Date.parse(`${today}T00:00:00Z`);
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const random = seededRandom(7);
  const span = 730; // two years of arrivals
  const docs: Row[] = [];
  const assignments: Row[] = [];
  const events: Row[] = [];
  const files: Row[] = [];
  const numberByYear = new Map<number, number>();
  const registerIds = new Map<number, number>();
  let assignmentId = 0;
  let detailId = 0;
  let toHandleRows = 0;

  for (let id = 1; id <= count; id += 1) {
    // Oldest first so arrival numbers follow arrival dates within each year.
    const age = Math.floor(((count - id) / count) * span);
    const arrivalMs = todayMs - age * DAY_MS + 8 * 3600_000 + (id % 480) * 60_000;
    const arrival = new Date(arrivalMs - 7 * 3600_000);
    const year = new Date(arrivalMs).getUTCFullYear();
    if (!registerIds.has(year)) {
      const register = await Register.create({
        agencyId: agency.id,
        kind: 'incoming',
        year,
        name: `Sổ đăng ký văn bản đến năm ${year}`,
      });
      registerIds.set(year, register.id);
    }
    const number = (numberByYear.get(year) ?? 0) + 1;
    numberByYear.set(year, number);
    const status = statusFor(age, random());
    const template = SUBJECTS[id % SUBJECTS.length];
    const sender = pick(SENDERS, random);
    const urgency = random() < 0.8 ? 0 : Math.floor(random() * 3) + 1;
    const confidentiality = random() < 0.03 ? 1 : 0;
    const presented = status !== 'registered';
    const directed = ['directed', 'in_progress', 'completed', 'filed'].includes(status);
    const closed = ['completed', 'filed'].includes(status);
    const deadline = iso(arrivalMs + (urgency ? 5 : 14) * DAY_MS);
    const dueDate = random() < 0.3 ? deadline : null;
    docs.push({
      id,
      agencyId: agency.id,
      registerId: registerIds.get(year),
      arrivalNumber: number,
      arrivalDate: arrival,
      fromOrganName: sender.name,
      fromOrganId: null,
      codeNumber: String((id % 9000) + 1),
      codeNotation: `${template.type}-${sender.abbr}`,
      promulgationDate: iso(arrivalMs - 2 * DAY_MS),
      documentType: template.type,
      subject: template.subject,
      signerName: pick(SIGNERS, random),
      urgency,
      confidentiality,
      pageAmount: 1 + (id % 5),
      dueDate,
      status,
      presentedToId: presented ? leader.id : null,
      directionNote: directed ? 'Giao phòng chủ trì tham mưu giải quyết.' : null,
      resultNote: closed ? 'Đã tham mưu văn bản trả lời.' : null,
      returnReason: status === 'returned' ? 'Không thuộc thẩm quyền.' : null,
      completedAt: closed ? new Date(arrivalMs + 6 * DAY_MS) : null,
      filedAt: status === 'filed' ? new Date(arrivalMs + 8 * DAY_MS) : null,
      createdById: clerk.id,
      createdAt: arrival,
      updatedAt: arrival,
    });
    files.push({
      documentKind: 'incoming',
      documentId: id,
      fileId,
      originalName: `${id}.pdf`,
      createdAt: arrival,
      updatedAt: arrival,
    });
    const event = (action: string, actorId: number, days: number) =>
      events.push({
        documentKind: 'incoming',
        documentId: id,
        actorId,
        action,
        note: null,
        data: null,
        createdAt: new Date(arrivalMs + days * DAY_MS),
        updatedAt: new Date(arrivalMs + days * DAY_MS),
      });
    event('registered', clerk.id, 0);
    if (presented) event('present', clerk.id, 0.1);
    if (status === 'returned') event('return', leader.id, 1);
    if (!directed) continue;
    event('direct', leader.id, 1);

    // The lead department: Tài chính - Kế hoạch for one document in four, else another one.
    const others = deptIds.filter((d) => d !== tckh);
    const leadDept = random() < 0.25 ? tckh : others[Math.floor(random() * others.length)];
    const leadStatus = closed ? 'completed' : status === 'directed' ? 'pending' : 'in_progress';
    const lead = ++assignmentId;
    const at = new Date(arrivalMs + DAY_MS);
    const base = {
      documentId: id,
      assignedById: leader.id,
      deadline,
      note: null,
      createdAt: at,
      updatedAt: at,
    };
    assignments.push({
      ...base,
      id: lead,
      parentId: null,
      role: 'lead',
      assigneeUserId: null,
      assigneeDepartmentId: leadDept,
      status: leadStatus,
      progressPercent: closed ? 100 : 0,
      resultNote: closed ? 'Đã xong.' : null,
      completedAt: closed ? at : null,
    });
    if (id % 4 === 0) {
      assignments.push({
        ...base,
        id: ++assignmentId,
        parentId: null,
        role: 'support',
        assigneeUserId: null,
        assigneeDepartmentId: deptIds[(id + 1) % deptIds.length],
        status: leadStatus,
        progressPercent: 0,
        resultNote: null,
        completedAt: closed ? at : null,
      });
    }
    if (leadDept === tckh && status !== 'directed') {
      const person = specialists[Math.floor(random() * specialists.length)];
      const childStatus = closed ? 'completed' : random() < 0.5 ? 'pending' : 'in_progress';
      assignments.push({
        ...base,
        id: ++assignmentId,
        parentId: lead,
        role: 'lead',
        assignedById: head.id,
        assigneeUserId: person.id,
        assigneeDepartmentId: null,
        status: childStatus,
        progressPercent: closed ? 100 : childStatus === 'in_progress' ? 50 : 0,
        resultNote: closed ? 'Đã xong.' : null,
        completedAt: closed ? at : null,
      });
      event('assign', head.id, 2);
      if (person.id === benchUser.id && childStatus === 'pending') {
        toHandleRows += 1;
        detailId = id;
      }
    }
    if (status !== 'directed') event('report', leader.id, 3);
    if (closed) event('complete', leader.id, 6);
    if (status === 'filed') event('file', clerk.id, 8);
  }

  const sequelize_ = sequelize;
  for (const [table, rows] of [
    ['incoming_documents', docs],
    ['incoming_assignments', assignments],
    ['document_events', events],
    ['document_files', files],
  ] as const) {
    const t0 = Date.now();
    await sequelize_.transaction((transaction) =>
      insertBatches(sequelize_, table, rows, transaction),
    );
    log(`  ${table}: ${rows.length} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  for (const [year, last] of numberByYear)
    await Register.update({ lastNumber: last }, { where: { id: registerIds.get(year)! } });
  await sequelize.getQueryInterface().bulkInsert(
    'notifications',
    Array.from({ length: 40 }, (_, k) => ({
      userId: benchUser.id,
      kind: 'assigned',
      message: `Văn bản được giao #${k + 1}`,
      link: '/incoming',
      isRead: k >= 12,
      createdAt: new Date(),
      updatedAt: new Date(),
    })),
  );
  return {
    documents: docs.length,
    assignments: assignments.length,
    events: events.length,
    benchUser,
    detailId,
    toHandleRows,
    seconds: (Date.now() - started) / 1000,
  };
}
