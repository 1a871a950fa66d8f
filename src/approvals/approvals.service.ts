/**
 * The approval engine (issue 12 §2), keyed by a document reference:
 *   startApproval(ref, chain, actor, { version })       → ApprovalFlow (step 1 active, notified)
 *   actOnApproval(flowId, actor, { action, … })          → ApprovalFlow (approve, initial, return, reject)
 *   resubmitApproval(flowId, actor, version)             → ApprovalFlow (a new round after a return)
 *   withdrawApproval(flowId, actor)                      → ApprovalFlow (before anyone acts)
 *   waitingDecisions(userId)                             → what the person (or whom they act for) must decide
 * Comments, added reviewers and chain adjustments are in approvals.review.ts; the read side
 * (flowOf) in approvals.flow-view.ts.
 * Each call is one transaction with its trail event and audit row; delegates act for the person
 * asked within their delegation's days, and the record names both.
 */
import { Op, type Transaction } from 'sequelize';
import { recordAudit } from '../audit/audit.service.js';
import { addWorkingDays, todayInVietnam } from '../calendar/working-days.js';
import { db } from '../db/index.js';
import { withTransaction, type TxOptions } from '../db/transaction.js';
import { mainFile } from '../documents/document-files.js';
import type { DocumentRef } from '../documents/step-runner.js';
import { DocumentEvent } from '../documents/document.model.js';
import { addTrailEvent } from '../documents/trail.service.js';
import { AppError } from '../http/app-error.js';
import type { Actor } from '../http/request-context.js';
import { notify } from '../notifications/notification.service.js';
import { approvalDocumentKind, documentPath } from './approvals.registry.js';
import { delegationFor, principalsOf } from '../users/delegations.service.js';
import { User } from '../users/user.model.js';
import { holdersOf } from '../users/directory.service.js';
import {
  ApprovalDecision,
  ApprovalFlow,
  ApprovalStep,
  ApprovalTemplate,
  type Decision,
  type StepKind,
} from './approval.model.js';
import {
  ExtraStepSchema,
  StepsSchema,
  type ActInput,
  type ExtraStep,
  type MemberSpec,
  type StepSpec,
  type StepSpecInput,
} from './approvals.schemas.js';

/** The action a delegation must hand over for a delegate to decide for a flow of this kind. */
export const approveAction = (kind: string) => `${kind}.approve`;

/** The decisions that count towards a step's rule (an approval, an initial, a consulted answer). */
export const POSITIVE_DECISIONS: Decision[] = ['approve', 'initial', 'agree', 'opinion'];

/** The decisions each kind of step takes. */
export const DECISIONS_OF: Record<StepKind, Decision[]> = {
  approve: ['approve', 'initial', 'return', 'reject'],
  consult: ['agree', 'opinion'],
};

/** The people a step's member specs name today (active, of the drafter's agency, not the drafter). */
export async function membersOf(
  spec: MemberSpec[],
  drafter: User,
  includeDrafter = false,
): Promise<number[]> {
  const ids = new Set<number>();
  for (const m of spec) {
    if ('userId' in m) {
      ids.add(m.userId);
      continue;
    }
    const departmentId = m.department === 'drafter' ? drafter.departmentId : m.department;
    if (departmentId == null) continue;
    // The directory answers who holds the role there: a department's head for dept_head.
    for (const p of await holdersOf(m.role, departmentId)) ids.add(p.id);
  }
  const active = await User.findAll({
    where: { id: [...ids], agencyId: drafter.agencyId, isActive: true },
    attributes: ['id'],
  });
  // The drafter never approves their own draft, except where the chain is of signatures that
  // include theirs (the secretary's on the minutes).
  return active.map((u) => u.id).filter((uid) => includeDrafter || uid !== drafter.id);
}

export interface ResolvedStep {
  spec: StepSpec;
  members: number[];
  dueIfActivatedToday: string;
}

