/**
 * /api/v1/outgoing: the JSON twins of the outgoing pages, through the same services and policy.
 * Request schemas are exported for openapi (outgoing.openapi.ts), so the description is made
 * from what the routes validate.
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import {
  authorizeWithdrawal,
  latestFlowOf,
  loadApprovalAccess,
} from '../approvals/approvals.access.js';
import { addToChain, commentOnApproval } from '../approvals/approvals.review.js';
import { ChainAdditionsSchema } from '../approvals/approvals.schemas.js';
import { actOnApproval, withdrawApproval } from '../approvals/approvals.service.js';
import type { Config } from '../config.js';
import type { User } from '../users/user.model.js';
import { mainFile } from '../documents/document-files.js';
import { findPlacements, parsePlacementForm, type Placement } from '../drafting/placement.js';
import { readStoredFile } from '../files/file-storage.service.js';
import { contentDisposition } from '../http/content-disposition.js';
import { AppError } from '../http/app-error.js';
import { translateFields } from '../http/forms.js';
import { memoryUpload } from '../http/uploads.js';
import { pathId } from '../http/params.js';
import { actorOf } from '../http/request-context.js';
import { parseInput } from '../http/validate.js';
import { authorize } from '../policy/index.js';
import { submitDraft } from '../outgoing/outgoing.approval.js';
import { requireVisibleOutgoing } from '../outgoing/outgoing.access.js';
import { addMainVersion, createDraft } from '../outgoing/outgoing.drafts.js';
import { issueOutgoingWithAccess } from '../outgoing/outgoing.issue.js';
import { DraftFieldsSchema, SubmitSchema } from '../outgoing/outgoing.schemas.js';
import { mainWithFile, signOutgoing, signOutgoingBatch } from '../outgoing/outgoing.signing.js';
import { openOutgoingFile } from '../outgoing/outgoing.detail.js';
import { readDeliveryStatus } from '../outgoing/outgoing.delivery-status.js';
import { listVisibleOutgoing, OutgoingListQuerySchema, outgoingDetail } from './outgoing.json.js';

const coordinate = z.number().min(-1e6).max(1e6);

/** Where a signature or a stamped line goes: a page (1-based) and [x, y, width, height] in points. */
export const PlacementSchema = z.object({
  page: z.number().int().min(1).max(100_000),
  rect: z.tuple([coordinate, coordinate, coordinate, coordinate]),
});

/**
 * recipients in a multipart form: a JSON array (one field), or bracketed fields
 * (recipients[0][agencyId]) that the form parser already made into an array.
 */
const jsonField = (v: unknown) => {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
};

/** The fields of a draft as the API takes them (multipart). */
export const ApiDraftSchema = DraftFieldsSchema.extend({
  recipients: z.preprocess(jsonField, DraftFieldsSchema.shape.recipients),
});

export const ApiSubmitSchema = SubmitSchema;

/** Consulted units and reviewers the drafter adds to the document's running or returned chain. */
export const ApiChainAdditionsSchema = ChainAdditionsSchema;

const COMMENT_NEEDED = ['return', 'reject', 'opinion', 'comment'];

/** An action on the current step of the document's latest chain, or a comment on the chain. */
export const ApiApprovalSchema = z
  .object({
    action: z.enum(
      ['approve', 'initial', 'return', 'reject', 'agree', 'opinion', 'comment', 'withdraw'],
      'errors:APPROVAL_ACTION_INVALID',
    ),
    comment: z.string().trim().max(4000).optional(),
    toPosition: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .optional()
      .describe('For return: the step to go back to (0 = the drafter, the default)'),
    version: z
      .number()
      .int()
      .positive()
      .max(1_000_000)
      .optional()
      .describe('The main file version decided on (default: the latest)'),
  })
  .refine((f) => !COMMENT_NEEDED.includes(f.action) || !!f.comment, {
    path: ['comment'],
    message: 'errors:APPROVAL_COMMENT_REQUIRED',
  });

export const ApiSignSchema = z.object({
  pin: z.string().max(64).optional().describe('The signing PIN (server-held key, or sent to CSC)'),
  placement: PlacementSchema.optional().describe(
    'Default: the signature block found in the text, else the end of the last page',
  ),
});

export const ApiSignBatchSchema = z.object({
  ids: z
    .array(z.number().int().positive().max(2_147_483_647))
    .min(1)
    .max(50)
    .describe('Documents waiting for the caller’s signature, up to 50'),
  pin: z.string().max(64).optional().describe('The signing PIN, entered once for all of them'),
});

