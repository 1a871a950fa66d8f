import type { Placement } from '../drafting/placement-scan.js';
import type { DocumentEvent } from '../documents/document.model.js';
import { answerDraftValues, answeredIncoming, answeringFor } from './outgoing.answers.js';
import { Router, type Request, type Response } from 'express';
import { Op } from 'sequelize';
import { Agency, Department } from '../agencies/agency.model.js';
import {
  additionOptions,
  approvalPanel,
  type AdditionOptions,
} from '../approvals/approvals.view-model.js';
import { templatesFor } from '../approvals/approval-templates.service.js';
import { documentTextsModel, foundInRows } from '../incoming/incoming.search-pages.js';
import { filesOfDocument } from '../records-files/records-files.panel.js';
import { outgoingTextsOf } from './outgoing.texts.js';
import type { Config } from '../config.js';
import {
  DOCUMENT_TYPES,
  documentTypeLabel,
  documentTypeName,
} from '../documents/document-types.js';
import { parsePlacementForm } from '../drafting/placement.js';
import { readStoredFile } from '../files/file-storage.service.js';
import { contentDisposition } from '../http/content-disposition.js';
import { AppError } from '../http/app-error.js';
import { toInteger } from '../http/form-fields.js';
import { requirePermission, requireUser } from '../http/auth.js';
import { flash } from '../http/flash.js';
import {
  isFormError,
  messageOf,
  readFilters,
  translateFields,
  typedFilter,
  type FilterRefusal,
} from '../http/forms.js';
import { actedOnOf } from '../documents/trail.service.js';
import { pathId } from '../http/params.js';
import { actorOf } from '../http/request-context.js';
import { auditAccess } from '../audit/audit.service.js';
import { forForm, memoryUpload, throwUploadError, uploadsOf } from '../http/uploads.js';
import { parseInput } from '../http/validate.js';
import { authorize, can } from '../policy/index.js';
import { User } from '../users/user.model.js';
import { requireVisibleOutgoing, type OutgoingAccess } from './outgoing.access.js';
import {
  chainOfSubmission,
  previewChain,
  returnToDrafter,
  submitDraft,
} from './outgoing.approval.js';
import {
  compareVersions,
  decree30Advice,
  getOutgoingDetail,
  openOutgoingFile,
  statusKeyOf,
} from './outgoing.detail.js';
import { isFiltered, outgoingPage } from './outgoing.list.js';
import {
  addAttachments,
  addMainVersion,
  createDraft,
  dismissAdvice,
  updateDraft,
} from './outgoing.drafts.js';
import {
  issuanceQueue,
  issueOutgoing,
  leaderSignedFile,
  notationToGive,
  printedNotation,
  sameNotation,
} from './outgoing.issue.js';
import { deliveryStatusModel } from './outgoing.delivery-status.js';
import { SIGNING_FORMS } from './outgoing.model.js';
import { layoutOf } from './version-layout.js';
import {
  saveFromList,
  savedSearchPanel,
  type SavePanelState,
} from '../saved-searches/saved-searches.panel.js';
import { exportOutgoing } from './outgoing.export.js';
import { DocumentFile } from '../files/file.model.js';
import { signerSetupOf } from '../signing-keys/index.js';
import {
  DraftFieldsSchema,
  ReturnToDrafterSchema,
  OUTGOING_TABS,
  OutgoingPageQuerySchema,
  SubmitSchema,
  type OutgoingFilters,
  type OutgoingTab,
  type RecipientInput,
  type SubmitInput,
} from './outgoing.schemas.js';
import { formUrgency, TIMED_EXPRESS } from '../documents/urgency.js';
import {
  mainWithFile,
  signingPreview,
  signOutgoing,
  signOutgoingBatch,
} from './outgoing.signing.js';
import { NAME_ORDER } from '../users/name-order.js';

const idParam = (req: Request, name = 'id') => pathId(req, name, 'OUTGOING_NOT_FOUND');

const asList = (v: unknown): string[] =>
  v === undefined || v === null ? [] : (Array.isArray(v) ? v : [v]).map(String);

/**
 * The form's recipients: agencies of this deployment and departments of one's own agency picked
 * from lists, agencies outside typed one per line as "name | identifier".
 */
/**
 * The meeting a conclusion notice was drafted from, or whose invitation this is, named by its
 * trail event (a link back: to the meeting, or to its invitation page).
 */
const meetingOfEvent = (action: string, data: string | null): string | null => {
  if ((action !== 'meeting.notice' && action !== 'meeting.invitation') || !data) return null;
  const id = Number((JSON.parse(data) as { meetingId?: unknown }).meetingId);
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  return action === 'meeting.invitation' ? `/meetings/${id}/invitation` : `/meetings/${id}`;
};

