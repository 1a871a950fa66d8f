import { db } from '../../src/db/index.js';

/**
 * Runs `fn` while the database refuses every `event` (INSERT or UPDATE) on `table` with
 * `message`, on SQLite and MariaDB alike: a failure injected at one step of a transaction, to
 * check nothing before it stays written. The trigger is dropped whatever `fn` does.
 */
export async function whileRefusing<T>(
  table: string,
  event: 'INSERT' | 'UPDATE',
  message: string,
  fn: () => Promise<T>,
): Promise<T> {
  const name = `refuse_${event.toLowerCase()}_${table}`;
  await db().query(
    db().getDialect() === 'sqlite'
      ? `CREATE TRIGGER ${name} BEFORE ${event} ON ${table}
         BEGIN SELECT RAISE(ABORT, '${message}'); END`
      : `CREATE TRIGGER ${name} BEFORE ${event} ON ${table} FOR EACH ROW
         SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '${message}'`,
  );
  try {
    return await fn();
  } finally {
    await db().query(`DROP TRIGGER ${name}`);
  }
}

/** The database's refusal as Sequelize wraps it (SQLite's RAISE is a constraint error). */
export const refusal = (err: unknown) => String((err as { parent?: unknown }).parent ?? err);
