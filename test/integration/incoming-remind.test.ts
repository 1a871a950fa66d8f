import { expect } from 'chai';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { DocumentEvent } from '../../src/documents/document.model.js';
import { IncomingAssignment } from '../../src/incoming/incoming.model.js';
import { Notification } from '../../src/notifications/notification.model.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildOffice, postForm, registerThroughForm, signInAll } from './incoming-helpers.js';
import { notificationText } from '../../src/notifications/notification-text.js';

const inTenDays = new Date(Date.now() + 7 * 3600_000 + 10 * 86_400_000).toISOString().slice(0, 10);
const dayMonthYear = (iso: string) => iso.split('-').reverse().join('/');

describe('chasing open work (đôn đốc)', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  /** A document directed to the department and handed on to the specialist. */
  async function handedOver() {
    const office = await buildOffice();
    const [clerk, leader, head, specialist] = await signInAll(ctx, [
      office.clerk,
      office.leader,
      office.deptHead,
      office.specialist,
    ]);
    const id = await registerThroughForm(clerk, { subject: 'Báo cáo tiến độ giải ngân vốn' });
    await postForm(clerk, `/incoming/${id}/present`, { leaderId: String(office.leader.id) });
    await postForm(leader, `/incoming/${id}/direct`, {
      lead: `d:${office.department.id}`,
      leadDeadline: inTenDays,
    });
    const top = await IncomingAssignment.findOne({ where: { documentId: id, parentId: null } });
    await postForm(head, `/incoming/${id}/assign`, {
      assignmentId: String(top!.id),
      userId: String(office.specialist.id),
    });
    const child = await IncomingAssignment.findOne({ where: { parentId: top!.id } });
    return { office, clerk, leader, head, specialist, id, top: top!, child: child! };
  }

  it('tells the assignee, with the deadline and the note, and records it on the trail', async () => {
    const { office, head, id, child } = await handedOver();
    const detail = await head.session.agent.get(`/incoming/${id}`);
    expect(detail.text).to.contain('Đôn đốc xử lý').and.contain('name="assignmentId"');
    const res = await postForm(head, `/incoming/${id}/reminders`, {
      assignmentId: String(child.id),
      note: 'Đề nghị hoàn thành trước thứ Sáu',
    });
    expect(res.status, res.text.slice(0, 300)).to.equal(303);
    const told = await Notification.findOne({
      where: { userId: office.specialist.id, kind: 'incoming.reminded' },
    });
    expect(notificationText(told!, 'vi'))
      .to.contain('Trần Trưởng Phòng đôn đốc')
      .and.contain('Đề nghị hoàn thành trước thứ Sáu')
      .and.contain(`(hạn ${child.deadline ? dayMonthYear(child.deadline) : '—'})`);
    expect(told!.link).to.equal(`/incoming/${id}`);
    const event = await DocumentEvent.findOne({
      where: { documentKind: 'incoming', documentId: id, action: 'remind' },
    });
    expect(event!.note).to.equal('Đề nghị hoàn thành trước thứ Sáu');
    expect(
      await AuditLog.count({
        where: { action: 'incoming.remind', userId: office.deptHead.id, entityId: String(id) },
      }),
    ).to.equal(1);
  });

  it("reminds the department's heads of work given to the department, and shows its deadline", async () => {
    const { office, leader, id, top } = await handedOver();
    const res = await postForm(leader, `/incoming/${id}/reminders`, {
      assignmentId: String(top.id),
    });
    expect(res.status).to.equal(303);
    const told = await Notification.findOne({
      where: { userId: office.deptHead.id, kind: 'incoming.reminded' },
    });
    expect(top.deadline).to.equal(inTenDays);
    // Every notification writes its deadline the way people read it, the direction's too.
    const directed = await Notification.findOne({
      where: { userId: office.deptHead.id, kind: 'incoming.directed_lead' },
    });
    expect(notificationText(directed!, 'vi')).to.contain(`(hạn ${dayMonthYear(inTenDays)})`);
    expect(notificationText(told!, 'vi'))
      .to.contain('Nguyễn Văn Chủ Tịch đôn đốc')
      .and.contain(`(hạn ${dayMonthYear(inTenDays)})`);
  });

  it('refuses the assignee, an unknown assignment, finished work and a long note, telling nobody', async () => {
    const { specialist, head, clerk, id, child } = await handedOver();
    const before = await Notification.count({ where: { kind: 'incoming.reminded' } });
    expect(
      (await postForm(specialist, `/incoming/${id}/reminders`, { assignmentId: String(child.id) }))
        .status,
    ).to.equal(403);
    const long = await postForm(head, `/incoming/${id}/reminders`, {
      assignmentId: String(child.id),
      note: 'x'.repeat(1001),
    });
    expect(long.status).to.equal(422);
    expect(
      (await postForm(head, `/incoming/${id}/reminders`, { assignmentId: '999999999' })).status,
    ).to.equal(404);
    await postForm(specialist, `/incoming/${id}/complete`, {
      assignmentId: String(child.id),
      resultNote: 'Đã báo cáo',
    });
    const done = await postForm(clerk, `/incoming/${id}/reminders`, {
      assignmentId: String(child.id),
    });
    expect([403, 409]).to.include(done.status);
    expect(await Notification.count({ where: { kind: 'incoming.reminded' } })).to.equal(before);
  });
});
