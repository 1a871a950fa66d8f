import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { columnDates } from './sequelize.js';

type LogFunction = (sql: string, ms?: number) => void;

interface PooledMysqlConnection {
  format(sql: string, values: unknown[]): string;
  query(
    options: { sql: string; values: unknown[] },
    callback: (err: Error | null, rows: unknown) => void,
  ): void;
}
interface ConnectionManager {
  getConnection(options: { type: string }): Promise<PooledMysqlConnection>;
  releaseConnection(connection: PooledMysqlConnection): void;
}

/**
 * A SELECT with positional parameters, for the reads every page runs. On MariaDB it goes
 * straight to a pooled mysql2 connection (the same pool, the same type casting of dates), or to
 * the transaction's own connection when given, without Sequelize's per-query work; on SQLite
 * through sequelize.query.
 */
export async function rawSelect<T extends object>(
  sequelize: Sequelize,
  sql: string,
  params: unknown[],
  transaction?: Transaction | null,
): Promise<T[]> {
  if (sequelize.getDialect() !== 'mysql')
    return sequelize.query<T>(sql, {
      replacements: params,
      type: QueryTypes.SELECT,
      transaction: transaction ?? undefined,
    });
  const manager = (sequelize as unknown as { connectionManager: ConnectionManager })
    .connectionManager;
  const started = performance.now();
  const inTransaction = (transaction as unknown as { connection?: PooledMysqlConnection } | null)
    ?.connection;
  const connection = inTransaction ?? (await manager.getConnection({ type: 'SELECT' }));
  // Dates as sequelize.query writes them (columnDates), whatever the driver would do.
  params = columnDates(sequelize, params);
  try {
    return await new Promise<T[]>((resolve, reject) =>
      connection.query({ sql, values: params }, (err, rows) =>
        err ? reject(err) : resolve(rows as T[]),
      ),
    );
  } finally {
    if (!inTransaction) manager.releaseConnection(connection);
    // Sequelize's query log (DEBUG, bench:http's query profile) still sees these queries.
    const { logging } = (sequelize as unknown as { options: { logging?: false | LogFunction } })
      .options;
    if (typeof logging === 'function')
      logging(
        `Executed (raw): ${connection.format(sql, params)}`,
        Math.round(performance.now() - started),
      );
  }
}
