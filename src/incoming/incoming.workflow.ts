import { Op } from 'sequelize';
import { readFile } from 'node:fs/promises';
import { recordAudit } from '../audit/audit.service.js';
import { DocumentFile, StoredFile } from '../files/file.model.js';
import { storedFilePath } from '../files/file-storage.service.js';
import { checkSignaturesOffThread } from '../files/pdf-check-pool.js';
import type { SignatureCheck } from '../files/signature-check.js';
import { AppError } from '../http/app-error.js';
import { type TxOptions } from '../db/transaction.js';
import { addComment, grantAccess } from '../documents/trail.service.js';
import type { Actor } from '../http/request-context.js';
import { authorize, can } from '../policy/index.js';
import { addDocumentToFile } from '../records-files/records-files.service.js';
import { INCOMING_STEP_STATUSES } from '../policy/incoming.policy.js';
import { delegationFor } from '../users/delegations.service.js';
import { User } from '../users/user.model.js';
import { assignmentOf, requireVisibleIncoming, type IncomingAccess } from './incoming.access.js';
import { settleDirectionDeadlines, type DirectionNotice } from './incoming.deadlines.js';
import { IncomingAssignment } from './incoming.model.js';
import { holderIds, notifyIncoming } from './incoming.notify.js';
import type {
  CommentInput,
  DirectInput,
  PresentInput,
  RemindInput,
  ReturnInput,
} from './incoming.schemas.js';
import { resolveTargets } from './incoming.targets.js';
import { sendBackToSender } from './incoming.delivery-sync.js';
import { invalid, step } from './incoming.step.js';

/** Văn thư trình lãnh đạo: the clerk presents the document to a leader of the agency. */
export async function presentToLeader(
  documentId: number,
  input: PresentInput,
  actor: Actor,
  options?: TxOptions,
) {
  return step(
    documentId,
    actor,
    INCOMING_STEP_STATUSES.present,
    options,
    async ({ access, transaction, record }) => {
      authorize(actor.user, 'incoming.present', access);
      const leader = await User.findOne({
        where: { id: input.leaderId, agencyId: actor.user.agencyId, isActive: true },
        transaction,
      });
      if (!leader || !leader.hasRole('leader'))
        throw invalid('leaderId', 'INCOMING_LEADER_INVALID');
      const doc = access.document;
      await doc.update(
        { status: 'presented', presentedToId: leader.id, returnReason: null },
        { transaction },
      );
      await record('present', input.note, { leaderId: leader.id, leaderName: leader.fullName });
      await notifyIncoming([leader.id], 'presented', doc, actor.user.id, transaction);
      return doc;
    },
  );
}

/**
 * What the 'incoming.direct' rule is asked about: the document, and the leader it was presented
 * to when that leader has delegated directing (ủy quyền 'incoming.direct') to the caller today.
 */
export async function directAccessFor(
  user: User,
  access: IncomingAccess,
): Promise<IncomingAccess & { delegatedBy: number | null }> {
  const presentedTo = access.document.presentedToId;
  // The delegation is looked up only when it could decide: when the person could direct this
  // document if the leader had delegated to them (every detail page asks; few documents wait for
  // a direction, and fewer for this person).
  const delegated =
    presentedTo &&
    presentedTo !== user.id &&
    can(user, 'incoming.direct', { ...access, delegatedBy: presentedTo })
      ? await delegationFor(user.id, presentedTo, 'incoming.direct')
      : null;
  return { ...access, delegatedBy: delegated ? presentedTo : null };
}

/** Options of a direction: a list that collects what the leader should be told. */
export type DirectOptions = TxOptions & { notices?: DirectionNotice[] };

/**
 * Ý kiến chỉ đạo: a leader names the lead (chủ trì), supporting (phối hợp) and info-only (để biết)
 * departments or people, each with a deadline (by default from the urgency, in working days).
 */
