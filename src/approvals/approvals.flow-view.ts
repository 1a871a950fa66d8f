import { Op } from 'sequelize';
import { todayInVietnam } from '../calendar/working-days.js';
import { DocumentEvent } from '../documents/document.model.js';
import { mainFile } from '../documents/document-files.js';
import type { DocumentRef } from '../documents/step-runner.js';
import { User } from '../users/user.model.js';
import {
  ApprovalDecision,
  ApprovalFlow,
  ApprovalStep,
  type ApprovalFlowStatus,
  type Decision,
  type StepKind,
} from './approval.model.js';
import { POSITIVE_DECISIONS } from './approvals.service.js';

export interface DecisionView {
  id: number;
  round: number;
  assigneeId: number;
  actorId: number | null;
  /** Who decided (or is awaited): the delegate who acted, else the one asked. */
  actorName: string;
  /** Whom a delegate acted for (the one asked), null when the one asked acted. */
  onBehalfOfName: string | null;
  assigneeName: string;
  decision: Decision | null;
  comment: string | null;
  version: number | null;
  decidedAt: Date | null;
  isCurrentRound: boolean;
  /** An approval (or initial, or consulted answer) of a version older than the current one. */
  isOlderVersion: boolean;
}

export interface StepView {
  id: number;
  position: number;
  title: string;
  kind: StepKind;
  rule: string;
  required: number;
  days: number;
  dueOn: string | null;
  status: string;
  isActive: boolean;
  isOverdue: boolean;
  /** Everyone the step asks (in any round), by name. */
  members: { userId: number; name: string }[];
  /** Decisions taken (any round) and the ones awaited in the current round, oldest first. */
  decisions: DecisionView[];
}

export interface CommentView {
  /** Who commented. */
  actorName: string;
  /** Whom a delegate commented for, null when they spoke for themself. */
  onBehalfOfName: string | null;
  /** The main file's version the comment was made on. */
  version: number | null;
  body: string;
  at: Date;
  step: number | null;
  round: number | null;
}

export interface FlowView {
  id: number;
  documentKind: string;
  documentId: number;
  status: ApprovalFlowStatus;
  round: number;
  currentPosition: number;
  drafterId: number;
  drafterName: string;
  templateId: number | null;
  /** The document's current version (its main file's latest), when known. */
  currentVersion: number | null;
  steps: StepView[];
  comments: CommentView[];
  /** Decisions that approved an older version than the current one. */
  olderVersionApprovals: DecisionView[];
}

const nameOf = (people: Map<number, User>, id: number | null) =>
  (id != null ? people.get(id)?.fullName : undefined) ?? `#${id ?? ''}`;

/** A flow's comments (decision-less, from the trail), oldest first. */
async function commentsOf(flow: ApprovalFlow, people: Map<number, User>): Promise<CommentView[]> {
  const events = await DocumentEvent.findAll({
    where: {
      documentKind: flow.documentKind,
      documentId: flow.documentId,
      action: 'approval.comment',
    },
    order: [['id', 'ASC']],
  });
  const out: CommentView[] = [];
  for (const e of events) {
    const data = (e.data ? JSON.parse(e.data) : {}) as Record<string, unknown>;
    if (data.flowId !== flow.id) continue;
    const principal = typeof data.onBehalfOf === 'number' ? data.onBehalfOf : null;
    out.push({
      actorName: nameOf(people, e.actorId),
      onBehalfOfName: principal ? nameOf(people, principal) : null,
      version: typeof data.version === 'number' ? data.version : null,
      body: e.note ?? '',
      at: e.createdAt,
      step: typeof data.step === 'number' ? data.step : null,
      round: typeof data.round === 'number' ? data.round : null,
    });
  }
  return out;
}

