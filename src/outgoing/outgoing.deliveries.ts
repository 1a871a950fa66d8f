import { formatCodeNumber } from '../registers/number-series.js';
/**
 * The recipient's side of a delivery inside the deployment (issue 12 §5): the clerks' queue
 * "Văn bản đến chờ tiếp nhận", one delivery with the sender's metadata and its signed files,
 * registration in one click and refusal with a reason. A delivery is one OutgoingRecipient row
 * naming an agency of this deployment; to anyone but that agency's clerks it does not exist.
 *   listArrivals(user) → { waiting, recalls }
 *   getDelivery(recipientId, actor) → DeliveryDetail (audited as delivery.view)
 *   openDeliveryFile(recipientId, documentFileId, actor) → { documentFile, stream }
 *   registerDelivery(recipientId, actor) → IncomingDocument (status 03)
 *   refuseDelivery(recipientId, { reason }, actor) (status 02)
 *   deliveredFiles(outgoingId) → the sealed files that are delivered
 *   deliveryRelation(document, agencyId) → what the document replaces or corrects, there
 */
import type { ReadStream } from 'node:fs';
import { Op, type Transaction } from 'sequelize';
import { Agency } from '../agencies/agency.model.js';
import { recordAudit } from '../audit/audit.service.js';
import { todayInVietnam } from '../calendar/working-days.js';
import { db } from '../db/index.js';
import { withTransaction } from '../db/transaction.js';
import { DocumentFile, StoredFile } from '../files/file.model.js';
import { openStoredFile, readStoredFile } from '../files/file-storage.service.js';
import { checkSignaturesOffThread } from '../files/pdf-check-pool.js';
import { storedSignatureCheck, type SignatureCheck } from '../files/signature-check.js';
import { AppError } from '../http/app-error.js';
import type { Actor } from '../http/request-context.js';
import type { IncomingDocument } from '../incoming/incoming.model.js';
import type { RegisterIncomingInput } from '../incoming/incoming.schemas.js';
import { registerStoredIncoming, type StoredIncomingFile } from '../incoming/incoming.service.js';
import { authorize, can } from '../policy/index.js';
import { arrivalSeries, prepareRegister } from '../registers/register.service.js';
import { User } from '../users/user.model.js';
import {
  notationOf,
  notifyDelivery,
  numberNotation,
  senderPeople,
  setDeliveryStatus,
} from './deliveries.common.js';
import { OutgoingDocument, OutgoingRecipient, OutgoingStatusEvent } from './outgoing.model.js';

/** What the delivery rules need: the recipient row, the document sent and the sending agency. */
export interface DeliveryAccess {
  recipient: OutgoingRecipient;
  document: OutgoingDocument;
  sender: Agency;
}

/** The row is written first so the transaction holds it (see incoming.access.ts). */
async function lockRecipientRow(recipientId: number, transaction: Transaction): Promise<void> {
  await db().query('UPDATE outgoing_recipients SET updatedAt = updatedAt WHERE id = ?', {
    replacements: [recipientId],
    transaction,
  });
}

/** The delivery as its agency's clerks see it; 404 DELIVERY_NOT_FOUND for everyone else. */
export async function requireVisibleDelivery(
  user: User,
  recipientId: number,
  transaction?: Transaction,
): Promise<DeliveryAccess> {
  const notFound = new AppError('DELIVERY_NOT_FOUND', 404);
  if (!Number.isSafeInteger(recipientId) || recipientId <= 0) throw notFound;
  if (transaction) await lockRecipientRow(recipientId, transaction);
  const recipient = await OutgoingRecipient.findByPk(recipientId, {
    transaction,
    ...(transaction ? { lock: transaction.LOCK.UPDATE } : {}),
  });
  if (!recipient || recipient.recipientAgencyId !== user.agencyId || recipient.status == null)
    throw notFound;
  const document = await OutgoingDocument.findByPk(recipient.outgoingId, { transaction });
  const sender = document && (await Agency.findByPk(document.agencyId, { transaction }));
  if (!document || !sender) throw notFound;
  const access = { recipient, document, sender };
  if (!can(user, 'delivery.view', access)) throw notFound;
  return access;
}

/** The delivery still waits for the clerk (arrived, not recalled): else 409. */
function requireWaiting(access: DeliveryAccess): void {
  const { recipient } = access;
  if (recipient.recallStatus === '13' || recipient.recallStatus === '15')
    throw new AppError('DELIVERY_RECALLED', 409);
  if (recipient.status !== '01') throw new AppError('DELIVERY_WRONG_STATUS', 409);
}

