/**
 * Drafting (issue 12 §1): a draft with its fields, recipients, main file versions and
 * attachments. Each upload of the main file is a new version; a DOCX is stored as the version's
 * source and converted to PDF by a background job (LibreOffice), the PDF being what is signed.
 *   createDraft(input, files, actor) → OutgoingDocument
 *   prepareDraft(input, files, actor) → (transaction) => OutgoingDocument, the same in a caller's transaction
 *   prepareDraftOrRevision(input, main, actor) → { create, revise }, a new draft or a new version
 *                                  of one (fields and main file), chosen in a caller's transaction
 *   updateDraft(id, input, actor)
 *   addMainVersion(id, upload, actor) → { version } | { conversionJobId }
 *   addAttachments(id, uploads, actor)
 *   dismissAdvice(id, rule, actor)
 */
import { Op, type Transaction } from 'sequelize';
import { Agency, Department } from '../agencies/agency.model.js';
import { recordAudit } from '../audit/audit.service.js';
import { db } from '../db/index.js';
import { withTransaction, type TxOptions } from '../db/transaction.js';
import { attachFiles, mainFile } from '../documents/document-files.js';
import { enqueueTextReading } from '../documents/document-texts.js';
import { enqueueJob, registerJobHandler } from '../documents/document-jobs.js';
import type { DocumentJob } from '../documents/document-job.model.js';
import { runStep, type StepContext, type StepFlow } from '../documents/step-runner.js';
import { addTrailEvent } from '../documents/trail.service.js';
import { convertToPdf, ConversionError } from '../drafting/docx-to-pdf.js';
import { DocumentFile, StoredFile } from '../files/file.model.js';
import {
  checkUpload,
  isDocxBytes,
  readStoredFile,
  saveCheckedUpload,
  storeDocxUpload,
  type StoredUpload,
} from '../files/file-storage.service.js';
import { AppError } from '../http/app-error.js';
import type { Actor } from '../http/request-context.js';
import { notify } from '../notifications/notification.service.js';
import { authorize, can } from '../policy/index.js';
import { User } from '../users/user.model.js';
import {
  loadOutgoingAccess,
  requireVisibleOutgoing,
  type OutgoingAccess,
} from './outgoing.access.js';
import { OutgoingDocument, OutgoingRecipient, type OutgoingStatus } from './outgoing.model.js';
import { readVersionLayout } from './version-layout.js';
import { withDrafter } from './outgoing.policy.js';
import { ApprovalFlow } from '../approvals/approval.model.js';
import { DECREE30_RULES } from '../drafting/decree30-check.js';
import { storedUrgency, urgentTimeError } from '../documents/urgency.js';
import { canBeNormative } from '../documents/document-types.js';
import type { DraftFieldsInput, RecipientInput } from './outgoing.schemas.js';
import { needsPrincipalTitle } from './signer-block.js';
import { checkAnswered, recordAnswerStep } from './outgoing.answers.js';

export interface UploadInput {
  buffer: Buffer;
  originalName: string;
}

export const outgoingFlow: StepFlow<OutgoingAccess, OutgoingStatus> = {
  kind: 'outgoing',
  load: (user, id, transaction) => requireVisibleOutgoing(user, id, transaction),
  statusOf: (a) => a.document.status,
  wrongStatusCode: 'OUTGOING_WRONG_STATUS',
};

interface ResolvedRecipient {
  recipientAgencyId: number | null;
  departmentId: number | null;
  name: string;
  code: string | null;
}

