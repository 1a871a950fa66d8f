import { expect } from 'chai';
import { Op } from 'sequelize';
import {
  ApprovalDecision,
  ApprovalStep,
  ApprovalTemplate,
} from '../../src/approvals/approval.model.js';
import { flowOf } from '../../src/approvals/approvals.flow-view.js';
import { registerApprovalDocumentKind } from '../../src/approvals/approvals.registry.js';
import { sendApprovalReminders } from '../../src/approvals/approvals.reminders.js';
import {
  addReviewer,
  adjustChain,
  commentOnApproval,
} from '../../src/approvals/approvals.review.js';
import {
  actOnApproval,
  startApproval,
  waitingDecisions,
} from '../../src/approvals/approvals.service.js';
import { waitingApprovals } from '../../src/approvals/approvals.waiting.js';
import { templateFor } from '../../src/approvals/approval-templates.service.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { addWorkingDays, todayInVietnam } from '../../src/calendar/working-days.js';
import { DocumentEvent } from '../../src/documents/document.model.js';
import { AppError } from '../../src/http/app-error.js';
import { Notification } from '../../src/notifications/notification.model.js';
import { createDelegation, DelegationSchema } from '../../src/users/delegations.service.js';
import type { User } from '../../src/users/user.model.js';
import type { Agency, Department } from '../../src/agencies/agency.model.js';
import { buildAgency, buildDepartment, buildUser } from '../factories/index.js';
import { testApp } from '../helpers/test-app.js';
import { notificationText } from '../../src/notifications/notification-text.js';

const actorOf = (user: User) => ({ user, ip: '127.0.0.1' });
let nextDoc = 9_100_000;
const doc = () => ({ kind: 'outgoing' as const, id: ++nextDoc });

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.catch((e: unknown) => e);
  expect(err).to.be.instanceOf(AppError);
  return err as AppError;
}

