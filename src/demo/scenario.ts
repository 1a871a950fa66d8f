/**
 * The demo agency: a district People's Committee with its departments, one account per role, a
 * commune below it, and about 30 incoming documents in every state, each moved to its state
 * through the incoming services (register → present → direct → assign → report → complete →
 * file, or return), so the trail, audit chain and notifications are exactly what real use would
 * leave; then its outgoing documents (outgoing-scenario.ts) and meetings (meetings-scenario.ts).
 */
import { seedRecordsFiles } from './records-files-scenario.js';
import { createChildAgency, updateAgency } from '../agencies/agencies.service.js';
import { setupAgency } from '../agencies/setup.service.js';
import { seedHolidays } from '../calendar/calendar.service.js';
import { todayInVietnam } from '../calendar/working-days.js';
import type { Actor } from '../http/request-context.js';
import type { IncomingStatus } from '../incoming/incoming.model.js';
import { RegisterIncomingSchema } from '../incoming/incoming.schemas.js';
import {
  assignIncoming,
  commentIncoming,
  completeAssignment,
  directIncoming,
  fileIncoming,
  presentToLeader,
  registerIncoming,
  reportProgress,
  returnToClerk,
  sendBackIncoming,
} from '../incoming/incoming.service.js';
import { OutgoingDocument } from '../outgoing/outgoing.model.js';
import type { User } from '../users/user.model.js';
import {
  createDepartments,
  createUsers,
  DISTRICT_DEPARTMENTS,
  type UserSpec,
} from './organisation.js';
import { shiftDays, type DemoContext } from './context.js';
import { seedMeetings, type MeetingsSummary } from './meetings-scenario.js';
import {
  createApprovalTemplates,
  DEMO_SIGNERS,
  enrolSigning,
  seedOutgoing,
} from './outgoing-scenario.js';
import { pick, seededRandom, SENDERS, SIGNERS, SUBJECTS } from './sample-data.js';
import { samplePdf } from './sample-pdf.js';

export const DEMO_PASSWORD = 'Demo@2026';
export const DEMO_AGENCY = {
  name: 'UBND huyện Demo',
  code: '000.00.31.H41',
  abbr: 'UBND',
  // The place of the date line of what the agency issues is the address's last part.
  address: 'Số 01 đường Trần Phú, thị trấn Demo, huyện Demo',
};
/** A commune below the district: another agency of the deployment, which documents reach. */
export const DEMO_COMMUNE = {
  name: 'UBND xã Thạch Long',
  code: '000.01.31.H41',
  abbr: 'UBND',
  address: 'Xã Thạch Long, huyện Demo',
};
export const DEMO_ADMIN = { username: 'quantri', fullName: 'Quản trị hệ thống' };

export const DEMO_USERS: UserSpec[] = [
  {
    username: 'vanthu',
    fullName: 'Nguyễn Thị Lan',
    positionTitle: 'Văn thư',
    roles: ['clerk'],
    department: 'VP',
    secretClearance: 2,
  },
  {
    username: 'chutich',
    fullName: 'Trần Văn Hùng',
    positionTitle: 'Chủ tịch UBND huyện',
    roles: ['leader'],
    secretClearance: 3,
  },
  {
    username: 'phochutich',
    fullName: 'Lê Minh Tuấn',
    positionTitle: 'Phó Chủ tịch UBND huyện',
    roles: ['leader'],
    secretClearance: 2,
  },
  {
    username: 'chanhvanphong',
    fullName: 'Phạm Thị Hoa',
    positionTitle: 'Chánh Văn phòng',
    roles: ['dept_head'],
    department: 'VP',
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
    username: 'truongphong.nv',
    fullName: 'Bùi Thị Thu',
    positionTitle: 'Trưởng phòng',
    roles: ['dept_head'],
    department: 'NV',
  },
  {
    username: 'chuyenvien.nv',
    fullName: 'Ngô Văn Đức',
    positionTitle: 'Chuyên viên',
    roles: ['specialist'],
    department: 'NV',
  },
  {
    username: 'truongphong.tnmt',
    fullName: 'Đặng Văn Sơn',
    positionTitle: 'Trưởng phòng',
    roles: ['dept_head'],
    department: 'TNMT',
  },
  {
    username: 'chuyenvien.tnmt',
    fullName: 'Phan Thị Ngọc',
    positionTitle: 'Chuyên viên',
    roles: ['specialist'],
    department: 'TNMT',
  },
  {
    username: 'truongphong.gddt',
    fullName: 'Trịnh Văn Long',
    positionTitle: 'Trưởng phòng',
    roles: ['dept_head'],
    department: 'GDĐT',
  },
  {
    username: 'truongphong.yt',
    fullName: 'Lý Thị Hạnh',
    positionTitle: 'Trưởng phòng',
    roles: ['dept_head'],
    department: 'YT',
  },
];

