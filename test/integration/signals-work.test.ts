import { expect } from 'chai';
import { testApp, type TestContext } from '../helpers/test-app.js';
import {
  buildOffice,
  postForm,
  registerThroughForm,
  signInAll,
  type Actor,
  type Office,
} from './incoming-helpers.js';
import { addWorkingDays, todayInVietnam } from '../../src/calendar/working-days.js';
import { DocumentEvent } from '../../src/documents/document.model.js';
import { IncomingAssignment, IncomingDocument } from '../../src/incoming/incoming.model.js';

const DAY_MS = 86_400_000;
const yesterday = () =>
  new Date(Date.parse(`${todayInVietnam()}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);

/** Registered, presented and directed: lead the department, support the supporter, info the reader. */
async function directed(office: Office, clerk: Actor, leader: Actor, fields = {}) {
  const id = await registerThroughForm(clerk, fields);
  expect(
    (await postForm(clerk, `/incoming/${id}/present`, { leaderId: String(office.leader.id) }))
      .status,
  ).to.equal(303);
  const res = await postForm(leader, `/incoming/${id}/direct`, {
    lead: `d:${office.department.id}`,
    support: [`u:${office.supporter.id}`],
    info: [`u:${office.reader.id}`],
  });
  expect(res.status, res.text.slice(0, 300)).to.equal(303);
  const rows = await IncomingAssignment.findAll({
    where: { documentId: id },
    order: [['id', 'ASC']],
  });
  return { id, lead: rows[0], support: rows[1], info: rows[2] };
}

const idsIn = (html: string) =>
  [...html.matchAll(/<tr class="[^"]*" data-id="(\d+)"/g)].map((m) => Number(m[1]));

describe('signals: overdue, filing and what each person sees', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  it('shows each person their own deadline: the column, the sort and the overdue flag use the same date', async () => {
    const office = await buildOffice();
    const [clerk, leader, head, supporter] = await signInAll(ctx, [
      office.clerk,
      office.leader,
      office.deptHead,
      office.supporter,
    ]);
    const late = await directed(office, clerk, leader);
    const onTime = await directed(office, clerk, leader);
    // The supporting person is late on the first document; the lead unit is not.
    await late.support.update({ deadline: yesterday() });
    const leadDeadline = await addWorkingDays(todayInVietnam(), 8);
    await late.lead.update({ deadline: leadDeadline });
    await onTime.lead.update({ deadline: await addWorkingDays(todayInVietnam(), 2) });

    const headList = await head.session.agent.get('/incoming?tab=toHandle&sort=dueDate&dir=asc');
    expect(idsIn(headList.text)).to.deep.equal([onTime.id, late.id]);
    const headRow = headList.text.slice(headList.text.indexOf(`data-id="${late.id}"`));
    const show = (iso: string) => iso.split('-').reverse().join('/');
    expect(headRow.slice(0, headRow.indexOf('</tr>')))
      .to.contain(show(leadDeadline))
      .and.not.contain('overdue-tag');
    const headOverdue = await head.session.agent.get('/incoming?overdue=1');
    expect(idsIn(headOverdue.text)).to.deep.equal([]);

    const mine = await supporter.session.agent.get('/incoming?tab=toHandle');
    const row = mine.text.slice(mine.text.indexOf(`data-id="${late.id}"`));
    expect(row.slice(0, row.indexOf('</tr>')))
      .to.contain(show(yesterday()))
      .and.contain('overdue-tag');
  });

  it('opens from the dashboard’s overdue alert exactly the documents it counts, waiting or in progress', async () => {
    const office = await buildOffice();
    const [clerk, leader, supporter] = await signInAll(ctx, [
      office.clerk,
      office.leader,
      office.supporter,
    ]);
    const waiting = await directed(office, clerk, leader);
    const started = await directed(office, clerk, leader);
    await directed(office, clerk, leader);
    await waiting.support.update({ deadline: yesterday() });
    await started.support.update({ deadline: yesterday() });
    const report = await postForm(supporter, `/incoming/${started.id}/report`, {
      assignmentId: String(started.support.id),
      percent: '40',
    });
    expect(report.status).to.equal(303);

    const dashboard = await supporter.session.agent.get('/');
    const alert = /data-testid="overdue-alert">\s*<a href="([^"]+)">([^<]+)</.exec(dashboard.text);
    expect(alert, 'overdue alert').to.not.equal(null);
    expect(alert![2]).to.contain('2');
    const list = await supporter.session.agent.get(alert![1].replace(/&amp;/g, '&'));
    expect(idsIn(list.text).sort()).to.deep.equal([waiting.id, started.id].sort());
    expect(list.text).to.contain('Văn bản quá hạn xử lý của tôi');
  });

  it('asks the clerk to confirm filing while work is open, then closes it with a trail entry', async () => {
    const office = await buildOffice();
    const [clerk, leader, head, supporter] = await signInAll(ctx, [
      office.clerk,
      office.leader,
      office.deptHead,
      office.supporter,
    ]);
    const doc = await directed(office, clerk, leader);
    const done = await postForm(head, `/incoming/${doc.id}/complete`, {
      assignmentId: String(doc.lead.id),
      resultNote: 'Đã tham mưu văn bản trả lời',
    });
    expect(done.status).to.equal(303);
    expect((await IncomingDocument.findByPk(doc.id))!.status).to.equal('completed');
    const page = await clerk.session.agent.get(`/incoming/${doc.id}`);
    expect(page.text)
      .to.contain('data-testid="file-open-work"')
      .and.contain(office.supporter.fullName);

    const unconfirmed = await postForm(clerk, `/incoming/${doc.id}/file`, {});
    expect(unconfirmed.status).to.equal(422);
    expect(unconfirmed.text).to.contain('hãy xác nhận đóng các nhiệm vụ này');
    expect((await IncomingDocument.findByPk(doc.id))!.status).to.equal('completed');

    const filed = await postForm(clerk, `/incoming/${doc.id}/file`, { confirmOpenWork: '1' });
    expect(filed.status).to.equal(303);
    expect((await IncomingDocument.findByPk(doc.id))!.status).to.equal('filed');
    expect((await doc.support.reload()).status).to.equal('closed');
    const trail = await DocumentEvent.findOne({
      where: { documentKind: 'incoming', documentId: doc.id, action: 'close_open_work' },
    });
    expect(JSON.parse(String(trail!.data)).assignmentIds).to.deep.equal([doc.support.id]);
    const toHandle = await supporter.session.agent.get('/incoming?tab=toHandle');
    expect(idsIn(toHandle.text)).not.to.include(doc.id);
    const inProgress = await supporter.session.agent.get('/incoming?tab=inProgress');
    expect(idsIn(inProgress.text)).not.to.include(doc.id);
  });

  it('closes a returned document as sent back to the sender, with a reason', async () => {
    const office = await buildOffice();
    const [clerk, leader] = await signInAll(ctx, [office.clerk, office.leader]);
    const id = await registerThroughForm(clerk);
    await postForm(clerk, `/incoming/${id}/present`, { leaderId: String(office.leader.id) });
    expect(
      (await postForm(leader, `/incoming/${id}/return`, { reason: 'Gửi nhầm cơ quan' })).status,
    ).to.equal(303);
    expect((await clerk.session.agent.get(`/incoming/${id}`)).text).to.contain(
      `action="/incoming/${id}/send-back"`,
    );
    const blank = await postForm(clerk, `/incoming/${id}/send-back`, { reason: '' });
    expect(blank.status).to.equal(422);
    expect(
      (await postForm(leader, `/incoming/${id}/send-back`, { reason: 'Không phải văn thư' }))
        .status,
    ).to.equal(403);
    const sent = await postForm(clerk, `/incoming/${id}/send-back`, {
      reason: 'Trả lại nơi gửi vì gửi nhầm',
    });
    expect(sent.status).to.equal(303);
    const doc = await IncomingDocument.findByPk(id);
    expect([doc!.status, doc!.returnReason]).to.deep.equal([
      'sent_back',
      'Trả lại nơi gửi vì gửi nhầm',
    ]);
    const toHandle = await clerk.session.agent.get('/incoming?tab=toHandle');
    expect(idsIn(toHandle.text)).not.to.include(id);
  });

  it('shows info-only recipients as read or not read, and hand-overs under the unit that made them', async () => {
    const office = await buildOffice();
    const [clerk, leader, head, reader] = await signInAll(ctx, [
      office.clerk,
      office.leader,
      office.deptHead,
      office.reader,
    ]);
    const doc = await directed(office, clerk, leader);
    const assigned = await postForm(head, `/incoming/${doc.id}/assign`, {
      assignmentId: String(doc.lead.id),
      userId: String(office.specialist.id),
    });
    expect(assigned.status).to.equal(303);
    const child = await IncomingAssignment.findOne({
      where: { documentId: doc.id, parentId: doc.lead.id },
    });
    const rowOf = (html: string, assignmentId: number) => {
      const from = html.indexOf(`data-assignment-id="${assignmentId}"`);
      return html.slice(from, html.indexOf('</tr>', from));
    };
    const page = await leader.session.agent.get(`/incoming/${doc.id}`);
    const order = [...page.text.matchAll(/data-assignment-id="(\d+)"/g)].map((m) => Number(m[1]));
    expect(order).to.deep.equal([doc.lead.id, child!.id, doc.support.id, doc.info.id]);
    expect(rowOf(page.text, doc.info.id)).to.contain('Chưa xem').and.not.contain('<progress');
    expect(
      (
        await postForm(reader, `/incoming/${doc.id}/acknowledge`, {
          assignmentId: String(doc.info.id),
        })
      ).status,
    ).to.equal(303);
    const after = await leader.session.agent.get(`/incoming/${doc.id}`);
    expect(rowOf(after.text, doc.info.id)).to.contain('Đã xem').and.not.contain('<progress');
  });
});
