import { Op } from 'sequelize';
import type { Logger } from 'pino';
import { recordAudit } from '../audit/audit.service.js';
import { scheduleWorkingDayJob } from '../calendar/daily-job.js';
import { todayInVietnam } from '../calendar/working-days.js';
import { db } from '../db/index.js';
import { claimRun } from '../db/scheduled-runs.js';
import { withTransaction } from '../db/transaction.js';
import { notify } from '../notifications/notification.service.js';
import { INCOMING_STEP_STATUSES } from '../policy/incoming.policy.js';
import { User } from '../users/user.model.js';
import { IncomingAssignment, IncomingDocument } from './incoming.model.js';
import { holderIds } from './incoming.notify.js';

const DIGEST_RUN = 'incoming.daily_digest';

export interface DigestRun {
  day: string;
  /** People told, each once, however much they hold. */
  recipients: number;
}

/**
 * Nhắc việc hằng ngày: once a day, everyone who holds open handling work (lead or support) that
 * is overdue or due that day gets one notification, and an e-mail when SMTP is configured, with
 * how much of each and a link to their queue. Work given to a department is the department
 * heads'. The day is claimed in scheduled_runs in the same transaction, so however many processes
 * try, it is sent once; null when it was already sent.
 */
export async function sendDailyDigest(today: string = todayInVietnam()): Promise<DigestRun | null> {
  return withTransaction(db(), {}, async (transaction) => {
    if (!(await claimRun(DIGEST_RUN, today, transaction))) return null;
    const open = await IncomingAssignment.findAll({
      attributes: ['id', 'assigneeUserId', 'assigneeDepartmentId', 'deadline'],
      where: {
        status: ['pending', 'in_progress'],
        role: ['lead', 'support'],
        deadline: { [Op.lte]: today },
      },
      include: [
        {
          model: IncomingDocument,
          as: 'document',
          attributes: ['agencyId'],
          where: { status: [...INCOMING_STEP_STATUSES.handle] },
        },
      ],
      transaction,
    });
    const counts = new Map<number, { overdue: number; dueToday: number }>();
    // Department heads are looked up once per department, however much it holds.
    const holdersOf = new Map<string, Promise<number[]>>();
    for (const a of open) {
      const agencyId = (a as IncomingAssignment & { document: IncomingDocument }).document.agencyId;
      const key = `${agencyId}:${a.assigneeUserId ?? ''}:${a.assigneeDepartmentId ?? ''}`;
      if (!holdersOf.has(key))
        holdersOf.set(
          key,
          holderIds(
            agencyId,
            { userId: a.assigneeUserId, departmentId: a.assigneeDepartmentId },
            transaction,
          ),
        );
      for (const userId of await holdersOf.get(key)!) {
        const tally = counts.get(userId) ?? { overdue: 0, dueToday: 0 };
        if (a.deadline! < today) tally.overdue++;
        else tally.dueToday++;
        counts.set(userId, tally);
      }
    }
    const users = await User.findAll({
      where: { id: [...counts.keys()], isActive: true },
      attributes: ['id', 'locale'],
      transaction,
    });
    await notify(
      users.map((u) => {
        const { overdue, dueToday } = counts.get(u.id)!;
        return {
          userId: u.id,
          kind: 'incoming.digest',
          key: 'incoming:notify.digest',
          params: { overdue, dueToday },
          link: '/incoming?tab=toHandle',
        };
      }),
      { transaction },
    );
    await recordAudit(
      {
        action: 'incoming.daily_digest',
        entityType: 'scheduled_run',
        entityId: today,
        details: { recipients: users.length, assignments: open.length },
      },
      { transaction },
    );
    return { day: today, recipients: users.length };
  });
}

/**
 * Sends the daily digest at `at` (Vietnam time, "HH:MM") on working days through the shared
 * daily job (calendar/daily-job.ts): checked every few minutes, and at start for a server started
 * later that morning; the claim in the database lets one process send. Returns a function that
 * stops it.
 */
export function scheduleDailyDigest(
  at: string,
  logger: Logger,
  everyMs?: number,
  clock?: () => Date,
): () => Promise<void> {
  return scheduleWorkingDayJob('daily reminders', at, logger, sendDailyDigest, everyMs, clock);
}