export const DEMO_COMMUNE_USERS: UserSpec[] = [
  {
    username: 'vanthu.thachlong',
    fullName: 'Hồ Thị Thảo',
    positionTitle: 'Văn thư UBND xã',
    roles: ['clerk'],
  },
  {
    username: 'chutich.thachlong',
    fullName: 'Nguyễn Đình Phúc',
    positionTitle: 'Chủ tịch UBND xã Thạch Long',
    roles: ['leader'],
  },
];

/** How many documents end in each state, oldest states first (registered in arrival order). */
const PLAN: [IncomingStatus, number][] = [
  ['filed', 5],
  ['completed', 4],
  ['in_progress', 6],
  ['returned', 2],
  ['sent_back', 1],
  ['directed', 5],
  ['presented', 4],
  ['registered', 4],
];

/** Departments that have specialists, and who works there. */
const SPECIALISTS: Record<string, string[]> = {
  TCKH: ['chuyenvien.tckh', 'chuyenvien2.tckh'],
  NV: ['chuyenvien.nv'],
  TNMT: ['chuyenvien.tnmt'],
};
const HEADS: Record<string, string> = {
  VP: 'chanhvanphong',
  TCKH: 'truongphong.tckh',
  NV: 'truongphong.nv',
  TNMT: 'truongphong.tnmt',
  GDĐT: 'truongphong.gddt',
  YT: 'truongphong.yt',
};

const RANK: IncomingStatus[] = [
  'registered',
  'presented',
  'directed',
  'in_progress',
  'completed',
  'filed',
];
const reached = (target: IncomingStatus, step: IncomingStatus) =>
  target !== 'returned' && target !== 'sent_back' && RANK.indexOf(target) >= RANK.indexOf(step);

export interface DemoSummary {
  agencyName: string;
  users: string[];
  documents: Record<string, number>;
  outgoing: Record<string, number>;
  meetings: MeetingsSummary;
  holidaysAdded: number;
}