export const ApiIssueSchema = z.object({
  number: PlacementSchema.optional().describe('Default: the placeholder after "Số:" on page 1'),
  date: PlacementSchema.optional().describe('Default: the place-and-date line on page 1'),
});

const documentId = (req: Request) => pathId(req, 'id', 'OUTGOING_NOT_FOUND');

/** Parses a JSON body with Vietnamese (or English) field messages. */
const body = <S extends z.ZodType>(req: Request, schema: S): z.infer<S> =>
  parseInput(schema, req.body ?? {}, req.lng, req.t);

/** The files of a draft: one `main`, up to ten `attachments`, each within MAX_UPLOAD_MB. */
function draftUpload(config: Config) {
  return memoryUpload(
    [
      { name: 'main', maxCount: 1 },
      { name: 'attachments', maxCount: 10 },
    ],
    { fileSize: config.maxUploadBytes, files: 11, fields: 60, fieldSize: 256 * 1024, parts: 80 },
  );
}

const filesOf = (req: Request, field: string) =>
  ((req.files as Record<string, Express.Multer.File[]> | undefined)?.[field] ?? []).map((f) => ({
    buffer: f.buffer,
    originalName: f.originalname,
  }));

/** Service refusals carry message keys in their fields; the API answers with the sentences. */
function translated(req: Request, err: unknown): unknown {
  if (!(err instanceof AppError) || !err.fields) return err;
  return new AppError(
    err.code,
    err.status,
    err.hasOwnMessage ? err.message : undefined,
    translateFields(req, err.fields),
    err.params,
  );
}

/** Runs a handler, turning service field keys into sentences in the caller's language. */
export const handle =
  (fn: (req: Request, res: Response) => Promise<unknown>) =>
  async (req: Request, res: Response, next: NextFunction) => {
    try {
      await fn(req, res);
    } catch (err) {
      next(translated(req, err));
    }
  };

/**
 * A placement the caller gave, checked against the pages of the document's latest main PDF (page
 * within the document, the box inside that page), as the signing page's form is. The document must
 * be visible and the action allowed first: a refusal never says anything of the file.
 */
export async function checkedPlacement(
  id: number,
  placement: Placement | undefined,
  user: User,
  action: 'outgoing.sign' | 'outgoing.issue',
): Promise<Placement | undefined> {
  // No placement, nothing of the file is read: the service checks the policy itself first.
  if (!placement) return undefined;
  authorize(user, action, await requireVisibleOutgoing(user, id));
  const main = await mainWithFile(id);
  const { pages } = await findPlacements(await readStoredFile(main.file!), main.originalName);
  const [rectX, rectY, rectW, rectH] = placement.rect;
  return parsePlacementForm(
    { page: placement.page, rectX, rectY, rectW, rectH },
    main.file!.pageCount ?? pages.length,
    pages,
  );
}