/** Names each recipient from the directory; an unknown agency or department is refused. */
async function resolveRecipients(
  agencyId: number,
  inputs: RecipientInput[],
): Promise<ResolvedRecipient[]> {
  const out: ResolvedRecipient[] = [];
  const seen = new Set<string>();
  for (const [i, r] of inputs.entries()) {
    let resolved: ResolvedRecipient;
    if (r.agencyId !== undefined) {
      const agency = await Agency.findByPk(r.agencyId);
      if (!agency || agency.id === agencyId)
        throw new AppError('VALIDATION_FAILED', 422, undefined, {
          [`recipients.${i}`]: 'errors:OUTGOING_RECIPIENT_UNKNOWN',
        });
      resolved = {
        recipientAgencyId: agency.id,
        departmentId: null,
        name: agency.name,
        code: agency.code ?? null,
      };
    } else if (r.departmentId !== undefined) {
      const department = await Department.findOne({ where: { id: r.departmentId, agencyId } });
      if (!department)
        throw new AppError('VALIDATION_FAILED', 422, undefined, {
          [`recipients.${i}`]: 'errors:OUTGOING_RECIPIENT_UNKNOWN',
        });
      resolved = {
        recipientAgencyId: null,
        departmentId: department.id,
        name: department.name,
        code: null,
      };
    } else {
      resolved = {
        recipientAgencyId: null,
        departmentId: null,
        name: r.name!,
        code: r.code ?? null,
      };
    }
    const key = `${resolved.recipientAgencyId}|${resolved.departmentId}|${resolved.name}`;
    if (!seen.has(key)) out.push(resolved);
    seen.add(key);
  }
  return out;
}

async function checkSigner(agencyId: number, signerId: number | undefined): Promise<void> {
  if (signerId === undefined) return;
  const signer = await User.findOne({ where: { id: signerId, agencyId, isActive: true } });
  if (!signer || !(signer.hasRole('leader') || signer.hasRole('dept_head')))
    throw new AppError('VALIDATION_FAILED', 422, undefined, {
      signerId: 'errors:OUTGOING_SIGNER_INVALID',
    });
}

/** KT., Q., TL. and TUQ. print the title of the head signed for: the draft must name it. */
function checkSignerBlock(input: DraftFieldsInput): void {
  if (needsPrincipalTitle(input.signingForm) && !input.principalTitle)
    throw new AppError('VALIDATION_FAILED', 422, undefined, {
      principalTitle: 'errors:OUTGOING_PRINCIPAL_TITLE_REQUIRED',
    });
}

/** Hỏa tốc hẹn giờ needs its time, and a time belongs to Hỏa tốc only (as on incoming). */
function checkUrgency(input: DraftFieldsInput): void {
  const error = urgentTimeError(input);
  if (error) throw new AppError('VALIDATION_FAILED', 422, undefined, { urgentDeliverBy: error });
}

/** Only a type that can be a legal normative document (Nghị quyết, Quyết định) may be marked one. */
function checkNormative(input: DraftFieldsInput): void {
  if (input.normative && !canBeNormative(input.documentType))
    throw new AppError('VALIDATION_FAILED', 422, undefined, {
      normative: 'errors:OUTGOING_NORMATIVE_TYPE',
    });
}

/**
 * The document a draft replaces or corrects: an issued (or recalled) one of the agency that the
 * drafter may open. One they may not open is refused as one that does not exist, so the answer
 * never tells whether a number was issued.
 */
async function checkRelated(user: User, input: DraftFieldsInput): Promise<void> {
  if ((input.relatedId === undefined) !== (input.relation === undefined))
    throw new AppError('VALIDATION_FAILED', 422, undefined, {
      relatedId: 'errors:OUTGOING_RELATED_INVALID',
    });
  if (input.relatedId === undefined) return;
  const related = await loadOutgoingAccess(user, input.relatedId);
  if (
    !related ||
    !['issued', 'recalled'].includes(related.document.status) ||
    !can(user, 'outgoing.view', related)
  )
    throw new AppError('VALIDATION_FAILED', 422, undefined, {
      relatedId: 'errors:OUTGOING_RELATED_INVALID',
    });
}

const fieldsOf = (input: DraftFieldsInput) => ({
  documentType: input.documentType,
  subject: input.subject,
  summary: input.summary ?? null,
  ...storedUrgency(input),
  confidentiality: input.confidentiality,
  normative: input.normative,
  signerId: input.signerId ?? null,
  signingForm: input.signingForm,
  signerTitle: input.signerTitle ?? null,
  authorityName: input.authorityName ?? null,
  principalTitle: input.principalTitle ?? null,
  recipientsNote: input.recipientsNote ?? null,
  placeName: input.placeName ?? null,
  relatedId: input.relatedId ?? null,
  relation: input.relation ?? null,
  answersIncomingId: input.answersIncomingId ?? null,
});