/** Creates the whole demo on an empty, migrated database (file storage configured). */
export async function seedDemo(log: (line: string) => void = () => {}): Promise<DemoSummary> {
  const { agency, admin } = await setupAgency(
    {
      agencyName: DEMO_AGENCY.name,
      agencyCode: DEMO_AGENCY.code,
      agencyAbbr: DEMO_AGENCY.abbr,
      adminUsername: DEMO_ADMIN.username,
      adminFullName: DEMO_ADMIN.fullName,
      adminPassword: DEMO_PASSWORD,
    },
    '127.0.0.1',
  );
  const today = todayInVietnam();
  const year = Number(today.slice(0, 4));
  let holidaysAdded = 0;
  for (const y of [year, year + 1])
    holidaysAdded += (await seedHolidays(y, { userId: admin.id, ip: null })).added;
  const departments = await createDepartments(agency.id, DISTRICT_DEPARTMENTS);
  const users = await createUsers(agency.id, DEMO_USERS, departments, DEMO_PASSWORD, admin.id);
  const adminActor = { userId: admin.id, ip: '127.0.0.1' };
  // As the administrator fills the agency's page: its address gives the date lines' place.
  await updateAgency(agency.id, agency.id, { ...agencyFields(DEMO_AGENCY) }, adminActor);
  const commune = await createChildAgency(
    agency.id,
    agency.id,
    agencyFields(DEMO_COMMUNE),
    adminActor,
  );
  const communeUsers = await createUsers(
    commune.id,
    DEMO_COMMUNE_USERS,
    new Map(),
    DEMO_PASSWORD,
    admin.id,
  );
  for (const [username, user] of communeUsers) users.set(username, user);
  log(
    `Cơ quan "${agency.name}", ${departments.size} phòng ban, "${commune.name}", ${users.size + 1} tài khoản`,
  );

  const as = (username: string): Actor => ({ user: users.get(username)!, ip: '127.0.0.1' });
  const dept = (abbr: string) => departments.get(abbr)!.id;
  const random = seededRandom();
  const counts: Record<string, number> = {};
  let index = 0;
  let started = Date.now();
  const took = () => {
    const s = ((Date.now() - started) / 1000).toFixed(1);
    started = Date.now();
    return `${s} s`;
  };
  for (const [target, count] of PLAN) {
    for (let k = 0; k < count; k += 1, index += 1) {
      await moveDocument(index, target, { as, dept, users, random, today });
      counts[target] = (counts[target] ?? 0) + 1;
    }
  }
  log(
    `${index} văn bản đến: ${Object.entries(counts)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ')} (${took()})`,
  );

  const ctx: DemoContext = { agency, commune, admin, as, dept, users, today };
  await enrolSigning(ctx);
  await createApprovalTemplates(ctx);
  log(
    `Dấu của cơ quan, khóa ký số của ${DEMO_SIGNERS.join(', ')}, 2 quy trình trình ký (${took()})`,
  );
  const outgoingIds = await seedOutgoing(ctx);
  const meetings = await seedMeetings(ctx, {
    telegramId: outgoingIds.get('telegram')!,
    reportId: outgoingIds.get('report')!,
  });
  const recordsFiles = await seedRecordsFiles(ctx);
  const outgoing = await outgoingCounts(agency.id);
  log(
    `${Object.values(outgoing).reduce((a, b) => a + b, 0)} văn bản đi: ${Object.entries(outgoing)
      .map(([s, n]) => `${s} ${n}`)
      .join(
        ', ',
      )}; ${meetings.meetings} cuộc họp, ${meetings.rooms} phòng họp, ${meetings.tasks} nhiệm vụ, ${recordsFiles} hồ sơ (${took()})`,
  );
  return {
    agencyName: agency.name,
    users: [DEMO_ADMIN.username, ...users.keys()],
    documents: counts,
    outgoing,
    meetings,
    holidaysAdded,
  };
}

const agencyFields = (a: typeof DEMO_AGENCY) => ({
  name: a.name,
  abbreviation: a.abbr,
  code: a.code,
  address: a.address,
});