/** Turns a chain into people and deadlines, before any transaction opens (it reads holidays). */
export async function resolveChain(
  steps: StepSpec[],
  drafter: User,
  includeDrafter = false,
  { skipDrafterOwn = false }: { skipDrafterOwn?: boolean } = {},
): Promise<ResolvedStep[]> {
  const today = todayInVietnam();
  const out: ResolvedStep[] = [];
  for (const [i, spec] of steps.entries()) {
    const members = await membersOf(spec.members, drafter, includeDrafter);
    const needed = spec.rule === 'n' ? spec.n! : 1;
    // A step whose only approver is the drafter (a head, or the Chánh Văn phòng, drafting
    // themself): their submission is that step's approval, and the chain goes on to the next.
    if (
      skipDrafterOwn &&
      !includeDrafter &&
      members.length === 0 &&
      (await membersOf(spec.members, drafter, true)).includes(drafter.id)
    )
      continue;
    if (members.length < needed)
      throw new AppError('APPROVAL_STEP_EMPTY', 422, undefined, {
        [`steps.${i}`]: 'errors:APPROVAL_STEP_EMPTY',
      });
    out.push({ spec, members, dueIfActivatedToday: await addWorkingDays(today, spec.days) });
  }
  return out;
}

/**
 * A chain with extra steps put in, each after the step of its position (0: before the first),
 * in the order given; the chain's own steps are all kept.
 */
export function placeExtras<T>(steps: T[], extras: { afterPosition: number; step: T }[]): T[] {
  const out: T[] = [];
  for (let p = 0; p <= steps.length; p++) {
    if (p > 0) out.push(steps[p - 1]!);
    for (const e of extras) if (Math.min(e.afterPosition, steps.length) === p) out.push(e.step);
  }
  return out;
}

/**
 * A template's steps with the drafter's extra steps put in (each after a position of the
 * template's chain, in the order given); the template's own steps are all kept. Extra steps need
 * a template that allows them.
 */
export function withExtraSteps(
  template: Pick<ApprovalTemplate, 'allowExtraReviewers'>,
  steps: StepSpec[],
  extras: ExtraStep[],
): StepSpec[] {
  if (extras.length === 0) return steps;
  if (!template.allowExtraReviewers) throw new AppError('APPROVAL_EXTRA_NOT_ALLOWED', 403);
  const parsed = extras.map((e) => ExtraStepSchema.parse(e));
  const placed = placeExtras(
    steps,
    parsed.map((e) => ({
      afterPosition: e.afterPosition,
      step: { title: e.title, members: e.members, rule: e.rule, days: e.days, kind: e.kind },
    })),
  );
  return StepsSchema.parse(placed);
}

/** A chain: a template's (with the drafter's extra steps, where it allows them) or given. */
export type ChainInput =
  { templateId: number; extraSteps?: ExtraStep[] } | { steps: StepSpecInput[] };

async function chainOf(
  chain: ChainInput,
  drafter: User,
): Promise<{ steps: StepSpec[]; templateId: number | null }> {
  if ('steps' in chain) return { steps: StepsSchema.parse(chain.steps), templateId: null };
  const template = await ApprovalTemplate.findOne({
    where: { id: chain.templateId, agencyId: drafter.agencyId, isActive: true },
  });
  if (!template) throw new AppError('APPROVAL_TEMPLATE_NOT_FOUND', 404);
  const steps = StepsSchema.parse(JSON.parse(template.steps));
  return {
    steps: withExtraSteps(template, steps, chain.extraSteps ?? []),
    templateId: template.id,
  };
}

/** How many positive answers a step needs: every member of a consulted step, else its rule's. */
export function requiredOf(spec: Pick<StepSpec, 'rule' | 'n' | 'kind'>, members: number): number {
  if (spec.kind === 'consult' || spec.rule === 'all') return members;
  return spec.rule === 'n' ? spec.n! : 1;
}

export interface Trail {
  flow: ApprovalFlow;
  actor: Actor;
  action: string;
  note?: string | null;
  /** The main file's version the action was taken on (null for a kind that keeps none). */
  version: number | null;
  /** Whom the actor acted for under a delegation (null: for themselves). */
  onBehalfOf?: number | null;
  data?: Record<string, unknown>;
  transaction: Transaction;
}

/**
 * Writes an approval's trail event and audit row in the step's transaction: every action says
 * the version it was taken on and, for a delegate, whom they acted for (the actor is the other).
 */
