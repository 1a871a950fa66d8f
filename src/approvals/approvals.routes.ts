import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { integer } from '../http/form-fields.js';
import { recordAudit } from '../audit/audit.service.js';
import { AppError } from '../http/app-error.js';
import { requireUser } from '../http/auth.js';
import { flash } from '../http/flash.js';
import { messageOf, translateFields } from '../http/forms.js';
import { pathId } from '../http/params.js';
import { actorOf } from '../http/request-context.js';
import { parseInput } from '../http/validate.js';
import { authorize } from '../policy/index.js';
import {
  authorizeWithdrawal,
  loadApprovalAccess,
  type ApprovalAccess,
} from './approvals.access.js';
import { documentPath } from './approvals.registry.js';
import { addReviewer, addToChain, commentOnApproval } from './approvals.review.js';
import { ChainAdditionsSchema } from './approvals.schemas.js';
import { actOnApproval, resubmitApproval, withdrawApproval } from './approvals.service.js';
import { approvalPanel } from './approvals.view-model.js';

const blank = (v: unknown) => (v === '' ? undefined : v);
// Positions, versions and days go to INT columns: past INT a number is refused here, not there.
const optionalInt = (min: number) =>
  z.preprocess(blank, integer(z.number().int().min(min).max(2_147_483_647).optional()));

const ActFormSchema = z
  .object({
    action: z.enum(
      ['approve', 'initial', 'return', 'reject', 'agree', 'opinion'],
      'errors:APPROVAL_ACTION_INVALID',
    ),
    comment: z.preprocess(blank, z.string().trim().max(4000).optional()),
    toPosition: optionalInt(0),
    version: optionalInt(1),
  })
  .refine((f) => !['return', 'reject', 'opinion'].includes(f.action) || !!f.comment, {
    path: ['comment'],
    message: 'errors:APPROVAL_COMMENT_REQUIRED',
  });

const CommentFormSchema = z.object({
  body: z
    .string('errors:APPROVAL_COMMENT_EMPTY')
    .trim()
    .min(1, 'errors:APPROVAL_COMMENT_EMPTY')
    // Its own words: the string's message (nothing written) would answer a text too long.
    .max(4000, 'errors:APPROVAL_COMMENT_TOO_LONG'),
});

const ReviewerFormSchema = z.object({
  userId: z.preprocess(
    blank,
    integer(z.number('errors:APPROVAL_REVIEWER_REQUIRED').int().positive().max(2_147_483_647)),
  ),
  position: z.preprocess(blank, z.enum(['after', 'same']).default('after')),
  kind: z.preprocess(blank, z.enum(['approve', 'consult']).default('consult')),
  // The service's bounds (AddReviewerSchema), refused here with the reason rather than there.
  days: z.preprocess(
    blank,
    integer(
      z
        .number('errors:APPROVAL_STEP_DAYS')
        .int('errors:APPROVAL_STEP_DAYS')
        .min(0, 'errors:APPROVAL_STEP_DAYS')
        .max(60, 'errors:APPROVAL_STEP_DAYS')
        .optional(),
    ),
  ),
});

const ResubmitFormSchema = z.object({ version: optionalInt(1) });

/** The chain of the path, 404 for someone who may not see it. */
async function visibleFlow(req: Request): Promise<ApprovalAccess> {
  const access = await loadApprovalAccess(pathId(req, 'flowId'), req.user!);
  if (!access.canSee) throw new AppError('NOT_FOUND', 404);
  return access;
}

/** Loads the flow (404 when the person may not see it) and asks the policy for the action. */
async function authorized(req: Request, action: string): Promise<ApprovalAccess> {
  const access = await visibleFlow(req);
  authorize(req.user, action, access);
  return access;
}

/** What to tell the person when their action was refused: the first field's message or the error's. */
function refusalOf(req: Request, err: AppError): string {
  const fields = Object.values(translateFields(req, err.fields));
  return fields[0] ?? messageOf(req, err);
}