async function replaceRecipients(
  outgoingId: number,
  recipients: ResolvedRecipient[],
  transaction: Transaction,
): Promise<void> {
  await OutgoingRecipient.destroy({ where: { outgoingId }, transaction });
  await OutgoingRecipient.bulkCreate(
    recipients.map((r, i) => ({ ...r, outgoingId, position: i + 1 })),
    { transaction },
  );
}

/** A main-file upload checked and stored before any transaction: a PDF, or a DOCX to convert. */
type PreparedMain =
  | { kind: 'pdf'; stored: StoredUpload; signatureCheck: string | null; layout: string }
  | { kind: 'docx'; stored: StoredUpload };

async function prepareMain(upload: UploadInput, maxBytes?: number): Promise<PreparedMain> {
  if (isDocxBytes(upload.buffer))
    return {
      kind: 'docx',
      stored: await storeDocxUpload(upload.buffer, upload.originalName, { maxBytes }),
    };
  const checked = await checkUpload(upload.buffer, upload.originalName, {
    maxBytes,
    signable: true,
  });
  const layout = await readVersionLayout(checked.buffer, checked.originalName);
  return {
    kind: 'pdf',
    stored: await saveCheckedUpload(checked),
    signatureCheck: checked.signatureCheck ? JSON.stringify(checked.signatureCheck) : null,
    layout: JSON.stringify(layout),
  };
}

async function prepareAttachments(uploads: UploadInput[], maxBytes?: number) {
  const out: { stored: StoredUpload; signatureCheck: string | null }[] = [];
  for (const u of uploads) {
    const checked = await checkUpload(u.buffer, u.originalName, { maxBytes, signable: true });
    out.push({
      stored: await saveCheckedUpload(checked),
      signatureCheck: checked.signatureCheck ? JSON.stringify(checked.signatureCheck) : null,
    });
  }
  return out;
}

/** Links a prepared main file: a PDF becomes the next version, a DOCX is queued for conversion. */
async function linkMain(
  outgoingId: number,
  main: PreparedMain,
  actor: Actor,
  transaction: Transaction,
): Promise<{ version?: number; conversionJobId?: number }> {
  const ref = { kind: 'outgoing' as const, id: outgoingId };
  if (main.kind === 'pdf') {
    const [file] = await attachFiles(
      ref,
      [
        {
          fileId: main.stored.storedFile.id,
          originalName: main.stored.originalName,
          role: 'main',
          signatureCheck: main.signatureCheck,
          layout: main.layout,
        },
      ],
      transaction,
    );
    await enqueueTextReading('outgoing', outgoingId, actor.user.id, transaction);
    return { version: file!.version };
  }
  const [source] = await attachFiles(
    ref,
    [{ fileId: main.stored.storedFile.id, originalName: main.stored.originalName, role: 'source' }],
    transaction,
  );
  const job = await enqueueJob(
    'docx-to-pdf',
    ref,
    { sourceDocumentFileId: source!.id },
    actor.user.id,
    transaction,
  );
  return { conversionJobId: job.id };
}

/**
 * Creates a draft with its main file (PDF, or DOCX converted in the background) and attachments.
 * Files are checked and stored first; the draft, its recipients, files, trail and audit commit
 * together or not at all.
 */
export async function createDraft(
  input: DraftFieldsInput,
  files: { main?: UploadInput; attachments?: UploadInput[] },
  actor: Actor,
  options: { maxBytes?: number } = {},
): Promise<OutgoingDocument> {
  const write = await prepareDraft(input, files, actor, options);
  return withTransaction(db(), undefined, write);
}

/**
 * createDraft in two parts, for a caller whose own rows must commit with the draft (a meeting's
 * notice linked to it): the checks and the files' storing now, outside any transaction; the
 * draft's rows by the function returned, in the caller's transaction.
 */