export async function record({
  flow,
  actor,
  action,
  note,
  version,
  onBehalfOf,
  data,
  transaction,
}: Trail): Promise<void> {
  const said = { flowId: flow.id, version, onBehalfOf: onBehalfOf ?? null, ...data };
  await addTrailEvent(
    {
      kind: flow.documentKind,
      documentId: flow.documentId,
      actorId: actor.user.id,
      action: `approval.${action}`,
      note: note ?? null,
      data: said,
    },
    { transaction },
  );
  await recordAudit(
    {
      action: `approval.${action}`,
      userId: actor.user.id,
      ip: actor.ip,
      entityType: flow.documentKind,
      entityId: flow.documentId,
      details: { ...said, note: note ?? undefined },
    },
    { transaction },
  );
}

/** The version of the document's main file now (null for a kind that keeps none). */
export async function currentVersionOf(
  flow: ApprovalFlow,
  transaction: Transaction,
): Promise<number | null> {
  const latest = await mainFile(
    { kind: flow.documentKind, id: flow.documentId } as DocumentRef,
    undefined,
    transaction,
  );
  return latest?.version ?? null;
}

/** Opens a round from step `from` on: fresh decisions for those steps, `from` made active. */
export async function openRound(
  flow: ApprovalFlow,
  steps: ApprovalStep[],
  from: number,
  membersByPosition: Map<number, number[]>,
  dueByDays: Map<number, string>,
  transaction: Transaction,
): Promise<number[]> {
  for (const step of steps) {
    if (step.position < from) continue;
    step.status = step.position === from ? 'active' : 'waiting';
    step.dueOn = step.position === from ? (dueByDays.get(step.days) ?? null) : null;
    await step.save({ transaction });
    await ApprovalDecision.bulkCreate(
      (membersByPosition.get(step.position) ?? []).map((assigneeId) => ({
        flowId: flow.id,
        stepId: step.id,
        round: flow.round,
        assigneeId,
      })),
      { transaction },
    );
  }
  flow.currentPosition = from;
  await flow.save({ transaction });
  return membersByPosition.get(from) ?? [];
}

/**
 * A notice about a step of a document's chain, naming the document (its subject) beside the
 * step; the step alone when the document's kind gives no title.
 */
async function aboutStep(
  flow: ApprovalFlow,
  keys: { named: string; stepOnly: string },
  title: string,
  transaction: Transaction,
): Promise<{ key: string; params: Record<string, string> }> {
  const subject = await approvalDocumentKind(flow.documentKind)?.titleOf?.(
    flow.documentId,
    transaction,
  );
  return subject
    ? { key: keys.named, params: { title, subject } }
    : { key: keys.stepOnly, params: { title } };
}

export async function askToDecide(
  userIds: number[],
  flow: ApprovalFlow,
  title: string,
  transaction: Transaction,
) {
  const text = await aboutStep(
    flow,
    { named: 'notify:approval.waitingOn', stepOnly: 'notify:approval.waiting' },
    title,
    transaction,
  );
  return userIds.map((userId) => ({
    userId,
    kind: 'approval.waiting',
    ...text,
    link: documentPath(flow.documentKind, flow.documentId),
  }));
}

