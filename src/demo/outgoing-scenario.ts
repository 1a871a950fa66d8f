/**
 * The demo's outgoing side (văn bản đi) as an agency has it after a few weeks: the leaders'
 * signing keys and the agency's seal, the approval chains the administrator set, and drafts in
 * every state — each moved there through the services the pages use (createDraft, submitDraft,
 * actOnApproval with its initial or return, signOutgoing with the PIN, issueOutgoing).
 */
import { latestFlowOf } from '../approvals/approvals.access.js';
import { ApprovalDecision, ApprovalFlow, ApprovalStep } from '../approvals/approval.model.js';
import { createTemplate } from '../approvals/approval-templates.service.js';
import { actOnApproval } from '../approvals/approvals.service.js';
import { StepsSchema } from '../approvals/approvals.schemas.js';
import type { Decision } from '../approvals/approval.model.js';
import { submitDraft } from '../outgoing/outgoing.approval.js';
import { createDraft } from '../outgoing/outgoing.drafts.js';
import { issueOutgoing } from '../outgoing/outgoing.issue.js';
import { DraftFieldsSchema } from '../outgoing/outgoing.schemas.js';
import { signOutgoing } from '../outgoing/outgoing.signing.js';
import { enrolAgencySeal, enrolServerKey } from '../signing-keys/index.js';
import type { DemoContext } from './context.js';
import { draftPdf } from './draft-pdf.js';
import { DISTRICT_DEPARTMENTS } from './organisation.js';

/** The signing PIN of every demo key (6 to 12 digits). */
export const DEMO_PIN = '246810';

/**
 * Who holds a server-held signing key: the two leaders, and the Chánh Văn phòng, who signs the
 * meetings' minutes as their secretary.
 */
export const DEMO_SIGNERS = ['chutich', 'phochutich', 'chanhvanphong'];

const PLACE = 'Demo';
const AGENCY_HEADING = 'Ủy ban nhân dân huyện Demo';

/** The agency's seal (with its timestamp authority) and each signer's key under the demo PIN. */
export async function enrolSigning(ctx: DemoContext): Promise<void> {
  await enrolAgencySeal(ctx.agency.id, { userId: ctx.admin.id, ip: '127.0.0.1' });
  for (const username of DEMO_SIGNERS) {
    const user = ctx.users.get(username)!;
    // As the person does on /profile/signing: their own PIN, which is never stored.
    await enrolServerKey(user.id, DEMO_PIN, { userId: user.id, ip: '127.0.0.1' });
  }
}

/**
 * The chains as an administrator sets them on /admin/approval-templates: a department's draft
 * goes to its head, then to the Chánh Văn phòng for the form (thể thức); the Office's own drafts
 * to the Chánh Văn phòng alone. The signer signs once the chain approved.
 */
export async function createApprovalTemplates(ctx: DemoContext): Promise<void> {
  const actor = { userId: ctx.admin.id, ip: '127.0.0.1' };
  const office = ctx.dept('VP');
  await createTemplate(
    ctx.agency.id,
    {
      name: 'Văn bản của các phòng chuyên môn',
      documentType: null,
      departmentId: null,
      allowExtraReviewers: true,
      steps: StepsSchema.parse([
        {
          title: 'Trưởng phòng chủ trì soạn thảo',
          members: [{ role: 'dept_head', department: 'drafter' }],
          days: 2,
        },
        {
          title: 'Chánh Văn phòng kiểm tra thể thức, kỹ thuật trình bày',
          members: [{ role: 'dept_head', department: office }],
          days: 1,
        },
      ]),
    },
    actor,
  );
  await createTemplate(
    ctx.agency.id,
    {
      name: 'Văn bản của Văn phòng HĐND và UBND',
      documentType: null,
      departmentId: office,
      allowExtraReviewers: false,
      steps: StepsSchema.parse([
        {
          title: 'Chánh Văn phòng',
          members: [{ role: 'dept_head', department: 'drafter' }],
          days: 1,
        },
      ]),
    },
    actor,
  );
}