export async function prepareDraft(
  input: DraftFieldsInput,
  files: { main?: UploadInput; attachments?: UploadInput[] },
  actor: Actor,
  options: { maxBytes?: number } = {},
): Promise<(transaction: Transaction) => Promise<OutgoingDocument>> {
  authorize(actor.user, 'outgoing.create');
  const recipients = await checkFields(actor.user, input);
  if (!files.main)
    throw new AppError('VALIDATION_FAILED', 422, undefined, { main: 'errors:FILE_REQUIRED' });
  const main = await prepareMain(files.main, options.maxBytes);
  const attachments = await prepareAttachments(files.attachments ?? [], options.maxBytes);
  return writeNewDraft(input, recipients, main, attachments, actor);
}

/** A draft's two ways of being written from one preparation (prepareDraftOrRevision). */
export interface PreparedDraftOrRevision {
  /** A new draft with the main file (createDraft's rows). */
  create(transaction: Transaction): Promise<OutgoingDocument>;
  /**
   * Draft `id` takes the fields and recipients, and the main file as its next version, in one
   * step (updateDraft and addMainVersion's rows): by its drafter, while it is with them.
   */
  revise(
    id: number,
    transaction: Transaction,
  ): Promise<{ version?: number; conversionJobId?: number }>;
}

/**
 * For a caller that knows only in its own transaction, under its own lock, whether it makes a new
 * draft or revises the one it has (a meeting's invitation): the checks and the main file's storing
 * now, outside any transaction and once for either; the rows of the one chosen in the caller's
 * transaction, with the caller's own rows.
 */
export async function prepareDraftOrRevision(
  input: DraftFieldsInput,
  main: UploadInput,
  actor: Actor,
  options: { maxBytes?: number } = {},
): Promise<PreparedDraftOrRevision> {
  authorize(actor.user, 'outgoing.create');
  const recipients = await checkFields(actor.user, input);
  const prepared = await prepareMain(main, options.maxBytes);
  return {
    create: writeNewDraft(input, recipients, prepared, [], actor),
    revise: (id, transaction) =>
      asDrafter(
        id,
        actor,
        async (ctx) => {
          await writeFields(ctx, input, recipients);
          return writeVersion(ctx, prepared, actor);
        },
        { transaction },
      ),
  };
}

/**
 * The fields' checks before any transaction: the urgency's time, the normative mark, the
 * signer, the related document, the incoming document answered, the recipients.
 */
async function checkFields(user: User, input: DraftFieldsInput): Promise<ResolvedRecipient[]> {
  const agencyId = user.agencyId;
  checkUrgency(input);
  checkNormative(input);
  await checkSigner(agencyId, input.signerId);
  checkSignerBlock(input);
  await checkRelated(user, input);
  await checkAnswered(user, input.answersIncomingId);
  return resolveRecipients(agencyId, input.recipients);
}

/** The rows of a new draft, for a transaction to come. */
function writeNewDraft(
  input: DraftFieldsInput,
  recipients: ResolvedRecipient[],
  main: PreparedMain,
  attachments: Awaited<ReturnType<typeof prepareAttachments>>,
  actor: Actor,
): (transaction: Transaction) => Promise<OutgoingDocument> {
  return async (transaction) => {
    const doc = await OutgoingDocument.create(
      {
        agencyId: actor.user.agencyId,
        departmentId: actor.user.departmentId,
        ...fieldsOf(input),
        status: 'draft',
        createdById: actor.user.id,
      },
      { transaction },
    );
    await replaceRecipients(doc.id, recipients, transaction);
    const linked = await linkMain(doc.id, main, actor, transaction);
    await attachFiles(
      { kind: 'outgoing', id: doc.id },
      attachments.map((a) => ({
        fileId: a.stored.storedFile.id,
        originalName: a.stored.originalName,
        role: 'attachment' as const,
        signatureCheck: a.signatureCheck,
      })),
      transaction,
    );
    // A PDF main file queued the reading already; a DOCX's is queued once it is converted.
    if (attachments.length && main.kind !== 'pdf')
      await enqueueTextReading('outgoing', doc.id, actor.user.id, transaction);
    await recordStep(
      doc.id,
      { userId: actor.user.id, ip: actor.ip },
      'create',
      { ...linked, recipients: recipients.length },
      transaction,
    );
    await recordAnswerStep(doc, actor.user.id, 'drafted', {}, transaction);
    return doc;
  };
}

