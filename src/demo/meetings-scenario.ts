/**
 * The demo's meetings (cuộc họp), each taken to its state through the meetings' services: the
 * rooms the clerk keeps; last week's committee session, held, with its minutes signed by the
 * secretary and the chair, its conclusions, the tasks given from them and the conclusion notice
 * waiting for the chairman's signature; this morning's briefing, under way; and next week's
 * conference, published with its agenda, documents, answers and its invitation (giấy mời) issued
 * to the commune as an outgoing document.
 */
import { Meeting, MeetingParticipant } from '../meetings/meeting.model.js';
import { composeNotice, saveConclusions } from '../meetings/conclusions.service.js';
import { issueInvitation } from '../meetings/invitation.service.js';
import {
  AttendanceSchema,
  closeMeeting,
  moveCurrentItem,
  openMeeting,
  setAttendance,
} from '../meetings/meetings.live.service.js';
import { addUploadedDocuments, linkDocument } from '../meetings/meetings.prepare.documents.js';
import { addParticipants, respondToInvitation } from '../meetings/meetings.prepare.people.js';
import { saveRoom } from '../meetings/meetings.prepare.rooms.js';
import {
  AddParticipantsSchema,
  ItemSchema,
  LinkDocumentSchema,
  MeetingSchema,
  RoomSchema,
  RsvpSchema,
} from '../meetings/meetings.prepare.schemas.js';
import { addItem, createMeeting, publishMeeting } from '../meetings/meetings.prepare.service.js';
import { vietnamTimeText } from '../meetings/minutes-skeleton.js';
import {
  saveMinutes,
  signMinutes,
  skeletonOf,
  submitMinutes,
} from '../meetings/minutes.service.js';
import { TaskCreateSchema } from '../meetings/tasks.schemas.js';
import { completeTask, createTask, reportTaskProgress } from '../meetings/tasks.service.js';
import type { DemoContext } from './context.js';
import { vietnamTime, weekdayFrom } from './context.js';
import { draftPdf } from './draft-pdf.js';
import { DEMO_PIN, takeOutgoing } from './outgoing-scenario.js';

/** The ids of outgoing documents the meetings refer to. */
export interface MeetingLinks {
  /** A report an item of the coming conference discusses. */
  reportId: number;
  /** The hỏa tốc công điện this morning's briefing follows up. */
  telegramId: number;
}

export interface MeetingsSummary {
  rooms: number;
  meetings: number;
  tasks: number;
}

const ORGANISER = 'vanthu';
const CHAIR = 'chutich';
const SECRETARY = 'chanhvanphong';

/** A meeting document: a short report laid out as Decree 30 has it. */
const reportPdf = (ctx: DemoContext, subject: string, body: string[]) =>
  draftPdf({
    agency: 'Ủy ban nhân dân huyện Demo',
    notation: 'BC-UBND',
    place: 'Demo',
    title: 'BÁO CÁO',
    subject,
    body,
    signerTitle: ['TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH'],
    signerName: ctx.users.get(CHAIR)!.fullName,
    recipients: ['Thường trực Huyện ủy', 'Thường trực HĐND huyện'],
  });

export async function seedMeetings(
  ctx: DemoContext,
  links: MeetingLinks,
): Promise<MeetingsSummary> {
  const clerk = ctx.as(ORGANISER);
  const smallRoom = await saveRoom(
    clerk,
    RoomSchema.parse({
      name: 'Phòng họp số 1',
      location: 'Tầng 2, nhà A',
      capacity: '30',
      isActive: 'on',
    }),
  );
  const hall = await saveRoom(
    clerk,
    RoomSchema.parse({
      name: 'Hội trường UBND huyện',
      location: 'Tầng 1, nhà B',
      capacity: '200',
      isActive: 'on',
    }),
  );
  const tasks = await pastSession(ctx, smallRoom.id);
  await todaysBriefing(ctx, smallRoom.id, links.telegramId);
  await comingConference(ctx, hall.id, links.reportId);
  return { rooms: 2, meetings: 3, tasks };
}

const id = (ctx: DemoContext, username: string) => ctx.users.get(username)!.id;

