import { Op } from 'sequelize';
import type { Transaction } from 'sequelize';
import { AppError } from '../http/app-error.js';
import { delegationFor } from '../users/delegations.service.js';
import type { User } from '../users/user.model.js';
import {
  ApprovalDecision,
  ApprovalFlow,
  ApprovalStep,
  ApprovalTemplate,
} from './approval.model.js';
import { canViewDocument } from './approvals.registry.js';
import { authorize } from '../policy/index.js';
import { actedSinceSent, approveAction } from './approvals.service.js';

/** What the approval rules (approvals.policy.ts) need to know of one flow and one person. */
export interface ApprovalAccess {
  flow: ApprovalFlow;
  steps: ApprovalStep[];
  activeStep: ApprovalStep | null;
  isDrafter: boolean;
  /** The open decision at the active step the person may take: their own or one they act for. */
  actsFor: { assigneeId: number; delegationId: number | null } | null;
  /** Whether the person is asked at the active step (decided already or not). */
  isActiveMember: boolean;
  /** Whether anyone decided on what the drafter last sent: their withdrawal ends then. */
  roundActed: boolean;
  /** The drafter, anyone asked in any round, or whoever the document's kind lets see it. */
  canSee: boolean;
  /** Whether the drafter may add reviewers (a template that allows it, or a chain of their own). */
  allowExtraReviewers: boolean;
}

/** Whether the user is the drafter, was asked at some step, or decided there for someone. */
async function isParticipant(flow: ApprovalFlow, user: User): Promise<boolean> {
  if (flow.drafterId === user.id) return true;
  const asked = await ApprovalDecision.count({
    where: { flowId: flow.id, [Op.or]: [{ assigneeId: user.id }, { actorId: user.id }] },
  });
  return asked > 0;
}

/** Whether the user may see a flow: a participant, or someone who may see the document. */
export async function canSeeFlow(flow: ApprovalFlow, user: User): Promise<boolean> {
  if (flow.agencyId !== user.agencyId) return false;
  if (await isParticipant(flow, user)) return true;
  return canViewDocument(user, flow.documentKind, flow.documentId);
}

/** The open decision at a step the user may take, their own first, then one they act for. */
export async function openDecisionFor(
  flow: ApprovalFlow,
  stepId: number,
  user: User,
): Promise<{ assigneeId: number; delegationId: number | null } | null> {
  const open = await ApprovalDecision.findAll({
    where: { stepId, round: flow.round, decision: null },
    order: [['id', 'ASC']],
  });
  if (open.some((d) => d.assigneeId === user.id))
    return { assigneeId: user.id, delegationId: null };
  for (const d of open) {
    const delegation = await delegationFor(user.id, d.assigneeId, approveAction(flow.documentKind));
    if (delegation) return { assigneeId: d.assigneeId, delegationId: delegation.id };
  }
  return null;
}

/** Loads a flow of the user's agency with what the rules ask; 404 for another agency's. */
export async function loadApprovalAccess(flowId: number, user: User): Promise<ApprovalAccess> {
  const flow = await ApprovalFlow.findOne({ where: { id: flowId, agencyId: user.agencyId } });
  if (!flow) throw new AppError('NOT_FOUND', 404);
  const steps = await ApprovalStep.findAll({ where: { flowId }, order: [['position', 'ASC']] });
  const open = flow.status === 'in_progress';
  const activeStep = open ? (steps.find((s) => s.position === flow.currentPosition) ?? null) : null;
  const actsFor = activeStep ? await openDecisionFor(flow, activeStep.id, user) : null;
  const atStep = activeStep
    ? await ApprovalDecision.findAll({ where: { stepId: activeStep.id, round: flow.round } })
    : [];
  const template = flow.templateId ? await ApprovalTemplate.findByPk(flow.templateId) : null;
  return {
    flow,
    steps,
    activeStep,
    isDrafter: flow.drafterId === user.id,
    actsFor,
    isActiveMember: !!actsFor || atStep.some((d) => d.assigneeId === user.id),
    roundActed: await actedSinceSent(flow),
    canSee: !!actsFor || (await canSeeFlow(flow, user)),
    allowExtraReviewers: template ? template.allowExtraReviewers : true,
  };
}

/** The latest flow of a document (the one its page shows), or null. */
export async function latestFlowOf(
  kind: string,
  documentId: number,
  agencyId: number,
  transaction?: Transaction,
): Promise<ApprovalFlow | null> {
  return ApprovalFlow.findOne({
    where: { documentKind: kind, documentId, agencyId },
    order: [['id', 'DESC']],
    transaction,
  });
}

/**
 * The drafter's withdrawal, as the page and the API ask it: once someone acted on what they sent
 * they are told so (409 APPROVAL_ALREADY_ACTED), anyone else gets the policy's refusal.
 */
export function authorizeWithdrawal(user: User, access: ApprovalAccess): void {
  if (access.isDrafter && access.flow.status === 'in_progress' && access.roundActed)
    throw new AppError('APPROVAL_ALREADY_ACTED', 409);
  authorize(user, 'approval.withdraw', access);
}