/** The trail event and audit row of a change made outside a step (creation, background jobs). */
async function recordStep(
  id: number,
  who: { userId: number | null; ip: string | null },
  action: string,
  data: Record<string, unknown>,
  transaction: Transaction,
): Promise<void> {
  await addTrailEvent(
    { kind: 'outgoing', documentId: id, actorId: who.userId, action, data },
    { transaction },
  );
  await recordAudit(
    {
      action: `outgoing.${action}`,
      userId: who.userId,
      ip: who.ip,
      entityType: 'outgoing',
      entityId: id,
      details: data,
    },
    { transaction },
  );
}

/** A step only the drafter may take, while the document is with them (outgoing.edit). */
function asDrafter<T>(
  id: number,
  actor: Actor,
  fn: (ctx: StepContext<OutgoingAccess>) => Promise<T>,
  options?: TxOptions,
): Promise<T> {
  return runStep(outgoingFlow, id, actor, null, options, async (ctx) => {
    authorize(actor.user, 'outgoing.edit', ctx.access);
    return fn(ctx);
  });
}

/** A draft's fields and recipients, in its step's transaction. */
async function writeFields(
  { access, transaction, record }: StepContext<OutgoingAccess>,
  input: DraftFieldsInput,
  recipients: ResolvedRecipient[],
): Promise<void> {
  await access.document.update(fieldsOf(input), { transaction });
  await replaceRecipients(access.document.id, recipients, transaction);
  await record('update', null, { recipients: recipients.length });
}

/** A prepared main file as the draft's next version, in its step's transaction. */
async function writeVersion(
  { ref, transaction, record }: StepContext<OutgoingAccess>,
  main: PreparedMain,
  actor: Actor,
): Promise<{ version?: number; conversionJobId?: number }> {
  const linked = await linkMain(ref.id, main, actor, transaction);
  await record('version', null, { ...linked, name: main.stored.originalName });
  return linked;
}

/** Edits a draft's fields and recipients (by its drafter, while it is with them). */
export async function updateDraft(
  id: number,
  input: DraftFieldsInput,
  actor: Actor,
): Promise<void> {
  const recipients = await checkFields(actor.user, input);
  await asDrafter(id, actor, (ctx) => writeFields(ctx, input, recipients));
}

/** A new version of the main file (PDF now, or DOCX converted in the background). */
export async function addMainVersion(
  id: number,
  upload: UploadInput,
  actor: Actor,
  options: { maxBytes?: number } = {},
): Promise<{ version?: number; conversionJobId?: number }> {
  // Policy first, so nobody can store files through a document they may not edit.
  const pre = await requireVisibleOutgoing(actor.user, id);
  authorize(actor.user, 'outgoing.edit', pre);
  const main = await prepareMain(upload, options.maxBytes);
  return asDrafter(id, actor, (ctx) => writeVersion(ctx, main, actor));
}

export async function addAttachments(
  id: number,
  uploads: UploadInput[],
  actor: Actor,
  options: { maxBytes?: number } = {},
): Promise<number> {
  const pre = await requireVisibleOutgoing(actor.user, id);
  authorize(actor.user, 'outgoing.edit', pre);
  if (uploads.length === 0)
    throw new AppError('VALIDATION_FAILED', 422, undefined, { files: 'errors:FILE_REQUIRED' });
  const prepared = await prepareAttachments(uploads, options.maxBytes);
  return asDrafter(id, actor, async ({ transaction, record }) => {
    await attachFiles(
      { kind: 'outgoing', id },
      prepared.map((a) => ({
        fileId: a.stored.storedFile.id,
        originalName: a.stored.originalName,
        role: 'attachment' as const,
        signatureCheck: a.signatureCheck,
      })),
      transaction,
    );
    await enqueueTextReading('outgoing', id, actor.user.id, transaction);
    await record('attach', null, { count: prepared.length });
    return prepared.length;
  });
}

