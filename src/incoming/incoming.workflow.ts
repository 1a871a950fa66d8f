import type { Transaction } from 'sequelize';
import { recordAudit } from '../audit/audit.service.js';
import { db } from '../db/index.js';
import { withTransaction, type TxOptions } from '../db/transaction.js';
import { addComment, addTrailEvent, grantAccess } from '../documents/trail.service.js';
import { AppError } from '../http/app-error.js';
import type { Actor } from '../http/request-context.js';
import { authorize } from '../policy/index.js';
import { INCOMING_STEP_STATUSES } from '../policy/incoming.policy.js';
import { User } from '../users/user.model.js';
import { assignmentOf, requireVisibleIncoming, type IncomingAccess } from './incoming.access.js';
import { IncomingAssignment, type IncomingStatus } from './incoming.model.js';
import { departmentHeadIds, notifyIncoming } from './incoming.notify.js';
import type {
  AssignInput,
  CommentInput,
  CompleteInput,
  DirectInput,
  PresentInput,
  ReportInput,
  ReturnInput,
} from './incoming.schemas.js';
import { checkDeadline, resolveTargets } from './incoming.targets.js';

interface StepContext {
  access: IncomingAccess;
  transaction: Transaction;
  /** Writes the trail event and the audit row of the step. */
  record(action: string, note?: string | null, data?: Record<string, unknown>): Promise<void>;
}

/**
 * Runs one workflow step in its own transaction (or the caller's): the document is loaded (and
 * locked on MariaDB) inside it, hidden documents give 404, a document not at this step 409.
 */
async function step<T>(
  documentId: number,
  actor: Actor,
  statuses: readonly IncomingStatus[] | null,
  options: TxOptions | undefined,
  fn: (ctx: StepContext) => Promise<T>,
): Promise<T> {
  return withTransaction(db(), options, async (transaction) => {
    const access = await requireVisibleIncoming(actor.user, documentId, transaction);
    if (statuses && !statuses.includes(access.document.status)) {
      throw new AppError('INCOMING_WRONG_STATUS', 409);
    }
    const record = async (action: string, note?: string | null, data?: Record<string, unknown>) => {
      await addTrailEvent(
        { kind: 'incoming', documentId, actorId: actor.user.id, action, note: note ?? null, data },
        { transaction },
      );
      await recordAudit(
        {
          action: `incoming.${action}`,
          userId: actor.user.id,
          ip: actor.ip,
          entityType: 'incoming',
          entityId: documentId,
          details: { ...data, note: note ?? undefined },
        },
        { transaction },
      );
    };
    return fn({ access, transaction, record });
  });
}

const invalid = (field: string, key: string) =>
  new AppError('VALIDATION_FAILED', 422, undefined, { [field]: `errors:${key}` });

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
 * Ý kiến chỉ đạo: a leader names the lead (chủ trì), supporting (phối hợp) and info-only (để biết)
 * departments or people, each with a deadline (by default from the urgency, in working days).
 */
export async function directIncoming(
  documentId: number,
  input: DirectInput,
  actor: Actor,
  options?: TxOptions,
) {
  const before = await requireVisibleIncoming(actor.user, documentId);
  const targets = await resolveTargets(actor.user.agencyId, input, before.document.urgency);
  return step(
    documentId,
    actor,
    INCOMING_STEP_STATUSES.direct,
    options,
    async ({ access, transaction, record }) => {
      authorize(actor.user, 'incoming.direct', access);
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
        targets: targets.map(({ role, userId, departmentId, deadline }) => ({
          role,
          userId,
          departmentId,
          deadline,
        })),
      });
      for (const t of targets) {
        const ids = t.userId
          ? [t.userId]
          : await departmentHeadIds(doc.agencyId, t.departmentId!, transaction);
        await notifyIncoming(ids, `directed_${t.role}`, doc, actor.user.id, transaction, {
          deadline: t.deadline ?? '',
        });
      }
      return created;
    },
  );
}

/** A department head hands the department's assignment on to a person of the department. */
export async function assignIncoming(
  documentId: number,
  input: AssignInput,
  actor: Actor,
  options?: TxOptions,
) {
  checkDeadline(input.deadline, 'deadline');
  return step(
    documentId,
    actor,
    INCOMING_STEP_STATUSES.handle,
    options,
    async ({ access, transaction, record }) => {
      const parentId =
        input.assignmentId ??
        [...access.assignments]
          .sort((a, b) => (a.role === 'lead' ? -1 : 0) - (b.role === 'lead' ? -1 : 0))
          .find(
            (a) =>
              a.role !== 'info' &&
              (a.status === 'pending' || a.status === 'in_progress') &&
              a.assigneeDepartmentId != null &&
              a.assigneeDepartmentId === actor.user.departmentId,
          )?.id;
      if (!parentId) throw new AppError('FORBIDDEN', 403);
      const resource = assignmentOf(access, parentId);
      authorize(actor.user, 'incoming.assign', resource);
      const parent = resource.assignment;
      const assignee = await User.findOne({
        where: { id: input.userId, agencyId: actor.user.agencyId, isActive: true },
        transaction,
      });
      if (!assignee || assignee.departmentId !== parent.assigneeDepartmentId) {
        throw invalid('userId', 'INCOMING_ASSIGNEE_INVALID');
      }
      const deadline = input.deadline ?? parent.deadline;
      if (deadline && parent.deadline && deadline > parent.deadline)
        throw invalid('deadline', 'DEADLINE_AFTER_PARENT');
      const child = await IncomingAssignment.create(
        {
          documentId,
          parentId: parent.id,
          role: input.role ?? (parent.role === 'info' ? 'support' : parent.role),
          assigneeUserId: assignee.id,
          assigneeDepartmentId: null,
          assignedById: actor.user.id,
          deadline,
          status: 'pending',
          note: input.note ?? null,
        },
        { transaction },
      );
      if (parent.status === 'pending')
        await parent.update({ status: 'in_progress' }, { transaction });
      if (access.document.status === 'directed')
        await access.document.update({ status: 'in_progress' }, { transaction });
      await record('assign', input.note, {
        assignmentId: child.id,
        parentId: parent.id,
        userId: assignee.id,
        userName: assignee.fullName,
        role: child.role,
        deadline,
      });
      await notifyIncoming([assignee.id], 'assigned', access.document, actor.user.id, transaction, {
        deadline: deadline ?? '',
      });
      return child;
    },
  );
}

