/**
 * Incoming documents (văn bản đến): the services pages and the JSON API share. Each takes plain
 * input (zod-inferred types from incoming.schemas.ts), an actor { user, ip } and an optional
 * { transaction }, checks the policy itself (404 when the document is not visible, 403 when the
 * step is not allowed, 409 INCOMING_WRONG_STATUS when the document is not at that step) and
 * writes the change, its trail event, its audit row and its notifications in one transaction.
 *
 * Registration and reading (this file):
 *   registerIncoming(input: RegisterIncomingInput, uploads: UploadInput[], actor, options?: TxOptions & { maxBytes? }) → IncomingDocument
 *   registerStoredIncoming(input, files: StoredIncomingFile[], actor, options?: TxOptions & { trail? }) → IncomingDocument
 *   updateIncoming(documentId, input: IncomingFieldsInput, actor, options?) → IncomingDocument
 *   addIncomingFiles(documentId, uploads: UploadInput[], actor, options?: { maxBytes? }) → number added
 *   findDuplicates(agencyId, { codeNumber, codeNotation, fromOrganName }) → IncomingDocument[]
 *   nextArrivalNumber(agencyId, year?) → number (preview only)
 *   getIncomingDetail(documentId, actor) → IncomingDetail (audited as incoming.view)
 *   openIncomingFile(documentId, documentFileId, actor) → { documentFile, stream } (audited as incoming.download)
 * Workflow (incoming.workflow.ts):
 *   presentToLeader(documentId, { leaderId, note? }, actor, options?)
 *   directIncoming(documentId, DirectInput, actor, options?) → IncomingAssignment[]
 *   assignIncoming(documentId, AssignInput (assignmentId optional), actor, options?) → IncomingAssignment
 *   reportProgress(documentId, { assignmentId, percent, note? }, actor, options?)
 *   completeAssignment(documentId, { assignmentId, resultNote }, actor, options?)
 *   acknowledgeInfo(documentId, assignmentId, actor, options?)
 *   fileIncoming(documentId, actor, options?)
 *   returnToClerk(documentId, { reason }, actor, options?)
 *   commentIncoming(documentId, { body }, actor, options?)
 *   grantIncomingAccess(documentId, userId, actor, options?)
 *   remindAssignee(documentId, { assignmentId, note? }, actor, options?)  (đôn đốc)
 *   recheckSignatures(documentId, documentFileId, actor, options?) → SignatureCheck
 * Lists (incoming.queries.ts): listIncoming(user, ListQuery) for pages, listIncomingDocuments for
 * the API, incomingCounters(user).
 */
import { Op, type Transaction } from 'sequelize';
import { recordAudit } from '../audit/audit.service.js';
import { todayInVietnam, vietnamDayStart } from '../calendar/working-days.js';
import { db } from '../db/index.js';
import { withTransaction, type TxOptions } from '../db/transaction.js';
import { attachFiles } from '../documents/document-files.js';
import { addTrailEvent } from '../documents/trail.service.js';
import { DocumentFile, type StoredFile } from '../files/file.model.js';
import {
  checkUpload,
  saveCheckedUpload,
  type CheckedUpload,
  type StoredUpload,
} from '../files/file-storage.service.js';
import type { SignatureCheck } from '../files/signature-check.js';
import { AppError } from '../http/app-error.js';
import type { Actor } from '../http/request-context.js';
import { authorize } from '../policy/index.js';
import { INCOMING_STEP_STATUSES } from '../policy/incoming.policy.js';
import {
  arrivalSeries,
  issueArrivalNumber,
  peekNextNumber,
  prepareRegister,
  requireOpenRegister,
} from '../registers/register.service.js';
import { Register } from '../registers/register.model.js';
import { isoDate } from '../http/view-helpers.js';
import { requireVisibleIncoming } from './incoming.access.js';
import { visibleIncomingWhere } from './incoming.visibility.js';
import { enqueueTextReading } from '../documents/document-texts.js';
import { IncomingDocument } from './incoming.model.js';
import { normaliseOrganCode, normaliseOrganName } from '../senders/sender-names.js';
import { rememberSender } from '../senders/senders.service.js';
import type { IncomingFieldsInput, RegisterIncomingInput } from './incoming.schemas.js';
import { storedUrgency, urgentTimeError } from '../documents/urgency.js';
import { storedResponseFor } from './response-for.js';

