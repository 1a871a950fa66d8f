/**
 * Tasks from a meeting's conclusions (issue 13 §4):
 *   createTask(meetingId, input, actor)       a conclusion given to a unit or a person
 *   reportTaskProgress(taskId, input, actor)  Báo cáo tiến độ, kept as the task's history
 *   completeTask(taskId, input, actor)        Hoàn thành, with the result note
 *   requireTask(user, taskId, action)         the access context with the action authorized
 */
import { Op, type Transaction, type WhereOptions } from 'sequelize';
import { Department } from '../agencies/agency.model.js';
import { auditAccess, recordAudit } from '../audit/audit.service.js';
import { addWorkingDays, nextWorkingDayFrom, todayInVietnam } from '../calendar/working-days.js';
import { db } from '../db/index.js';
import { DocumentFile, StoredFile } from '../files/file.model.js';
import { openStoredFile, storeUpload } from '../files/file-storage.service.js';
import { withTransaction } from '../db/transaction.js';
import { addTrailEvent } from '../documents/trail.service.js';
import { AppError, notFound } from '../http/app-error.js';
import type { Actor } from '../http/request-context.js';
import { holderIds } from '../incoming/incoming.notify.js';
import { notify } from '../notifications/notification.service.js';
import { authorize, can } from '../policy/index.js';
import { User } from '../users/user.model.js';
import { Meeting } from './meeting.model.js';
import { MeetingConclusion } from './meeting-minutes.model.js';
import { MeetingTask, MeetingTaskNote } from './meeting-task.model.js';
import { requireMeetingAccess } from './meetings.access.js';
import { organises } from './meetings.policy.js';
import type { TaskAccess } from './meetings.tasks.policy.js';
import type { TaskCompleteInput, TaskCreateInput, TaskProgressInput } from './tasks.schemas.js';

const invalid = (field: string, code: string) =>
  new AppError('VALIDATION_FAILED', 422, undefined, { [field]: `errors:${code}` });

/** Whether the person holds the task: given to them, or to the unit whose head they are. */
export function holdsTask(user: User, task: MeetingTask): boolean {
  if (task.holderUserId != null) return task.holderUserId === user.id;
  return (
    task.holderDepartmentId != null &&
    task.holderDepartmentId === user.departmentId &&
    user.hasRole('dept_head')
  );
}

async function accessOf(user: User, task: MeetingTask, transaction?: Transaction) {
  const m = await Meeting.findByPk(task.meetingId, {
    attributes: ['id', 'organiserId', 'chairId', 'secretaryId'],
    transaction,
  });
  let headsHolder = false;
  if (user.hasRole('dept_head') && user.departmentId != null && task.holderUserId != null) {
    const holder = await User.findByPk(task.holderUserId, {
      attributes: ['id', 'departmentId'],
      transaction,
    });
    headsHolder = holder?.departmentId === user.departmentId;
  }
  return {
    task,
    organises: m != null && [m.organiserId, m.chairId, m.secretaryId].includes(user.id),
    holds: holdsTask(user, task),
    headsHolder,
  } satisfies TaskAccess;
}

/**
 * The task's access context with the action authorized: 404 for a task the person may not see
 * (never 403: no hint it exists), 403 for an action they may not take. With a transaction the
 * task's row is locked first, so that two reports take turns.
 */
export async function requireTask(
  user: User,
  taskId: number,
  action: string,
  transaction?: Transaction,
): Promise<TaskAccess> {
  if (!Number.isSafeInteger(taskId) || taskId <= 0) throw notFound('MEETING_TASK_NOT_FOUND');
  if (transaction)
    await db().query('UPDATE meeting_tasks SET updatedAt = updatedAt WHERE id = ?', {
      replacements: [taskId],
      transaction,
    });
  const task = await MeetingTask.findByPk(taskId, { transaction });
  const access = task ? await accessOf(user, task, transaction) : null;
  if (!access || !can(user, 'meetings.tasks.view', access))
    throw notFound('MEETING_TASK_NOT_FOUND');
  authorize(user, action, access);
  return access;
}

/** The conclusion's date: the meeting's day in Vietnam. */
const conclusionDate = (startsAt: Date) => todayInVietnam(startsAt);