/** The drafter sets aside one piece of Decree 30 advice (it is not a rule, only a help). */
export async function dismissAdvice(id: number, rule: string, actor: Actor): Promise<void> {
  // Only the check's own rules: anything else would grow the list without end.
  if (!(DECREE30_RULES as readonly string[]).includes(rule))
    throw new AppError('VALIDATION_FAILED', 422, undefined, { rule: 'errors:ADVICE_RULE_UNKNOWN' });
  await asDrafter(id, actor, async ({ access, transaction, record }) => {
    const dismissed = new Set<string>(JSON.parse(access.document.adviceDismissed ?? '[]'));
    if (dismissed.has(rule)) return;
    dismissed.add(rule);
    await access.document.update(
      { adviceDismissed: JSON.stringify([...dismissed]) },
      { transaction },
    );
    await record('advice_dismissed', null, { rule });
  });
}

/** The 'docx-to-pdf' job: converts the source, stores the PDF as the next main version. */
async function convertDraft(job: DocumentJob): Promise<void> {
  const { sourceDocumentFileId } = JSON.parse(job.payload) as { sourceDocumentFileId: number };
  const source = await DocumentFile.findByPk(sourceDocumentFileId, {
    include: [{ model: StoredFile, as: 'file' }],
  });
  if (!source?.file) throw new Error('source file gone');
  const ref = { kind: 'outgoing' as const, id: job.documentId };
  const notifyDrafter = async (ok: boolean, transaction?: Transaction) => {
    if (job.createdById == null) return;
    await notify(
      [
        {
          userId: job.createdById,
          kind: ok ? 'outgoing.converted' : 'outgoing.conversion_failed',
          key: ok ? 'notify:outgoing.converted' : 'notify:outgoing.conversionFailed',
          params: { name: source.originalName },
          link: `/outgoing/${job.documentId}`,
        },
      ],
      { transaction },
    );
  };
  let pdf: Buffer;
  try {
    pdf = await convertToPdf(await readStoredFile(source.file));
  } catch (err) {
    // A busy converter is tried again later; the drafter hears only of a real failure.
    if (err instanceof ConversionError && err.code === 'CONVERSION_BUSY')
      throw Object.assign(err, { transient: true });
    await notifyDrafter(false);
    throw err;
  }
  const pdfName = source.originalName.replace(/\.docx$/i, '') + '.pdf';
  const checked = await checkUpload(pdf, pdfName, { signable: true });
  const layout = JSON.stringify(await readVersionLayout(checked.buffer, pdfName));
  const stored = await saveCheckedUpload(checked);
  await withTransaction(db(), undefined, async (transaction) => {
    // The draft may have moved on while LibreOffice ran: a version is added only while the draft
    // is with its drafter and this upload is still the latest one.
    await db().query('UPDATE outgoing_documents SET updatedAt = updatedAt WHERE id = ?', {
      replacements: [job.documentId],
      transaction,
    });
    const [doc, flow, newer] = await Promise.all([
      OutgoingDocument.findByPk(job.documentId, { transaction }),
      ApprovalFlow.findOne({
        where: { documentKind: 'outgoing', documentId: job.documentId },
        order: [['id', 'DESC']],
        transaction,
      }),
      DocumentFile.count({
        where: {
          documentKind: 'outgoing',
          documentId: job.documentId,
          role: ['main', 'source'],
          id: { [Op.gt]: source.id },
        },
        transaction,
      }),
    ]);
    if (!doc || newer > 0 || !withDrafter({ document: doc, flowStatus: flow?.status ?? null }))
      throw new Error('the draft moved on before its DOCX was converted; the PDF is not added');
    const [file] = await attachFiles(
      ref,
      [{ fileId: stored.storedFile.id, originalName: pdfName, role: 'main', layout }],
      transaction,
    );
    await enqueueTextReading('outgoing', job.documentId, job.createdById, transaction);
    await recordStep(
      job.documentId,
      { userId: job.createdById, ip: null },
      'converted',
      { version: file!.version, source: source.originalName },
      transaction,
    );
    await notifyDrafter(true, transaction);
  });
}

registerJobHandler('docx-to-pdf', convertDraft);

/** The latest main PDF version, or 409 when the draft has none yet (still converting). */
export async function requireMainPdf(id: number, transaction?: Transaction) {
  const main = await mainFile({ kind: 'outgoing', id }, undefined, transaction);
  if (!main) throw new AppError('OUTGOING_NO_MAIN_FILE', 409);
  return main;
}
