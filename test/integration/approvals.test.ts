import { expect } from 'chai';
import {
  ApprovalDecision,
  ApprovalFlow,
  ApprovalStep,
} from '../../src/approvals/approval.model.js';
import {
  actOnApproval,
  resubmitApproval,
  startApproval,
  waitingDecisions,
  withdrawApproval,
} from '../../src/approvals/approvals.service.js';
import { StepsSchema } from '../../src/approvals/approvals.schemas.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { DocumentEvent } from '../../src/documents/document.model.js';
import { AppError } from '../../src/http/app-error.js';
import { Notification } from '../../src/notifications/notification.model.js';
import { createDelegation, DelegationSchema } from '../../src/users/delegations.service.js';
import type { User } from '../../src/users/user.model.js';
import { todayInVietnam } from '../../src/calendar/working-days.js';
import { buildAgency, buildDepartment, buildUser } from '../factories/index.js';
import { testApp } from '../helpers/test-app.js';

const actorOf = (user: User) => ({ user, ip: '127.0.0.1' });
let nextDoc = 9_000_000;
const doc = () => ({ kind: 'outgoing' as const, id: ++nextDoc });

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.catch((e: unknown) => e);
  expect(err).to.be.instanceOf(AppError);
  return err as AppError;
}

describe('approvals: the chain a draft goes through (keyed by the document reference)', () => {
  let specialist: User;
  let head: User;
  let chairman: User;
  let viceA: User;
  let viceB: User;
  let deputy: User;
  let chain: ReturnType<typeof StepsSchema.parse>;

  before(async () => {
    await testApp();
    const agency = await buildAgency();
    const dept = await buildDepartment(agency);
    const office = await buildDepartment(agency);
    specialist = await buildUser(agency, ['specialist'], { departmentId: dept.id });
    head = await buildUser(agency, ['dept_head'], { departmentId: dept.id });
    chairman = await buildUser(agency, ['leader'], { departmentId: office.id });
    viceA = await buildUser(agency, ['leader'], { departmentId: office.id });
    viceB = await buildUser(agency, ['leader'], { departmentId: office.id });
    deputy = await buildUser(agency, ['dept_head'], { departmentId: office.id });
    chain = StepsSchema.parse([
      { title: 'Trưởng phòng', members: [{ role: 'dept_head', department: 'drafter' }], days: 1 },
      {
        title: 'Phó Chủ tịch',
        members: [{ userId: viceA.id }, { userId: viceB.id }],
        rule: 'any',
      },
      { title: 'Chủ tịch', members: [{ userId: chairman.id }] },
    ]);
  });

  it('moves step by step: the head of the drafting department, any one vice-chairman, the chairman', async () => {
    const ref = doc();
    const flow = (await startApproval(ref, { steps: chain }, actorOf(specialist), { version: 1 }))!;
    expect(flow.status).to.equal('in_progress');
    const first = await ApprovalStep.findOne({ where: { flowId: flow.id, position: 1 } });
    expect(first!.status).to.equal('active');
    expect(first!.dueOn! > todayInVietnam()).to.equal(true);
    expect((await waitingDecisions(head.id)).map((w) => w.flowId)).to.include(flow.id);
    expect(
      await Notification.count({ where: { userId: head.id, kind: 'approval.waiting' } }),
    ).to.be.greaterThan(0);
    // Not the chairman's turn yet.
    expect(
      (await refusal(actOnApproval(flow.id, actorOf(chairman), { action: 'approve' }))).status,
    ).to.equal(403);
    await actOnApproval(flow.id, actorOf(head), { action: 'initial', version: 1 });
    await actOnApproval(flow.id, actorOf(viceB), {
      action: 'approve',
      version: 1,
      comment: 'Đồng ý',
    });
    // viceA was asked too, but one of the two was enough.
    expect((await waitingDecisions(viceA.id)).map((w) => w.flowId)).to.not.include(flow.id);
    const done = await actOnApproval(flow.id, actorOf(chairman), { action: 'approve', version: 1 });
    expect(done.status).to.equal('approved');
    const decisions = await ApprovalDecision.findAll({
      where: { flowId: flow.id },
      order: [['id', 'ASC']],
    });
    expect(decisions.filter((d) => d.decision).map((d) => [d.decision, d.version])).to.deep.equal([
      ['initial', 1],
      ['approve', 1],
      ['approve', 1],
    ]);
    const trail = await DocumentEvent.findAll({
      where: { documentKind: 'outgoing', documentId: ref.id },
    });
    expect(trail.map((e) => e.action)).to.deep.equal([
      'approval.submit',
      'approval.initial',
      'approval.approve',
      'approval.approve',
      'approval.approved',
    ]);
    expect(await AuditLog.count({ where: { entityType: 'outgoing', entityId: ref.id } })).to.equal(
      5,
    );
    expect(
      (await refusal(actOnApproval(flow.id, actorOf(chairman), { action: 'approve' }))).status,
    ).to.equal(409);
  });

  it('returns to the drafter, who sends it again as a new round; earlier decisions are kept', async () => {
    const flow = (await startApproval(doc(), { steps: chain }, actorOf(specialist), {
      version: 1,
    }))!;
    await actOnApproval(flow.id, actorOf(head), { action: 'approve', version: 1 });
    const back = await actOnApproval(flow.id, actorOf(viceA), {
      action: 'return',
      toPosition: 0,
      comment: 'Sửa trích yếu',
    });
    expect(back.status).to.equal('returned');
    expect((await refusal(resubmitApproval(flow.id, actorOf(head)))).status).to.equal(403);
    const again = await resubmitApproval(flow.id, actorOf(specialist), 2);
    expect([again.status, again.round, again.currentPosition]).to.deep.equal(['in_progress', 2, 1]);
    await actOnApproval(flow.id, actorOf(head), { action: 'approve', version: 2 });
    const rows = await ApprovalDecision.findAll({
      where: { flowId: flow.id, assigneeId: head.id },
      order: [['id', 'ASC']],
    });
    expect(rows.map((r) => [r.round, r.decision, r.version])).to.deep.equal([
      [1, 'approve', 1],
      [2, 'approve', 2],
    ]);
  });

  it('returns to an earlier step: that step asks again in a new round', async () => {
    const flow = (await startApproval(doc(), { steps: chain }, actorOf(specialist)))!;
    await actOnApproval(flow.id, actorOf(head), { action: 'approve' });
    await actOnApproval(flow.id, actorOf(viceA), { action: 'approve' });
    const invalid = await refusal(
      actOnApproval(flow.id, actorOf(chairman), { action: 'return', toPosition: 3 }),
    );
    expect(invalid.code).to.equal('APPROVAL_RETURN_INVALID');
    const back = await actOnApproval(flow.id, actorOf(chairman), {
      action: 'return',
      toPosition: 2,
    });
    expect([back.round, back.currentPosition]).to.deep.equal([2, 2]);
    expect((await waitingDecisions(viceB.id)).map((w) => w.flowId)).to.include(flow.id);
    const rejected = await actOnApproval(flow.id, actorOf(viceB), {
      action: 'reject',
      comment: 'Không ban hành',
    });
    expect(rejected.status).to.equal('rejected');
  });

  it('lets a delegate decide for the person asked within the delegation, and records both', async () => {
    await createDelegation(
      DelegationSchema.parse({
        principalId: chairman.id,
        delegateId: deputy.id,
        form: 'KT',
        actions: ['outgoing.approve'],
        startsOn: todayInVietnam(),
        endsOn: todayInVietnam(),
      }),
      actorOf(chairman),
    );
    const flow = (await startApproval(
      doc(),
      { steps: [{ title: 'Chủ tịch', members: [{ userId: chairman.id }], rule: 'all', days: 2 }] },
      actorOf(specialist),
    ))!;
    const waiting = await waitingDecisions(deputy.id);
    expect(waiting.find((w) => w.flowId === flow.id)?.onBehalfOf).to.equal(chairman.id);
    expect(
      (await refusal(actOnApproval(flow.id, actorOf(head), { action: 'approve' }))).status,
    ).to.equal(403);
    const done = await actOnApproval(flow.id, actorOf(deputy), { action: 'approve' });
    expect(done.status).to.equal('approved');
    const d = await ApprovalDecision.findOne({ where: { flowId: flow.id } });
    expect([d!.assigneeId, d!.actorId, d!.delegationId === null]).to.deep.equal([
      chairman.id,
      deputy.id,
      false,
    ]);
  });

  it('lets the drafter withdraw before the step acts, not after; one open chain per document; N of M', async () => {
    const ref = doc();
    const flow = (await startApproval(ref, { steps: chain }, actorOf(specialist)))!;
    expect(
      (await refusal(startApproval(ref, { steps: chain }, actorOf(specialist)))).code,
    ).to.equal('APPROVAL_IN_PROGRESS');
    expect((await withdrawApproval(flow.id, actorOf(specialist))).status).to.equal('withdrawn');
    const second = (await startApproval(doc(), { steps: chain }, actorOf(specialist)))!;
    await actOnApproval(second.id, actorOf(head), { action: 'approve' });
    // The next step acted: the drafter can no longer take it back, even before the vice-chairmen.
    expect((await refusal(withdrawApproval(second.id, actorOf(specialist)))).code).to.equal(
      'APPROVAL_ALREADY_ACTED',
    );
    // In a parallel step, one member's decision is enough to end withdrawal.
    const parallel = (await startApproval(
      doc(),
      {
        steps: [
          {
            title: 'Lãnh đạo',
            members: [{ userId: viceA.id }, { userId: viceB.id }],
            rule: 'all',
            days: 1,
          },
        ],
      },
      actorOf(specialist),
    ))!;
    await actOnApproval(parallel.id, actorOf(viceA), { action: 'approve' });
    const late = await refusal(withdrawApproval(parallel.id, actorOf(specialist)));
    expect([late.code, late.status]).to.deep.equal(['APPROVAL_ALREADY_ACTED', 409]);
    expect((await ApprovalFlow.findByPk(parallel.id))!.status).to.equal('in_progress');
    await actOnApproval(second.id, actorOf(viceA), { action: 'approve' });
    expect(
      await startApproval(
        doc(),
        {
          steps: [
            {
              title: 'Hội đồng',
              members: [{ userId: viceA.id }, { userId: viceB.id }, { userId: chairman.id }],
              rule: 'n',
              n: 2,
              days: 2,
            },
          ],
        },
        actorOf(specialist),
      ).then(async (flow) => {
        const f = flow!;
        await actOnApproval(f.id, actorOf(viceA), { action: 'approve' });
        const mid = (await actOnApproval(f.id, actorOf(viceB), { action: 'approve' })).status;
        return mid;
      }),
    ).to.equal('approved');
    const empty = await refusal(
      startApproval(
        doc(),
        {
          steps: [
            {
              title: 'X',
              members: [{ role: 'clerk', department: 'drafter' }],
              rule: 'all',
              days: 1,
            },
          ],
        },
        actorOf(specialist),
      ),
    );
    expect(empty.code).to.equal('APPROVAL_STEP_EMPTY');
  });
});
