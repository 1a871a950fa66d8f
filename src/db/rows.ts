import type { Model, ModelStatic } from 'sequelize';

/**
 * Values of hand-written SELECTs, which skip the models' parsing: MariaDB (through Sequelize's
 * type casting) gives DATETIME columns as Date, SQLite gives the text Sequelize stored
 * ("2026-11-21 09:30:00.000 +00:00").
 */
export function dateFromDb(value: unknown): Date | null {
  if (value == null) return null;
  if (value instanceof Date) return value;
  const text = String(value);
  const iso = text.replace(' ', 'T').replace(/ ?([+-]\d{2}:\d{2})$/, '$1');
  const date = new Date(/[zZ]|[+-]\d{2}:\d{2}$/.test(iso) ? iso : `${iso}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A DATEONLY column as 'YYYY-MM-DD' whatever the driver gave. */
export function dateOnlyFromDb(value: unknown): string | null {
  if (value == null) return null;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value).slice(0, 10);
}

/**
 * A date as a model's column stores it (the database's time zone, as the column's own type
 * writes it). A Date given as a replacement is written as a DATE(3) column the same way
 * (columnDates in sequelize.ts); this follows a column declared otherwise.
 */
export function dateForColumn(model: ModelStatic<Model>, attribute: string, value: Date): string {
  const type = model.getAttributes()[attribute].type as unknown as {
    stringify(value: Date, options: { timezone?: string }): string;
  };
  const { options } = model.sequelize as unknown as { options: { timezone?: string } };
  return type.stringify(value, { timezone: options.timezone });
}