export async function directIncoming(
  documentId: number,
  input: DirectInput,
  actor: Actor,
  options?: DirectOptions,
) {
  const before = await requireVisibleIncoming(actor.user, documentId);
  const resolved = await resolveTargets(actor.user.agencyId, input, before.document.urgency);
  const { targets, notices } = await settleDirectionDeadlines(
    resolved,
    input,
    before.document.dueDate,
  );
  // Read before the transaction; it counts only if the document is still with that leader.
  const { delegatedBy } = await directAccessFor(actor.user, before);
  const result = await step(
    documentId,
    actor,
    INCOMING_STEP_STATUSES.direct,
    options,
    async ({ access, transaction, record }) => {
      const resource = {
        ...access,
        delegatedBy: access.document.presentedToId === delegatedBy ? delegatedBy : null,
      };
      authorize(actor.user, 'incoming.direct', resource);
      const doc = access.document;
      const created = await IncomingAssignment.bulkCreate(
        targets.map((t) => ({
          documentId,
          parentId: null,
          role: t.role,
          assigneeUserId: t.userId,
          assigneeDepartmentId: t.departmentId,
          assignedById: actor.user.id,
          deadline: t.deadline,
          status: 'pending' as const,
          note: null,
        })),
        { transaction },
      );
      await doc.update({ status: 'directed', directionNote: input.note ?? null }, { transaction });
      await record('direct', input.note, {
        ...(resource.delegatedBy ? { onBehalfOf: resource.delegatedBy } : {}),
        targets: targets.map(({ role, userId, departmentId, deadline }) => ({
          role,
          userId,
          departmentId,
          deadline,
        })),
      });
      for (const t of targets) {
        const ids = await holderIds(doc.agencyId, t, transaction);
        await notifyIncoming(ids, `directed_${t.role}`, doc, actor.user.id, transaction, {
          deadline: t.deadline,
        });
      }
      return created;
    },
  );
  options?.notices?.push(...notices);
  return result;
}

/** The work still open on a document: handling hand-overs not completed nor returned. */
export const openWorkOf = (assignments: IncomingAssignment[]) =>
  assignments.filter(
    (a) => a.role !== 'info' && (a.status === 'pending' || a.status === 'in_progress'),
  );

/**
 * Lưu hồ sơ: the clerk files a completed document, into one of the records files they may add to
 * when they name one (recordsFileId), in the same transaction: a file refused leaves the document
 * unfiled. Work other units still hold on it is closed (status 'closed', one trail entry naming
 * them), but only when the clerk confirms it (confirmOpenWork); otherwise a 422 asks for the
 * confirmation.
 */
export async function fileIncoming(
  documentId: number,
  actor: Actor,
  options?: TxOptions & { confirmOpenWork?: boolean; recordsFileId?: number },
) {
  return step(
    documentId,
    actor,
    INCOMING_STEP_STATUSES.file,
    options,
    async ({ access, transaction, record }) => {
      authorize(actor.user, 'incoming.file', access);
      const open = openWorkOf(access.assignments);
      if (open.length && !options?.confirmOpenWork)
        throw invalid('confirmOpenWork', 'INCOMING_FILE_OPEN_WORK');
      if (options?.recordsFileId)
        await addDocumentToFile(
          actor.user,
          options.recordsFileId,
          { fileId: options.recordsFileId, kind: 'incoming', documentId },
          { userId: actor.user.id, ip: actor.ip },
          { transaction, alreadyHeldIsFine: true },
        );
      for (const a of open) await a.update({ status: 'closed' }, { transaction });
      if (open.length)
        await record('close_open_work', null, {
          assignmentIds: open.map((a) => a.id),
          holders: open.map((a) => ({
            userId: a.assigneeUserId,
            departmentId: a.assigneeDepartmentId,
          })),
        });
      await access.document.update({ status: 'filed', filedAt: new Date() }, { transaction });
      await record('file');
      return access.document;
    },
  );
}

/** Trả lại nơi gửi: the clerk closes a document that was returned to them, with a reason. */
export async function sendBackIncoming(
  documentId: number,
  input: ReturnInput,
  actor: Actor,
  options?: TxOptions,
) {
  return step(
    documentId,
    actor,
    INCOMING_STEP_STATUSES.sendBack,
    options,
    async ({ access, transaction, record }) => {
      authorize(actor.user, 'incoming.sendBack', access);
      await access.document.update(
        { status: 'sent_back', returnReason: input.reason },
        { transaction },
      );
      await record('send_back', input.reason);
      // A document another agency of the deployment sent goes back to it (edXML 02, told).
      await sendBackToSender(access.document, input.reason, actor.user.id, transaction);
      return access.document;
    },
  );
}

/** Trả lại văn thư: a misaddressed or wrong document goes back to the clerk with a reason. */
export async function returnToClerk(
  documentId: number,
  input: ReturnInput,
  actor: Actor,
  options?: TxOptions,
) {
  return step(
    documentId,
    actor,
    INCOMING_STEP_STATUSES.return,
    options,
    async ({ access, transaction, record }) => {
      authorize(actor.user, 'incoming.return', access);
      for (const a of access.assignments) {
        if (a.status === 'pending' || a.status === 'in_progress')
          await a.update({ status: 'returned' }, { transaction });
      }
      const doc = access.document;
      await doc.update({ status: 'returned', returnReason: input.reason }, { transaction });
      await record('return', input.reason);
      await notifyIncoming([doc.createdById], 'returned', doc, actor.user.id, transaction, {
        reason: input.reason,
        name: actor.user.fullName,
      });
      return doc;
    },
  );
}

