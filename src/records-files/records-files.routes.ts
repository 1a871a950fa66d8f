/**
 * Records files (hồ sơ): the list (/records-files), a file's page with its documents and the
 * people it is shared with, its form, and the year's catalogue as XLSX. Documents are gathered
 * from their own pages (the "Hồ sơ" panel posts to /records-files/:id/documents). Another
 * agency's file, or one the person may not see, is not found (404) on every route.
 */
import { Router, type Request, type Response } from 'express';
import { auditAccess } from '../audit/audit.service.js';
import { Department } from '../agencies/agency.model.js';
import { todayInVietnam } from '../calendar/working-days.js';
import { AppError, type FieldErrors } from '../http/app-error.js';
import { requirePermission, requireUser } from '../http/auth.js';
import { flash } from '../http/flash.js';
import {
  echoValues,
  messageOf,
  readFilters,
  submitForm,
  translateFields,
  typedFilter,
} from '../http/forms.js';
import { exportLink } from '../http/list-export.js';
import { pathId } from '../http/params.js';
import { actorOf, auditActorOf } from '../http/request-context.js';
import { parseInput } from '../http/validate.js';
import { formatDate, formatDateTime } from '../http/view-helpers.js';
import { requireVisibleIncoming } from '../incoming/incoming.access.js';
import { requireVisibleOutgoing } from '../outgoing/outgoing.access.js';
import { can } from '../policy/index.js';
import type { RecordsFileDocumentKind } from './records-file.model.js';
import { byVietnameseName } from '../users/name-order.js';
import { User } from '../users/user.model.js';
import { exportCatalogue, exportFileContents, exportTransferList } from './records-files.export.js';
import { retentionLabel } from './records-files.labels.js';
import { handlesDocuments, seesAgencyFiles } from './records-files.policy.js';
import {
  FilePageQuerySchema,
  RecordsFileListQuerySchema,
  RecordsFileSchema,
  RETENTION_CHOICES,
  AddDocumentSchema,
  FirstDocumentSchema,
  type FirstDocumentInput,
  ShareSchema,
} from './records-files.schemas.js';
import {
  addDocumentToFile,
  authorizeOnFile,
  closeRecordsFile,
  createRecordsFile,
  deleteRecordsFile,
  findVisibleFile,
  listRecordsFiles,
  numberSymbol,
  recordsFileDetail,
  removeDocumentFromFile,
  reopenRecordsFile,
  shareRecordsFile,
  transferRecordsFile,
  unshareRecordsFile,
  updateRecordsFile,
  type VisibleFile,
} from './records-files.service.js';

/** The document a new file is opened with, when both its kind and id were given. */
const firstOf = (first: FirstDocumentInput | undefined) =>
  first?.withKind && first.withDocumentId
    ? { kind: first.withKind, documentId: first.withDocumentId }
    : undefined;

const idOf = (req: Request) => pathId(req, 'id', 'RECORDS_FILE_NOT_FOUND');
/** Documents shown on one page of a file. */
export const FILE_DOCUMENTS_PAGE_SIZE = 50;
const thisYear = () => Number(todayInVietnam().slice(0, 4));

async function formOptions(req: Request, values: Record<string, unknown>) {
  const user = req.user!;
  const anyUnit = seesAgencyFiles(user);
  const departments = await Department.findAll({
    where: anyUnit ? { agencyId: user.agencyId } : { id: user.departmentId ?? 0 },
    attributes: ['id', 'name'],
  });
  departments.sort((a, b) => a.name.localeCompare(b.name, 'vi'));
  return {
    retentions: RETENTION_CHOICES.map((value) => ({
      value,
      label: retentionLabel(req, value === 'permanent' ? null : Number(value)),
      selected: String(values.retention ?? '') === value,
    })),
    departments: departments.map((d) => ({
      id: d.id,
      name: d.name,
      selected: String(values.departmentId ?? '') === String(d.id),
    })),
  };
}

