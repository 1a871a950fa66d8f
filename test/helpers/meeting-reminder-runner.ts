/**
 * One reminder run in its own process (a second server's scheduler, as in a cluster or on another
 * machine): node --import tsx meeting-reminder-runner.ts <database URL> <now ISO>. Prints the runs
 * it sent as JSON on stdout.
 */
import { closeDatabase, openDatabase } from '../../src/db/index.js';
import { sendMeetingReminders } from '../../src/meetings/meetings.reminders.js';

const [url, now] = process.argv.slice(2);
openDatabase(url!);
try {
  const runs = await sendMeetingReminders(new Date(now!));
  process.stdout.write(JSON.stringify(runs));
} finally {
  await closeDatabase();
}