/** A comment on the document by someone who may see it. */
export async function commentIncoming(
  documentId: number,
  input: CommentInput,
  actor: Actor,
  options?: TxOptions,
) {
  return step(documentId, actor, null, options, async ({ access, transaction }) => {
    authorize(actor.user, 'incoming.comment', access);
    const comment = await addComment('incoming', documentId, actor.user.id, input.body, {
      transaction,
    });
    await recordAudit(
      {
        action: 'incoming.comment',
        userId: actor.user.id,
        ip: actor.ip,
        entityType: 'incoming',
        entityId: documentId,
        details: { commentId: comment.id },
      },
      { transaction },
    );
    return comment;
  });
}

/** A leader opens a secret document to one more person of the agency. */
export async function grantIncomingAccess(
  documentId: number,
  userId: number,
  actor: Actor,
  options?: TxOptions,
) {
  return step(documentId, actor, null, options, async ({ access, transaction, record }) => {
    authorize(actor.user, 'incoming.grant', access);
    const user = await User.findOne({
      where: {
        id: userId,
        agencyId: actor.user.agencyId,
        isActive: true,
        [Op.and]: [User.whereTakesPart()],
      },
      transaction,
    });
    if (!user) throw invalid('userId', 'INCOMING_TARGET_INVALID');
    await grantAccess('incoming', documentId, user.id, actor.user.id, { transaction });
    await record('grant', null, { userId: user.id, userName: user.fullName });
    await notifyIncoming([user.id], 'granted', access.document, actor.user.id, transaction);
  });
}

/**
 * Đôn đốc: reminds whoever holds open handling work (the person, or the heads of the department
 * it was given to) of it and its deadline, with an optional note; recorded on the trail.
 */
export async function remindAssignee(
  documentId: number,
  input: RemindInput,
  actor: Actor,
  options?: TxOptions,
) {
  return step(
    documentId,
    actor,
    INCOMING_STEP_STATUSES.handle,
    options,
    async ({ access, transaction, record }) => {
      const resource = assignmentOf(access, input.assignmentId);
      authorize(actor.user, 'incoming.remind', resource);
      const assignment = resource.assignment;
      const doc = access.document;
      const ids = await holderIds(
        doc.agencyId,
        { userId: assignment.assigneeUserId, departmentId: assignment.assigneeDepartmentId },
        transaction,
      );
      await record('remind', input.note, { assignmentId: assignment.id, notified: ids });
      await notifyIncoming(ids, 'reminded', doc, actor.user.id, transaction, {
        name: actor.user.fullName,
        deadline: assignment.deadline,
        note: input.note ? ` — ${input.note}` : '',
      });
    },
  );
}

/**
 * Checks a file's digital signatures again against today's trust anchors and CRLs (a root added
 * since, a certificate revoked since, a file registered before checks existed) and keeps the
 * new result; the trail says what was found.
 */
export async function recheckSignatures(
  documentId: number,
  documentFileId: number,
  actor: Actor,
  options?: TxOptions,
): Promise<SignatureCheck> {
  // Read and verified before the transaction: a large file must not hold the document's lock.
  const access = await requireVisibleIncoming(actor.user, documentId);
  authorize(actor.user, 'incoming.recheck', access);
  const documentFile = await DocumentFile.findOne({
    where: { id: documentFileId, documentKind: 'incoming', documentId },
    include: [{ model: StoredFile, as: 'file' }],
  });
  if (!documentFile?.file) throw new AppError('FILE_NOT_FOUND', 404);
  const bytes = await readFile(storedFilePath(documentFile.file.sha256)).catch(() => {
    throw new AppError('FILE_MISSING', 404);
  });
  const check = await checkSignaturesOffThread(bytes, documentFile.originalName);
  return step(
    documentId,
    actor,
    null,
    options,
    async ({ access: current, transaction, record }) => {
      authorize(actor.user, 'incoming.recheck', current);
      await documentFile.update({ signatureCheck: JSON.stringify(check) }, { transaction });
      await record('recheck_signature', documentFile.originalName, {
        documentFileId,
        status: check.status,
      });
      return check;
    },
  );
}