/** "Văn bản đến 12/QĐ-UBND — Về việc …", of a document the person may open (404 otherwise). */
async function documentLabel(user: User, kind: RecordsFileDocumentKind, documentId: number) {
  const d =
    kind === 'incoming'
      ? (await requireVisibleIncoming(user, documentId)).document
      : (await requireVisibleOutgoing(user, documentId)).document;
  const number = numberSymbol(d.codeNumber, d.codeNotation);
  return `${number ? `${number} — ` : ''}${d.subject}`;
}

async function renderForm(
  req: Request,
  res: Response,
  file: VisibleFile['file'] | null,
  status = 200,
  state: {
    values?: Record<string, unknown>;
    errors?: FieldErrors;
    first?: FirstDocumentInput;
  } = {},
) {
  const values =
    state.values ??
    (file
      ? {
          code: file.code,
          title: file.title,
          description: file.description ?? '',
          year: file.year,
          retention: file.retentionYears == null ? 'permanent' : String(file.retentionYears),
          departmentId: file.departmentId ?? '',
        }
      : { year: thisYear(), retention: '10', departmentId: req.user!.departmentId ?? '' });
  const first = firstOf(state.first);
  res.status(status).render('records-files/form', {
    title: req.t(file ? 'records-files:form.editTitle' : 'records-files:form.newTitle'),
    action: file ? `/records-files/${file.id}` : '/records-files',
    cancelHref: file
      ? `/records-files/${file.id}`
      : first
        ? `/${first.kind}/${first.documentId}`
        : '/records-files',
    submitLabel: req.t(file ? 'records-files:form.save' : 'records-files:form.open'),
    values,
    errors: state.errors,
    // The document it opens with, named (a document the person may not open is not found).
    first: first && {
      ...first,
      label: await documentLabel(req.user!, first.kind, first.documentId),
    },
    ...(await formOptions(req, values)),
  });
}

async function renderFile(
  req: Request,
  res: Response,
  id: number,
  status = 200,
  shareErrors?: FieldErrors,
  refusal?: string,
) {
  const user = req.user!;
  const detail = await recordsFileDetail(user, id);
  const { file, members, documents: rows, hidden } = detail;
  const nameOf = (userId: number | null) =>
    (userId != null && detail.people.get(userId)?.fullName) || '';
  const { manage, addDocuments: addable } = detail.can;
  // Who the keeper may share with: the agency's active people who handle documents, each with
  // their unit (several heads of units share the title "Trưởng phòng").
  const [candidatePeople, units] = manage
    ? await Promise.all([
        User.findAll({ where: { agencyId: user.agencyId, isActive: true } }),
        Department.findAll({ where: { agencyId: user.agencyId }, attributes: ['id', 'name'] }),
      ])
    : [[], []];
  const unitOf = (p: User) => units.find((d) => d.id === p.departmentId)?.name;
  const candidates = manage
    ? candidatePeople
        .filter(
          (p) =>
            p.id !== file.keeperId &&
            !members.some((m) => m.userId === p.id) &&
            handlesDocuments(p),
        )
        .sort(byVietnameseName)
    : [];
  // A long file is read a page at a time; what is still under way is said of the whole file.
  const pages = Math.max(1, Math.ceil(rows.length / FILE_DOCUMENTS_PAGE_SIZE));
  const page = Math.min(parseInput(FilePageQuerySchema, req.query, req.lng, req.t).page, pages);
  const all = rows.map((r) => ({
    ...r,
    kindLabel: req.t(`records-files:kind.${r.kind}`),
    statusLabel: req.t(`${r.kind}:status.${r.status}`),
    documentDate: r.documentDate ? formatDate(r.documentDate) : '',
    addedAt: formatDateTime(r.addedAt),
    removable: manage || (addable && r.addedById === user.id),
  }));
  const documents = all.slice(
    (page - 1) * FILE_DOCUMENTS_PAGE_SIZE,
    page * FILE_DOCUMENTS_PAGE_SIZE,
  );
  // A refused change shown on the file's page is not a new view of it.
  if (!refusal) await auditAccess('records_file.view', actorOf(req), 'records_file', file.id);
  res.status(status).render('records-files/show', {
    title: `${file.code} — ${file.title}`,
    file: {
      id: file.id,
      code: file.code,
      title: file.title,
      description: file.description,
      year: file.year,
      retention: retentionLabel(req, file.retentionYears),
      department: detail.departmentName,
      keeper: nameOf(file.keeperId),
      status: file.status,
      statusLabel: req.t(`records-files:status.${file.status}`),
      openedAt: formatDate(file.createdAt),
      closedOn: file.closedOn ? formatDate(file.closedOn) : null,
      transferDueOn: file.transferDueOn ? formatDate(file.transferDueOn) : null,
      staysWithUnit: file.status !== 'open' && !file.transferDueOn,
      transferredOn: file.transferredOn ? formatDate(file.transferredOn) : null,
      transferredBy: file.transferredById ? nameOf(file.transferredById) : null,
    },
    anyRemovable: documents.some((d) => d.removable),
    totalDocuments: all.length,
    pagination: {
      page,
      pages,
      prevHref: page > 1 ? `/records-files/${file.id}?page=${page - 1}` : null,
      nextHref: page < pages ? `/records-files/${file.id}?page=${page + 1}` : null,
    },
    documents,
    hidden,
    // Closing a file whose documents are still being handled is allowed, but said first.
    unfinished: file.status === 'open' ? all.filter((d) => d.unfinished) : [],
    members: members.map((m) => ({
      userId: m.userId,
      name: [nameOf(m.userId), detail.people.get(m.userId)?.positionTitle]
        .filter(Boolean)
        .join(' — '),
      canAdd: m.canAdd,
    })),
    candidates: candidates.map((p) => ({
      id: p.id,
      label: [p.fullName, [p.positionTitle, unitOf(p)].filter(Boolean).join(', ')]
        .filter(Boolean)
        .join(' — '),
    })),
    shareErrors,
    refusal,
    can: detail.can,
  });
}