/** Starts the approval of a document along a template or a chain given for this document. */
export async function startApproval(
  ref: DocumentRef,
  chain: ChainInput,
  actor: Actor,
  options: TxOptions & { version?: number; includeDrafter?: boolean } = {},
): Promise<ApprovalFlow | null> {
  const drafter = actor.user;
  const { steps, templateId } = await chainOf(chain, drafter);
  const resolved = await resolveChain(steps, drafter, options.includeDrafter, {
    skipDrafterOwn: true,
  });
  // Every step was the drafter's own: nothing to approve, the document goes on as without a chain.
  if (!resolved.length) return null;
  return withTransaction(db(), options, async (transaction) => {
    const open = await ApprovalFlow.findOne({
      where: { documentKind: ref.kind, documentId: ref.id, status: ['in_progress', 'returned'] },
      transaction,
    });
    if (open) throw new AppError('APPROVAL_IN_PROGRESS', 409);
    const flow = await ApprovalFlow.create(
      {
        agencyId: drafter.agencyId,
        documentKind: ref.kind,
        documentId: ref.id,
        templateId,
        drafterId: drafter.id,
        status: 'in_progress',
      },
      { transaction },
    );
    await ApprovalStep.bulkCreate(
      resolved.map((r, i) => ({
        flowId: flow.id,
        position: i + 1,
        title: r.spec.title,
        kind: r.spec.kind ?? 'approve',
        rule: r.spec.kind === 'consult' ? ('all' as const) : r.spec.rule,
        required: requiredOf(r.spec, r.members.length),
        days: r.spec.days,
        dueOn: null,
        status: 'waiting' as const,
      })),
      { transaction },
    );
    const steps = await ApprovalStep.findAll({
      where: { flowId: flow.id },
      order: [['position', 'ASC']],
      transaction,
    });
    const members = new Map(resolved.map((r, i) => [i + 1, r.members]));
    const due = new Map(resolved.map((r) => [r.spec.days, r.dueIfActivatedToday]));
    const first = await openRound(flow, steps, 1, members, due, transaction);
    await record({
      flow,
      actor,
      action: 'submit',
      version: options.version ?? null,
      data: { steps: steps.length, round: flow.round },
      transaction,
    });
    await notify(await askToDecide(first, flow, steps[0]!.title, transaction), { transaction });
    return flow;
  });
}

export async function loadFlow(flowId: number, actor: Actor, transaction: Transaction) {
  const flow = await ApprovalFlow.findOne({
    where: { id: flowId, agencyId: actor.user.agencyId },
    transaction,
    lock: transaction.LOCK.UPDATE,
  });
  if (!flow) throw new AppError('NOT_FOUND', 404);
  const steps = await ApprovalStep.findAll({
    where: { flowId },
    order: [['position', 'ASC']],
    transaction,
  });
  return { flow, steps };
}

/** The open decision the actor may take at a step: their own, or one they act for; else null. */
async function openDecisionOf(
  flow: ApprovalFlow,
  stepId: number,
  actor: Actor,
  transaction: Transaction,
): Promise<{ row: ApprovalDecision; delegationId: number | null } | null> {
  const open = await ApprovalDecision.findAll({
    where: { stepId, round: flow.round, decision: null },
    order: [['id', 'ASC']],
    transaction,
  });
  const own = open.find((d) => d.assigneeId === actor.user.id);
  if (own) return { row: own, delegationId: null };
  for (const d of open) {
    const delegation = await delegationFor(
      actor.user.id,
      d.assigneeId,
      approveAction(flow.documentKind),
    );
    if (delegation) return { row: d, delegationId: delegation.id };
  }
  return null;
}

/** The open decision the actor may take at the active step: their own, or one they act for. */
export async function decisionFor(
  flow: ApprovalFlow,
  stepId: number,
  actor: Actor,
  transaction: Transaction,
): Promise<{ row: ApprovalDecision; delegationId: number | null }> {
  const found = await openDecisionOf(flow, stepId, actor, transaction);
  if (!found) throw new AppError('FORBIDDEN', 403);
  return found;
}

/**
 * Whom the actor acts for at the flow's active step under a delegation today (their principal,
 * asked there and not yet decided), or null when they act as themselves: what every action's
 * record names beside the actor, as a decision's does.
 */
export async function principalAt(
  flow: ApprovalFlow,
  actor: Actor,
  transaction: Transaction,
): Promise<number | null> {
  if (flow.status !== 'in_progress') return null;
  const step = await ApprovalStep.findOne({
    where: { flowId: flow.id, position: flow.currentPosition },
    transaction,
  });
  const found = step ? await openDecisionOf(flow, step.id, actor, transaction) : null;
  return found && found.row.assigneeId !== actor.user.id ? found.row.assigneeId : null;
}

async function stepSatisfied(step: ApprovalStep, round: number, transaction: Transaction) {
  const yes = await ApprovalDecision.count({
    where: { stepId: step.id, round, decision: POSITIVE_DECISIONS },
    transaction,
  });
  return yes >= step.required;
}

