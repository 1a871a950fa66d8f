/**
 * /api/v1 twins of the records files (hồ sơ), through the same service and policy as the pages:
 *   GET    /records-files?year=&status=&q=&page=     the files the caller may see, 25 a page
 *   POST   /records-files                           open a file → 201 the file
 *   GET    /records-files/:id                       the file, its documents the caller may open,
 *                                                   how many others it holds (audited as a view)
 *   PUT    /records-files/:id                       edit an open file (the whole form) → the file
 *   DELETE /records-files/:id                       an empty open file → 204
 *   POST   /records-files/:id/close|reopen|transfer → the file
 *   POST   /records-files/:id/documents             { kind, documentId } → 201 the file
 *   DELETE /records-files/:id/documents/:itemId     → 204
 *   POST   /records-files/:id/members               { userId, canAdd } → 201 the file
 *   DELETE /records-files/:id/members/:userId       → 204
 * A file the caller may not see, or another agency's, is 404 on every route.
 */
import { Router, type Request, type Response } from 'express';
import { auditAccess } from '../audit/audit.service.js';
import { requirePermission } from '../http/auth.js';
import { pathId } from '../http/params.js';
import { actorOf, auditActorOf } from '../http/request-context.js';
import { parseInput } from '../http/validate.js';
import {
  ApiAddDocumentSchema,
  RecordsFileListQuerySchema,
  RecordsFileSchema,
  ShareSchema,
} from './records-files.schemas.js';
import {
  addDocumentToFile,
  closeRecordsFile,
  createRecordsFile,
  deleteRecordsFile,
  listRecordsFiles,
  recordsFileDetail,
  removeDocumentFromFile,
  reopenRecordsFile,
  shareRecordsFile,
  transferRecordsFile,
  unshareRecordsFile,
  updateRecordsFile,
  type RecordsFileDetail,
  type RecordsFileRow,
} from './records-files.service.js';

const idOf = (req: Request) => pathId(req, 'id', 'RECORDS_FILE_NOT_FOUND');

/** A file as the list gives it; retentionYears null is permanent (vĩnh viễn). */
const summaryJson = (r: RecordsFileRow) => ({
  id: r.id,
  year: r.year,
  code: r.code,
  title: r.title,
  retentionYears: r.retentionYears,
  status: r.status,
  closedOn: r.closedOn,
  transferDueOn: r.transferDueOn,
  keeper: r.keeperName,
  department: r.departmentName,
  documents: r.documents,
});

/** A file with its documents and people, as its page shows them. */
function fileJson(d: RecordsFileDetail) {
  const person = (id: number | null) =>
    id == null ? null : { id, name: d.people.get(id)?.fullName ?? '' };
  const f = d.file;
  return {
    id: f.id,
    year: f.year,
    code: f.code,
    title: f.title,
    description: f.description,
    retentionYears: f.retentionYears,
    status: f.status,
    departmentId: f.departmentId,
    department: d.departmentName,
    keeper: person(f.keeperId),
    openedAt: f.createdAt,
    closedOn: f.closedOn,
    transferDueOn: f.transferDueOn,
    transferredOn: f.transferredOn,
    transferredBy: person(f.transferredById),
    documents: d.documents.map((r) => ({
      itemId: r.itemId,
      kind: r.kind,
      documentId: r.documentId,
      href: `/api/v1${r.href}`,
      numberSymbol: r.numberSymbol,
      documentDate: r.documentDate,
      subject: r.subject,
      addedBy: { id: r.addedById, name: r.addedByName },
      addedAt: r.addedAt,
    })),
    hiddenDocuments: d.hidden,
    members: d.members.map((m) => ({ ...person(m.userId)!, canAdd: m.canAdd })),
    can: d.can,
  };
}

/** Answers with the file as it now is (a change is audited by the service, not as a view). */
const sendFile = async (req: Request, res: Response, id: number, status = 200) =>
  res.status(status).json(fileJson(await recordsFileDetail(req.user!, id)));

export function recordsFilesApi(): Router {
  const router = Router();
  router.use('/records-files', requirePermission('records_file.list'));

  router.get('/records-files', async (req, res) => {
    const query = parseInput(RecordsFileListQuerySchema, req.query, req.lng, req.t);
    const { rows, total, pages } = await listRecordsFiles(req.user!, query);
    res.json({
      items: rows.map(summaryJson),
      total,
      page: Math.min(query.page, pages),
      pages,
    });
  });

  router.post('/records-files', requirePermission('records_file.create'), async (req, res) => {
    const input = parseInput(RecordsFileSchema, req.body ?? {}, req.lng, req.t);
    const file = await createRecordsFile(req.user!, input, auditActorOf(req));
    res.location(`/api/v1/records-files/${file.id}`);
    await sendFile(req, res, file.id, 201);
  });

  router.get('/records-files/:id', async (req, res) => {
    const detail = await recordsFileDetail(req.user!, idOf(req));
    await auditAccess('records_file.view', actorOf(req), 'records_file', detail.file.id);
    res.json(fileJson(detail));
  });

  router.put('/records-files/:id', async (req, res) => {
    const id = idOf(req);
    const input = parseInput(RecordsFileSchema, req.body ?? {}, req.lng, req.t);
    await updateRecordsFile(req.user!, id, input, auditActorOf(req));
    await sendFile(req, res, id);
  });

  router.delete('/records-files/:id', async (req, res) => {
    await deleteRecordsFile(req.user!, idOf(req), auditActorOf(req));
    res.status(204).end();
  });

  for (const [path, change] of [
    ['close', closeRecordsFile],
    ['reopen', reopenRecordsFile],
    ['transfer', transferRecordsFile],
  ] as const)
    router.post(`/records-files/:id/${path}`, async (req, res) => {
      const id = idOf(req);
      await change(req.user!, id, auditActorOf(req));
      await sendFile(req, res, id);
    });

  router.post('/records-files/:id/documents', async (req, res) => {
    const id = idOf(req);
    const input = parseInput(ApiAddDocumentSchema, req.body ?? {}, req.lng, req.t);
    await addDocumentToFile(req.user!, id, { ...input, fileId: id }, auditActorOf(req));
    await sendFile(req, res, id, 201);
  });

  router.delete('/records-files/:id/documents/:itemId', async (req, res) => {
    const itemId = pathId(req, 'itemId', 'RECORDS_FILE_DOCUMENT_NOT_FOUND');
    await removeDocumentFromFile(req.user!, idOf(req), itemId, auditActorOf(req));
    res.status(204).end();
  });

  router.post('/records-files/:id/members', async (req, res) => {
    const id = idOf(req);
    const input = parseInput(ShareSchema, req.body ?? {}, req.lng, req.t);
    await shareRecordsFile(req.user!, id, input, auditActorOf(req));
    await sendFile(req, res, id, 201);
  });

  router.delete('/records-files/:id/members/:userId', async (req, res) => {
    const userId = pathId(req, 'userId', 'RECORDS_FILE_MEMBER_NOT_FOUND');
    await unshareRecordsFile(req.user!, idOf(req), userId, auditActorOf(req));
    res.status(204).end();
  });
  return router;
}
