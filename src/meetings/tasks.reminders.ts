import { Op } from 'sequelize';
import type { Logger } from 'pino';
import { recordAudit } from '../audit/audit.service.js';
import { scheduleWorkingDayJob } from '../calendar/daily-job.js';
import { todayInVietnam } from '../calendar/working-days.js';
import { db } from '../db/index.js';
import { claimRun } from '../db/scheduled-runs.js';
import { withTransaction } from '../db/transaction.js';
import { holderIds } from '../incoming/incoming.notify.js';
import { notify } from '../notifications/notification.service.js';
import { User } from '../users/user.model.js';
import { MeetingTask } from './meeting-task.model.js';

const REMINDER_RUN = 'meeting_tasks.daily_reminders';

export interface TaskReminderRun {
  day: string;
  tasks: number;
  recipients: number;
}

/**
 * Nhắc việc hằng ngày for the tasks from meetings' conclusions, beside the incoming digest and
 * the approval reminders: once a day, every open task due that day or overdue is claimed for the
 * day (lastRemindedOn, set by a conditional UPDATE in the transaction that also claims the day in
 * scheduled_runs), and each holder gets one notification with how many; null when the day was
 * already sent, so however many processes try, each task is chased once a day.
 */
export async function sendTaskReminders(
  today: string = todayInVietnam(),
): Promise<TaskReminderRun | null> {
  return withTransaction(db(), {}, async (transaction) => {
    if (!(await claimRun(REMINDER_RUN, today, transaction))) return null;
    const due = {
      status: 'open',
      deadline: { [Op.lte]: today },
      [Op.or]: [{ lastRemindedOn: null }, { lastRemindedOn: { [Op.lt]: today } }],
    };
    const tasks = await MeetingTask.findAll({ where: due, transaction });
    if (tasks.length)
      await MeetingTask.update(
        { lastRemindedOn: today },
        { where: { ...due, id: tasks.map((t) => t.id) }, transaction },
      );
    const tallies = new Map<number, { overdue: number; dueToday: number }>();
    // A unit's heads are looked up once, however many of its tasks are due.
    const holdersOf = new Map<string, Promise<number[]>>();
    for (const task of tasks) {
      const key = `${task.agencyId}:${task.holderUserId ?? ''}:${task.holderDepartmentId ?? ''}`;
      if (!holdersOf.has(key))
        holdersOf.set(
          key,
          holderIds(
            task.agencyId,
            { userId: task.holderUserId, departmentId: task.holderDepartmentId },
            transaction,
          ),
        );
      for (const userId of await holdersOf.get(key)!) {
        const tally = tallies.get(userId) ?? { overdue: 0, dueToday: 0 };
        if (task.deadline < today) tally.overdue++;
        else tally.dueToday++;
        tallies.set(userId, tally);
      }
    }
    const users = await User.findAll({
      where: { id: [...tallies.keys()], isActive: true },
      attributes: ['id'],
      transaction,
    });
    await notify(
      users.map((u) => ({
        userId: u.id,
        kind: 'meeting.task.reminder',
        key: 'meetings-tasks:notify.reminder',
        params: tallies.get(u.id)!,
        link: '/meetings/tasks',
      })),
      { transaction },
    );
    await recordAudit(
      {
        action: 'meeting_task.daily_reminders',
        entityType: 'scheduled_run',
        entityId: today,
        details: { recipients: users.length, tasks: tasks.length },
      },
      { transaction },
    );
    return { day: today, tasks: tasks.length, recipients: users.length };
  });
}

/**
 * Sends the task reminders at `at` (Vietnam time, "HH:MM") on working days, in the window of the
 * incoming digest and the approval reminders; the claim in the database lets one process send.
 */
export function scheduleTaskReminders(at: string, logger: Logger, everyMs?: number): () => void {
  return scheduleWorkingDayJob('meeting task reminders', at, logger, sendTaskReminders, everyMs);
}
