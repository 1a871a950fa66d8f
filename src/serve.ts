import cluster from 'node:cluster';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { createApp } from './app.js';
import { listenApp } from './http/listen.js';
import { scheduleDailyDigest } from './incoming/incoming.reminders.js';
import { scheduleApprovalReminders } from './approvals/approvals.reminders.js';
import { scheduleTransferNotices } from './records-files/records-files.notices.js';
import { scheduleTaskReminders } from './meetings/tasks.reminders.js';
import { sweepStaged } from './files/upload-staging.js';
import { scheduleFileSweep } from './files/file-sweep.js';
import { startJobRunner } from './documents/document-jobs.js';
import { registerIncomingTextJobs } from './incoming/incoming.search-index.js';
import { registerOutgoingTextJobs } from './outgoing/outgoing.texts.js';
import { configureMail } from './notifications/notification.service.js';
import { scheduleVoteDeadlines } from './meetings/meetings.votes.deadline.js';
import { scheduleMeetingReminders } from './meetings/meetings.reminders.js';

/**
 * Serves HTTP in this process, on the database already opened, with the work that runs beside the
 * requests: reminders, vote deadlines, the document jobs (DOCX → PDF, reading files' text), the
 * sweeps. The server and the demo both start here, so the demo reads and converts files as
 * production does.
 */
export function serve(config: Config, logger: Logger, onListening?: () => void): Server {
  configureMail(config.smtp, config.baseUrl, logger);
  const app = createApp({ config, logger });
  scheduleDailyDigest(config.dailyReminderAt, logger);
  scheduleApprovalReminders(config.dailyReminderAt, logger);
  scheduleTaskReminders(config.dailyReminderAt, logger);
  // Records files due at the agency's archive within 30 days: their keepers and the clerks told.
  scheduleTransferNotices(config.dailyReminderAt, logger);
  // Written opinions (meeting votes) close at their deadline, in whichever process sees it first.
  scheduleVoteDeadlines(logger);
  // Meeting reminders (the day before, an hour before), claimed per meeting in the database.
  scheduleMeetingReminders(logger);
  // Background document jobs (DOCX → PDF) are claimed from the database by any process.
  // Reading the text of documents' files (OCR for a scan) for search.
  registerIncomingTextJobs();
  registerOutgoingTextJobs();
  startJobRunner(2000, (err) => logger.warn({ err }, 'document job runner failed'));
  // Files kept for a form shown again expire after a day; clear what an earlier run left.
  sweepStaged().catch((err: unknown) => logger.warn({ err }, 'kept uploads not swept'));
  // Stored files no document links to and `.part` files a crash left: at start, then daily.
  scheduleFileSweep(logger);
  return listenApp(
    app,
    config.port,
    onListening ??
      (() => {
        if (!cluster.isWorker) logger.info(`eOffice đang chạy tại http://localhost:${config.port}`);
      }),
  );
}
