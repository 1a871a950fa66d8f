/**
 * Seeds the benchmark database as a district agency looks after two years of use: the agency, its
 * departments and BENCH_USERS people of every role (clerks, leaders, heads and deputies of every
 * department, specialists) through the services (so passwords are hashed and the audit chain is
 * valid), then N incoming documents with their assignments, trail events, file links, the folded
 * search column and the text read from their files, by multi-row INSERTs in batches inside
 * transactions. Statuses follow a realistic spread: old documents are mostly filed, recent ones
 * are open, each led by a department and handed on to one of its specialists.
 */
import type { Sequelize, Transaction } from 'sequelize';
import { setupAgency } from '../../src/agencies/setup.service.js';
import { todayInVietnam } from '../../src/calendar/working-days.js';
import { documentTypeName } from '../../src/documents/document-types.js';
import { storeUpload } from '../../src/files/file-storage.service.js';
import { foldSearchText, incomingSearchText } from '../../src/incoming/incoming.search-text.js';
import { writeSearchTerms } from '../../src/incoming/incoming.search-terms.js';
import { Register } from '../../src/registers/register.model.js';
import type { Role, User } from '../../src/users/user.model.js';
import {
  createDepartments,
  createUsers,
  DISTRICT_DEPARTMENTS,
  type DepartmentSpec,
  type UserSpec,
} from '../../src/demo/organisation.js';
import { pick, seededRandom, SENDERS, SIGNERS, SUBJECTS } from '../../src/demo/sample-data.js';
import { samplePdf } from '../../src/demo/sample-pdf.js';

export const BENCH_PASSWORD = 'Bench-2026';
const BATCH = 2000;
const DAY_MS = 86_400_000;

/** A district committee's departments: the demo's six and four more. */
export const BENCH_DEPARTMENTS: DepartmentSpec[] = [
  ...DISTRICT_DEPARTMENTS,
  { name: 'Phòng Tư pháp', abbreviation: 'TP' },
  { name: 'Phòng Văn hóa - Thông tin', abbreviation: 'VHTT' },
  { name: 'Phòng Lao động - Thương binh và Xã hội', abbreviation: 'LĐTBXH' },
  { name: 'Phòng Kinh tế - Hạ tầng', abbreviation: 'KTHT' },
];

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ'];
const MIDDLE = ['Văn', 'Thị', 'Đức', 'Minh', 'Quang', 'Thu', 'Ngọc', 'Hữu'];
const GIVEN = ['An', 'Bình', 'Chi', 'Dũng', 'Giang', 'Hà', 'Hải', 'Hương', 'Khánh', 'Lan', 'Long'];

/**
 * The people of the agency, `count` at least: 3 leaders (the chair and two vice-chairs), 4
 * clerks of the office, and in every department a head, a deputy and specialists.
 */
export function benchUserSpecs(count: number, departments = BENCH_DEPARTMENTS): UserSpec[] {
  const name = (i: number) =>
    `${FAMILY[i % FAMILY.length]} ${MIDDLE[(i >> 1) % MIDDLE.length]} ${GIVEN[(i * 7) % GIVEN.length]}`;
  const specs: UserSpec[] = [];
  const add = (
    username: string,
    positionTitle: string,
    roles: Role[],
    department?: string,
    secretClearance = 0,
  ) =>
    specs.push({
      username,
      fullName: name(specs.length),
      positionTitle,
      roles,
      department,
      secretClearance,
    });
  add('chutich', 'Chủ tịch', ['leader'], undefined, 3);
  add('phochutich1', 'Phó Chủ tịch', ['leader'], undefined, 2);
  add('phochutich2', 'Phó Chủ tịch', ['leader'], undefined, 2);
  for (let k = 1; k <= 4; k++) add(`vanthu${k}`, 'Văn thư', ['clerk'], 'VP', 1);
  const perDepartment = Math.max(3, Math.ceil((count - specs.length) / departments.length));
  for (const [d, dept] of departments.entries()) {
    const code = `p${d + 1}`;
    add(`truongphong.${code}`, 'Trưởng phòng', ['dept_head'], dept.abbreviation, 1);
    add(`photruongphong.${code}`, 'Phó Trưởng phòng', ['dept_head'], dept.abbreviation);
    for (let k = 1; k <= perDepartment - 2; k++)
      add(`chuyenvien${k}.${code}`, 'Chuyên viên', ['specialist'], dept.abbreviation);
  }
  return specs;
}

