/**
 * An outgoing draft on its way to the signer (issue 12 §2): submitted along the approval chain
 * of its type and department (the administrator's template), or straight to the signer when no
 * template applies; returned by the signer to the drafter.
 *   submitDraft(id, { templateId?, consultedUnits?, reviewers?, afterStep? }, actor) → 'in_approval'
 *   previewChain(id, same, actor) → the steps it would go along, the drafter's additions marked
 *   returnToDrafter(id, { reason }, actor) → 'draft' (by the signer or their delegate)
 */
import type { Transaction } from 'sequelize';
import { latestFlowOf } from '../approvals/approvals.access.js';
import { ApprovalStep, type ApprovalTemplate, type StepKind } from '../approvals/approval.model.js';
import { extraStepsOf } from '../approvals/approvals.additions.js';
import { adjustChain, allowsExtra } from '../approvals/approvals.review.js';
import { StepsSchema } from '../approvals/approvals.schemas.js';
import { templateFor, templatesFor } from '../approvals/approval-templates.service.js';
import { registerApprovalDocumentKind } from '../approvals/approvals.registry.js';
import { placeExtras, resubmitApproval, startApproval } from '../approvals/approvals.service.js';
import { latestJob } from '../documents/document-jobs.js';
import { mainFile } from '../documents/document-files.js';
import { runStep } from '../documents/step-runner.js';
import { AppError } from '../http/app-error.js';
import type { Actor } from '../http/request-context.js';
import { notify } from '../notifications/notification.service.js';
import { authorize, can } from '../policy/index.js';
import { loadOutgoingAccess, requireVisibleOutgoing } from './outgoing.access.js';
import { outgoingFlow } from './outgoing.drafts.js';
import { OutgoingDocument } from './outgoing.model.js';
import type { SubmitInput } from './outgoing.schemas.js';

registerApprovalDocumentKind('outgoing', {
  async canView(user, id) {
    const access = await loadOutgoingAccess(user, id);
    return access != null && can(user, 'outgoing.view', access);
  },
  pathOf: (id) => `/outgoing/${id}`,
  async onApproved(id, transaction) {
    const doc = await OutgoingDocument.findByPk(id, { transaction });
    if (doc) await askSigner(doc, transaction);
  },
  async titleOf(id, transaction) {
    const doc = await OutgoingDocument.findByPk(id, { attributes: ['subject'], transaction });
    return doc?.subject ?? null;
  },
  checkResubmit: (id, transaction) => refuseWhileConverting(id, transaction),
});

/** A DOCX main file still being made into a PDF: the chain decides on the PDF, so it waits. */
async function refuseWhileConverting(id: number, transaction?: Transaction): Promise<void> {
  const pending = await latestJob({ kind: 'outgoing', id }, 'docx-to-pdf', transaction);
  if (pending && (pending.status === 'queued' || pending.status === 'running'))
    throw new AppError('OUTGOING_CONVERTING', 409);
}

/** Tells the signer (bell and mail) that a document waits for their signature. */
async function askSigner(doc: OutgoingDocument, transaction: Transaction): Promise<void> {
  if (!doc.signerId) return;
  await notify(
    [
      {
        userId: doc.signerId,
        kind: 'outgoing.to_sign',
        key: 'notify:outgoing.toSign',
        params: { subject: doc.subject.slice(0, 200) },
        link: `/outgoing/${doc.id}`,
      },
    ],
    { transaction },
  );
}

/**
 * The chain's template: the one the drafter chose among those the administrator made for this
 * document type and department (one for another type or unit would skip the steps set for this
 * one), else the most specific that applies; null when none does.
 */
async function chainTemplate(
  doc: OutgoingDocument,
  chosenId: number | undefined,
  agencyId: number,
): Promise<ApprovalTemplate | null> {
  if (chosenId === undefined) return templateFor(doc.documentType, doc.departmentId, agencyId);
  const chosen = (await templatesFor(doc.documentType, doc.departmentId, agencyId)).find(
    (t) => t.id === chosenId,
  );
  if (!chosen)
    throw new AppError('VALIDATION_FAILED', 422, undefined, {
      templateId: 'errors:APPROVAL_TEMPLATE_NOT_APPLICABLE',
    });
  return chosen;
}

/** One step of the chain a draft would go along, as the submit form shows it. */
export interface PreviewStep {
  title: string;
  kind: StepKind;
  /** Added by the drafter for this document (not the template's). */
  added: boolean;
}

/**
 * The chain a submission takes: the returned one again (with its steps), else the template given
 * or the one that applies (null: none, straight to the signer), with whether the drafter may add
 * to it.
 */