/** How far a document goes: its chain's decisions in order, then the signature and the number. */
export interface Route {
  /** One decision at each step, in order; a return ends the route (back with the drafter). */
  decisions?: { action: Extract<Decision, 'approve' | 'initial' | 'return'>; comment?: string }[];
  signed?: boolean;
  issued?: boolean;
}

/** Whose decision the flow waits for at its current step (the first asked). */
async function waitingAssignee(flowId: number): Promise<number> {
  const flow = (await ApprovalFlow.findByPk(flowId))!;
  const step = (await ApprovalStep.findOne({
    where: { flowId, position: flow.currentPosition },
  }))!;
  const open = await ApprovalDecision.findOne({
    where: { stepId: step.id, round: flow.round, decision: null },
    order: [['id', 'ASC']],
  });
  if (!open) throw new Error(`Nobody is asked at step ${step.position} of flow ${flowId}`);
  return open.assigneeId;
}

/**
 * Sends a draft along its chain as far as the route says: submitted by its drafter, each step
 * decided by the person it waits for, signed by its signer with the PIN, issued by the clerk.
 */
export async function takeOutgoing(
  ctx: DemoContext,
  id: number,
  drafter: string,
  signer: string,
  route: Route,
): Promise<void> {
  await submitDraft(id, {}, ctx.as(drafter));
  const flow = await latestFlowOf('outgoing', id, ctx.agency.id);
  for (const decision of route.decisions ?? []) {
    const assigneeId = await waitingAssignee(flow!.id);
    const user = [...ctx.users.values()].find((u) => u.id === assigneeId)!;
    await actOnApproval(flow!.id, ctx.as(user.username), {
      action: decision.action,
      comment: decision.comment,
      toPosition: decision.action === 'return' ? 0 : undefined,
    });
    if (decision.action === 'return') return;
  }
  if (!route.signed) return;
  await signOutgoing(id, { pin: DEMO_PIN }, ctx.as(signer));
  if (route.issued) await issueOutgoing(id, {}, ctx.as('vanthu'));
}

type Recipient = { dept: string } | { commune: true } | { name: string };

interface OutgoingPlan {
  /** The name other parts of the demo know the document by, and its file's name. */
  key: string;
  file: string;
  drafter: string;
  /** The drafting department's abbreviation (the drafter's). */
  unit: string;
  type: string;
  /** The document's name in capitals; none for a công văn. */
  title?: string;
  subject: string;
  addressees?: string[];
  body: string[];
  signer: 'chutich' | 'phochutich';
  /** The signer block as printed: TM. (the chairman for the committee) or KT. (a deputy). */
  form: 'TM' | 'KT' | '';
  urgency?: number;
  recipients: Recipient[];
  /** "Nơi nhận" lines printed before the recipients (e.g. "Như Điều 3"). */
  printedFirst?: string[];
  route: Route;
}