export function recipientsOf(body: Record<string, unknown>): RecipientInput[] {
  const out: RecipientInput[] = [];
  for (const a of asList(body.recipientAgencyIds))
    if (a) out.push({ agencyId: Number(a) } as RecipientInput);
  for (const d of asList(body.recipientDepartmentIds))
    if (d) out.push({ departmentId: Number(d) } as RecipientInput);
  for (const line of String(body.externalRecipients ?? '')
    .split(/\r?\n/)
    .slice(0, 500)) {
    const [name, code] = line.split('|').map((s) => s.trim());
    if (name) out.push({ name, code: code || undefined } as RecipientInput);
  }
  return out;
}

function draftInput(req: Request) {
  const body = (req.body ?? {}) as Record<string, unknown>;
  return parseInput(DraftFieldsSchema, { ...body, recipients: recipientsOf(body) }, req.lng, req.t);
}

async function formOptions(req: Request) {
  const user = req.user!;
  const [agencies, departments, people] = await Promise.all([
    Agency.findAll({
      where: { id: { [Op.ne]: user.agencyId } },
      order: [['name', 'ASC']],
      limit: 500,
    }),
    Department.findAll({ where: { agencyId: user.agencyId }, order: [['name', 'ASC']] }),
    User.findAll({
      where: { agencyId: user.agencyId, isActive: true },
      order: NAME_ORDER,
    }),
  ]);
  return {
    // "Quyết định (QĐ)"; Công văn under its name only (its symbol has no type abbreviation).
    documentTypes: DOCUMENT_TYPES.map((d) => ({
      code: d.code,
      name: req.lng === 'en' ? d.en : d.vi,
      label: documentTypeLabel(d.code, req.lng),
    })),
    levels: [0, 1, 2, 3].map((v) => ({
      value: String(v),
      confidentiality: req.t(`confidentiality.${v}`),
    })),
    // "Hỏa tốc hẹn giờ" is its own choice, with its time field.
    urgencies: [0, 1, 2, 3, TIMED_EXPRESS].map((v) => ({
      value: String(v),
      label: v === TIMED_EXPRESS ? req.t('incoming:urgency.timed') : req.t(`urgency.${v}`),
    })),
    signingForms: SIGNING_FORMS.map((f) => ({
      value: f,
      label: f ? `${f}.` : req.t('outgoing:form.noForm'),
    })),
    agencies: agencies.map((a) => ({ id: a.id, name: a.name })),
    departments: departments.map((d) => ({ id: d.id, name: d.name })),
    signers: people
      .filter((p) => p.hasRole('leader') || p.hasRole('dept_head'))
      .map((p) => ({
        id: p.id,
        name: p.positionTitle ? `${p.fullName} – ${p.positionTitle}` : p.fullName,
      })),
  };
}

/** Plain values to show a form again (files are never echoed). */
function formValues(body: unknown): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((body as Record<string, unknown>) ?? {}))
    if (key !== '_csrf' && key !== 'pin')
      values[key] = typeof value === 'string' ? value.slice(0, 5000) : value;
  return values;
}

async function renderForm(
  config: Config,
  req: Request,
  res: Response,
  status: number,
  extra: Record<string, unknown>,
) {
  const values = (extra.values ?? {}) as Record<string, unknown>;
  const listOf = (v: unknown) => (v === undefined || v === null || v === '' ? [] : asList(v));
  // A reply names the incoming document it answers (kept through edits and refusals).
  const answering = values.answersIncomingId
    ? await answeringFor(req.user!, values.answersIncomingId, req.t, req.lng)
    : null;
  res.status(status).render('outgoing/form', {
    title: extra.isEdit
      ? req.t('outgoing:edit.title')
      : answering
        ? req.t('outgoing:answer.title')
        : req.t('outgoing:form.title'),
    ...(await formOptions(req)),
    answering,
    maxUploadMb: Math.round(config.maxUploadBytes / 1024 / 1024),
    errors: {},
    ...extra,
    signerIdList: listOf(values.signerId),
    values: {
      ...values,
      recipientAgencyIds: listOf(values.recipientAgencyIds),
      recipientDepartmentIds: listOf(values.recipientDepartmentIds),
    },
  });
}

function fieldErrorsOf(req: Request, err: AppError) {
  const errors = translateFields(req, err.fields);
  if (/^FILE_|^PDF_/.test(err.code) || err.code === 'FILE_TOO_LARGE')
    errors.files = messageOf(req, err);
  return errors;
}

const statusLabel = (req: Request, a: Pick<OutgoingAccess, 'document' | 'flowStatus'>) =>
  req.t(`outgoing:status.${statusKeyOf(a)}`);

const signedKind = (from: string | undefined) =>
  from === 'main' ? 'leader' : from === 'signed' ? 'issued' : 'attachment';

