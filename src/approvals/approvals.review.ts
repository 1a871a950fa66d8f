/**
 * What happens around the decisions of a chain (issue 12 §2):
 *   commentOnApproval(flowId, actor, body)        → a comment without a decision, in the trail
 *   addReviewer(flowId, actor, { userId, … })     → lấy ý kiến góp ý: a new step or one more member
 *   adjustChain(flowId, actor, extraSteps)        → the drafter adds steps the template allows
 *   addToChain(flowId, actor, { consultedUnits, reviewers, afterStep }) → the same, from the pages
 *                                                   and the API (approvals.additions.ts)
 * Before a chain starts, the drafter's extra steps go to startApproval({ templateId, extraSteps }).
 */
import { Op, type Transaction } from 'sequelize';
import { addWorkingDays, todayInVietnam } from '../calendar/working-days.js';
import { db } from '../db/index.js';
import { withTransaction, type TxOptions } from '../db/transaction.js';
import { AppError } from '../http/app-error.js';
import type { Actor } from '../http/request-context.js';
import { notify } from '../notifications/notification.service.js';
import { User } from '../users/user.model.js';
import {
  ApprovalDecision,
  ApprovalFlow,
  ApprovalStep,
  ApprovalTemplate,
} from './approval.model.js';
import { canSeeFlow, openDecisionFor } from './approvals.access.js';
import { extraStepsOf, hasAdditions } from './approvals.additions.js';
import { approvalDocumentKind, documentPath } from './approvals.registry.js';
import {
  AddReviewerSchema,
  CommentSchema,
  ExtraStepSchema,
  StepsSchema,
  type AddReviewerInput,
  type ChainAdditions,
  type ExtraStep,
} from './approvals.schemas.js';
import {
  askToDecide,
  currentVersionOf,
  loadFlow,
  principalAt,
  record,
  requiredOf,
  resolveChain,
} from './approvals.service.js';
import { reviewStepTitle } from './step-titles.js';

async function visibleFlow(flowId: number, actor: Actor): Promise<ApprovalFlow> {
  const flow = await ApprovalFlow.findOne({ where: { id: flowId, agencyId: actor.user.agencyId } });
  if (!flow || !(await canSeeFlow(flow, actor.user))) throw new AppError('NOT_FOUND', 404);
  return flow;
}

/** Whether a chain lets its drafter add steps: a template that allows it, or a chain of their own. */
export async function allowsExtra(flow: ApprovalFlow, transaction?: Transaction): Promise<boolean> {
  if (!flow.templateId) return true;
  const template = await ApprovalTemplate.findByPk(flow.templateId, { transaction });
  return !!template?.allowExtraReviewers;
}

/**
 * A comment on a chain by anyone who may see it: recorded in the document's trail (with the
 * step and round it was made at), no decision; the drafter is told.
 */
export async function commentOnApproval(flowId: number, actor: Actor, body: string): Promise<void> {
  const { body: text } = CommentSchema.parse({ body });
  await visibleFlow(flowId, actor);
  await withTransaction(db(), undefined, async (transaction) => {
    const { flow } = await loadFlow(flowId, actor, transaction);
    await record({
      flow,
      actor,
      action: 'comment',
      note: text,
      version: await currentVersionOf(flow, transaction),
      onBehalfOf: await principalAt(flow, actor, transaction),
      data: { step: flow.currentPosition, round: flow.round },
      transaction,
    });
    if (flow.drafterId !== actor.user.id)
      await notify(
        [
          {
            userId: flow.drafterId,
            kind: 'approval.comment',
            key: 'notify:approval.comment',
            params: { name: actor.user.fullName },
            link: documentPath(flow.documentKind, flow.documentId),
          },
        ],
        { transaction },
      );
  });
}

/** Moves every step after `position` one place down, to make room for a new one. */
async function makeRoomAfter(flowId: number, position: number, transaction: Transaction) {
  const later = await ApprovalStep.findAll({
    where: { flowId, position: { [Op.gt]: position } },
    order: [['position', 'DESC']],
    transaction,
  });
  for (const s of later) await s.update({ position: s.position + 1 }, { transaction });
}

