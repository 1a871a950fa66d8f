import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import type { Express } from 'express';
import { Op } from 'sequelize';
import type { Agency, Department } from '../../src/agencies/agency.model.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { DocumentFile } from '../../src/files/file.model.js';
import type { AppError } from '../../src/http/app-error.js';
import { hashToken } from '../../src/http/auth.js';
import {
  CalendarFeedToken,
  MeetingInvitation,
  MeetingReminder,
} from '../../src/meetings/meeting-calendar.model.js';
import {
  Meeting,
  MeetingItem,
  MeetingParticipant,
  MeetingRoom,
} from '../../src/meetings/meeting.model.js';
import { issueInvitation, type IssuedInvitation } from '../../src/meetings/invitation.service.js';
import { sendMeetingReminders } from '../../src/meetings/meetings.reminders.js';
import { Notification } from '../../src/notifications/notification.model.js';
import { OutgoingDocument, OutgoingRecipient } from '../../src/outgoing/outgoing.model.js';
import type { User } from '../../src/users/user.model.js';
import { refusal, whileRefusing } from '../helpers/refusing-trigger.js';
import { createAccessToken } from '../../src/users/users.service.js';
import {
  buildAgency,
  buildDepartment,
  buildUser,
  loginAs,
  type Session,
} from '../factories/index.js';
import { buildMeeting } from '../helpers/meeting-minutes-fixture.js';
import { testApp } from '../helpers/test-app.js';

const HOUR = 3600_000;

/** The text of a PDF as pdftotext reads it. */
function pdfText(bytes: Buffer): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'giay-moi-'));
  const file = path.join(dir, 'giay-moi.pdf');
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

/** The events of an iCalendar text: unfolded lines, each VEVENT as a map of its properties. */
function icalEvents(text: string): Record<string, string>[] {
  const lines = text.replace(/\r\n[ \t]/g, '').split(/\r\n/);
  expect(lines[0]).to.equal('BEGIN:VCALENDAR');
  expect(lines.filter(Boolean).at(-1)).to.equal('END:VCALENDAR');
  const events: Record<string, string>[] = [];
  let current: Record<string, string> | null = null;
  for (const line of lines) {
    if (line === 'BEGIN:VEVENT') current = {};
    else if (line === 'END:VEVENT') {
      events.push(current!);
      current = null;
    } else if (current) {
      const colon = line.indexOf(':');
      current[line.slice(0, colon).split(';')[0]!] = line.slice(colon + 1);
    }
  }
  return events;
}

/** "08 giờ 30 phút, ngày 17 tháng 12 năm 2026" of the time, as the invitation prints it. */
function vietnamTime(d: Date): string {
  const v = new Date(d.getTime() + 7 * HOUR);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(v.getUTCHours())} giờ ${pad(v.getUTCMinutes())} phút, ngày ${pad(v.getUTCDate())} tháng ${pad(v.getUTCMonth() + 1)} năm ${v.getUTCFullYear()}`;
}

const ddmmyyyy = (d: Date) => {
  const v = new Date(d.getTime() + 7 * HOUR);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(v.getUTCDate())}/${pad(v.getUTCMonth() + 1)}/${v.getUTCFullYear()}`;
};

