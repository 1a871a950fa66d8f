import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Sequelize, Transaction, type Options } from 'sequelize';
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
    return sequelize;
  }
  if (/^(mysql|mariadb):\/\//.test(databaseUrl)) {
    return new Sequelize(databaseUrl.replace(/^mariadb:/, 'mysql:'), {
      ...common,
      dialect: 'mysql',
      timezone: '+07:00',
      dialectOptions: { charset: 'utf8mb4', dateStrings: false, supportBigNumbers: true },
      pool: { max: 20, min: 0, idle: 10_000, acquire: 30_000 },
    });
  }
  throw new Error(`DATABASE_URL must start with sqlite: or mysql://, got "${databaseUrl}"`);
}

export function dialectOf(sequelize: Sequelize): Dialect {
  return sequelize.getDialect() === 'sqlite' ? 'sqlite' : 'mysql';
}