const SIGNER_BLOCKS = {
  TM: { title: ['TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH'], signerTitle: 'Chủ tịch' },
  KT: { title: ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'], signerTitle: 'Phó Chủ tịch' },
  '': { title: ['CHỦ TỊCH'], signerTitle: 'Chủ tịch' },
} as const;

const head = (comment: string) => ({ action: 'initial' as const, comment });
const office = (
  comment = 'Thể thức, kỹ thuật trình bày đúng quy định. Kính trình lãnh đạo ký.',
) => ({
  action: 'approve' as const,
  comment,
});

/** The documents, oldest first (the issued ones take the first numbers of their series). */
function plans(year: number): OutgoingPlan[] {
  return [
    {
      key: 'decision',
      file: 'qd-quyet-toan-duong-lien-xa.pdf',
      drafter: 'chuyenvien.tckh',
      unit: 'TCKH',
      type: 'QĐ',
      title: 'QUYẾT ĐỊNH',
      subject:
        'Về việc phê duyệt quyết toán vốn đầu tư dự án hoàn thành công trình đường giao thông liên xã Thạch Long - Thạch Sơn',
      body: [
        'ỦY BAN NHÂN DÂN HUYỆN DEMO',
        'Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;',
        'Căn cứ Nghị định số 99/2021/NĐ-CP ngày 11 tháng 11 năm 2021 của Chính phủ quy định về quản lý, thanh toán, quyết toán dự án sử dụng vốn đầu tư công;',
        'Theo đề nghị của Trưởng phòng Tài chính - Kế hoạch huyện.',
        'QUYẾT ĐỊNH:',
        'Điều 1. Phê duyệt quyết toán vốn đầu tư dự án hoàn thành công trình đường giao thông liên xã Thạch Long - Thạch Sơn với giá trị quyết toán 14.862.350.000 đồng (Mười bốn tỷ, tám trăm sáu mươi hai triệu, ba trăm năm mươi nghìn đồng).',
        'Điều 2. Chủ đầu tư thanh toán cho các nhà thầu theo giá trị được phê duyệt và tất toán tài khoản của dự án tại Kho bạc Nhà nước.',
        'Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng HĐND và UBND huyện, Trưởng phòng Tài chính - Kế hoạch, Giám đốc Ban Quản lý dự án đầu tư xây dựng huyện và các đơn vị liên quan chịu trách nhiệm thi hành Quyết định này./.',
      ],
      signer: 'chutich',
      form: 'TM',
      printedFirst: ['Như Điều 3'],
      recipients: [
        { name: 'Sở Tài chính tỉnh Hà Tĩnh' },
        { name: 'Kho bạc Nhà nước Hà Tĩnh' },
        { name: 'Ban Quản lý dự án đầu tư xây dựng huyện Demo' },
      ],
      route: {
        decisions: [head('Đã kiểm tra số liệu quyết toán, kính trình.'), office()],
        signed: true,
        issued: true,
      },
    },
    {
      key: 'telegram',
      file: 'cong-dien-ung-pho-mua-lu.pdf',
      drafter: 'chuyenvien.tnmt',
      unit: 'TNMT',
      type: 'CĐ',
      title: 'CÔNG ĐIỆN',
      subject: 'Về việc chủ động ứng phó với mưa lớn, lũ quét và sạt lở đất',
      body: [
        'CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN điện:',
        '- Chủ tịch Ủy ban nhân dân các xã, thị trấn;',
        '- Trưởng các phòng, ban, ngành cấp huyện.',
        'Theo tin của Đài Khí tượng Thủy văn tỉnh Hà Tĩnh, từ đêm nay đến hết ngày mai trên địa bàn huyện có mưa to đến rất to, lượng mưa phổ biến 150 - 250 mm, có nơi trên 300 mm; nguy cơ cao xảy ra lũ quét, sạt lở đất ở vùng núi và ngập úng tại vùng trũng thấp.',
        'Để chủ động ứng phó, bảo đảm an toàn tính mạng và hạn chế thiệt hại về tài sản của Nhân dân, Chủ tịch Ủy ban nhân dân huyện yêu cầu:',
        '1. Chủ tịch Ủy ban nhân dân các xã, thị trấn tổ chức trực ban 24/24 giờ; rà soát, sơ tán ngay các hộ dân ở khu vực có nguy cơ sạt lở, ven sông, suối đến nơi an toàn, hoàn thành trước 17 giờ hôm nay.',
        '2. Phòng Tài nguyên và Môi trường chủ trì, phối hợp Ban Chỉ huy Quân sự huyện, Công an huyện kiểm tra các điểm có nguy cơ sạt lở; bố trí lực lượng, phương tiện sẵn sàng cứu hộ, cứu nạn.',
        '3. Văn phòng HĐND và UBND huyện theo dõi, tổng hợp tình hình, báo cáo Chủ tịch Ủy ban nhân dân huyện trước 16 giờ hằng ngày.',
        'Yêu cầu các cơ quan, đơn vị, địa phương nghiêm túc triển khai thực hiện./.',
      ],
      signer: 'chutich',
      form: '',
      urgency: 3,
      printedFirst: ['Như trên'],
      recipients: [
        { commune: true },
        { name: 'UBND xã Thạch Sơn' },
        { name: 'UBND thị trấn Demo' },
        { name: 'Ban Chỉ huy Quân sự huyện Demo' },
        { dept: 'TNMT' },
        { dept: 'VP' },
      ],
      route: {
        decisions: [head('Hỏa tốc, đề nghị trình ngay.'), office('Đồng ý, trình ký ngay.')],
        signed: true,
        issued: true,
      },
    },
    {
      key: 'evaluation',
      file: 'cv-danh-gia-xep-loai-cbcc.pdf',
      drafter: 'chuyenvien.nv',
      unit: 'NV',
      type: 'CV',
      subject: `V/v đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức năm ${year}`,
      addressees: ['Các phòng, ban chuyên môn thuộc UBND huyện', 'UBND các xã, thị trấn'],
      body: [
        'Thực hiện Nghị định số 90/2020/NĐ-CP ngày 13 tháng 8 năm 2020 của Chính phủ về đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức (được sửa đổi, bổ sung bởi Nghị định số 48/2023/NĐ-CP), Ủy ban nhân dân huyện đề nghị các cơ quan, đơn vị, địa phương:',
        `1. Tổ chức đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức năm ${year} bảo đảm khách quan, công khai, đúng quy trình.`,
        `2. Gửi kết quả đánh giá về Ủy ban nhân dân huyện (qua Phòng Nội vụ) trước ngày 20 tháng 12 năm ${year} để tổng hợp./.`,
      ],
      signer: 'phochutich',
      form: 'KT',
      printedFirst: ['Như trên'],
      recipients: [
        { dept: 'TCKH' },
        { dept: 'TNMT' },
        { dept: 'GDĐT' },
        { dept: 'YT' },
        { commune: true },
        { name: 'UBND xã Thạch Sơn' },
      ],
      route: {
        decisions: [head('Đã rà soát, kính trình.'), office()],
        signed: true,
      },
    },
    {
      key: 'report',
      file: 'bc-du-toan-ngan-sach-11-thang.pdf',
      drafter: 'chuyenvien.tckh',
      unit: 'TCKH',
      type: 'BC',
      title: 'BÁO CÁO',
      subject: `Tình hình thực hiện dự toán thu, chi ngân sách nhà nước 11 tháng và ước thực hiện năm ${year}`,
      body: [
        'I. KẾT QUẢ THỰC HIỆN',
        `1. Thu ngân sách nhà nước trên địa bàn 11 tháng đạt 186,4 tỷ đồng, bằng 91,2% dự toán tỉnh giao và 104,6% so với cùng kỳ năm ${year - 1}.`,
        '2. Chi ngân sách địa phương 11 tháng đạt 412,7 tỷ đồng, bằng 85,3% dự toán; chi đầu tư phát triển giải ngân 78,5% kế hoạch vốn.',
        'II. NHIỆM VỤ, GIẢI PHÁP THÁNG CUỐI NĂM',
        'Tập trung chỉ đạo thu ngân sách, đôn đốc các khoản nợ đọng thuế; đẩy nhanh giải ngân vốn đầu tư công; rà soát các khoản chi chưa thật sự cần thiết để thực hiện tiết kiệm./.',
      ],
      signer: 'phochutich',
      form: 'KT',
      recipients: [
        { name: 'Sở Tài chính tỉnh Hà Tĩnh' },
        { name: 'Thường trực Huyện ủy Demo' },
        { name: 'Thường trực HĐND huyện Demo' },
      ],
      route: { decisions: [head('Số liệu đã đối chiếu với Kho bạc.'), office()] },
    },
    {
      key: 'training',
      file: 'qd-cu-can-bo-di-hoc.pdf',
      drafter: 'chuyenvien.nv',
      unit: 'NV',
      type: 'QĐ',
      title: 'QUYẾT ĐỊNH',
      subject: `Về việc cử cán bộ, công chức tham gia lớp bồi dưỡng kiến thức quản lý nhà nước ngạch chuyên viên chính năm ${year}`,
      body: [
        'ỦY BAN NHÂN DÂN HUYỆN DEMO',
        'Căn cứ Luật Cán bộ, công chức ngày 13 tháng 11 năm 2008;',
        'Căn cứ Nghị định số 101/2017/NĐ-CP ngày 01 tháng 9 năm 2017 của Chính phủ về đào tạo, bồi dưỡng cán bộ, công chức, viên chức;',
        'Theo đề nghị của Trưởng phòng Nội vụ huyện.',
        'QUYẾT ĐỊNH:',
        'Điều 1. Cử 05 cán bộ, công chức (có danh sách kèm theo) tham gia lớp bồi dưỡng kiến thức quản lý nhà nước ngạch chuyên viên chính do Trường Chính trị tỉnh tổ chức.',
        'Điều 2. Kinh phí đào tạo do ngân sách huyện chi trả theo quy định hiện hành.',
        'Điều 3. Quyết định này có hiệu lực kể từ ngày ký./.',
      ],
      signer: 'chutich',
      form: 'TM',
      printedFirst: ['Như Điều 3'],
      recipients: [{ name: 'Trường Chính trị tỉnh Hà Tĩnh' }, { dept: 'TCKH' }],
      route: {
        decisions: [
          {
            action: 'return',
            comment:
              'Đề nghị bổ sung danh sách cán bộ của Phòng Tài nguyên và Môi trường; căn cứ Nghị định 101/2017/NĐ-CP đã được sửa đổi bởi Nghị định 89/2021/NĐ-CP, cần dẫn đủ.',
          },
        ],
      },
    },
    {
      key: 'inspection',
      file: 'kh-kiem-tra-moi-truong.pdf',
      drafter: 'chuyenvien.tnmt',
      unit: 'TNMT',
      type: 'KH',
      title: 'KẾ HOẠCH',
      subject: `Kiểm tra công tác bảo vệ môi trường đối với các cơ sở sản xuất, kinh doanh trên địa bàn huyện năm ${year + 1}`,
      body: [
        'I. MỤC ĐÍCH, YÊU CẦU',
        'Đánh giá việc chấp hành pháp luật về bảo vệ môi trường của các cơ sở sản xuất, kinh doanh; kịp thời phát hiện, xử lý vi phạm.',
        'II. NỘI DUNG, THỜI GIAN',
        `Kiểm tra 24 cơ sở trong quý I và quý II năm ${year + 1}; nội dung theo hồ sơ môi trường đã được phê duyệt.`,
        'III. TỔ CHỨC THỰC HIỆN',
        'Phòng Tài nguyên và Môi trường chủ trì, phối hợp Công an huyện và UBND các xã, thị trấn triển khai Kế hoạch này./.',
      ],
      signer: 'phochutich',
      form: 'KT',
      recipients: [{ dept: 'TNMT' }, { name: 'Công an huyện Demo' }, { commune: true }],
      route: { decisions: [head('Đã rà soát nội dung, đề nghị Văn phòng thẩm định thể thức.')] },
    },
    {
      key: 'allocation',
      file: 'qd-phan-bo-kinh-phi-giao-duc.pdf',
      drafter: 'chuyenvien2.tckh',
      unit: 'TCKH',
      type: 'QĐ',
      title: 'QUYẾT ĐỊNH',
      subject: `Về việc phân bổ kinh phí sự nghiệp giáo dục năm ${year + 1} cho các trường học trên địa bàn huyện`,
      body: [
        'ỦY BAN NHÂN DÂN HUYỆN DEMO',
        'Căn cứ Luật Ngân sách nhà nước ngày 25 tháng 6 năm 2015;',
        `Căn cứ Nghị quyết của Hội đồng nhân dân huyện về dự toán ngân sách năm ${year + 1};`,
        'Theo đề nghị của Trưởng phòng Tài chính - Kế hoạch huyện.',
        'QUYẾT ĐỊNH:',
        `Điều 1. Phân bổ 96.540 triệu đồng kinh phí sự nghiệp giáo dục năm ${year + 1} cho 32 trường mầm non, tiểu học và trung học cơ sở (chi tiết tại Phụ lục kèm theo).`,
        'Điều 2. Quyết định này có hiệu lực kể từ ngày ký./.',
      ],
      signer: 'chutich',
      form: 'TM',
      printedFirst: ['Như Điều 2'],
      recipients: [{ dept: 'GDĐT' }, { name: 'Kho bạc Nhà nước Hà Tĩnh' }],
      route: { decisions: [] },
    },
    {
      key: 'funding',
      file: 'cv-de-nghi-bo-sung-kinh-phi.pdf',
      drafter: 'chuyenvien.tckh',
      unit: 'TCKH',
      type: 'CV',
      subject: `V/v đề nghị bổ sung kinh phí thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới năm ${year + 1}`,
      addressees: ['Sở Tài chính tỉnh Hà Tĩnh'],
      body: [
        `Thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới giai đoạn 2026 - 2030, năm ${year + 1} huyện Demo phấn đấu có thêm 02 xã đạt chuẩn nông thôn mới nâng cao.`,
        'Để có nguồn lực thực hiện, Ủy ban nhân dân huyện kính đề nghị Sở Tài chính xem xét, tham mưu bổ sung 12.500 triệu đồng kinh phí từ ngân sách tỉnh cho huyện./.',
      ],
      signer: 'phochutich',
      form: 'KT',
      printedFirst: ['Như trên'],
      recipients: [{ name: 'Sở Tài chính tỉnh Hà Tĩnh' }],
      route: {},
    },
  ];
}

/** Creates the demo's own outgoing drafts and moves each along its route; their ids by key. */
export async function seedOutgoing(ctx: DemoContext): Promise<Map<string, number>> {
  const year = Number(ctx.today.slice(0, 4));
  const ids = new Map<string, number>();
  for (const plan of plans(year)) ids.set(plan.key, await createPlanned(ctx, plan));
  return ids;
}

async function createPlanned(ctx: DemoContext, plan: OutgoingPlan): Promise<number> {
  const departmentName = (abbr: string) =>
    DISTRICT_DEPARTMENTS.find((d) => d.abbreviation === abbr)!.name;
  const nameOf = (r: Recipient) =>
    'dept' in r ? departmentName(r.dept) : 'commune' in r ? ctx.commune.name : r.name;
  const block = SIGNER_BLOCKS[plan.form];
  const signer = ctx.users.get(plan.signer)!;
  const pdf = await draftPdf({
    agency: AGENCY_HEADING,
    notation: plan.type === 'CV' ? `UBND-${plan.unit}` : `${plan.type}-UBND`,
    place: PLACE,
    title: plan.title,
    subject: plan.subject,
    addressees: plan.addressees,
    body: plan.body,
    signerTitle: [...block.title],
    signerName: signer.fullName,
    recipients: [...(plan.printedFirst ?? []), ...plan.recipients.map(nameOf)],
  });
  const fields = DraftFieldsSchema.parse({
    documentType: plan.type,
    subject: plan.subject,
    urgency: String(plan.urgency ?? 0),
    signerId: String(signer.id),
    signingForm: plan.form,
    signerTitle: block.signerTitle,
    authorityName: plan.form === 'TM' ? 'Ủy ban nhân dân' : undefined,
    principalTitle: plan.form === 'KT' ? 'Chủ tịch' : undefined,
    placeName: PLACE,
    recipients: plan.recipients.map((r) =>
      'dept' in r
        ? { departmentId: String(ctx.dept(r.dept)) }
        : 'commune' in r
          ? { agencyId: String(ctx.commune.id) }
          : { name: r.name },
    ),
  });
  const doc = await createDraft(
    fields,
    { main: { buffer: pdf, originalName: plan.file } },
    ctx.as(plan.drafter),
  );
  if (plan.route.decisions) await takeOutgoing(ctx, doc.id, plan.drafter, plan.signer, plan.route);
  return doc.id;
}