/** Where a change made from a document's page goes back to: that page, else the file's. */
function backTo(req: Request, fileId: number): string {
  const back = (req.body as Record<string, unknown> | undefined)?.back;
  return typeof back === 'string' && /^\/(incoming|outgoing)\/\d{1,10}$/.test(back)
    ? back
    : `/records-files/${fileId}`;
}

/**
 * Runs a change posted from a page; a refusal the person can read and act on (409: the file closed
 * in another tab, a document already in it) shows the file's page as it now is, with the reason,
 * and the 409.
 */
async function orRefused(req: Request, res: Response, fileId: number, change: () => Promise<void>) {
  try {
    await change();
    return true;
  } catch (err) {
    if (!(err instanceof AppError) || err.status !== 409) throw err;
    await renderFile(req, res, fileId, 409, undefined, messageOf(req, err));
    return false;
  }
}

export function recordsFilesRouter(): Router {
  const router = Router();
  router.use('/records-files', requireUser, requirePermission('records_file.list'));

  router.get('/records-files', async (req, res) => {
    const {
      value: query,
      query: kept,
      refusal,
    } = readFilters(req, (q) => parseInput(RecordsFileListQuerySchema, q, req.lng, req.t));
    const year = kept.year === undefined ? thisYear() : query.year;
    const filter = { ...query, year };
    const { rows, total, pages } = await listRecordsFiles(req.user!, filter);
    const params = (page: number) =>
      new URLSearchParams(
        Object.entries({
          year: year == null ? '' : String(year),
          status: filter.status ?? '',
          q: filter.q ?? '',
          page: String(page),
        }),
      );
    const page = Math.min(filter.page, pages);
    const catalogue = can(req.user, 'records_file.catalogue') && year != null;
    res.status(refusal ? 422 : 200).render('records-files/index', {
      title: req.t('records-files:title'),
      filter: {
        year: typedFilter(refusal, 'year', 10) ?? year ?? '',
        status: filter.status ?? '',
        q: typedFilter(refusal, 'q', 200) ?? filter.q ?? '',
      },
      filterErrors: refusal?.filterErrors ?? {},
      // The year the list and its workbooks are of (not a year typed wrong).
      listYear: year ?? '',
      statuses: ['open', 'closed', 'transferred'].map((s) => ({
        value: s,
        label: req.t(`records-files:status.${s}`),
        selected: filter.status === s,
      })),
      total,
      files: rows.map((r) => ({
        ...r,
        retention: retentionLabel(req, r.retentionYears),
        statusLabel: req.t(`records-files:status.${r.status}`),
        // Only a closed file still waits for its transfer.
        transferDue: r.status === 'closed' && r.transferDueOn ? formatDate(r.transferDueOn) : null,
      })),
      canCreate: can(req.user, 'records_file.create'),
      // The catalogue of the files listed: the list's status and words too.
      exportLink: catalogue
        ? exportLink(req, '/records-files/catalogue.xlsx', {
            year,
            status: filter.status,
            q: filter.q,
          })
        : null,
      transferListLink: catalogue
        ? exportLink(req, '/records-files/transfer-list.xlsx', { year })
        : null,
      pagination: {
        page,
        pages,
        prevHref: page > 1 ? `/records-files?${params(page - 1)}` : null,
        nextHref: page < pages ? `/records-files?${params(page + 1)}` : null,
      },
    });
  });

  router.get(
    '/records-files/catalogue.xlsx',
    requirePermission('records_file.catalogue'),
    exportCatalogue,
  );
  router.get(
    '/records-files/transfer-list.xlsx',
    requirePermission('records_file.catalogue'),
    exportTransferList,
  );

  router.get('/records-files/new', requirePermission('records_file.create'), (req, res) => {
    // From a document's panel: the document goes into the new file.
    const first = parseInput(
      FirstDocumentSchema,
      { withKind: req.query.kind, withDocumentId: req.query.documentId },
      req.lng,
      req.t,
    );
    return renderForm(req, res, null, 200, { first });
  });

  router.post('/records-files', requirePermission('records_file.create'), async (req, res) => {
    const first = parseInput(FirstDocumentSchema, req.body, req.lng, req.t);
    let id = 0;
    const ok = await submitForm(
      async () => {
        const input = parseInput(RecordsFileSchema, req.body, req.lng, req.t);
        id = (
          await createRecordsFile(req.user!, input, auditActorOf(req), undefined, firstOf(first))
        ).id;
      },
      (err) =>
        renderForm(req, res, null, err.status, {
          values: echoValues(req.body),
          errors: translateFields(req, err.fields),
          first,
        }),
    );
    if (!ok) return;
    const withDocument = firstOf(first);
    flash(
      req,
      'success',
      req.t(
        withDocument ? 'records-files:flash.createdWithDocument' : 'records-files:flash.created',
      ),
    );
    res.redirect(
      303,
      withDocument ? `/${withDocument.kind}/${withDocument.documentId}` : `/records-files/${id}`,
    );
  });

  // "Đưa vào hồ sơ" from a document's page: the file is chosen in the form, so it is in the body.
  router.post('/records-files/documents', async (req, res) => {
    const input = parseInput(AddDocumentSchema, req.body, req.lng, req.t);
    let code = '';
    const added = await orRefused(req, res, input.fileId, async () => {
      await addDocumentToFile(req.user!, input.fileId, input, auditActorOf(req));
      code = (await findVisibleFile(req.user!, input.fileId)).file.code;
    });
    if (!added) return;
    // Named: the page it goes back to may be the document's, beside other files.
    flash(req, 'success', req.t('records-files:flash.documentAdded', { code }));
    res.redirect(303, backTo(req, input.fileId));
  });

  router.get('/records-files/:id', (req, res) => renderFile(req, res, idOf(req)));
  router.get('/records-files/:id/contents.xlsx', exportFileContents);

  router.get('/records-files/:id/edit', async (req, res) => {
    const { file, subject } = await findVisibleFile(req.user!, idOf(req));
    // Its keeper's (or a clerk's) file no longer open: back to its page, told why. Anyone else
    // who sees the file but may not change it is refused, as the form's POST refuses them.
    try {
      authorizeOnFile(req.user!, 'records_file.manage', subject);
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 409) throw err;
      flash(req, 'error', messageOf(req, err));
      return res.redirect(303, `/records-files/${file.id}`);
    }
    await renderForm(req, res, file);
  });

  router.post('/records-files/:id', async (req, res) => {
    const id = idOf(req);
    // Who may not change the file is refused before the form is read (never shown it again).
    const { subject } = await findVisibleFile(req.user!, id);
    const allowed = await orRefused(req, res, id, async () =>
      authorizeOnFile(req.user!, 'records_file.manage', subject),
    );
    if (!allowed) return;
    const ok = await submitForm(
      async () => {
        const input = parseInput(RecordsFileSchema, req.body, req.lng, req.t);
        await updateRecordsFile(req.user!, id, input, auditActorOf(req));
      },
      async (err) => {
        const { file } = await findVisibleFile(req.user!, id);
        await renderForm(req, res, file, err.status, {
          values: echoValues(req.body),
          errors: translateFields(req, err.fields),
        });
      },
    );
    if (!ok) return;
    flash(req, 'success', req.t('records-files:flash.updated'));
    res.redirect(303, `/records-files/${id}`);
  });

  router.post('/records-files/:id/delete', async (req, res) => {
    const id = idOf(req);
    let code = '';
    const deleted = await orRefused(req, res, id, async () => {
      code = (await deleteRecordsFile(req.user!, id, auditActorOf(req))).code;
    });
    if (!deleted) return;
    flash(req, 'success', req.t('records-files:flash.deleted', { code }));
    res.redirect(303, '/records-files');
  });

  const statusChange =
    (change: typeof closeRecordsFile, message: string) => async (req: Request, res: Response) => {
      const id = idOf(req);
      const changed = await orRefused(req, res, id, async () => {
        await change(req.user!, id, auditActorOf(req));
      });
      if (!changed) return;
      flash(req, 'success', req.t(message));
      res.redirect(303, `/records-files/${id}`);
    };
  router.post(
    '/records-files/:id/close',
    statusChange(closeRecordsFile, 'records-files:flash.closed'),
  );
  router.post(
    '/records-files/:id/reopen',
    statusChange(reopenRecordsFile, 'records-files:flash.reopened'),
  );
  router.post(
    '/records-files/:id/transfer',
    statusChange(transferRecordsFile, 'records-files:flash.transferred'),
  );

  router.post('/records-files/:id/documents/:itemId/delete', async (req, res) => {
    const id = idOf(req);
    const itemId = pathId(req, 'itemId', 'RECORDS_FILE_DOCUMENT_NOT_FOUND');
    const removed = await orRefused(req, res, id, () =>
      removeDocumentFromFile(req.user!, id, itemId, auditActorOf(req)),
    );
    if (!removed) return;
    flash(req, 'success', req.t('records-files:flash.documentRemoved'));
    res.redirect(303, backTo(req, id));
  });

  router.post('/records-files/:id/members', async (req, res) => {
    const id = idOf(req);
    const { subject } = await findVisibleFile(req.user!, id);
    const allowed = await orRefused(req, res, id, async () =>
      authorizeOnFile(req.user!, 'records_file.manage', subject),
    );
    if (!allowed) return;
    const ok = await submitForm(
      async () => {
        const input = parseInput(ShareSchema, req.body, req.lng, req.t);
        await shareRecordsFile(req.user!, id, input, auditActorOf(req));
      },
      (err) => renderFile(req, res, id, err.status, translateFields(req, err.fields)),
    );
    if (!ok) return;
    flash(req, 'success', req.t('records-files:flash.shared'));
    res.redirect(303, `/records-files/${id}`);
  });

  router.post('/records-files/:id/members/:userId/delete', async (req, res) => {
    const id = idOf(req);
    const userId = pathId(req, 'userId', 'RECORDS_FILE_MEMBER_NOT_FOUND');
    const unshared = await orRefused(req, res, id, () =>
      unshareRecordsFile(req.user!, id, userId, auditActorOf(req)),
    );
    if (!unshared) return;
    flash(req, 'success', req.t('records-files:flash.unshared'));
    res.redirect(303, `/records-files/${id}`);
  });
  return router;
}
