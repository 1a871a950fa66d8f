import type { Model, ModelStatic } from 'sequelize';
import { dateFromDb, dateOnlyFromDb } from './rows.js';

type Convert = (value: unknown) => unknown;

const toBoolean: Convert = (value) => (value == null ? value : Boolean(Number(value)));
const toNumber: Convert = (value) =>
  typeof value === 'string' && Number.isSafeInteger(Number(value)) ? Number(value) : value;

const CONVERTERS: Record<string, Convert> = {
  DATE: dateFromDb,
  DATEONLY: dateOnlyFromDb,
  BOOLEAN: toBoolean,
  BIGINT: toNumber,
};

// Per model: each attribute with the conversion its type needs (none for text and integers).
const attributesOf = new WeakMap<object, [string, Convert | null][]>();

function attributeList(model: ModelStatic<Model>): [string, Convert | null][] {
  let list = attributesOf.get(model);
  if (!list) {
    list = Object.entries(model.getAttributes()).map(([name, attribute]) => {
      const key = (attribute.type as { key?: string }).key ?? '';
      return [name, CONVERTERS[key] ?? null];
    });
    attributesOf.set(model, list);
  }
  return list;
}

/**
 * A model instance from a row read by hand (rawSelect), as findAll would have built it: the
 * model's columns only, dates, booleans and big integers parsed the same on both databases.
 * Columns of a joined table are read under a prefix (`au__fullName` with prefix 'au__'); a
 * LEFT JOIN that found nothing (every such column null) gives null. An instance built with a
 * subset of the columns (a person's name) has only those, as with findAll's `attributes`.
 */
export function hydrate<M extends Model>(
  model: ModelStatic<M>,
  row: Record<string, unknown>,
  prefix?: string,
): M;
export function hydrate<M extends Model>(
  model: ModelStatic<M>,
  row: Record<string, unknown>,
  prefix: string,
  optional: true,
): M | null;
export function hydrate<M extends Model>(
  model: ModelStatic<M>,
  row: Record<string, unknown>,
  prefix = '',
  optional = false,
): M | null {
  const values: Record<string, unknown> = {};
  let found = false;
  for (const [name, convert] of attributeList(model as ModelStatic<Model>)) {
    const column = prefix + name;
    if (!(column in row)) continue;
    const value = row[column];
    if (value != null) found = true;
    values[name] = convert ? convert(value) : value;
  }
  if (optional && !found) return null;
  // The values are already what findAll would hold: they become the instance's data as they are,
  // without build's per-attribute set() (a third of the detail page's Sequelize time).
  const instance = new (model as unknown as new (values: object, options: object) => M)(
    {},
    BUILT_FROM_ROW,
  );
  const internals = instance as unknown as InstanceInternals;
  internals.dataValues = values;
  internals._previousDataValues = { ...values };
  return instance;
}

// As build({ raw: true, isNewRecord: false }) leaves them; includeValidated: no include to expand.
const BUILT_FROM_ROW = { raw: true, isNewRecord: false, includeValidated: true } as const;

interface InstanceInternals {
  dataValues: Record<string, unknown>;
  _previousDataValues: Record<string, unknown>;
}

/** The select list of a joined table's columns under hydrate's prefix: `au.id AS au__id, …`. */
export function prefixedColumns(alias: string, columns: readonly string[]): string {
  return columns.map((c) => `${alias}.${c} AS ${alias}__${c}`).join(', ');
}
