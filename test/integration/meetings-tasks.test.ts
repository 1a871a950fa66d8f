import { expect } from 'chai';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { DocumentFile } from '../../src/files/file.model.js';
import { makePdf } from '../fixtures/pdf.js';
import { Holiday } from '../../src/calendar/calendar.model.js';
import { AppError } from '../../src/http/app-error.js';
import { MeetingConclusion } from '../../src/meetings/meeting-minutes.model.js';
import { MeetingTask, MeetingTaskNote } from '../../src/meetings/meeting-task.model.js';
import type { Meeting } from '../../src/meetings/meeting.model.js';
import { meetingsReport } from '../../src/meetings/tasks.report.js';
import { sendTaskReminders } from '../../src/meetings/tasks.reminders.js';
import { completeTask, createTask } from '../../src/meetings/tasks.service.js';
import { Notification } from '../../src/notifications/notification.model.js';
import type { Agency, Department } from '../../src/agencies/agency.model.js';
import type { User } from '../../src/users/user.model.js';
import { createAccessToken } from '../../src/users/users.service.js';
import { buildAgency, buildDepartment, buildUser, loginAs } from '../factories/index.js';
import { buildMeeting } from '../helpers/meeting-minutes-fixture.js';
import { testApp } from '../helpers/test-app.js';

const actorOf = (user: User) => ({ user, ip: '127.0.0.1' });

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.catch((e: unknown) => e);
  expect(err, String(err)).to.be.instanceOf(AppError);
  return err as AppError;
}

/** An instant given as Vietnam wall time. */
const vn = (isoLocal: string) => new Date(Date.parse(`${isoLocal}Z`) - 7 * 3600_000);

