import { nextWorkingDayFrom } from '../calendar/working-days.js';
import { type TxOptions } from '../db/transaction.js';
import { AppError } from '../http/app-error.js';
import type { Actor } from '../http/request-context.js';
import { authorize } from '../policy/index.js';
import { INCOMING_STEP_STATUSES } from '../policy/incoming.policy.js';
import { User } from '../users/user.model.js';
import { assignmentOf } from './incoming.access.js';
import type { DirectionNotice } from './incoming.deadlines.js';
import { IncomingAssignment } from './incoming.model.js';
import { notifyIncoming } from './incoming.notify.js';
import type { AssignInput, CompleteInput, ReportInput } from './incoming.schemas.js';
import { checkDeadline } from './incoming.targets.js';
import { invalid, step } from './incoming.step.js';

/**
 * A department head hands the department's assignment on to a person of the department. A
 * deadline on a weekend or holiday moves to the next working day (told through options.notices).
 */
export async function assignIncoming(
  documentId: number,
  input: AssignInput,
  actor: Actor,
  options?: TxOptions & { notices?: DirectionNotice[] },
) {
  checkDeadline(input.deadline, 'deadline');
  const typed = input.deadline ? await nextWorkingDayFrom(input.deadline) : undefined;
  if (typed && typed !== input.deadline)
    options?.notices?.push({ key: 'deadlineMoved', values: { from: input.deadline!, to: typed } });
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
      // The same work handed twice to the same person (a repeated submit) would leave two open
      // rows to report on and complete: refused while the first is open.
      const alreadyHolds = access.assignments.some(
        (a) =>
          a.parentId === parent.id &&
          a.assigneeUserId === assignee.id &&
          (a.status === 'pending' || a.status === 'in_progress'),
      );
      if (alreadyHolds) throw new AppError('INCOMING_ALREADY_ASSIGNED', 409);
      const deadline = typed ?? parent.deadline;
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
        deadline,
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
