/**
 * Policy matrix entries of the approval pages (/approvals/:flowId…) and the chain templates
 * (/admin/approval-templates…). Each fixture is a chain drafted by the specialist of department
 * D: the head of D first, then the leader. The chains are keyed by document references that no
 * other suite uses.
 */
import { randomUUID } from 'node:crypto';
import {
  ApprovalDecision,
  ApprovalFlow,
  ApprovalStep,
  ApprovalTemplate,
} from '../../src/approvals/approval.model.js';
import { actOnApproval, startApproval } from '../../src/approvals/approvals.service.js';
import { todayInVietnam } from '../../src/calendar/working-days.js';
import { DocumentEvent } from '../../src/documents/document.model.js';
import { Delegation } from '../../src/users/delegation.model.js';
import { createDelegation, DelegationSchema } from '../../src/users/delegations.service.js';
import type { ActorName, MatrixWorld } from './matrix-actors.js';
import type { MatrixEntry, Prepared } from './matrix-runner.js';

let nextDoc = 9_500_000;
const actor = (w: MatrixWorld, name: 'specialist' | 'deptHead' | 'leader') => ({
  user: w.users[name],
  ip: null,
});

/** A chain at its first step (the head of D), or with the leader alone as its one step. */
async function chain(w: MatrixWorld, leaderOnly = false): Promise<ApprovalFlow> {
  const steps = leaderOnly
    ? [{ title: 'Chủ tịch', members: [{ userId: w.users.leader.id }] }]
    : [
        { title: 'Trưởng phòng D', members: [{ userId: w.users.deptHead.id }] },
        { title: 'Chủ tịch', members: [{ userId: w.users.leader.id }] },
      ];
  return startApproval({ kind: 'outgoing', id: ++nextDoc }, { steps }, actor(w, 'specialist'), {
    version: 1,
  }).then((flow) => flow!);
}

/**
 * A leader-only chain the head of D approved for the leader under a delegation revoked afterwards
 * (a delegate who acted keeps seeing the chain), so that no other case meets it.
 */
async function delegatesChain(w: MatrixWorld): Promise<ApprovalFlow> {
  const flow = await chain(w, true);
  const delegation = await createDelegation(
    DelegationSchema.parse({
      principalId: w.users.leader.id,
      delegateId: w.users.deptHead.id,
      form: 'KT',
      actions: ['outgoing.approve'],
      startsOn: todayInVietnam(),
      endsOn: todayInVietnam(),
    }),
    actor(w, 'leader'),
  );
  await actOnApproval(flow.id, actor(w, 'deptHead'), { action: 'approve', version: 1 });
  await Delegation.update({ revokedAt: new Date() }, { where: { id: delegation.id } });
  return flow;
}

const flowState = (flowId: number) => async () =>
  JSON.parse(
    JSON.stringify({
      flow: await ApprovalFlow.findByPk(flowId, { raw: true }),
      steps: await ApprovalStep.findAll({ where: { flowId }, order: [['id', 'ASC']], raw: true }),
      decisions: await ApprovalDecision.findAll({
        where: { flowId },
        order: [['id', 'ASC']],
        raw: true,
      }),
    }),
  );

const onFlow =
  (body: (w: MatrixWorld) => Record<string, unknown>, make = chain) =>
  async (w: MatrixWorld): Promise<Prepared> => {
    const flow = await make(w);
    return { params: { flowId: flow.id }, body: body(w), state: flowState(flow.id) };
  };

const CHAIN: ActorName[] = ['specialist', 'deptHead', 'leader'];
const ADMINS: ActorName[] = ['admin', 'foreignAdmin'];

const templateBody = () => ({
  name: `Quy trình ${randomUUID().slice(0, 8)}`,
  documentType: 'CV',
  s0_title: 'Trưởng phòng soạn thảo',
  s0_type: 'role_drafter',
  s0_role: 'dept_head',
  s0_days: '2',
});

const onTemplate =
  (body: () => Record<string, unknown>) =>
  async (w: MatrixWorld): Promise<Prepared> => {
    const t = await ApprovalTemplate.create({
      agencyId: w.agency.id,
      name: `Mẫu ${randomUUID().slice(0, 8)}`,
      documentType: null,
      departmentId: null,
      steps: JSON.stringify([
        { title: 'Lãnh đạo', members: [{ role: 'leader', department: 'drafter' }] },
      ]),
    });
    return {
      params: { id: t.id },
      body: body(),
      state: async () =>
        JSON.parse(JSON.stringify(await ApprovalTemplate.findByPk(t.id, { raw: true }))),
    };
  };