export async function chainOfSubmission(
  doc: OutgoingDocument,
  input: SubmitInput,
  actor: Actor,
  transaction?: Transaction,
) {
  const flow = await latestFlowOf('outgoing', doc.id, actor.user.agencyId, transaction);
  if (flow?.status === 'returned') {
    const steps = await ApprovalStep.findAll({
      where: { flowId: flow.id },
      order: [['position', 'ASC']],
      transaction,
    });
    return {
      returned: flow,
      template: null,
      steps: steps.map((s) => ({ title: s.title, kind: s.kind })),
      allowsExtra: await allowsExtra(flow, transaction),
    };
  }
  const template = await chainTemplate(doc, input.templateId, actor.user.agencyId);
  const steps = template ? StepsSchema.parse(JSON.parse(template.steps)) : [];
  return {
    returned: null,
    template,
    steps: steps.map((s) => ({ title: s.title, kind: s.kind })),
    allowsExtra: !!template?.allowExtraReviewers,
  };
}

/** The drafter's additions for a chain, checked (422 with the field when refused). */
const additionsFor = (
  input: SubmitInput,
  actor: Actor,
  chain: Awaited<ReturnType<typeof chainOfSubmission>>,
) =>
  extraStepsOf(input, actor.user, {
    allowsExtra: chain.allowsExtra,
    hasChain: !!(chain.returned ?? chain.template),
    stepCount: chain.steps.length,
  });

/**
 * The steps a submission would take, the drafter's consulted units and reviewers put in where
 * they asked: what the submit form shows before they send it. Refused as the submission would be.
 */
export async function previewChain(
  id: number,
  input: SubmitInput,
  actor: Actor,
): Promise<PreviewStep[]> {
  const access = await requireVisibleOutgoing(actor.user, id);
  authorize(actor.user, 'outgoing.submit', access);
  const chain = await chainOfSubmission(access.document, input, actor);
  const extras = await additionsFor(input, actor, chain);
  return placeExtras<PreviewStep>(
    chain.steps.map((s) => ({ ...s, added: false })),
    extras.map((e) => ({
      afterPosition: e.afterPosition,
      step: { title: e.title, kind: e.kind ?? 'consult', added: true },
    })),
  );
}

/**
 * Sends the draft on: a new chain (template given, else the one that applies), the same chain
 * again after a return, or straight to the signer when no chain applies; with the consulted
 * units and reviewers the drafter added where the chain allows it. The latest main PDF is the
 * version everyone decides on; a DOCX still converting must finish first.
 */
export async function submitDraft(id: number, input: SubmitInput, actor: Actor): Promise<void> {
  await refuseWhileConverting(id);
  await runStep(outgoingFlow, id, actor, null, undefined, async (ctx) => {
    const { access, transaction, record } = ctx;
    authorize(actor.user, 'outgoing.submit', access);
    const doc = access.document;
    if (!doc.signerId)
      throw new AppError('VALIDATION_FAILED', 422, undefined, {
        signerId: 'errors:OUTGOING_SIGNER_REQUIRED',
      });
    const main = await mainFile({ kind: 'outgoing', id }, undefined, transaction);
    if (!main) throw new AppError('OUTGOING_NO_MAIN_FILE', 409);
    const version = main.version;
    const chain = await chainOfSubmission(doc, input, actor, transaction);
    const extraSteps = await additionsFor(input, actor, chain);
    if (chain.returned) {
      if (extraSteps.length)
        await adjustChain(chain.returned.id, actor, extraSteps, { transaction });
      await resubmitApproval(chain.returned.id, actor, version, { transaction });
    } else if (chain.template) {
      await startApproval(
        { kind: 'outgoing', id },
        { templateId: chain.template.id, extraSteps },
        actor,
        { version, transaction },
      );
    }
    await doc.update({ status: 'in_approval' }, { transaction });
    await record('submit', null, { version });
    // Without a chain the signer is asked at once; with one, when it approves (onApproved).
    if (!(await latestFlowOf('outgoing', id, actor.user.agencyId, transaction)))
      await askSigner(doc, transaction);
  });
}

/** The signer sends the document back to its drafter with a reason (trả lại). */
export async function returnToDrafter(
  id: number,
  input: { reason: string },
  actor: Actor,
): Promise<void> {
  await runStep(
    outgoingFlow,
    id,
    actor,
    null,
    undefined,
    async ({ access, transaction, record }) => {
      authorize(actor.user, 'outgoing.return', access);
      const doc = access.document;
      const main = await mainFile({ kind: 'outgoing', id }, undefined, transaction);
      await doc.update({ status: 'draft' }, { transaction });
      // As the signature's record: the version returned, and the signer a delegate acted for.
      await record('return', input.reason, {
        version: main?.version ?? null,
        onBehalfOf: access.signsByDelegation ? doc.signerId : null,
      });
      await notify(
        [
          {
            userId: access.document.createdById,
            kind: 'outgoing.returned',
            key: 'notify:outgoing.returned',
            params: { subject: access.document.subject.slice(0, 200) },
            link: `/outgoing/${id}`,
          },
        ],
        { transaction },
      );
    },
  );
}
