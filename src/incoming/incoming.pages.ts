import { padNumber } from '../http/view-helpers.js';
import { dateFieldValue } from '../http/form-fields.js';
import { dateOnlyFromDb } from '../db/rows.js';
import { todayInVietnam } from '../calendar/working-days.js';
import { Router, type Request, type Response } from 'express';
import { Agency } from '../agencies/agency.model.js';
import type { Config } from '../config.js';
import { requirePermission, requireUser } from '../http/auth.js';
import { flash } from '../http/flash.js';
import { parseInput } from '../http/validate.js';
import {
  describeStaged,
  discardStaged,
  readStaged,
  stagedIdsOf,
  stageUploads,
} from '../files/upload-staging.js';
import { documentTypeName, RECEIVED_DOCUMENT_TYPES } from '../documents/document-types.js';
import { isLimitRefusal, readEdxmlOffThread } from '../files/pdf-check-pool.js';
import type { SignatureCheck } from '../files/signature-check.js';
import { receptionFromEdxml } from './incoming.edxml.js';
import { readResponseFor } from './response-for.js';
import { rememberSender } from '../senders/senders.service.js';
import { isFormError, messageOf, translateFields } from '../http/forms.js';
import { actorOf } from '../http/request-context.js';
import { auditAccess } from '../audit/audit.service.js';
import { throwUploadError, uploadsOf } from '../http/uploads.js';
import { edxmlUpload, idParam, incomingUpload } from './incoming.http.js';
import {
  IncomingFieldsSchema,
  ListQuerySchema,
  RegisterIncomingSchema,
  SORT_FIELDS,
  TIMED_EXPRESS,
  type ListQuery,
} from './incoming.schemas.js';
import {
  addIncomingFiles,
  getIncomingDetail,
  nextArrivalNumber,
  openIncomingFile,
  recheckSignatures,
  registerIncoming,
  updateIncoming,
} from './incoming.service.js';
import { requireVisibleIncoming } from './incoming.access.js';
import { INCOMING_STATUSES, type IncomingDocument } from './incoming.model.js';
import { listIncoming, type IncomingList, type IncomingSummary } from './incoming.queries.js';
import { seesAgency } from './incoming.visibility.js';
import { authorize } from '../policy/index.js';
import { AppError } from '../http/app-error.js';
import { requireOpenRegister } from '../registers/register.service.js';
import {
  accessHistoryModel,
  detailPageModel,
  formOptions,
  formValues,
} from './incoming.view-model.js';
import { getAccessHistory } from './incoming.access-history.js';
import { exportAccessHistory } from './incoming.access-export.js';
import { exportLink } from '../http/list-export.js';
import { withSearchModel } from './incoming.search-pages.js';
import {
  saveFromList,
  savedSearchPanel,
  type SavePanelState,
} from '../saved-searches/saved-searches.panel.js';

/** A registered document's values on the edit form ("Hỏa tốc hẹn giờ" is its own choice). */
function editValues(doc: IncomingDocument) {
  return {
    ...doc.get({ plain: true }),
    urgency: String(doc.urgentDeliverBy ? TIMED_EXPRESS : doc.urgency),
    confidentiality: String(doc.confidentiality),
    copyForm: doc.copyForm ?? 'original',
  };
}