/** How many of the agency's outgoing documents are in each status. */
async function outgoingCounts(agencyId: number): Promise<Record<string, number>> {
  const rows = await OutgoingDocument.findAll({ where: { agencyId }, attributes: ['status'] });
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

interface Ctx {
  as: (username: string) => Actor;
  dept: (abbr: string) => number;
  users: Map<string, User>;
  random: () => number;
  today: string;
}

/** Registers document number `i` and takes it through the services up to `target`. */
async function moveDocument(i: number, target: IncomingStatus, ctx: Ctx): Promise<void> {
  const { as, dept, users, random, today } = ctx;
  const template = SUBJECTS[i % SUBJECTS.length];
  const sender = pick(SENDERS, random);
  const open = !['completed', 'filed', 'returned', 'sent_back'].includes(target);
  // Older states arrived earlier: documents are registered oldest first, 30 days back to today.
  const arrivalDate = shiftDays(today, -Math.max(0, 30 - i));
  const overdue = open && i % 3 === 0 && target !== 'registered';
  const codeNumber = String(100 + i * 7);
  const notation = template.type === 'CV' ? `${sender.abbr}-VP` : `${template.type}-${sender.abbr}`;
  const signer = pick(SIGNERS, random);
  const urgency = i % 7 === 3 ? 3 : i % 5 === 1 ? 1 : i % 9 === 2 ? 2 : 0;
  const confidentiality = [4, 13, 22].includes(i) ? 1 : i === 9 ? 2 : 0;
  const pdf = await samplePdf({
    issuer: sender.name,
    notation: `${codeNumber}/${notation}`,
    title: template.title,
    subject: template.subject,
    signer,
    pages: 1 + (i % 3),
  });
  const input = RegisterIncomingSchema.parse({
    arrivalDate,
    fromOrganName: sender.name,
    codeNumber,
    codeNotation: notation,
    promulgationDate: shiftDays(arrivalDate, -2),
    documentType: template.type,
    subject: template.subject,
    signerName: signer,
    urgency: String(urgency),
    confidentiality: String(confidentiality),
    dueDate: overdue
      ? shiftDays(today, -2 - (i % 4))
      : open && i % 2 === 0
        ? shiftDays(today, 10 + i)
        : undefined,
  });
  const clerk = as('vanthu');
  const doc = await registerIncoming(
    input,
    [{ buffer: pdf, originalName: `${codeNumber}-${template.type}.pdf` }],
    clerk,
  );
  if (target === 'registered') return;

  const leaderName = i % 4 === 1 && confidentiality < 2 ? 'phochutich' : 'chutich';
  const leader = as(leaderName);
  await presentToLeader(
    doc.id,
    { leaderId: users.get(leaderName)!.id, note: 'Kính trình lãnh đạo cho ý kiến chỉ đạo.' },
    clerk,
  );
  if (target === 'returned' || target === 'sent_back') {
    const reason =
      'Văn bản không thuộc thẩm quyền giải quyết của UBND huyện; đề nghị chuyển trả nơi gửi.';
    await returnToClerk(doc.id, { reason }, leader);
    if (target === 'sent_back') await sendBackIncoming(doc.id, { reason }, clerk);
    return;
  }
  if (target === 'presented') return;

  // Handled documents go mostly to Tài chính - Kế hoạch (whose people the README tour uses);
  // documents still waiting for a department go to every department, Giáo dục và Đào tạo first.
  const leadAbbr = reached(target, 'in_progress')
    ? (['TCKH', 'TCKH', 'NV', 'TCKH', 'TNMT'] as const)[i % 5]
    : (['GDĐT', 'YT', 'TCKH', 'NV', 'TNMT', 'VP'] as const)[i % 6];
  const supportAbbr = leadAbbr === 'NV' ? 'TCKH' : 'NV';
  await directIncoming(
    doc.id,
    {
      note: `Giao ${DISTRICT_DEPARTMENTS.find((d) => d.abbreviation === leadAbbr)!.name} chủ trì, phối hợp các đơn vị liên quan tham mưu giải quyết.`,
      lead: { departmentId: dept(leadAbbr) },
      support: i % 2 === 0 ? [{ departmentId: dept(supportAbbr) }] : [],
      info: i % 3 === 0 ? [{ departmentId: dept('VP') }] : [],
    },
    leader,
  );
  if (target === 'directed') return;

  const head = as(HEADS[leadAbbr]);
  const specialistName =
    leadAbbr === 'TCKH' && i % 4 === 3 ? 'chuyenvien2.tckh' : SPECIALISTS[leadAbbr][0];
  const specialist = as(specialistName);
  const child = await assignIncoming(
    doc.id,
    {
      userId: users.get(specialistName)!.id,
      note: 'Đồng chí nghiên cứu, tham mưu văn bản trả lời.',
    },
    head,
  );
  // Some hand-overs stay untouched (still "to handle" for the specialist), the rest show progress.
  if (target === 'in_progress' && i % 2 === 0) return;
  await reportProgress(
    doc.id,
    {
      assignmentId: child.id,
      percent: 40 + (i % 4) * 15,
      note: 'Đã làm việc với các đơn vị, đang tổng hợp số liệu.',
    },
    specialist,
  );
  if (i % 5 === 0)
    await commentIncoming(
      doc.id,
      { body: 'Đề nghị phòng báo cáo trước ngày họp giao ban.' },
      leader,
    );
  if (target === 'in_progress') return;

  await completeAssignment(
    doc.id,
    {
      assignmentId: child.id,
      resultNote: `Đã tham mưu văn bản trả lời số ${200 + i}/UBND-${leadAbbr}, gửi nơi nhận đúng hạn.`,
    },
    specialist,
  );
  if (target === 'completed') return;
  await fileIncoming(doc.id, clerk, { confirmOpenWork: true });
}
