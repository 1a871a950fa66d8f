import { db } from '../../src/db/index.js';

/**
 * Every statement the app sends while `run` runs: Sequelize's query log sees Sequelize's own,
 * rawSelect's and the ones sent together (selectTogether, the audit rows' own transaction).
 */
export async function statementsOf(run: () => Promise<unknown>): Promise<string[]> {
  const queries: string[] = [];
  const options = (db() as unknown as { options: { logging: unknown } }).options;
  const saved = options.logging;
  options.logging = (sql: string) => queries.push(sql);
  try {
    await run();
  } finally {
    options.logging = saved;
  }
  return queries;
}