/**
 * Gives a conclusion of the meeting to a unit or a person of the agency: the deadline counted in
 * working days from the conclusion's date, or a day typed (moved to the next working day when it
 * is a weekend or holiday). The holders are told by bell and mail.
 */
export async function createTask(
  meetingId: number,
  input: TaskCreateInput,
  actor: Actor,
): Promise<MeetingTask> {
  const hasUnit = input.holderDepartmentId !== undefined;
  if (hasUnit === (input.holderUserId !== undefined))
    throw invalid('holderUserId', 'MEETING_TASK_HOLDER_REQUIRED');
  if ((input.workingDays === undefined) === (input.deadline === undefined))
    throw invalid('workingDays', 'MEETING_TASK_DEADLINE_REQUIRED');
  const task = await withTransaction(db(), undefined, async (transaction) => {
    const access = await requireMeetingAccess(actor.user, meetingId, transaction);
    authorize(actor.user, 'meetings.tasks.create', access);
    const { meeting } = access;
    const conclusion =
      input.conclusionId !== undefined
        ? await MeetingConclusion.findOne({
            where: { id: input.conclusionId, meetingId },
            transaction,
          })
        : null;
    if (input.conclusionId !== undefined && !conclusion)
      throw invalid('conclusionId', 'CONCLUSION_UNKNOWN');
    const content = input.content ?? conclusion?.text;
    if (!content) throw invalid('content', 'MEETING_TASK_CONTENT_REQUIRED');
    if (hasUnit) {
      const unit = await Department.findOne({
        where: { id: input.holderDepartmentId!, agencyId: meeting.agencyId },
        transaction,
      });
      if (!unit) throw invalid('holderDepartmentId', 'MEETING_TASK_HOLDER_INVALID');
    } else {
      const person = await User.findOne({
        where: {
          id: input.holderUserId!,
          agencyId: meeting.agencyId,
          isActive: true,
          [Op.and]: [User.whereTakesPart()],
        },
        transaction,
      });
      if (!person) throw invalid('holderUserId', 'MEETING_TASK_HOLDER_INVALID');
    }
    const startDate = conclusionDate(meeting.startsAt);
    let deadline: string;
    if (input.workingDays !== undefined) {
      deadline = await addWorkingDays(startDate, input.workingDays);
    } else {
      if (input.deadline! < startDate) throw invalid('deadline', 'MEETING_TASK_DEADLINE_EARLY');
      deadline = await nextWorkingDayFrom(input.deadline!);
    }
    const created = await MeetingTask.create(
      {
        agencyId: meeting.agencyId,
        meetingId,
        conclusionId: conclusion?.id ?? null,
        content,
        holderUserId: input.holderUserId ?? null,
        holderDepartmentId: input.holderDepartmentId ?? null,
        assignedById: actor.user.id,
        startDate,
        workingDays: input.workingDays ?? null,
        deadline,
      },
      { transaction },
    );
    const data = {
      taskId: created.id,
      conclusionId: created.conclusionId,
      holderUserId: created.holderUserId,
      holderDepartmentId: created.holderDepartmentId,
      deadline,
    };
    await addTrailEvent(
      {
        kind: 'meeting',
        documentId: meetingId,
        actorId: actor.user.id,
        action: 'task.create',
        data,
      },
      { transaction },
    );
    await recordAudit(
      {
        action: 'meeting.task.create',
        userId: actor.user.id,
        ip: actor.ip,
        entityType: 'meeting_task',
        entityId: created.id,
        details: { meetingId, ...data },
      },
      { transaction },
    );
    const holders = await holderIds(
      meeting.agencyId,
      { userId: created.holderUserId, departmentId: created.holderDepartmentId },
      transaction,
    );
    await notify(
      holders
        .filter((id) => id !== actor.user.id)
        .map((userId) => ({
          userId,
          kind: 'meeting.task',
          key: 'meetings-tasks:notify.assigned',
          params: { title: meeting.title, deadline: deadline.split('-').reverse().join('/') },
          link: `/meetings/tasks/${created.id}`,
        })),
      { transaction },
    );
    return created;
  });
  return task;
}