export interface SeedResult {
  documents: number;
  assignments: number;
  events: number;
  texts: number;
  users: number;
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

/** What a file of the document says, as its text layer would give it (about a page). */
function fileText(subject: string, sender: string, notation: string): string {
  return [
    sender.toUpperCase(),
    'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
    'Độc lập - Tự do - Hạnh phúc',
    `Số: ${notation}`,
    subject,
    'Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Căn cứ Nghị định số',
    '30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư; xét đề nghị của',
    'các cơ quan, đơn vị có liên quan, đề nghị Ủy ban nhân dân huyện chỉ đạo các phòng, ban',
    'chuyên môn triển khai thực hiện, tổng hợp kết quả và báo cáo đúng thời hạn quy định.',
    'Nơi nhận: Như trên; Lưu: VT.',
  ].join('\n');
}

export async function seedBench(
  sequelize: Sequelize,
  count: number,
  userCount: number,
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
  const departments = await createDepartments(agency.id, BENCH_DEPARTMENTS);
  const specs = benchUserSpecs(userCount);
  const t0 = Date.now();
  const users = await createUsers(agency.id, specs, departments, BENCH_PASSWORD, admin.id);
  log(`  users: ${users.size} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const clerks = specs.filter((s) => s.roles.includes('clerk')).map((s) => users.get(s.username)!);
  const leaders = specs
    .filter((s) => s.roles.includes('leader'))
    .map((s) => users.get(s.username)!);
  const byDepartment = new Map<number, { head: User; specialists: User[] }>();
  for (const spec of specs) {
    if (!spec.department || spec.department === 'VP') continue;
    const id = departments.get(spec.department)!.id;
    const entry = byDepartment.get(id) ?? { head: null as unknown as User, specialists: [] };
    const user = users.get(spec.username)!;
    if (spec.roles.includes('dept_head') && !entry.head) entry.head = user;
    if (spec.roles.includes('specialist')) entry.specialists.push(user);
    byDepartment.set(id, entry);
  }
  const deptIds = [...departments.values()].map((d) => d.id);
  const leadDepartments = [...byDepartment.keys()];

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
  const texts: Row[] = [];
  const numberByYear = new Map<number, number>();
  const registerIds = new Map<number, number>();
  let assignmentId = 0;
  // The text layer was read for the files of the last 30% (registered since text search exists).
  const textsFrom = Math.floor(count * 0.7);

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
    const leader = leaders[id % leaders.length];
    const clerk = clerks[id % clerks.length];
    const doc = {
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
    };
    docs.push({
      ...doc,
      searchText: incomingSearchText({
        ...doc,
        documentTypeName: documentTypeName(template.type, 'vi'),
      }),
    });
    files.push({
      id,
      documentKind: 'incoming',
      documentId: id,
      fileId,
      originalName: `${id}.pdf`,
      createdAt: arrival,
      updatedAt: arrival,
    });
    if (id > textsFrom) {
      const content = fileText(doc.subject, sender.name, `${doc.codeNumber}/${doc.codeNotation}`);
      texts.push({
        documentKind: 'incoming',
        documentId: id,
        fileId: id,
        source: 'text',
        content,
        searchText: foldSearchText(content),
        truncated: false,
        createdAt: arrival,
        updatedAt: arrival,
      });
    }
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

    const leadDept = leadDepartments[Math.floor(random() * leadDepartments.length)];
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
    if (status !== 'directed') {
      const { head, specialists } = byDepartment.get(leadDept)!;
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
      event('report', person.id, 3);
    }
    if (closed) event('complete', leader.id, 6);
    if (status === 'filed') event('file', clerk.id, 8);
  }

  for (const [table, rows] of [
    ['incoming_documents', docs],
    ['incoming_assignments', assignments],
    ['document_events', events],
    ['document_files', files],
    ['document_texts', texts],
  ] as const) {
    const t1 = Date.now();
    await sequelize.transaction((transaction) =>
      insertBatches(sequelize, table, rows, transaction),
    );
    log(`  ${table}: ${rows.length} rows in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
  }
  // The search index, as the model and the text job write it.
  const t2 = Date.now();
  const termsOf = (rows: Row[], id: string) =>
    rows.map((r) => ({
      agencyId: agency.id,
      documentId: Number(r[id]),
      folded: String(r.searchText),
    }));
  for (const [source, rows, id] of [
    ['meta', docs, 'id'],
    ['text', texts, 'documentId'],
  ] as const) {
    for (let at = 0; at < rows.length; at += 2_000) {
      await sequelize.transaction((transaction) =>
        writeSearchTerms(sequelize, termsOf(rows.slice(at, at + 2_000), id), source, {
          transaction,
        }),
      );
    }
  }
  log(`  incoming_search_terms in ${((Date.now() - t2) / 1000).toFixed(1)} s`);
  for (const [year, last] of numberByYear)
    await Register.update({ lastNumber: last }, { where: { id: registerIds.get(year)! } });
  // A few notifications each, some unread (the bell on every page).
  const notes: Row[] = [];
  for (const user of users.values())
    for (let k = 0; k < 8; k++)
      notes.push({
        userId: user.id,
        kind: 'assigned',
        message: `Văn bản được giao #${k + 1}`,
        link: '/incoming',
        isRead: k >= 3,
        createdAt: new Date(),
        updatedAt: new Date(),
      });
  await sequelize.transaction((transaction) =>
    insertBatches(sequelize, 'notifications', notes, transaction),
  );
  return {
    documents: docs.length,
    assignments: assignments.length,
    events: events.length,
    texts: texts.length,
    users: users.size,
    seconds: (Date.now() - started) / 1000,
  };
}
