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
  // Up to BATCH rows a statement, fewer when they are long (file texts): well under
  // MariaDB's max_allowed_packet (16 MB).
  const rowChars = (row: Row) =>
    Object.values(row).reduce<number>((n, v) => n + (typeof v === 'string' ? v.length : 8), 0);
  for (let i = 0; i < rows.length;) {
    let end = i;
    let chars = 0;
    while (end < rows.length && end - i < BATCH && chars < 2_000_000)
      chars += rowChars(rows[end++]);
    await qi.bulkInsert(table, rows.slice(i, end), { transaction });
    i = end;
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

/** Paragraphs every letter of the kind holds (grounds, reporting, difficulties, assignment). */
const GENERAL_PARAGRAPHS = [
  'Thực hiện Kế hoạch số 125/KH-UBND ngày 12 tháng 3 năm 2026 của Ủy ban nhân dân tỉnh về triển khai nhiệm vụ phát triển kinh tế - xã hội, bảo đảm quốc phòng, an ninh năm 2026, đề nghị các cơ quan, đơn vị chủ động rà soát, đánh giá kết quả thực hiện, xác định rõ những tồn tại, hạn chế và nguyên nhân.',
  'Các cơ quan, đơn vị báo cáo kết quả thực hiện bằng văn bản, gửi về Văn phòng HĐND và UBND huyện trước ngày 25 hằng tháng để tổng hợp, báo cáo Ủy ban nhân dân tỉnh; quá thời hạn nêu trên, đơn vị nào không báo cáo được coi là không thực hiện.',
  'Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị kịp thời phản ánh về cơ quan thường trực để được hướng dẫn hoặc tổng hợp, đề xuất cấp có thẩm quyền xem xét, giải quyết theo quy định.',
  'Giao Thủ trưởng các phòng, ban chuyên môn, Chủ tịch Ủy ban nhân dân các xã, thị trấn căn cứ chức năng, nhiệm vụ được giao tổ chức triển khai thực hiện nghiêm túc, hiệu quả nội dung văn bản này.',
];

/** The topics a district handles: a letter is about a few, so a topic's words are in some texts. */
const TOPIC_PARAGRAPHS = [
  'Về dự toán ngân sách nhà nước: các đơn vị sử dụng ngân sách lập dự toán thu, chi theo đúng định mức, tiêu chuẩn, chế độ hiện hành; thuyết minh chi tiết cơ sở tính toán, gửi Phòng Tài chính - Kế hoạch tổng hợp, trình Ủy ban nhân dân huyện xem xét, quyết định.',
  'Về đầu tư công: chủ đầu tư khẩn trương hoàn thiện thủ tục, đẩy nhanh tiến độ giải ngân vốn đầu tư công, kịp thời tháo gỡ khó khăn, vướng mắc trong công tác bồi thường, hỗ trợ, tái định cư và giải phóng mặt bằng; báo cáo tình hình giải ngân định kỳ hằng tháng.',
  'Về phòng, chống thiên tai và tìm kiếm cứu nạn: theo dõi chặt chẽ diễn biến của bão, áp thấp nhiệt đới, mưa lớn, lũ quét và sạt lở đất; kiểm tra các công trình đê điều, hồ đập, bố trí lực lượng, phương tiện, vật tư sẵn sàng ứng phó theo phương châm bốn tại chỗ.',
  'Về cải cách hành chính và chuyển đổi số: tiếp tục rà soát, đơn giản hóa thủ tục hành chính, nâng cao tỷ lệ hồ sơ trực tuyến toàn trình, số hóa kết quả giải quyết thủ tục hành chính, sử dụng văn bản điện tử và chữ ký số trong hoạt động của cơ quan nhà nước.',
  'Về quản lý đất đai, tài nguyên và môi trường: tăng cường kiểm tra việc sử dụng đất sau giao, cho thuê; xử lý nghiêm các trường hợp vi phạm; thu gom, xử lý chất thải rắn sinh hoạt đúng quy định, bảo đảm vệ sinh môi trường trên địa bàn.',
  'Về giáo dục và đào tạo: chuẩn bị tốt các điều kiện về cơ sở vật chất, đội ngũ giáo viên cho năm học mới; thực hiện chương trình giáo dục phổ thông theo lộ trình; quan tâm hỗ trợ học sinh có hoàn cảnh khó khăn, học sinh vùng sâu, vùng xa.',
  'Về y tế và an sinh xã hội: chủ động phòng, chống dịch bệnh, bảo đảm an toàn thực phẩm; thực hiện đầy đủ, kịp thời các chính sách đối với người có công, bảo trợ xã hội, hộ nghèo, hộ cận nghèo; vận động người dân tham gia bảo hiểm y tế.',
  'Về an ninh, trật tự: nắm chắc tình hình, không để bị động, bất ngờ; đẩy mạnh phong trào toàn dân bảo vệ an ninh Tổ quốc; tăng cường tuần tra, kiểm soát, bảo đảm trật tự an toàn giao thông, phòng cháy, chữa cháy.',
];

/** The district's communes, for the appendix a report carries. */
const COMMUNES = [
  'Thạch Long',
  'Thạch Sơn',
  'Thạch Kênh',
  'Thạch Liên',
  'Đỉnh Bàn',
  'Việt Tiến',
  'Thạch Khê',
  'Thạch Hải',
  'Thạch Lạc',
  'Tượng Sơn',
  'Thạch Văn',
  'Thạch Trị',
  'Thạch Hội',
  'Thạch Thắng',
  'Thạch Đài',
  'Thạch Xuân',
  'Nam Điền',
  'Ngọc Sơn',
  'Lưu Vĩnh Sơn',
  'thị trấn Thạch Hà',
];

/**
 * What a file of the document says, as its text layer would give it: the heading, the subject,
 * the grounds, the general paragraphs and three of the topics, then an appendix of figures per
 * commune up to about `chars` characters (BENCH_TEXT_CHARS, 4,000: an official letter of two
 * pages; the text layer of a real one is rarely shorter).
 */
function fileText(
  subject: string,
  sender: string,
  notation: string,
  random: () => number,
  chars = Number(process.env.BENCH_TEXT_CHARS || 4000),
): string {
  const topics = new Set<string>();
  while (topics.size < 3) topics.add(pick(TOPIC_PARAGRAPHS, random));
  const lines = [
    sender.toUpperCase(),
    'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
    'Độc lập - Tự do - Hạnh phúc',
    `Số: ${notation}`,
    subject,
    'Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Căn cứ Nghị định số',
    '30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;',
    GENERAL_PARAGRAPHS[0],
    ...topics,
    ...GENERAL_PARAGRAPHS.slice(1),
    'PHỤ LỤC: KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU',
  ];
  let length = lines.join('\n').length;
  for (let n = 1; length < chars - 40 && n <= 200; n += 1) {
    const commune = COMMUNES[(n - 1) % COMMUNES.length];
    const line = `${n}. Xã ${commune}: đạt ${50 + Math.floor(random() * 50)}% kế hoạch, kinh phí ${
      100 + Math.floor(random() * 4900)
    } triệu đồng, ${Math.floor(random() * 30)} hồ sơ tồn đọng.`;
    lines.push(line);
    length += line.length + 1;
  }
  lines.push('Nơi nhận: Như trên; Lưu: VT.');
  return lines.join('\n');
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
      const content = fileText(
        doc.subject,
        sender.name,
        `${doc.codeNumber}/${doc.codeNotation}`,
        random,
      );
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