export * from './incoming.workflow.js';
export * from './incoming.handling.js';
export { getIncomingDetail, openIncomingFile, type IncomingDetail } from './incoming.detail.js';
export { incomingCounters, listIncoming, listIncomingDocuments } from './incoming.queries.js';

export interface UploadInput {
  buffer: Buffer;
  originalName: string;
}

/** A date (YYYY-MM-DD) as the instant it begins in Vietnam. */

/**
 * The fields' own rules, all reported at once next to their fields (422): dates a person enters
 * must not lie in the future (arrival and promulgation); "Hỏa tốc hẹn giờ" needs its time, and
 * a time belongs to Hỏa tốc only.
 */
function checkFields(input: IncomingFieldsInput, today: string): void {
  const fields: Record<string, string> = {};
  const urgentTime = urgentTimeError(input);
  if (urgentTime) fields.urgentDeliverBy = urgentTime;
  if (input.arrivalDate && input.arrivalDate > today) fields.arrivalDate = 'errors:DATE_IN_FUTURE';
  if (input.promulgationDate && input.promulgationDate > today)
    fields.promulgationDate = 'errors:DATE_IN_FUTURE';
  if (input.promulgationDate && input.arrivalDate && input.promulgationDate > input.arrivalDate)
    fields.promulgationDate = 'errors:PROMULGATION_AFTER_ARRIVAL';
  // A document's deadline may have passed before it arrived (the page says so), never before it
  // was issued: that is a typing slip.
  if (input.dueDate && input.promulgationDate && input.dueDate < input.promulgationDate)
    fields.dueDate = 'errors:DUE_BEFORE_PROMULGATION';
  if (Object.keys(fields).length) throw new AppError('VALIDATION_FAILED', 422, undefined, fields);
}

/**
 * The register is written in arrival order: a document may not arrive (by its date) earlier than
 * the last one registered in the same register. 422 next to the arrival date. Checked early
 * (before files are stored) and again inside the numbering transaction, where the register row is
 * locked so the last document cannot change under the check.
 */
async function refuseArrivalBeforeLast(
  where: { registerId: number } | { agencyId: number; year: number; series: string },
  arrivalDay: string,
  transaction?: Transaction,
): Promise<void> {
  let registerId: number;
  if ('registerId' in where) registerId = where.registerId;
  else {
    const register = await Register.findOne({
      where: { agencyId: where.agencyId, kind: 'incoming', year: where.year, series: where.series },
      attributes: ['id'],
      transaction,
    });
    if (!register) return;
    registerId = register.id;
  }
  const last = await IncomingDocument.findOne({
    where: { registerId },
    order: [['arrivalNumber', 'DESC']],
    attributes: ['id', 'arrivalDate'],
    transaction,
  });
  if (last && arrivalDay < isoDate(last.arrivalDate)) {
    throw new AppError('VALIDATION_FAILED', 422, undefined, {
      arrivalDate: 'errors:ARRIVAL_BEFORE_LAST',
    });
  }
}

/** A document number as compared: "05" = "5" (leading zeros and spaces do not count). */
export function normaliseCodeNumber(value: string | null | undefined): string | null {
  const compact = (value ?? '').replace(/\s+/g, '').toUpperCase();
  if (compact === '') return null;
  return compact.replace(/^0+(?=.)/, '');
}

/** A notation (ký hiệu) as compared: case and spacing do not count ("QĐ - ubnd" = "QĐ-UBND"). */
export function normaliseNotation(value: string | null | undefined): string | null {
  const compact = (value ?? '').normalize('NFC').replace(/\s+/g, '').toLocaleUpperCase('vi');
  return compact === '' ? null : compact;
}

/** Same sender: by agency code when both have one, else by the normalised name. */
function sameSender(
  a: { fromOrganId?: string | null; fromOrganName: string },
  b: { fromOrganId?: string | null; fromOrganName: string },
): boolean {
  const [codeA, codeB] = [normaliseOrganCode(a.fromOrganId), normaliseOrganCode(b.fromOrganId)];
  if (codeA && codeB) return codeA === codeB;
  return normaliseOrganName(a.fromOrganName) === normaliseOrganName(b.fromOrganName);
}

