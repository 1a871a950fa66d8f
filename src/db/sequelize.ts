import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DataTypes, Sequelize, Transaction, type Options } from 'sequelize';
import sqlite3 from 'sqlite3';

/**
 * sqlite3 with a busy timeout on every connection: Sequelize opens one connection per
 * transaction, and a writer arriving while another holds the lock should wait, not fail.
 */
class PatientDatabase extends sqlite3.Database {
  constructor(filename: string, mode?: number, callback?: (err: Error | null) => void) {
    super(filename, mode as number, callback);
    this.configure('busyTimeout', 15_000);
  }
}
const sqliteModule = { ...sqlite3, Database: PatientDatabase };

export type Dialect = 'sqlite' | 'mysql';

/** Builds the Sequelize instance for a DATABASE_URL: sqlite:<file> or mysql://… (also MariaDB). */
export function createSequelize(
  databaseUrl: string,
  logging: Options['logging'] = false,
): Sequelize {
  const common: Options = {
    logging,
    define: { underscored: false, freezeTableName: false },
  };
  if (databaseUrl.startsWith('sqlite:')) {
    const storage = databaseUrl.slice('sqlite:'.length) || ':memory:';
    if (storage !== ':memory:') mkdirSync(path.dirname(storage), { recursive: true });
    const sequelize = new Sequelize({
      ...common,
      dialect: 'sqlite',
      storage,
      dialectModule: sqliteModule,
      // A deferred transaction that reads and then writes cannot wait for a lock held by another
      // connection (SQLite answers SQLITE_BUSY at once to avoid a deadlock); taking the write lock
      // at BEGIN lets the busy timeout do its work.
      transactionType: Transaction.TYPES.IMMEDIATE,
    });
    return withColumnDates(sequelize);
  }
  if (/^(mysql|mariadb):\/\//.test(databaseUrl)) {
    const sequelize = new Sequelize(databaseUrl.replace(/^mariadb:/, 'mysql:'), {
      ...common,
      dialect: 'mysql',
      timezone: '+07:00',
      dialectOptions: { charset: 'utf8mb4', dateStrings: false, supportBigNumbers: true },
      pool: { max: 20, min: 0, idle: 10_000, acquire: 30_000 },
    });
    return withColumnDates(sequelize);
  }
  throw new Error(`DATABASE_URL must start with sqlite: or mysql://, got "${databaseUrl}"`);
}

export function dialectOf(sequelize: Sequelize): Dialect {
  return sequelize.getDialect() === 'sqlite' ? 'sqlite' : 'mysql';
}

/**
 * A date as the models write a DATE(3) column: in the database's time zone (+07:00 on MariaDB,
 * "… +00:00" text on SQLite), milliseconds kept.
 */
export function columnDate(sequelize: Sequelize, value: Date): string {
  const { timezone } = (sequelize as unknown as { options: { timezone?: string } }).options;
  // Both databases are configured with a fixed offset: the text written by hand, as the type's
  // moment formatting writes it (a tenth of a millisecond a date on the hot writes).
  const offset = timezone ? FIXED_OFFSET.exec(timezone) : null;
  if (offset && Number.isFinite(value.getTime())) {
    const minutes = (Number(offset[2]) * 60 + Number(offset[3])) * (offset[1] === '-' ? -1 : 1);
    const iso = new Date(value.getTime() + minutes * 60_000).toISOString();
    if (iso.length === 24) {
      const text = `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
      return sequelize.getDialect() === 'sqlite' ? `${text} ${timezone}` : text;
    }
  }
  return formattedByType(sequelize, value);
}

const FIXED_OFFSET = /^([+-])(\d\d):(\d\d)$/;

/** columnDate as the DATE(3) type itself writes it (moment). */
export function formattedByType(sequelize: Sequelize, value: Date): string {
  const type = (
    sequelize as unknown as {
      normalizeDataType(type: unknown): { stringify(v: Date, o: { timezone?: string }): string };
    }
  ).normalizeDataType(DataTypes.DATE(3));
  const { timezone } = (sequelize as unknown as { options: { timezone?: string } }).options;
  return type.stringify(value, { timezone });
}

/** Replacements (positional or named) with their Dates written as columnDate writes them. */
export function columnDates<T>(sequelize: Sequelize, values: T): T {
  if (Array.isArray(values)) {
    if (!values.some((v) => v instanceof Date)) return values;
    return values.map((v: unknown) => (v instanceof Date ? columnDate(sequelize, v) : v)) as T;
  }
  if (values && typeof values === 'object' && Object.values(values).some((v) => v instanceof Date))
    return Object.fromEntries(
      Object.entries(values).map(([k, v]) => [k, v instanceof Date ? columnDate(sequelize, v) : v]),
    ) as T;
  return values;
}

/**
 * Every raw query's Date replacements written as the models write the columns. Sequelize escapes
 * a replacement without the configured time zone, in the Node process's own: on MariaDB a Date
 * landed 7 hours off the +07:00 columns (a list filtered "from 05/12" counted the evening
 * before), on SQLite a process run with TZ=Asia/Ho_Chi_Minh wrote "+07:00" text that does not
 * compare with the stored "+00:00" text.
 */
function withColumnDates(sequelize: Sequelize): Sequelize {
  const query = sequelize.query.bind(sequelize) as (sql: unknown, options?: unknown) => unknown;
  sequelize.query = ((sql: unknown, options?: { replacements?: unknown }) => {
    if (options?.replacements) {
      const replacements = columnDates(sequelize, options.replacements);
      if (replacements !== options.replacements) return query(sql, { ...options, replacements });
    }
    return query(sql, options);
  }) as Sequelize['query'];
  return sequelize;
}

/**
 * A TEXT column of MariaDB's larger sizes ('medium': 16 MB, 'long': 4 GB); plain TEXT on SQLite,
 * which has one size and would warn on every start about the option it ignores.
 */
export function sizedText(dialect: string, size: 'medium' | 'long') {
  return dialect === 'sqlite' ? DataTypes.TEXT : DataTypes.TEXT(size);
}
