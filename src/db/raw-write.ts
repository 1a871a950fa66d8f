import {
  QueryTypes,
  type Model,
  type ModelStatic,
  type Sequelize,
  type Transaction,
} from 'sequelize';
import { onMysqlConnection } from './raw-select.js';

export interface WriteResult {
  /** INSERT: the id of the first row written (MariaDB names the first, SQLite the last). */
  insertId: number;
  /** The rows the statement wrote (on MariaDB, those it changed). */
  affectedRows: number;
}

/**
 * An INSERT, UPDATE or DELETE with positional parameters, for the writes an issuance makes many
 * times: on MariaDB straight to the transaction's mysql2 connection (or a pooled one), without
 * Sequelize's query building, model instances, validation and hooks; on SQLite through
 * sequelize.query. Dates are written as the models write them (columnDates). Only for tables
 * whose models declare no hooks, with values the caller has checked.
 */
export async function rawWrite(
  sequelize: Sequelize,
  sql: string,
  params: unknown[],
  transaction?: Transaction | null,
): Promise<WriteResult> {
  if (sequelize.getDialect() !== 'mysql') {
    const verb = sql.trimStart().slice(0, 6).toUpperCase();
    const options = { replacements: params, transaction: transaction ?? undefined };
    if (verb === 'INSERT') {
      const [lastId, changes] = (await sequelize.query(sql, {
        ...options,
        type: QueryTypes.INSERT,
      })) as unknown as [number, number];
      return { insertId: Number(lastId) - Number(changes) + 1, affectedRows: Number(changes) };
    }
    const type = verb === 'DELETE' ? QueryTypes.BULKDELETE : QueryTypes.BULKUPDATE;
    const changes = (await sequelize.query(sql, { ...options, type })) as unknown as number;
    return { insertId: 0, affectedRows: Number(changes) };
  }
  const result = (await onMysqlConnection(sequelize, sql, params, transaction, 'WRITE')) as {
    insertId: number;
    affectedRows: number;
  };
  return { insertId: Number(result.insertId), affectedRows: Number(result.affectedRows) };
}

/**
 * Inserts rows of a model in one statement and returns them as bulkCreate would (built, not new,
 * ids set): createdAt and updatedAt are now, the model's default values fill what a row leaves
 * out. One statement's rows get consecutive ids, as bulkCreate also assumes.
 */
export async function insertRows<M extends Model>(
  model: ModelStatic<M>,
  rows: Record<string, unknown>[],
  transaction?: Transaction | null,
): Promise<M[]> {
  if (!rows.length) return [];
  const now = new Date();
  const attributes = model.getAttributes() as Record<
    string,
    { defaultValue?: unknown; autoIncrement?: boolean; field?: string }
  >;
  const columns = Object.keys(attributes).filter((c) => !attributes[c].autoIncrement);
  const full = rows.map((row) => {
    const values: Record<string, unknown> = {};
    for (const c of columns) {
      if (c === 'createdAt' || c === 'updatedAt') values[c] = now;
      else if (row[c] !== undefined) values[c] = row[c];
      else {
        const fallback = attributes[c].defaultValue;
        // A default computed by Sequelize (a function, NOW, UUIDV4) is not this helper's.
        if (fallback != null && (typeof fallback === 'function' || typeof fallback === 'object'))
          throw new Error(`insertRows: ${model.name}.${c} has a computed default`);
        values[c] = fallback ?? null;
      }
    }
    return values;
  });
  const placeholders = `(${columns.map(() => '?').join(', ')})`;
  const { insertId } = await rawWrite(
    model.sequelize!,
    `INSERT INTO ${model.getTableName() as string} (${columns
      .map((c) => attributes[c].field ?? c)
      .join(', ')}) VALUES ${full.map(() => placeholders).join(', ')}`,
    full.flatMap((values) => columns.map((c) => values[c])),
    transaction,
  );
  return full.map((values, i) =>
    model.build({ id: insertId + i, ...values } as M['_creationAttributes'], {
      raw: true,
      isNewRecord: false,
    }),
  );
}

/**
 * Writes the given values of a loaded row (and updatedAt) in one plain UPDATE by its id, and sets
 * them on the instance as a save would leave it (nothing left changed): for the rows a workflow
 * step updates on every document, without save's validation and hooks.
 */
export async function updateRow<M extends Model>(
  instance: M,
  values: Partial<M['_attributes']>,
  transaction?: Transaction | null,
): Promise<void> {
  const model = instance.constructor as ModelStatic<M>;
  const attributes = model.getAttributes() as Record<string, { field?: string }>;
  const all: Record<string, unknown> = { ...values, updatedAt: new Date() };
  const keys = Object.keys(all);
  await rawWrite(
    model.sequelize!,
    `UPDATE ${model.getTableName() as string} SET ${keys
      .map((k) => `${attributes[k].field ?? k} = ?`)
      .join(', ')} WHERE id = ?`,
    [...keys.map((k) => all[k]), instance.get('id')],
    transaction,
  );
  instance.set(all as M['_attributes'], { raw: true });
  const previous = (instance as unknown as { _previousDataValues: Record<string, unknown> })
    ._previousDataValues;
  for (const k of keys) {
    previous[k] = instance.get(k);
    instance.changed(k as keyof M, false);
  }
}