/**
 * What the submit form offers the drafter besides the template: consulted units and reviewers
 * for this document (where the returned chain, or a template that applies, allows them), placed
 * after a step of the chain the submission would take; null when nothing may be added.
 */
async function submitAdditions(
  req: Request,
  access: OutgoingAccess,
  templates: { allowExtraReviewers: boolean }[],
  chosen: SubmitInput,
): Promise<AdditionOptions | null> {
  const actor = actorOf(req);
  const chain = await chainOfSubmission(access.document, chosen, actor).catch((err: unknown) => {
    // A template that does not apply is said on its own field; the default chain is offered.
    if (err instanceof AppError && err.status === 422)
      return chainOfSubmission(access.document, {}, actor);
    throw err;
  });
  const allowed = chain.returned ? chain.allowsExtra : templates.some((t) => t.allowExtraReviewers);
  if (!allowed) return null;
  return additionOptions(req.user!.agencyId, access.document.createdById, chain.steps, 0, chosen);
}

/** The latest step a document took (submitted, sent back, signed…), not a new file or comment. */
function lastStepOf(events: DocumentEvent[]): DocumentEvent | undefined {
  return events
    .filter((e) => ['submit', 'return', 'sign', 'issue'].includes(e.action))
    .reduce<DocumentEvent | undefined>(
      (last, e) => (!last || e.id > last.id ? e : last),
      undefined,
    );
}

async function detailModel(
  req: Request,
  id: number,
  extra: Record<string, unknown> & { submitted?: SubmitInput } = {},
  audit = true,
) {
  const user = req.user!;
  const detail = await getOutgoingDetail(id, actorOf(req), { audit });
  const { access } = detail;
  const doc = access.document;
  const main = detail.files.filter((f) => f.role === 'main');
  const editable = can(user, 'outgoing.edit', access);
  const submittable = can(user, 'outgoing.submit', access);
  const templates = editable
    ? await templatesFor(doc.documentType, doc.departmentId, user.agencyId)
    : [];
  const advice = editable ? await decree30Advice(access, detail.files).catch(() => []) : [];
  // The text read from its files for search (a scan's by OCR), as the incoming page shows it.
  const documentTexts = documentTextsModel(req, await outgoingTextsOf(id));
  // The reader's records files holding the document or open to it (the "Hồ sơ" panel).
  const recordsFiles = await filesOfDocument(user, 'outgoing', id);
  // Where the document stands with each recipient, once it left the agency.
  const delivery = ['issued', 'recalled'].includes(doc.status)
    ? await deliveryStatusModel(req, id)
    : null;
  // Back with its drafter after the signer or the clerk sent it back: said at the top, with
  // the reason, rather than only in the trail at the bottom.
  const lastStep = doc.status === 'draft' ? lastStepOf(detail.events) : undefined;
  const sentBack =
    lastStep?.action === 'return'
      ? { by: lastStep.actor?.fullName ?? '', reason: lastStep.note ?? '', at: lastStep.createdAt }
      : null;
  return {
    title: doc.subject.slice(0, 120),
    sentBack,
    doc: {
      ...doc.get({ plain: true }),
      typeName: documentTypeName(doc.documentType, req.lng),
      statusLabel: statusLabel(req, access),
      numberSymbol: doc.codeNumber
        ? `${String(doc.codeNumber).padStart(2, '0')}/${doc.codeNotation}`
        : null,
    },
    flowStatus: access.flowStatus,
    recipients: access.recipients.map((r) => r.get({ plain: true })),
    delivery,
    documentTexts,
    recordsFiles,
    signer: detail.signer
      ? { name: detail.signer.fullName, title: detail.signer.positionTitle }
      : null,
    drafter: detail.drafter ? { name: detail.drafter.fullName } : null,
    answers: await answeredIncoming(user, doc, req.t, req.lng),
    versions: main.map((f) => ({
      id: f.id,
      version: f.version,
      name: f.originalName,
      at: f.createdAt,
    })),
    latestVersion: main.at(-1)?.version ?? null,
    // Each signed file says what it is: the leader's signed copy, the issued one (numbered and
    // sealed, signing the leader's) or a signed annex; they share their draft's file name.
    signedFiles: detail.files
      .filter((f) => f.role === 'signed')
      .map((f) => ({
        id: f.id,
        name: f.originalName,
        at: f.createdAt,
        kind: signedKind(detail.files.find((g) => g.id === f.signedFromId)?.role),
      })),
    attachments: detail.files
      .filter((f) => f.role === 'attachment')
      .map((f) => ({ id: f.id, name: f.originalName })),
    conversion: detail.conversion,
    advice: advice.map((a) => ({ rule: a.rule, text: req.lng === 'en' ? a.en : a.vi })),
    events: (await actedOnOf(oneLinePerSubmission(detail.events))).map(
      ({ event: e, version, onBehalfOf }) => ({
        action: req.t(`outgoing:event.${e.action}`, { defaultValue: e.action }),
        actor: e.actor?.fullName ?? '',
        onBehalfOfName: onBehalfOf?.fullName ?? null,
        version,
        note: e.note,
        href: meetingOfEvent(e.action, e.data),
        at: e.createdAt,
      }),
    ),
    approval: await approvalPanel({ kind: 'outgoing', id }, user),
    templates: templates.map((t) => ({
      id: t.id,
      name: t.name,
      selected: t.id === extra.submitted?.templateId,
    })),
    additions: submittable
      ? await submitAdditions(req, access, templates, extra.submitted ?? {})
      : null,
    may: {
      edit: editable,
      submit: submittable,
      sign: can(user, 'outgoing.sign', access),
      giveBack: can(user, 'outgoing.return', access),
      issue: can(user, 'outgoing.issue', access),
      recall: can(user, 'outgoing.recall', access),
    },
    ...extra,
  };
}

