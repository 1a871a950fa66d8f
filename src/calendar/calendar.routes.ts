import { Router, type Request, type Response } from 'express';
import { pathId } from '../http/params.js';
import { z } from 'zod';
import type { FieldErrors } from '../http/app-error.js';
import { requirePermission, requireUser } from '../http/auth.js';
import { flash } from '../http/flash.js';
import { parseInput } from '../http/validate.js';
import { exportLink } from '../http/list-export.js';
import { exportHolidays, yearOf } from './holidays.export.js';
import { adminTabs } from '../admin/admin-pages.js';
import { echoValues, submitForm } from '../http/forms.js';
import { auditActorOf } from '../http/request-context.js';
import {
  addHoliday,
  DeadlineDaysSchema,
  deleteHoliday,
  HolidaySchema,
  listHolidays,
  saveDeadlineDays,
  seedHolidays,
  YearSchema,
} from './calendar.service.js';
import { defaultDeadlineDays } from './working-days.js';
import { LUNAR_HOLIDAYS } from './vietnam-holidays.js';

const SeedSchema = z.object({ year: YearSchema });

interface PageState {
  holidayValues?: Record<string, unknown>;
  holidayErrors?: FieldErrors;
  deadlineValues?: Record<string, unknown>;
  deadlineErrors?: FieldErrors;
}

async function renderHolidays(
  req: Request,
  res: Response,
  year: number,
  status = 200,
  state: PageState = {},
) {
  const [holidays, days] = await Promise.all([listHolidays(year), defaultDeadlineDays()]);
  res.status(status).render('admin/holidays', {
    title: req.t('admin:holidays.title'),
    tabs: adminTabs(req),
    year,
    prevYear: year - 1,
    nextYear: year + 1,
    lunarKnown: Boolean(LUNAR_HOLIDAYS[year]),
    holidays: holidays.map((h) => ({
      ...h.get({ plain: true }),
      date: String(h.date).slice(0, 10),
    })),
    urgencies: [0, 1, 2, 3].map((u) => ({
      field: `d${u}`,
      label: req.t(`urgency.${u}`),
      value: state.deadlineValues?.[`d${u}`] ?? days[u],
      error: state.deadlineErrors?.[`d${u}`],
    })),
    exportLink: exportLink(req, '/admin/holidays/export.xlsx', { year }),
    holidayValues: state.holidayValues ?? {},
    holidayErrors: state.holidayErrors,
  });
}

export function calendarRouter(): Router {
  const router = Router();
  router.use('/admin/holidays', requireUser, requirePermission('admin.manage'));
  router.use('/admin/deadlines', requireUser, requirePermission('admin.manage'));

  router.get('/admin/holidays', (req, res) => renderHolidays(req, res, yearOf(req)));
  router.get('/admin/holidays/export.xlsx', exportHolidays);

  router.post('/admin/holidays', async (req, res) => {
    let year = yearOf(req);
    const ok = await submitForm(
      async () => {
        const input = parseInput(HolidaySchema, req.body, req.lng, req.t);
        year = Number(input.date.slice(0, 4));
        await addHoliday(input, auditActorOf(req));
      },
      (err) =>
        renderHolidays(req, res, year, 422, {
          holidayValues: echoValues(req.body),
          holidayErrors: err.fields,
        }),
    );
    if (!ok) return;
    flash(req, 'success', req.t('admin:holidays.added'));
    res.redirect(303, `/admin/holidays?year=${year}`);
  });

  router.post('/admin/holidays/seed', async (req, res) => {
    const { year } = parseInput(SeedSchema, req.body, req.lng, req.t);
    const { added, lunarKnown } = await seedHolidays(year, auditActorOf(req));
    flash(req, 'success', req.t('admin:holidays.seeded', { count: added, year }));
    if (!lunarKnown) flash(req, 'info', req.t('admin:holidays.lunarUnknown', { year }));
    res.redirect(303, `/admin/holidays?year=${year}`);
  });

  router.post('/admin/holidays/:id/delete', async (req, res) => {
    const id = pathId(req, 'id', 'HOLIDAY_NOT_FOUND');
    const holiday = await deleteHoliday(id, auditActorOf(req));
    flash(req, 'success', req.t('admin:holidays.deleted'));
    res.redirect(303, `/admin/holidays?year=${String(holiday.date).slice(0, 4)}`);
  });

  router.post('/admin/deadlines', async (req, res) => {
    const year = yearOf(req);
    const ok = await submitForm(
      async () => {
        const input = parseInput(DeadlineDaysSchema, req.body, req.lng, req.t);
        await saveDeadlineDays(input, auditActorOf(req));
      },
      (err) =>
        renderHolidays(req, res, year, 422, {
          deadlineValues: echoValues(req.body),
          deadlineErrors: err.fields,
        }),
    );
    if (!ok) return;
    flash(req, 'success', req.t('admin:deadlines.saved'));
    res.redirect(303, `/admin/holidays?year=${year}`);
  });
  return router;
}