/**
 * Lấy ý kiến góp ý: a member of the active step (or their delegate), or the drafter where the
 * chain allows it, asks one more person: as a new step right after the current one (consulted
 * by default: it completes when they answer), or as one more member of the current step.
 */
export async function addReviewer(
  flowId: number,
  actor: Actor,
  input: AddReviewerInput,
): Promise<ApprovalStep> {
  const { userId, position, kind, days } = AddReviewerSchema.parse(input);
  const flowBefore = await visibleFlow(flowId, actor);
  const reviewer = await User.findOne({
    where: { id: userId, agencyId: actor.user.agencyId, isActive: true },
  });
  if (!reviewer || reviewer.id === flowBefore.drafterId)
    throw new AppError('APPROVAL_REVIEWER_INVALID', 422, undefined, {
      userId: 'errors:APPROVAL_REVIEWER_INVALID',
    });
  const dueOn = await addWorkingDays(todayInVietnam(), days);
  const mayExtend = await allowsExtra(flowBefore);
  const acting = flowBefore.status === 'in_progress' ? flowBefore : null;
  const activeStep = acting
    ? await ApprovalStep.findOne({ where: { flowId, position: acting.currentPosition } })
    : null;
  const delegated = activeStep
    ? await openDecisionFor(flowBefore, activeStep.id, actor.user)
    : null;
  return withTransaction(db(), undefined, async (transaction) => {
    const { flow, steps } = await loadFlow(flowId, actor, transaction);
    if (flow.status !== 'in_progress') throw new AppError('APPROVAL_NOT_OPEN', 409);
    const step = steps.find((s) => s.position === flow.currentPosition)!;
    const atStep = await ApprovalDecision.findAll({
      where: { stepId: step.id, round: flow.round },
      transaction,
    });
    const isMember = !!delegated || atStep.some((d) => d.assigneeId === actor.user.id);
    if (!isMember && !(flow.drafterId === actor.user.id && mayExtend))
      throw new AppError('FORBIDDEN', 403);
    let target: ApprovalStep;
    if (position === 'same') {
      if (atStep.some((d) => d.assigneeId === reviewer.id))
        throw new AppError('APPROVAL_REVIEWER_EXISTS', 409);
      if (step.rule === 'all') await step.update({ required: step.required + 1 }, { transaction });
      target = step;
    } else {
      await makeRoomAfter(flow.id, step.position, transaction);
      target = await ApprovalStep.create(
        {
          flowId: flow.id,
          position: step.position + 1,
          title: reviewStepTitle(kind === 'consult' ? 'consult' : 'approve', reviewer.fullName),
          kind,
          rule: 'all',
          required: 1,
          days,
          dueOn: null,
          status: 'waiting',
        },
        { transaction },
      );
    }
    await ApprovalDecision.create(
      { flowId: flow.id, stepId: target.id, round: flow.round, assigneeId: reviewer.id },
      { transaction },
    );
    await record({
      flow,
      actor,
      action: 'reviewer_added',
      version: await currentVersionOf(flow, transaction),
      // A delegate of the active step's member asks for them.
      onBehalfOf: delegated && delegated.assigneeId !== actor.user.id ? delegated.assigneeId : null,
      data: { reviewerId: reviewer.id, step: target.position, kind: target.kind, position },
      transaction,
    });
    if (position === 'same') {
      if (!step.dueOn) await step.update({ dueOn }, { transaction });
      await notify(await askToDecide([reviewer.id], flow, step.title, transaction), {
        transaction,
      });
    }
    return target;
  });
}

/**
 * The drafter adds steps to one document's running (or returned) chain, where its template
 * allows it: each after a position not before the active step. Template steps are never removed.
 */
