/**
 * Numbers taken in a short transaction and written on their document later (issue 12 §7): an
 * outgoing issuance reserves the next number of its series, seals outside any lock, then commits
 * the number with the document in its own transaction. Gapless stays the rule: every number up to
 * the register's lastNumber is on a document, held by an issuance in flight, or free; a failed
 * issuance gives its number back ('free') and the next reservation of the series takes the lowest
 * free number before a new one; a held number whose process crashed is swept back after
 * RESERVATION_TIMEOUT_MS.
 *   reserveNumber(key, { document }) → Reservation       short transaction on the register row
 *   claimNumber(reservation, transaction)                  in the issuance's transaction
 *   releaseNumber(reservation)                             after a failure
 *   sweepNumberReservations(now)                           crashed processes' numbers back
 */
import { randomUUID } from 'node:crypto';
import { Op, type Transaction } from 'sequelize';
import { todayInVietnam } from '../calendar/working-days.js';
import { db } from '../db/index.js';
import { rawSelect } from '../db/raw-select.js';
import { insertRows, rawWrite } from '../db/raw-write.js';
import { dateFromDb } from '../db/rows.js';
import { dialectOf } from '../db/sequelize.js';
import { withTransaction } from '../db/transaction.js';
import { AppError } from '../http/app-error.js';
import { NumberReservation } from './number-reservation.model.js';
import { prepareRegister, type RegisterKey } from './register.service.js';

/** A held number older than this belongs to a process that died: an issuance takes < 1 s. */
export const RESERVATION_TIMEOUT_MS = 2 * 60_000;

/** How often a process looks for expired reservations of a register before reserving. */
const SWEEP_EVERY_MS = 10_000;
const lastSweep = new Map<number, number>();

export interface Reservation {
  id: number;
  registerId: number;
  number: number;
  /** Proves the holder: a reservation swept and taken again has another token. */
  token: string;
  /** The issue date (Vietnam), read under the register's lock: numbers and dates go up together. */
  date: string;
}

export interface ReserveOptions {
  document: { kind: string; id: number };
  /**
   * Runs in the reserving transaction once the number is known: a throw rolls the reservation
   * back, as if the number had never been taken.
   */
  inTransaction?: (reservation: Reservation, transaction: Transaction) => Promise<void>;
  now?: Date;
  /** The series' register when the caller has read it (else found, or made, here). */
  registerId?: number;
}

/**
 * Locks reservation rows by their primary key alone and returns them: the writes that follow
 * name only the id. With the status or the token in a write's WHERE, MariaDB sometimes walked the
 * (status, expiresAt) index instead, taking next-key locks up to its end; a reservation's INSERT
 * of a held number then waited on an issuance that itself waited on the register row the
 * reservation held (a deadlock, seen in outgoing-issue-concurrency under load).
 */
async function lockReservations(
  ids: number[],
  transaction: Transaction,
): Promise<{ id: number; status: string; token: string | null; expiresAt: Date | null }[]> {
  const rows = await rawSelect<{
    id: unknown;
    status: string;
    token: string | null;
    expiresAt: unknown;
  }>(
    db(),
    `SELECT id, status, token, expiresAt FROM number_reservations
      WHERE id IN (${ids.map(() => '?').join(', ')})${forUpdate()}`,
    ids,
    transaction,
  );
  return rows.map((r) => ({ ...r, id: Number(r.id), expiresAt: dateFromDb(r.expiresAt) }));
}

/** A locking read's clause: MariaDB locks the rows read; SQLite's transaction holds the database. */
const forUpdate = () => (dialectOf(db()) === 'mysql' ? ' FOR UPDATE' : '');

const registerClosed = (year: number) =>
  new AppError('REGISTER_CLOSED', 409, undefined, undefined, { year });

const touchRegister = (registerId: number, now: Date, transaction: Transaction) =>
  rawWrite(db(), 'UPDATE registers SET updatedAt = ? WHERE id = ?', [now, registerId], transaction);

/**
 * Reserves the next number of a series in its own short transaction: the lowest free number if a
 * failed issuance gave one back, else lastNumber + 1. The register row is locked only for this
 * transaction (on SQLite its first statement is a write, so the write lock is taken at once; on
 * MariaDB its first is the register's locking read, whose row lock queues the reservers of the
 * series).
 */