/** A refused step on the document page: its message shown there, with a 4xx. */
async function renderDetailError(
  req: Request,
  res: Response,
  id: number,
  err: AppError,
  form?: string,
  submitted?: SubmitInput,
) {
  res.status(err.status).render('outgoing/detail', {
    ...(await detailModel(req, id, { submitted }, false)),
    form,
    formErrors: fieldErrorsOf(req, err),
    formError: messageOf(req, err),
  });
}

/**
 * The tab asked for, else the one a person opens the list for: the clerk's issuing queue, the
 * leader's documents to sign, everyone else's own drafts.
 */
function tabAsked(req: Request, query: unknown = req.query): OutgoingTab {
  // The tab alone: a filter typed wrong is the list's to say beside its field (listQueryOf).
  const { tab } = parseInput(OutgoingPageQuerySchema.pick({ tab: true }), query, req.lng, req.t);
  if (tab) return tab;
  const user = req.user!;
  if (user.hasRole('clerk')) return 'to_issue';
  if (user.hasRole('leader')) return 'to_sign';
  return 'mine';
}

/** The list's filters and page from the query string (a date that is not one: 422). */
function listQueryOf(req: Request, query: Record<string, unknown> = req.query) {
  const { tab: _tab, ...filters } = parseInput(OutgoingPageQuerySchema, query, req.lng, req.t);
  const n = Number(query.page);
  const page = Number.isSafeInteger(n) && n >= 1 && n <= 100_000 ? n : 1;
  return { filters: filters as OutgoingFilters, page };
}

/** The list's address with its tab, filters and page (those that have a value). */
export function outgoingListHref(
  path: string,
  tab: OutgoingTab,
  filters: OutgoingFilters,
  page = 1,
): string {
  const params = new URLSearchParams({ tab });
  for (const [k, v] of Object.entries(filters)) if (v) params.set(k, String(v));
  if (page > 1) params.set('page', String(page));
  return `${path}?${params.toString()}`;
}

/**
 * A list tab of outgoing documents, filtered, a page at a time; a refused batch signature shows
 * the signer's tab again.
 */