/** Reads one flow with its steps, members, decisions and comments (no access check). */
export async function viewOfFlow(
  flow: ApprovalFlow,
  currentVersion: number | null = null,
): Promise<FlowView> {
  const today = todayInVietnam();
  const [steps, decisions, events] = await Promise.all([
    ApprovalStep.findAll({ where: { flowId: flow.id }, order: [['position', 'ASC']] }),
    ApprovalDecision.findAll({ where: { flowId: flow.id }, order: [['id', 'ASC']] }),
    DocumentEvent.findAll({
      where: {
        documentKind: flow.documentKind,
        documentId: flow.documentId,
        action: 'approval.comment',
      },
      attributes: ['actorId', 'data'],
    }),
  ]);
  const ids = new Set<number>([flow.drafterId]);
  for (const d of decisions) {
    ids.add(d.assigneeId);
    if (d.actorId) ids.add(d.actorId);
  }
  for (const e of events) {
    if (e.actorId) ids.add(e.actorId);
    const principal = e.data ? (JSON.parse(e.data) as { onBehalfOf?: unknown }).onBehalfOf : null;
    if (typeof principal === 'number') ids.add(principal);
  }
  const people = new Map(
    (await User.findAll({ where: { id: { [Op.in]: [...ids] } } })).map((u) => [u.id, u]),
  );
  const decisionView = (d: ApprovalDecision): DecisionView => {
    const onBehalf = d.actorId != null && d.actorId !== d.assigneeId;
    return {
      id: d.id,
      round: d.round,
      assigneeId: d.assigneeId,
      actorId: d.actorId ?? null,
      assigneeName: nameOf(people, d.assigneeId),
      actorName: nameOf(people, onBehalf ? d.actorId : d.assigneeId),
      onBehalfOfName: onBehalf ? nameOf(people, d.assigneeId) : null,
      decision: d.decision ?? null,
      comment: d.comment ?? null,
      version: d.version ?? null,
      decidedAt: d.decidedAt ?? null,
      isCurrentRound: d.round === flow.round,
      isOlderVersion:
        currentVersion != null &&
        d.version != null &&
        !!d.decision &&
        POSITIVE_DECISIONS.includes(d.decision) &&
        d.version < currentVersion,
    };
  };
  const stepViews = steps.map((s): StepView => {
    const mine = decisions.filter((d) => d.stepId === s.id);
    const members = [...new Set(mine.map((d) => d.assigneeId))];
    const isActive = flow.status === 'in_progress' && s.position === flow.currentPosition;
    return {
      id: s.id,
      position: s.position,
      title: s.title,
      kind: s.kind ?? 'approve',
      rule: s.rule,
      required: s.required,
      days: s.days,
      dueOn: s.dueOn,
      status: s.status,
      isActive,
      isOverdue: isActive && !!s.dueOn && s.dueOn < today,
      members: members.map((userId) => ({ userId, name: nameOf(people, userId) })),
      decisions: mine
        .filter((d) => d.decision !== null || (isActive && d.round === flow.round))
        .map(decisionView),
    };
  });
  return {
    id: flow.id,
    documentKind: flow.documentKind,
    documentId: flow.documentId,
    status: flow.status,
    round: flow.round,
    currentPosition: flow.currentPosition,
    drafterId: flow.drafterId,
    drafterName: nameOf(people, flow.drafterId),
    templateId: flow.templateId,
    currentVersion,
    steps: stepViews,
    comments: await commentsOf(flow, people),
    olderVersionApprovals: stepViews.flatMap((s) => s.decisions.filter((d) => d.isOlderVersion)),
  };
}

/**
 * The latest approval chain of a document, as its page shows it: steps, members, decisions with
 * the version each was taken on (flagged when older than the current version), delegates named
 * with whom they acted for, overdue steps and comments. The current version is the main file's
 * latest unless given. Null when the document never went to a chain.
 */
export async function flowOf(
  ref: DocumentRef | { kind: string; id: number },
  options: { currentVersion?: number | null } = {},
): Promise<FlowView | null> {
  const flow = await ApprovalFlow.findOne({
    where: { documentKind: ref.kind, documentId: ref.id },
    order: [['id', 'DESC']],
  });
  if (!flow) return null;
  const current =
    options.currentVersion !== undefined
      ? options.currentVersion
      : ((await mainFile(ref as DocumentRef))?.version ?? null);
  return viewOfFlow(flow, current);
}
