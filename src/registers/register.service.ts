import { QueryTypes, UniqueConstraintError, type Transaction } from 'sequelize';
import { db } from '../db/index.js';
import { rawSelect } from '../db/raw-select.js';
import type { Select } from '../db/select-together.js';
import { dialectOf } from '../db/sequelize.js';
import { withTransaction, type TxOptions } from '../db/transaction.js';
import { AppError } from '../http/app-error.js';
import { seriesLabel } from './number-series.js';
import { Register, type RegisterKind } from './register.model.js';

const REGISTER_NAMES: Record<RegisterKind, string> = {
  incoming: 'Sổ đăng ký văn bản đến',
  outgoing: 'Sổ đăng ký văn bản đi',
};

/** One number series: an agency's register of a kind for a year, and which series in it. */
export interface RegisterKey {
  agencyId: number;
  kind: RegisterKind;
  year: number;
  /** '' for the ordinary series; see numberSeries() in number-series.ts for the others. */
  series?: string;
}

const whereOf = ({ agencyId, kind, year, series = '' }: RegisterKey) => ({
  agencyId,
  kind,
  year,
  series,
});

function registerValues(key: RegisterKey) {
  // Decree 30 names the incoming one "Sổ đăng ký văn bản đến mật".
  const suffix =
    key.kind === 'incoming' && key.series === 'secret'
      ? ' mật'
      : key.series
        ? ` (${seriesLabel(key.series)})`
        : '';
  return { ...whereOf(key), name: `${REGISTER_NAMES[key.kind]}${suffix} năm ${key.year}` };
}

/**
 * A register's name in the reader's language. The stored name is Decree 30's Vietnamese, made
 * when the register was opened (the printed register keeps it); a series other than the ordinary
 * and the secret one keeps it on screen too (its label is the agency's own).
 */
export function registerDisplayName(
  register: { kind: string; series?: string | null; year: number; name: string },
  t: (key: string, options?: Record<string, unknown>) => string,
): string {
  const series = register.series ?? '';
  if (series === '') return t(`registers:bookName.${register.kind}`, { year: register.year });
  if (series === 'secret' && register.kind === 'incoming')
    return t('registers:bookName.incomingSecret', { year: register.year });
  return register.name;
}

/** A register closed at year end (đóng sổ) takes no more numbers. */
const registerClosed = (year: number) =>
  new AppError('REGISTER_CLOSED', 409, undefined, undefined, { year });

/**
 * Refuses a change to a document of a closed register (đóng sổ): the closed book is the legal
 * record, so its documents' registered fields and files no longer change. 409, in Vietnamese.
 */
export async function requireOpenRegister(
  registerId: number | null | undefined,
  transaction?: Transaction,
): Promise<void> {
  if (registerId == null) return;
  const register = await Register.findByPk(registerId, {
    attributes: ['id', 'year', 'closedAt'],
    transaction,
  });
  if (register?.closedAt) {
    throw new AppError('REGISTER_CLOSED_EDIT', 409, undefined, undefined, { year: register.year });
  }
}

export interface IssuedNumber {
  registerId: number;
  number: number;
}

/**
 * Creates the register row for (agency, kind, year) if it is missing. On MariaDB it is created
 * in its own short transaction (so the caller's transaction holds no gap lock the insert would
 * wait on); two creators racing on the unique key both end up with the one row.
 */
async function ensureRegister(key: RegisterKey, transaction: Transaction): Promise<number> {
  const where = whereOf(key);
  const existing = await Register.findOne({ where, transaction, attributes: ['id'] });
  if (existing) return existing.id;
  const values = registerValues(key);
  // SQLite writers are already serialised by withTransaction, so the row can be made in place.
  if (dialectOf(db()) === 'sqlite') return (await Register.create(values, { transaction })).id;
  try {
    return (await db().transaction((t) => Register.create(values, { transaction: t }))).id;
  } catch (err) {
    if (!(err instanceof UniqueConstraintError)) throw err;
    // Read outside the caller's snapshot: the winner's row was committed after it began.
    const winner = await Register.findOne({ where, attributes: ['id'] });
    if (!winner) throw err;
    return winner.id;
  }
}

/**
 * Issues the next number of a register inside the caller's transaction: the UPDATE locks the
 * register row until commit, so concurrent issuers queue and numbers are unique and gapless;
 * a rollback gives the number back. Numbers restart each year (one register per year).
 */
