import { expect } from 'chai';
import request from 'supertest';
import { createAccessToken } from '../../src/users/users.service.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildUser } from '../factories/index.js';
import {
  buildOffice,
  postForm,
  registerThroughForm,
  signIn,
  signInAll,
  type Actor,
  type Office,
} from './incoming-helpers.js';
import { addWorkingDays, isWeekend, todayInVietnam } from '../../src/calendar/working-days.js';
import { Holiday } from '../../src/calendar/calendar.model.js';
import { DocumentEvent } from '../../src/documents/document.model.js';
import { IncomingAssignment, IncomingDocument } from '../../src/incoming/incoming.model.js';
import { Delegation } from '../../src/users/delegation.model.js';

const DAY_MS = 86_400_000;
const plusDays = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** The first Saturday at least a week from today. */
function nextSaturday(): string {
  let day = plusDays(todayInVietnam(), 7);
  while (new Date(`${day}T00:00:00Z`).getUTCDay() !== 6) day = plusDays(day, 1);
  return day;
}

async function presented(office: Office, clerk: Actor, leaderId = office.leader.id, fields = {}) {
  const id = await registerThroughForm(clerk, fields);
  const res = await postForm(clerk, `/incoming/${id}/present`, { leaderId: String(leaderId) });
  expect(res.status).to.equal(303);
  return id;
}

const direction = (office: Office, extra: Record<string, string | string[]> = {}) => ({
  note: 'Giao xử lý',
  lead: `d:${office.department.id}`,
  ...extra,
});