async function newMeeting(
  ctx: DemoContext,
  fields: {
    title: string;
    kind: string;
    startsAt: Date;
    endsAt: Date;
    roomId: number;
    description: string;
  },
): Promise<Meeting> {
  return createMeeting(
    ctx.as(ORGANISER),
    MeetingSchema.parse({ ...fields, chairId: id(ctx, CHAIR), secretaryId: id(ctx, SECRETARY) }),
  );
}

const invite = (ctx: DemoContext, meetingId: number, input: Record<string, unknown>) =>
  addParticipants(ctx.as(ORGANISER), meetingId, AddParticipantsSchema.parse(input));

/** Adds the items in order, each with the PDFs or links given. */
async function agenda(
  ctx: DemoContext,
  meetingId: number,
  items: {
    title: string;
    presenter?: string;
    minutes: number;
    pdf?: { name: string; title: string; bytes: Buffer };
    link?: number;
  }[],
): Promise<void> {
  const organiser = ctx.as(ORGANISER);
  for (const it of items) {
    const item = await addItem(
      organiser,
      meetingId,
      ItemSchema.parse({
        title: it.title,
        presenterId: it.presenter ? String(id(ctx, it.presenter)) : undefined,
        plannedMinutes: String(it.minutes),
      }),
    );
    if (it.pdf)
      await addUploadedDocuments(
        organiser,
        meetingId,
        item.id,
        [{ buffer: it.pdf.bytes, originalName: it.pdf.name }],
        { title: it.pdf.title },
      );
    if (it.link)
      await linkDocument(
        organiser,
        meetingId,
        item.id,
        LinkDocumentSchema.parse({ linkedKind: 'outgoing', linkedId: String(it.link) }),
      );
  }
}

/** Each invitee answers (attend, a deputy, absent with the reason). */
async function answers(
  ctx: DemoContext,
  meetingId: number,
  list: [string, Record<string, unknown>][],
): Promise<void> {
  for (const [username, answer] of list)
    await respondToInvitation(ctx.as(username), meetingId, RsvpSchema.parse(answer));
}

/** The secretary checks everyone in: absent with their reason when they said so, else present. */
async function checkIn(ctx: DemoContext, meetingId: number): Promise<void> {
  const rows = await MeetingParticipant.findAll({ where: { meetingId }, order: [['id', 'ASC']] });
  for (const row of rows)
    await setAttendance(
      ctx.as(SECRETARY),
      meetingId,
      AttendanceSchema.parse({
        participantId: row.id,
        attendance: row.rsvp === 'absent' ? 'absent' : row.rsvp === 'deputy' ? 'deputy' : 'present',
        reason: row.rsvp === 'absent' ? (row.rsvpReason ?? 'Vắng có lý do') : '',
      }),
    );
}

/**
 * Last week's monthly session of the committee: held, minutes signed by the secretary and the
 * chair, conclusions given as tasks (one reported on, one done, one overdue), and the conclusion
 * notice drafted from them, through the Office's chain to the chairman's signature.
 */
