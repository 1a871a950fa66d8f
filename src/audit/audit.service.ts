import { createHash } from 'node:crypto';
import { QueryTypes, type Transaction } from 'sequelize';
import { db } from '../db/index.js';
import { dialectOf } from '../db/sequelize.js';
import { withTransaction, type TxOptions } from '../db/transaction.js';
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
 * it, so the chain head's count of changes moves with every committed change: results derived
 * from the data (the list cache) are kept until it moves. An action not known to be an access
 * counts as a change.
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

async function lockChainHead(transaction: Transaction): Promise<string> {
  const lockClause = dialectOf(db()) === 'mysql' ? ' FOR UPDATE' : '';
  const rows = await db().query<{ lastHash: string }>(
    `SELECT lastHash FROM audit_chain_head WHERE id = 1${lockClause}`,
    { type: QueryTypes.SELECT, transaction },
  );
  return rows[0]?.lastHash ?? GENESIS_HASH;
}

/**
 * Appends one row to the audit log, in the caller's transaction when given so the row commits
 * (or rolls back) with the change it records.
 */
export async function recordAudit(entry: AuditEntry, options?: TxOptions): Promise<AuditLog> {
  return withTransaction(db(), options, async (transaction) => {
    const prevHash = await lockChainHead(transaction);
    const fields: HashedFields = {
      occurredAt: new Date(),
      userId: entry.userId ?? null,
      ip: entry.ip ?? null,
      action: entry.action,
      entityType: entry.entityType ?? null,
      entityId: entry.entityId == null ? null : String(entry.entityId),
      details: entry.details ? JSON.stringify(entry.details) : null,
    };
    const hash = hashAuditRow(prevHash, fields);
    const row = await AuditLog.create({ ...fields, prevHash, hash }, { transaction });
    await db().query(
      'UPDATE audit_chain_head SET lastHash = ?, lastId = ?, changeCount = changeCount + ? WHERE id = 1',
      { replacements: [hash, row.id, isChangeAction(entry.action) ? 1 : 0], transaction },
    );
    return row;
  });
}

/**
 * The number of audited changes so far, as committed. Pages read it with their session instead
 * (DatabaseSessionStore); this is for the rest.
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

/** Walks the chain in id order and names the first row whose link or hash does not hold. */
export async function verifyAuditChain(batchSize = 5000): Promise<AuditVerification> {
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
    }
  }
  return { intact: true, rows: count };
}
