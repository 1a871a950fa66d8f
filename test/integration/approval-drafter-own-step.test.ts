import { expect } from 'chai';
import { latestFlowOf } from '../../src/approvals/approvals.access.js';
import { createTemplate } from '../../src/approvals/approval-templates.service.js';
import { StepsSchema } from '../../src/approvals/approvals.schemas.js';
import { AppError } from '../../src/http/app-error.js';
import { submitDraft } from '../../src/outgoing/outgoing.approval.js';
import { createDraft } from '../../src/outgoing/outgoing.drafts.js';
import { OutgoingDocument } from '../../src/outgoing/outgoing.model.js';
import { DraftFieldsSchema } from '../../src/outgoing/outgoing.schemas.js';
import { ApprovalStep } from '../../src/approvals/approval.model.js';
import type { User } from '../../src/users/user.model.js';
import { buildAgency, buildDepartment, buildUser } from '../factories/index.js';
import { decree30Draft } from '../fixtures/draft.js';
import { testApp } from '../helpers/test-app.js';

const actorOf = (user: User) => ({ user, ip: '127.0.0.1' });

/**
 * A head who drafts in their own department, or the Chánh Văn phòng drafting for the Office: the
 * chain's step they are the only approver of is their own submission, not a step nobody can act
 * on (it was refused as APPROVAL_STEP_EMPTY, so they could not submit at all).
 */
describe('approval chains: a step whose only approver is the drafter', function () {
  this.timeout(60_000);

  async function world(steps: unknown[]) {
    await testApp();
    const agency = await buildAgency();
    const department = await buildDepartment(agency);
    const head = await buildUser(agency, ['dept_head'], { departmentId: department.id });
    await department.update({ headUserId: head.id });
    const office = await buildUser(agency, ['dept_head']);
    const leader = await buildUser(agency, ['leader']);
    const admin = await buildUser(agency, ['admin']);
    await createTemplate(
      agency.id,
      {
        name: 'Trưởng phòng rồi Văn phòng',
        documentType: null,
        departmentId: null,
        allowExtraReviewers: false,
        steps: StepsSchema.parse(
          steps.map((s) =>
            s === 'office' ? { title: 'Văn phòng', members: [{ userId: office.id }] } : s,
          ),
        ),
      },
      { userId: admin.id, ip: null },
    );
    const draftBy = async (drafter: User) =>
      createDraft(
        DraftFieldsSchema.parse({
          documentType: 'CV',
          subject: 'V/v trưởng phòng tự soạn',
          signerId: String(leader.id),
        }),
        { main: { buffer: await decree30Draft(), originalName: 'du-thao.pdf' } },
        actorOf(drafter),
      );
    return { agency, department, head, office, leader, draftBy };
  }

  const headStep = {
    title: 'Trưởng phòng',
    members: [{ role: 'dept_head', department: 'drafter' }],
  };

  it('skips it and starts the chain at the next step', async () => {
    const w = await world([headStep, 'office']);
    const doc = await w.draftBy(w.head);
    await submitDraft(doc.id, {}, actorOf(w.head));
    const flow = (await latestFlowOf('outgoing', doc.id, w.agency.id))!;
    const steps = await ApprovalStep.findAll({ where: { flowId: flow.id } });
    expect(steps.map((s) => s.title)).to.deep.equal(['Văn phòng']);
    expect(flow.status).to.equal('in_progress');
  });

  it('with no other step, goes to the signer as a document without a chain', async () => {
    const w = await world([headStep]);
    const doc = await w.draftBy(w.head);
    await submitDraft(doc.id, {}, actorOf(w.head));
    expect(await latestFlowOf('outgoing', doc.id, w.agency.id)).to.equal(null);
    expect((await OutgoingDocument.findByPk(doc.id))!.status).to.equal('in_approval');
  });

  it('still refuses a step nobody holds (a department without its head)', async () => {
    const w = await world([headStep, 'office']);
    await w.department.update({ headUserId: null });
    const specialist = await buildUser(w.agency, ['specialist'], { departmentId: w.department.id });
    await w.head.update({ departmentId: null });
    const doc = await w.draftBy(specialist);
    const err = await submitDraft(doc.id, {}, actorOf(specialist)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(AppError);
    expect((err as AppError).code).to.equal('APPROVAL_STEP_EMPTY');
  });
});
