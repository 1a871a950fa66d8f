import type { Logger } from 'pino';
import { minutesOfDay } from './time-of-day.js';
import { isWorkingDay, todayInVietnam } from './working-days.js';

/** Minutes after midnight in Vietnam (UTC+7). */
const vietnamMinutes = (now: Date) =>
  Math.floor(((now.getTime() + 7 * 3600_000) % 86_400_000) / 60_000);

// A server that was down at the set time still sends that morning's reminders when it comes
// back, but not in the evening: after this long they would be noise.
const SEND_WINDOW_MINUTES = 8 * 60;

/** Whether it is time to send (Vietnam time): from `atMinutes`, for SEND_WINDOW_MINUTES. */
export function withinSendWindow(now: Date, atMinutes: number): boolean {
  const minutes = vietnamMinutes(now);
  return minutes >= atMinutes && minutes < atMinutes + SEND_WINDOW_MINUTES;
}

/**
 * Runs a daily job at `at` (Vietnam time, "HH:MM") on working days (no weekends, no configured
 * holidays) from this process: checked every few minutes and at start, within the morning's send
 * window. Every serving process runs it; the job claims its day in the database (claimRun,
 * scheduled_runs), so one process does the work and `run` answers null in the others. Returns a
 * function that stops it and waits for a run under way.
 */
export function scheduleWorkingDayJob(
  name: string,
  at: string,
  logger: Logger,
  run: (today: string) => Promise<unknown>,
  everyMs = 5 * 60_000,
  clock: () => Date = () => new Date(),
): () => Promise<void> {
  const minutes = minutesOfDay(at);
  if (minutes === null) return async () => undefined;
  let doneFor = '';
  let running: Promise<void> | null = null;
  const tick = async () => {
    const now = clock();
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
  const check = () => {
    if (running) return;
    running = tick().finally(() => {
      running = null;
    });
  };
  const timer = setInterval(check, everyMs);
  timer.unref();
  check();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