/** Everyone a step has asked in any round (reviewers added in a later round included). */
export async function membersFromDecisions(flow: ApprovalFlow, transaction: Transaction) {
  const rows = await ApprovalDecision.findAll({
    where: { flowId: flow.id },
    order: [['id', 'ASC']],
    transaction,
  });
  const steps = await ApprovalStep.findAll({ where: { flowId: flow.id }, transaction });
  const positionOf = new Map(steps.map((s) => [s.id, s.position]));
  const members = new Map<number, number[]>();
  for (const r of rows) {
    const p = positionOf.get(r.stepId)!;
    const known = members.get(p) ?? [];
    if (!known.includes(r.assigneeId)) members.set(p, [...known, r.assigneeId]);
  }
  return members;
}

export async function dueDates(steps: ApprovalStep[]): Promise<Map<number, string>> {
  const today = todayInVietnam();
  const out = new Map<number, string>();
  for (const s of steps) if (!out.has(s.days)) out.set(s.days, await addWorkingDays(today, s.days));
  return out;
}

/**
 * The version of the main file a decision is taken on: the document's latest. A decision sent
 * from a page showing an older version (the draft was returned, changed and sent again since) is
 * refused rather than recorded against a file the person did not see, and a version the document
 * never had is refused rather than written into the record. A document without a main file (a
 * kind that keeps none) records the version given.
 */
async function decidedVersion(
  flow: ApprovalFlow,
  given: number | undefined,
  transaction: Transaction,
): Promise<number | null> {
  const latest = await currentVersionOf(flow, transaction);
  if (latest === null) return given ?? null;
  if (given === undefined || given === latest) return latest;
  if (given > latest)
    throw new AppError('VALIDATION_FAILED', 422, undefined, {
      version: 'errors:APPROVAL_VERSION_UNKNOWN',
    });
  throw new AppError('APPROVAL_VERSION_OLD', 409, undefined, undefined, {
    version: given,
    current: latest,
  });
}

/**
 * One person's decision at the active step. Approve or initial (ký nháy) count towards the
 * step's rule and move the flow on when it is met; return sends it back to the drafter (0) or
 * to an earlier step with a new round; reject ends it.
 */