export function outgoingApi(config: Config): Router {
  const router = Router();
  const upload = draftUpload(config);

  router.get(
    '/',
    handle(async (req, res) => {
      const query = parseInput(OutgoingListQuerySchema, req.query, req.lng, req.t);
      res.json(await listVisibleOutgoing(req.user!, query));
    }),
  );

  router.post(
    '/',
    (req, _res, next) => {
      // Refused before any upload is read when the caller may not draft.
      authorize(req.user, 'outgoing.create');
      next();
    },
    upload,
    handle(async (req, res) => {
      const input = parseInput(ApiDraftSchema, req.body ?? {}, req.lng, req.t);
      const [main] = filesOf(req, 'main');
      const doc = await createDraft(
        input,
        { main, attachments: filesOf(req, 'attachments') },
        actorOf(req),
        { maxBytes: config.maxUploadBytes },
      );
      res
        .status(201)
        .location(`/api/v1/outgoing/${doc.id}`)
        .json(await outgoingDetail(doc.id, actorOf(req), { audit: false, t: req.t }));
    }),
  );

  router.get(
    '/:id',
    handle(async (req, res) => {
      res.json(await outgoingDetail(documentId(req), actorOf(req), { t: req.t }));
    }),
  );

  router.post(
    '/:id/versions',
    // Refused before any upload is read when the caller may not add a version.
    async (req, _res, next) => {
      const access = await requireVisibleOutgoing(req.user!, documentId(req));
      authorize(req.user, 'outgoing.edit', access);
      next();
    },
    upload,
    handle(async (req, res) => {
      const id = documentId(req);
      const [main] = filesOf(req, 'main');
      if (!main)
        throw new AppError('VALIDATION_FAILED', 422, undefined, { main: 'errors:FILE_REQUIRED' });
      const linked = await addMainVersion(id, main, actorOf(req), {
        maxBytes: config.maxUploadBytes,
      });
      res.status(linked.conversionJobId ? 202 : 201).json({
        ...linked,
        document: await outgoingDetail(id, actorOf(req), { audit: false, t: req.t }),
      });
    }),
  );

  router.post(
    '/:id/submit',
    handle(async (req, res) => {
      const id = documentId(req);
      await submitDraft(id, body(req, ApiSubmitSchema), actorOf(req));
      res.json(await outgoingDetail(id, actorOf(req), { audit: false, t: req.t }));
    }),
  );

  router.post(
    '/:id/approval',
    handle(async (req, res) => {
      const id = documentId(req);
      const input = body(req, ApiApprovalSchema);
      await requireVisibleOutgoing(req.user!, id);
      const flow = await latestFlowOf('outgoing', id, req.user!.agencyId);
      if (!flow) throw new AppError('APPROVAL_NOT_OPEN', 409);
      const access = await loadApprovalAccess(flow.id, req.user!);
      if (input.action === 'comment') {
        authorize(req.user, 'approval.comment', access);
        await commentOnApproval(flow.id, actorOf(req), input.comment!);
      } else if (input.action === 'withdraw') {
        // As the page: the drafter, before anyone acted on what they sent (409 after).
        authorizeWithdrawal(req.user!, access);
        await withdrawApproval(flow.id, actorOf(req));
      } else {
        authorize(req.user, 'approval.act', access);
        const version =
          input.version ?? (await mainFile({ kind: 'outgoing', id }))?.version ?? undefined;
        await actOnApproval(flow.id, actorOf(req), { ...input, action: input.action, version });
      }
      res.json(await outgoingDetail(id, actorOf(req), { audit: false, t: req.t }));
    }),
  );

  router.post(
    '/:id/approval/steps',
    handle(async (req, res) => {
      const id = documentId(req);
      const input = body(req, ApiChainAdditionsSchema);
      await requireVisibleOutgoing(req.user!, id);
      const flow = await latestFlowOf('outgoing', id, req.user!.agencyId);
      if (!flow) throw new AppError('APPROVAL_NOT_OPEN', 409);
      authorize(req.user, 'approval.adjust', await loadApprovalAccess(flow.id, req.user!));
      await addToChain(flow.id, actorOf(req), input);
      res.json(await outgoingDetail(id, actorOf(req), { audit: false, t: req.t }));
    }),
  );

  router.post(
    '/:id/sign',
    handle(async (req, res) => {
      const id = documentId(req);
      const input = body(req, ApiSignSchema);
      const placement = await checkedPlacement(id, input.placement, req.user!, 'outgoing.sign');
      await signOutgoing(id, { pin: input.pin, placement }, actorOf(req));
      res.json(await outgoingDetail(id, actorOf(req), { audit: false, t: req.t }));
    }),
  );

  // Issuance numbers, seals and dispatches in one transaction: there is no separate dispatch.
  // Several documents with one PIN entry: the key is opened once; each is signed at its default
  // place in its own transaction, one that fails does not stop the others.
  router.post(
    '/sign-batch',
    handle(async (req, res) => {
      const input = body(req, ApiSignBatchSchema);
      const results = await signOutgoingBatch([...new Set(input.ids)], input, actorOf(req));
      res.json({ results });
    }),
  );

  router.post(
    '/:id/issue',
    handle(async (req, res) => {
      const id = documentId(req);
      const input = body(req, ApiIssueSchema);
      const number = await checkedPlacement(id, input.number, req.user!, 'outgoing.issue');
      const date = await checkedPlacement(id, input.date, req.user!, 'outgoing.issue');
      // The answer reads the access the issuance's transaction left (document, recipients).
      const loaded = await issueOutgoingWithAccess(id, { number, date }, actorOf(req));
      res.json(await outgoingDetail(id, actorOf(req), { audit: false, t: req.t, loaded }));
    }),
  );

  router.get(
    '/:id/status',
    handle(async (req, res) => {
      res.json(await readDeliveryStatus(documentId(req), actorOf(req), req.t));
    }),
  );

  router.get(
    '/:id/files/:fileId',
    handle(async (req, res) => {
      const { documentFile, storedFile, stream } = await openOutgoingFile(
        documentId(req),
        pathId(req, 'fileId', 'FILE_NOT_FOUND'),
        actorOf(req),
      );
      res.set({
        'Content-Type': storedFile.mimeType,
        'Content-Length': String(storedFile.size),
        'Content-Disposition': contentDisposition('attachment', documentFile.originalName),
        'Cache-Control': 'private, no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      stream.on('error', () => res.destroy());
      stream.pipe(res);
    }),
  );
  return router;
}