async function record(
  task: MeetingTask,
  actor: Actor,
  kind: 'progress' | 'done',
  note: string,
  percent: number,
  transaction: Transaction,
): Promise<void> {
  await MeetingTaskNote.create(
    { taskId: task.id, authorId: actor.user.id, kind, percent, note },
    { transaction },
  );
  const data = { taskId: task.id, percent };
  await addTrailEvent(
    {
      kind: 'meeting',
      documentId: task.meetingId,
      actorId: actor.user.id,
      action: kind === 'done' ? 'task.complete' : 'task.progress',
      note: note.slice(0, 1000),
      data,
    },
    { transaction },
  );
  await recordAudit(
    {
      action: kind === 'done' ? 'meeting.task.complete' : 'meeting.task.progress',
      userId: actor.user.id,
      ip: actor.ip,
      entityType: 'meeting_task',
      entityId: task.id,
      details: { meetingId: task.meetingId, percent },
    },
    { transaction },
  );
  if (task.assignedById !== actor.user.id)
    await notify(
      [
        {
          userId: task.assignedById,
          kind: 'meeting.task',
          key: `meetings-tasks:notify.${kind}`,
          params: { name: actor.user.fullName, percent },
          link: `/meetings/tasks/${task.id}`,
        },
      ],
      { transaction },
    );
}

/** Báo cáo tiến độ: the holder tells how far the task is (kept in its history). */
export async function reportTaskProgress(
  taskId: number,
  input: TaskProgressInput,
  actor: Actor,
): Promise<MeetingTask> {
  return withTransaction(db(), undefined, async (transaction) => {
    const { task } = await requireTask(actor.user, taskId, 'meetings.tasks.progress', transaction);
    await task.update({ progressPercent: input.percent }, { transaction });
    await record(task, actor, 'progress', input.note, input.percent, transaction);
    return task;
  });
}

/** The document kind of a task's completion file in document_files (kept from the file sweep). */
export const TASK_FILE_KIND = 'meeting_task';

/**
 * Hoàn thành: the holder completes the task with its result and, if they give one, a PDF (checked
 * by content and stored before the transaction, as every upload is); the one who gave it is told.
 */
export async function completeTask(
  taskId: number,
  input: TaskCompleteInput,
  actor: Actor,
  file?: { buffer: Buffer; originalName: string; maxBytes?: number },
  now = new Date(),
): Promise<MeetingTask> {
  // Refused before any file is written.
  await requireTask(actor.user, taskId, 'meetings.tasks.complete');
  const stored = file
    ? await storeUpload(file.buffer, file.originalName, { maxBytes: file.maxBytes })
    : null;
  return withTransaction(db(), undefined, async (transaction) => {
    const { task } = await requireTask(actor.user, taskId, 'meetings.tasks.complete', transaction);
    if (stored)
      await DocumentFile.create(
        {
          documentKind: TASK_FILE_KIND,
          documentId: task.id,
          fileId: stored.storedFile.id,
          originalName: stored.originalName,
          role: 'attachment',
        },
        { transaction },
      );
    await task.update(
      {
        status: 'done',
        progressPercent: 100,
        completedAt: now,
        completedById: actor.user.id,
        completionNote: input.note,
        completionFileId: stored?.storedFile.id ?? null,
        completionFileName: stored?.originalName ?? null,
      },
      { transaction },
    );
    await record(task, actor, 'done', input.note, 100, transaction);
    return task;
  });
}

/**
 * The completion file of a task the person may see, opened for sending (404 when none); the
 * download is recorded before any byte leaves.
 */
export async function taskFile(actor: Actor, taskId: number) {
  const { task } = await requireTask(actor.user, taskId, 'meetings.tasks.view');
  const storedFile = task.completionFileId
    ? await StoredFile.findByPk(task.completionFileId)
    : null;
  if (!storedFile) throw notFound('FILE_NOT_FOUND');
  const name = task.completionFileName ?? 'ket-qua.pdf';
  const stream = await openStoredFile(storedFile);
  await auditAccess('meeting.task.download', actor, 'meeting_task', task.id, { name });
  return { name, storedFile, stream };
}