/** Báo cáo tiến độ: the assignee reports how far the work is. */
export async function reportProgress(
  documentId: number,
  input: ReportInput,
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
      authorize(actor.user, 'incoming.report', resource);
      const assignment = resource.assignment;
      await assignment.update(
        { progressPercent: input.percent, status: 'in_progress' },
        { transaction },
      );
      const parent = access.assignments.find((a) => a.id === assignment.parentId);
      if (parent && parent.progressPercent < input.percent && parent.status !== 'completed') {
        await parent.update(
          { progressPercent: input.percent, status: 'in_progress' },
          { transaction },
        );
      }
      if (access.document.status === 'directed')
        await access.document.update({ status: 'in_progress' }, { transaction });
      await record('report', input.note, { assignmentId: assignment.id, percent: input.percent });
      await notifyIncoming(
        [assignment.assignedById],
        'progress',
        access.document,
        actor.user.id,
        transaction,
        {
          percent: input.percent,
          name: actor.user.fullName,
        },
      );
      return assignment;
    },
  );
}

/**
 * Hoàn thành: the assignee completes an assignment with a result note. A parent whose handling
 * hand-overs are all completed completes too; when the top lead assignment completes, the
 * document is completed and the clerk and the directing leader are told.
 */
export async function completeAssignment(
  documentId: number,
  input: CompleteInput,
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
      authorize(actor.user, 'incoming.complete', resource);
      const now = new Date();
      const done = (a: IncomingAssignment) =>
        a.update(
          {
            status: 'completed',
            progressPercent: 100,
            resultNote: input.resultNote,
            completedAt: now,
          },
          { transaction },
        );
      const open = (a: IncomingAssignment) => a.status === 'pending' || a.status === 'in_progress';
      let current = resource.assignment;
      await done(current);
      // Completing for the department also closes its open hand-overs.
      for (const child of access.assignments.filter((a) => a.parentId === current.id && open(a)))
        await done(child);
      const completedIds = [current.id];
      for (;;) {
        const parent = access.assignments.find((a) => a.id === current.parentId);
        if (!parent || !open(parent)) break;
        const siblings = access.assignments.filter(
          (a) => a.parentId === parent.id && a.role !== 'info',
        );
        if (siblings.some(open)) break;
        await done(parent);
        completedIds.push(parent.id);
        current = parent;
      }
      const doc = access.document;
      const lead = access.assignments.find(
        (a) => a.parentId === null && a.role === 'lead' && a.status === 'completed',
      );
      const documentCompleted = Boolean(lead && completedIds.includes(lead.id));
      if (documentCompleted) {
        await doc.update(
          { status: 'completed', resultNote: input.resultNote, completedAt: now },
          { transaction },
        );
      } else if (doc.status === 'directed') {
        await doc.update({ status: 'in_progress' }, { transaction });
      }
      await record('complete', input.resultNote, {
        assignmentId: resource.assignment.id,
        completedIds,
        documentCompleted,
      });
      await notifyIncoming(
        [resource.assignment.assignedById],
        'assignment_completed',
        doc,
        actor.user.id,
        transaction,
        {
          name: actor.user.fullName,
        },
      );
      if (documentCompleted) {
        await notifyIncoming(
          [doc.createdById, lead!.assignedById],
          'completed',
          doc,
          actor.user.id,
          transaction,
        );
      }
      return resource.assignment;
    },
  );
}

/** Để biết: an info-only receiver marks the document as read. */
export async function acknowledgeInfo(
  documentId: number,
  assignmentId: number,
  actor: Actor,
  options?: TxOptions,
) {
  return step(documentId, actor, null, options, async ({ access, transaction, record }) => {
    const resource = assignmentOf(access, assignmentId);
    authorize(actor.user, 'incoming.acknowledge', resource);
    await resource.assignment.update(
      { status: 'completed', completedAt: new Date() },
      { transaction },
    );
    await record('acknowledge', null, { assignmentId });
    return resource.assignment;
  });
}

/** Lưu hồ sơ: the clerk files a completed document. */
export async function fileIncoming(documentId: number, actor: Actor, options?: TxOptions) {
  return step(
    documentId,
    actor,
    INCOMING_STEP_STATUSES.file,
    options,
    async ({ access, transaction, record }) => {
      authorize(actor.user, 'incoming.file', access);
      await access.document.update({ status: 'filed', filedAt: new Date() }, { transaction });
      await record('file');
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
      where: { id: userId, agencyId: actor.user.agencyId, isActive: true },
      transaction,
    });
    if (!user) throw invalid('userId', 'INCOMING_TARGET_INVALID');
    await grantAccess('incoming', documentId, user.id, actor.user.id, { transaction });
    await record('grant', null, { userId: user.id, userName: user.fullName });
    await notifyIncoming([user.id], 'granted', access.document, actor.user.id, transaction);
  });
}