export async function issueNumber(key: RegisterKey, options?: TxOptions): Promise<IssuedNumber> {
  return withTransaction(db(), options, async (transaction) => {
    if (dialectOf(db()) === 'sqlite') return issueOnSqlite(key, transaction);
    const registerId = await ensureRegister(key, transaction);
    await db().query(
      'UPDATE registers SET lastNumber = lastNumber + 1, updatedAt = ? WHERE id = ? AND closedAt IS NULL',
      {
        replacements: [new Date(), registerId],
        transaction,
      },
    );
    const rows = await db().query<{ lastNumber: number; closedAt: Date | null }>(
      'SELECT lastNumber, closedAt FROM registers WHERE id = ? FOR UPDATE',
      { replacements: [registerId], type: QueryTypes.SELECT, transaction },
    );
    if (rows[0].closedAt) throw registerClosed(key.year);
    return { registerId, number: Number(rows[0].lastNumber) };
  });
}

/**
 * SQLite: the write comes first so the transaction takes the write lock at once; a read before
 * it would have to upgrade its lock later, which SQLite refuses (SQLITE_BUSY) when another
 * connection is waiting to write.
 */
async function issueOnSqlite(key: RegisterKey, transaction: Transaction): Promise<IssuedNumber> {
  const where = whereOf(key);
  await db().query(
    'UPDATE registers SET lastNumber = lastNumber + 1, updatedAt = ? WHERE agencyId = ? AND kind = ? AND year = ? AND series = ? AND closedAt IS NULL',
    {
      replacements: [new Date(), where.agencyId, where.kind, where.year, where.series],
      transaction,
    },
  );
  const register = await Register.findOne({ where, transaction });
  if (register?.closedAt) throw registerClosed(key.year);
  if (register) return { registerId: register.id, number: register.lastNumber };
  const created = await Register.create({ ...registerValues(key), lastNumber: 1 }, { transaction });
  return { registerId: created.id, number: 1 };
}

/** The id of a series' register, if it exists, for a caller reading it with other statements. */
export function registerIdSelect(key: RegisterKey): Select {
  const where = whereOf(key);
  return {
    sql: 'SELECT id FROM registers WHERE agencyId = ? AND kind = ? AND year = ? AND series = ? LIMIT 1',
    params: [where.agencyId, where.kind, where.year, where.series],
  };
}

/**
 * Makes sure the register of (agency, kind, year) exists before a numbering transaction opens,
 * so that transaction only has to lock the row (no nested create while holding a connection).
 */
export async function prepareRegister(key: RegisterKey): Promise<number> {
  const where = whereOf(key);
  // Read by hand: every issuance and registration starts here.
  const { sql, params } = registerIdSelect(key);
  const [existing] = await rawSelect<{ id: unknown }>(db(), sql, params);
  if (existing) return Number(existing.id);
  try {
    const created = await withTransaction(db(), undefined, (transaction) =>
      Register.create(registerValues(key), { transaction }),
    );
    return created.id;
  } catch (err) {
    if (!(err instanceof UniqueConstraintError)) throw err;
    const winner = await Register.findOne({ where, attributes: ['id'] });
    if (!winner) throw err;
    return winner.id;
  }
}

/** The number the next issue would get (a preview for forms; the real one is issued at save). */
export async function peekNextNumber(key: RegisterKey): Promise<number> {
  const register = await Register.findOne({ where: whereOf(key) });
  return (register?.lastNumber ?? 0) + 1;
}

/**
 * The series of the incoming register a document is numbered in: secret documents (độ mật above
 * Thường) in their own, "Sổ đăng ký văn bản đến mật" (Decree 30/2020 Art. 22 and Appendix IV), so
 * the ordinary series has no gap for them and the secret one is gapless from 1 each year. Copies
 * and legal normative documents share the ordinary incoming series: they have their own series
 * only where they are issued (number-series.ts).
 */
export const arrivalSeries = (confidentiality: number): string =>
  confidentiality > 0 ? 'secret' : '';

/** Issues the next arrival number (số đến) of an agency's incoming register for a year. */
export function issueArrivalNumber(
  agencyId: number,
  year: number,
  options?: TxOptions,
  series = '',
): Promise<IssuedNumber> {
  return issueNumber({ agencyId, kind: 'incoming', year, series }, options);
}
