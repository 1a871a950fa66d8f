/**
 * Reading outgoing documents: the detail a page or the API shows (audited as outgoing.view),
 * a file (audited as outgoing.download), two versions compared, the Decree 30 advice, lists.
 */
import { ApprovalFlow } from '../approvals/approval.model.js';
import { auditAccess, recordAudit } from '../audit/audit.service.js';
import { db } from '../db/index.js';
import { hydrate } from '../db/hydrate.js';
import { selectTogether, type Select } from '../db/select-together.js';
import type { DocumentEvent } from '../documents/document.model.js';
import { filesFromRows, filesWithStoredSelect } from '../documents/document-files.js';
import { latestJob } from '../documents/document-jobs.js';
import { trailAndCommentsOf, trailSelects } from '../documents/trail.service.js';
import { checkDecree30, type Decree30Finding } from '../drafting/decree30-check.js';
import { diffVersions, type VersionDiff } from '../drafting/version-diff.js';
import { joinPages } from '../drafting/pdf-text.js';
import { extractPdfTextOffThread } from '../files/pdf-check-pool.js';
import { DocumentFile, StoredFile, type FileRole } from '../files/file.model.js';
import { openStoredFile, readStoredFile } from '../files/file-storage.service.js';
import { AppError } from '../http/app-error.js';
import type { Actor } from '../http/request-context.js';
import { authorize, can } from '../policy/index.js';
import { User } from '../users/user.model.js';
import { requireVisibleOutgoing, type OutgoingAccess } from './outgoing.access.js';
import { statusEventsOf, statusEventsSelect } from './outgoing.delivery-status.js';
import { OutgoingDocument, type OutgoingStatusEvent } from './outgoing.model.js';
import type { OutgoingTab } from './outgoing.schemas.js';
import { outgoingTabWhere } from './outgoing.visibility.js';

export interface OutgoingDetail {
  access: OutgoingAccess;
  files: DocumentFile[];
  events: DocumentEvent[];
  /** The recipients' status events, oldest first, when asked for (`statusEvents`). */
  statusEvents?: OutgoingStatusEvent[];
  signer: User | null;
  drafter: User | null;
  conversion: { status: string; error: string | null } | null;
}

const ALL_ROLES: FileRole[] = ['main', 'attachment', 'signed', 'source'];

/** The signer's and the drafter's names and titles, in one statement (no roles: only shown). */
function namesSelect(ids: number[]): Select {
  return {
    sql: `SELECT id, fullName, positionTitle FROM users WHERE id IN (${ids.map(() => '?').join(', ')})`,
    params: ids,
  };
}

/**
 * Everything the detail shows of a document the user may see (404 otherwise): its access, files
 * with their stored records, trail with each actor, the signer and the drafter (unless `people`
 * is false: the API shows neither) and the conversion of a DOCX draft. `loaded`: the access the
 * caller's step just left, for this user (an action's answer), instead of reading it again.
 * `statusEvents`: also the recipients' status events (deliveryStatus's history). Files, trail,
 * names and status events are read in one round trip (selectTogether).
 */
export async function getOutgoingDetail(
  id: number,
  actor: Actor,
  {
    audit = true,
    loaded,
    people = true,
    statusEvents = false,
  }: { audit?: boolean; loaded?: OutgoingAccess; people?: boolean; statusEvents?: boolean } = {},
): Promise<OutgoingDetail> {
  let access: OutgoingAccess;
  if (loaded?.document.id === id) {
    if (!can(actor.user, 'outgoing.view', loaded)) throw new AppError('OUTGOING_NOT_FOUND', 404);
    access = loaded;
  } else access = await requireVisibleOutgoing(actor.user, id);
  const doc = access.document;
  const nameIds = people
    ? [...new Set([doc.signerId, doc.createdById].filter((u): u is number => u != null))]
    : [];
  const recipientIds = statusEvents ? access.recipients.map((r) => r.id) : [];
  const [fileRows, eventRows, ...rest] = await selectTogether(db(), [
    filesWithStoredSelect({ kind: 'outgoing', id }, ALL_ROLES),
    trailSelects('outgoing', id)[0],
    ...(nameIds.length ? [namesSelect(nameIds)] : []),
    ...(recipientIds.length ? [statusEventsSelect(recipientIds)] : []),
  ]);
  const files = filesFromRows(fileRows);
  const { events } = trailAndCommentsOf(eventRows, []);
  const names = new Map(
    (nameIds.length ? rest.shift()! : []).map((row) => [Number(row.id), hydrate(User, row)]),
  );
  // A conversion is enqueued with the DOCX source it converts, in one transaction: without a
  // source file there is no job to read.
  const job = files.some((f) => f.role === 'source')
    ? await latestJob({ kind: 'outgoing', id }, 'docx-to-pdf')
    : null;
  if (audit) await auditAccess('outgoing.view', actor, 'outgoing', id);
  return {
    access,
    files,
    events,
    ...(statusEvents
      ? { statusEvents: statusEventsOf(recipientIds.length ? rest.shift()! : []) }
      : {}),
    signer: (doc.signerId && names.get(doc.signerId)) || null,
    drafter: names.get(doc.createdById) ?? null,
    conversion: job && job.status !== 'done' ? { status: job.status, error: job.error } : null,
  };
}

