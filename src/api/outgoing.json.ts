/**
 * The read side of /api/v1/outgoing: the caller's visible documents, a page at a time (the SQL
 * mirror of canViewOutgoing), one document's detail, and their public JSON (edXML field names).
 *   listVisibleOutgoing(user, query) → { page, pages, total, items }
 *   outgoingDetail(id, actor, { audit?, t? }) → detail JSON (getOutgoingDetail, deliveryStatus)
 */
import type { TFunction } from 'i18next';
import { Op } from 'sequelize';
import { z } from 'zod';
import { flowOf, type FlowView } from '../approvals/approvals.flow-view.js';
import { actedOnOf } from '../documents/trail.service.js';
import type { DocumentFile } from '../files/file.model.js';
import { blankToUndefined, integer } from '../http/form-fields.js';
import type { Actor } from '../http/request-context.js';
import { authorize, can } from '../policy/index.js';
import { numberNotation } from '../outgoing/deliveries.common.js';
import type { OutgoingAccess } from '../outgoing/outgoing.access.js';
import { getOutgoingDetail } from '../outgoing/outgoing.detail.js';
import { deliveryStatus } from '../outgoing/outgoing.delivery-status.js';
import { OUTGOING_STATUSES, OutgoingDocument } from '../outgoing/outgoing.model.js';
import { filtersWhere } from '../outgoing/outgoing.list.js';
import { OutgoingFiltersSchema } from '../outgoing/outgoing.schemas.js';
import { OUTGOING_TABS, outgoingTabWhere } from '../outgoing/outgoing.visibility.js';
export { OUTGOING_TABS, type OutgoingTab } from '../outgoing/outgoing.visibility.js';
import type { User } from '../users/user.model.js';
import { translator } from '../i18n/index.js';

export const PAGE_SIZE = 20;

export const OutgoingListQuerySchema = OutgoingFiltersSchema.extend({
  tab: z
    .preprocess(blankToUndefined, z.enum(OUTGOING_TABS).default('all'))
    .describe('all | mine (drafted by me) | to_approve | to_sign | to_issue (clerks) | issued'),
  status: z.preprocess(blankToUndefined, z.enum(OUTGOING_STATUSES).optional()),
  page: z.preprocess(blankToUndefined, integer(z.number().int().min(1).max(100_000).default(1))),
});
export type OutgoingListQuery = z.infer<typeof OutgoingListQuerySchema>;

/** The outgoing documents the user may see, newest first, one page at a time. */
export async function listVisibleOutgoing(user: User, query: OutgoingListQuery) {
  authorize(user, 'outgoing.list');
  const where = {
    [Op.and]: [await outgoingTabWhere(user, query.tab, query.status), filtersWhere(query)],
  };
  const { rows, count } = await OutgoingDocument.findAndCountAll({
    where,
    order: [
      ['updatedAt', 'DESC'],
      ['id', 'DESC'],
    ],
    limit: PAGE_SIZE,
    offset: (query.page - 1) * PAGE_SIZE,
  });
  return {
    page: query.page,
    pages: Math.max(1, Math.ceil(count / PAGE_SIZE)),
    total: count,
    items: rows.map(outgoingJson),
  };
}