/** The chain on a page of its own, with its document's link; audited as a view of the chain. */
async function renderFlow(req: Request, res: Response, access: ApprovalAccess, status = 200) {
  const { documentKind: kind, documentId: id } = access.flow;
  const panel = await approvalPanel({ kind, id }, req.user!);
  await recordAudit({
    action: 'approval.view',
    userId: req.user!.id,
    ip: req.ip ?? null,
    entityType: kind,
    entityId: id,
    details: { flowId: access.flow.id },
  });
  res.status(status).render('approvals/flow', {
    title: req.t('approvals:page.title'),
    panel,
    documentHref: documentPath(kind, id),
  });
}

/**
 * Runs one approval action and goes back to the document's page with a message; a refusal the
 * person can understand (409, 422) shows the chain again with that status and the reason (a
 * redirect would answer it as a success), anything else goes to the error handler.
 */
async function act(
  req: Request,
  res: Response,
  access: ApprovalAccess,
  work: () => Promise<unknown>,
  done: string,
): Promise<void> {
  try {
    await work();
  } catch (err) {
    if (!(err instanceof AppError) || ![409, 422].includes(err.status)) throw err;
    flash(req, 'error', refusalOf(req, err));
    return renderFlow(req, res, await authorized(req, 'approval.view'), err.status);
  }
  flash(req, 'success', req.t(done));
  res.redirect(303, documentPath(access.flow.documentKind, access.flow.documentId));
}

/** Parses a form inside act(), so its field errors come back as a message. */
const form = <S extends z.ZodType>(req: Request, schema: S) =>
  parseInput(schema, req.body, req.lng, req.t);

export function approvalsRouter(): Router {
  const router = Router();
  router.use('/approvals', requireUser);

  // The chain on a page of its own (for kinds whose page does not show the panel yet).
  router.get('/approvals/:flowId', async (req, res) => {
    await renderFlow(req, res, await authorized(req, 'approval.view'));
  });

  /**
   * One action on the chain of the path: the person may take it (`allow`, by default the policy's
   * `approval.<permission>`), then `run` in act(), which shows a refusal with its reason.
   */
  const action = (
    path: string,
    allow: (req: Request) => Promise<ApprovalAccess>,
    run: (req: Request, flowId: number) => Promise<unknown>,
    done: string,
  ) =>
    router.post(`/approvals/:flowId/${path}`, async (req, res) => {
      const access = await allow(req);
      await act(req, res, access, () => run(req, access.flow.id), done);
    });
  const policy = (permission: string) => (req: Request) => authorized(req, permission);

  action(
    'act',
    policy('approval.act'),
    (req, id) => actOnApproval(id, actorOf(req), form(req, ActFormSchema)),
    'approvals:done.act',
  );
  action(
    'comment',
    policy('approval.comment'),
    (req, id) => commentOnApproval(id, actorOf(req), form(req, CommentFormSchema).body),
    'approvals:done.comment',
  );
  action(
    'reviewers',
    policy('approval.addReviewer'),
    (req, id) => {
      const input = form(req, ReviewerFormSchema);
      return addReviewer(id, actorOf(req), { ...input, days: input.days ?? 2 });
    },
    'approvals:done.reviewer',
  );
  // The drafter adds consulted units and reviewers to the chain, where its template allows it.
  action(
    'steps',
    policy('approval.adjust'),
    (req, id) => addToChain(id, actorOf(req), form(req, ChainAdditionsSchema)),
    'approvals:done.adjust',
  );
  // The drafter learns why they can no longer withdraw (409), not merely that they may not.
  action(
    'withdraw',
    async (req) => {
      const access = await visibleFlow(req);
      authorizeWithdrawal(req.user!, access);
      return access;
    },
    (req, id) => withdrawApproval(id, actorOf(req)),
    'approvals:done.withdraw',
  );
  action(
    'resubmit',
    policy('approval.resubmit'),
    (req, id) => resubmitApproval(id, actorOf(req), form(req, ResubmitFormSchema).version),
    'approvals:done.resubmit',
  );
  return router;
}
