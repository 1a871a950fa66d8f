import { expect } from 'chai';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import request from 'supertest';
import { Op } from 'sequelize';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildAgency, buildDepartment, buildUser } from '../factories/index.js';
import { makePdf } from '../fixtures/pdf.js';
import { postForm, registerThroughForm, signIn, type Actor } from './incoming-helpers.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { IncomingDocument } from '../../src/incoming/incoming.model.js';
import { Notification } from '../../src/notifications/notification.model.js';
import {
  Meeting,
  MeetingItem,
  MeetingItemDocument,
  MeetingParticipant,
  MeetingRoom,
} from '../../src/meetings/meeting.model.js';
import { MeetingNote, MeetingQuestion } from '../../src/meetings/meetings.prepare.model.js';
import { onMeetingEvent, type MeetingEvent } from '../../src/meetings/meetings.events.js';
import { createAccessToken } from '../../src/users/users.service.js';
import { configureMailTransport } from '../../src/notifications/notification.service.js';
import type { Agency, Department } from '../../src/agencies/agency.model.js';
import type { User } from '../../src/users/user.model.js';

/** dd/mm/yyyy hh:mm of a day this many days ahead, at the given hour (Vietnam time). */
function vnTime(daysAhead: number, hour: number, minute = 0): string {
  const d = new Date(Date.now() + daysAhead * 86_400_000 + 7 * 3_600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${pad(hour)}:${pad(minute)}`;
}

const idFrom = (location: string | undefined) =>
  Number(/\/meetings\/(\d+)/.exec(location ?? '')?.[1]);

describe('meetings: preparing a meeting', function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let agency: Agency;
  let other: Agency;
  let dept: Department;
  let organiser: Actor;
  let chair: Actor;
  let member: Actor;
  let colleague: Actor;
  let outsider: Actor;
  let guest: Actor;
  let deputyUser: User;
  let deptPeople: User[];
  let room: MeetingRoom;
  let day = 3;

  before(async () => {
    ctx = await testApp();
    agency = await buildAgency();
    other = await buildAgency();
    dept = await buildDepartment(agency);
    organiser = await signIn(
      ctx.app,
      await buildUser(agency, ['clerk'], { fullName: 'Văn thư Hà' }),
    );
    chair = await signIn(
      ctx.app,
      await buildUser(agency, ['leader'], { fullName: 'Chủ tịch Bình', positionTitle: 'Chủ tịch' }),
    );
    member = await signIn(
      ctx.app,
      await buildUser(agency, ['specialist'], {
        fullName: 'Chuyên viên Mai',
        positionTitle: 'Chuyên viên',
      }),
    );
    colleague = await signIn(
      ctx.app,
      await buildUser(agency, ['specialist'], { fullName: 'Chuyên viên Lan' }),
    );
    outsider = await signIn(
      ctx.app,
      await buildUser(agency, ['specialist'], { fullName: 'Người ngoài Tú' }),
    );
    guest = await signIn(
      ctx.app,
      await buildUser(other, ['clerk'], { fullName: 'Khách Sở Tài chính' }),
    );
    deputyUser = await buildUser(agency, ['specialist'], { fullName: 'Phó phòng Dự Thay' });
    deptPeople = [
      await buildUser(agency, ['specialist'], { departmentId: dept.id, fullName: 'Phòng A1' }),
      await buildUser(agency, ['specialist'], { departmentId: dept.id, fullName: 'Phòng A2' }),
      await buildUser(agency, ['specialist'], {
        departmentId: dept.id,
        fullName: 'Nghỉ việc',
        isActive: false,
      }),
    ];
    room = await MeetingRoom.create({
      agencyId: agency.id,
      name: `Phòng họp số 1 ${agency.id}`,
      location: 'Tầng 2',
      capacity: 30,
    });
  });

  /** A meeting made through the form by the organiser; a new day each time (no clash). */
  async function newMeeting(overrides: Record<string, string> = {}): Promise<Meeting> {
    day += 1;
    const res = await postForm(organiser, '/meetings', {
      title: `Giao ban tuần ${day}`,
      kind: 'giao_ban',
      chairId: String(chair.user.id),
      secretaryId: String(organiser.user.id),
      startsAt: vnTime(day, 8),
      endsAt: vnTime(day, 10),
      roomId: String(room.id),
      description: 'Đánh giá công việc tuần',
      ...overrides,
    });
    expect(res.status, res.text.slice(0, 500)).to.equal(303);
    return (await Meeting.findByPk(idFrom(res.headers.location)))!;
  }

  it('creates a meeting typed dd/mm/yyyy hh:mm, the chair and the secretary invited with their roles', async () => {
    const meeting = await newMeeting();
    expect(meeting.status).to.equal('draft');
    expect(meeting.organiserId).to.equal(organiser.user.id);
    const rows = await MeetingParticipant.findAll({ where: { meetingId: meeting.id } });
    expect(rows.map((r) => [r.userId, r.role, r.isVoting]).sort()).to.deep.equal(
      [
        [chair.user.id, 'chair', true],
        [organiser.user.id, 'secretary', false],
      ].sort(),
    );
    // 08:00 in Vietnam is 01:00 UTC.
    expect(meeting.startsAt.getUTCHours()).to.equal(1);
    const page = await organiser.session.agent.get(`/meetings/${meeting.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('Giao ban tuần').and.include('Chủ tịch Bình');
    // The pickers (chair, secretary, people to invite) leave out an account that only
    // administers the system; one who also works with documents stays.
    await buildUser(agency, ['admin'], { fullName: 'Quản trị Thuần' });
    await buildUser(agency, ['admin', 'specialist'], { fullName: 'Quản trị Kiêm Chuyên viên' });
    const form = await organiser.session.agent.get('/meetings/new');
    expect(form.status).to.equal(200);
    expect(form.text).not.to.include('Quản trị Thuần');
    expect(form.text).to.include('Quản trị Kiêm Chuyên viên');
    const audit = await AuditLog.findOne({
      where: { action: 'meeting.create', entityId: String(meeting.id) },
    });
    expect(audit).to.not.equal(null);
  });

  it('refuses bad input in Vietnamese and saves nothing', async () => {
    const before = await Meeting.count();
    const res = await postForm(organiser, '/meetings', {
      title: 'x'.repeat(600),
      kind: 'tiec_tung',
      chairId: 'abc',
      secretaryId: String(organiser.user.id),
      startsAt: '31/02/2027 08:00',
      endsAt: vnTime(5, 7),
      roomId: '',
      onlineUrl: 'javascript:alert(1)',
    });
    expect(res.status).to.equal(422);
    // A day that does not exist is said to be one, not a wrong shape.
    expect(res.text).to.include('Không có ngày này trong lịch');
    expect(res.text).to.include('Không được dài quá 500 ký tự');
    expect(res.text).to.include('Vui lòng chọn một giá trị trong danh sách');
    expect(res.text).to.include('phải bắt đầu bằng http:// hoặc https://');
    expect(await Meeting.count()).to.equal(before);
    const backwards = await postForm(organiser, '/meetings', {
      title: 'Họp ngược giờ',
      kind: 'chuyen_de',
      chairId: String(chair.user.id),
      secretaryId: String(organiser.user.id),
      startsAt: vnTime(5, 10),
      endsAt: vnTime(5, 9),
      onlineUrl: 'https://meet.example.vn/abc',
    });
    expect(backwards.status).to.equal(422);
    expect(backwards.text).to.include('Thời gian kết thúc phải sau thời gian bắt đầu');
    const foreignChair = await postForm(organiser, '/meetings', {
      title: 'Chủ trì cơ quan khác',
      kind: 'chuyen_de',
      chairId: String(guest.user.id),
      secretaryId: String(organiser.user.id),
      startsAt: vnTime(5, 8),
      endsAt: vnTime(5, 9),
      onlineUrl: 'https://meet.example.vn/abc',
    });
    expect(foreignChair.status).to.equal(422);
    expect(foreignChair.text).to.include('Không tìm thấy người này');
    expect(await Meeting.count()).to.equal(before);
  });

  it('flags a room clash on the form (nothing saved until the organiser goes on) and on the meeting page', async () => {
    const first = await newMeeting();
    const overlapping = {
      title: 'Họp chuyên đề trùng phòng',
      kind: 'chuyen_de',
      chairId: String(chair.user.id),
      secretaryId: String(organiser.user.id),
      startsAt: vnTime(day, 9, 30),
      endsAt: vnTime(day, 11),
      roomId: String(room.id),
    };
    const before = await Meeting.count();
    const warned = await postForm(organiser, '/meetings', overlapping);
    expect(warned.status).to.equal(409);
    expect(warned.text).to.include('data-testid="room-clash"').and.include(first.title);
    expect(await Meeting.count()).to.equal(before);
    const saved = await postForm(organiser, '/meetings', { ...overlapping, confirmClash: '1' });
    expect(saved.status).to.equal(303);
    const second = idFrom(saved.headers.location);
    const page = await organiser.session.agent.get(`/meetings/${second}`);
    expect(page.text).to.include('data-testid="room-clash"').and.include(first.title);
    // Back to back is no clash; a cancelled meeting clashes with nothing.
    const after = await postForm(organiser, '/meetings', {
      ...overlapping,
      startsAt: vnTime(day, 11),
      endsAt: vnTime(day, 12),
    });
    expect(after.status).to.equal(303);
    const cancel = await postForm(organiser, `/meetings/${first.id}/cancel`, {
      reason: 'Đổi lịch',
    });
    expect(cancel.status).to.equal(303);
    const again = await organiser.session.agent.get(`/meetings/${second}`);
    expect(again.text).to.not.include('data-testid="room-clash"');
  });

  it('keeps rooms for those who manage them, names unique in the agency', async () => {
    const clerkRooms = await organiser.session.agent.get('/meetings/rooms');
    expect(clerkRooms.status).to.equal(200);
    expect((await member.session.agent.get('/meetings/rooms')).status).to.equal(403);
    const name = `Hội trường ${agency.id}`;
    const added = await postForm(organiser, '/meetings/rooms', {
      name,
      capacity: '200',
      isActive: '1',
    });
    expect(added.status).to.equal(303);
    const twice = await postForm(organiser, '/meetings/rooms', { name, isActive: '1' });
    expect(twice.status).to.equal(422);
    expect(twice.text).to.include('Cơ quan đã có phòng họp mang tên này');
    expect(await MeetingRoom.count({ where: { agencyId: agency.id, name } })).to.equal(1);
  });

  it('invites people with titles, a whole department, a person of another agency as guest and a guest by name; voting weight; removal', async () => {
    const meeting = await newMeeting();
    const url = `/meetings/${meeting.id}/participants`;
    expect(
      (
        await postForm(organiser, url, {
          kind: 'person',
          userIds: [String(member.user.id), String(colleague.user.id)],
          role: 'member',
          isVoting: '1',
          voteWeight: '2',
        })
      ).status,
    ).to.equal(303);
    expect(
      (await postForm(organiser, url, { kind: 'department', departmentId: String(dept.id) }))
        .status,
    ).to.equal(303);
    expect(
      (await postForm(organiser, url, { kind: 'external', userIds: String(guest.user.id) })).status,
    ).to.equal(303);
    expect(
      (
        await postForm(organiser, url, {
          kind: 'guest',
          guestName: 'Ông Nguyễn Văn Khách',
          guestOrganisation: 'Công ty Thử',
        })
      ).status,
    ).to.equal(303);
    // A person of another agency is not a "person" of this one; nobody twice.
    const wrong = await postForm(organiser, url, {
      kind: 'person',
      userIds: String(guest.user.id),
    });
    expect(wrong.status).to.equal(422);
    expect(wrong.text).to.include('Không tìm thấy người này');
    const twice = await postForm(organiser, url, {
      kind: 'person',
      userIds: String(member.user.id),
    });
    expect(twice.status).to.equal(422);
    expect(twice.text).to.include('đều đã có trong danh sách mời');
    const rows = await MeetingParticipant.findAll({ where: { meetingId: meeting.id } });
    const byUser = (id: number) => rows.find((r) => r.userId === id)!;
    expect([
      byUser(member.user.id).role,
      byUser(member.user.id).isVoting,
      byUser(member.user.id).voteWeight,
    ]).to.deep.equal(['member', true, 2]);
    expect(byUser(guest.user.id).role).to.equal('guest');
    expect(byUser(guest.user.id).isVoting).to.equal(false);
    // Each active member of the department, drawn under it; not the one who left.
    expect(
      rows
        .filter((r) => r.invitedDepartmentId === dept.id)
        .map((r) => r.userId)
        .sort(),
    ).to.deep.equal([deptPeople[0]!.id, deptPeople[1]!.id].sort());
    expect(rows.find((r) => r.guestName === 'Ông Nguyễn Văn Khách')?.guestOrganisation).to.equal(
      'Công ty Thử',
    );
    const page = await organiser.session.agent.get(`/meetings/${meeting.id}`);
    expect(page.text)
      .to.include(dept.name)
      .and.include('Chuyên viên Mai</strong>, Chuyên viên')
      .and.include('Ông Nguyễn Văn Khách');
    const colleagueRow = byUser(colleague.user.id);
    expect(
      (
        await postForm(organiser, `${url}/${colleagueRow.id}`, {
          role: 'participant',
          voteWeight: '3',
        })
      ).status,
    ).to.equal(303);
    await colleagueRow.reload();
    expect([colleagueRow.role, colleagueRow.isVoting, colleagueRow.voteWeight]).to.deep.equal([
      'participant',
      false,
      3,
    ]);
    expect((await postForm(organiser, `${url}/${colleagueRow.id}/remove`, {})).status).to.equal(
      303,
    );
    expect(await MeetingParticipant.findByPk(colleagueRow.id)).to.equal(null);
    const chairRow = byUser(chair.user.id);
    const refused = await postForm(organiser, `${url}/${chairRow.id}/remove`, {});
    expect(refused.status).to.equal(409);
    expect(await MeetingParticipant.findByPk(chairRow.id)).to.not.equal(null);
    // Someone else's participant row is not found through this meeting.
    const otherMeeting = await newMeeting();
    const otherRow = await MeetingParticipant.findOne({
      where: { meetingId: otherMeeting.id, role: 'chair' },
    });
    expect((await postForm(organiser, `${url}/${otherRow!.id}/remove`, {})).status).to.equal(404);
    const audits = await AuditLog.findAll({
      where: {
        entityType: 'meeting',
        entityId: String(meeting.id),
        action: { [Op.like]: 'meeting.participant%' },
      },
    });
    expect(audits.map((a) => a.action)).to.include.members([
      'meeting.participants.add',
      'meeting.participant.update',
      'meeting.participant.remove',
    ]);
  });

  it('shows a draft to its organisers only; publishing tells every invitee (bell) and opens it to them', async () => {
    const meeting = await newMeeting();
    await postForm(organiser, `/meetings/${meeting.id}/participants`, {
      kind: 'person',
      userIds: String(member.user.id),
    });
    await postForm(organiser, `/meetings/${meeting.id}/participants`, {
      kind: 'external',
      userIds: String(guest.user.id),
    });
    expect((await member.session.agent.get(`/meetings/${meeting.id}`)).status).to.equal(404);
    expect((await chair.session.agent.get(`/meetings/${meeting.id}`)).status).to.equal(200);
    const list = await member.session.agent.get('/meetings');
    expect(list.text).to.not.include(`/meetings/${meeting.id}"`);
    expect((await postForm(member, `/meetings/${meeting.id}/publish`, {})).status).to.equal(404);
    const published = await postForm(organiser, `/meetings/${meeting.id}/publish`, {});
    expect(published.status).to.equal(303);
    await meeting.reload();
    expect(meeting.status).to.equal('published');
    for (const person of [member, guest, chair]) {
      const n = await Notification.findAll({
        where: { userId: person.user.id, kind: 'meeting.invited', link: `/meetings/${meeting.id}` },
      });
      expect(n.length, person.user.fullName).to.equal(1);
    }
    expect(
      await Notification.count({
        where: { userId: organiser.user.id, link: `/meetings/${meeting.id}` },
      }),
    ).to.equal(0);
    expect((await member.session.agent.get(`/meetings/${meeting.id}`)).status).to.equal(200);
    expect((await guest.session.agent.get(`/meetings/${meeting.id}`)).status).to.equal(200);
    expect((await outsider.session.agent.get(`/meetings/${meeting.id}`)).status).to.equal(404);
    const mine = await member.session.agent.get('/meetings?mine=1');
    expect(mine.text).to.include(`/meetings/${meeting.id}"`);
    expect((await outsider.session.agent.get('/meetings')).text).to.not.include(
      `/meetings/${meeting.id}"`,
    );
    const byKind = await member.session.agent.get('/meetings?kind=chuyen_de');
    expect(byKind.text).to.not.include(`/meetings/${meeting.id}"`);
    const byTitle = await member.session.agent.get(
      `/meetings?q=${encodeURIComponent(meeting.title)}`,
    );
    expect(byTitle.text).to.include(`/meetings/${meeting.id}"`);
    const past = await member.session.agent.get('/meetings?when=past');
    expect(past.text).to.not.include(`/meetings/${meeting.id}"`);
    const twice = await postForm(organiser, `/meetings/${meeting.id}/publish`, {});
    expect(twice.status).to.equal(409);
  });

  it('takes answers: absent needs a reason, a deputy (same agency) then sees the meeting, answers can change; organisers are told', async () => {
    const meeting = await newMeeting();
    await postForm(organiser, `/meetings/${meeting.id}/participants`, {
      kind: 'person',
      userIds: String(member.user.id),
    });
    await postForm(organiser, `/meetings/${meeting.id}/publish`, {});
    const url = `/meetings/${meeting.id}/rsvp`;
    const noReason = await postForm(member, url, { answer: 'absent', reason: '   ' });
    expect(noReason.status).to.equal(422);
    expect(noReason.text).to.include('Hãy ghi lý do vắng mặt');
    const foreignDeputy = await postForm(member, url, {
      answer: 'deputy',
      deputyUserId: String(guest.user.id),
    });
    expect(foreignDeputy.status).to.equal(422);
    // An account that only administers the system is never a stand-in (the picker leaves it out;
    // a tampered form is refused, and the meeting stays hidden from it).
    const admin = await buildUser(agency, ['admin'], { fullName: 'Quản trị hệ thống' });
    const adminDeputy = await postForm(member, url, {
      answer: 'deputy',
      deputyUserId: String(admin.id),
    });
    expect(adminDeputy.status).to.equal(422);
    const row = await MeetingParticipant.findOne({
      where: { meetingId: meeting.id, userId: member.user.id },
    });
    expect(row!.rsvp).to.equal('pending');
    const deputy = await signIn(ctx.app, deputyUser);
    expect((await deputy.session.agent.get(`/meetings/${meeting.id}`)).status).to.equal(404);
    expect(
      (await postForm(member, url, { answer: 'deputy', deputyUserId: String(deputyUser.id) }))
        .status,
    ).to.equal(303);
    expect((await deputy.session.agent.get(`/meetings/${meeting.id}`)).status).to.equal(200);
    expect(
      await Notification.count({ where: { userId: deputyUser.id, kind: 'meeting.deputyNamed' } }),
    ).to.be.greaterThan(0);
    const hub = await organiser.session.agent.get(`/meetings/${meeting.id}`);
    expect(hub.text).to.include('Dự thay: Phó phòng Dự Thay');
    expect(
      (await postForm(member, url, { answer: 'absent', reason: 'Đi công tác' })).status,
    ).to.equal(303);
    await row!.reload();
    expect([row!.rsvp, row!.rsvpReason, row!.deputyUserId]).to.deep.equal([
      'absent',
      'Đi công tác',
      null,
    ]);
    expect((await deputy.session.agent.get(`/meetings/${meeting.id}`)).status).to.equal(404);
    expect((await organiser.session.agent.get(`/meetings/${meeting.id}`)).text).to.include(
      'Đi công tác',
    );
    expect(
      await Notification.count({ where: { userId: organiser.user.id, kind: 'meeting.answered' } }),
    ).to.be.greaterThan(0);
    // Not invited: no answer to give.
    expect((await postForm(outsider, url, { answer: 'attend' })).status).to.equal(404);
    await meeting.update({ status: 'closed' });
    expect((await postForm(member, url, { answer: 'attend' })).status).to.equal(403);
  });

  /** A published meeting with the member and the guest invited, and items A, B, C. */
  async function preparedMeeting(): Promise<{ meeting: Meeting; items: MeetingItem[] }> {
    const meeting = await newMeeting();
    await postForm(organiser, `/meetings/${meeting.id}/participants`, {
      kind: 'person',
      userIds: [String(member.user.id), String(colleague.user.id)],
    });
    await postForm(organiser, `/meetings/${meeting.id}/participants`, {
      kind: 'external',
      userIds: String(guest.user.id),
    });
    for (const title of ['A. Báo cáo tình hình', 'B. Kế hoạch tháng', 'C. Việc khác']) {
      const res = await postForm(organiser, `/meetings/${meeting.id}/items`, {
        title,
        presenterId: String(member.user.id),
        plannedMinutes: '15',
      });
      expect(res.status, res.text.slice(0, 300)).to.equal(303);
    }
    await postForm(organiser, `/meetings/${meeting.id}/publish`, {});
    const items = await MeetingItem.findAll({
      where: { meetingId: meeting.id },
      order: [['position', 'ASC']],
    });
    return { meeting: await meeting.reload(), items };
  }

  const titles = async (meetingId: number) =>
    (
      await MeetingItem.findAll({
        where: { meetingId },
        order: [
          ['position', 'ASC'],
          ['id', 'ASC'],
        ],
      })
    ).map((i) => i.title[0]);

  it('reorders items (up, down, to a position) and withdraws one with its reason; each change notifies once and announces agenda.changed', async () => {
    const { meeting, items } = await preparedMeeting();
    const events: MeetingEvent[] = [];
    const stop = onMeetingEvent((e) => e.meetingId === meeting.id && events.push(e));
    const notes = () =>
      Notification.count({
        where: {
          userId: member.user.id,
          kind: 'meeting.agendaChanged',
          link: `/meetings/${meeting.id}`,
        },
      });
    try {
      const base = `/meetings/${meeting.id}/items`;
      expect(
        (await postForm(organiser, `${base}/${items[2]!.id}/move`, { direction: 'up' })).status,
      ).to.equal(303);
      expect(await titles(meeting.id)).to.deep.equal(['A', 'C', 'B']);
      expect(
        (await postForm(organiser, `${base}/${items[0]!.id}/move`, { position: '3' })).status,
      ).to.equal(303);
      expect(await titles(meeting.id)).to.deep.equal(['C', 'B', 'A']);
      expect(
        (await postForm(organiser, `${base}/${items[0]!.id}/move`, { direction: 'down' })).status,
      ).to.equal(303);
      expect(await titles(meeting.id)).to.deep.equal(['C', 'B', 'A']);
      expect(await notes()).to.equal(2);
      // One edit of several fields: one notification, one event.
      const edit = await postForm(organiser, `${base}/${items[1]!.id}`, {
        title: 'B. Kế hoạch tháng 12',
        presenterName: 'Ông Giám đốc Sở',
        plannedMinutes: '30',
        confidentiality: '0',
      });
      expect(edit.status).to.equal(303);
      expect(await notes()).to.equal(3);
      const noReason = await postForm(organiser, `${base}/${items[1]!.id}/withdraw`, {
        reason: '',
      });
      expect(noReason.status).to.equal(422);
      expect(noReason.text).to.include(`id="wr-${items[1]!.id}-error"`);
      expect(
        (await postForm(organiser, `${base}/${items[1]!.id}/withdraw`, { reason: 'Chưa đủ hồ sơ' }))
          .status,
      ).to.equal(303);
      const withdrawn = await MeetingItem.findByPk(items[1]!.id);
      expect([withdrawn!.status, withdrawn!.withdrawnReason]).to.deep.equal([
        'withdrawn',
        'Chưa đủ hồ sơ',
      ]);
      expect(await notes()).to.equal(4);
      await new Promise((r) => setTimeout(r, 20));
      expect(events.filter((e) => e.type === 'agenda.changed').length).to.equal(4);
      const organiserPage = await organiser.session.agent.get(`/meetings/${meeting.id}`);
      expect(organiserPage.text)
        .to.include('<s>B. Kế hoạch tháng 12</s>')
        .and.include('Chưa đủ hồ sơ');
      const memberPage = await member.session.agent.get(`/meetings/${meeting.id}`);
      expect(memberPage.text).to.not.include('B. Kế hoạch tháng 12');
      // A withdrawn item is not edited again; an item of another meeting is not found here.
      expect(
        (await postForm(organiser, `${base}/${items[1]!.id}`, { title: 'Sửa lại' })).status,
      ).to.equal(409);
      const other = await newMeeting();
      expect(
        (
          await postForm(organiser, `/meetings/${other.id}/items/${items[0]!.id}/move`, {
            direction: 'up',
          })
        ).status,
      ).to.equal(404);
      // Participants may not change the agenda.
      expect((await postForm(member, `${base}`, { title: 'Chen ngang' })).status).to.equal(403);
      expect(await MeetingItem.count({ where: { meetingId: meeting.id } })).to.equal(3);
    } finally {
      stop();
    }
  });

  it('takes uploaded PDFs (a renamed non-PDF refused in Vietnamese); participants open them, each opening audited', async () => {
    const { meeting, items } = await preparedMeeting();
    const url = `/meetings/${meeting.id}/items/${items[0]!.id}/documents`;
    const upload = (actor: Actor, buffer: Buffer, name: string) =>
      actor.session.agent
        .post(url)
        .field('_csrf', actor.token)
        .field('title', 'Báo cáo quý IV')
        .attach('files', buffer, { filename: name, contentType: 'application/pdf' });
    const fake = await upload(organiser, Buffer.from('MZ không phải PDF'), 'baocao.pdf');
    expect(fake.status).to.equal(422);
    expect(fake.text).to.include('PDF');
    // A text file is named as it was chosen, and said once (at the head of the page).
    const notes = await upload(organiser, Buffer.from('Ghi chú cuộc họp'), 'notes.txt');
    expect(notes.status).to.equal(422);
    expect(notes.text).to.include('Tệp «notes.txt» không phải là tệp PDF hợp lệ');
    expect(notes.text).not.to.include('notes.txt.pdf');
    expect(notes.text.split('không phải là tệp PDF hợp lệ').length - 1).to.equal(1);
    const { token } = await createAccessToken(organiser.user, 'thử', {
      userId: organiser.user.id,
      ip: null,
    });
    const viaApi = await request(ctx.app)
      .post(`/api/v1/meetings/${meeting.id}/items/${items[0]!.id}/documents`)
      .set('Authorization', `Bearer ${token}`)
      .attach('files', Buffer.from('Ghi chú'), {
        filename: 'notes.txt',
        contentType: 'text/plain',
      });
    expect(viaApi.status).to.equal(422);
    expect(viaApi.body.error.message).to.include('«notes.txt»');
    expect(await MeetingItemDocument.count({ where: { meetingId: meeting.id } })).to.equal(0);
    expect((await upload(member, await makePdf(2), 'chen.pdf')).status).to.equal(403);
    const ok = await upload(organiser, await makePdf(2, 'Bao cao quy IV'), 'báo-cáo.pdf');
    expect(ok.status, ok.text.slice(0, 300)).to.equal(303);
    const doc = (await MeetingItemDocument.findOne({ where: { meetingId: meeting.id } }))!;
    expect(doc.title).to.equal('Báo cáo quý IV');
    expect((await member.session.agent.get(`/meetings/${meeting.id}`)).text).to.include(
      `/meetings/${meeting.id}/documents/${doc.id}"`,
    );
    const viewer = await member.session.agent.get(`/meetings/${meeting.id}/documents/${doc.id}`);
    expect(viewer.status).to.equal(200);
    expect(viewer.text).to.include(`/meetings/${meeting.id}/documents/${doc.id}/file`);
    const file = await member.session.agent
      .get(`/meetings/${meeting.id}/documents/${doc.id}/file`)
      .buffer(true);
    expect(file.status).to.equal(200);
    expect(file.headers['content-type']).to.equal('application/pdf');
    expect(
      Buffer.from(file.body as Buffer)
        .subarray(0, 5)
        .toString(),
    ).to.equal('%PDF-');
    const audits = await AuditLog.findAll({
      where: { entityType: 'meeting', entityId: String(meeting.id), userId: member.user.id },
    });
    expect(audits.map((a) => a.action)).to.include.members([
      'meeting.view',
      'meeting.document.view',
      'meeting.document.download',
    ]);
    expect(
      (await outsider.session.agent.get(`/meetings/${meeting.id}/documents/${doc.id}/file`)).status,
    ).to.equal(404);
    // A document of another meeting is not found through this one.
    const other = await newMeeting();
    expect(
      (await organiser.session.agent.get(`/meetings/${other.id}/documents/${doc.id}`)).status,
    ).to.equal(404);
  });

  it('keeps an item’s documents to those cleared for its confidentiality', async () => {
    const { meeting, items } = await preparedMeeting();
    await postForm(organiser, `/meetings/${meeting.id}/items/${items[2]!.id}`, {
      title: 'C. Nhân sự (mật)',
      confidentiality: '2',
    });
    await organiser.user.update({ secretClearance: 3 });
    await organiser.session.agent
      .post(`/meetings/${meeting.id}/items/${items[2]!.id}/documents`)
      .field('_csrf', organiser.token)
      .attach('files', await makePdf(1), 'nhan-su.pdf');
    const doc = (await MeetingItemDocument.findOne({ where: { itemId: items[2]!.id } }))!;
    expect(
      (await member.session.agent.get(`/meetings/${meeting.id}/documents/${doc.id}/file`)).status,
    ).to.equal(404);
    const page = await member.session.agent.get(`/meetings/${meeting.id}`);
    expect(page.text)
      .to.include('data-testid="not-cleared"')
      .and.not.include(`/documents/${doc.id}"`);
    await member.user.update({ secretClearance: 2 });
    try {
      expect(
        (await member.session.agent.get(`/meetings/${meeting.id}/documents/${doc.id}/file`)).status,
      ).to.equal(200);
    } finally {
      await member.user.update({ secretClearance: 0 });
    }
  });

  it('links an incoming document the organiser may see (not a copy); a participant opens it through the meeting, logged on the document too', async () => {
    const { meeting, items } = await preparedMeeting();
    const incomingId = await registerThroughForm(organiser, {
      subject: 'Công văn về kế hoạch năm',
    });
    const foreignId = await registerThroughForm(guest, { subject: 'Công văn của cơ quan khác' });
    const url = `/meetings/${meeting.id}/items/${items[0]!.id}/links`;
    const refused = await postForm(organiser, url, {
      linkedKind: 'incoming',
      linkedId: String(foreignId),
    });
    expect(refused.status).to.equal(422);
    expect(refused.text).to.include('bạn không có quyền xem văn bản');
    const noOutgoing = await postForm(organiser, url, {
      linkedKind: 'outgoing',
      linkedId: '2147483000',
    });
    expect(noOutgoing.status).to.equal(422);
    const wrongKind = await postForm(organiser, url, {
      linkedKind: 'tệp',
      linkedId: String(incomingId),
    });
    expect(wrongKind.status).to.equal(422);
    expect(
      (await postForm(organiser, url, { linkedKind: 'incoming', linkedId: String(incomingId) }))
        .status,
    ).to.equal(303);
    expect(
      (await postForm(organiser, url, { linkedKind: 'incoming', linkedId: String(incomingId) }))
        .status,
    ).to.equal(422);
    // The document's address as copied from the browser names it, kind and number.
    const pasted = await postForm(organiser, url, {
      linkedKind: 'outgoing',
      linkedId: `https://eoffice.example.gov.vn/incoming/${incomingId}`,
    });
    expect(pasted.status, 'the same document again: refused as linked already').to.equal(422);
    expect(pasted.text).to.include('Văn bản này đã có trong tài liệu của nội dung.');
    const doc = (await MeetingItemDocument.findOne({
      where: { itemId: items[0]!.id, linkedKind: 'incoming' },
    }))!;
    expect([doc.fileId, doc.linkedId, doc.title]).to.deep.equal([
      null,
      incomingId,
      'Công văn về kế hoạch năm',
    ]);
    // The member may not open the incoming document itself, but opens it through the meeting.
    expect((await member.session.agent.get(`/incoming/${incomingId}`)).status).to.equal(404);
    const file = await member.session.agent.get(`/meetings/${meeting.id}/documents/${doc.id}/file`);
    expect(file.status).to.equal(200);
    const logged = await AuditLog.findOne({
      where: {
        action: 'incoming.download',
        entityType: 'incoming',
        entityId: String(incomingId),
        userId: member.user.id,
      },
    });
    expect(logged, 'the incoming document’s own access log').to.not.equal(null);
    expect(JSON.parse(logged!.details!)).to.include({ viaMeetingId: meeting.id });
  });

  it('keeps a linked document’s độ mật: never under a less secret item, the item not lowered below it, not opened by the uncleared once raised', async () => {
    const { meeting, items } = await preparedMeeting();
    const [first, second] = [items[0]!, items[1]!];
    await organiser.user.update({ secretClearance: 3 });
    try {
      const secretId = await registerThroughForm(organiser, {
        subject: 'Công văn mật về công tác cán bộ',
        confidentiality: '2',
      });
      const url = `/meetings/${meeting.id}/items/${first.id}/links`;
      const refused = await postForm(organiser, url, {
        linkedKind: 'incoming',
        linkedId: String(secretId),
      });
      expect(refused.status).to.equal(422);
      expect(refused.text).to.include('độ mật cao hơn độ mật của nội dung họp');
      expect(await MeetingItemDocument.count({ where: { itemId: first.id } })).to.equal(0);
      const page = await member.session.agent.get(`/meetings/${meeting.id}`);
      expect(page.text).to.not.include('Công văn mật về công tác cán bộ');
      // Raised to the document's level, the item takes it, and is not lowered below it again.
      const itemUrl = `/meetings/${meeting.id}/items/${first.id}`;
      expect(
        (await postForm(organiser, itemUrl, { title: first.title, confidentiality: '2' })).status,
      ).to.equal(303);
      expect(
        (await postForm(organiser, url, { linkedKind: 'incoming', linkedId: String(secretId) }))
          .status,
      ).to.equal(303);
      const lowered = await postForm(organiser, itemUrl, {
        title: first.title,
        confidentiality: '0',
      });
      expect(lowered.status).to.equal(422);
      expect(lowered.text).to.include('không thể hạ độ mật của nội dung');
      expect((await first.reload()).confidentiality).to.equal(2);
      // A document made secret after it was linked is no longer opened by the uncleared.
      const laterId = await registerThroughForm(organiser, { subject: 'Công văn thường' });
      expect(
        (
          await postForm(organiser, `/meetings/${meeting.id}/items/${second.id}/links`, {
            linkedKind: 'incoming',
            linkedId: String(laterId),
          })
        ).status,
      ).to.equal(303);
      const later = (await MeetingItemDocument.findOne({ where: { itemId: second.id } }))!;
      const fileUrl = `/meetings/${meeting.id}/documents/${later.id}/file`;
      expect((await member.session.agent.get(fileUrl)).status).to.equal(200);
      await IncomingDocument.update({ confidentiality: 2 }, { where: { id: laterId } });
      expect((await member.session.agent.get(fileUrl)).status).to.equal(404);
      expect((await organiser.session.agent.get(fileUrl)).status).to.equal(200);
    } finally {
      await organiser.user.update({ secretClearance: 0 });
    }
  });

  it('a guest of another agency sends a deputy of their own agency, who then sees the meeting and its documents', async () => {
    const { meeting, items } = await preparedMeeting();
    await organiser.session.agent
      .post(`/meetings/${meeting.id}/items/${items[0]!.id}/documents`)
      .field('_csrf', organiser.token)
      .attach('files', await makePdf(1), 'tai-lieu-khach.pdf');
    const doc = (await MeetingItemDocument.findOne({ where: { itemId: items[0]!.id } }))!;
    const colleagueOfGuest = await signIn(
      ctx.app,
      await buildUser(other, ['specialist'], { fullName: 'Phó Giám đốc Sở dự thay' }),
    );
    const page = `/meetings/${meeting.id}`;
    expect((await colleagueOfGuest.session.agent.get(page)).status).to.equal(404);
    const answered = await postForm(guest, `${page}/rsvp`, {
      answer: 'deputy',
      deputyUserId: String(colleagueOfGuest.user.id),
    });
    expect(answered.status, answered.text.slice(0, 300)).to.equal(303);
    const hub = await colleagueOfGuest.session.agent.get(page);
    expect(hub.status).to.equal(200);
    expect(hub.text).to.include(meeting.title);
    expect(
      (await colleagueOfGuest.session.agent.get(`${page}/documents/${doc.id}/file`)).status,
    ).to.equal(200);
    const list = await colleagueOfGuest.session.agent.get('/meetings');
    expect(list.text).to.include(`href="/meetings/${meeting.id}"`);
    // The guest comes after all: the deputy loses the meeting again.
    await postForm(guest, `${page}/rsvp`, { answer: 'attend' });
    expect((await colleagueOfGuest.session.agent.get(page)).status).to.equal(404);
  });

  it('keeps notes and highlights private to their author', async () => {
    const { meeting, items } = await preparedMeeting();
    await organiser.session.agent
      .post(`/meetings/${meeting.id}/items/${items[0]!.id}/documents`)
      .field('_csrf', organiser.token)
      .attach('files', await makePdf(2), 'tai-lieu.pdf');
    const doc = (await MeetingItemDocument.findOne({ where: { itemId: items[0]!.id } }))!;
    const notesUrl = `/meetings/${meeting.id}/documents/${doc.id}/notes`;
    expect(
      (await postForm(member, notesUrl, { page: '1', kind: 'note', text: 'Ghi chú riêng của Mai' }))
        .status,
    ).to.equal(303);
    const highlight = await member.session.agent
      .post(notesUrl)
      .set('Accept', 'application/json')
      .set('X-CSRF-Token', member.token)
      .type('form')
      .send({
        page: '2',
        kind: 'highlight',
        rect: JSON.stringify({ x: 0.1, y: 0.2, w: 0.5, h: 0.05 }),
      });
    expect(highlight.status).to.equal(201);
    const bad = await postForm(member, notesUrl, { page: '1', kind: 'highlight', rect: '{"x":5}' });
    expect(bad.status).to.equal(422);
    const huge = await postForm(member, notesUrl, {
      page: '1',
      kind: 'note',
      text: 'x'.repeat(5000),
    });
    expect(huge.status).to.equal(422);
    expect(await MeetingNote.count({ where: { itemDocumentId: doc.id } })).to.equal(2);
    const mine = await member.session.agent.get(`/meetings/${meeting.id}/documents/${doc.id}`);
    expect(mine.text).to.include('Ghi chú riêng của Mai').and.include('"kind":"highlight"');
    for (const someoneElse of [colleague, organiser, chair]) {
      const page = await someoneElse.session.agent.get(
        `/meetings/${meeting.id}/documents/${doc.id}`,
      );
      expect(page.status).to.equal(200);
      expect(page.text, someoneElse.user.fullName)
        .to.not.include('Ghi chú riêng của Mai')
        .and.not.include('"kind":"highlight"');
    }
    const note = (await MeetingNote.findOne({ where: { itemDocumentId: doc.id, kind: 'note' } }))!;
    expect(
      (await postForm(colleague, `/meetings/${meeting.id}/notes/${note.id}/delete`, {})).status,
    ).to.equal(404);
    expect(
      (await postForm(organiser, `/meetings/${meeting.id}/notes/${note.id}/delete`, {})).status,
    ).to.equal(404);
    expect(await MeetingNote.findByPk(note.id)).to.not.equal(null);
    const audit = await AuditLog.findOne({
      where: { action: 'meeting.note.add', userId: member.user.id, entityId: String(meeting.id) },
    });
    expect(audit!.details).to.not.include('Ghi chú riêng');
    expect(
      (await postForm(member, `/meetings/${meeting.id}/notes/${note.id}/delete`, {})).status,
    ).to.equal(303);
    expect(await MeetingNote.findByPk(note.id)).to.equal(null);
  });

  it('takes questions on an item before the meeting: the organisers and the presenter see them, the asker their own, nobody else', async () => {
    const { meeting, items } = await preparedMeeting();
    await postForm(organiser, `/meetings/${meeting.id}/items/${items[1]!.id}`, {
      title: 'B. Kế hoạch',
      presenterId: String(chair.user.id),
    });
    const url = `/meetings/${meeting.id}/items/${items[1]!.id}/questions`;
    expect(
      (await postForm(colleague, url, { text: 'Kinh phí lấy từ nguồn nào?' })).status,
    ).to.equal(303);
    expect((await postForm(colleague, url, { text: '' })).status).to.equal(422);
    expect((await postForm(outsider, url, { text: 'Tôi hỏi được không?' })).status).to.equal(404);
    const see = async (actor: Actor) =>
      (await actor.session.agent.get(`/meetings/${meeting.id}`)).text.includes(
        'Kinh phí lấy từ nguồn nào?',
      );
    expect(await see(colleague), 'asker').to.equal(true);
    expect(await see(organiser), 'organiser').to.equal(true);
    expect(await see(chair), 'presenter and chair').to.equal(true);
    expect(await see(member), 'another participant').to.equal(false);
    expect(await see(guest), 'a guest').to.equal(false);
    expect(
      await Notification.count({ where: { userId: organiser.user.id, kind: 'meeting.question' } }),
    ).to.be.greaterThan(0);
    await meeting.update({ status: 'in_progress' });
    expect((await postForm(colleague, url, { text: 'Muộn rồi' })).status).to.equal(409);
    expect(await MeetingQuestion.count({ where: { meetingId: meeting.id } })).to.equal(1);
  });

  it('shows "Vào phòng họp" from publication (the chair opens the meeting there) and while it runs', async () => {
    const { meeting } = await preparedMeeting();
    const room = `href="/meetings/${meeting.id}/live"`;
    expect((await member.session.agent.get(`/meetings/${meeting.id}`)).text).to.include(room);
    await meeting.update({ status: 'in_progress' });
    expect((await member.session.agent.get(`/meetings/${meeting.id}`)).text).to.include(room);
    await meeting.update({ status: 'closed' });
    expect((await member.session.agent.get(`/meetings/${meeting.id}`)).text).to.not.include(
      'data-testid="enter-room"',
    );
  });

  it('cancels with a reason, telling the invitees of a published meeting', async () => {
    const { meeting } = await preparedMeeting();
    const noReason = await postForm(organiser, `/meetings/${meeting.id}/cancel`, { reason: '' });
    expect(noReason.status).to.equal(422);
    expect(
      (
        await postForm(organiser, `/meetings/${meeting.id}/cancel`, {
          reason: 'Lãnh đạo đi công tác',
        })
      ).status,
    ).to.equal(303);
    await meeting.reload();
    expect([meeting.status, meeting.cancelReason]).to.deep.equal([
      'cancelled',
      'Lãnh đạo đi công tác',
    ]);
    expect(
      await Notification.count({
        where: {
          userId: member.user.id,
          kind: 'meeting.cancelled',
          link: `/meetings/${meeting.id}`,
        },
      }),
    ).to.equal(1);
    expect((await member.session.agent.get(`/meetings/${meeting.id}`)).text).to.include(
      'Lãnh đạo đi công tác',
    );
  });

  it('answers hostile paths and ids with 404, never a stack', async () => {
    const meeting = await newMeeting();
    for (const path of [
      '/meetings/abc',
      '/meetings/99999999',
      '/meetings/1e3',
      `/meetings/${meeting.id}/documents/xyz`,
      '/meetings/-1/edit',
    ]) {
      const res = await organiser.session.agent.get(path);
      expect(res.status, path).to.equal(404);
      expect(res.text).to.not.match(/at .*\.ts:\d+/);
    }
    const foreign = await guest.session.agent.get(`/meetings/${meeting.id}`);
    expect(foreign.status).to.equal(404);
  });

  it('mails the invitation to invitees with an e-mail address once published, in their language', async () => {
    const sent: { to: string; subject: string }[] = [];
    const transport = nodemailer.createTransport({ jsonTransport: true });
    const send = transport.sendMail.bind(transport);
    transport.sendMail = (async (mail: SendMailOptions) => {
      const info = await send(mail);
      const message = JSON.parse(String(info.message));
      sent.push({ to: message.to[0].address, subject: message.subject });
      return info;
    }) as typeof transport.sendMail;
    configureMailTransport(transport);
    try {
      await member.user.update({ email: 'mai@ubnd.test', locale: 'vi' });
      await guest.user.update({ email: 'guest@stc.test', locale: 'en' });
      const meeting = await newMeeting();
      await postForm(organiser, `/meetings/${meeting.id}/participants`, {
        kind: 'person',
        userIds: String(member.user.id),
      });
      await postForm(organiser, `/meetings/${meeting.id}/participants`, {
        kind: 'external',
        userIds: String(guest.user.id),
      });
      expect(sent).to.deep.equal([]);
      expect((await postForm(organiser, `/meetings/${meeting.id}/publish`, {})).status).to.equal(
        303,
      );
      const until = Date.now() + 5000;
      while (sent.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      const byTo = Object.fromEntries(sent.map((m) => [m.to, m.subject]));
      expect(byTo['mai@ubnd.test']).to.include('Giấy mời họp: Giao ban tuần');
      expect(byTo['guest@stc.test']).to.include('Meeting invitation: Giao ban tuần');
    } finally {
      configureMailTransport(null);
      await member.user.update({ email: null });
      await guest.user.update({ email: null, locale: 'vi' });
    }
  });

  it('numbers items added at the same moment one after the other (the meeting row is locked)', async () => {
    const meeting = await newMeeting();
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        postForm(organiser, `/meetings/${meeting.id}/items`, { title: `Nội dung song song ${n}` }),
      ),
    );
    expect(results.map((r) => r.status)).to.deep.equal([303, 303, 303, 303, 303]);
    const positions = (await MeetingItem.findAll({ where: { meetingId: meeting.id } }))
      .map((i) => i.position)
      .sort();
    expect(positions).to.deep.equal([1, 2, 3, 4, 5]);
  });

  it('describes its API in openapi.json, request bodies from the routes’ schemas', async () => {
    const res = await request(ctx.app).get('/api/v1/openapi.json');
    expect(res.status).to.equal(200);
    const paths = res.body.paths as Record<
      string,
      Record<
        string,
        {
          requestBody?: {
            content: Record<string, { schema: { properties: Record<string, unknown> } }>;
          };
        }
      >
    >;
    expect(paths['/meetings']).to.have.keys('get', 'post');
    const create = paths['/meetings']!.post!.requestBody!.content['application/json']!.schema;
    expect(create.properties).to.include.keys(
      'title',
      'kind',
      'chairId',
      'secretaryId',
      'startsAt',
      'endsAt',
      'roomId',
      'onlineUrl',
    );
    const rsvp =
      paths['/meetings/{id}/rsvp']!.post!.requestBody!.content['application/json']!.schema;
    expect(rsvp.properties).to.include.keys('answer', 'deputyUserId', 'reason');
    for (const path of [
      '/meetings/{id}',
      '/meetings/{id}/items',
      '/meetings/{id}/items/{itemId}/move',
      '/meetings/{id}/items/{itemId}/documents',
      '/meetings/{id}/participants',
      '/meetings/{id}/documents/{documentId}/file',
    ])
      expect(paths, path).to.have.property(path);
  });

  describe('the API twins (/api/v1/meetings)', () => {
    let token: string;
    let memberToken: string;
    before(async () => {
      token = (
        await createAccessToken(organiser.user, 'thử', { userId: organiser.user.id, ip: null })
      ).token;
      memberToken = (
        await createAccessToken(member.user, 'thử', { userId: member.user.id, ip: null })
      ).token;
    });
    const api = (t: string) => ({
      get: (path: string) =>
        request(ctx.app).get(`/api/v1/meetings${path}`).set('Authorization', `Bearer ${t}`),
      post: (path: string, body: object) =>
        request(ctx.app)
          .post(`/api/v1/meetings${path}`)
          .set('Authorization', `Bearer ${t}`)
          .send(body),
    });

    it('creates, invites, builds the agenda with a document, publishes; the member lists, reads and answers', async () => {
      day += 1;
      const created = await api(token).post('', {
        title: 'Phiên họp UBND tháng 12',
        kind: 'phien_hop_ubnd',
        chairId: chair.user.id,
        secretaryId: organiser.user.id,
        startsAt: vnTime(day, 14),
        endsAt: vnTime(day, 17),
        onlineUrl: 'https://hop.example.vn/ubnd',
      });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const id = created.body.meeting.id as number;
      const bad = await api(token).post('', { title: '', kind: 'x' });
      const wrongTypes = await api(token).post(`/${id}/participants`, {
        kind: 'person',
        userIds: ['abc', { x: 1 }],
        voteWeight: 'nặng',
      });
      expect(wrongTypes.status).to.equal(422);
      expect(JSON.stringify(wrongTypes.body)).to.not.match(/at .*\.ts:\d+/);
      expect(await MeetingParticipant.count({ where: { meetingId: id } })).to.equal(2);
      expect((await api(token).post('/999999999/items', { title: 'Không có' })).status).to.equal(
        404,
      );

      expect(bad.status).to.equal(422);
      expect(bad.body.error.fields.title).to.match(/[Vv]ui lòng|bắt buộc|nhập/);
      expect(
        (
          await api(token).post(`/${id}/participants`, {
            kind: 'person',
            userIds: [member.user.id],
            isVoting: true,
            voteWeight: 2,
          })
        ).status,
      ).to.equal(201);
      const item = await api(token).post(`/${id}/items`, {
        title: 'Dự toán ngân sách',
        plannedMinutes: 40,
      });
      expect(item.status).to.equal(201);
      const itemId = item.body.item.id as number;
      const uploaded = await request(ctx.app)
        .post(`/api/v1/meetings/${id}/items/${itemId}/documents`)
        .set('Authorization', `Bearer ${token}`)
        .attach('files', await makePdf(1), 'du-toan.pdf');
      expect(uploaded.status, JSON.stringify(uploaded.body)).to.equal(201);
      const documentId = uploaded.body.documents[0].id as number;
      expect((await api(memberToken).get(`/${id}`)).status).to.equal(404);
      expect((await api(token).post(`/${id}/publish`, {})).status).to.equal(200);
      const list = await api(memberToken).get('?mine=1');
      expect(list.status).to.equal(200);
      expect(list.body.items.map((m: { id: number }) => m.id)).to.include(id);
      const got = await api(memberToken).get(`/${id}`);
      expect(got.status).to.equal(200);
      expect(got.body.agenda[0].documents[0].id).to.equal(documentId);
      const items = await api(memberToken).get(`/${id}/items`);
      expect(items.body.items.map((i: { title: string }) => i.title)).to.deep.equal([
        'Dự toán ngân sách',
      ]);
      const file = await api(memberToken).get(`/${id}/documents/${documentId}/file`);
      expect(file.status).to.equal(200);
      const noReason = await api(memberToken).post(`/${id}/rsvp`, { answer: 'absent' });
      expect(noReason.status).to.equal(422);
      expect(noReason.body.error.fields.reason).to.equal('Hãy ghi lý do vắng mặt.');
      const answered = await api(memberToken).post(`/${id}/rsvp`, { answer: 'attend' });
      expect(answered.status).to.equal(200);
      expect(answered.body.rsvp).to.equal('attend');
      expect(
        (await api(memberToken).post(`/${id}/items`, { title: 'Chen ngang' })).status,
      ).to.equal(403);
      const moved = await api(token).post(`/${id}/items/${itemId}/move`, { direction: 'down' });
      expect(moved.status).to.equal(200);
      const updated = await api(token).post(`/${id}`, {
        title: 'Phiên họp UBND tháng 12 (điều chỉnh)',
        kind: 'phien_hop_ubnd',
        chairId: chair.user.id,
        secretaryId: organiser.user.id,
        startsAt: vnTime(day, 15),
        endsAt: vnTime(day, 17),
        onlineUrl: 'https://hop.example.vn/ubnd',
      });
      expect(updated.status).to.equal(200);
      expect(
        await Notification.count({
          where: { userId: member.user.id, kind: 'meeting.changed', link: `/meetings/${id}` },
        }),
      ).to.equal(1);
    });
  });
});