/**
 * Documents of the agency that look like the same one (same number, notation and sender, each
 * normalised: "5" = "05", notation case and spacing ignored, the sender matched by its agency
 * code when both have one and by its normalised name otherwise), the duplicate warning of
 * Decree 30 Appendix VI. Nothing is compared when neither number nor notation is given.
 */
export async function findDuplicates(
  agencyId: number,
  input: Pick<IncomingFieldsInput, 'codeNumber' | 'codeNotation' | 'fromOrganName'> & {
    fromOrganId?: string | null;
  },
  excludeId?: number,
): Promise<IncomingDocument[]> {
  const number = normaliseCodeNumber(input.codeNumber);
  const notation = normaliseNotation(input.codeNotation);
  if (!number && !notation) return [];
  // The stored number as typed: "5", "05", "005"… (numbers are short; a few spellings cover it).
  const spellings = number ? [0, 1, 2, 3].map((zeros) => '0'.repeat(zeros) + number) : undefined;
  const candidates = await IncomingDocument.findAll({
    where: {
      agencyId,
      codeNumber: spellings ? { [Op.in]: spellings } : null,
      ...(excludeId ? { id: { [Op.ne]: excludeId } } : {}),
    },
    order: [['id', 'DESC']],
    limit: 500,
  });
  return candidates
    .filter(
      (d) =>
        normaliseCodeNumber(d.codeNumber) === number &&
        normaliseNotation(d.codeNotation) === notation &&
        sameSender(d, input),
    )
    .sort((a, b) => a.id - b.id)
    .slice(0, 50);
}

/**
 * The arrival number the next registration would get (shown on the form; issued at save), in
 * the ordinary series or the secret one (series 'secret').
 */
export async function nextArrivalNumber(
  agencyId: number,
  year = Number(todayInVietnam().slice(0, 4)),
  series = '',
) {
  return peekNextNumber({ agencyId, kind: 'incoming', year, series });
}

/** Who may register, with which dates (the first checks of every registration). */
function beginRegistration(input: RegisterIncomingInput, files: number, actor: Actor): string {
  authorize(actor.user, 'incoming.create');
  const today = todayInVietnam();
  checkFields(input, today);
  if (files === 0) {
    throw new AppError('VALIDATION_FAILED', 422, undefined, { files: 'errors:FILE_REQUIRED' });
  }
  return today;
}

/**
 * The duplicate warning (409 DUPLICATE_SUSPECTED) unless input.confirmDuplicate. Only documents
 * the person may see are named (number, date, link); a duplicate they may not see (a secret one
 * past their clearance) is said once, the same way however many there are, with nothing that
 * identifies it: registering a secret document twice harms the register, so the clerk is told to
 * ask whoever keeps the secret register, and the warning is audited on the hidden documents.
 */
async function refuseDuplicates(actor: Actor, input: RegisterIncomingInput): Promise<void> {
  if (input.confirmDuplicate) return;
  const duplicates = await findDuplicates(actor.user.agencyId, input);
  if (!duplicates.length) return;
  const visibleIds = new Set(
    (
      await IncomingDocument.findAll({
        attributes: ['id'],
        where: {
          [Op.and]: [{ id: duplicates.map((d) => d.id) }, visibleIncomingWhere(actor.user)],
        },
      })
    ).map((d) => d.id),
  );
  const hidden = duplicates.filter((d) => !visibleIds.has(d.id));
  for (const d of hidden) {
    await recordAudit({
      action: 'incoming.duplicate_hidden',
      userId: actor.user.id,
      ip: actor.ip,
      entityType: 'incoming',
      entityId: d.id,
    });
  }
  throw new AppError('DUPLICATE_SUSPECTED', 409, undefined, undefined, {
    duplicates: duplicates
      .filter((d) => visibleIds.has(d.id))
      .map((d) => ({ id: d.id, arrivalNumber: d.arrivalNumber, arrivalDate: d.arrivalDate })),
    hiddenDuplicate: hidden.length > 0,
  });
}

/** A file already stored, to be linked to the registered document with its signature check. */
export interface StoredIncomingFile {
  storedFile: StoredFile;
  originalName: string;
  signatureCheck: SignatureCheck | null;
}