async function pastSession(ctx: DemoContext, roomId: number): Promise<number> {
  const day = weekdayFrom(ctx.today, -7);
  const month = Number(day.slice(5, 7));
  const year = Number(day.slice(0, 4));
  const meeting = await newMeeting(ctx, {
    title: `Phiên họp thường kỳ UBND huyện tháng ${month}/${year}`,
    kind: 'phien_hop_ubnd',
    startsAt: vietnamTime(day, 8),
    endsAt: vietnamTime(day, 11, 30),
    roomId,
    description: 'Đánh giá tình hình kinh tế - xã hội trong tháng; cho ý kiến các nội dung trình.',
  });
  await invite(ctx, meeting.id, {
    kind: 'person',
    userIds: ['phochutich', 'truongphong.tckh', 'truongphong.nv', 'truongphong.tnmt'].map((u) =>
      id(ctx, u),
    ),
    role: 'member',
    isVoting: true,
  });
  await invite(ctx, meeting.id, {
    kind: 'person',
    userIds: [id(ctx, 'truongphong.gddt'), id(ctx, 'truongphong.yt')],
    role: 'participant',
  });
  await invite(ctx, meeting.id, {
    kind: 'guest',
    guestName: 'Ông Nguyễn Văn Bình',
    guestOrganisation: 'Thường trực HĐND huyện Demo',
  });
  await agenda(ctx, meeting.id, [
    {
      title: `Tình hình kinh tế - xã hội tháng ${month} và nhiệm vụ tháng tiếp theo`,
      presenter: SECRETARY,
      minutes: 30,
      pdf: {
        name: 'bao-cao-kt-xh.pdf',
        title: `Báo cáo tình hình kinh tế - xã hội tháng ${month}`,
        bytes: await reportPdf(ctx, `Tình hình kinh tế - xã hội tháng ${month} năm ${year}`, [
          'I. KẾT QUẢ ĐẠT ĐƯỢC',
          'Sản xuất nông nghiệp ổn định; thu ngân sách trên địa bàn đạt 91% dự toán; an sinh xã hội được bảo đảm.',
          'II. NHIỆM VỤ TRỌNG TÂM THÁNG TIẾP THEO',
          'Đẩy nhanh giải ngân vốn đầu tư công; chủ động phòng, chống thiên tai; chuẩn bị tổng kết năm./.',
        ]),
      },
    },
    {
      title: 'Tiến độ giải ngân vốn đầu tư công',
      presenter: 'truongphong.tckh',
      minutes: 20,
    },
    {
      title: 'Công tác chuẩn bị ứng phó mưa lũ cuối năm',
      presenter: 'truongphong.tnmt',
      minutes: 15,
    },
  ]);
  await publishMeeting(ctx.as(ORGANISER), meeting.id);
  await answers(ctx, meeting.id, [
    [CHAIR, { answer: 'attend' }],
    [SECRETARY, { answer: 'attend' }],
    ['phochutich', { answer: 'attend' }],
    ['truongphong.tckh', { answer: 'attend' }],
    ['truongphong.nv', { answer: 'attend' }],
    ['truongphong.tnmt', { answer: 'attend' }],
    ['truongphong.gddt', { answer: 'attend' }],
    ['truongphong.yt', { answer: 'absent', reason: 'Đi công tác tại Sở Y tế tỉnh' }],
  ]);
  const chair = ctx.as(CHAIR);
  await openMeeting(chair, meeting.id);
  await checkIn(ctx, meeting.id);
  await moveCurrentItem(chair, meeting.id, { to: 'next' });
  await moveCurrentItem(chair, meeting.id, { to: 'next' });
  await closeMeeting(chair, meeting.id);
  // Held as scheduled, not when the demo was seeded: the conclusion notice says when it met.
  await Meeting.update(
    { openedAt: meeting.startsAt, closedAt: meeting.endsAt },
    { where: { id: meeting.id } },
  );

  const conclusions = await saveConclusions(
    meeting.id,
    [
      {
        text: 'Phòng Tài chính - Kế hoạch chủ trì, phối hợp các chủ đầu tư đẩy nhanh giải ngân vốn đầu tư công, bảo đảm giải ngân trên 95% kế hoạch vốn trước ngày 31 tháng 12.',
      },
      {
        text: 'Phòng Tài nguyên và Môi trường kiểm tra, lập danh sách các điểm có nguy cơ sạt lở đất, báo cáo UBND huyện phương án di dời các hộ dân.',
      },
      {
        text: `Phòng Nội vụ hướng dẫn các cơ quan, đơn vị đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức năm ${year}.`,
      },
    ],
    ctx.as(ORGANISER),
  );
  // The secretary writes the minutes from the skeleton: the session's own hours (it was opened
  // and closed in the app only now), and what was said on each item.
  const said = [
    'Các đại biểu thống nhất với đánh giá của báo cáo; đề nghị bổ sung số liệu về giải quyết việc làm.',
    'Giải ngân đạt 78,5% kế hoạch vốn; còn 03 dự án chậm do vướng mặt bằng.',
    'Đã rà soát 14 điểm có nguy cơ sạt lở tại 05 xã; lực lượng, phương tiện sẵn sàng.',
  ];
  let item = 0;
  const body = (await skeletonOf(meeting))
    .split('\n')
    .flatMap((line) => {
      if (line.startsWith('Thời gian bắt đầu:'))
        return [`Thời gian bắt đầu: ${vietnamTimeText(meeting.startsAt)}.`];
      if (line.startsWith('Cuộc họp kết thúc vào'))
        return [`Cuộc họp kết thúc vào ${vietnamTimeText(meeting.endsAt)}.`];
      if (line.startsWith('Trình bày:') && said[item])
        return [line, `Ý kiến thảo luận: ${said[item++]}`];
      return [line];
    })
    .join('\n');
  const secretary = ctx.as(SECRETARY);
  const saved = await saveMinutes(meeting.id, { body, version: 0 }, secretary);
  await submitMinutes(meeting.id, { version: saved.version }, secretary);
  await signMinutes(meeting.id, { pin: DEMO_PIN }, secretary);
  await signMinutes(meeting.id, { pin: DEMO_PIN }, chair);

  const organiser = ctx.as(ORGANISER);
  const task = (input: Record<string, unknown>) =>
    createTask(meeting.id, TaskCreateSchema.parse(input), organiser);
  const investment = await task({
    conclusionId: String(conclusions[0].id),
    holderDepartmentId: String(ctx.dept('TCKH')),
    workingDays: '15',
  });
  await task({
    conclusionId: String(conclusions[1].id),
    holderUserId: String(id(ctx, 'chuyenvien.tnmt')),
    workingDays: '3',
  });
  const staff = await task({
    conclusionId: String(conclusions[2].id),
    holderDepartmentId: String(ctx.dept('NV')),
    workingDays: '5',
  });
  await reportTaskProgress(
    investment.id,
    { percent: 60, note: 'Đã làm việc với 12 chủ đầu tư; giải ngân đạt 82% kế hoạch vốn.' },
    ctx.as('truongphong.tckh'),
  );
  await completeTask(
    staff.id,
    { note: 'Đã ban hành văn bản hướng dẫn gửi các cơ quan, đơn vị và UBND các xã, thị trấn.' },
    ctx.as('truongphong.nv'),
  );

  const notice = await composeNotice(
    meeting.id,
    {
      recipients: [
        { departmentId: ctx.dept('TCKH') },
        { departmentId: ctx.dept('TNMT') },
        { departmentId: ctx.dept('NV') },
      ],
    },
    organiser,
  );
  await takeOutgoing(ctx, notice.id, ORGANISER, CHAIR, {
    decisions: [{ action: 'approve', comment: 'Đúng nội dung kết luận. Kính trình Chủ tịch ký.' }],
  });
  return 3;
}

