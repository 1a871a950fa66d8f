import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import type { Agency } from '../../src/agencies/agency.model.js';
import { createTemplate } from '../../src/approvals/approval-templates.service.js';
import { ApprovalFlow } from '../../src/approvals/approval.model.js';
import { createDraft } from '../../src/outgoing/outgoing.drafts.js';
import { DraftFieldsSchema } from '../../src/outgoing/outgoing.schemas.js';
import type { User } from '../../src/users/user.model.js';
import { createAccessToken } from '../../src/users/users.service.js';
import {
  buildAgency,
  buildDepartment,
  buildUser,
  loginAs,
  type Session,
} from '../factories/index.js';
import { testApp } from '../helpers/test-app.js';
import { draftPdf } from './outgoing-issue-fixtures.js';

const ACTED = 'Đã có người xử lý văn bản bạn trình; không rút lại được nữa.';

/**
 * Issue 12 §2: "withdraw (by the drafter, before the next step acts)". The page offers the
 * button exactly when the API and the chain's page take the withdrawal; once someone acted on
 * what the drafter sent, both answer 409 APPROVAL_ALREADY_ACTED with the reason.
 */
describe('approval chains: the drafter’s withdrawal, the same on the page and in the API', function () {
  this.timeout(60_000);
  let app: Express;
  let agency: Agency;
  let drafter: User;
  let head: User;
  let chairman: User;
  let drafterSession: Session;
  let csrf: string;
  const tokens = new Map<number, string>();

  before(async () => {
    ({ app } = await testApp());
    agency = await buildAgency();
    const dept = await buildDepartment(agency);
    drafter = await buildUser(agency, ['specialist'], { departmentId: dept.id });
    head = await buildUser(agency, ['dept_head'], { departmentId: dept.id });
    chairman = await buildUser(agency, ['leader']);
    await createTemplate(
      agency.id,
      {
        name: 'Công văn',
        documentType: 'CV',
        departmentId: dept.id,
        allowExtraReviewers: false,
        steps: [
          {
            title: 'Trưởng phòng',
            members: [{ userId: head.id }],
            rule: 'all',
            days: 2,
            kind: 'approve',
          },
          {
            title: 'Chủ tịch',
            members: [{ userId: chairman.id }],
            rule: 'all',
            days: 2,
            kind: 'approve',
          },
        ],
      },
      { userId: head.id, ip: null },
    );
    for (const u of [drafter, head, chairman])
      tokens.set(u.id, (await createAccessToken(u, 'test', { userId: u.id, ip: null })).token);
    drafterSession = await loginAs(app, drafter);
    csrf = await drafterSession.csrf();
  });

  const api = (user: User, url: string) =>
    request(app)
      .post(url)
      .set('Authorization', `Bearer ${tokens.get(user.id)}`);
  const act = (user: User, id: number, body: Record<string, unknown>) =>
    api(user, `/api/v1/outgoing/${id}/approval`).send(body);
  const flowOf = async (id: number) =>
    (await ApprovalFlow.findOne({
      where: { documentKind: 'outgoing', documentId: id },
      order: [['id', 'DESC']],
    }))!;
  /** Whether the drafter's page of the document offers the withdrawal. */
  const offered = async (id: number) =>
    (await drafterSession.agent.get(`/outgoing/${id}`)).text.includes(
      'data-testid="approval-withdraw-form"',
    );
  const pageWithdraw = async (id: number) =>
    drafterSession.agent
      .post(`/approvals/${(await flowOf(id)).id}/withdraw`)
      .type('form')
      .send({ _csrf: csrf });

  /** Both ways refuse with the reason, and the chain stays where it is. */
  async function refusedBoth(id: number) {
    expect(await offered(id)).to.equal(false);
    const viaApi = await act(drafter, id, { action: 'withdraw' });
    expect(viaApi.status).to.equal(409);
    expect(viaApi.body.error).to.include({ code: 'APPROVAL_ALREADY_ACTED', message: ACTED });
    const viaPage = await pageWithdraw(id);
    expect(viaPage.status).to.equal(409);
    expect(viaPage.text).to.contain(ACTED);
    expect((await flowOf(id)).status).to.equal('in_progress');
  }

  it('withdraws before anyone acts; refuses it with the reason once someone acted, also after a return to an earlier step', async () => {
    const doc = await createDraft(
      DraftFieldsSchema.parse({
        documentType: 'CV',
        subject: 'Về việc rút lại dự thảo',
        signerId: String(chairman.id),
      }),
      { main: { buffer: await draftPdf(), originalName: 'du-thao.pdf' } },
      { user: drafter, ip: null },
    );
    await api(drafter, `/api/v1/outgoing/${doc.id}/submit`).send({}).expect(200);
    expect(await offered(doc.id)).to.equal(true);
    // Only the drafter withdraws.
    expect((await act(head, doc.id, { action: 'withdraw' })).status).to.equal(403);
    const withdrawn = await act(drafter, doc.id, { action: 'withdraw' });
    expect(withdrawn.status, withdrawn.text).to.equal(200);
    expect(withdrawn.body.approval.status).to.equal('withdrawn');
    expect(withdrawn.body.allowed.submit).to.equal(true);

    // Sent again; the head approves: the next step acted, no withdrawal any more.
    await api(drafter, `/api/v1/outgoing/${doc.id}/submit`).send({}).expect(200);
    await act(head, doc.id, { action: 'approve' }).expect(200);
    await refusedBoth(doc.id);

    // The chairman returns it to the head (a new round, no one has decided in it yet): the head
    // and the chairman acted on what the drafter sent, so it still cannot be withdrawn.
    await act(chairman, doc.id, { action: 'return', toPosition: 1, comment: 'Xem lại' }).expect(
      200,
    );
    const flow = await flowOf(doc.id);
    expect([flow.round, flow.currentPosition]).to.deep.equal([2, 1]);
    await refusedBoth(doc.id);

    // Returned to the drafter and sent again: a new submission, withdrawable until someone acts.
    await act(head, doc.id, { action: 'return', comment: 'Sửa lại' }).expect(200);
    await api(drafter, `/api/v1/outgoing/${doc.id}/submit`).send({}).expect(200);
    expect(await offered(doc.id)).to.equal(true);
    expect((await pageWithdraw(doc.id)).status).to.equal(303);
    expect((await flowOf(doc.id)).status).to.equal('withdrawn');
  });
});