/**
 * Registers an incoming document (vào sổ): checks every file by content first, warns about a
 * suspected duplicate (409 DUPLICATE_SUSPECTED unless input.confirmDuplicate), writes the files,
 * then in one transaction issues the arrival number and saves the document, its files, the trail
 * event and the audit row. Nothing is half-saved: an error rolls the number back.
 */
export async function registerIncoming(
  input: RegisterIncomingInput,
  uploads: UploadInput[],
  actor: Actor,
  options: TxOptions & { maxBytes?: number } = {},
): Promise<IncomingDocument> {
  const today = beginRegistration(input, uploads.length, actor);
  // Decree 30: the digital signature of an electronic document is checked when it is received.
  // Parsed and checked off the event loop, before anything is written: a refused file (not a
  // PDF, past the check's limits) leaves no trace.
  const checked: CheckedUpload[] = [];
  for (const upload of uploads) {
    checked.push(
      await checkUpload(upload.buffer, upload.originalName, { maxBytes: options.maxBytes }),
    );
  }
  await refuseDuplicates(actor, input);
  const arrivalDay = input.arrivalDate ?? today;
  await refuseArrivalBeforeLast(
    {
      agencyId: actor.user.agencyId,
      year: Number(arrivalDay.slice(0, 4)),
      series: arrivalSeries(input.confidentiality),
    },
    arrivalDay,
  );
  const stored: StoredIncomingFile[] = [];
  for (const upload of checked) {
    const { storedFile, originalName } = await saveCheckedUpload(upload, options);
    stored.push({ storedFile, originalName, signatureCheck: upload.signatureCheck });
  }
  return saveRegistration(input, stored, today, actor, options);
}

/**
 * Registers an incoming document whose files are already stored and checked (a document
 * delivered by another agency of this deployment): the files are linked, not copied, with their
 * signature checks; `trail` is added to the registration's trail event. Same rules and the same
 * transaction body as registerIncoming.
 */
export async function registerStoredIncoming(
  input: RegisterIncomingInput,
  files: StoredIncomingFile[],
  actor: Actor,
  options: TxOptions & { trail?: Record<string, unknown> } = {},
): Promise<IncomingDocument> {
  const today = beginRegistration(input, files.length, actor);
  await refuseDuplicates(actor, input);
  return saveRegistration(input, files, today, actor, options);
}