describe('signals: who directs and the deadlines of a direction', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  it('lets only the leader it was presented to direct; another leader may comment but not direct', async () => {
    const office = await buildOffice();
    const other = await buildUser(office.agency, ['leader'], { fullName: 'Lê Phó Chủ Tịch' });
    const [clerk, leader, deputy] = await signInAll(ctx, [office.clerk, office.leader, other]);
    const id = await presented(office, clerk);

    const page = await deputy.session.agent.get(`/incoming/${id}`);
    expect(page.status).to.equal(200);
    expect(page.text).not.to.contain(`action="/incoming/${id}/direct"`);
    const refused = await postForm(deputy, `/incoming/${id}/direct`, direction(office));
    expect(refused.status).to.equal(403);
    expect((await IncomingDocument.findByPk(id))!.status).to.equal('presented');
    const comment = await postForm(deputy, `/incoming/${id}/comments`, { body: 'Ý kiến tham gia' });
    expect(comment.status).to.equal(303);

    const leaders = (await leader.session.agent.get(`/incoming/${id}`)).text;
    expect(leaders).to.contain(`action="/incoming/${id}/direct"`);
    // The pickers offer the other leader, never the one directing.
    const lead = /<select id="direct-lead"[\s\S]*?<\/select>/.exec(leaders)?.[0] ?? '';
    expect(lead).to.contain(`value="u:${other.id}"`);
    expect(lead).not.to.contain(`value="u:${office.leader.id}"`);
    expect((await postForm(leader, `/incoming/${id}/direct`, direction(office))).status).to.equal(
      303,
    );
  });

  it('lets the person the leader delegated directing to direct, and a leader the clerk re-presents to', async () => {
    const office = await buildOffice();
    const other = await buildUser(office.agency, ['leader'], { fullName: 'Lê Phó Chủ Tịch' });
    const [clerk, deputy] = await signInAll(ctx, [office.clerk, other]);
    const today = todayInVietnam();

    const delegatedDoc = await presented(office, clerk);
    await Delegation.create({
      agencyId: office.agency.id,
      principalId: office.leader.id,
      delegateId: other.id,
      form: 'KT',
      actions: JSON.stringify(['incoming.direct']),
      startsOn: today,
      endsOn: plusDays(today, 5),
      parentId: null,
      note: null,
      createdById: office.leader.id,
    });
    const res = await postForm(deputy, `/incoming/${delegatedDoc}/direct`, direction(office));
    expect(res.status, res.text.slice(0, 300)).to.equal(303);
    const event = await DocumentEvent.findOne({
      where: { documentKind: 'incoming', documentId: delegatedDoc, action: 'direct' },
    });
    expect(JSON.parse(String(event!.data))).to.include({ onBehalfOf: office.leader.id });

    const third = await buildUser(office.agency, ['leader'], { fullName: 'Đỗ Phó Chủ Tịch' });
    const thirdActor = await signIn(ctx.app, third);
    const represented = await presented(office, clerk);
    const refused = await postForm(
      thirdActor,
      `/incoming/${represented}/direct`,
      direction(office),
    );
    expect(refused.status).to.equal(403);
    const again = await postForm(clerk, `/incoming/${represented}/present`, {
      leaderId: String(third.id),
    });
    expect(again.status).to.equal(303);
    const directed = await postForm(
      thirdActor,
      `/incoming/${represented}/direct`,
      direction(office),
    );
    expect(directed.status).to.equal(303);
    expect(
      (await postForm(deputy, `/incoming/${represented}/comments`, { body: 'Đã rõ' })).status,
    ).to.equal(303);
  });

  it('moves a deadline on a weekend or holiday to the next working day and says so', async () => {
    const office = await buildOffice();
    const [clerk, leader] = await signInAll(ctx, [office.clerk, office.leader]);
    const saturday = nextSaturday();
    const monday = plusDays(saturday, 2);
    await Holiday.findOrCreate({
      where: { date: monday },
      defaults: { date: monday, name: 'Nghỉ bù' },
    });
    const expected = await addWorkingDays(saturday, 1);
    expect(isWeekend(expected)).to.equal(false);
    const id = await presented(office, clerk);
    const res = await postForm(
      leader,
      `/incoming/${id}/direct`,
      direction(office, { leadDeadline: saturday }),
    );
    expect(res.status, res.text.slice(0, 300)).to.equal(303);
    const lead = await IncomingAssignment.findOne({ where: { documentId: id, role: 'lead' } });
    expect(lead!.deadline).to.equal(expected);
    const page = await leader.session.agent.get(`/incoming/${id}`);
    const show = (iso: string) => iso.split('-').reverse().join('/');
    expect(page.text).to.contain(
      `Hạn ${show(saturday)} không phải ngày làm việc nên được chuyển sang ${show(expected)}.`,
    );
  });

  it('tells an API caller what the form says: the moved deadline and the one after the due date', async () => {
    const office = await buildOffice();
    const [clerk] = await signInAll(ctx, [office.clerk]);
    const token = (
      await createAccessToken(office.leader, 'test', { userId: office.leader.id, ip: null })
    ).token;
    const saturday = nextSaturday();
    const dueDate = await addWorkingDays(todayInVietnam(), 2);
    const id = await presented(office, clerk, office.leader.id, { dueDate });
    const res = await request(ctx.app)
      .post(`/api/v1/incoming/${id}/assignments`)
      .set('Authorization', `Bearer ${token}`)
      .send({
        note: 'Giao xử lý',
        lead: { departmentId: office.department.id, deadline: saturday },
      });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const moved = await addWorkingDays(saturday, 1);
    const show = (iso: string) => iso.split('-').reverse().join('/');
    expect(res.body.notices).to.deep.equal([
      {
        code: 'deadlineMoved',
        message: `Hạn ${show(saturday)} không phải ngày làm việc nên được chuyển sang ${show(moved)}.`,
        values: { from: saturday, to: moved },
      },
      {
        code: 'afterDueDate',
        message: `Lưu ý: hạn xử lý ${show(moved)} sau hạn trả lời của văn bản (${show(dueDate)}).`,
        values: { deadline: moved, dueDate },
      },
    ]);
  });

  it('moves a hand-over’s deadline on a weekend to the next working day too', async () => {
    const office = await buildOffice();
    const [clerk, leader, head] = await signInAll(ctx, [
      office.clerk,
      office.leader,
      office.deptHead,
    ]);
    const saturday = nextSaturday();
    const id = await presented(office, clerk);
    const directed = await postForm(
      leader,
      `/incoming/${id}/direct`,
      direction(office, { leadDeadline: plusDays(saturday, 10) }),
    );
    expect(directed.status).to.equal(303);
    const assigned = await postForm(head, `/incoming/${id}/assign`, {
      userId: String(office.specialist.id),
      deadline: saturday,
    });
    expect(assigned.status, assigned.text.slice(0, 300)).to.equal(303);
    const child = await IncomingAssignment.findOne({
      where: { documentId: id, assigneeUserId: office.specialist.id },
    });
    const expected = await addWorkingDays(saturday, 1);
    expect(child!.deadline).to.equal(expected);
    const page = await head.session.agent.get(`/incoming/${id}`);
    expect(page.text).to.contain('không phải ngày làm việc nên được chuyển sang');
  });

  it('refuses a supporting deadline after the lead’s, and warns when a deadline passes the document’s due date', async () => {
    const office = await buildOffice();
    const [clerk, leader] = await signInAll(ctx, [office.clerk, office.leader]);
    const leadDeadline = await addWorkingDays(todayInVietnam(), 3);
    const supportDeadline = await addWorkingDays(todayInVietnam(), 5);
    const id = await presented(office, clerk);
    const refused = await postForm(
      leader,
      `/incoming/${id}/direct`,
      direction(office, {
        leadDeadline,
        support: [`u:${office.supporter.id}`],
        supportDeadline,
      }),
    );
    expect(refused.status).to.equal(422);
    // Beside the supporting deadline, with every choice and date kept for the next try.
    expect(refused.text).to.contain(
      '<p class="field-error" id="direct-support-deadline-error">Hạn phối hợp không được sau hạn của đơn vị chủ trì.</p>',
    );
    const select = (name: string) =>
      new RegExp(`<select id="direct-${name}"[\\s\\S]*?</select>`).exec(refused.text)?.[0] ?? '';
    expect(select('support')).to.match(
      new RegExp(`<option value="u:${office.supporter.id}"[^>]*selected>`),
    );
    expect(select('lead')).to.match(/<option value="[du]:\d+"[^>]*selected>/);
    expect(refused.text).to.contain(`name="leadDeadline" value="${leadDeadline}"`);
    expect(refused.text).to.contain(`name="supportDeadline" value="${supportDeadline}"`);
    expect(await IncomingAssignment.count({ where: { documentId: id } })).to.equal(0);

    const dueDate = await addWorkingDays(todayInVietnam(), 2);
    const late = await presented(office, clerk, office.leader.id, { dueDate });
    const warned = await postForm(
      leader,
      `/incoming/${late}/direct`,
      direction(office, { leadDeadline, support: [`u:${office.supporter.id}`] }),
    );
    expect(warned.status).to.equal(303);
    const rows = await IncomingAssignment.findAll({ where: { documentId: late } });
    // A default supporting deadline is brought back to the lead's.
    expect(rows.map((r) => r.deadline)).to.deep.equal([leadDeadline, leadDeadline]);
    const page = await leader.session.agent.get(`/incoming/${late}`);
    expect(page.text).to.contain('sau hạn trả lời của văn bản');
  });
});