async function renderList(
  req: Request,
  res: Response,
  tab: OutgoingTab,
  status = 200,
  saveState?: SavePanelState | FilterRefusal,
  query: Record<string, unknown> = req.query,
) {
  const refusal = saveState && 'filterErrors' in saveState ? saveState : undefined;
  // A refused batch signature (a POST) shows the signer's tab unfiltered.
  const { filters, page } =
    req.method === 'GET' || saveState ? listQueryOf(req, query) : { filters: {}, page: 1 };
  const list = await outgoingPage(req.user!, tab, filters, page);
  // The clerk's queue: urgent first, and late when past the working day after signing.
  const queue =
    tab === 'to_issue'
      ? new Map((await issuanceQueue(req.user!)).map((q) => [q.document.id, q]))
      : null;
  const href = (p: number) => outgoingListHref('/outgoing', tab, filters, p);
  // Where the typed words were found: the subject marked, an excerpt of a file's text.
  const found = filters.q
    ? await foundInRows(
        req,
        'outgoing',
        list.rows.map((a) => ({ id: a.document.id, subject: a.document.subject ?? '' })),
        filters.q,
      )
    : new Map();
  res.status(status).render('outgoing/list', {
    title: req.t('outgoing:list.title'),
    // The issuing queue is the clerks' own: empty for everyone else, it is not offered to them.
    tabs: OUTGOING_TABS.filter((t) => t !== 'to_issue' || req.user!.hasRole('clerk')).map((t) => ({
      tab: t,
      label: req.t(`outgoing:tabs.${t}`),
      current: t === tab,
      href: outgoingListHref('/outgoing', t, filters),
    })),
    tab,
    filters,
    filtered: isFiltered(filters),
    documentTypes: DOCUMENT_TYPES.map((d) => ({
      value: d.code,
      label: documentTypeName(d.code, req.lng),
      selected: d.code === filters.type,
    })),
    total: list.total,
    savedSearches: await savedSearchPanel(
      req,
      'outgoing',
      { tab, ...filters },
      refusal ? undefined : (saveState as SavePanelState | undefined),
    ),
    filterErrors: refusal?.filterErrors ?? {},
    typedFrom: typedFilter(refusal, 'from'),
    typedTo: typedFilter(refusal, 'to'),
    exportHref: outgoingListHref('/outgoing/export.xlsx', tab, filters),
    pagination: {
      page: list.page,
      pages: list.pages,
      prevHref: list.page > 1 ? href(list.page - 1) : null,
      nextHref: list.page < list.pages ? href(list.page + 1) : null,
    },
    batch: tab === 'to_sign' && list.rows.length > 0,
    rows: list.rows.map((a) => ({
      id: a.document.id,
      subject: a.document.subject,
      ...found.get(a.document.id),
      typeName: documentTypeName(a.document.documentType, req.lng),
      status: statusLabel(req, a),
      urgency: a.document.urgency,
      urgentDeliverBy: a.document.urgentDeliverBy,
      late: queue?.get(a.document.id)?.late ?? false,
      numberSymbol: a.document.codeNumber
        ? `${String(a.document.codeNumber).padStart(2, '0')}/${a.document.codeNotation}`
        : null,
      promulgationDate: a.document.promulgationDate,
      updatedAt: a.document.updatedAt,
    })),
  });
}

