import type { Logger } from 'pino';
import { withinSendWindow } from '../incoming/incoming.reminders.js';
import { minutesOfDay } from './time-of-day.js';
import { isWorkingDay, todayInVietnam } from './working-days.js';

/**
 * Runs a daily job at `at` (Vietnam time, "HH:MM") on working days from this process: checked
 * every few minutes and at start, within the morning's send window. Every serving process runs
 * it; the job claims its day in the database (scheduled_runs), so one process does the work and
 * `run` answers null in the others. Returns a function that stops it.
 */
export function scheduleWorkingDayJob(
  name: string,
  at: string,
  logger: Logger,
  run: (today: string) => Promise<unknown>,
  everyMs = 5 * 60_000,
): () => void {
  const minutes = minutesOfDay(at);
  if (minutes === null) return () => undefined;
  let doneFor = '';
  const tick = async () => {
    const now = new Date();
    const today = todayInVietnam(now);
    if (doneFor === today || !withinSendWindow(now, minutes)) return;
    try {
      if (await isWorkingDay(today)) {
        const result = await run(today);
        if (result) logger.info(result, `${name} sent`);
      }
      doneFor = today;
    } catch (err) {
      logger.error({ err }, `${name} failed; retrying at the next check`);
    }
  };
  const timer = setInterval(() => void tick(), everyMs);
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}