export async function reserveNumber(
  key: RegisterKey,
  options: ReserveOptions,
): Promise<Reservation> {
  const registerId = options.registerId ?? (await prepareRegister(key));
  const now = options.now ?? new Date();
  await sweepIfDue(registerId, now);
  // Plain statements (rawSelect, rawWrite): every issuance runs this transaction.
  const mysql = dialectOf(db()) === 'mysql';
  return withTransaction(db(), undefined, async (transaction) => {
    // SQLite takes its write lock with the transaction's first write; on MariaDB the locking read
    // below takes the row's exclusive lock itself (one round trip less), and the register is
    // written in both branches after it.
    if (!mysql) await touchRegister(registerId, now, transaction);
    const [register] = await rawSelect<{ lastNumber: unknown; closedAt: unknown }>(
      db(),
      `SELECT lastNumber, closedAt FROM registers WHERE id = ?${forUpdate()}`,
      [registerId],
      transaction,
    );
    if (!register || register.closedAt != null) throw registerClosed(key.year);
    const token = randomUUID();
    const held = {
      status: 'held' as const,
      token,
      documentKind: options.document.kind,
      documentId: options.document.id,
      expiresAt: new Date(now.getTime() + RESERVATION_TIMEOUT_MS),
    };
    // A plain read: the register's lock already queues the reservers, and a locking read would
    // also lock (and wait on) the held rows that issuances are deleting as they commit. A number
    // given back after this transaction's snapshot is taken by the next reservation.
    const [free] = await rawSelect<{ id: unknown; number: unknown }>(
      db(),
      `SELECT id, number FROM number_reservations WHERE registerId = ? AND status = 'free'
        ORDER BY number LIMIT 1`,
      [registerId],
      transaction,
    );
    let row: { id: number; number: number };
    const [stillFree] = free ? await lockReservations([Number(free.id)], transaction) : [];
    if (free && stillFree?.status === 'free') {
      row = { id: Number(free.id), number: Number(free.number) };
      await rawWrite(
        db(),
        `UPDATE number_reservations
            SET status = ?, token = ?, documentKind = ?, documentId = ?, expiresAt = ?, updatedAt = ?
          WHERE id = ?`,
        [held.status, token, held.documentKind, held.documentId, held.expiresAt, now, row.id],
        transaction,
      );
      if (mysql) await touchRegister(registerId, now, transaction);
    } else {
      const number = Number(register.lastNumber) + 1;
      await rawWrite(
        db(),
        'UPDATE registers SET lastNumber = ?, updatedAt = ? WHERE id = ?',
        [number, now, registerId],
        transaction,
      );
      const [created] = await insertRows(
        NumberReservation,
        [{ registerId, number, ...held }],
        transaction,
      );
      row = { id: created.id, number };
    }
    const reservation: Reservation = {
      id: row.id,
      registerId,
      number: row.number,
      token,
      date: todayInVietnam(now),
    };
    await options.inTransaction?.(reservation, transaction);
    return reservation;
  });
}

/**
 * Writes the reserved number off in the caller's transaction (the issuance's): the row is deleted
 * only while this holder still holds it, else 409 — a reservation swept after its timeout may
 * already be another issuance's number.
 */
export async function claimNumber(reservation: Reservation, transaction: Transaction) {
  const [row] = await lockReservations([reservation.id], transaction);
  if (row?.status !== 'held' || row.token !== reservation.token)
    throw new AppError('NUMBER_RESERVATION_EXPIRED', 409);
  await rawWrite(
    db(),
    'DELETE FROM number_reservations WHERE id = ?',
    [reservation.id],
    transaction,
  );
}

/** A number given back: free for the next reservation of its series, nobody's. */
const FREED = {
  status: 'free' as const,
  token: null,
  documentKind: null,
  documentId: null,
  expiresAt: null,
};

/**
 * Gives a reserved number back after a failed issuance: the next reservation of the series takes
 * it. Never throws (the caller is already handling a failure): a number that could not be given
 * back is swept when its reservation expires.
 */
export async function releaseNumber(reservation: Reservation): Promise<void> {
  await withTransaction(db(), undefined, async (transaction) => {
    const [row] = await lockReservations([reservation.id], transaction);
    if (row?.status !== 'held' || row.token !== reservation.token) return;
    await NumberReservation.update(FREED, { where: { id: reservation.id }, transaction });
  }).catch(() => undefined);
}

/**
 * Frees the numbers held past their expiry (their process crashed before committing or giving
 * them back), of one register or of all; returns how many. The expired rows are found without
 * locks, then freed one statement that re-checks them: an issuance still committing its number
 * keeps it (its delete holds the row), and a freed one can no longer be claimed by its old holder.
 */
export async function sweepNumberReservations(
  now: Date = new Date(),
  registerId?: number,
): Promise<number> {
  const where = {
    status: 'held',
    expiresAt: { [Op.lt]: now },
    ...(registerId == null ? {} : { registerId }),
  };
  const expired = await NumberReservation.findAll({ where, attributes: ['id'] });
  if (!expired.length) return 0;
  return withTransaction(db(), undefined, async (transaction) => {
    const locked = await lockReservations(
      expired.map((r) => r.id),
      transaction,
    );
    // Re-checked under the lock: an issuance committing its number meanwhile keeps it.
    const ids = locked
      .filter((r) => r.status === 'held' && r.expiresAt && r.expiresAt < now)
      .map((r) => r.id);
    if (!ids.length) return 0;
    const [count] = await NumberReservation.update(FREED, { where: { id: ids }, transaction });
    return count;
  });
}

async function sweepIfDue(registerId: number, now: Date): Promise<void> {
  const last = lastSweep.get(registerId) ?? 0;
  if (now.getTime() - last < SWEEP_EVERY_MS) return;
  lastSweep.set(registerId, now.getTime());
  await sweepNumberReservations(now, registerId);
}