/** This morning's weekly briefing of the leaders, under way on its second item. */
async function todaysBriefing(ctx: DemoContext, roomId: number, telegramId: number) {
  // Started an hour ago (to the quarter hour), whatever time the demo is started.
  const quarter = 15 * 60_000;
  const startsAt = new Date(Math.floor((Date.now() - 3600_000) / quarter) * quarter);
  const meeting = await newMeeting(ctx, {
    title: 'Giao ban lãnh đạo UBND huyện',
    kind: 'giao_ban',
    startsAt,
    endsAt: new Date(startsAt.getTime() + 3 * 3600_000),
    roomId,
    description: 'Đánh giá công việc tuần; triển khai nhiệm vụ tuần tới.',
  });
  await invite(ctx, meeting.id, {
    kind: 'person',
    userIds: ['phochutich', 'truongphong.tckh', 'truongphong.nv', 'truongphong.tnmt'].map((u) =>
      id(ctx, u),
    ),
    role: 'member',
    isVoting: true,
  });
  await agenda(ctx, meeting.id, [
    { title: 'Kết quả công việc tuần qua của các phòng', presenter: SECRETARY, minutes: 30 },
    {
      title: 'Triển khai Công điện ứng phó mưa lớn, lũ quét và sạt lở đất',
      presenter: 'truongphong.tnmt',
      minutes: 20,
      link: telegramId,
    },
    { title: 'Chương trình công tác tuần tới', presenter: CHAIR, minutes: 15 },
  ]);
  await publishMeeting(ctx.as(ORGANISER), meeting.id);
  await answers(
    ctx,
    meeting.id,
    [CHAIR, SECRETARY, 'phochutich', 'truongphong.tckh', 'truongphong.nv', 'truongphong.tnmt'].map(
      (u) => [u, { answer: 'attend' }],
    ),
  );
  await openMeeting(ctx.as(CHAIR), meeting.id);
  await checkIn(ctx, meeting.id);
  await moveCurrentItem(ctx.as(CHAIR), meeting.id, { to: 'next' });
}