describe('meetings: invitations, reminders and the weekly calendar', function () {
  this.timeout(120_000);
  let app: Express;
  let agency: Agency;
  let foreign: Agency;
  let department: Department;
  let chair: User;
  let secretary: User;
  let member: User;
  let absentee: User;
  let sender: User;
  let deputy: User;
  let guest: User;
  let outsider: User;
  let stranger: User;

  before(async () => {
    ({ app } = await testApp());
    agency = await buildAgency({ address: '12 Trần Phú, Hà Nội' });
    foreign = await buildAgency({ name: 'Sở Thông tin và Truyền thông thử' });
    department = await buildDepartment(agency, { name: 'Phòng Văn hóa - Thông tin' });
    chair = await buildUser(agency, ['leader'], {
      fullName: 'Trần Văn Hùng',
      positionTitle: 'Chủ tịch',
    });
    secretary = await buildUser(agency, ['clerk'], { fullName: 'Lê Thị Mai' });
    member = await buildUser(agency, ['dept_head'], { fullName: 'Phạm Quốc Bảo' });
    absentee = await buildUser(agency, ['specialist'], { fullName: 'Đỗ Văn Vắng' });
    sender = await buildUser(agency, ['specialist'], { fullName: 'Ngô Thị Cử' });
    deputy = await buildUser(agency, ['specialist'], { fullName: 'Vũ Văn Thay' });
    guest = await buildUser(foreign, ['clerk'], { fullName: 'Hoàng Khách Mời' });
    outsider = await buildUser(agency, ['specialist'], { fullName: 'Người Không Mời' });
    stranger = await buildUser(foreign, ['admin'], { fullName: 'Quản Trị Khác' });
  });

  /** A published meeting starting at `startsAt` with every kind of invitee and a secret item. */
  async function plannedMeeting(startsAt: Date, title = 'Giao ban tuần về chuyển đổi số') {
    const room = await MeetingRoom.create({
      agencyId: agency.id,
      name: `Phòng họp ${Math.random().toString(36).slice(2, 8)}`,
      location: 'Tầng 2, nhà A',
      capacity: 30,
    });
    const meeting = await buildMeeting(
      { chair, secretary, members: [member], absent: [absentee], deputy: [sender, deputy], guest },
      {
        title,
        status: 'published',
        startsAt,
        endsAt: new Date(startsAt.getTime() + 2 * HOUR),
        openedAt: null,
        roomId: room.id,
        onlineUrl: 'https://hop.example.vn/giao-ban',
      },
    );
    // Not yet answered, and a whole department invited.
    await MeetingParticipant.update(
      { rsvp: 'pending', attendance: null },
      { where: { meetingId: meeting.id, userId: member.id } },
    );
    await MeetingParticipant.create({
      meetingId: meeting.id,
      userId: outsider.id,
      guestName: null,
      guestOrganisation: null,
      role: 'participant',
      invitedDepartmentId: department.id,
    });
    await MeetingItem.create({
      meetingId: meeting.id,
      position: 3,
      title: 'Phương án nhân sự tuyệt mật XYZ',
      presenterId: null,
      presenterName: null,
      plannedMinutes: 15,
      confidentiality: 2,
    });
    // The participant invited with the department is not a "stranger" to the meeting any more;
    // the tests that need an outsider use a fresh one.
    return meeting;
  }

  describe('the invitation', () => {
    let session: Session;
    before(async () => {
      session = await loginAs(app, secretary);
    });

    it('makes a Decree 30 PDF with the title, time, place, agenda (secret item hidden) and QR', async () => {
      const startsAt = new Date(Date.now() + 3 * 24 * HOUR);
      const meeting = await plannedMeeting(startsAt);
      const memberSession = await loginAs(app, member);
      const res = await memberSession.agent
        .get(`/meetings/${meeting.id}/invitation.pdf`)
        .buffer(true)
        .parse((r, cb) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.match(/application\/pdf/);
      const text = pdfText(res.body as Buffer).replace(/\s+/g, ' ');
      expect(text).to.include('GIẤY MỜI');
      expect(text).to.include('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
      expect(text).to.include('Giao ban tuần về chuyển đổi số');
      expect(text).to.include(vietnamTime(startsAt));
      expect(text).to.include('Tầng 2, nhà A');
      expect(text).to.include('https://hop.example.vn/giao-ban');
      expect(text).to.include('Hoàng Khách Mời');
      expect(text).to.include('Phòng Văn hóa - Thông tin');
      expect(text).to.include('Nội dung mật');
      expect(text).not.to.include('tuyệt mật XYZ');
      // The check-in address (wrapped over lines in the caption) beside the QR code.
      expect(text.replace(/\s+/g, '')).to.include(`/meetings/checkin/${meeting.checkInToken}`);
      expect(text).to.match(/Số: +\/GM-/);
      const audits = await AuditLog.count({
        where: {
          action: 'meeting.invitation.download',
          entityId: String(meeting.id),
          userId: member.id,
        },
      });
      expect(audits).to.equal(1);
      // Someone of another agency who is not invited: 404, no hint.
      const other = await loginAs(app, stranger);
      expect((await other.agent.get(`/meetings/${meeting.id}/invitation.pdf`)).status).to.equal(
        404,
      );
      expect((await other.agent.get('/meetings/abc/invitation.pdf')).status).to.equal(404);
    });

    it('is issued as a GM outgoing draft, replaced while a draft, refused in approval, superseded once issued', async () => {
      const meeting = await plannedMeeting(new Date(Date.now() + 4 * 24 * HOUR));
      const csrf = await session.csrf();
      const first = await session.agent
        .post(`/meetings/${meeting.id}/invitation/issue`)
        .type('form')
        .send({ _csrf: csrf });
      expect(first.status, /invitation-error">([^<]*)/.exec(first.text)?.[1]).to.equal(303);
      const rows = await MeetingInvitation.findAll({ where: { meetingId: meeting.id } });
      expect(rows).to.have.length(1);
      const doc = (await OutgoingDocument.findByPk(rows[0]!.outgoingId))!;
      expect(doc.documentType).to.equal('GM');
      expect(doc.status).to.equal('draft');
      expect(doc.signerId).to.equal(chair.id);
      expect(doc.subject).to.include('Giao ban tuần về chuyển đổi số');
      const recipients = await OutgoingRecipient.findAll({ where: { outgoingId: doc.id } });
      expect(recipients.map((r) => r.recipientAgencyId).filter(Boolean)).to.deep.equal([
        foreign.id,
      ]);
      expect(recipients.map((r) => r.departmentId).filter(Boolean)).to.deep.equal([department.id]);
      const mains = () =>
        DocumentFile.count({
          where: { documentKind: 'outgoing', documentId: doc.id, role: 'main' },
        });
      expect(await mains()).to.equal(1);
      const page = await session.agent.get(`/meetings/${meeting.id}/invitation`);
      expect(page.status).to.equal(200);
      expect(page.text).to.include(`/outgoing/${doc.id}`);
      expect(page.text).to.include('Dự thảo');
      // And back: the outgoing document's trail links to the meeting's invitation page.
      const outgoingPage = await session.agent.get(`/outgoing/${doc.id}`);
      expect(outgoingPage.status).to.equal(200);
      expect(outgoingPage.text).to.include(`/meetings/${meeting.id}/invitation`);

      // The meeting moves: the page says so, and a new issue replaces the draft's PDF in place.
      await meeting.update({ startsAt: new Date(meeting.startsAt.getTime() + HOUR) });
      expect((await session.agent.get(`/meetings/${meeting.id}/invitation`)).text).to.include(
        'invitation-outdated',
      );
      await session.agent
        .post(`/meetings/${meeting.id}/invitation/issue`)
        .type('form')
        .send({ _csrf: csrf })
        .expect(303);
      expect(await MeetingInvitation.count({ where: { meetingId: meeting.id } })).to.equal(1);
      expect(await mains()).to.equal(2);
      expect((await session.agent.get(`/meetings/${meeting.id}/invitation`)).text).not.to.include(
        'invitation-outdated',
      );

      // In approval: refused with a Vietnamese 409, nothing new.
      await doc.update({ status: 'in_approval' });
      const refused = await session.agent
        .post(`/meetings/${meeting.id}/invitation/issue`)
        .type('form')
        .send({ _csrf: csrf });
      expect(refused.status).to.equal(409);
      expect(refused.text).to.include('Giấy mời trước đang trình duyệt');
      expect(await MeetingInvitation.count({ where: { meetingId: meeting.id } })).to.equal(1);

      // Issued with its number: shown on the meeting's invitation page; a new one supersedes it.
      await doc.update({ status: 'issued', codeNumber: 12, codeNotation: 'GM-UBND' });
      const issuedPage = await session.agent.get(`/meetings/${meeting.id}/invitation`);
      expect(issuedPage.text).to.include('Số 12/GM-UBND');
      expect(issuedPage.text).to.include('Đã phát hành');
      // The meeting's own page shows it too, with the link to the outgoing document.
      const hub = await session.agent.get(`/meetings/${meeting.id}`);
      expect(hub.text).to.include('data-testid="meeting-invitation-summary"');
      expect(hub.text).to.include('Số 12/GM-UBND');
      expect(hub.text).to.include(`/outgoing/${doc.id}`);
      // A member reads its number (below 10 with its 0, as Decree 30 writes it) without a link to
      // a document they may not open.
      await doc.update({ codeNumber: 7 });
      const invited = await loginAs(app, member);
      const memberHub = await invited.agent.get(`/meetings/${meeting.id}`);
      expect(memberHub.text).to.include('Số 07/GM-UBND');
      expect(memberHub.text).not.to.include(`/outgoing/${doc.id}`);
      expect((await invited.agent.get(`/outgoing/${doc.id}`)).status).to.equal(404);
      expect((await session.agent.get(`/meetings/${meeting.id}/invitation`)).text).to.include(
        'Số 07/GM-UBND',
      );
      await session.agent
        .post(`/meetings/${meeting.id}/invitation/issue`)
        .type('form')
        .send({ _csrf: csrf })
        .expect(303);
      const after = await MeetingInvitation.findAll({
        where: { meetingId: meeting.id },
        order: [['id', 'ASC']],
      });
      expect(after).to.have.length(2);
      expect(after[0]!.supersededAt).to.be.instanceOf(Date);
      expect(after[1]!.outgoingId).not.to.equal(doc.id);
      expect(after[1]!.supersededAt).to.equal(null);
      // The outgoing document's trail names the meeting.
      expect(
        await AuditLog.count({
          where: { action: 'meeting.invitation.issue', entityId: String(meeting.id) },
        }),
      ).to.equal(3);
    });

    it('leaves no draft when the invitation row cannot be written after the draft', async () => {
      const meeting = await plannedMeeting(new Date(Date.now() + 6 * 24 * HOUR));
      const drafts = () => OutgoingDocument.count({ where: { documentType: 'GM' } });
      const before = await drafts();
      // The link step fails: the database refuses the meeting's invitation row.
      const failed = await whileRefusing('meeting_invitations', 'INSERT', 'link refused', () =>
        issueInvitation(meeting.id, { user: secretary, ip: '127.0.0.1' }).catch((e: unknown) => e),
      );
      expect(refusal(failed)).to.contain('link refused');
      expect(await drafts()).to.equal(before);
      expect(await MeetingInvitation.count({ where: { meetingId: meeting.id } })).to.equal(0);
      // Without the failure the same call makes the draft and its row.
      const issued = await issueInvitation(meeting.id, { user: secretary, ip: '127.0.0.1' });
      expect(issued.outcome).to.equal('created');
      expect(await drafts()).to.equal(before + 1);
    });

    it('leaves the draft as it was when the invitation row cannot be updated after its new version', async () => {
      const meeting = await plannedMeeting(new Date(Date.now() + 7 * 24 * HOUR));
      const actor = { user: secretary, ip: '127.0.0.1' };
      const first = await issueInvitation(meeting.id, actor);
      expect(first.outcome).to.equal('created');
      const id = first.outgoing.id;
      const versions = () =>
        DocumentFile.count({ where: { documentKind: 'outgoing', documentId: id, role: 'main' } });
      const state = async () => {
        const doc = (await OutgoingDocument.findByPk(id))!;
        const row = (await MeetingInvitation.findOne({ where: { meetingId: meeting.id } }))!;
        return { subject: doc.subject, versions: await versions(), startsAt: row.startsAt };
      };
      const was = await state();
      // The meeting moves and is renamed: a new issue would change the subject and add a version.
      await meeting.update({
        title: 'Giao ban tuần (dời lịch)',
        startsAt: new Date(meeting.startsAt.getTime() + HOUR),
      });
      // The last step fails: the database refuses to update the meeting's invitation row.
      const failed = await whileRefusing('meeting_invitations', 'UPDATE', 'row refused', () =>
        issueInvitation(meeting.id, actor).catch((e: unknown) => e),
      );
      expect(refusal(failed)).to.contain('row refused');
      expect(await state(), 'the draft after the failed replacement').to.deep.equal(was);
      // Without the failure the same call replaces the draft's fields and PDF, and the row.
      const again = await issueInvitation(meeting.id, actor);
      expect(again.outcome).to.equal('replaced');
      expect(again.outgoing.id).to.equal(id);
      const now = await state();
      expect(now.subject).to.include('dời lịch');
      expect(now.versions).to.equal(was.versions + 1);
      expect(now.startsAt.getTime()).to.equal(meeting.startsAt.getTime());
    });

    it('makes one draft when two issue at once: the same organiser twice replaces it, another is refused', async () => {
      const drafts = () => OutgoingDocument.count({ where: { documentType: 'GM' } });
      const issueAtOnce = (meetingId: number, who: User[]) =>
        Promise.allSettled(
          who.map((user) => issueInvitation(meetingId, { user, ip: '127.0.0.1' })),
        );
      const linked = async (meetingId: number) => {
        const rows = await MeetingInvitation.findAll({ where: { meetingId } });
        const docs = await OutgoingDocument.findAll({
          where: { id: rows.map((r) => r.outgoingId) },
        });
        return { rows, live: docs.filter((d) => d.status === 'draft') };
      };

      // A double submission by the same organiser: one draft, made then replaced.
      const once = await plannedMeeting(new Date(Date.now() + 8 * 24 * HOUR));
      const before = await drafts();
      const twice = await issueAtOnce(once.id, [secretary, secretary]);
      expect(twice.map((o) => o.status)).to.deep.equal(['fulfilled', 'fulfilled']);
      const outcomes = twice.map((o) => (o as PromiseFulfilledResult<IssuedInvitation>).value);
      expect(outcomes.map((o) => o.outcome).sort()).to.deep.equal(['created', 'replaced']);
      expect(outcomes[0]!.outgoing.id).to.equal(outcomes[1]!.outgoing.id);
      expect(await drafts(), 'drafts after the same organiser twice').to.equal(before + 1);
      const first = await linked(once.id);
      expect(first.rows).to.have.length(1);
      expect(first.rows[0]!.supersededAt).to.equal(null);
      expect(first.live.map((d) => d.id)).to.deep.equal([outcomes[0]!.outgoing.id]);
      expect(
        await DocumentFile.count({
          where: { documentKind: 'outgoing', documentId: first.live[0]!.id, role: 'main' },
        }),
      ).to.equal(2);

      // Two organisers at once: the first's draft, the other refused (it is not theirs to change).
      const both = await plannedMeeting(new Date(Date.now() + 9 * 24 * HOUR));
      const between = await drafts();
      const settled = await issueAtOnce(both.id, [secretary, chair]);
      const made = settled.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
      const refused = settled.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
      expect(made.map((m) => m.outcome)).to.deep.equal(['created']);
      expect(refused.map((e: AppError) => e.code)).to.deep.equal(['INVITATION_DRAFT_OF_OTHER']);
      expect(await drafts(), 'drafts after two organisers').to.equal(between + 1);
      const second = await linked(both.id);
      expect(second.rows).to.have.length(1);
      expect(second.rows[0]!.supersededAt).to.equal(null);
      expect(second.live.map((d) => d.id)).to.deep.equal([made[0]!.outgoing.id]);
    });

    it('is refused to a participant who does not organise, and to someone of another agency', async () => {
      const meeting = await plannedMeeting(new Date(Date.now() + 5 * 24 * HOUR));
      const m = await loginAs(app, member);
      const res = await m.agent
        .post(`/meetings/${meeting.id}/invitation/issue`)
        .type('form')
        .send({ _csrf: await m.csrf() });
      expect(res.status).to.equal(403);
      const s = await loginAs(app, stranger);
      const res2 = await s.agent
        .post(`/meetings/${meeting.id}/invitation/issue`)
        .type('form')
        .send({ _csrf: await s.csrf() });
      expect(res2.status).to.equal(404);
      expect(await MeetingInvitation.count({ where: { meetingId: meeting.id } })).to.equal(0);
    });
  });

  describe('reminders', () => {
    const remindersOf = (meetingId: number) =>
      MeetingReminder.findAll({ where: { meetingId }, order: [['id', 'ASC']] });
    const notified = async (meetingId: number, kind: string) =>
      (
        await Notification.findAll({
          where: { kind: `meeting.reminder.${kind}`, link: `/meetings/${meetingId}` },
        })
      ).map((n) => n.userId);

    it('reminds the day before and an hour before, exactly once with two runners, again after a move', async () => {
      const now = new Date();
      const meeting = await plannedMeeting(new Date(now.getTime() + 20 * HOUR));
      // Two processes' runs at the same moment: one reminder, one notification per person.
      const runs = await Promise.all([sendMeetingReminders(now), sendMeetingReminders(now)]);
      const mine = runs.flat().filter((r) => r.meetingId === meeting.id);
      expect(mine).to.have.length(1);
      expect(mine[0]!.kind).to.equal('day_before');
      const people = await notified(meeting.id, 'day_before');
      // Everyone who has not declined, the deputy in place of the one who sent them; not the
      // absentee, not the one who sent a deputy; the guest of another agency too.
      expect([...people].sort((a, b) => a - b)).to.deep.equal(
        [chair.id, secretary.id, member.id, deputy.id, guest.id, outsider.id].sort((a, b) => a - b),
      );
      const repeat = await sendMeetingReminders(now);
      expect(repeat.filter((r) => r.meetingId === meeting.id)).to.deep.equal([]);

      // An hour before.
      const later = new Date(meeting.startsAt.getTime() - 50 * 60_000);
      const hourRuns = await Promise.all([
        sendMeetingReminders(later),
        sendMeetingReminders(later),
        sendMeetingReminders(later),
      ]);
      expect(hourRuns.flat().filter((r) => r.meetingId === meeting.id)).to.have.length(1);
      expect(await notified(meeting.id, 'hour_before')).to.have.length(6);

      // Moved to the day after: reminded again for the new time.
      const moved = new Date(meeting.startsAt.getTime() + 24 * HOUR);
      await meeting.update({ startsAt: moved, endsAt: new Date(moved.getTime() + HOUR) });
      const again = await sendMeetingReminders(new Date(moved.getTime() - 10 * HOUR));
      expect(again.filter((r) => r.meetingId === meeting.id).map((r) => r.kind)).to.deep.equal([
        'day_before',
      ]);
      expect((await remindersOf(meeting.id)).map((r) => r.kind)).to.deep.equal([
        'day_before',
        'hour_before',
        'day_before',
      ]);
      expect(await notified(meeting.id, 'day_before')).to.have.length(12);
      // The text in Vietnamese, with the title and the time.
      const one = await Notification.findOne({
        where: { userId: member.id, kind: 'meeting.reminder.hour_before' },
        order: [['id', 'DESC']],
      });
      expect(one?.messageKey).to.equal('meetings-calendar:reminder.hourBefore');
    });

    it('sends each reminder once when two processes run the check at the same moment', async () => {
      const now = new Date();
      const meeting = await plannedMeeting(new Date(now.getTime() + 30 * 60_000));
      const runner = path.join(process.cwd(), 'test/helpers/meeting-reminder-runner.ts');
      const url = process.env.TEST_DATABASE_URL!;
      const run = () =>
        new Promise<{ meetingId: number; kind: string }[]>((resolve, reject) => {
          const child = spawn(
            process.execPath,
            ['--import', 'tsx', runner, url, now.toISOString()],
            {
              env: { ...process.env, NODE_ENV: 'test' },
            },
          );
          let out = '';
          let err = '';
          child.stdout.on('data', (c: Buffer) => (out += c.toString()));
          child.stderr.on('data', (c: Buffer) => (err += c.toString()));
          child.on('exit', (code) =>
            code === 0 ? resolve(JSON.parse(out || '[]')) : reject(new Error(err)),
          );
        });
      const [a, b] = await Promise.all([run(), run()]);
      const sent = [...a, ...b].filter((r) => r.meetingId === meeting.id);
      expect(sent.map((r) => r.kind)).to.deep.equal(['hour_before']);
      expect(await MeetingReminder.count({ where: { meetingId: meeting.id } })).to.equal(1);
      expect(await notified(meeting.id, 'hour_before')).to.have.length(6);
    });

    it('does not remind of a cancelled or draft meeting, nor of one already started', async () => {
      const now = new Date();
      const cancelled = await plannedMeeting(new Date(now.getTime() + 5 * HOUR));
      await cancelled.update({ status: 'cancelled', cancelledAt: now });
      const draft = await plannedMeeting(new Date(now.getTime() + 5 * HOUR));
      await draft.update({ status: 'draft' });
      const started = await plannedMeeting(new Date(now.getTime() - 5 * 60_000));
      const runs = await sendMeetingReminders(now);
      const ids = runs.map((r) => r.meetingId);
      expect(ids).not.to.include.members([cancelled.id]);
      expect(ids).not.to.include(draft.id);
      expect(ids).not.to.include(started.id);
    });
  });

  describe('the weekly work calendar', () => {
    it('shows the week of the date Monday to Sunday, the agency meetings the viewer may see, per leader, nothing secret', async () => {
      // A Wednesday at 08:30 Vietnam time, some weeks ahead.
      const base = new Date(Date.now() + 21 * 24 * HOUR);
      const wednesday = new Date(
        Date.UTC(base.getUTCFullYear(), base.getUTCMonth(), base.getUTCDate()) -
          ((new Date(
            Date.UTC(base.getUTCFullYear(), base.getUTCMonth(), base.getUTCDate()),
          ).getUTCDay() +
            4) %
            7) *
            24 *
            HOUR +
          (8.5 - 7) * HOUR,
      );
      const shown = await plannedMeeting(wednesday, 'Họp chuyên đề tuần sau');
      expect(shown.status).to.equal('published');
      const draft = await plannedMeeting(new Date(wednesday.getTime() + HOUR), 'Họp nháp chưa mời');
      await draft.update({ status: 'draft' });
      const cancelled = await plannedMeeting(
        new Date(wednesday.getTime() + 2 * HOUR),
        'Họp đã hủy',
      );
      await cancelled.update({ status: 'cancelled' });
      const afternoon = await plannedMeeting(
        new Date(wednesday.getTime() + 6 * HOUR),
        'Họp buổi chiều',
      );
      void afternoon;

      const leaderSession = await loginAs(app, chair);
      const page = await leaderSession.agent.get(`/calendar/week?date=${ddmmyyyy(wednesday)}`);
      expect(page.status).to.equal(200);
      expect(page.text).to.include('Họp chuyên đề tuần sau');
      expect(page.text).to.include('Họp buổi chiều');
      expect(page.text).not.to.include('Họp nháp chưa mời');
      expect(page.text).not.to.include('Họp đã hủy');
      expect(page.text).not.to.include('tuyệt mật XYZ');
      expect(page.text).to.include('Thứ Tư');
      expect(page.text).to.include('08:30');
      expect(page.text).to.include('Tầng 2, nhà A');
      expect(page.text).to.include('Chủ tịch Trần Văn Hùng');
      expect(page.text).to.include(`data-leader="${chair.id}"`);
      expect(page.text).to.include('href="/calendar/week" aria-current="page"');
      // The printable stylesheet (A4 landscape) is linked.
      expect(page.text).to.include('/public/css/meetings-calendar.css');
      // The previous and next weeks.
      const monday = new Date(wednesday.getTime() - 2 * 24 * HOUR);
      expect(page.text).to.include(`date=${ddmmyyyy(new Date(monday.getTime() - 7 * 24 * HOUR))}`);
      expect(page.text).to.include(`date=${ddmmyyyy(new Date(monday.getTime() + 7 * 24 * HOUR))}`);

      // Someone of the agency not invited and not a leader sees none of them.
      const nobody = await buildUser(agency, ['specialist'], { fullName: 'Chưa Được Mời' });
      const theirs = await (
        await loginAs(app, nobody)
      ).agent.get(`/calendar/week?date=${ddmmyyyy(wednesday)}`);
      expect(theirs.status).to.equal(200);
      expect(theirs.text).not.to.include('Họp chuyên đề tuần sau');

      // The leader picker: one leader's row.
      const other = await buildUser(agency, ['leader'], { fullName: 'Phó Chủ Tịch Khác' });
      const picked = await leaderSession.agent.get(
        `/calendar/week?date=${ddmmyyyy(wednesday)}&leader=${other.id}`,
      );
      expect(picked.text).to.include(`data-leader="${other.id}"`);
      expect(picked.text).not.to.include(`data-leader="${chair.id}"`);

      // A bad date: a Vietnamese 4xx.
      const bad = await leaderSession.agent.get('/calendar/week?date=31/02/2026');
      expect(bad.status).to.equal(422);
      expect(bad.text).to.include('Không có ngày này trong lịch');
      const badLeader = await leaderSession.agent.get('/calendar/week?leader=abc');
      expect(badLeader.status).to.be.within(400, 499);
    });

    it('has an API twin with the same meetings', async () => {
      const wednesday = new Date(Date.now() + 35 * 24 * HOUR);
      const meeting = await plannedMeeting(wednesday, 'Họp qua API lịch tuần');
      const { token } = await createAccessToken(chair, 'lịch', { userId: chair.id, ip: null });
      const res = await request(app)
        .get(`/api/v1/meetings/calendar/week?date=${ddmmyyyy(wednesday)}`)
        .set('Authorization', `Bearer ${token}`);
      expect(res.status).to.equal(200);
      const ids = (res.body.days as { entries: { id: number }[] }[]).flatMap((d) =>
        d.entries.map((e) => e.id),
      );
      expect(ids).to.include(meeting.id);
      expect(JSON.stringify(res.body)).not.to.include('tuyệt mật XYZ');
      const bad = await request(app)
        .get('/api/v1/meetings/calendar/week?date=hôm-qua')
        .set('Authorization', `Bearer ${token}`);
      expect(bad.status).to.equal(422);
      expect(bad.body.error.fields.date).to.match(/Ngày/);
      // Described in openapi.json, the query from the route's schema.
      const spec = (await request(app).get('/api/v1/openapi.json')).body as {
        paths: Record<string, Record<string, { parameters?: { name: string }[] }>>;
      };
      const week = spec.paths['/meetings/calendar/week']?.get;
      expect(week?.parameters?.map((q) => q.name)).to.deep.equal(['date', 'leader']);
      expect(spec.paths['/meetings/{id}/invitation/issue']?.post).not.to.equal(undefined);
      expect(spec.paths['/meetings/{id}/invitation.pdf']?.get).not.to.equal(undefined);
    });
  });

  describe('the iCalendar feed', () => {
    it('is created on the profile, read without a session, follows changes and cancellations, and dies when revoked', async () => {
      const person = await buildUser(agency, ['specialist'], { fullName: 'Người Dùng Lịch' });
      const startsAt = new Date(Date.now() + 2 * 24 * HOUR);
      const meeting = await buildMeeting(
        { chair, secretary, members: [person] },
        {
          status: 'published',
          startsAt,
          endsAt: new Date(startsAt.getTime() + HOUR),
          openedAt: null,
          title: 'Họp có trong lịch',
        },
      );
      const notMine = await buildMeeting(
        { chair, secretary, members: [member] },
        {
          status: 'published',
          startsAt,
          endsAt: new Date(startsAt.getTime() + HOUR),
          openedAt: null,
          title: 'Họp không liên quan',
        },
      );
      void notMine;
      const plain = (title: string) => ({
        status: 'published' as const,
        startsAt,
        endsAt: new Date(startsAt.getTime() + HOUR),
        openedAt: null,
        title,
      });
      // As the deputy named by an invitee: in the feed. Declined: not.
      await buildMeeting({ chair, secretary, deputy: [member, person] }, plain('Họp dự thay'));
      await buildMeeting({ chair, secretary, absent: [person] }, plain('Họp đã báo vắng'));
      const session = await loginAs(app, person);
      const profile = await session.agent.get('/profile');
      expect(profile.text).to.include('data-testid="calendar-feed"');
      const created = await session.agent
        .post('/profile/calendar-feed')
        .type('form')
        .send({ _csrf: await session.csrf() });
      expect(created.status).to.equal(201);
      const feedUrl = /value="(https?:\/\/[^"]+\/calendar\/ical\/[^"]+\.ics)"/.exec(
        created.text,
      )![1]!;
      const feedPath = new URL(feedUrl).pathname;
      const token = feedPath
        .split('/')
        .at(-1)!
        .replace(/\.ics$/, '');
      // Only the hash is stored.
      const row = (await CalendarFeedToken.findOne({
        where: { userId: person.id, revokedAt: null },
      }))!;
      expect(row.tokenHash).to.equal(hashToken(token));
      expect(row.tokenHash).not.to.include(token);

      const read = await request(app).get(feedPath);
      expect(read.status).to.equal(200);
      expect(read.headers['content-type']).to.match(/text\/calendar/);
      expect(read.headers['set-cookie']).to.equal(undefined);
      const events = icalEvents(read.text);
      const event = events.find((e) => e.UID?.startsWith(`meeting-${meeting.id}@`))!;
      expect(event, read.text).not.to.equal(undefined);
      expect(event.SUMMARY).to.equal('Họp có trong lịch');
      expect(event.STATUS).to.equal('CONFIRMED');
      expect(event.DTSTART).to.match(/^\d{8}T\d{6}Z$/);
      expect(events.some((e) => e.SUMMARY === 'Họp không liên quan')).to.equal(false);
      expect(events.some((e) => e.SUMMARY === 'Họp dự thay')).to.equal(true);
      expect(events.some((e) => e.SUMMARY === 'Họp đã báo vắng')).to.equal(false);
      const sequence = Number(event.SEQUENCE);

      // Moved, then cancelled: the same UID with a higher SEQUENCE, STATUS:CANCELLED.
      await Meeting.update(
        { startsAt: new Date(startsAt.getTime() + HOUR), updatedAt: new Date(Date.now() + 5000) },
        { where: { id: meeting.id }, silent: true },
      );
      const moved = icalEvents((await request(app).get(feedPath)).text).find((e) =>
        e.UID?.startsWith(`meeting-${meeting.id}@`),
      )!;
      expect(Number(moved.SEQUENCE)).to.be.greaterThan(sequence);
      expect(moved.DTSTART).not.to.equal(event.DTSTART);
      await Meeting.update(
        { status: 'cancelled', cancelledAt: new Date(), updatedAt: new Date(Date.now() + 10_000) },
        { where: { id: meeting.id }, silent: true },
      );
      const cancelled = icalEvents((await request(app).get(feedPath)).text).find((e) =>
        e.UID?.startsWith(`meeting-${meeting.id}@`),
      )!;
      expect(cancelled.STATUS).to.equal('CANCELLED');
      expect(Number(cancelled.SEQUENCE)).to.be.greaterThan(Number(moved.SEQUENCE));

      // Unknown tokens and other paths: 404.
      expect(
        (await request(app).get('/calendar/ical/khong-co-that-su-dau-nhe-123456.ics')).status,
      ).to.equal(404);
      expect((await request(app).get(`/calendar/ical/${token}`)).status).to.equal(404);

      // Revoked: 404.
      const revoked = await session.agent
        .post('/profile/calendar-feed/revoke')
        .type('form')
        .send({ _csrf: await session.csrf() });
      expect(revoked.status).to.equal(303);
      expect((await request(app).get(feedPath)).status).to.equal(404);
      expect(
        await AuditLog.count({
          where: {
            userId: person.id,
            action: { [Op.in]: ['calendar_feed.create', 'calendar_feed.revoke'] },
          },
        }),
      ).to.equal(2);
    });

    it('is rate limited', async () => {
      let last = 0;
      // From an address of its own (the app trusts the local proxy's X-Forwarded-For), so the
      // limit it spends is not the one the other suites' requests from 127.0.0.1 share.
      const guesser = '203.0.113.77';
      for (let i = 0; i < 70 && last !== 429; i++)
        last = (
          await request(app)
            .get(`/calendar/ical/thu-doan-ma-${i}-abcdefghijklmnopqrstu.ics`)
            .set('X-Forwarded-For', guesser)
        ).status;
      expect(last).to.equal(429);
      // Another address is still served (a revoked or unknown token: 404, not 429).
      expect(
        (await request(app).get('/calendar/ical/khac-dia-chi-abcdefghijklmnopqrstu.ics')).status,
      ).to.equal(404);
    });
  });
});