export async function adjustChain(
  flowId: number,
  actor: Actor,
  extras: ExtraStep[],
  options: TxOptions = {},
): Promise<ApprovalStep[]> {
  const parsed = extras.map((e) => ExtraStepSchema.parse(e));
  const before = await visibleFlow(flowId, actor);
  if (before.drafterId !== actor.user.id) throw new AppError('FORBIDDEN', 403);
  if (!(await allowsExtra(before))) throw new AppError('APPROVAL_EXTRA_NOT_ALLOWED', 403);
  const specs = StepsSchema.parse(parsed.map(({ afterPosition: _, ...spec }) => spec));
  const resolved = await resolveChain(specs, actor.user);
  return withTransaction(db(), options, async (transaction) => {
    const { flow, steps } = await loadFlow(flowId, actor, transaction);
    if (!['in_progress', 'returned'].includes(flow.status))
      throw new AppError('APPROVAL_NOT_OPEN', 409);
    const last = steps.length;
    const earliest = flow.status === 'in_progress' ? flow.currentPosition : 0;
    // Later positions first, so each insertion leaves the earlier ones where they were.
    const order = parsed
      .map((e, i) => ({ e, r: resolved[i]!, i }))
      .sort((a, b) => b.e.afterPosition - a.e.afterPosition || b.i - a.i);
    const created: ApprovalStep[] = [];
    for (const { e, r } of order) {
      if (e.afterPosition < earliest || e.afterPosition > last)
        throw new AppError('APPROVAL_POSITION_INVALID', 422);
      await makeRoomAfter(flow.id, e.afterPosition, transaction);
      const step = await ApprovalStep.create(
        {
          flowId: flow.id,
          position: e.afterPosition + 1,
          title: r.spec.title,
          kind: e.kind,
          rule: e.kind === 'consult' ? 'all' : r.spec.rule,
          required: requiredOf(r.spec, r.members.length),
          days: r.spec.days,
          dueOn: null,
          status: 'waiting',
        },
        { transaction },
      );
      await ApprovalDecision.bulkCreate(
        r.members.map((assigneeId) => ({
          flowId: flow.id,
          stepId: step.id,
          round: flow.round,
          assigneeId,
        })),
        { transaction },
      );
      created.push(step);
    }
    await record({
      flow,
      actor,
      action: 'chain_adjusted',
      version: await currentVersionOf(flow, transaction),
      data: {
        added: parsed.map((e) => ({ after: e.afterPosition, title: e.title, kind: e.kind })),
      },
      transaction,
    });
    return created;
  });
}

/**
 * The drafter adds consulted units and reviewers to one document's running or returned chain,
 * where its template allows it: each a consulted step after `afterStep` (not before the active
 * step; default: before the last). Unknown units or people are refused with a field error.
 */
export async function addToChain(
  flowId: number,
  actor: Actor,
  additions: ChainAdditions,
  options: TxOptions = {},
): Promise<ApprovalStep[]> {
  const flow = await visibleFlow(flowId, actor);
  if (flow.drafterId !== actor.user.id) throw new AppError('FORBIDDEN', 403);
  if (!['in_progress', 'returned'].includes(flow.status))
    throw new AppError('APPROVAL_NOT_OPEN', 409);
  // A chain of signatures (the minutes') takes no consulted steps: they would wait for a signature.
  if (approvalDocumentKind(flow.documentKind)?.decidesBySigning)
    throw new AppError('APPROVAL_EXTRA_NOT_ALLOWED', 403);
  if (!hasAdditions(additions))
    throw new AppError('VALIDATION_FAILED', 422, undefined, {
      consultedUnits: 'errors:APPROVAL_ADDITIONS_EMPTY',
    });
  const extras = await extraStepsOf(additions, actor.user, {
    allowsExtra: await allowsExtra(flow, options.transaction ?? undefined),
    hasChain: true,
    stepCount: await ApprovalStep.count({
      where: { flowId },
      transaction: options.transaction ?? undefined,
    }),
    earliest: flow.status === 'in_progress' ? flow.currentPosition : 0,
  });
  return adjustChain(flowId, actor, extras, options);
}