/**
 * Next week's conference: published with its agenda and documents (one linked from the outgoing
 * register), its invitees' answers, and its invitation (giấy mời) signed and issued, dispatched
 * to the commune whose chairman is invited.
 */
async function comingConference(ctx: DemoContext, roomId: number, reportId: number) {
  const day = weekdayFrom(ctx.today, 5);
  const year = Number(ctx.today.slice(0, 4));
  const meeting = await newMeeting(ctx, {
    title: `Hội nghị triển khai nhiệm vụ phát triển kinh tế - xã hội năm ${year + 1}`,
    kind: 'hoi_nghi',
    startsAt: vietnamTime(day, 8),
    endsAt: vietnamTime(day, 11, 30),
    roomId,
    description: `Tổng kết năm ${year}; triển khai kế hoạch phát triển kinh tế - xã hội và dự toán ngân sách năm ${year + 1}.`,
  });
  await invite(ctx, meeting.id, {
    kind: 'person',
    userIds: [id(ctx, 'phochutich')],
    role: 'member',
    isVoting: true,
  });
  await invite(ctx, meeting.id, { kind: 'department', departmentId: String(ctx.dept('TCKH')) });
  await invite(ctx, meeting.id, {
    kind: 'person',
    userIds: ['truongphong.nv', 'truongphong.tnmt', 'truongphong.gddt', 'truongphong.yt'].map((u) =>
      id(ctx, u),
    ),
  });
  await invite(ctx, meeting.id, { kind: 'external', userIds: [id(ctx, 'chutich.thachlong')] });
  await invite(ctx, meeting.id, {
    kind: 'guest',
    guestName: 'Bà Trần Thị Hà',
    guestOrganisation: 'Kho bạc Nhà nước Hà Tĩnh',
  });
  await agenda(ctx, meeting.id, [
    {
      title: `Báo cáo kết quả thực hiện nhiệm vụ phát triển kinh tế - xã hội năm ${year}`,
      presenter: SECRETARY,
      minutes: 40,
      pdf: {
        name: 'du-thao-bao-cao-tong-ket.pdf',
        title: `Dự thảo Báo cáo tổng kết năm ${year}`,
        bytes: await reportPdf(
          ctx,
          `Kết quả thực hiện nhiệm vụ phát triển kinh tế - xã hội năm ${year}, phương hướng, nhiệm vụ năm ${year + 1}`,
          [
            `I. KẾT QUẢ THỰC HIỆN NĂM ${year}`,
            'Tổng giá trị sản xuất tăng 8,6%; thu ngân sách vượt dự toán; hoàn thành 05 công trình giao thông trọng điểm.',
            `II. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM ${year + 1}`,
            'Phấn đấu tốc độ tăng trưởng 9%; có thêm 02 xã đạt chuẩn nông thôn mới nâng cao./.',
          ],
        ),
      },
    },
    {
      title: `Dự toán ngân sách và kế hoạch đầu tư công năm ${year + 1}`,
      presenter: 'truongphong.tckh',
      minutes: 30,
      link: reportId,
    },
    { title: 'Phát biểu chỉ đạo của Chủ tịch UBND huyện', presenter: CHAIR, minutes: 20 },
  ]);
  await publishMeeting(ctx.as(ORGANISER), meeting.id);
  await answers(ctx, meeting.id, [
    ['truongphong.tckh', { answer: 'attend' }],
    ['chuyenvien.tckh', { answer: 'attend' }],
    [
      'truongphong.nv',
      {
        answer: 'deputy',
        deputyUserId: String(id(ctx, 'chuyenvien.nv')),
        reason: 'Tiếp đoàn kiểm tra của Sở Nội vụ',
      },
    ],
    ['truongphong.gddt', { answer: 'absent', reason: 'Dự hội nghị tại Sở Giáo dục và Đào tạo' }],
    ['chutich.thachlong', { answer: 'attend' }],
  ]);
  const invitation = await issueInvitation(meeting.id, ctx.as(ORGANISER));
  await takeOutgoing(ctx, invitation.outgoing.id, ORGANISER, CHAIR, {
    decisions: [{ action: 'approve', comment: 'Kính trình Chủ tịch ký giấy mời.' }],
    signed: true,
    issued: true,
  });
}
