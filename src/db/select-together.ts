import { createPool, type Pool, type PoolConnection } from 'mysql2';
import type { Sequelize, Transaction } from 'sequelize';
import { rawSelect } from './raw-select.js';
import { columnDates } from './sequelize.js';

export interface Select {
  sql: string;
  params: unknown[];
}

type LogFunction = (sql: string, ms?: number) => void;

interface SequelizeInternals {
  config: {
    host?: string;
    port?: number | string;
    username?: string;
    password?: string;
    database?: string;
    dialectOptions?: Record<string, unknown>;
  };
  options: { timezone: string; logging?: false | LogFunction };
  connectionManager: {
    constructor: { _typecast: (field: unknown, next: () => unknown) => unknown };
  };
  close(): Promise<void>;
}

// Connections that accept several statements in one packet: only selectTogether and
// withStatementBatches (the audit rows' own transaction) use them, with SQL written in the code
// and values escaped by the driver, so the main pool keeps refusing stacked statements (a flaw
// elsewhere can't become one). mysql2's pool has no wait limit: a borrower waits for a
// connection as long as MariaDB's lock wait timeout keeps the others busy.
const pools = new WeakMap<Sequelize, Pool>();

function poolOf(sequelize: Sequelize): Pool {
  let pool = pools.get(sequelize);
  if (pool) return pool;
  const internals = sequelize as unknown as SequelizeInternals;
  const { config, options, connectionManager } = internals;
  pool = createPool({
    host: config.host,
    port: config.port == null ? undefined : Number(config.port),
    user: config.username,
    password: config.password,
    database: config.database,
    flags: ['-FOUND_ROWS'],
    timezone: options.timezone,
    // Sequelize's own type casting, so rows come out as rawSelect's do.
    typeCast: connectionManager.constructor._typecast.bind(connectionManager) as never,
    bigNumberStrings: false,
    supportBigNumbers: true,
    ...config.dialectOptions,
    multipleStatements: true,
    connectionLimit: 10,
    maxIdle: 2,
    idleTimeout: 10_000,
  });
  // Dates are written and read in the zone the Sequelize connections use.
  pool.on('connection', (connection) => {
    connection.query(`SET time_zone = '${options.timezone.replace(/[^+\-:0-9]/g, '')}'`);
  });
  pools.set(sequelize, pool);
  // Closing the database closes these connections too (an open socket would keep the process up).
  const close = internals.close.bind(sequelize);
  internals.close = async () => {
    pools.delete(sequelize);
    await new Promise<void>((resolve) => pool!.end(() => resolve()));
    return close();
  };
  return pool;
}

/** Runs a packet of statements on a connection of withStatementBatches: one result per statement. */
export type RunStatements = (sql: string, params: unknown[]) => Promise<unknown[]>;

/**
 * Lends `work` a MariaDB connection that takes several statements in one packet (the SQL written
 * in the code, the values escaped by the driver): for the hot paths where round trips cost more
 * than the statements. A connection whose work failed is closed, not returned to the pool, so an
 * open transaction or a half-read answer can never reach the next borrower.
 */
export async function withStatementBatches<T>(
  sequelize: Sequelize,
  work: (run: RunStatements) => Promise<T>,
): Promise<T> {
  const pool = poolOf(sequelize);
  const connection = await new Promise<PoolConnection>((resolve, reject) =>
    pool.getConnection((err, c) => (err ? reject(err) : resolve(c))),
  );
  const { logging } = (sequelize as unknown as SequelizeInternals).options;
  const run: RunStatements = (sql, params) => {
    const values = columnDates(sequelize, params);
    const started = performance.now();
    return new Promise<unknown[]>((resolve, reject) =>
      connection.query({ sql, values }, (err, results) => {
        // Sequelize's query log (DEBUG, bench:http's query profile) sees these statements too.
        if (typeof logging === 'function')
          logging(
            `Executed (together): ${connection.format(sql, values)}`,
            Math.round(performance.now() - started),
          );
        if (err) reject(err);
        // One statement gives its result alone; several, an array of them.
        else resolve(/;\s*\S/.test(sql) ? (results as unknown[]) : [results]);
      }),
    );
  };
  try {
    const result = await work(run);
    connection.release();
    return result;
  } catch (err) {
    connection.destroy();
    throw err;
  }
}

/**
 * Several SELECTs read in one round trip, their rows in the order given. On MariaDB they go as
 * one packet of statements (a page's reads cost one socket write and one wake-up instead of one
 * each: on this kind of VM the system call is the largest single cost of a read); on SQLite, or
 * inside a transaction (whose connection is the Sequelize one), each is run by rawSelect.
 * The statements must be constant SQL with `?` placeholders; a `;` in one is refused.
 */
export async function selectTogether(
  sequelize: Sequelize,
  selects: Select[],
  transaction?: Transaction | null,
): Promise<Record<string, unknown>[][]> {
  for (const { sql } of selects)
    if (sql.includes(';')) throw new Error('selectTogether: one statement per Select');
  if (sequelize.getDialect() !== 'mysql' || transaction || selects.length < 2)
    return Promise.all(
      selects.map(({ sql, params }) =>
        rawSelect<Record<string, unknown>>(sequelize, sql, params, transaction),
      ),
    );
  const results = await withStatementBatches(sequelize, (run) =>
    run(
      selects.map((s) => s.sql).join(';\n'),
      selects.flatMap((s) => s.params),
    ),
  );
  return results as Record<string, unknown>[][];
}
