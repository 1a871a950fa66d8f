import { Op, type WhereOptions } from 'sequelize';
import { Department } from '../agencies/agency.model.js';
import { todayInVietnam } from '../calendar/working-days.js';
import { AppError } from '../http/app-error.js';
import { authorize } from '../policy/index.js';
import { User } from '../users/user.model.js';
import { Meeting } from './meeting.model.js';
import { MeetingTask } from './meeting-task.model.js';
import { followsAll } from './meetings.tasks.policy.js';
import type { TaskListQuery } from './tasks.schemas.js';

export const TASK_LIST_LIMIT = 200;

/** The tabs a person has: their own; their unit's for a head; all for leaders and clerks. */
export function taskTabs(user: User): TaskListQuery['tab'][] {
  const tabs: TaskListQuery['tab'][] = ['mine'];
  if (user.hasRole('dept_head') && user.departmentId != null) tabs.push('unit');
  if (followsAll(user)) tabs.push('all');
  return tabs;
}

/**
 * /meetings/tasks: the tasks of one tab (mine, my unit's, all) filtered by state, soonest deadline
 * first, the first TASK_LIST_LIMIT (the export: its own limit). A tab the person does not have is
 * refused (403).
 */
export async function listTasks(
  user: User,
  query: TaskListQuery,
  today = todayInVietnam(),
  limit = TASK_LIST_LIMIT,
) {
  authorize(user, 'meetings.tasks.list');
  if (!taskTabs(user).includes(query.tab)) throw new AppError('FORBIDDEN', 403);
  const scope: WhereOptions[] = [];
  if (query.tab === 'mine') {
    const held: WhereOptions[] = [{ holderUserId: user.id }];
    if (user.hasRole('dept_head') && user.departmentId != null)
      held.push({ holderDepartmentId: user.departmentId });
    scope.push({ [Op.or]: held });
  } else if (query.tab === 'unit') {
    const people = await User.findAll({
      where: { agencyId: user.agencyId, departmentId: user.departmentId! },
      attributes: ['id'],
    });
    scope.push({
      [Op.or]: [
        { holderDepartmentId: user.departmentId! },
        { holderUserId: people.map((p) => p.id) },
      ],
    });
  }
  const state: Record<TaskListQuery['status'], WhereOptions> = {
    open: { status: 'open' },
    overdue: { status: 'open', deadline: { [Op.lt]: today } },
    done: { status: 'done' },
    any: {},
  };
  return MeetingTask.findAll({
    where: { [Op.and]: [{ agencyId: user.agencyId }, state[query.status], ...scope] },
    include: [
      { model: User, as: 'holderUser', attributes: ['id', 'fullName'] },
      { model: Department, as: 'holderDepartment', attributes: ['id', 'name'] },
      { model: Meeting, as: 'meeting', attributes: ['id', 'title', 'startsAt'] },
    ],
    order: [
      ['deadline', 'ASC'],
      ['id', 'ASC'],
    ],
    limit,
  });
}

/** A task as the pages and the API show it. */
export function taskRow(task: MeetingTask, today = todayInVietnam()) {
  return {
    id: task.id,
    meetingId: task.meetingId,
    meetingTitle: task.meeting?.title ?? null,
    conclusionId: task.conclusionId,
    content: task.content,
    holderUserId: task.holderUserId,
    holderDepartmentId: task.holderDepartmentId,
    holderName: task.holderUser?.fullName ?? task.holderDepartment?.name ?? null,
    startDate: task.startDate,
    workingDays: task.workingDays,
    deadline: task.deadline,
    status: task.status,
    isOverdue: task.status === 'open' && task.deadline < today,
    progressPercent: task.progressPercent,
    completedAt: task.completedAt,
    completionNote: task.completionNote,
    completionFileName: task.completionFileName,
  };
}