async function saveRegistration(
  input: RegisterIncomingInput,
  files: StoredIncomingFile[],
  today: string,
  actor: Actor,
  options: TxOptions & { trail?: Record<string, unknown> },
): Promise<IncomingDocument> {
  const agencyId = actor.user.agencyId;
  const arrivalDate =
    !input.arrivalDate || input.arrivalDate === today
      ? new Date()
      : vietnamDayStart(input.arrivalDate);
  const year = Number((input.arrivalDate ?? today).slice(0, 4));
  const signatureChecks = files.map((f) => f.signatureCheck);
  // A secret document takes its number from the secret series (Sổ đăng ký văn bản đến mật).
  const series = arrivalSeries(input.confidentiality);
  if (!options.transaction) await prepareRegister({ agencyId, kind: 'incoming', year, series });
  const { urgency, urgentDeliverBy } = storedUrgency(input);
  const pageTotal = files.reduce((sum, f) => sum + (f.storedFile.pageCount ?? 0), 0);

  return withTransaction(db(), options, async (transaction) => {
    const { registerId, number } = await issueArrivalNumber(
      agencyId,
      year,
      { transaction },
      series,
    );
    await refuseArrivalBeforeLast({ registerId }, input.arrivalDate ?? today, transaction);
    const doc = await IncomingDocument.create(
      {
        agencyId,
        registerId,
        arrivalNumber: number,
        arrivalDate,
        fromOrganName: input.fromOrganName,
        fromOrganId: input.fromOrganId ?? null,
        codeNumber: input.codeNumber ?? null,
        codeNotation: input.codeNotation ?? null,
        promulgationDate: input.promulgationDate ?? null,
        documentType: input.documentType,
        subject: input.subject,
        signerName: input.signerName ?? null,
        signerCompetence: input.signerCompetence ?? null,
        signerPosition: input.signerPosition ?? null,
        promulgationPlace: input.promulgationPlace ?? null,
        copyForm: input.copyForm ?? 'original',
        urgency,
        urgentDeliverBy,
        confidentiality: input.confidentiality,
        pageAmount: input.pageAmount ?? pageTotal,
        dueDate: input.dueDate ?? null,
        edxmlDocumentId: input.edxmlDocumentId ?? null,
        responseFor: storedResponseFor(input.responseFor),
        status: 'registered',
        createdById: actor.user.id,
      },
      { transaction },
    );
    // The sender directory learns the sender (its code, from an edXML package, when given).
    await rememberSender(
      agencyId,
      { name: input.fromOrganName, code: input.fromOrganId },
      { userId: actor.user.id, ip: actor.ip },
      { transaction },
    );
    // The first file is the document itself, the others its attachments.
    await attachFiles(
      { kind: 'incoming', id: doc.id },
      files.map((s, i) => ({
        fileId: s.storedFile.id,
        originalName: s.originalName,
        role: i === 0 ? 'main' : 'attachment',
        signatureCheck: JSON.stringify(signatureChecks[i]),
      })),
      transaction,
    );
    // The files' text is read for search off the request's path (incoming.search-index.ts).
    await enqueueTextReading('incoming', doc.id, actor.user.id, transaction);
    await addTrailEvent(
      {
        kind: 'incoming',
        documentId: doc.id,
        actorId: actor.user.id,
        action: 'register',
        data: {
          arrivalNumber: number,
          ...(input.edxmlDocumentId ? { edxmlDocumentId: input.edxmlDocumentId } : {}),
          ...options.trail,
        },
      },
      { transaction },
    );
    await recordAudit(
      {
        action: 'incoming.register',
        userId: actor.user.id,
        ip: actor.ip,
        entityType: 'incoming',
        entityId: doc.id,
        details: {
          arrivalNumber: number,
          year,
          ...(series ? { series } : {}),
          confirmedDuplicate: input.confirmDuplicate || undefined,
          files: files.map((s) => s.storedFile.sha256),
          signatures: signatureChecks.map((c) => c?.status),
          ...options.trail,
        },
      },
      { transaction },
    );
    return doc;
  });
}

/** Corrects the registered fields (not the number, not the files) while the clerk holds the document. */
export async function updateIncoming(
  documentId: number,
  input: IncomingFieldsInput,
  actor: Actor,
  options?: TxOptions,
): Promise<IncomingDocument> {
  checkFields(input, todayInVietnam());
  return withTransaction(db(), options, async (transaction) => {
    const access = await requireVisibleIncoming(actor.user, documentId, transaction);
    const doc = access.document;
    if (!(INCOMING_STEP_STATUSES.edit as readonly string[]).includes(doc.status)) {
      throw new AppError('INCOMING_WRONG_STATUS', 409);
    }
    authorize(actor.user, 'incoming.edit', access);
    await requireOpenRegister(doc.registerId, transaction);
    // The arrival number belongs to the register's series: a document cannot move between the
    // ordinary and the secret series after it was numbered (that would leave a gap in one).
    if (arrivalSeries(doc.confidentiality) !== arrivalSeries(input.confidentiality)) {
      throw new AppError('VALIDATION_FAILED', 422, undefined, {
        confidentiality: 'errors:CONFIDENTIALITY_SERIES_CHANGE',
      });
    }
    const before = doc.get({ plain: true }) as unknown as Record<string, unknown>;
    const fields = {
      fromOrganName: input.fromOrganName,
      fromOrganId: input.fromOrganId ?? null,
      codeNumber: input.codeNumber ?? null,
      codeNotation: input.codeNotation ?? null,
      promulgationDate: input.promulgationDate ?? null,
      documentType: input.documentType,
      subject: input.subject,
      signerName: input.signerName ?? null,
      signerCompetence: input.signerCompetence ?? null,
      signerPosition: input.signerPosition ?? null,
      promulgationPlace: input.promulgationPlace ?? null,
      copyForm: input.copyForm ?? 'original',
      ...storedUrgency(input),
      confidentiality: input.confidentiality,
      pageAmount: input.pageAmount ?? doc.pageAmount,
      dueDate: input.dueDate ?? null,
    };
    const changes = Object.fromEntries(
      Object.entries(fields)
        .filter(([k, v]) => String(before[k] ?? '') !== String(v ?? ''))
        .map(([k, v]) => [k, { from: before[k] ?? null, to: v }]),
    );
    await doc.update(fields, { transaction });
    await addTrailEvent(
      {
        kind: 'incoming',
        documentId,
        actorId: actor.user.id,
        action: 'update',
        data: { fields: Object.keys(changes) },
      },
      { transaction },
    );
    await recordAudit(
      {
        action: 'incoming.update',
        userId: actor.user.id,
        ip: actor.ip,
        entityType: 'incoming',
        entityId: documentId,
        details: { changes },
      },
      { transaction },
    );
    return doc;
  });
}