/**
 * The files a recipient receives: the latest signed revision of the main file (the sealed one)
 * and of each attachment, main first. A document without signed revisions (none should be
 * issued so) delivers its latest main version and its attachments as they are.
 */
export async function deliveredFiles(
  outgoingId: number,
  transaction?: Transaction,
): Promise<DocumentFile[]> {
  const rows = await DocumentFile.findAll({
    where: { documentKind: 'outgoing', documentId: outgoingId },
    include: [{ model: StoredFile, as: 'file' }],
    order: [['id', 'ASC']],
    transaction,
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const rootOf = (row: DocumentFile) => {
    let current = row;
    for (let hops = 0; hops < rows.length && current.role === 'signed'; hops++) {
      const from = current.signedFromId != null ? byId.get(current.signedFromId) : undefined;
      if (!from) break;
      current = from;
    }
    return current;
  };
  const latestByRoot = new Map<number, { root: DocumentFile; signed: DocumentFile }>();
  for (const row of rows) {
    if (row.role !== 'signed') continue;
    const root = rootOf(row);
    latestByRoot.set(root.id, { root, signed: row });
  }
  const signed = [...latestByRoot.values()];
  const mains = signed.filter((s) => s.root.role !== 'attachment');
  if (mains.length) {
    const main = mains.reduce((a, b) => (b.signed.id > a.signed.id ? b : a)).signed;
    const attachments = signed
      .filter((s) => s.root.role === 'attachment')
      .sort((a, b) => a.root.id - b.root.id)
      .map((s) => s.signed);
    return [main, ...attachments];
  }
  const latestMain = rows
    .filter((r) => r.role === 'main')
    .reduce<DocumentFile | null>((a, b) => (!a || b.version > a.version ? b : a), null);
  return [...(latestMain ? [latestMain] : []), ...rows.filter((r) => r.role === 'attachment')];
}

/** Each file with its signature check: the one stored with it, else checked now, off-thread. */
async function withSignatureChecks(
  files: DocumentFile[],
): Promise<{ file: DocumentFile; check: SignatureCheck | null }[]> {
  const out = [];
  for (const file of files) {
    let check = storedSignatureCheck(file);
    if (!check && file.file) {
      const bytes = await readStoredFile(file.file).catch(() => null);
      check = bytes ? await checkSignaturesOffThread(bytes, file.originalName) : null;
    }
    out.push({ file, check });
  }
  return out;
}

/** A replacement (thay thế) or correction notice (đính chính): the original and where it is here. */
export interface DeliveryRelation {
  relation: 'replacement' | 'correction';
  originalId: number;
  notation: string;
  /** The original's incoming document at the recipient agency, when it was registered there. */
  incomingId: number | null;
}

export async function deliveryRelation(
  document: OutgoingDocument,
  agencyId: number,
  transaction?: Transaction,
): Promise<DeliveryRelation | null> {
  if (!document.relatedId || !document.relation) return null;
  const original = await OutgoingDocument.findByPk(document.relatedId, { transaction });
  if (!original) return null;
  const there = await OutgoingRecipient.findOne({
    where: { outgoingId: original.id, recipientAgencyId: agencyId, incomingId: { [Op.ne]: null } },
    transaction,
  });
  return {
    relation: document.relation,
    originalId: original.id,
    notation: numberNotation(original),
    incomingId: there?.incomingId ?? null,
  };
}

export interface ArrivalRow {
  recipient: OutgoingRecipient;
  document: OutgoingDocument;
  senderName: string;
}

/**
 * The clerk's queue (Văn bản đến chờ tiếp nhận): deliveries to the clerk's agency that arrived
 * and wait (not recalled), and deliveries whose recall waits for an answer; most urgent first,
 * then oldest.
 */
export async function listArrivals(
  user: User,
  limit = 500,
): Promise<{ waiting: ArrivalRow[]; recalls: ArrivalRow[] }> {
  authorize(user, 'delivery.list');
  const recipients = await OutgoingRecipient.findAll({
    where: {
      recipientAgencyId: user.agencyId,
      [Op.or]: [{ status: '01', recallStatus: { [Op.or]: [null, '16'] } }, { recallStatus: '13' }],
    },
    include: [
      {
        model: OutgoingDocument,
        as: 'outgoing',
        // Secret deliveries only for the clerks cleared for them.
        where: { confidentiality: { [Op.lte]: user.secretClearance } },
      },
    ],
    order: [['id', 'ASC']],
    limit,
  });
  const agencies = new Map(
    (
      await Agency.findAll({
        where: { id: [...new Set(recipients.map((r) => r.outgoing!.agencyId))] },
      })
    ).map((a) => [a.id, a.name]),
  );
  const rows = recipients
    .map((recipient) => ({
      recipient,
      document: recipient.outgoing!,
      senderName: agencies.get(recipient.outgoing!.agencyId) ?? '',
    }))
    .sort((a, b) => b.document.urgency - a.document.urgency);
  return {
    waiting: rows.filter((r) => r.recipient.recallStatus !== '13'),
    recalls: rows.filter((r) => r.recipient.recallStatus === '13'),
  };
}

export interface DeliveryDetail {
  access: DeliveryAccess;
  files: { file: DocumentFile; check: SignatureCheck | null }[];
  signerName: string | null;
  relation: DeliveryRelation | null;
  events: OutgoingStatusEvent[];
}

/** One delivery with its files and their signature checks; audited as delivery.view. */
export async function getDelivery(recipientId: number, actor: Actor): Promise<DeliveryDetail> {
  const access = await requireVisibleDelivery(actor.user, recipientId);
  const { document } = access;
  const [files, signer, relation, events] = await Promise.all([
    deliveredFiles(document.id).then(withSignatureChecks),
    document.signerId ? User.findByPk(document.signerId) : null,
    deliveryRelation(document, actor.user.agencyId),
    OutgoingStatusEvent.findAll({ where: { recipientId }, order: [['id', 'ASC']] }),
  ]);
  await recordAudit({
    action: 'delivery.view',
    userId: actor.user.id,
    ip: actor.ip,
    entityType: 'outgoing',
    entityId: document.id,
    details: { recipientId },
  });
  return { access, files, signerName: signer?.fullName ?? null, relation, events };
}

/** A delivered file's bytes for the recipient's clerk; audited as delivery.download. */
export async function openDeliveryFile(
  recipientId: number,
  documentFileId: number,
  actor: Actor,
): Promise<{ documentFile: DocumentFile; stream: ReadStream }> {
  const access = await requireVisibleDelivery(actor.user, recipientId);
  authorize(actor.user, 'delivery.download', access);
  const documentFile = (await deliveredFiles(access.document.id)).find(
    (f) => f.id === documentFileId,
  );
  if (!documentFile?.file) throw new AppError('FILE_NOT_FOUND', 404);
  const stream = await openStoredFile(documentFile.file);
  await recordAudit({
    action: 'delivery.download',
    userId: actor.user.id,
    ip: actor.ip,
    entityType: 'outgoing',
    entityId: access.document.id,
    details: { recipientId, documentFileId, sha256: documentFile.file.sha256 },
  });
  return { documentFile, stream };
}

const ORGAN_ID = /^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[0-9A-Z]{3}$/;

/** The registration fields a delivery fills in from the sender's metadata. */
function incomingInputOf(access: DeliveryAccess, signerName: string | null): RegisterIncomingInput {
  const { document, sender } = access;
  const code = (sender.code ?? '').toUpperCase();
  return {
    fromOrganName: sender.name,
    fromOrganId: ORGAN_ID.test(code) ? code : undefined,
    codeNumber: document.codeNumber != null ? formatCodeNumber(document.codeNumber) : undefined,
    codeNotation: notationOf(document) || undefined,
    promulgationDate: document.promulgationDate ?? undefined,
    documentType: document.documentType as RegisterIncomingInput['documentType'],
    subject: document.subject,
    signerName: signerName ?? undefined,
    urgency: document.urgency,
    // Hỏa tốc hẹn giờ travels with its time.
    urgentDeliverBy: document.urgency >= 3 ? (document.urgentDeliverBy ?? undefined) : undefined,
    confidentiality: document.confidentiality,
    // A delivery is what the sender issued: it is not the duplicate of a paper copy.
    confirmDuplicate: true,
  };
}

/**
 * Vào sổ in one click: the delivery becomes an incoming document of the clerk's agency through
 * the incoming registration (arrival number, trail, audit), filled with the sender's metadata,
 * its files the sealed files linked as they are stored, with their signature checks. The
 * delivery moves to 03 in the same transaction; a second click (or a concurrent one) gets 409.
 */
export async function registerDelivery(
  recipientId: number,
  actor: Actor,
): Promise<IncomingDocument> {
  const before = await requireVisibleDelivery(actor.user, recipientId);
  requireWaiting(before);
  authorize(actor.user, 'delivery.register', before);
  const { document } = before;
  // Slow work first: the files' checks and the year's register, outside the transaction.
  const files = await withSignatureChecks(await deliveredFiles(document.id));
  if (files.length === 0) throw new AppError('DELIVERY_NO_FILES', 409);
  const signer = document.signerId ? await User.findByPk(document.signerId) : null;
  const year = Number(todayInVietnam().slice(0, 4));
  await prepareRegister({
    agencyId: actor.user.agencyId,
    kind: 'incoming',
    year,
    series: arrivalSeries(document.confidentiality),
  });
  const linked: StoredIncomingFile[] = files.map(({ file, check }) => ({
    storedFile: file.file!,
    originalName: file.originalName,
    signatureCheck: check,
  }));

  return withTransaction(db(), undefined, async (transaction) => {
    const access = await requireVisibleDelivery(actor.user, recipientId, transaction);
    requireWaiting(access);
    authorize(actor.user, 'delivery.register', access);
    const relation = await deliveryRelation(document, actor.user.agencyId, transaction);
    const incoming = await registerStoredIncoming(
      incomingInputOf(access, signer?.fullName ?? null),
      linked,
      actor,
      {
        transaction,
        trail: {
          delivery: {
            recipientId,
            outgoingId: document.id,
            sender: access.sender.name,
            ...(relation
              ? {
                  relation: relation.relation,
                  originalNotation: relation.notation,
                  originalIncomingId: relation.incomingId,
                }
              : {}),
          },
        },
      },
    );
    await setDeliveryStatus(access.recipient, '03', null, actor.user.id, transaction, {
      incomingId: incoming.id,
    });
    await recordAudit(
      {
        action: 'delivery.register',
        userId: actor.user.id,
        ip: actor.ip,
        entityType: 'outgoing',
        entityId: document.id,
        details: { recipientId, incomingId: incoming.id, arrivalNumber: incoming.arrivalNumber },
      },
      { transaction },
    );
    return incoming;
  });
}

/** Từ chối nhận (02): the clerk refuses the delivery with a reason; the sender is told. */
export async function refuseDelivery(
  recipientId: number,
  input: { reason: string },
  actor: Actor,
): Promise<void> {
  const reason = input.reason?.trim();
  if (!reason)
    throw new AppError('VALIDATION_FAILED', 422, undefined, {
      reason: 'errors:DELIVERY_REASON_REQUIRED',
    });
  await withTransaction(db(), undefined, async (transaction) => {
    const access = await requireVisibleDelivery(actor.user, recipientId, transaction);
    requireWaiting(access);
    authorize(actor.user, 'delivery.refuse', access);
    await setDeliveryStatus(access.recipient, '02', reason, actor.user.id, transaction);
    await recordAudit(
      {
        action: 'delivery.refuse',
        userId: actor.user.id,
        ip: actor.ip,
        entityType: 'outgoing',
        entityId: access.document.id,
        details: { recipientId, reason },
      },
      { transaction },
    );
    await notifyDelivery(
      [
        {
          userIds: senderPeople(access.document),
          key: 'refused',
          link: `/outgoing/${access.document.id}`,
          params: {
            agency: access.recipient.name,
            notation: numberNotation(access.document),
            reason,
          },
        },
      ],
      actor.user.id,
      transaction,
    );
  });
}

export { senderPeople, setDeliveryStatus };

/**
 * Where an incoming document came from when it was registered from a delivery: the sending
 * agency, the number and what it replaces or corrects (for the incoming detail page); null for a
 * document registered by hand. One indexed lookup (incomingId) for those.
 */
export async function deliveryOrigin(
  incomingId: number,
): Promise<{ sender: string; notation: string; relation: DeliveryRelation | null } | null> {
  const recipient = await OutgoingRecipient.findOne({ where: { incomingId } });
  if (!recipient?.recipientAgencyId) return null;
  const document = await OutgoingDocument.findByPk(recipient.outgoingId);
  const sender = document && (await Agency.findByPk(document.agencyId));
  if (!document || !sender) return null;
  return {
    sender: sender.name,
    notation: numberNotation(document),
    relation: await deliveryRelation(document, recipient.recipientAgencyId),
  };
}