export async function actOnApproval(
  flowId: number,
  actor: Actor,
  input: ActInput,
  options: TxOptions & { bySigning?: boolean } = {},
): Promise<ApprovalFlow> {
  const preview = await ApprovalStep.findAll({
    where: { flowId },
    transaction: options.transaction ?? undefined,
  });
  const due = await dueDates(preview);
  return withTransaction(db(), options, async (transaction) => {
    const { flow, steps } = await loadFlow(flowId, actor, transaction);
    if (flow.status !== 'in_progress') throw new AppError('APPROVAL_NOT_OPEN', 409);
    const positive = POSITIVE_DECISIONS.includes(input.action as Decision);
    if (positive && !options.bySigning && approvalDocumentKind(flow.documentKind)?.decidesBySigning)
      throw new AppError('APPROVAL_SIGN_ON_PAGE', 409);
    const step = steps.find((s) => s.position === flow.currentPosition)!;
    const { row, delegationId } = await decisionFor(flow, step.id, actor, transaction);
    if (!DECISIONS_OF[(step.kind as StepKind | undefined) ?? 'approve'].includes(input.action))
      throw new AppError('APPROVAL_ACTION_INVALID', 422);
    const version = await decidedVersion(flow, input.version, transaction);
    await row.update(
      {
        actorId: actor.user.id,
        delegationId,
        decision: input.action as Decision,
        comment: input.comment ?? null,
        version,
        decidedAt: new Date(),
      },
      { transaction },
    );
    const onBehalfOf = row.assigneeId === actor.user.id ? null : row.assigneeId;
    await record({
      flow,
      actor,
      action: input.action,
      note: input.comment,
      version,
      onBehalfOf,
      data: { step: step.position },
      transaction,
    });
    if (input.action === 'reject') {
      await flow.update({ status: 'rejected' }, { transaction });
      await notify(
        [
          {
            userId: flow.drafterId,
            kind: 'approval.rejected',
            ...(await aboutStep(
              flow,
              { named: 'notify:approval.rejectedOn', stepOnly: 'notify:approval.rejected' },
              step.title,
              transaction,
            )),
            link: documentPath(flow.documentKind, flow.documentId),
          },
        ],
        { transaction },
      );
      return flow;
    }
    if (input.action === 'return') {
      const to = input.toPosition ?? 0;
      if (to >= step.position) throw new AppError('APPROVAL_RETURN_INVALID', 422);
      if (to === 0) {
        await flow.update({ status: 'returned' }, { transaction });
        await notify(
          [
            {
              userId: flow.drafterId,
              kind: 'approval.returned',
              ...(await aboutStep(
                flow,
                { named: 'notify:approval.returnedOn', stepOnly: 'notify:approval.returned' },
                step.title,
                transaction,
              )),
              link: documentPath(flow.documentKind, flow.documentId),
            },
          ],
          { transaction },
        );
        return flow;
      }
      flow.round += 1;
      const asked = await openRound(
        flow,
        steps,
        to,
        await membersFromDecisions(flow, transaction),
        due,
        transaction,
      );
      await notify(await askToDecide(asked, flow, steps[to - 1]!.title, transaction), {
        transaction,
      });
      return flow;
    }
    if (!(await stepSatisfied(step, flow.round, transaction))) return flow;
    await step.update({ status: 'done' }, { transaction });
    const next = steps.find((s) => s.position === step.position + 1);
    if (!next) {
      await flow.update({ status: 'approved' }, { transaction });
      await record({
        flow,
        actor,
        action: 'approved',
        version,
        onBehalfOf,
        transaction,
      });
      await approvalDocumentKind(flow.documentKind)?.onApproved?.(flow.documentId, transaction);
      await notify(
        [
          {
            userId: flow.drafterId,
            kind: 'approval.approved',
            // Named by the step that approved it, as a return or a rejection is ("approved"
            // alone: the notices stored before).
            ...(await aboutStep(
              flow,
              { named: 'notify:approval.approvedOn', stepOnly: 'notify:approval.approvedBy' },
              step.title,
              transaction,
            )),
            link: documentPath(flow.documentKind, flow.documentId),
          },
        ],
        { transaction },
      );
      return flow;
    }
    await next.update({ status: 'active', dueOn: due.get(next.days) ?? null }, { transaction });
    await flow.update({ currentPosition: next.position }, { transaction });
    const waiting = await ApprovalDecision.findAll({
      where: { stepId: next.id, round: flow.round, decision: null },
      transaction,
    });
    await notify(
      await askToDecide(
        waiting.map((w) => w.assigneeId),
        flow,
        next.title,
        transaction,
      ),
      { transaction },
    );
    return flow;
  });
}

/**
 * The drafter sends a returned document again: a new round from the first step, once the
 * document's kind says it is ready, on its latest main file.
 */
export async function resubmitApproval(
  flowId: number,
  actor: Actor,
  version?: number,
  options: TxOptions = {},
): Promise<ApprovalFlow> {
  const preview = await ApprovalStep.findAll({ where: { flowId } });
  const due = await dueDates(preview);
  return withTransaction(db(), options, async (transaction) => {
    const { flow, steps } = await loadFlow(flowId, actor, transaction);
    if (flow.drafterId !== actor.user.id) throw new AppError('FORBIDDEN', 403);
    if (flow.status !== 'returned') throw new AppError('APPROVAL_NOT_OPEN', 409);
    await approvalDocumentKind(flow.documentKind)?.checkResubmit?.(flow.documentId, transaction);
    // The round is on the main file the document has now, whatever version the form said.
    const latest = await mainFile(
      { kind: flow.documentKind, id: flow.documentId } as DocumentRef,
      undefined,
      transaction,
    );
    const members = await membersFromDecisions(flow, transaction);
    flow.round += 1;
    flow.status = 'in_progress';
    const asked = await openRound(flow, steps, 1, members, due, transaction);
    await record({
      flow,
      actor,
      action: 'resubmit',
      version: latest?.version ?? version ?? null,
      data: { round: flow.round },
      transaction,
    });
    await notify(await askToDecide(asked, flow, steps[0]!.title, transaction), { transaction });
    return flow;
  });
}

