import { createHash } from 'node:crypto';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { db } from '../db/index.js';
import { hydrate } from '../db/hydrate.js';
import { rawSelect } from '../db/raw-select.js';
import { rawWrite } from '../db/raw-write.js';
import { dateForColumn } from '../db/rows.js';
import { withStatementBatches } from '../db/select-together.js';
import { dialectOf } from '../db/sequelize.js';
import {
  atTransactionEnd,
  FINAL_STEP,
  withTransaction,
  type TxOptions,
} from '../db/transaction.js';
import { AuditLog } from './audit-log.model.js';

export interface AuditEntry {
  action: string;
  userId?: number | null;
  ip?: string | null;
  entityType?: string | null;
  entityId?: string | number | null;
  details?: Record<string, unknown> | null;
}

export const GENESIS_HASH = '0'.repeat(64);

// Rows that record an access (a view, a download, an export) or a sign-in, not a change of data.
const ACCESS_ACTION = /\.(view|download|export)$|^auth\.(login|login_failed|login_locked|logout)$/;

/**
 * Whether an audited action changes data. Every change is audited in the transaction that makes
 * it, so the chain head's count of changes moves with every committed change. An action not known
 * to be an access counts as a change.
 */
export const isChangeAction = (action: string): boolean => !ACCESS_ACTION.test(action);

interface HashedFields {
  occurredAt: Date;
  userId: number | null;
  ip: string | null;
  action: string;
  entityType: string | null;
  entityId: string | null;
  details: string | null;
}