/** Whether an open task is past its deadline today. */
export const isOverdue = (task: Pick<MeetingTask, 'status' | 'deadline'>, today: string) =>
  task.status === 'open' && task.deadline < today;

/**
 * The organisers' and holders' view of a meeting's tasks (whoever sees the meeting), with the
 * tasks the person may open (a participant sees every task's status, not every task's page).
 */
export async function meetingTasks(user: User, meetingId: number) {
  const access = await requireMeetingAccess(user, meetingId);
  authorize(user, 'meetings.tasks.meeting', access);
  const tasks = await MeetingTask.findAll({
    where: { meetingId },
    include: [
      { model: User, as: 'holderUser', attributes: ['id', 'fullName', 'departmentId'] },
      { model: Department, as: 'holderDepartment', attributes: ['id', 'name'] },
    ],
    order: [['id', 'ASC']],
  });
  const organiser = organises(access);
  const viewable = new Set(
    tasks
      .filter((task) =>
        can(user, 'meetings.tasks.view', {
          task,
          organises: organiser,
          holds: holdsTask(user, task),
          headsHolder:
            user.hasRole('dept_head') &&
            user.departmentId != null &&
            task.holderUser?.departmentId === user.departmentId,
        } satisfies TaskAccess),
      )
      .map((task) => task.id),
  );
  return {
    access,
    tasks,
    viewable,
    canCreate: can(user, 'meetings.tasks.create', access),
    organises: organiser,
  };
}

/** The open tasks the person holds, overdue first ("Cần xử lý"). */
export async function waitingTasks(user: User, limit = 20): Promise<MeetingTask[]> {
  const held: WhereOptions<MeetingTask>[] = [{ holderUserId: user.id }];
  if (user.hasRole('dept_head') && user.departmentId != null)
    held.push({ holderDepartmentId: user.departmentId });
  return MeetingTask.findAll({
    where: { agencyId: user.agencyId, status: 'open', [Op.or]: held },
    order: [
      ['deadline', 'ASC'],
      ['id', 'ASC'],
    ],
    limit,
  });
}

/**
 * What the task's page and its JSON twin show: the task, its history, what the person may do.
 * Audited as a view of the task (its text comes from the meeting's conclusions).
 */
export async function taskPage(actor: Actor, taskId: number) {
  const { user } = actor;
  const access = await requireTask(user, taskId, 'meetings.tasks.view');
  const task = await MeetingTask.findByPk(access.task.id, {
    include: [
      { model: User, as: 'holderUser', attributes: ['id', 'fullName'] },
      { model: Department, as: 'holderDepartment', attributes: ['id', 'name'] },
      { model: Meeting, as: 'meeting', attributes: ['id', 'title', 'startsAt'] },
    ],
  });
  const notes = await MeetingTaskNote.findAll({
    where: { taskId },
    include: [{ model: User, as: 'author', attributes: ['id', 'fullName'] }],
    order: [['id', 'ASC']],
  });
  await auditAccess('meeting.task.view', actor, 'meeting_task', access.task.id);
  return {
    task: task!,
    notes: notes.map((n) => ({
      kind: n.kind,
      percent: n.percent,
      note: n.note,
      author: n.author?.fullName ?? null,
      at: n.createdAt,
    })),
    canProgress: can(user, 'meetings.tasks.progress', access),
    canComplete: can(user, 'meetings.tasks.complete', access),
  };
}

/**
 * The meeting page's panel: its tasks with their status, and whether the person may give one;
 * null before the meeting ran when it has none (nothing to show yet).
 */
export async function meetingTasksSummary(user: User, meetingId: number) {
  const { access, tasks, viewable, canCreate } = await meetingTasks(user, meetingId);
  if (tasks.length === 0 && !canCreate) return null;
  const today = todayInVietnam();
  return {
    meetingId: access.meeting.id,
    canCreate,
    tasks: tasks.map((t) => ({
      id: t.id,
      viewable: viewable.has(t.id),
      content: t.content,
      holderName: t.holderUser?.fullName ?? t.holderDepartment?.name ?? null,
      deadline: t.deadline,
      status: t.status,
      progressPercent: t.progressPercent,
      isOverdue: t.status === 'open' && t.deadline < today,
    })),
  };
}