/** One file of a document the user may see (never a DOCX source: only PDFs are served). */
export async function openOutgoingFile(id: number, documentFileId: number, actor: Actor) {
  const access = await requireVisibleOutgoing(actor.user, id);
  authorize(actor.user, 'outgoing.download', access);
  const documentFile = await DocumentFile.findOne({
    where: { id: documentFileId, documentKind: 'outgoing', documentId: id },
    include: [{ model: StoredFile, as: 'file' }],
  });
  if (!documentFile?.file || documentFile.role === 'source')
    throw new AppError('FILE_NOT_FOUND', 404);
  const stream = await openStoredFile(documentFile.file);
  await recordAudit({
    action: 'outgoing.download',
    userId: actor.user.id,
    ip: actor.ip,
    entityType: 'outgoing',
    entityId: id,
    details: { documentFileId, name: documentFile.originalName, role: documentFile.role },
  });
  return { documentFile, storedFile: documentFile.file, stream };
}

async function textOfVersion(id: number, version: number): Promise<string> {
  const file = await DocumentFile.findOne({
    where: { documentKind: 'outgoing', documentId: id, role: 'main', version },
    include: [{ model: StoredFile, as: 'file' }],
  });
  if (!file?.file) throw new AppError('OUTGOING_VERSION_NOT_FOUND', 404);
  return joinPages(
    await extractPdfTextOffThread(await readStoredFile(file.file), file.originalName),
  );
}

/** The text diff of two main versions (audited as an access to the document). */
export async function compareVersions(
  id: number,
  from: number,
  to: number,
  actor: Actor,
): Promise<VersionDiff> {
  await requireVisibleOutgoing(actor.user, id);
  const [a, b] = await Promise.all([textOfVersion(id, from), textOfVersion(id, to)]);
  await recordAudit({
    action: 'outgoing.view',
    userId: actor.user.id,
    ip: actor.ip,
    entityType: 'outgoing',
    entityId: id,
    details: { compare: [from, to] },
  });
  return diffVersions(a, b);
}

/** Decree 30 layout advice on the latest main version, without what the drafter dismissed. */
export async function decree30Advice(
  access: OutgoingAccess,
  files: DocumentFile[],
): Promise<Decree30Finding[]> {
  const main = files.filter((f) => f.role === 'main').at(-1);
  if (!main?.file) return [];
  const text = joinPages(
    await extractPdfTextOffThread(await readStoredFile(main.file), main.originalName),
  );
  const dismissed = new Set<string>(JSON.parse(access.document.adviceDismissed ?? '[]'));
  return checkDecree30(text, { documentType: access.document.documentType }).filter(
    (f) => !dismissed.has(f.rule),
  );
}

/** The list page's tabs, with its query's schema (outgoing.schemas.ts). */
export { OUTGOING_TABS, type OutgoingTab } from './outgoing.schemas.js';

/**
 * A tab of the outgoing list, newest first: the user's drafts, what waits for their signature
 * (or their principal's, under a delegation), what waits for issuance (clerks), what was issued,
 * and everything they may see; one query with the view rule as SQL (outgoing.visibility.ts).
 */
export async function listOutgoing(
  user: User,
  tab: OutgoingTab,
  limit = 100,
): Promise<Pick<OutgoingAccess, 'document' | 'flowStatus'>[]> {
  const docs = await OutgoingDocument.findAll({
    where: await outgoingTabWhere(user, tab),
    order: [['id', 'DESC']],
    limit,
  });
  // Each submitted document's latest chain, for where it stands (statusKeyOf).
  const submitted = docs.filter((d) => d.status === 'in_approval').map((d) => d.id);
  const flows = submitted.length
    ? await ApprovalFlow.findAll({
        where: { documentKind: 'outgoing', documentId: submitted },
        attributes: ['id', 'documentId', 'status'],
        order: [['id', 'ASC']],
      })
    : [];
  const latest = new Map(flows.map((f) => [f.documentId, f.status as string]));
  return docs.map((document) => ({ document, flowStatus: latest.get(document.id) ?? null }));
}

/**
 * The key of a document's status as people say it (outgoing:status.*): a submitted document
 * whose chain approved it, or that went straight to the signer, waits for the signature; one its
 * chain returned, rejected or the drafter withdrew is back with its drafter — neither is "in
 * approval" any more.
 */
export function statusKeyOf(a: Pick<OutgoingAccess, 'document' | 'flowStatus'>): string {
  const { status } = a.document;
  if (status !== 'in_approval') return status;
  if (a.flowStatus === null || a.flowStatus === 'approved') return 'to_sign';
  if (['returned', 'rejected', 'withdrawn'].includes(a.flowStatus)) return `chain_${a.flowStatus}`;
  return status;
}
