import { Op } from 'sequelize';
import { z } from 'zod';
import { integer, requiredDateField } from '../http/form-fields.js';
import { db } from '../db/index.js';
import { withTransaction, type TxOptions } from '../db/transaction.js';
import { recordAudit } from '../audit/audit.service.js';
import { AppError } from '../http/app-error.js';
import type { AuditActor } from '../users/users.service.js';
import { Holiday, Setting } from './calendar.model.js';
import { DEADLINE_SETTING_KEY, defaultDeadlineDays, todayInVietnam } from './working-days.js';
import { vietnamPublicHolidays } from './vietnam-holidays.js';

export const YearSchema = integer(
  z
    .number('errors:YEAR_RANGE')
    .int('errors:YEAR_RANGE')
    .min(2000, 'errors:YEAR_RANGE')
    .max(2100, 'errors:YEAR_RANGE'),
);

// Typed day first (dd/mm/yyyy) or ISO; read as ISO.
// Typed dd/mm/yyyy like every date field, with the same messages.
const IsoDate = requiredDateField();

export const HolidaySchema = z.object({
  date: IsoDate,
  name: z.string().trim().min(1, 'errors:FIELD_REQUIRED').max(255),
});
export type HolidayInput = z.infer<typeof HolidaySchema>;

const Days = integer(
  z
    .number('errors:DEADLINE_DAYS_RANGE')
    .int('errors:DEADLINE_DAYS_RANGE')
    .min(1, 'errors:DEADLINE_DAYS_RANGE')
    .max(90, 'errors:DEADLINE_DAYS_RANGE'),
);
/**
 * Days per urgency (d0 Thường, d1 Khẩn, d2 Thượng khẩn, d3 Hỏa tốc): a more urgent document never
 * has longer than a less urgent one; the first field out of order says so.
 */
export const DeadlineDaysSchema = z
  .object({ d0: Days, d1: Days, d2: Days, d3: Days })
  .superRefine((d, ctx) => {
    const days = [d.d0, d.d1, d.d2, d.d3];
    const at = days.findIndex((n, i) => i > 0 && n > days[i - 1]!);
    if (at > 0)
      ctx.addIssue({ code: 'custom', path: [`d${at}`], message: 'errors:DEADLINE_DAYS_ORDER' });
  });
export type DeadlineDaysInput = z.infer<typeof DeadlineDaysSchema>;

/** The holidays of one year, in date order. */
export async function listHolidays(year: number): Promise<Holiday[]> {
  return Holiday.findAll({
    where: { date: { [Op.between]: [`${year}-01-01`, `${year}-12-31`] } },
    order: [['date', 'ASC']],
  });
}

/** Adds one day to the holiday calendar; a date already listed is a 422 on the date field. */
export async function addHoliday(
  input: HolidayInput,
  actor: AuditActor,
  options?: TxOptions,
): Promise<Holiday> {
  return withTransaction(db(), options, async (transaction) => {
    if (await Holiday.count({ where: { date: input.date }, transaction })) {
      throw new AppError('HOLIDAY_EXISTS', 422, undefined, { date: 'errors:HOLIDAY_EXISTS' });
    }
    const holiday = await Holiday.create({ date: input.date, name: input.name }, { transaction });
    await recordAudit(
      {
        action: 'holiday.create',
        ...actor,
        entityType: 'holiday',
        entityId: holiday.id,
        details: { ...input },
      },
      { transaction },
    );
    return holiday;
  });
}

export async function deleteHoliday(
  id: number,
  actor: AuditActor,
  options?: TxOptions,
): Promise<Holiday> {
  return withTransaction(db(), options, async (transaction) => {
    const holiday = await Holiday.findByPk(id, { transaction });
    if (!holiday) throw new AppError('HOLIDAY_NOT_FOUND', 404);
    await holiday.destroy({ transaction });
    await recordAudit(
      {
        action: 'holiday.delete',
        ...actor,
        entityType: 'holiday',
        entityId: id,
        details: { date: String(holiday.date).slice(0, 10), name: holiday.name },
      },
      { transaction },
    );
    return holiday;
  });
}

/**
 * Fills a year with Vietnam's public holidays (see vietnamPublicHolidays); dates already in the
 * calendar are kept as they are. Returns how many were added and whether the lunar ones are known.
 */
export async function seedHolidays(
  year: number,
  actor: AuditActor,
  options?: TxOptions,
): Promise<{ added: number; lunarKnown: boolean }> {
  const { holidays, lunarKnown } = vietnamPublicHolidays(year);
  return withTransaction(db(), options, async (transaction) => {
    const existing = await Holiday.findAll({
      where: { date: { [Op.in]: holidays.map((h) => h.date) } },
      transaction,
    });
    const have = new Set(existing.map((h) => String(h.date).slice(0, 10)));
    const fresh = holidays.filter((h) => !have.has(h.date));
    if (fresh.length) await Holiday.bulkCreate(fresh, { transaction });
    await recordAudit(
      {
        action: 'holiday.seed',
        ...actor,
        // The year's calendar is what changed (the holidays added have no one id).
        entityType: 'holiday_year',
        entityId: year,
        details: { year, added: fresh.length, lunarKnown },
      },
      { transaction },
    );
    return { added: fresh.length, lunarKnown };
  });
}

/**
 * A new agency's calendar: this year's and next year's public holidays (Vietnam time), so its
 * deadlines skip them from the first day. Dates already in the calendar are kept.
 */
export async function seedHolidaysForNewAgency(
  actor: AuditActor,
  options?: TxOptions,
  now: Date = new Date(),
): Promise<number> {
  const year = Number(todayInVietnam(now).slice(0, 4));
  let added = 0;
  for (const y of [year, year + 1]) added += (await seedHolidays(y, actor, options)).added;
  return added;
}

/** Saves the default working days per urgency (Thường, Khẩn, Thượng khẩn, Hỏa tốc). */
export async function saveDeadlineDays(
  input: DeadlineDaysInput,
  actor: AuditActor,
  options?: TxOptions,
): Promise<Record<number, number>> {
  const value = { 0: input.d0, 1: input.d1, 2: input.d2, 3: input.d3 };
  const before = await defaultDeadlineDays();
  await withTransaction(db(), options, async (transaction) => {
    await Setting.upsert(
      { key: DEADLINE_SETTING_KEY, value: JSON.stringify(value) },
      { transaction },
    );
    await recordAudit(
      {
        action: 'setting.update',
        ...actor,
        entityType: 'setting',
        entityId: DEADLINE_SETTING_KEY,
        details: { before, after: value },
      },
      { transaction },
    );
  });
  return value;
}
