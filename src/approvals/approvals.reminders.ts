import { Op } from 'sequelize';
import type { Logger } from 'pino';
import { recordAudit } from '../audit/audit.service.js';
import { scheduleWorkingDayJob } from '../calendar/daily-job.js';
import { todayInVietnam } from '../calendar/working-days.js';
import { db } from '../db/index.js';
import { claimRun } from '../db/scheduled-runs.js';
import { withTransaction } from '../db/transaction.js';
import { notify } from '../notifications/notification.service.js';
import { Delegation } from '../users/delegation.model.js';
import { User } from '../users/user.model.js';
import { ApprovalDecision, ApprovalFlow, ApprovalStep } from './approval.model.js';
import { documentPath } from './approvals.registry.js';
import { approveAction } from './approvals.service.js';

const REMINDER_RUN = 'approval.daily_reminders';

export interface ApprovalReminderRun {
  day: string;
  recipients: number;
}

interface Tally {
  overdue: number;
  dueToday: number;
  links: Set<string>;
}

/**
 * Nhắc việc hằng ngày for approval chains: once a day, everyone asked at an active step due that
 * day or overdue (and whoever acts for them under a delegation that day) gets one notification,
 * by bell and by mail when SMTP is configured, with how many and a link (the document's page
 * when there is one, else "Cần xử lý"). The day is claimed in scheduled_runs; null when sent.
 */
export async function sendApprovalReminders(
  today: string = todayInVietnam(),
): Promise<ApprovalReminderRun | null> {
  return withTransaction(db(), {}, async (transaction) => {
    if (!(await claimRun(REMINDER_RUN, today, transaction))) return null;
    const steps = await ApprovalStep.findAll({
      where: { status: 'active', dueOn: { [Op.lte]: today } },
      transaction,
    });
    const flows = new Map(
      (
        await ApprovalFlow.findAll({
          where: { id: [...new Set(steps.map((s) => s.flowId))], status: 'in_progress' },
          transaction,
        })
      ).map((f) => [f.id, f]),
    );
    const tallies = new Map<number, Tally>();
    const delegations = await Delegation.findAll({
      where: { revokedAt: null, startsOn: { [Op.lte]: today }, endsOn: { [Op.gte]: today } },
      transaction,
    });
    let waiting = 0;
    for (const step of steps) {
      const flow = flows.get(step.flowId);
      if (!flow || flow.currentPosition !== step.position) continue;
      const open = await ApprovalDecision.findAll({
        where: { stepId: step.id, round: flow.round, decision: null },
        transaction,
      });
      for (const d of open) {
        waiting++;
        const delegates = delegations
          .filter(
            (g) =>
              g.principalId === d.assigneeId &&
              g.actionList().includes(approveAction(flow.documentKind)),
          )
          .map((g) => g.delegateId);
        for (const userId of new Set([d.assigneeId, ...delegates])) {
          const tally = tallies.get(userId) ?? { overdue: 0, dueToday: 0, links: new Set() };
          if (step.dueOn! < today) tally.overdue++;
          else tally.dueToday++;
          tally.links.add(documentPath(flow.documentKind, flow.documentId));
          tallies.set(userId, tally);
        }
      }
    }
    const users = await User.findAll({
      where: { id: [...tallies.keys()], isActive: true },
      attributes: ['id'],
      transaction,
    });
    await notify(
      users.map((u) => {
        const { overdue, dueToday, links } = tallies.get(u.id)!;
        return {
          userId: u.id,
          kind: 'approval.reminder',
          key: 'notify:approval.reminder',
          params: { overdue, dueToday },
          link: links.size === 1 ? [...links][0]! : '/',
        };
      }),
      { transaction },
    );
    await recordAudit(
      {
        action: 'approval.daily_reminders',
        entityType: 'scheduled_run',
        entityId: today,
        details: { recipients: users.length, decisions: waiting },
      },
      { transaction },
    );
    return { day: today, recipients: users.length };
  });
}

/**
 * Sends the approval reminders at `at` (Vietnam time, "HH:MM") on working days, beside the
 * incoming digest and in the same window; the claim in the database lets one process send.
 */
export function scheduleApprovalReminders(
  at: string,
  logger: Logger,
  everyMs?: number,
): () => void {
  return scheduleWorkingDayJob('approval reminders', at, logger, sendApprovalReminders, everyMs);
}