function queryString(query: ListQuery, overrides: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...query, ...overrides })) {
    if (value === undefined || value === null || value === '' || value === false) continue;
    if (key === 'page' && value === 1) continue;
    params.set(key, value === true ? '1' : String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function renderForm(
  req: Request,
  res: Response,
  status: number,
  extra: Record<string, unknown> = {},
) {
  const year = Number(formOptions(req).today.slice(0, 4));
  const { values, ...rest } = extra as { values?: Record<string, unknown> };
  res.status(status).render('incoming/form', {
    title: req.t('incoming:form.title'),
    ...formOptions(req),
    nextNumber: await nextArrivalNumber(req.user!.agencyId, year),
    // Secret documents are numbered in their own series (Sổ đăng ký văn bản đến mật).
    nextSecretNumber: await nextArrivalNumber(req.user!.agencyId, year, 'secret'),
    values: {
      arrivalDate: formOptions(req).today,
      urgency: '0',
      confidentiality: '0',
      copyForm: 'original',
      documentType: 'CV',
      ...values,
    },
    errors: {},
    ...rest,
  });
}

/** The messages to show beside the fields; a refused file's goes beside the file input. */
function fieldErrorsOf(req: Request, err: AppError) {
  const errors = translateFields(req, err.fields);
  if (isLimitRefusal(err) || ['FILE_NOT_PDF', 'FILE_EMPTY', 'FILE_TOO_LARGE'].includes(err.code))
    errors.files = messageOf(req, err);
  return errors;
}

/** Renders a registration or edit error next to the fields (422), or the duplicate warning (409). */
function formErrorModel(req: Request, err: AppError) {
  const errors = fieldErrorsOf(req, err);
  // The documents the person may see, and whether there are others they may not (never which).
  const duplicates =
    err.code === 'DUPLICATE_SUSPECTED'
      ? {
          listed: (err.params?.duplicates as unknown[]) ?? [],
          hidden: err.params?.hiddenDuplicate === true,
        }
      : undefined;
  return {
    errors,
    duplicates,
    formError: duplicates ? null : messageOf(req, err),
    values: formValues(req.body),
  };
}

/** The list page's model: the list with its tabs, filters and pages, in the viewer's language. */
function listPageModel(req: Request, query: ListQuery, list: IncomingList<IncomingSummary>) {
  // The dashboard's overdue alert spans the work tabs: its pages keep it, no tab is current.
  const q = { ...query, tab: list.overdueAlert ? undefined : list.tab };
  return {
    title: req.t(list.overdueAlert ? 'incoming:list.overdueTitle' : 'incoming:list.title'),
    overdueAlert: list.overdueAlert,
    query: q,
    tabs: list.tabs.map((tab) => ({
      tab,
      // "All" is everything registered for a clerk or a leader, their own documents for others.
      label: req.t(
        tab === 'all' && !seesAgency(req.user!) ? 'incoming:tabs.allOwn' : `incoming:tabs.${tab}`,
      ),
      href: `/incoming${queryString({ tab } as ListQuery, { page: 1 })}`,
      current: !list.overdueAlert && tab === list.tab,
    })),
    // Words looked for in one tab only ("Cần xử lý" by default) may be in another: one step to all.
    searchAll:
      query.q && list.tab !== 'all' && list.tabs.includes('all')
        ? { href: `/incoming${queryString(q, { tab: 'all', page: 1 })}` }
        : null,
    rows: list.rows.map(({ document: d, deadline, isOverdue }) => ({
      id: d.id,
      arrivalNumber: d.arrivalNumber,
      arrivalDate: d.arrivalDate,
      codeNumber: d.codeNumber,
      codeNotation: d.codeNotation,
      fromOrganName: d.fromOrganName,
      subject: d.subject,
      urgency: d.urgency,
      urgentDeliverBy: d.urgentDeliverBy,
      confidentiality: d.confidentiality,
      status: d.status,
      documentTypeName: documentTypeName(d.documentType, req.lng),
      statusLabel: req.t(`incoming:status.${d.status}`),
      deadline,
      isOverdue,
    })),
    total: list.total,
    statuses: INCOMING_STATUSES.map((s) => ({ value: s, label: req.t(`incoming:status.${s}`) })),
    urgencies: formOptions(req).urgencies,
    documentTypes: RECEIVED_DOCUMENT_TYPES.map((d) => ({
      value: d.code,
      label: req.lng === 'en' ? d.en : d.vi,
      selected: d.code === q.type,
    })),
    sorts: SORT_FIELDS.map((s) => ({ value: s, label: req.t(`incoming:sort.${s}`) })),
    pagination: {
      page: list.page,
      pages: list.pages,
      prevHref: list.page > 1 ? `/incoming${queryString(q, { page: list.page - 1 })}` : null,
      nextHref:
        list.page < list.pages ? `/incoming${queryString(q, { page: list.page + 1 })}` : null,
    },
  };
}

/** The list page for a query; a refused "Lưu tìm kiếm này" form shows it with its messages. */
/** A refused date filter: its message by field, and the query as typed to show it again. */
interface FilterRefusal {
  filterErrors: Record<string, string>;
  typed: Record<string, unknown>;
}

async function renderList(
  req: Request,
  res: Response,
  query: ListQuery,
  status = 200,
  saveState?: SavePanelState | FilterRefusal,
) {
  const refusal = saveState && 'filterErrors' in saveState ? saveState : undefined;
  const list = await listIncoming(req.user!, query);
  const model = await withSearchModel(req, query, listPageModel(req, query, list));
  res.status(status).render('incoming/list', {
    ...model,
    savedSearches: await savedSearchPanel(
      req,
      'incoming',
      model.query,
      refusal ? undefined : (saveState as SavePanelState | undefined),
    ),
    filterErrors: refusal?.filterErrors ?? {},
    typedFrom: typeof refusal?.typed.from === 'string' ? refusal.typed.from.slice(0, 40) : null,
    typedTo: typeof refusal?.typed.to === 'string' ? refusal.typed.to.slice(0, 40) : null,
  });
}

export function incomingPages(config: Config): Router {
  const router = Router();

  router.get('/incoming', requireUser, requirePermission('incoming.list'), async (req, res) => {
    let query: ListQuery;
    try {
      query = parseInput(ListQuerySchema, req.query, req.lng, req.t);
    } catch (err) {
      // A date filter that names no day: the list without it, the date as typed and the reason
      // beside its field (422), rather than an error page that loses the filters.
      if (!isFormError(err) || !err.fields) throw err;
      const refused = Object.keys(err.fields);
      const kept = Object.fromEntries(
        Object.entries(req.query).filter(([key]) => !refused.includes(key)),
      );
      return renderList(req, res, parseInput(ListQuerySchema, kept, req.lng, req.t), 422, {
        filterErrors: translateFields(req, err.fields),
        typed: req.query,
      });
    }
    // A period that ends before it begins finds nothing; said so rather than an empty list.
    if (query.from && query.to && query.from > query.to)
      return renderList(req, res, { ...query, from: undefined, to: undefined }, 422, {
        filterErrors: { to: req.t('errors:PERIOD_REVERSED') },
        typed: req.query,
      });
    await renderList(req, res, query);
  });

  // "Lưu tìm kiếm này": the list as shown, under a name (saved-searches.panel.ts).
  router.post(
    '/incoming/saved-searches',
    requireUser,
    requirePermission('incoming.list'),
    async (req, res) => {
      const outcome = await saveFromList(req, 'incoming');
      if (outcome.saved) return res.redirect(303, outcome.href);
      const query = Object.fromEntries(new URLSearchParams(outcome.query));
      await renderList(
        req,
        res,
        parseInput(ListQuerySchema, query, req.lng, req.t),
        outcome.status,
        outcome.state,
      );
    },
  );

  router.get(
    '/incoming/new',
    requireUser,
    requirePermission('incoming.create'),
    async (req, res) => {
      await renderForm(req, res, 200);
    },
  );

  router.post(
    '/incoming',
    requireUser,
    requirePermission('incoming.create'),
    incomingUpload(config),
    async (req, res) => {
      const owner = req.user!.id;
      const stagedIds = stagedIdsOf(req.body?.stagedFiles);
      const maxBytes = config.maxUploadBytes;
      try {
        throwUploadError(res);
        const input = parseInput(RegisterIncomingSchema, req.body ?? {}, req.lng, req.t);
        const staged = await readStaged(stagedIds, owner);
        const doc = await registerIncoming(input, [...staged, ...uploadsOf(req)], actorOf(req), {
          maxBytes,
        });
        // Registered: a kept file left behind by a failed clean-up is swept within a day.
        await discardStaged(stagedIds).catch(() => undefined);
        flash(
          req,
          'success',
          req.t('incoming:flash.registered', { number: padNumber(doc.arrivalNumber) }),
        );
        const dueDay = dateOnlyFromDb(doc.dueDate);
        const arrivalDay = todayInVietnam(doc.arrivalDate);
        if (dueDay && dueDay < arrivalDay)
          flash(
            req,
            'info',
            req.t('incoming:flash.dueBeforeArrival', {
              dueDate: dateFieldValue(dueDay),
              arrivalDate: dateFieldValue(arrivalDay),
            }),
          );
        res.redirect(303, `/incoming/${doc.id}`);
      } catch (err) {
        if (!isFormError(err)) throw err;
        // The form comes back with the files it was sent, so they need not be chosen again.
        // Keeping them is a convenience: if the disk refuses, the form asks for the files again.
        // A file that is not a PDF is not kept, and said so beside the files, whatever else the
        // form was refused for: otherwise the next try registers without it, unnoticed.
        const refusedFiles: string[] = [];
        const stagedFiles = [
          ...(await describeStaged(stagedIds, owner)),
          ...(await stageUploads(uploadsOf(req), owner, { maxBytes, refused: refusedFiles }).catch(
            () => [],
          )),
        ];
        const model = formErrorModel(req, err);
        if (refusedFiles.length && !model.errors.files)
          model.errors.files = req.t('incoming:form.filesNotKept', {
            names: refusedFiles.map((n) => `«${n}»`).join(', '),
          });
        await renderForm(req, res, err.status, { ...model, stagedFiles });
      }
    },
  );

  // A package received from another agency's system (edXML): its header fills the registration
  // form and its PDF attachments are kept as if sent with it; the clerk checks, then registers.
  router.post(
    '/incoming/edxml',
    requireUser,
    requirePermission('incoming.create'),
    edxmlUpload(config),
    async (req, res) => {
      try {
        throwUploadError(res);
        if (!req.file) throw new AppError('EDXML_MISSING', 422);
        const message = await readEdxmlOffThread(req.file.buffer, req.file.originalname);
        const agency = await Agency.findByPk(req.user!.agencyId, { attributes: ['id', 'code'] });
        const reception = receptionFromEdxml(message, agency?.code ?? '');
        // The sender directory learns the package's sender with its code.
        await rememberSender(
          req.user!.agencyId,
          { name: reception.values.fromOrganName, code: reception.values.fromOrganId },
          { userId: req.user!.id, ip: req.ip ?? null },
        );
        const refused: string[] = [];
        // An attachment past the file check's limits refuses the package (422), not just itself.
        const stagedFiles = await stageUploads(reception.attachments, req.user!.id, {
          maxBytes: config.maxUploadBytes,
          refused,
          failOnLimits: true,
        });
        await renderForm(req, res, 200, {
          values: reception.values,
          stagedFiles,
          edxml: {
            organ: reception.values.fromOrganName ?? reception.values.fromOrganId ?? '?',
            documentId: reception.values.edxmlDocumentId,
            kept: stagedFiles.length,
            refused,
            unknownTypeName: reception.unknownTypeName,
            timedExpress: reception.timedExpress,
            timedExpressWithoutTime: reception.timedExpressWithoutTime,
            responseFor: readResponseFor(reception.values.responseFor),
          },
        });
      } catch (err) {
        if (!isFormError(err)) throw err;
        await renderForm(req, res, err.status, { edxmlError: messageOf(req, err) });
      }
    },
  );

  router.get('/incoming/:id', requireUser, requirePermission('incoming.list'), async (req, res) => {
    const detail = await getIncomingDetail(idParam(req), actorOf(req), { withTexts: true });
    res.render('incoming/detail', await detailPageModel(req, detail));
  });

  router.get(
    '/incoming/:id/access',
    requireUser,
    requirePermission('incoming.list'),
    async (req, res) => {
      const history = await getAccessHistory(idParam(req), actorOf(req));
      res.render('incoming/access', {
        ...accessHistoryModel(req, history),
        exportLink: exportLink(
          req,
          `/incoming/${history.access.document.id}/access/export.xlsx`,
          {},
        ),
      });
    },
  );
  router.get(
    '/incoming/:id/access/export.xlsx',
    requireUser,
    requirePermission('incoming.list'),
    exportAccessHistory,
  );

  router.get('/incoming/:id/files/:fileId', requireUser, async (req, res) => {
    const { documentFile, storedFile, stream } = await openIncomingFile(
      idParam(req),
      idParam(req, 'fileId'),
      actorOf(req),
    );
    const disposition = req.query.download === '1' ? 'attachment' : 'inline';
    res.set({
      'Content-Type': storedFile.mimeType,
      'Content-Length': String(storedFile.size),
      'Content-Disposition': `${disposition}; filename="document.pdf"; filename*=UTF-8''${encodeURIComponent(documentFile.originalName)}`,
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    // A read error after the headers went out can only end the connection.
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  });

  router.post('/incoming/:id/files/:fileId/signature-check', requireUser, async (req, res) => {
    const id = idParam(req);
    let check: SignatureCheck;
    try {
      check = await recheckSignatures(id, idParam(req, 'fileId'), actorOf(req));
    } catch (err) {
      // A file past the check's limits: said on the document's page, like the check's result.
      if (!isLimitRefusal(err)) throw err;
      flash(req, 'error', messageOf(req, err as AppError));
      return res.redirect(303, `/incoming/${id}`);
    }
    flash(
      req,
      check.status === 'valid' || check.status === 'none' ? 'success' : 'error',
      `${req.t('incoming:flash.rechecked')} ${req.t(`incoming:signature.${check.status}`)}`,
    );
    res.redirect(303, `/incoming/${id}`);
  });

  router.post(
    '/incoming/:id/files',
    requireUser,
    // Refused before any upload is read when the person may not add files to this document.
    async (req, _res, next) => {
      const access = await requireVisibleIncoming(req.user!, idParam(req));
      authorize(req.user, 'incoming.edit', access);
      // A closed register (đóng sổ) refuses the files before they are read.
      await requireOpenRegister(access.document.registerId);
      next();
    },
    incomingUpload(config),
    async (req, res) => {
      const id = idParam(req);
      try {
        throwUploadError(res);
        const added = await addIncomingFiles(id, uploadsOf(req), actorOf(req), {
          maxBytes: config.maxUploadBytes,
        });
        flash(req, 'success', req.t('incoming:flash.filesAdded', { count: added }));
        res.redirect(303, `/incoming/${id}`);
      } catch (err) {
        if (!isFormError(err)) throw err;
        // The page is re-read without a second audit row: the refused post is not a new view.
        const detail = await getIncomingDetail(id, actorOf(req), {
          audit: false,
          withTexts: true,
        });
        res.status(err.status).render('incoming/detail', {
          ...(await detailPageModel(req, detail)),
          form: 'files',
          formErrors: fieldErrorsOf(req, err),
          formError: messageOf(req, err),
        });
      }
    },
  );

  router.get('/incoming/:id/edit', requireUser, async (req, res) => {
    const access = await requireVisibleIncoming(req.user!, idParam(req));
    authorize(req.user, 'incoming.edit', access);
    const doc = access.document.get({ plain: true });
    // The form shows the document's fields: a read of it, like its page.
    await auditAccess('incoming.view', actorOf(req), 'incoming', doc.id, { page: 'edit' });
    res.render('incoming/form', {
      title: req.t('incoming:edit.title', { number: doc.arrivalNumber }),
      isEdit: true,
      ...formOptions(req),
      doc,
      values: editValues(access.document),
      errors: {},
    });
  });

  router.post('/incoming/:id/edit', requireUser, async (req, res) => {
    const id = idParam(req);
    try {
      const input = parseInput(IncomingFieldsSchema, req.body ?? {}, req.lng, req.t);
      await updateIncoming(id, input, actorOf(req));
    } catch (err) {
      if (!isFormError(err)) throw err;
      const access = await requireVisibleIncoming(req.user!, id);
      authorize(req.user, 'incoming.edit', access);
      return res.status(err.status).render('incoming/form', {
        title: req.t('incoming:edit.title', { number: access.document.arrivalNumber }),
        isEdit: true,
        ...formOptions(req),
        doc: access.document.get({ plain: true }),
        ...formErrorModel(req, err),
      });
    }
    flash(req, 'success', req.t('incoming:flash.updated'));
    res.redirect(303, `/incoming/${id}`);
  });
  return router;
}
