import { UniqueConstraintError, type Transaction } from 'sequelize';
import { db } from './index.js';

/**
 * Claims a daily job for a day in scheduled_runs, inside the job's transaction; false when another
 * process (or an earlier start) has it. The row goes away with a rolled-back run.
 */
export async function claimRun(
  name: string,
  day: string,
  transaction: Transaction,
): Promise<boolean> {
  try {
    await db().query('INSERT INTO scheduled_runs (name, runDate, createdAt) VALUES (?, ?, ?)', {
      replacements: [name, day, new Date()],
      transaction,
    });
    return true;
  } catch (err) {
    if (err instanceof UniqueConstraintError) return false;
    throw err;
  }
}