/**
 * The round in which the drafter last sent the document along the chain (its submission, or a
 * resubmission after a return to them), as its trail event says. A return to an earlier step
 * opens a round too, but the drafter sent nothing then. Events written before the round was
 * recorded answer the current round.
 */
async function sentRound(flow: ApprovalFlow, transaction?: Transaction): Promise<number> {
  const sent = await DocumentEvent.findOne({
    where: {
      documentKind: flow.documentKind,
      documentId: flow.documentId,
      action: ['approval.submit', 'approval.resubmit'],
    },
    order: [['id', 'DESC']],
    attributes: ['data'],
    transaction,
  });
  const data = (sent?.data ? JSON.parse(sent.data) : {}) as { flowId?: unknown; round?: unknown };
  return data.flowId === flow.id && typeof data.round === 'number' ? data.round : flow.round;
}

/**
 * Whether anyone decided (approved, initialled, returned, answered) on what the drafter last sent:
 * then the next step has acted and the drafter may no longer withdraw it. One rule for the policy
 * (ApprovalAccess.roundActed: the page's button, the API) and the service.
 */
export async function actedSinceSent(
  flow: ApprovalFlow,
  transaction?: Transaction,
): Promise<boolean> {
  if (flow.status !== 'in_progress') return false;
  const decided = await ApprovalDecision.count({
    where: {
      flowId: flow.id,
      round: { [Op.gte]: await sentRound(flow, transaction) },
      decision: { [Op.ne]: null },
    },
    transaction,
  });
  return decided > 0;
}

/**
 * The drafter takes the document back before the next step acts on it: while no one in this
 * round has decided (approved, initialled, returned, given an opinion). After that the chain has
 * moved on with someone's decision, and only a return brings it back.
 */
export async function withdrawApproval(flowId: number, actor: Actor): Promise<ApprovalFlow> {
  return withTransaction(db(), undefined, async (transaction) => {
    const { flow } = await loadFlow(flowId, actor, transaction);
    if (flow.drafterId !== actor.user.id) throw new AppError('FORBIDDEN', 403);
    if (flow.status !== 'in_progress') throw new AppError('APPROVAL_NOT_OPEN', 409);
    if (await actedSinceSent(flow, transaction)) throw new AppError('APPROVAL_ALREADY_ACTED', 409);
    await flow.update({ status: 'withdrawn' }, { transaction });
    await record({
      flow,
      actor,
      action: 'withdraw',
      version: await currentVersionOf(flow, transaction),
      transaction,
    });
    return flow;
  });
}

export interface WaitingDecision {
  flowId: number;
  documentKind: string;
  documentId: number;
  stepTitle: string;
  dueOn: string | null;
  isOverdue: boolean;
  /** Set when the person decides for someone else under a delegation. */
  onBehalfOf: number | null;
}

/** What a person must decide now (their "Cần xử lý"), their own and for whom they act today. */
export async function waitingDecisions(
  userId: number,
  kind = 'outgoing',
): Promise<WaitingDecision[]> {
  const today = todayInVietnam();
  const principals = await principalsOf(userId, approveAction(kind), today);
  const rows = await ApprovalDecision.findAll({
    where: { assigneeId: [userId, ...principals], decision: null },
  });
  const out: WaitingDecision[] = [];
  for (const d of rows) {
    const [flow, step] = await Promise.all([
      ApprovalFlow.findByPk(d.flowId),
      ApprovalStep.findByPk(d.stepId),
    ]);
    if (!flow || !step || flow.status !== 'in_progress' || flow.round !== d.round) continue;
    if (step.status !== 'active' || flow.documentKind !== kind) continue;
    out.push({
      flowId: flow.id,
      documentKind: flow.documentKind,
      documentId: flow.documentId,
      stepTitle: step.title,
      dueOn: step.dueOn,
      isOverdue: !!step.dueOn && step.dueOn < today,
      onBehalfOf: d.assigneeId === userId ? null : d.assigneeId,
    });
  }
  return out;
}
