import { expect } from 'chai';
import request from 'supertest';
import { IncomingAssignment } from '../../src/incoming/incoming.model.js';
import { createAccessToken } from '../../src/users/users.service.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildOffice, postForm, registerThroughForm, signInAll } from './incoming-helpers.js';

const inTenDays = new Date(Date.now() + 7 * 3600_000 + 10 * 86_400_000).toISOString().slice(0, 10);

describe('handing the same work to the same person twice', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  it('refuses a second open hand-over (page and API) with a Vietnamese 409, leaving one row', async () => {
    const office = await buildOffice();
    const [clerk, leader, head] = await signInAll(ctx, [
      office.clerk,
      office.leader,
      office.deptHead,
    ]);
    const id = await registerThroughForm(clerk, { subject: 'Kế hoạch kiểm tra cuối năm' });
    await postForm(clerk, `/incoming/${id}/present`, { leaderId: String(office.leader.id) });
    await postForm(leader, `/incoming/${id}/direct`, {
      lead: `d:${office.department.id}`,
      leadDeadline: inTenDays,
    });
    const top = await IncomingAssignment.findOne({ where: { documentId: id, parentId: null } });
    const handOver = { assignmentId: String(top!.id), userId: String(office.specialist.id) };
    const first = await postForm(head, `/incoming/${id}/assign`, handOver);
    expect(first.status, first.text.slice(0, 300)).to.equal(303);

    const again = await postForm(head, `/incoming/${id}/assign`, handOver);
    expect(again.status).to.equal(409);
    expect(again.text).to.contain('Người này đang được giao phần việc này và chưa hoàn thành');
    const token = (
      await createAccessToken(office.deptHead, 'test', { userId: office.deptHead.id, ip: null })
    ).token;
    const api = await request(ctx.app)
      .post(`/api/v1/incoming/${id}/assignments`)
      .set('Authorization', `Bearer ${token}`)
      .send({ assignmentId: top!.id, userId: office.specialist.id });
    expect(api.status, api.text).to.equal(409);
    expect(api.body.error.code).to.equal('INCOMING_ALREADY_ASSIGNED');

    const rows = await IncomingAssignment.findAll({
      where: { parentId: top!.id, assigneeUserId: office.specialist.id },
    });
    expect(rows).to.have.length(1);
    // Once that work is completed, handing the same work on to the person again is a new task.
    await rows[0].update({ status: 'completed' });
    const later = await postForm(head, `/incoming/${id}/assign`, handOver);
    expect(later.status, later.text.slice(0, 300)).to.equal(303);
  });
});
