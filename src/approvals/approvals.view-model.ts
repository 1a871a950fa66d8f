import { Op } from 'sequelize';
import { User } from '../users/user.model.js';
import { can } from '../policy/index.js';
import { latestFlowOf, loadApprovalAccess, type ApprovalAccess } from './approvals.access.js';
import { viewOfFlow, type FlowView } from './approvals.flow-view.js';
import { mainFile } from '../documents/document-files.js';
import type { DocumentRef } from '../documents/step-runner.js';
import { approvalDocumentKind } from './approvals.registry.js';
import { DECISIONS_OF } from './approvals.service.js';
import type { StepKind } from './approval.model.js';
import type { ChainAdditions } from './approvals.schemas.js';
import { staffPicker } from '../users/directory.service.js';
import { NAME_ORDER } from '../users/name-order.js';

export interface ApprovalPanel {
  flow: FlowView;
  /** Where the action forms post: /approvals/<flowId>. */
  base: string;
  /** The version the person sees, sent with a decision so the record says what was approved. */
  version: number | null;
  /** Whom the person decides for at the active step, by name, under a delegation. */
  actingForName: string | null;
  may: {
    act: boolean;
    comment: boolean;
    addReviewer: boolean;
    withdraw: boolean;
    resubmit: boolean;
    adjust: boolean;
  };
  /** The decisions the active step takes, for the person who may act. */
  decisions: string[];
  /** For a return: the drafter (0, no title) and the earlier steps. */
  returnTargets: { position: number; title: string | null }[];
  /** People of the agency who may be asked for an opinion. */
  reviewerCandidates: { id: number; name: string }[];
  /** What the drafter may add to the chain (consulted units, reviewers), when they may. */
  additions: AdditionOptions | null;
}

/** The choices of a form adding consulted units and reviewers (views/partials/chain-additions). */
export interface AdditionOptions {
  units: { id: number; name: string; selected: boolean }[];
  people: { id: number; name: string; selected: boolean }[];
  /** The steps the additions may follow: 0 (before the first) and each step from `earliest`. */
  positions: { value: number; title: string | null; selected: boolean }[];
}

/**
 * The agency's departments and people (from the directory; never the drafter) and the places in
 * a chain of these steps where the drafter may add, with what they chose already marked.
 */
export async function additionOptions(
  agencyId: number,
  drafterId: number,
  steps: { title: string }[],
  earliest = 0,
  chosen: Partial<ChainAdditions> = {},
): Promise<AdditionOptions> {
  const { people, departments } = await staffPicker(agencyId);
  const positions = [
    { value: 0, title: null as string | null },
    ...steps.map((s, i) => ({ value: i + 1, title: s.title })),
  ];
  return {
    units: departments.map((d) => ({
      id: d.id,
      name: d.name,
      selected: !!chosen.consultedUnits?.includes(d.id),
    })),
    people: people
      .filter((p) => p.id !== drafterId)
      .map((p) => ({
        id: p.id,
        name: p.positionTitle ? `${p.fullName} – ${p.positionTitle}` : p.fullName,
        selected: !!chosen.reviewers?.includes(p.id),
      })),
    positions: positions
      .filter((p) => p.value >= earliest)
      .map((p) => ({ ...p, selected: p.value === chosen.afterStep })),
  };
}

async function candidates(access: ApprovalAccess, agencyId: number) {
  const people = await User.findAll({
    where: { agencyId, isActive: true, id: { [Op.ne]: access.flow.drafterId } },
    attributes: ['id', 'fullName', 'positionTitle'],
    order: NAME_ORDER,
    limit: 500,
  });
  return people.map((p) => ({
    id: p.id,
    name: p.positionTitle ? `${p.fullName} – ${p.positionTitle}` : p.fullName,
  }));
}

/**
 * What a document page needs to show its approval chain (views/partials/approval-panel.hbs):
 * the chain with its decisions, versions and comments, and the forms this person may use.
 * Null when the document never went to a chain or the person may not see it.
 */
export async function approvalPanel(
  ref: DocumentRef | { kind: string; id: number },
  user: User,
  options: { currentVersion?: number | null } = {},
): Promise<ApprovalPanel | null> {
  const latest = await latestFlowOf(ref.kind, ref.id, user.agencyId);
  if (!latest) return null;
  const access = await loadApprovalAccess(latest.id, user);
  if (!can(user, 'approval.view', access)) return null;
  const version =
    options.currentVersion !== undefined
      ? options.currentVersion
      : ((await mainFile(ref as DocumentRef))?.version ?? null);
  const flow = await viewOfFlow(access.flow, version);
  const may = {
    act: can(user, 'approval.act', access),
    comment: can(user, 'approval.comment', access),
    addReviewer: can(user, 'approval.addReviewer', access),
    withdraw: can(user, 'approval.withdraw', access),
    resubmit: can(user, 'approval.resubmit', access),
    adjust: can(user, 'approval.adjust', access),
  };
  const kind = ((access.activeStep?.kind as StepKind | undefined) ?? 'approve') as StepKind;
  const actingFor =
    access.actsFor && access.actsFor.assigneeId !== user.id
      ? await User.findByPk(access.actsFor.assigneeId, { attributes: ['fullName'] })
      : null;
  return {
    flow,
    base: `/approvals/${access.flow.id}`,
    version,
    actingForName: actingFor?.fullName ?? null,
    may,
    // A kind that approves by signing (the minutes) takes its approvals on its own page.
    decisions:
      may.act && !approvalDocumentKind(ref.kind)?.decidesBySigning
        ? DECISIONS_OF[kind].filter((d) => d !== 'return' && d !== 'reject')
        : [],
    returnTargets:
      may.act && kind === 'approve'
        ? [
            { position: 0, title: null },
            ...flow.steps
              .filter((s) => s.position < access.flow.currentPosition)
              .map((s) => ({ position: s.position, title: s.title })),
          ]
        : [],
    reviewerCandidates: may.addReviewer ? await candidates(access, user.agencyId) : [],
    additions: may.adjust
      ? await additionOptions(
          user.agencyId,
          access.flow.drafterId,
          access.steps,
          access.flow.status === 'in_progress' ? access.flow.currentPosition : 0,
        )
      : null,
  };
}