/** The public JSON of an outgoing document's fields. */
export function outgoingJson(doc: OutgoingDocument) {
  return {
    id: doc.id,
    status: doc.status,
    documentType: doc.documentType,
    subject: doc.subject,
    summary: doc.summary,
    urgency: doc.urgency,
    urgentDeliverBy: doc.urgentDeliverBy,
    confidentiality: doc.confidentiality,
    normative: doc.normative,
    signerId: doc.signerId,
    signingForm: doc.signingForm,
    signerTitle: doc.signerTitle,
    authorityName: doc.authorityName ?? null,
    principalTitle: doc.principalTitle ?? null,
    recipientsNote: doc.recipientsNote,
    placeName: doc.placeName,
    departmentId: doc.departmentId,
    codeNumber: doc.codeNumber ?? null,
    codeNotation: doc.codeNotation ?? null,
    numberNotation: doc.codeNumber != null ? numberNotation(doc) : null,
    promulgationDate: doc.promulgationDate ?? null,
    signedAt: doc.signedAt ?? null,
    issuedAt: doc.issuedAt ?? null,
    recalledAt: doc.recalledAt ?? null,
    relatedId: doc.relatedId,
    relation: doc.relation,
    answersIncomingId: doc.answersIncomingId ?? null,
    createdById: doc.createdById,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

const fileJson = (documentId: number) => (f: DocumentFile) => ({
  id: f.id,
  role: f.role,
  version: f.version,
  name: f.originalName,
  size: Number(f.file?.size ?? 0),
  sha256: f.file?.sha256 ?? null,
  pageCount: f.file?.pageCount ?? null,
  signedFromId: f.signedFromId ?? null,
  createdAt: f.createdAt,
  href: `/api/v1/outgoing/${documentId}/files/${f.id}`,
});

/** Each signed revision, told apart by what it signs: the leader's, the seal's, an attachment's. */
function signaturesOf(files: DocumentFile[]) {
  const byId = new Map(files.map((f) => [f.id, f]));
  return files
    .filter((f) => f.role === 'signed')
    .map((f) => {
      const source = f.signedFromId != null ? byId.get(f.signedFromId) : undefined;
      const kind =
        source?.role === 'main' ? 'leader' : source?.role === 'signed' ? 'seal' : 'attachment';
      return { fileId: f.id, kind, signedFromId: f.signedFromId ?? null, at: f.createdAt };
    });
}

/** The latest chain; a delegate's decision or comment names whom they acted for. */
function approvalJson(flow: FlowView | null, t: TFunction) {
  if (!flow) return null;
  const label = (v: { actorName: string; onBehalfOfName: string | null }) =>
    v.onBehalfOfName
      ? t('approvals:panel.onBehalfOf', { actor: v.actorName, principal: v.onBehalfOfName })
      : v.actorName;
  return {
    id: flow.id,
    status: flow.status,
    round: flow.round,
    currentPosition: flow.currentPosition,
    currentVersion: flow.currentVersion,
    steps: flow.steps.map((s) => ({
      position: s.position,
      title: s.title,
      kind: s.kind,
      rule: s.rule,
      required: s.required,
      status: s.status,
      isActive: s.isActive,
      dueOn: s.dueOn,
      isOverdue: s.isOverdue,
      members: s.members,
      decisions: s.decisions.map((d) => ({
        assigneeId: d.assigneeId,
        assigneeName: d.assigneeName,
        actorId: d.actorId,
        actorName: d.actorName,
        onBehalfOfName: d.onBehalfOfName,
        actorLabel: label(d),
        decision: d.decision,
        comment: d.comment,
        version: d.version,
        decidedAt: d.decidedAt,
        round: d.round,
        isOlderVersion: d.isOlderVersion,
      })),
    })),
    comments: flow.comments.map((c) => ({ ...c, actorLabel: label(c) })),
  };
}

/** What the caller may do now, as the policy says. */
function allowedActions(user: User, access: OutgoingAccess) {
  return {
    edit: can(user, 'outgoing.edit', access),
    submit: can(user, 'outgoing.submit', access),
    sign: can(user, 'outgoing.sign', access),
    issue: can(user, 'outgoing.issue', access),
  };
}

/**
 * One outgoing document the caller may see (404 otherwise), read by the detail service the page
 * uses: fields, main file versions, all files, the approval chain's summary, signatures, each
 * recipient with its delivery status (the sender's tracking service) and the trail. Audited as
 * outgoing.view unless `audit: false` (the answer to an action just audited).
 */
export async function outgoingDetail(
  id: number,
  actor: Actor,
  options: {
    audit?: boolean;
    t?: TFunction;
    /** The access an action just left for this user (its answer): not read again. */
    loaded?: OutgoingAccess;
  } = {},
) {
  const detail = await getOutgoingDetail(id, actor, {
    audit: options.audit !== false,
    loaded: options.loaded,
    // The JSON names neither the signer nor the drafter beyond their ids.
    people: false,
    statusEvents: true,
  });
  const { access, files } = detail;
  const latestMain = files.filter((f) => f.role === 'main').at(-1)?.version ?? null;
  const [flow, deliveries] = await Promise.all([
    // No flow when the access (read just now) found none: its latest status is never null.
    access.flowStatus === null
      ? null
      : flowOf({ kind: 'outgoing', id }, { currentVersion: latestMain }),
    deliveryStatus(id, actor.user, options.t, access, detail.statusEvents),
  ]);
  const toFile = fileJson(id);
  return {
    ...outgoingJson(access.document),
    currentVersion: latestMain,
    conversion: detail.conversion,
    versions: files.filter((f) => f.role === 'main').map(toFile),
    files: files.filter((f) => f.role !== 'source').map(toFile),
    approval: approvalJson(flow, options.t ?? translator('vi')),
    signatures: signaturesOf(files),
    recipients: deliveries.recipients,
    allowed: allowedActions(actor.user, access),
    trail: (await actedOnOf(detail.events)).map(({ event: e, version, onBehalfOf }) => ({
      action: e.action,
      note: e.note,
      actor: e.actor ? { id: e.actor.id, fullName: e.actor.fullName } : null,
      /** Whom the actor acted for under a delegation. */
      onBehalfOf,
      /** The main file's version the step was taken on, where it says. */
      version,
      at: e.createdAt,
    })),
  };
}
export type OutgoingDetailJson = Awaited<ReturnType<typeof outgoingDetail>>;
