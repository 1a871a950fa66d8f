import { expect } from 'chai';
import { Op } from 'sequelize';
import { testApp, type TestContext } from '../helpers/test-app.js';
import {
  buildOffice,
  incomingFields,
  postForm,
  registerThroughForm,
  signIn,
  signInAll,
} from './incoming-helpers.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import {
  addWorkingDays,
  addWorkingDaysWith,
  defaultDeadlineDays,
  todayInVietnam,
} from '../../src/calendar/working-days.js';
import { Holiday } from '../../src/calendar/calendar.model.js';
import { DocumentEvent } from '../../src/documents/document.model.js';
import { DocumentFile } from '../../src/files/file.model.js';
import { IncomingAssignment, IncomingDocument } from '../../src/incoming/incoming.model.js';
import { Notification } from '../../src/notifications/notification.model.js';
import { notificationText } from '../../src/notifications/notification-text.js';

const auditCount = (action: string, userId: number, entityId: number) =>
  AuditLog.count({ where: { action, userId, entityType: 'incoming', entityId: String(entityId) } });

describe('incoming flow', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  it('goes from registration to filing through every hand-over, with trail, audit and notifications', async () => {
    const office = await buildOffice();
    const [clerk, leader, head, specialist, supporter, reader] = await signInAll(ctx, [
      office.clerk,
      office.leader,
      office.deptHead,
      office.specialist,
      office.supporter,
      office.reader,
    ]);
    const id = await registerThroughForm(clerk);
    const doc = () => IncomingDocument.findByPk(id);

    // Văn thư trình lãnh đạo
    const clerkPage = await clerk.session.agent.get(`/incoming/${id}`);
    expect(clerkPage.text)
      .to.contain(`action="/incoming/${id}/present"`)
      .and.contain('data-pdf-url=');
    expect(
      (await postForm(clerk, `/incoming/${id}/present`, { leaderId: String(office.leader.id) }))
        .status,
    ).to.equal(303);
    expect((await doc())!.status).to.equal('presented');
    expect((await doc())!.presentedToId).to.equal(office.leader.id);
    expect(
      await Notification.count({ where: { userId: office.leader.id, kind: 'incoming.presented' } }),
    ).to.equal(1);

    // The leader finds it under "to handle" and directs it: lead department, supporting person, info person.
    const toHandle = await leader.session.agent.get('/incoming?tab=toHandle');
    expect(toHandle.text).to.contain(`data-id="${id}"`);
    const directed = await postForm(leader, `/incoming/${id}/direct`, {
      note: 'Giao Phòng Tài chính chủ trì, tham mưu trả lời.',
      lead: `d:${office.department.id}`,
      support: [`u:${office.supporter.id}`],
      info: [`u:${office.reader.id}`],
    });
    expect(directed.status, directed.text.slice(0, 400)).to.equal(303);
    expect((await doc())!.status).to.equal('directed');
    const top = await IncomingAssignment.findAll({
      where: { documentId: id },
      order: [['id', 'ASC']],
    });
    expect(
      top.map((a) => [a.role, a.assigneeDepartmentId, a.assigneeUserId, a.status]),
    ).to.deep.equal([
      ['lead', office.department.id, null, 'pending'],
      ['support', null, office.supporter.id, 'pending'],
      ['info', null, office.reader.id, 'pending'],
    ]);
    const days = (await defaultDeadlineDays())[0];
    expect(top[0].deadline).to.equal(await addWorkingDays(todayInVietnam(), days));
    expect(top[0].deadline! > todayInVietnam()).to.equal(true);
    expect(top[2].deadline).to.equal(null);
    for (const [userId, kind] of [
      [office.deptHead.id, 'incoming.directed_lead'],
      [office.supporter.id, 'incoming.directed_support'],
      [office.reader.id, 'incoming.directed_info'],
    ] as const) {
      expect(await Notification.count({ where: { userId, kind } }), kind).to.equal(1);
    }

    // The department head hands the lead on to a specialist of the department.
    expect((await head.session.agent.get('/incoming?tab=toHandle')).text).to.contain(
      `data-id="${id}"`,
    );
    const assigned = await postForm(head, `/incoming/${id}/assign`, {
      assignmentId: String(top[0].id),
      userId: String(office.specialist.id),
      note: 'Đồng chí Phạm xử lý.',
    });
    expect(assigned.status, assigned.text.slice(0, 400)).to.equal(303);
    const child = await IncomingAssignment.findOne({ where: { parentId: top[0].id } });
    expect(child!.assigneeUserId).to.equal(office.specialist.id);
    expect(child!.role).to.equal('lead');
    expect(child!.deadline).to.equal(top[0].deadline);
    expect((await doc())!.status).to.equal('in_progress');
    expect(
      await Notification.count({
        where: { userId: office.specialist.id, kind: 'incoming.assigned' },
      }),
    ).to.equal(1);

    // Refused: each message beside its own field in this assignment's forms, the field marked.
    const over = await postForm(specialist, `/incoming/${id}/report`, {
      assignmentId: String(child!.id),
      percent: '150',
    });
    expect(over.status).to.equal(422);
    expect(over.text).to.match(
      new RegExp(`id="report-percent-${child!.id}"[^>]*aria-invalid="true"`),
    );
    expect(over.text).to.contain(
      `<p class="field-error" id="report-percent-${child!.id}-error">Không được lớn hơn 100.</p>`,
    );
    const empty = await postForm(specialist, `/incoming/${id}/complete`, {
      assignmentId: String(child!.id),
      resultNote: '',
    });
    expect(empty.status).to.equal(422);
    expect(empty.text).to.contain(`id="complete-note-${child!.id}-error"`);
    expect((await child!.reload()).status).not.to.equal('completed');
    // The specialist reports progress, then completes.
    const reported = await postForm(specialist, `/incoming/${id}/report`, {
      assignmentId: String(child!.id),
      percent: '60',
      note: 'Đã dự thảo văn bản trả lời.',
    });
    expect(reported.status).to.equal(303);
    expect((await child!.reload()).progressPercent).to.equal(60);
    expect(
      await Notification.count({
        where: { userId: office.deptHead.id, kind: 'incoming.progress' },
      }),
    ).to.equal(1);
    const completed = await postForm(specialist, `/incoming/${id}/complete`, {
      assignmentId: String(child!.id),
      resultNote: 'Đã trả lời bằng Công văn số 123/UBND-TCKH.',
    });
    expect(completed.status).to.equal(303);
    expect((await child!.reload()).status).to.equal('completed');
    expect((await top[0].reload()).status).to.equal('completed');
    const done = (await doc())!;
    expect(done.status).to.equal('completed');
    expect(done.resultNote).to.equal('Đã trả lời bằng Công văn số 123/UBND-TCKH.');
    expect(done.completedAt).to.be.instanceOf(Date);
    for (const userId of [office.clerk.id, office.leader.id]) {
      expect(await Notification.count({ where: { userId, kind: 'incoming.completed' } })).to.equal(
        1,
      );
    }

    // The info-only receiver sees it "for information" and marks it read; the supporter still sees it.
    expect((await reader.session.agent.get('/incoming?tab=forInfo')).text).to.contain(
      `data-id="${id}"`,
    );
    expect(
      (await postForm(reader, `/incoming/${id}/acknowledge`, { assignmentId: String(top[2].id) }))
        .status,
    ).to.equal(303);
    expect((await top[2].reload()).status).to.equal('completed');
    expect((await supporter.session.agent.get(`/incoming/${id}`)).status).to.equal(200);

    // Lưu hồ sơ: the supporter's work is still open, so the clerk confirms closing it.
    expect((await postForm(clerk, `/incoming/${id}/file`, {})).status).to.equal(422);
    expect(
      (await postForm(clerk, `/incoming/${id}/file`, { confirmOpenWork: '1' })).status,
    ).to.equal(303);
    expect((await doc())!.status).to.equal('filed');
    expect((await clerk.session.agent.get('/incoming?tab=done')).text).to.contain(
      `data-id="${id}"`,
    );

    const events = await DocumentEvent.findAll({
      where: { documentKind: 'incoming', documentId: id },
      order: [['id', 'ASC']],
    });
    expect(events.map((e) => e.action)).to.deep.equal([
      'register',
      'present',
      'direct',
      'assign',
      'report',
      'complete',
      'acknowledge',
      'close_open_work',
      'file',
    ]);
    for (const [action, user] of [
      ['incoming.register', office.clerk],
      ['incoming.present', office.clerk],
      ['incoming.direct', office.leader],
      ['incoming.assign', office.deptHead],
      ['incoming.report', office.specialist],
      ['incoming.complete', office.specialist],
      ['incoming.acknowledge', office.reader],
      ['incoming.file', office.clerk],
    ] as const) {
      expect(await auditCount(action, user.id, id), action).to.equal(1);
    }
    const trailPage = await clerk.session.agent.get(`/incoming/${id}`);
    expect(trailPage.text)
      .to.contain('Lưu hồ sơ')
      .and.contain('Đã lưu hồ sơ')
      .and.contain('Phạm Chuyên Viên');
  });

  it('audits every detail view and every download, and serves the exact bytes only through the route', async () => {
    const office = await buildOffice();
    const clerk = await signIn(ctx.app, office.clerk);
    const id = await registerThroughForm(clerk);
    const before = await auditCount('incoming.view', office.clerk.id, id);
    await clerk.session.agent.get(`/incoming/${id}`);
    await clerk.session.agent.get(`/incoming/${id}`);
    expect(await auditCount('incoming.view', office.clerk.id, id)).to.equal(before + 2);
    const file = await DocumentFile.findOne({
      where: { documentKind: 'incoming', documentId: id },
    });
    const res = await clerk.session.agent
      .get(`/incoming/${id}/files/${file!.id}?download=1`)
      .buffer(true);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.equal('application/pdf');
    expect(res.headers['content-disposition'])
      .to.match(/^attachment;/)
      .and.contain("filename*=UTF-8''c%C3%B4ng-v%C4%83n.pdf");
    expect(Buffer.from(res.body).subarray(0, 5).toString()).to.equal('%PDF-');
    expect(await auditCount('incoming.download', office.clerk.id, id)).to.equal(1);
    // Another document's file id under this document is not found.
    expect(
      (await clerk.session.agent.get(`/incoming/${id}/files/${file!.id + 100000}`)).status,
    ).to.equal(404);
  });

  it('returns a document to the clerk with a reason; the clerk is told and may present it again', async () => {
    const office = await buildOffice();
    const [clerk, leader] = await signInAll(ctx, [office.clerk, office.leader]);
    const id = await registerThroughForm(clerk);
    await postForm(clerk, `/incoming/${id}/present`, { leaderId: String(office.leader.id) });
    const empty = await postForm(leader, `/incoming/${id}/return`, { reason: ' ' });
    expect(empty.status).to.equal(422);
    expect(empty.text).to.contain('id="reason-error"');
    const res = await postForm(leader, `/incoming/${id}/return`, {
      reason: 'Văn bản gửi nhầm địa chỉ.',
    });
    expect(res.status).to.equal(303);
    const doc = await IncomingDocument.findByPk(id);
    expect(doc!.status).to.equal('returned');
    expect(doc!.returnReason).to.equal('Văn bản gửi nhầm địa chỉ.');
    const note = await Notification.findOne({
      where: { userId: office.clerk.id, kind: 'incoming.returned' },
    });
    expect(notificationText(note!, 'vi')).to.contain('Văn bản gửi nhầm địa chỉ.');
    expect(await auditCount('incoming.return', office.leader.id, id)).to.equal(1);
    const page = await clerk.session.agent.get(`/incoming/${id}`);
    expect(page.text)
      .to.contain('data-testid="return-reason"')
      .and.contain(`action="/incoming/${id}/present"`);
    expect((await clerk.session.agent.get('/incoming?tab=toHandle')).text).to.contain(
      `data-id="${id}"`,
    );
    // Filing is not a step of a returned document.
    expect((await postForm(clerk, `/incoming/${id}/file`, {})).status).to.equal(409);
    // The clerk corrects the registration (audited with the changes) and presents it again.
    const form = await clerk.session.agent.get(`/incoming/${id}/edit`);
    expect(form.status).to.equal(200);
    const bad = await postForm(clerk, `/incoming/${id}/edit`, {
      ...incomingFields(),
      fromOrganId: 'sai-dinh-dang',
    });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('id="fromOrganId-error"');
    const edited = await postForm(clerk, `/incoming/${id}/edit`, {
      ...incomingFields(),
      subject: 'Trích yếu đã sửa',
    });
    expect(edited.status).to.equal(303);
    expect((await IncomingDocument.findByPk(id))!.subject).to.equal('Trích yếu đã sửa');
    const audit = await AuditLog.findOne({
      where: { action: 'incoming.update', entityId: String(id) },
    });
    expect(JSON.parse(audit!.details!).changes.subject.to).to.equal('Trích yếu đã sửa');
    expect(
      (await postForm(clerk, `/incoming/${id}/present`, { leaderId: String(office.leader.id) }))
        .status,
    ).to.equal(303);
    expect((await IncomingDocument.findByPk(id))!.status).to.equal('presented');
    expect((await leader.session.agent.get(`/incoming/${id}/edit`)).status).to.equal(403);
  });

  it('refuses a direction without a lead (422) and a direction by someone who is not a leader (403)', async () => {
    const office = await buildOffice();
    const [clerk, leader, head] = await signInAll(ctx, [
      office.clerk,
      office.leader,
      office.deptHead,
    ]);
    const id = await registerThroughForm(clerk);
    await postForm(clerk, `/incoming/${id}/present`, { leaderId: String(office.leader.id) });
    const noLead = await postForm(leader, `/incoming/${id}/direct`, { note: 'x' });
    expect(noLead.status).to.equal(422);
    expect(noLead.text).to.contain(
      'id="direct-lead-error">Vui lòng chọn đơn vị hoặc người chủ trì xử lý.</p>',
    );
    // The note typed stays.
    expect(noLead.text).to.match(/<textarea id="direct-note"[^>]*>x<\/textarea>/);
    const past = await postForm(leader, `/incoming/${id}/direct`, {
      lead: `u:${office.specialist.id}`,
      leadDeadline: '2001-01-01',
    });
    expect(past.status).to.equal(422);
    // Said beside the deadline, not the picker; the person chosen and the date typed stay.
    expect(past.text).to.contain(
      '<p class="field-error" id="direct-lead-deadline-error">Hạn xử lý không được trước ngày hôm nay.</p>',
    );
    expect(past.text).not.to.contain('id="direct-lead-error"');
    expect(past.text).to.match(
      new RegExp(
        `<select id="direct-lead"[\\s\\S]*?<option value="u:${office.specialist.id}"[^>]*selected>`,
      ),
    );
    expect(past.text).to.match(
      /id="direct-lead-deadline" name="leadDeadline" value="2001-01-01" aria-invalid="true"/,
    );
    const stranger = await postForm(leader, `/incoming/${id}/direct`, { lead: 'u:999999999' });
    expect(stranger.status).to.equal(422);
    const byHead = await postForm(head, `/incoming/${id}/direct`, {
      lead: `u:${office.specialist.id}`,
    });
    expect([403, 404]).to.include(byHead.status);
    expect(await IncomingAssignment.count({ where: { documentId: id } })).to.equal(0);
  });

  it('computes the default deadline in working days, skipping a configured holiday', async () => {
    const office = await buildOffice();
    const [clerk, leader] = await signInAll(ctx, [office.clerk, office.leader]);
    const today = todayInVietnam();
    const nextWorkingDay = addWorkingDaysWith(today, 1, new Set());
    const [holiday, created] = await Holiday.findOrCreate({
      where: { date: nextWorkingDay },
      defaults: { date: nextWorkingDay, name: 'Ngày nghỉ thử nghiệm' },
    });
    try {
      const id = await registerThroughForm(clerk, { urgency: '3' });
      await postForm(clerk, `/incoming/${id}/present`, { leaderId: String(office.leader.id) });
      expect(
        (await postForm(leader, `/incoming/${id}/direct`, { lead: `u:${office.specialist.id}` }))
          .status,
      ).to.equal(303);
      const lead = await IncomingAssignment.findOne({ where: { documentId: id, role: 'lead' } });
      const days = (await defaultDeadlineDays())[3];
      const holidays = new Set(
        (await Holiday.findAll({ where: { date: { [Op.gte]: today } } })).map((h) =>
          String(h.date),
        ),
      );
      expect(holidays.has(nextWorkingDay)).to.equal(true);
      expect(lead!.deadline).to.equal(addWorkingDaysWith(today, days, holidays));
      expect(lead!.deadline).to.not.equal(addWorkingDaysWith(today, days, new Set()));
    } finally {
      if (created) await holiday.destroy();
    }
  });

  it('renders the list, form and detail in English with no missing texts', async () => {
    const office = await buildOffice();
    const clerk = await signIn(ctx.app, office.clerk);
    const id = await registerThroughForm(clerk);
    expect((await postForm(clerk, '/language', { lng: 'en', back: '/incoming' })).status).to.equal(
      303,
    );
    for (const path of ['/incoming?tab=all', '/incoming/new', `/incoming/${id}`]) {
      const page = await clerk.session.agent.get(path);
      expect(page.status, path).to.equal(200);
      expect(page.text, path).to.not.match(/incoming:|errors:|>[a-z]+\.[a-zA-Z_.]+</);
    }
    expect((await clerk.session.agent.get(`/incoming/${id}`)).text)
      .to.contain('Present to a leader')
      .and.contain('Processing trail');
  });
});
