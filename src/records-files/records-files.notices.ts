/**
 * The 30-day notice of an archive transfer (Decree 30 Appendix VI), sent by the daily job.
 */
import type { Logger } from 'pino';
import { Op } from 'sequelize';
import { recordAudit } from '../audit/audit.service.js';
import { scheduleWorkingDayJob } from '../calendar/daily-job.js';
import { todayInVietnam } from '../calendar/working-days.js';
import { db } from '../db/index.js';
import { claimRun } from '../db/scheduled-runs.js';
import { withTransaction } from '../db/transaction.js';
import { formatDate } from '../http/view-helpers.js';
import { notify } from '../notifications/notification.service.js';
import { User } from '../users/user.model.js';
import { RecordsFile } from './records-file.model.js';

/** How long before its transfer is due the keeper and the clerks are told (Appendix VI). */
export const TRANSFER_NOTICE_DAYS = 30;

const NOTICE_RUN = 'records_file.transfer_notice';

/**
 * The 30-day notice of a transfer (Appendix VI): every closed file due at the archive within
 * TRANSFER_NOTICE_DAYS and not yet told is told to its keeper and the agency's clerks, once (the
 * file keeps the day it was told; reopening clears it). The day is claimed in scheduled_runs, so
 * however many processes run the job, it runs once a day. Returns how many files were told of.
 */
export async function sendTransferNotices(
  today: string = todayInVietnam(),
): Promise<number | null> {
  return withTransaction(db(), {}, async (transaction) => {
    if (!(await claimRun(NOTICE_RUN, today, transaction))) return null;
    const until = addDays(today, TRANSFER_NOTICE_DAYS);
    const due = await RecordsFile.findAll({
      where: {
        status: 'closed',
        transferNoticeOn: null,
        transferDueOn: { [Op.ne]: null, [Op.lte]: until },
      },
      transaction,
    });
    const clerksOf = new Map<number, number[]>();
    for (const file of due) {
      if (!clerksOf.has(file.agencyId)) {
        const clerks = await User.findAll({
          where: {
            agencyId: file.agencyId,
            isActive: true,
            [Op.and]: [User.whereHasRole('clerk')],
          },
          attributes: ['id'],
          transaction,
        });
        clerksOf.set(
          file.agencyId,
          clerks.map((c) => c.id),
        );
      }
      const keeper = await User.findOne({
        where: { id: file.keeperId, isActive: true },
        attributes: ['id'],
        transaction,
      });
      const people = new Set([...(keeper ? [keeper.id] : []), ...clerksOf.get(file.agencyId)!]);
      await notify(
        [...people].map((userId) => ({
          userId,
          kind: 'records_file.transfer_due',
          key: 'records-files:notify.transferDue',
          params: { code: file.code, title: file.title, due: formatDate(file.transferDueOn) },
          link: `/records-files/${file.id}`,
        })),
        { transaction },
      );
      await file.update({ transferNoticeOn: today }, { transaction });
    }
    await recordAudit(
      {
        action: 'records_file.transfer_notice',
        entityType: 'scheduled_run',
        entityId: today,
        details: { recordsFiles: due.map((f) => f.id) },
      },
      { transaction },
    );
    return due.length;
  });
}

function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/**
 * Sends the transfer notices at `at` (Vietnam time, "HH:MM") on working days through the shared
 * daily job, with the other morning reminders; returns a function that stops it.
 */
export function scheduleTransferNotices(at: string, logger: Logger): () => Promise<void> {
  return scheduleWorkingDayJob('records file transfer notices', at, logger, sendTransferNotices);
}