/**
 * Adds files to a registered document (bổ sung tệp: an appendix that came later, a better scan)
 * while the clerk still holds it, under the same rule as correcting its fields. Files are checked
 * by content and stored before the transaction; one already attached (same content) is skipped.
 * Registered files are never removed: they are what arrived. Returns how many were added.
 */
export async function addIncomingFiles(
  documentId: number,
  uploads: UploadInput[],
  actor: Actor,
  options: { maxBytes?: number } = {},
): Promise<number> {
  // Refuse early (before reading any upload) when the person may not touch the document.
  const access = await requireVisibleIncoming(actor.user, documentId);
  if (!(INCOMING_STEP_STATUSES.edit as readonly string[]).includes(access.document.status))
    throw new AppError('INCOMING_WRONG_STATUS', 409);
  authorize(actor.user, 'incoming.edit', access);
  await requireOpenRegister(access.document.registerId);
  if (uploads.length === 0)
    throw new AppError('VALIDATION_FAILED', 422, undefined, { files: 'errors:FILE_REQUIRED' });
  const checked: CheckedUpload[] = [];
  for (const upload of uploads)
    checked.push(await checkUpload(upload.buffer, upload.originalName, options));
  const stored: StoredUpload[] = [];
  for (const upload of checked) stored.push(await saveCheckedUpload(upload));
  const signatureChecks = new Map(
    stored.map((s, i) => [s.storedFile.id, checked[i].signatureCheck]),
  );

  return withTransaction(db(), {}, async (transaction) => {
    // Checked again inside the transaction: the document may have moved on meanwhile.
    const current = await requireVisibleIncoming(actor.user, documentId, transaction);
    if (!(INCOMING_STEP_STATUSES.edit as readonly string[]).includes(current.document.status))
      throw new AppError('INCOMING_WRONG_STATUS', 409);
    authorize(actor.user, 'incoming.edit', current);
    await requireOpenRegister(current.document.registerId, transaction);
    const attached = new Set(
      (
        await DocumentFile.findAll({
          where: { documentKind: 'incoming', documentId },
          attributes: ['fileId'],
          transaction,
        })
      ).map((f) => f.fileId),
    );
    const added = stored.filter((s) => {
      if (attached.has(s.storedFile.id)) return false;
      attached.add(s.storedFile.id);
      return true;
    });
    if (added.length === 0) throw new AppError('FILE_ALREADY_ATTACHED', 409);
    await attachFiles(
      { kind: 'incoming', id: documentId },
      added.map((s) => ({
        fileId: s.storedFile.id,
        originalName: s.originalName,
        role: 'attachment' as const,
        signatureCheck: JSON.stringify(signatureChecks.get(s.storedFile.id)),
      })),
      transaction,
    );
    await enqueueTextReading('incoming', documentId, actor.user.id, transaction);
    await addTrailEvent(
      {
        kind: 'incoming',
        documentId,
        actorId: actor.user.id,
        action: 'add_files',
        note: added.map((s) => s.originalName).join(', '),
        data: { files: added.map((s) => s.originalName) },
      },
      { transaction },
    );
    await recordAudit(
      {
        action: 'incoming.add_files',
        userId: actor.user.id,
        ip: actor.ip,
        entityType: 'incoming',
        entityId: documentId,
        details: {
          files: added.map((s) => ({
            sha256: s.storedFile.sha256,
            name: s.originalName,
            signatures: signatureChecks.get(s.storedFile.id)?.status,
          })),
        },
      },
      { transaction },
    );
    return added.length;
  });
}