/** The hash of one row: its fields in a fixed order, chained to the previous row's hash. */
export function hashAuditRow(prevHash: string, row: HashedFields): string {
  const canonical = JSON.stringify([
    prevHash,
    row.occurredAt.toISOString(),
    row.userId,
    row.ip,
    row.action,
    row.entityType,
    row.entityId,
    row.details,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

// Plain statements (rawSelect, rawWrite): every workflow step of every document runs these three,
// and Sequelize's per-query work cost more than the statements.
async function lockChainHead(sequelize: Sequelize, transaction: Transaction): Promise<string> {
  const lockClause = dialectOf(sequelize) === 'mysql' ? ' FOR UPDATE' : '';
  const rows = await rawSelect<{ lastHash: string }>(
    sequelize,
    `SELECT lastHash FROM audit_chain_head WHERE id = 1${lockClause}`,
    [],
    transaction,
  );
  return rows[0]?.lastHash ?? GENESIS_HASH;
}

const COLUMNS = 'occurredAt, userId, ip, action, entityType, entityId, details, prevHash, hash';
const PLACEHOLDERS = '(?, ?, ?, ?, ?, ?, ?, ?, ?)';

interface ChainedRow extends HashedFields {
  prevHash: string;
  hash: string;
}

/**
 * An address as people read it: an IPv4 client of a dual-stack server arrives as
 * "::ffff:203.0.113.5", which the log shows as "203.0.113.5" (one client, one form).
 */
export function readableIp(ip: string | null | undefined): string | null {
  if (!ip) return null;
  return /^::ffff:\d{1,3}(\.\d{1,3}){3}$/i.test(ip) ? ip.slice(7) : ip;
}

/** The entries as rows of the chain after `prevHash`, each hash covering the one before. */
function chainRows(prevHash: string, entries: AuditEntry[], occurredAt: Date): ChainedRow[] {
  return entries.map((entry) => {
    const fields: HashedFields = {
      occurredAt,
      userId: entry.userId ?? null,
      ip: readableIp(entry.ip),
      action: entry.action,
      entityType: entry.entityType ?? null,
      entityId: entry.entityId == null ? null : String(entry.entityId),
      details: entry.details ? JSON.stringify(entry.details) : null,
    };
    const row = { ...fields, prevHash, hash: hashAuditRow(prevHash, fields) };
    prevHash = row.hash;
    return row;
  });
}

const insertSql = (count: number) =>
  `INSERT INTO audit_logs (${COLUMNS}) VALUES ${Array.from({ length: count }, () => PLACEHOLDERS).join(', ')}`;

const insertValues = (rows: ChainedRow[], storedAt: unknown) =>
  rows.flatMap((r) => [
    storedAt,
    r.userId,
    r.ip,
    r.action,
    r.entityType,
    r.entityId,
    r.details,
    r.prevHash,
    r.hash,
  ]);

// As found rows are built (hydrate: no per-attribute set(); every view writes one).
const builtRows = (rows: ChainedRow[], firstId: number) =>
  rows.map((row, i) => hydrate(AuditLog, { id: firstId + i, ...row }));

/**
 * Appends rows to the chain in one statement, inside a transaction that holds the chain head:
 * each row's hash covers the previous one, in the order given. Times are taken under the lock,
 * so the log's order by id is its order in time, across processes.
 */
async function appendRows(
  sequelize: Sequelize,
  entries: AuditEntry[],
  transaction: Transaction,
): Promise<AuditLog[]> {
  const rows = chainRows(await lockChainHead(sequelize, transaction), entries, new Date());
  const storedAt = dateForColumn(AuditLog, 'occurredAt', rows[0].occurredAt);
  // A plain INSERT rather than the model's create, whose validation, hooks and instance building
  // cost more than the statement on the pages that write one per view. One statement's rows get
  // consecutive ids (the chain head's lock keeps other inserts out); rawWrite names the first.
  const { insertId: firstId } = await rawWrite(
    sequelize,
    insertSql(rows.length),
    insertValues(rows, storedAt),
    transaction,
  );
  const changes = entries.filter((e) => isChangeAction(e.action)).length;
  await rawWrite(
    sequelize,
    'UPDATE audit_chain_head SET lastHash = ?, lastId = ?, changeCount = changeCount + ? WHERE id = 1',
    [rows.at(-1)!.hash, firstId + rows.length - 1, changes],
    transaction,
  );
  return builtRows(rows, firstId);
}

/**
 * appendRows in a transaction of its own on MariaDB, in two round trips instead of five: the
 * transaction's start with the head's lock, then the rows, the head and the commit in one packet
 * (withStatementBatches). The head stays locked for one round trip, not three: the views of every
 * process queue on it. A failure rolls back (or the connection is closed with it).
 */
async function appendRowsInOwnTransaction(
  sequelize: Sequelize,
  entries: AuditEntry[],
): Promise<AuditLog[]> {
  return withStatementBatches(sequelize, async (run) => {
    const [, head] = (await run(
      'START TRANSACTION; SELECT lastHash FROM audit_chain_head WHERE id = 1 FOR UPDATE',
      [],
    )) as [unknown, { lastHash: string }[]];
    try {
      const rows = chainRows(head[0]?.lastHash ?? GENESIS_HASH, entries, new Date());
      const changes = entries.filter((e) => isChangeAction(e.action)).length;
      const [inserted] = (await run(
        `${insertSql(rows.length)};
         UPDATE audit_chain_head SET lastHash = ?, lastId = LAST_INSERT_ID() + ?,
                changeCount = changeCount + ? WHERE id = 1;
         COMMIT`,
        [
          ...insertValues(rows, dateForColumn(AuditLog, 'occurredAt', rows[0].occurredAt)),
          rows.at(-1)!.hash,
          rows.length - 1,
          changes,
        ],
      )) as [{ insertId: number }];
      return builtRows(rows, inserted.insertId);
    } catch (err) {
      await run('ROLLBACK', []);
      throw err;
    }
  });
}

interface Pending {
  entry: AuditEntry;
  resolve: (row: AuditLog) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for rows recorded outside a transaction (views, downloads, sign-ins): while one
 * batch is being written, the rows that arrive wait and go together in the next, one lock of the
 * chain head and one commit for all of them instead of one each. Every caller still learns only
 * after its own row committed. A batch that fails is written again row by row, so one row the
 * database refuses fails alone.
 */
class AuditBatcher {
  private queue: Pending[] = [];
  private writing = false;

  constructor(private readonly sequelize: Sequelize) {}

  append(entry: AuditEntry): Promise<AuditLog> {
    return new Promise((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.queue.length) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        await this.write(batch);
      } catch (err) {
        if (batch.length === 1) batch[0].reject(err);
        else for (const one of batch) await this.write([one]).catch(one.reject);
      }
    }
    this.writing = false;
  }

  private async write(batch: Pending[]): Promise<void> {
    const entries = batch.map((p) => p.entry);
    const rows =
      dialectOf(this.sequelize) === 'mysql'
        ? await appendRowsInOwnTransaction(this.sequelize, entries)
        : await withTransaction(this.sequelize, undefined, (transaction) =>
            appendRows(this.sequelize, entries, transaction),
          );
    batch.forEach((p, i) => p.resolve(rows[i]));
  }
}

// Rows per INSERT: 900 parameters, under SQLite's oldest limit of 999.
const MAX_BATCH = 100;
const batchers = new WeakMap<Sequelize, AuditBatcher>();
const pendingEntries = new WeakMap<Transaction, AuditEntry[]>();

/**
 * Appends one row to the audit log: in the caller's transaction when given, so the row commits
 * (or rolls back) with the change it records; otherwise with the other rows recorded meanwhile
 * (AuditBatcher). Resolves once the row is committed.
 */
export async function recordAudit(entry: AuditEntry): Promise<AuditLog>;
export async function recordAudit(entry: AuditEntry, options?: TxOptions): Promise<AuditLog | null>;
export async function recordAudit(
  entry: AuditEntry,
  options?: TxOptions,
): Promise<AuditLog | null> {
  const sequelize = db();
  const transaction = options?.transaction;
  if (transaction) {
    // Appended when the transaction's own work is done: the chain's head is its last lock.
    let pending = pendingEntries.get(transaction);
    if (!pending) {
      const entries: AuditEntry[] = [];
      const appendAll = async () => {
        for (let i = 0; i < entries.length; i += MAX_BATCH)
          await appendRows(sequelize, entries.slice(i, i + MAX_BATCH), transaction);
      };
      if (atTransactionEnd(transaction, appendAll, FINAL_STEP.audit)) {
        pendingEntries.set(transaction, entries);
        pending = entries;
      }
    }
    if (pending) {
      pending.push(entry);
      return null;
    }
    return (await appendRows(sequelize, [entry], transaction))[0] ?? null;
  }
  let batcher = batchers.get(sequelize);
  if (!batcher) batchers.set(sequelize, (batcher = new AuditBatcher(sequelize)));
  return batcher.append(entry);
}

/** An access's action: a view, a download or an export of a document (never a change). */
export type AccessAction = `${string}.${'view' | 'download' | 'export'}`;

/**
 * Records that a person read a document (its page, one of its files, an export): resolves once
 * the row is committed, so a caller that awaits it shows nothing before the read is recorded.
 */
export async function auditAccess(
  action: AccessAction,
  actor: { user: { id: number }; ip: string | null },
  entityType: string,
  entityId: string | number | null,
  details: Record<string, unknown> | null = null,
): Promise<void> {
  await recordAudit({ action, userId: actor.user.id, ip: actor.ip, entityType, entityId, details });
}

/**
 * The number of audited changes so far, as committed (accesses — views, downloads, sign-ins —
 * don't count): what tells a reader that something changed since they last looked.
 */
export async function changeCount(): Promise<number> {
  const rows = await db().query<{ changeCount: unknown }>(
    'SELECT changeCount FROM audit_chain_head WHERE id = 1',
    { type: QueryTypes.SELECT },
  );
  return Number(rows[0]?.changeCount ?? 0);
}

export type AuditVerification =
  | { intact: true; rows: number }
  | { intact: false; rows: number; brokenAtId: number; reason: string };

/**
 * Walks the chain in id order and names the first row whose link or hash does not hold. Rows
 * removed from the end would leave a shorter chain that still links, so the last row the chain
 * head recorded (read first: rows appended during the walk are checked by their links) must be
 * there with the hash the head holds.
 */
export async function verifyAuditChain(batchSize = 5000): Promise<AuditVerification> {
  const [head] = await db().query<{ lastId: unknown; lastHash: string }>(
    'SELECT lastId, lastHash FROM audit_chain_head WHERE id = 1',
    { type: QueryTypes.SELECT },
  );
  const headId = head?.lastId == null ? 0 : Number(head.lastId);
  let headReached = headId === 0;
  let prevHash = GENESIS_HASH;
  let lastId = 0;
  let count = 0;
  for (;;) {
    const rows = await AuditLog.findAll({
      where: db().where(db().col('id'), '>', lastId),
      order: [['id', 'ASC']],
      limit: batchSize,
      raw: true,
    });
    if (rows.length === 0) break;
    for (const row of rows) {
      count += 1;
      if (row.prevHash !== prevHash) {
        return { intact: false, rows: count, brokenAtId: Number(row.id), reason: 'prevHash' };
      }
      const expected = hashAuditRow(prevHash, {
        occurredAt: new Date(row.occurredAt),
        userId: row.userId,
        ip: row.ip,
        action: row.action,
        entityType: row.entityType,
        entityId: row.entityId,
        details: row.details,
      });
      if (expected !== row.hash) {
        return { intact: false, rows: count, brokenAtId: Number(row.id), reason: 'hash' };
      }
      prevHash = row.hash;
      lastId = Number(row.id);
      if (lastId === headId) headReached = row.hash === head.lastHash;
    }
  }
  if (!headReached) return { intact: false, rows: count, brokenAtId: headId, reason: 'truncated' };
  return { intact: true, rows: count };
}