describe('meeting tasks: from conclusions to holders, progress, completion, reminders, report', function () {
  this.timeout(120_000);
  let agency: Agency;
  let deptD: Department;
  let deptE: Department;
  let chair: User;
  let secretary: User;
  let member: User;
  let absentee: User;
  let invitee: User;
  let deputy: User;
  let headD: User;
  let headE: User;
  let personD: User;
  let personE: User;
  let clerk: User;
  let outsider: User;
  let foreign: User;

  before(async () => {
    await testApp();
    agency = await buildAgency();
    deptD = await buildDepartment(agency, { name: 'Phòng Dân tộc' });
    deptE = await buildDepartment(agency, { name: 'Phòng Kinh tế' });
    chair = await buildUser(agency, ['leader'], { fullName: 'Trần Văn Hùng' });
    secretary = await buildUser(agency, ['specialist'], { fullName: 'Lê Thị Mai' });
    member = await buildUser(agency, ['specialist']);
    absentee = await buildUser(agency, ['specialist']);
    invitee = await buildUser(agency, ['specialist']);
    deputy = await buildUser(agency, ['specialist']);
    headD = await buildUser(agency, ['dept_head'], {
      departmentId: deptD.id,
      fullName: 'Trưởng D',
    });
    headE = await buildUser(agency, ['dept_head'], {
      departmentId: deptE.id,
      fullName: 'Trưởng E',
    });
    personD = await buildUser(agency, ['specialist'], { departmentId: deptD.id });
    personE = await buildUser(agency, ['specialist'], { departmentId: deptE.id });
    clerk = await buildUser(agency, ['clerk']);
    outsider = await buildUser(agency, ['specialist']);
    foreign = await buildUser(await buildAgency(), ['leader']);
  });

  const newMeeting = (overrides: Partial<Meeting['_creationAttributes']> = {}) =>
    buildMeeting(
      { chair, secretary, members: [member], absent: [absentee], deputy: [invitee, deputy] },
      overrides,
    );

  it('counts the deadline in working days from the meeting day; a day off moves to the next working day', async () => {
    // Friday 6 March 2093; Monday 9 March is a holiday.
    await Holiday.findOrCreate({
      where: { date: '2093-03-09' },
      defaults: { date: '2093-03-09', name: 'Nghỉ bù (thử)' },
    });
    const meeting = await newMeeting({
      startsAt: vn('2093-03-06T09:00:00'),
      endsAt: vn('2093-03-06T11:00:00'),
      status: 'closed',
    });
    const conclusion = await MeetingConclusion.create({
      meetingId: meeting.id,
      position: 1,
      text: 'Giao Phòng Dân tộc rà soát hộ nghèo.',
    });
    const one = await createTask(
      meeting.id,
      { conclusionId: conclusion.id, holderDepartmentId: deptD.id, workingDays: 1 },
      actorOf(secretary),
    );
    expect(one.deadline).to.equal('2093-03-10');
    expect(one.startDate).to.equal('2093-03-06');
    expect(one.content).to.equal('Giao Phòng Dân tộc rà soát hộ nghèo.');
    const three = await createTask(
      meeting.id,
      { content: 'Báo cáo UBND', holderUserId: personE.id, workingDays: 3 },
      actorOf(chair),
    );
    expect(three.deadline).to.equal('2093-03-12');
    const saturday = await createTask(
      meeting.id,
      { content: 'Rà soát', holderUserId: personE.id, deadline: '2093-03-07' },
      actorOf(secretary),
    );
    expect(saturday.deadline).to.equal('2093-03-10');
    // The holders are told: the unit's head, the person.
    expect(
      await Notification.count({ where: { userId: headD.id, link: `/meetings/tasks/${one.id}` } }),
    ).to.equal(1);
    expect(
      await Notification.count({
        where: { userId: personE.id, link: `/meetings/tasks/${three.id}` },
      }),
    ).to.equal(1);
    const audit = await AuditLog.findOne({
      where: { action: 'meeting.task.create', entityId: String(one.id), userId: secretary.id },
    });
    expect(audit).to.not.equal(null);
  });

  it('refuses bad input in Vietnamese and saves nothing', async () => {
    const { app } = await testApp();
    const meeting = await newMeeting({ status: 'closed' });
    const otherMeeting = await newMeeting({ status: 'closed' });
    const foreignConclusion = await MeetingConclusion.create({
      meetingId: otherMeeting.id,
      position: 1,
      text: 'Của cuộc họp khác',
    });
    const before = await MeetingTask.count();
    const session = await loginAs(app, secretary);
    const csrf = await session.csrf();
    const cases: [Record<string, unknown>, string][] = [
      [
        { content: 'Việc', holderUserId: personD.id, holderDepartmentId: deptD.id, workingDays: 2 },
        'holderUserId',
      ],
      [{ content: 'Việc', holderUserId: foreign.id, workingDays: 2 }, 'holderUserId'],
      [{ content: 'Việc', holderUserId: personD.id }, 'workingDays'],
      [{ content: 'Việc', holderUserId: personD.id, workingDays: 'ba' }, 'workingDays'],
      [{ content: 'Việc', holderUserId: personD.id, workingDays: 999 }, 'workingDays'],
      [{ content: 'x'.repeat(5000), holderUserId: personD.id, workingDays: 2 }, 'content'],
      [
        { conclusionId: foreignConclusion.id, holderUserId: personD.id, workingDays: 2 },
        'conclusionId',
      ],
      [{ content: 'Việc', holderUserId: personD.id, deadline: '31/02/2093' }, 'deadline'],
      [{ content: 'Việc', holderUserId: personD.id, deadline: '01/01/2000' }, 'deadline'],
    ];
    for (const [body, field] of cases) {
      const res = await session.agent
        .post(`/meetings/${meeting.id}/tasks`)
        .type('form')
        .send({ _csrf: csrf, ...body });
      expect(res.status, JSON.stringify(body)).to.equal(422);
      expect(res.text).to.match(/task-create-form/);
      const api = await request(app)
        .post(`/api/v1/meetings/${meeting.id}/tasks`)
        .set(
          'Authorization',
          `Bearer ${(await createAccessToken(secretary, 't', { userId: secretary.id, ip: null })).token}`,
        )
        .send(body);
      expect(api.status, JSON.stringify(body)).to.equal(422);
      expect(api.body.error.fields, JSON.stringify(api.body)).to.have.property(field);
      expect(JSON.stringify(api.body.error)).to.match(
        /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i,
      );
    }
    expect(await MeetingTask.count()).to.equal(before);
    // Someone else's meeting: 404; a participant who does not organise: 403; a draft... not yet run.
    const outsiderSession = await loginAs(app, foreign);
    const res = await outsiderSession.agent.get(`/meetings/${meeting.id}/tasks`);
    expect(res.status).to.equal(404);
    expect(
      await refusal(
        createTask(
          meeting.id,
          { content: 'x', holderUserId: personD.id, workingDays: 1 },
          actorOf(member),
        ),
      ),
    ).to.have.property('status', 403);
    const published = await newMeeting({ status: 'published' });
    expect(
      await refusal(
        createTask(
          published.id,
          { content: 'x', holderUserId: personD.id, workingDays: 1 },
          actorOf(secretary),
        ),
      ),
    ).to.have.property('status', 403);
    expect((await session.agent.get('/meetings/tasks/abc')).status).to.equal(404);
    expect((await session.agent.get('/meetings/tasks/99999999')).status).to.equal(404);
  });

  it('puts the task in its holder’s "Cần xử lý", takes progress and completion, and lists it on the meeting', async () => {
    const { app } = await testApp();
    const meeting = await newMeeting({ status: 'closed' });
    const task = await createTask(
      meeting.id,
      { content: 'Hoàn thiện đề án chuyển đổi số', holderDepartmentId: deptD.id, workingDays: 5 },
      actorOf(secretary),
    );
    const head = await loginAs(app, headD);
    const dashboard = await head.agent.get('/');
    expect(dashboard.status).to.equal(200);
    expect(dashboard.text).to.contain(`data-testid="meeting-task-waiting-${task.id}"`);
    expect(dashboard.text).to.contain('Hoàn thiện đề án chuyển đổi số');
    // A person of another unit does not hold it, nor see it.
    const other = await loginAs(app, personE);
    expect((await other.agent.get('/')).text).to.not.contain(`meeting-task-waiting-${task.id}`);
    expect((await other.agent.get(`/meetings/tasks/${task.id}`)).status).to.equal(404);
    // Progress: bad input refused, then reported (history kept; the giver told).
    const csrf = await head.csrf();
    const bad = await head.agent
      .post(`/meetings/tasks/${task.id}/progress`)
      .type('form')
      .send({ _csrf: csrf, percent: '150', note: '' });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('Tiến độ phải là số nguyên');
    const ok = await head.agent
      .post(`/meetings/tasks/${task.id}/progress`)
      .type('form')
      .send({ _csrf: csrf, percent: '40', note: 'Đã có dự thảo' });
    expect(ok.status).to.equal(303);
    expect((await MeetingTask.findByPk(task.id))!.progressPercent).to.equal(40);
    expect(
      await Notification.count({
        where: { userId: secretary.id, link: `/meetings/tasks/${task.id}` },
      }),
    ).to.equal(1);
    // The organiser may not report on what they do not hold.
    const sec = await loginAs(app, secretary);
    const refused = await sec.agent
      .post(`/meetings/tasks/${task.id}/complete`)
      .type('form')
      .send({ _csrf: await sec.csrf(), note: 'x' });
    expect(refused.status).to.equal(403);
    // As the browser sends the completion form (multipart, the token first), with its PDF.
    const done = await head.agent
      .post(`/meetings/tasks/${task.id}/complete`)
      .field('_csrf', csrf)
      .field('note', 'Đề án đã trình UBND')
      .attach('file', await makePdf(1, 'De an'), 'de-an.pdf');
    expect(done.status).to.equal(303);
    expect((await head.agent.get(`/meetings/tasks/${task.id}`)).text).to.contain(
      'data-testid="task-file"',
    );
    const after = (await MeetingTask.findByPk(task.id))!;
    expect(after.status).to.equal('done');
    expect(after.completionNote).to.equal('Đề án đã trình UBND');
    expect(await MeetingTaskNote.count({ where: { taskId: task.id } })).to.equal(2);
    expect((await head.agent.get('/')).text).to.not.contain(`meeting-task-waiting-${task.id}`);
    // A second completion is refused (the task is no longer open).
    const again = await head.agent
      .post(`/meetings/tasks/${task.id}/complete`)
      .type('form')
      .send({ _csrf: csrf, note: 'lại' });
    expect(again.status).to.equal(403);
    // The meeting lists its tasks with status for whoever sees it (a member here).
    const m = await loginAs(app, member);
    const list = await m.agent.get(`/meetings/${meeting.id}/tasks`);
    expect(list.status).to.equal(200);
    expect(list.text).to.contain(`data-testid="meeting-task-${task.id}"`);
    expect(list.text).to.contain('data-status="done"');
    // The meeting's own page carries the panel with the task's status.
    const hub = await m.agent.get(`/meetings/${meeting.id}`);
    expect(hub.status).to.equal(200);
    expect(hub.text).to.contain('data-testid="meeting-tasks-summary"');
    expect(hub.text).to.contain(`data-testid="meeting-task-${task.id}"`);
    // The member sees the task's status, not a link to its page, which they may not open.
    expect(list.text).not.to.contain(`href="/meetings/tasks/${task.id}"`);
    expect(hub.text).not.to.contain(`href="/meetings/tasks/${task.id}"`);
    expect((await m.agent.get(`/meetings/tasks/${task.id}`)).status).to.equal(404);
    // The organiser opens it from the meeting's page.
    expect((await sec.agent.get(`/meetings/${meeting.id}`)).text).to.contain(
      `href="/meetings/tasks/${task.id}"`,
    );
    // The task page shows the history.
    const page = await head.agent.get(`/meetings/tasks/${task.id}`);
    expect(page.text).to.contain('Đã có dự thảo');
    // The lists: mine for the head; the unit's; all for the clerk; a tab one lacks: 403.
    expect((await head.agent.get('/meetings/tasks?status=done')).text).to.contain(
      `meeting-task-${task.id}`,
    );
    expect((await head.agent.get('/meetings/tasks?tab=unit&status=any')).text).to.contain(
      `meeting-task-${task.id}`,
    );
    const c = await loginAs(app, clerk);
    expect((await c.agent.get('/meetings/tasks?tab=all&status=any')).text).to.contain(
      `meeting-task-${task.id}`,
    );
    expect((await other.agent.get('/meetings/tasks?tab=all')).status).to.equal(403);
    expect((await other.agent.get('/meetings/tasks?tab=nope')).status).to.equal(422);
  });

  it('reports progress and completes through the API twins, outsiders get 404', async () => {
    const { app } = await testApp();
    const meeting = await newMeeting({ status: 'closed' });
    const token = async (u: User) =>
      (await createAccessToken(u, 'api', { userId: u.id, ip: null })).token;
    const secToken = await token(secretary);
    const created = await request(app)
      .post(`/api/v1/meetings/${meeting.id}/tasks`)
      .set('Authorization', `Bearer ${secToken}`)
      .send({ content: 'Tổng hợp ý kiến', holderUserId: personD.id, workingDays: 2 });
    expect(created.status).to.equal(201);
    const id = created.body.task.id as number;
    const holder = await token(personD);
    const progress = await request(app)
      .post(`/api/v1/meetings/tasks/${id}/progress`)
      .set('Authorization', `Bearer ${holder}`)
      .send({ percent: 'x', note: 'a' });
    expect(progress.status).to.equal(422);
    const ok = await request(app)
      .post(`/api/v1/meetings/tasks/${id}/progress`)
      .set('Authorization', `Bearer ${holder}`)
      .send({ percent: 60, note: 'Đang tổng hợp' });
    expect(ok.status).to.equal(200);
    expect(ok.body.task.progressPercent).to.equal(60);
    expect(ok.body.notes).to.have.length(1);
    // The head of the holder's unit follows it; an outsider and a foreign user do not see it.
    expect(
      (
        await request(app)
          .get(`/api/v1/meetings/tasks/${id}`)
          .set('Authorization', `Bearer ${await token(headD)}`)
      ).status,
    ).to.equal(200);
    expect(
      (
        await request(app)
          .get(`/api/v1/meetings/tasks/${id}`)
          .set('Authorization', `Bearer ${await token(outsider)}`)
      ).status,
    ).to.equal(404);
    expect(
      (
        await request(app)
          .get(`/api/v1/meetings/tasks/${id}`)
          .set('Authorization', `Bearer ${await token(foreign)}`)
      ).status,
    ).to.equal(404);
    const done = await request(app)
      .post(`/api/v1/meetings/tasks/${id}/complete`)
      .set('Authorization', `Bearer ${holder}`)
      .send({ note: 'Xong' });
    expect(done.status).to.equal(200);
    expect(done.body.task.status).to.equal('done');
    // A completion file: a PDF checked by content, kept from the sweep, sent to those who see it.
    const second = await createTask(
      meeting.id,
      { content: 'Gửi báo cáo', holderUserId: personD.id, workingDays: 2 },
      actorOf(secretary),
    );
    const notPdf = await request(app)
      .post(`/api/v1/meetings/tasks/${second.id}/complete`)
      .set('Authorization', `Bearer ${holder}`)
      .field('note', 'Xong')
      .attach('file', Buffer.from('không phải PDF'), 'bao-cao.pdf');
    expect(notPdf.status).to.equal(422);
    expect((await MeetingTask.findByPk(second.id))!.status).to.equal('open');
    const withFile = await request(app)
      .post(`/api/v1/meetings/tasks/${second.id}/complete`)
      .set('Authorization', `Bearer ${holder}`)
      .field('note', 'Đã gửi báo cáo')
      .attach('file', await makePdf(1, 'Bao cao ket qua'), 'báo-cáo.pdf');
    expect(withFile.status).to.equal(200);
    expect(withFile.body.task.completionFileName).to.equal('báo-cáo.pdf');
    const kept = await DocumentFile.findOne({
      where: { documentKind: 'meeting_task', documentId: second.id },
    });
    expect(kept).to.not.equal(null);
    const file = await request(app)
      .get(`/api/v1/meetings/tasks/${second.id}/file`)
      .set('Authorization', `Bearer ${await token(headD)}`);
    expect(file.status).to.equal(200);
    expect(file.headers['content-type']).to.equal('application/pdf');
    expect(
      (
        await request(app)
          .get(`/api/v1/meetings/tasks/${second.id}/file`)
          .set('Authorization', `Bearer ${await token(outsider)}`)
      ).status,
    ).to.equal(404);
    const spec = await request(app).get('/api/v1/openapi.json');
    for (const p of [
      '/meetings/tasks',
      '/meetings/tasks/report',
      '/meetings/tasks/{taskId}/progress',
      '/meetings/tasks/{taskId}/complete',
      '/meetings/{id}/tasks',
    ])
      expect(spec.body.paths).to.have.property(p);
    const mine = await request(app)
      .get('/api/v1/meetings/tasks?status=done')
      .set('Authorization', `Bearer ${holder}`);
    expect(mine.body.tasks.map((t: { id: number }) => t.id)).to.include(id);
    const listed = await request(app)
      .get(`/api/v1/meetings/${meeting.id}/tasks`)
      .set('Authorization', `Bearer ${secToken}`);
    expect(listed.body.tasks[0]).to.include({ id, status: 'done' });
  });

  it('chases each open task due or overdue once a day, however many processes try', async () => {
    const meeting = await newMeeting({
      status: 'closed',
      startsAt: vn('2094-06-01T09:00:00'),
      endsAt: vn('2094-06-01T10:00:00'),
    });
    const due = await createTask(
      meeting.id,
      { content: 'Hạn hôm nay', holderUserId: personE.id, deadline: '2094-06-10' },
      actorOf(secretary),
    );
    const overdue = await createTask(
      meeting.id,
      { content: 'Quá hạn', holderDepartmentId: deptE.id, deadline: '2094-06-05' },
      actorOf(secretary),
    );
    const later = await createTask(
      meeting.id,
      { content: 'Còn hạn', holderUserId: personE.id, deadline: '2094-06-20' },
      actorOf(secretary),
    );
    const runs = await Promise.all([
      sendTaskReminders('2094-06-10'),
      sendTaskReminders('2094-06-10'),
      sendTaskReminders('2094-06-10'),
    ]);
    expect(runs.filter((r) => r !== null)).to.have.length(1);
    const reminders = (u: User) =>
      Notification.count({ where: { userId: u.id, link: '/meetings/tasks' } });
    expect(await reminders(personE)).to.equal(1);
    expect(await reminders(headE)).to.equal(1);
    for (const t of [due, overdue])
      expect((await MeetingTask.findByPk(t.id))!.lastRemindedOn).to.equal('2094-06-10');
    expect((await MeetingTask.findByPk(later.id))!.lastRemindedOn).to.equal(null);
    expect(await sendTaskReminders('2094-06-10')).to.equal(null);
    // The next working day they are chased again, once; a completed one no more.
    await completeTask(overdue.id, { note: 'Đã xong' }, actorOf(headE));
    const next = await sendTaskReminders('2094-06-11');
    expect(next).to.not.equal(null);
    expect(await reminders(personE)).to.equal(2);
    expect(await reminders(headE)).to.equal(1);
  });

  it('groups the tasks of a period in the four groups on the boundary days, per unit, with rates', async () => {
    const { app } = await testApp();
    const meeting = await newMeeting({
      status: 'closed',
      startsAt: vn('2095-04-02T09:00:00'),
      endsAt: vn('2095-04-02T10:00:00'),
    });
    const make = (
      deadline: string,
      holder: { holderUserId?: number; holderDepartmentId?: number },
      done?: Date,
    ) =>
      MeetingTask.create({
        agencyId: agency.id,
        meetingId: meeting.id,
        conclusionId: null,
        content: `Nhiệm vụ hạn ${deadline}`,
        holderUserId: holder.holderUserId ?? null,
        holderDepartmentId: holder.holderDepartmentId ?? null,
        assignedById: secretary.id,
        startDate: '2095-03-20',
        workingDays: null,
        deadline,
        ...(done ? { status: 'done' as const, completedAt: done, progressPercent: 100 } : {}),
      });
    const today = '2095-04-15';
    const a = await make('2095-04-15', { holderDepartmentId: deptD.id }); // due today: in time
    await make('2095-04-14', { holderDepartmentId: deptD.id }); // a day past: overdue
    await make('2095-04-10', { holderDepartmentId: deptD.id }, vn('2095-04-10T23:59:59')); // on time
    const late = await make('2095-04-10', { holderUserId: personE.id }, vn('2095-04-11T00:00:00')); // late
    await make('2095-04-01', { holderUserId: personE.id }); // first day of the period, overdue
    await make('2095-04-30', { holderUserId: personD.id }); // last day of the period, in time
    await make('2095-05-01', { holderUserId: personD.id }); // after the period
    await make('2095-03-31', { holderUserId: personD.id }); // before it
    const period = {
      kind: 'custom' as const,
      from: '2095-04-01',
      to: '2095-04-30',
      year: 2095,
      month: 4,
      quarter: 2,
    };
    const report = await meetingsReport(clerk, period, today);
    expect(report.tasks.total).to.deep.include({
      onTime: 1,
      late: 1,
      openInTime: 2,
      openOverdue: 2,
      total: 6,
      rate: 25,
    });
    const row = (d: Department) => report.tasks.rows.find((r) => r.id === d.id)!.counts;
    expect(row(deptD)).to.deep.include({
      onTime: 1,
      late: 0,
      openInTime: 2,
      openOverdue: 1,
      rate: 50,
    });
    expect(row(deptE)).to.deep.include({
      onTime: 0,
      late: 1,
      openInTime: 0,
      openOverdue: 1,
      rate: 0,
    });
    // The next day the task due today is overdue.
    const nextDay = await meetingsReport(clerk, period, '2095-04-16');
    expect(nextDay.tasks.total).to.deep.include({ openInTime: 1, openOverdue: 3 });
    // A head sees their unit only; another unit is refused.
    const head = await meetingsReport(headE, period, today);
    expect(head.tasks.rows.map((r) => r.id)).to.deep.equal([deptE.id]);
    expect(await refusal(meetingsReport(personD, period, today))).to.have.property('status', 403);
    // Pages: the drill-down lists the tasks of one group and unit; the XLSX carries the figures.
    const session = await loginAs(app, clerk);
    const q = 'period=custom&from=2095-04-01&to=2095-04-30';
    const page = await session.agent.get(`/meetings/tasks/report?${q}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Hoàn thành đúng hạn');
    const drill = await session.agent.get(
      `/meetings/tasks/report?${q}&group=late&unit=${deptE.id}`,
    );
    expect(drill.text).to.contain(`data-testid="meeting-task-${late.id}"`);
    expect(drill.text).to.not.contain(`data-testid="meeting-task-${a.id}"`);
    const headSession = await loginAs(app, headE);
    expect(
      (await headSession.agent.get(`/meetings/tasks/report?${q}&unit=${deptD.id}`)).status,
    ).to.equal(403);
    expect(
      (
        await session.agent.get(
          '/meetings/tasks/report?period=custom&from=2095-05-01&to=2095-04-01',
        )
      ).status,
    ).to.equal(422);
    const xlsx = await session.agent
      .get(`/meetings/tasks/report.xlsx?${q}`)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(xlsx.status).to.equal(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as ArrayBuffer);
    const cells = book.worksheets[0]!.getSheetValues().flat().map(String);
    expect(cells).to.include('Phòng Dân tộc');
    expect(cells).to.include('Hoàn thành quá hạn');
    expect(cells.some((c) => c.startsWith('Cuộc họp đã tổ chức: 1 (Giao ban: 1)'))).to.equal(true);
  });

  it('counts meetings held by kind and their attendance in the period (Vietnam days)', async () => {
    await newMeeting({
      status: 'closed',
      kind: 'giao_ban',
      startsAt: vn('2096-07-01T00:30:00'),
      endsAt: vn('2096-07-01T02:00:00'),
    });
    await newMeeting({
      status: 'closed',
      kind: 'chuyen_de',
      startsAt: vn('2096-07-31T23:30:00'),
      endsAt: vn('2096-08-01T00:30:00'),
    });
    await newMeeting({
      status: 'cancelled',
      kind: 'giao_ban',
      startsAt: vn('2096-07-10T09:00:00'),
      endsAt: vn('2096-07-10T10:00:00'),
    });
    await newMeeting({
      status: 'closed',
      kind: 'giao_ban',
      startsAt: vn('2096-08-01T00:30:00'),
      endsAt: vn('2096-08-01T01:00:00'),
    });
    await newMeeting({
      status: 'closed',
      kind: 'giao_ban',
      startsAt: vn('2096-06-30T23:30:00'),
      endsAt: vn('2096-07-01T00:10:00'),
    });
    const period = {
      kind: 'month' as const,
      from: '2096-07-01',
      to: '2096-07-31',
      year: 2096,
      month: 7,
      quarter: 3,
    };
    const report = await meetingsReport(chair, period, '2096-08-05');
    expect(report.meetings.total).to.equal(2);
    expect(report.meetings.byKind).to.have.deep.members([
      { kind: 'giao_ban', count: 1 },
      { kind: 'chuyen_de', count: 1 },
    ]);
    // Each: chair, secretary, member and a named guest present, one absent, one deputy.
    expect(report.attendance).to.deep.equal({
      invited: 12,
      present: 8,
      online: 0,
      absent: 2,
      deputies: 2,
      rate: 83.3,
    });
  });
});