/** The outgoing pages: lists, drafting, versions, Decree 30 advice, signing, issuance. */
export function outgoingPages(config: Config): Router {
  const router = Router();
  const upload = forForm(
    memoryUpload('files', { fileSize: config.maxUploadBytes, files: 10, fields: 600 }),
  );
  const single = forForm(
    memoryUpload('main', { fileSize: config.maxUploadBytes, files: 1, fields: 10 }),
  );

  router.get('/outgoing', requireUser, requirePermission('outgoing.list'), async (req, res) => {
    const { query, refusal } = readFilters(req, (q) => listQueryOf(req, q));
    await renderList(req, res, tabAsked(req), refusal ? 422 : 200, refusal, query);
  });

  // "Lưu tìm kiếm này": the tab shown, under a name (saved-searches.panel.ts).
  router.post(
    '/outgoing/saved-searches',
    requireUser,
    requirePermission('outgoing.list'),
    async (req, res) => {
      const outcome = await saveFromList(req, 'outgoing');
      if (outcome.saved) return res.redirect(303, outcome.href);
      const query = Object.fromEntries(new URLSearchParams(outcome.query));
      await renderList(req, res, tabAsked(req, query), outcome.status, outcome.state, query);
    },
  );

  // Before /outgoing/:id: the rows of a list tab as XLSX (outgoing.export.ts).
  router.get(
    '/outgoing/export.xlsx',
    requireUser,
    requirePermission('outgoing.list'),
    async (req, res) => {
      await exportOutgoing(req, res, tabAsked(req));
    },
  );

  router.get(
    '/outgoing/new',
    requireUser,
    requirePermission('outgoing.create'),
    async (req, res) => {
      // "Soạn văn bản trả lời" from an incoming document: ?answers=<its id>.
      if (req.query.answers !== undefined) {
        const incomingId = Number(asList(req.query.answers)[0]);
        const { values } = await answerDraftValues(req.user!, incomingId, req.t, req.lng);
        // The form shows the answered document's number, sender and subject: a read of it.
        await auditAccess('incoming.view', actorOf(req), 'incoming', incomingId, {
          page: 'answer',
        });
        return renderForm(config, req, res, 200, { values });
      }
      await renderForm(config, req, res, 200, {
        values: { documentType: 'CV', urgency: '0', confidentiality: '0' },
      });
    },
  );

  router.post(
    '/outgoing',
    requireUser,
    requirePermission('outgoing.create'),
    upload,
    async (req, res) => {
      try {
        throwUploadError(res);
        const input = draftInput(req);
        const [main, ...attachments] = uploadsOf(req);
        const doc = await createDraft(input, { main, attachments }, actorOf(req), {
          maxBytes: config.maxUploadBytes,
        });
        flash(req, 'success', req.t('outgoing:flash.created'));
        res.redirect(303, `/outgoing/${doc.id}`);
      } catch (err) {
        if (!isFormError(err)) throw err;
        await renderForm(config, req, res, err.status, {
          errors: fieldErrorsOf(req, err),
          formError: messageOf(req, err),
          values: formValues(req.body),
        });
      }
    },
  );

  router.post('/outgoing/sign-batch', requireUser, async (req, res) => {
    const ids = asList(req.body?.ids)
      .map(Number)
      .filter((n) => Number.isSafeInteger(n) && n > 0);
    try {
      const results = await signOutgoingBatch(
        ids,
        { pin: String(req.body?.pin ?? '') },
        actorOf(req),
      );
      const ok = results.filter((r) => r.ok).length;
      flash(
        req,
        ok === results.length ? 'success' : 'error',
        req.t('outgoing:flash.batchSigned', { ok, total: results.length }),
      );
    } catch (err) {
      // Someone else's document or a step not theirs is refused as such; a PIN problem is shown.
      if (!(err instanceof AppError) || [403, 404].includes(err.status) || err.status >= 500)
        throw err;
      // The signer's tab again with the refusal's status: a redirect would answer it as a success.
      // A list has no field to mark: the field's own message says what to do (choose one…).
      const fieldMessages = Object.values(translateFields(req, err.fields));
      flash(req, 'error', fieldMessages.length ? fieldMessages.join(' ') : messageOf(req, err));
      return renderList(req, res, 'to_sign', err.status);
    }
    res.redirect(303, '/outgoing?tab=to_sign');
  });

  router.get('/outgoing/:id', requireUser, async (req, res) => {
    res.render('outgoing/detail', await detailModel(req, idParam(req)));
  });

  router.get('/outgoing/:id/files/:fileId', requireUser, async (req, res) => {
    const { documentFile, storedFile, stream } = await openOutgoingFile(
      idParam(req),
      idParam(req, 'fileId'),
      actorOf(req),
    );
    const disposition = req.query.download === '1' ? 'attachment' : 'inline';
    res.set({
      'Content-Type': storedFile.mimeType,
      'Content-Length': String(storedFile.size),
      'Content-Disposition': contentDisposition(disposition, documentFile.originalName),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  });

  router.get('/outgoing/:id/compare', requireUser, async (req, res) => {
    const id = idParam(req);
    const from = toInteger(req.query.from);
    const to = toInteger(req.query.to);
    // Version numbers as the strict parser reads them (not 0x10, 1e3 or a list).
    if (typeof from !== 'number' || typeof to !== 'number' || !(from >= 1) || !(to >= 1))
      throw new AppError('OUTGOING_VERSION_NOT_FOUND', 404);
    const diff = await compareVersions(id, from, to, actorOf(req));
    res.render('outgoing/compare', {
      title: req.t('outgoing:compare.title', { from, to }),
      id,
      from,
      to,
      diff,
    });
  });

  router.get('/outgoing/:id/edit', requireUser, async (req, res) => {
    const access = await requireVisibleOutgoing(req.user!, idParam(req));
    authorize(req.user, 'outgoing.edit', access);
    const doc = access.document.get({ plain: true });
    // The form shows the document's fields: a read of it, like its page.
    await auditAccess('outgoing.view', actorOf(req), 'outgoing', doc.id, { page: 'edit' });
    await renderForm(config, req, res, 200, {
      isEdit: true,
      doc,
      values: {
        ...doc,
        urgency: String(formUrgency(doc)),
        confidentiality: String(doc.confidentiality),
        normative: doc.normative ? 'on' : '',
        recipientAgencyIds: access.recipients
          .filter((r) => r.recipientAgencyId)
          .map((r) => String(r.recipientAgencyId)),
        recipientDepartmentIds: access.recipients
          .filter((r) => r.departmentId)
          .map((r) => String(r.departmentId)),
        externalRecipients: access.recipients
          .filter((r) => !r.recipientAgencyId && !r.departmentId)
          .map((r) => (r.code ? `${r.name} | ${r.code}` : r.name))
          .join('\n'),
      },
    });
  });

  router.post('/outgoing/:id/edit', requireUser, async (req, res) => {
    const id = idParam(req);
    try {
      await updateDraft(id, draftInput(req), actorOf(req));
    } catch (err) {
      if (!isFormError(err)) throw err;
      const access = await requireVisibleOutgoing(req.user!, id);
      authorize(req.user, 'outgoing.edit', access);
      return renderForm(config, req, res, err.status, {
        isEdit: true,
        doc: access.document.get({ plain: true }),
        errors: fieldErrorsOf(req, err),
        formError: messageOf(req, err),
        values: formValues(req.body),
      });
    }
    flash(req, 'success', req.t('outgoing:flash.updated'));
    res.redirect(303, `/outgoing/${id}`);
  });

  // Refused before any upload is read when the person may not change this document.
  const mayEdit = async (req: Request, _res: Response, next: () => void) => {
    authorize(req.user, 'outgoing.edit', await requireVisibleOutgoing(req.user!, idParam(req)));
    next();
  };

  router.post('/outgoing/:id/versions', requireUser, mayEdit, single, async (req, res) => {
    const id = idParam(req);
    try {
      throwUploadError(res);
      if (!req.file)
        throw new AppError('VALIDATION_FAILED', 422, undefined, { files: 'errors:FILE_REQUIRED' });
      const result = await addMainVersion(
        id,
        { buffer: req.file.buffer, originalName: req.file.originalname },
        actorOf(req),
        { maxBytes: config.maxUploadBytes },
      );
      flash(
        req,
        'success',
        result.version
          ? req.t('outgoing:flash.version', { version: result.version })
          : req.t('outgoing:flash.converting'),
      );
      res.redirect(303, `/outgoing/${id}`);
    } catch (err) {
      if (!isFormError(err)) throw err;
      await renderDetailError(req, res, id, err, 'version');
    }
  });

  router.post('/outgoing/:id/attachments', requireUser, mayEdit, upload, async (req, res) => {
    const id = idParam(req);
    try {
      throwUploadError(res);
      const count = await addAttachments(id, uploadsOf(req), actorOf(req), {
        maxBytes: config.maxUploadBytes,
      });
      flash(req, 'success', req.t('outgoing:flash.attached', { count }));
      res.redirect(303, `/outgoing/${id}`);
    } catch (err) {
      if (!isFormError(err)) throw err;
      await renderDetailError(req, res, id, err, 'attachments');
    }
  });

  router.post('/outgoing/:id/advice/dismiss', requireUser, async (req, res) => {
    const id = idParam(req);
    const rule = String(req.body?.rule ?? '').slice(0, 40);
    if (!rule) throw new AppError('VALIDATION_FAILED', 422);
    await dismissAdvice(id, rule, actorOf(req));
    res.redirect(303, `/outgoing/${id}`);
  });

  // Submits the draft; with `preview`, shows the chain it would go along (the drafter's consulted
  // units and reviewers put in) and the form again, nothing sent.
  router.post('/outgoing/:id/submit', requireUser, async (req, res) => {
    const id = idParam(req);
    let input: SubmitInput | undefined;
    try {
      input = parseInput(SubmitSchema, req.body ?? {}, req.lng, req.t);
      if (req.body?.preview) {
        const chainPreview = await previewChain(id, input, actorOf(req));
        return res.render('outgoing/detail', {
          ...(await detailModel(req, id, { submitted: input }, false)),
          form: 'submit',
          chainPreview,
        });
      }
      await submitDraft(id, input, actorOf(req));
      flash(req, 'success', req.t('outgoing:flash.submitted'));
      res.redirect(303, `/outgoing/${id}`);
    } catch (err) {
      if (
        !(err instanceof AppError) ||
        err.status >= 500 ||
        err.status === 404 ||
        err.status === 403
      )
        throw err;
      await renderDetailError(req, res, id, err, 'submit', input);
    }
  });

  router.post('/outgoing/:id/return', requireUser, async (req, res) => {
    const id = idParam(req);
    let input: { reason: string };
    try {
      // A reason of invisible characters only, a repeated field or one past 4,000 characters
      // is refused beside the field, as every other form's text.
      input = parseInput(ReturnToDrafterSchema, req.body, req.lng, req.t);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return renderDetailError(req, res, id, err, 'return');
    }
    await returnToDrafter(id, input, actorOf(req));
    flash(req, 'success', req.t('outgoing:flash.returned'));
    res.redirect(303, `/outgoing/${id}`);
  });

  /**
   * The signing page: the main file with the signature's box, and the signer's PIN form. After a
   * refusal (a wrong PIN, a box off the page) the box stays where the signer put it.
   */
  async function renderSignPage(
    req: Request,
    res: Response,
    id: number,
    refused?: { err: AppError; placement?: Placement },
  ) {
    const { access, main, placements } = await signingPreview(id, actorOf(req));
    const setup = await signerSetupOf(req.user!.id);
    // Opening the page is a view of the document; its page again after a refusal is not.
    if (!refused)
      await auditAccess('outgoing.view', actorOf(req), 'outgoing', id, { page: 'sign' });
    res.status(refused?.err.status ?? 200).render('outgoing/sign', {
      title: req.t('outgoing:sign.title'),
      doc: access.document.get({ plain: true }),
      pdfUrl: `/outgoing/${id}/files/${main.id}`,
      placement: refused?.placement ?? placements.signer,
      // The clerk could not issue it as it is: better sent back before it is signed.
      noIssueLines: !placements.date || !placements.number,
      version: main.version,
      provider: setup.provider,
      token: setup.provider === 'token',
      notEnrolled:
        setup.provider === null || (setup.provider === 'server-key' && !setup.hasServerKey),
      lockedUntil: setup.pinLockedUntil,
      errors: refused ? translateFields(req, refused.err.fields) : {},
      formError: refused ? messageOf(req, refused.err) : undefined,
    });
  }

  router.get('/outgoing/:id/sign', requireUser, async (req, res) => {
    await renderSignPage(req, res, idParam(req));
  });

  router.post('/outgoing/:id/sign', requireUser, async (req, res) => {
    const id = idParam(req);
    let placement: Placement | undefined;
    try {
      const access = await requireVisibleOutgoing(req.user!, id);
      authorize(req.user, 'outgoing.sign', access);
      if (req.body?.page !== undefined) {
        const main = await mainWithFile(id);
        const { placements: found } = await layoutOf(main, () => readStoredFile(main.file!));
        placement = parsePlacementForm(req.body, found.pageCount, found.pages);
      }
      await signOutgoing(id, { pin: String(req.body?.pin ?? ''), placement }, actorOf(req));
      flash(req, 'success', req.t('outgoing:flash.signed'));
      res.redirect(303, `/outgoing/${id}`);
    } catch (err) {
      if (
        !(err instanceof AppError) ||
        err.status >= 500 ||
        err.status === 404 ||
        err.status === 403
      )
        throw err;
      await renderSignPage(req, res, id, { err, placement }).catch(() => {
        throw err;
      });
    }
  });

  /** The leader-signed PDF with where the number and date will go (the clerk may move the date). */
  async function issuePreview(req: Request, id: number) {
    const access = await requireVisibleOutgoing(req.user!, id);
    authorize(req.user, 'outgoing.issue', access);
    const signed = await leaderSignedFile(id);
    const version = signed.signedFromId ? await DocumentFile.findByPk(signed.signedFromId) : null;
    const { placements: found, page1 } = await layoutOf(version ?? signed, () =>
      readStoredFile(signed.file!),
    );
    return { access, signed, found, page1 };
  }

  /**
   * The symbol the draft prints after "Số: …/" when it is not the one the issue gives: the issue
   * writes only the number there, so the printed document would read otherwise than its register.
   */
  async function symbolMismatch(access: OutgoingAccess, page1: string) {
    const printed = printedNotation(page1);
    if (!printed) return null;
    const given = await notationToGive(access.document);
    return given && !sameNotation(printed, given) ? { printed, given } : null;
  }

  router.get('/outgoing/:id/issue', requireUser, async (req, res) => {
    const id = idParam(req);
    const { access, signed, found, page1 } = await issuePreview(req, id);
    await auditAccess('outgoing.view', actorOf(req), 'outgoing', id, { page: 'issue' });
    res.render('outgoing/issue', {
      title: req.t('outgoing:issue.title'),
      doc: access.document.get({ plain: true }),
      pdfUrl: `/outgoing/${id}/files/${signed.id}`,
      date: found.date,
      number: found.number,
      symbolMismatch: await symbolMismatch(access, page1),
      errors: {},
    });
  });

  router.post('/outgoing/:id/issue', requireUser, async (req, res) => {
    const id = idParam(req);
    try {
      let date;
      if (req.body?.page !== undefined) {
        const { found } = await issuePreview(req, id);
        date = parsePlacementForm(req.body, found.pageCount, found.pages);
      }
      const doc = await issueOutgoing(id, { date }, actorOf(req));
      flash(
        req,
        'success',
        req.t('outgoing:flash.issued', {
          number: `${String(doc.codeNumber).padStart(2, '0')}/${doc.codeNotation}`,
        }),
      );
      res.redirect(303, `/outgoing/${id}`);
    } catch (err) {
      if (
        !(err instanceof AppError) ||
        err.status >= 500 ||
        err.status === 404 ||
        err.status === 403
      )
        throw err;
      await renderDetailError(req, res, id, err, 'issue');
    }
  });

  return router;
}

/**
 * A submission along a chain writes two trail events in one step: the document's 'submit' and the
 * chain's own 'approval.submit' / 'approval.resubmit' (which the chain reads its rounds from). The
 * timeline shows it once, as the chain's line, which says which it was.
 */
export function oneLinePerSubmission<E extends DocumentEvent>(events: E[]): E[] {
  const chainSubmissions = events.filter(
    (e) => e.action === 'approval.submit' || e.action === 'approval.resubmit',
  );
  const sameStep = (a: E, b: E) =>
    a.actorId === b.actorId &&
    Math.abs(new Date(a.createdAt).getTime() - new Date(b.createdAt).getTime()) < 5_000;
  return events.filter(
    (e) => e.action !== 'submit' || !chainSubmissions.some((c) => sameStep(c, e)),
  );
}