export const approvalEntries: MatrixEntry[] = [
  {
    method: 'GET',
    path: '/approvals/:flowId',
    cases: [
      {
        label: 'the drafter and those asked',
        allowed: CHAIN,
        prepare: async (w) => ({ params: { flowId: (await chain(w)).id } }),
      },
      {
        label: 'a chain the head of D approved for the leader under a delegation',
        allowed: CHAIN,
        prepare: async (w) => ({ params: { flowId: (await delegatesChain(w)).id } }),
      },
    ],
  },
  {
    method: 'POST',
    path: '/approvals/:flowId/act',
    cases: [
      {
        label: 'the member of the active step',
        allowed: ['deptHead'],
        prepare: onFlow(() => ({ action: 'approve', version: '1' })),
      },
      {
        label: 'the leader asked, or the head of D acting for them under a delegation',
        allowed: ['leader', 'deptHead'],
        prepare: async (w, who) => {
          const prepared = await onFlow(
            () => ({ action: 'approve', version: '1' }),
            (world) => chain(world, true),
          )(w);
          if (who !== 'deptHead') return prepared;
          const delegation = await createDelegation(
            DelegationSchema.parse({
              principalId: w.users.leader.id,
              delegateId: w.users.deptHead.id,
              form: 'KT',
              actions: ['outgoing.approve'],
              startsOn: todayInVietnam(),
              endsOn: todayInVietnam(),
            }),
            actor(w, 'leader'),
          );
          return {
            ...prepared,
            cleanup: async () => {
              await Delegation.update({ revokedAt: new Date() }, { where: { id: delegation.id } });
            },
          };
        },
      },
    ],
  },
  {
    method: 'POST',
    path: '/approvals/:flowId/comment',
    cases: [
      {
        label: 'whoever may see the chain',
        allowed: CHAIN,
        prepare: async (w) => {
          const flow = await chain(w);
          return {
            params: { flowId: flow.id },
            body: { body: 'Góp ý về trích yếu' },
            state: () =>
              DocumentEvent.count({
                where: { documentKind: 'outgoing', documentId: flow.documentId },
              }),
          };
        },
      },
    ],
  },
  {
    method: 'POST',
    path: '/approvals/:flowId/reviewers',
    cases: [
      {
        label: 'the active step’s member, or the drafter of a chain of their own',
        allowed: ['specialist', 'deptHead'],
        prepare: async (w) => onFlow(() => ({ userId: w.users.otherSpecialist.id }))(w),
      },
    ],
  },
  {
    method: 'POST',
    path: '/approvals/:flowId/steps',
    cases: [
      {
        label: 'the drafter of a chain that allows additions',
        allowed: ['specialist'],
        prepare: async (w) => onFlow(() => ({ reviewers: String(w.users.otherSpecialist.id) }))(w),
      },
    ],
  },
  {
    method: 'POST',
    path: '/approvals/:flowId/withdraw',
    cases: [
      {
        label: 'the drafter, before the step acts',
        allowed: ['specialist'],
        prepare: onFlow(() => ({})),
      },
    ],
  },
  {
    method: 'POST',
    path: '/approvals/:flowId/resubmit',
    cases: [
      {
        label: 'the drafter, after a return',
        allowed: ['specialist'],
        prepare: onFlow(
          () => ({ version: '2' }),
          async (w) => {
            const flow = await chain(w);
            await actOnApproval(flow.id, actor(w, 'deptHead'), {
              action: 'return',
              comment: 'Sửa lại',
            });
            return flow;
          },
        ),
      },
    ],
  },
  { method: 'GET', path: '/admin/approval-templates', cases: [{ allowed: ADMINS }] },
  { method: 'GET', path: '/admin/approval-templates/new', cases: [{ allowed: ADMINS }] },
  {
    method: 'POST',
    path: '/admin/approval-templates',
    cases: [
      {
        label: 'in one’s own agency',
        allowed: ADMINS,
        prepare: async () => ({ body: templateBody(), state: () => ApprovalTemplate.count() }),
      },
    ],
  },
  {
    method: 'GET',
    path: '/admin/approval-templates/:id/edit',
    cases: [{ label: 'of the main agency', allowed: ['admin'], prepare: onTemplate(() => ({})) }],
  },
  {
    method: 'POST',
    path: '/admin/approval-templates/:id',
    cases: [{ label: 'of the main agency', allowed: ['admin'], prepare: onTemplate(templateBody) }],
  },
  {
    method: 'POST',
    path: '/admin/approval-templates/:id/deactivate',
    cases: [{ label: 'of the main agency', allowed: ['admin'], prepare: onTemplate(() => ({})) }],
  },
];
