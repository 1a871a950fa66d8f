import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { columnDates } from './sequelize.js';

type LogFunction = (sql: string, ms?: number) => void;

interface PooledMysqlConnection {
  format(sql: string, values: unknown[]): string;
  query(
    options: { sql: string; values: unknown[] },
    callback: (err: Error | null, result: unknown) => void,
  ): void;
}
interface ConnectionManager {
  getConnection(options: { type: string }): Promise<PooledMysqlConnection>;
  releaseConnection(connection: PooledMysqlConnection): void;
}

/**
 * Runs one statement on MariaDB straight on a mysql2 connection of Sequelize's pool (the same
 * type casting of dates), or on the transaction's own connection when given, without Sequelize's
 * per-query work: the driver's answer (rows, or the write's result). Dates in the values are
 * written as sequelize.query writes them (columnDates); Sequelize's query log still sees it.
 */
export async function onMysqlConnection(
  sequelize: Sequelize,
  sql: string,
  params: unknown[],
  transaction: Transaction | null | undefined,
  kind: 'SELECT' | 'WRITE',
): Promise<unknown> {
  const manager = (sequelize as unknown as { connectionManager: ConnectionManager })
    .connectionManager;
  const started = performance.now();
  const inTransaction = (transaction as unknown as { connection?: PooledMysqlConnection } | null)
    ?.connection;
  const connection = inTransaction ?? (await manager.getConnection({ type: kind }));
  params = columnDates(sequelize, params);
  try {
    return await new Promise<unknown>((resolve, reject) =>
      connection.query({ sql, values: params }, (err, result) =>
        err ? reject(err) : resolve(result),
      ),
    );
  } finally {
    if (!inTransaction) manager.releaseConnection(connection);
    // Sequelize's query log (DEBUG, the benches' query profiles and counts) sees these too.
    const { logging } = (sequelize as unknown as { options: { logging?: false | LogFunction } })
      .options;
    if (typeof logging === 'function')
      logging(
        `Executed (raw): ${connection.format(sql, params)}`,
        Math.round(performance.now() - started),
      );
  }
}

/**
 * A SELECT with positional parameters, for the reads every page runs: on MariaDB straight on a
 * mysql2 connection (onMysqlConnection); on SQLite through sequelize.query.
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
  return (await onMysqlConnection(sequelize, sql, params, transaction, 'SELECT')) as T[];
}
