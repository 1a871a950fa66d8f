import type { Sequelize, Transaction } from 'sequelize';
import { dialectOf } from './sequelize.js';

export interface TxOptions {
  transaction?: Transaction | null;
}

/** Serialises write transactions on an embedded SQLite database, which allows one writer at a time. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

const sqliteWriters = new WeakMap<Sequelize, Mutex>();

function writerQueue(sequelize: Sequelize): Mutex {
  let mutex = sqliteWriters.get(sequelize);
  if (!mutex) {
    mutex = new Mutex();
    sqliteWriters.set(sequelize, mutex);
  }
  return mutex;
}

/**
 * Runs a write outside any transaction (e.g. the session store's) in the same queue as the
 * transactions on SQLite. A write that waited on SQLite's lock instead would sleep on one of
 * libuv's few threads, and enough of them (beside password hashing) leave the transaction that
 * holds the lock no thread to commit on.
 */
export function serializeWrite<T>(sequelize: Sequelize, fn: () => Promise<T>): Promise<T> {
  return dialectOf(sequelize) === 'sqlite' ? writerQueue(sequelize).run(fn) : fn();
}

/**
 * Runs fn in the caller's transaction when one is given, otherwise in a new one that commits
 * when fn resolves and rolls back when it throws.
 */
export async function withTransaction<T>(
  sequelize: Sequelize,
  options: TxOptions | undefined,
  fn: (transaction: Transaction) => Promise<T>,
): Promise<T> {
  if (options?.transaction) return fn(options.transaction);
  const run = () => sequelize.transaction((t) => withFinalSteps(t, fn));
  if (dialectOf(sequelize) !== 'sqlite') return retryDeadlocks(run);
  return writerQueue(sequelize).run(run);
}

interface FinalStep {
  order: number;
  run: () => Promise<void>;
}

const finalSteps = new WeakMap<Transaction, FinalStep[]>();

async function withFinalSteps<T>(
  transaction: Transaction,
  fn: (transaction: Transaction) => Promise<T>,
): Promise<T> {
  const steps: FinalStep[] = [];
  finalSteps.set(transaction, steps);
  const result = await fn(transaction);
  steps.sort((a, b) => a.order - b.order);
  for (const step of steps) await step.run();
  return result;
}

/**
 * The order of the final steps: a meeting's live events (awaited when their caller did not),
 * notifications (user rows), then the audit chain's head.
 */
export const FINAL_STEP = { meetingEvents: 5, notifications: 10, audit: 100 } as const;

/**
 * Runs `step` as the last work of a transaction opened by withTransaction, after everything
 * else it does and before it commits; false when the transaction was opened elsewhere (the
 * caller then does the work at once). The audit chain's head is taken this way, so that it is
 * always the last lock a transaction takes and two transactions cannot wait on each other
 * through it.
 */
export function atTransactionEnd(
  transaction: Transaction,
  step: () => Promise<void>,
  order: number = FINAL_STEP.audit,
): boolean {
  const steps = finalSteps.get(transaction);
  if (!steps) return false;
  steps.push({ order, run: step });
  return true;
}

const DEADLOCK_RETRIES = 4;

/**
 * InnoDB chose this transaction as a deadlock victim (1213): Sequelize's error wraps the driver's
 * (parent, original); a statement written straight to the connection (rawSelect, rawWrite) throws
 * the driver's own. A lock wait that timed out (1205) is not retried: it already waited
 * innodb_lock_wait_timeout, and four more waits would hold the request for minutes.
 */
export function isDeadlock(err: unknown): boolean {
  const e = err as { errno?: number; parent?: { errno?: number }; original?: { errno?: number } };
  return (e?.parent ?? e?.original ?? e)?.errno === 1213;
}

/**
 * Runs a whole transaction again when InnoDB picks it as a deadlock victim: everything it wrote
 * was rolled back, so running it again is the documented remedy (two flows may lock the same rows
 * in different orders, e.g. a notification's user row and the audit chain's head).
 */
async function retryDeadlocks<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (!isDeadlock(err) || attempt >= DEADLOCK_RETRIES) throw err;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
    }
  }
}