describe('approvals: comments, reviewers, consulted steps, the chain as a page reads it', () => {
  let agency: Agency;
  let dept: Department;
  let office: Department;
  let specialist: User;
  let head: User;
  let chairman: User;
  let deputy: User;
  let legal: User;
  let outsider: User;
  let foreign: User;
  const twoSteps = () => [
    { title: 'Trưởng phòng', members: [{ userId: head.id }], days: 1 },
    { title: 'Chủ tịch', members: [{ userId: chairman.id }] },
  ];

  before(async () => {
    await testApp();
    agency = await buildAgency();
    dept = await buildDepartment(agency);
    office = await buildDepartment(agency);
    specialist = await buildUser(agency, ['specialist'], { departmentId: dept.id });
    head = await buildUser(agency, ['dept_head'], {
      departmentId: dept.id,
      fullName: 'Lê Văn Hải',
    });
    chairman = await buildUser(agency, ['leader'], {
      departmentId: office.id,
      fullName: 'Trần Văn Bình',
    });
    deputy = await buildUser(agency, ['leader'], {
      departmentId: office.id,
      fullName: 'Nguyễn An',
    });
    legal = await buildUser(agency, ['dept_head'], {
      departmentId: office.id,
      fullName: 'Pháp chế',
    });
    outsider = await buildUser(agency, ['specialist'], { departmentId: office.id });
    foreign = await buildUser(await buildAgency(), ['leader']);
  });

  it('records a comment without a decision for anyone who may see the chain, and no one else', async () => {
    // A kind of its own, so the rule registered here touches no other suite's documents.
    const ref = { kind: 'approval_test' as never, id: ++nextDoc };
    const flow = (await startApproval(ref, { steps: twoSteps() }, actorOf(specialist), {
      version: 1,
    }))!;
    await commentOnApproval(flow.id, actorOf(head), 'Đề nghị bổ sung căn cứ pháp lý');
    expect((await refusal(commentOnApproval(flow.id, actorOf(outsider), 'x'))).status).to.equal(
      404,
    );
    expect((await refusal(commentOnApproval(flow.id, actorOf(foreign), 'x'))).status).to.equal(404);
    // Once the kind says the outsider may see the document, they may comment too.
    registerApprovalDocumentKind('approval_test', {
      canView: async (user, id) => id === ref.id && user.id === outsider.id,
      pathOf: (id) => `/approval-test/${id}`,
    });
    await commentOnApproval(flow.id, actorOf(outsider), 'Văn phòng thống nhất');
    expect(
      await ApprovalDecision.count({ where: { flowId: flow.id, decision: { [Op.ne]: null } } }),
    ).to.equal(0);
    const view = await flowOf(ref, { currentVersion: 1 });
    expect(view!.comments.map((c) => c.body)).to.deep.equal([
      'Đề nghị bổ sung căn cứ pháp lý',
      'Văn phòng thống nhất',
    ]);
    expect(
      await AuditLog.count({
        where: { action: 'approval.comment', entityType: 'approval_test', entityId: ref.id },
      }),
    ).to.equal(2);
    const told = await Notification.findAll({
      where: { userId: specialist.id, kind: 'approval.comment' },
    });
    expect(told.map((n) => n.link)).to.include(`/approval-test/${ref.id}`);
  });

  it('adds a consulted step after the current one: it waits for each answer (agree or opinion) and never takes an approval', async () => {
    const flow = (await startApproval(doc(), { steps: twoSteps() }, actorOf(specialist)))!;
    expect(
      (await refusal(addReviewer(flow.id, actorOf(chairman), { userId: legal.id }))).status,
      'not a member of the active step',
    ).to.equal(403);
    const step = await addReviewer(flow.id, actorOf(head), { userId: legal.id });
    expect([step.position, step.kind]).to.deep.equal([2, 'consult']);
    const positions = await ApprovalStep.findAll({
      where: { flowId: flow.id },
      order: [['position', 'ASC']],
    });
    expect(positions.map((s) => s.title)).to.deep.equal([
      'Trưởng phòng',
      'Lấy ý kiến: Pháp chế',
      'Chủ tịch',
    ]);
    await actOnApproval(flow.id, actorOf(head), { action: 'initial', version: 1 });
    expect((await waitingDecisions(legal.id)).map((w) => w.flowId)).to.include(flow.id);
    const wrong = await refusal(actOnApproval(flow.id, actorOf(legal), { action: 'approve' }));
    expect(wrong.code).to.equal('APPROVAL_ACTION_INVALID');
    await actOnApproval(flow.id, actorOf(legal), {
      action: 'opinion',
      comment: 'Sửa Điều 2 cho rõ',
      version: 1,
    });
    expect((await waitingDecisions(chairman.id)).map((w) => w.flowId)).to.include(flow.id);
    // A consulted step cannot block: its member has no return or reject.
    expect(
      (await actOnApproval(flow.id, actorOf(chairman), { action: 'approve', version: 1 })).status,
    ).to.equal('approved');
  });

  it('adds one more member to the current step: an "all" step then waits for them too', async () => {
    const flow = (await startApproval(doc(), { steps: twoSteps() }, actorOf(specialist)))!;
    await addReviewer(flow.id, actorOf(head), { userId: deputy.id, position: 'same' });
    expect(
      (await refusal(addReviewer(flow.id, actorOf(head), { userId: deputy.id, position: 'same' })))
        .code,
    ).to.equal('APPROVAL_REVIEWER_EXISTS');
    expect(
      (await refusal(addReviewer(flow.id, actorOf(head), { userId: specialist.id }))).code,
    ).to.equal('APPROVAL_REVIEWER_INVALID');
    await actOnApproval(flow.id, actorOf(head), { action: 'approve' });
    expect((await waitingDecisions(chairman.id)).map((w) => w.flowId)).to.not.include(flow.id);
    expect(
      await Notification.count({ where: { userId: deputy.id, kind: 'approval.waiting' } }),
    ).to.be.greaterThan(0);
    await actOnApproval(flow.id, actorOf(deputy), { action: 'approve' });
    expect((await waitingDecisions(chairman.id)).map((w) => w.flowId)).to.include(flow.id);
  });

  it('lets the drafter add steps only where the template allows it, never removing its steps', async () => {
    const strict = await ApprovalTemplate.create({
      agencyId: agency.id,
      name: 'Chặt',
      documentType: null,
      departmentId: null,
      steps: JSON.stringify(twoSteps()),
    });
    const open = await ApprovalTemplate.create({
      agencyId: agency.id,
      name: 'Mở',
      documentType: null,
      departmentId: null,
      steps: JSON.stringify(twoSteps()),
      allowExtraReviewers: true,
    });
    const extra = {
      afterPosition: 1,
      title: 'Lấy ý kiến Văn phòng',
      members: [{ role: 'dept_head' as const, department: office.id }],
    };
    expect(
      (
        await refusal(
          startApproval(doc(), { templateId: strict.id, extraSteps: [extra] }, actorOf(specialist)),
        )
      ).code,
    ).to.equal('APPROVAL_EXTRA_NOT_ALLOWED');
    const before = (await startApproval(
      doc(),
      { templateId: open.id, extraSteps: [extra] },
      actorOf(specialist),
    ))!;
    const steps = await ApprovalStep.findAll({
      where: { flowId: before.id },
      order: [['position', 'ASC']],
    });
    expect(steps.map((s) => [s.title, s.kind])).to.deep.equal([
      ['Trưởng phòng', 'approve'],
      ['Lấy ý kiến Văn phòng', 'consult'],
      ['Chủ tịch', 'approve'],
    ]);
    const strictFlow = (await startApproval(
      doc(),
      { templateId: strict.id },
      actorOf(specialist),
    ))!;
    expect((await refusal(adjustChain(strictFlow.id, actorOf(specialist), [extra]))).code).to.equal(
      'APPROVAL_EXTRA_NOT_ALLOWED',
    );
    expect(
      (await refusal(addReviewer(strictFlow.id, actorOf(specialist), { userId: legal.id }))).status,
    ).to.equal(403);
    const running = (await startApproval(doc(), { templateId: open.id }, actorOf(specialist)))!;
    expect((await refusal(adjustChain(running.id, actorOf(head), [extra]))).status).to.equal(403);
    await actOnApproval(running.id, actorOf(head), { action: 'approve' });
    expect(
      (await refusal(adjustChain(running.id, actorOf(specialist), [extra]))).code,
      'not before the active step',
    ).to.equal('APPROVAL_POSITION_INVALID');
    await adjustChain(running.id, actorOf(specialist), [{ ...extra, afterPosition: 2 }]);
    const after = await ApprovalStep.findAll({
      where: { flowId: running.id },
      order: [['position', 'ASC']],
    });
    expect(after.map((s) => s.title)).to.deep.equal([
      'Trưởng phòng',
      'Chủ tịch',
      'Lấy ý kiến Văn phòng',
    ]);
    expect(
      await DocumentEvent.count({
        where: {
          documentKind: 'outgoing',
          documentId: running.documentId,
          action: 'approval.chain_adjusted',
        },
      }),
    ).to.equal(1);
  });

  it('reads the chain with delegates named, versions flagged when older, overdue steps', async () => {
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
    const ref = doc();
    const flow = (await startApproval(ref, { steps: twoSteps() }, actorOf(specialist), {
      version: 1,
    }))!;
    await actOnApproval(flow.id, actorOf(head), { action: 'initial', version: 1 });
    const waiting = (await waitingApprovals(deputy.id)).find((w) => w.flowId === flow.id);
    expect(waiting).to.include({ href: `/outgoing/${ref.id}`, onBehalfOfName: 'Trần Văn Bình' });
    await ApprovalStep.update({ dueOn: '2020-01-02' }, { where: { flowId: flow.id, position: 2 } });
    const view = await flowOf(ref, { currentVersion: 2 });
    expect(view!.steps[1]).to.include({ isActive: true, isOverdue: true });
    expect(
      (await waitingApprovals(deputy.id)).find((w) => w.flowId === flow.id)?.isOverdue,
    ).to.equal(true);
    expect(
      view!.olderVersionApprovals.map((d) => [d.actorName, d.onBehalfOfName, d.version]),
    ).to.deep.equal([['Lê Văn Hải', null, 1]]);
    await actOnApproval(flow.id, actorOf(deputy), { action: 'approve', version: 2 });
    const done = await flowOf(ref, { currentVersion: 2 });
    expect(done!.status).to.equal('approved');
    expect(
      done!.steps[1]!.decisions.map((d) => [d.actorName, d.onBehalfOfName, d.isOlderVersion]),
    ).to.deep.equal([['Nguyễn An', 'Trần Văn Bình', false]]);
  });

  it('reminds, once a day, those asked at a step due that day or overdue, and their delegates', async () => {
    const flow = (await startApproval(doc(), { steps: twoSteps() }, actorOf(specialist)))!;
    const step = await ApprovalStep.findOne({ where: { flowId: flow.id, position: 1 } });
    // A day far ahead, so every active step of the suite is overdue or due then.
    const day = await addWorkingDays(step!.dueOn!, 400);
    const run = await sendApprovalReminders(day);
    expect(run!.recipients).to.be.greaterThan(0);
    const reminded = await Notification.findOne({
      where: { userId: head.id, kind: 'approval.reminder' },
    });
    expect(notificationText(reminded!, 'vi')).to.match(/quá hạn/);
    expect(await sendApprovalReminders(day)).to.equal(null);
    expect(
      await Notification.count({ where: { userId: specialist.id, kind: 'approval.reminder' } }),
    ).to.equal(0);
  });

  it('picks the most specific active template for a draft', async () => {
    const other = await buildAgency();
    const d = await buildDepartment(other);
    const make = (
      name: string,
      documentType: string | null,
      departmentId: number | null,
      isActive = true,
    ) =>
      ApprovalTemplate.create({
        agencyId: other.id,
        name,
        documentType,
        departmentId,
        isActive,
        steps: '[]',
      });
    expect(await templateFor('QĐ', d.id, other.id)).to.equal(null);
    await make('Chung', null, null);
    await make('Theo phòng', null, d.id);
    await make('Quyết định', 'QĐ', null);
    await make('Quyết định của phòng (cũ)', 'QĐ', d.id, false);
    expect((await templateFor('QĐ', d.id, other.id))!.name).to.equal('Quyết định');
    expect((await templateFor('CV', d.id, other.id))!.name).to.equal('Theo phòng');
    expect((await templateFor('CV', null, other.id))!.name).to.equal('Chung');
    await make('Quyết định của phòng', 'QĐ', d.id);
    expect((await templateFor('QĐ', d.id, other.id))!.name).to.equal('Quyết định của phòng');
  });
});
