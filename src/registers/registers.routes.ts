import { actorOf } from '../http/request-context.js';
import { Router, type Request, type Response } from 'express';
import { todayInVietnam } from '../calendar/working-days.js';
import { AppError } from '../http/app-error.js';
import { requirePermission, requireUser } from '../http/auth.js';
import { flash } from '../http/flash.js';
import { parseInput } from '../http/validate.js';
import { translator } from '../i18n/index.js';
import { can } from '../policy/index.js';
import { seriesLabel } from './number-series.js';
import {
  listOutgoingRegisterPage,
  outgoingRegisterBatches,
  outgoingSeriesOf,
} from './outgoing-register.js';
import { writeRegisterPdf, type RegisterMeta } from './register-pdf.js';
import { cellText, columnsOf, type RegisterRow } from './register-rows.js';
import { writeRegisterXlsx } from './register-xlsx.js';
import {
  CloseRegisterSchema,
  isRegisterBook,
  PeriodQuerySchema,
  quickPeriods,
  REGISTER_BOOKS,
  INCOMING_SERIES,
  IncomingSeriesQuerySchema,
  SeriesQuerySchema,
  type Period,
  type RegisterBook,
} from './registers.schemas.js';
import {
  agencyOf,
  auditRegisterAccess,
  closeRegister,
  listRegisterPage,
  listYearRegisters,
  parentAgencyNameOf,
  registerBatches,
} from './registers.service.js';
import { registerDisplayName } from './register.service.js';

const query = (p: Period, extra: Record<string, string | number> = {}) =>
  new URLSearchParams({ from: p.from, to: p.to, ...extra } as Record<string, string>).toString();

const ASCII_NAMES: Record<RegisterBook, string> = {
  incoming: 'so-van-ban-den',
  tracking: 'so-theo-doi-giai-quyet',
  outgoing: 'so-van-ban-di',
};

/** Filenames for Content-Disposition: an ASCII fallback and the Vietnamese name (RFC 6266/5987). */
function contentDisposition(book: RegisterBook, period: Period, ext: string, series = ''): string {
  const seriesSlug = series ? `-${series.replace(/[^A-Za-z0-9]+/g, '-')}` : '';
  const ascii = `${ASCII_NAMES[book]}${seriesSlug}_${period.from}_${period.to}.${ext}`;
  const label = series ? ` (${seriesLabel(series)})` : '';
  const name = `${translator('vi')(`registers:books.${book}`)}${label} ${period.from} - ${period.to}.${ext}`;
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

function rowView(book: RegisterBook, row: RegisterRow) {
  const columns = columnsOf(book);
  return {
    isOverdue: row.isOverdue,
    isSecret: row.isSecret,
    cells: row.cells.map((v, i) => ({
      text: cellText(v, columns[i].type),
      isNumber: columns[i].type !== 'text',
    })),
  };
}

async function renderPage(
  req: Request,
  res: Response,
  book: RegisterBook,
  period: Period,
  page: number,
  series = '',
) {
  const user = req.user!;
  const language = { t: req.t, lng: req.lng };
  const outgoing = book === 'outgoing';
  const [result, registers, seriesList] = await Promise.all([
    outgoing
      ? listOutgoingRegisterPage(user, period, series, page, language)
      : listRegisterPage(user, book, period, page, language, series),
    outgoing ? [] : listYearRegisters(user.agencyId),
    outgoing ? outgoingSeriesOf(user.agencyId) : [],
  ]);
  await auditRegisterAccess('register.view', book, period, actorOf(req), {
    page: result.page,
    ...(outgoing || series ? { series } : {}),
  });
  const withSeries = (extra: Record<string, string | number> = {}) =>
    series ? { ...extra, series } : extra;
  // The incoming books have two series: the ordinary register and the secret one.
  const seriesOfBook: readonly string[] = outgoing ? seriesList : INCOMING_SERIES;
  const quick = quickPeriods();
  const thisYear = Number(todayInVietnam().slice(0, 4));
  const canClose = can(user, 'register.close');
  res.render('registers/index', {
    title: req.t('registers:title'),
    book,
    period,
    tabs: REGISTER_BOOKS.map((b) => ({
      href: `/registers?${query(period, { kind: b })}`,
      label: req.t(`registers:books.${b}`),
      current: b === book,
    })),
    quick: {
      year: `/registers?${query(quick.year, { kind: book })}`,
      month: `/registers?${query(quick.month, { kind: book })}`,
    },
    headers: columnsOf(book).map((_, i) => req.t(`registers:columns.${book}.${i}`)),
    rows: result.rows.map((row) => rowView(book, row)),
    total: result.total,
    series,
    seriesTabs: seriesOfBook.map((s) => ({
      href: `/registers?${query(period, { kind: book, ...(s ? { series: s } : {}) })}`,
      label: outgoing
        ? s
          ? seriesLabel(s)
          : req.t('registers:outgoing.ordinary')
        : req.t(`registers:series.${s || 'ordinary'}`),
      current: s === series,
    })),
    downloads: {
      pdf: `/registers/${book}.pdf?${query(period, withSeries())}`,
      xlsx: `/registers/${book}.xlsx?${query(period, withSeries())}`,
    },
    pagination: {
      page: result.page,
      pages: result.pages,
      prevHref:
        result.page > 1
          ? `/registers?${query(period, withSeries({ kind: book, page: result.page - 1 }))}`
          : null,
      nextHref:
        result.page < result.pages
          ? `/registers?${query(period, withSeries({ kind: book, page: result.page + 1 }))}`
          : null,
    },
    registers: registers.map((r) => ({
      ...r.get({ plain: true }),
      name: registerDisplayName(r, req.t as never),
      isClosable: canClose && !r.closedAt && r.year < thisYear,
    })),
  });
}

export function registersRouter(): Router {
  const router = Router();
  const guard = [requireUser, requirePermission('register.view')];

  router.get('/registers', ...guard, async (req, res) => {
    const book = req.query.kind ?? 'incoming';
    if (!isRegisterBook(book)) throw new AppError('NOT_FOUND', 404);
    let input;
    let series = '';
    try {
      input = parseInput(PeriodQuerySchema, req.query, req.lng, req.t);
      ({ series } = parseInput(
        book === 'outgoing' ? SeriesQuerySchema : IncomingSeriesQuerySchema,
        req.query,
        req.lng,
        req.t,
      ));
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 422) throw err;
      // The page as it stands, the books' tabs and the quick periods included, with the reason
      // beside the date refused.
      const quick = quickPeriods();
      res.status(422).render('registers/index', {
        title: req.t('registers:title'),
        book,
        tabs: REGISTER_BOOKS.map((b) => ({
          href: `/registers?kind=${b}`,
          label: req.t(`registers:books.${b}`),
          current: b === book,
        })),
        quick: {
          year: `/registers?${query(quick.year, { kind: book })}`,
          month: `/registers?${query(quick.month, { kind: book })}`,
        },
        period: { from: String(req.query.from ?? ''), to: String(req.query.to ?? '') },
        errors: err.fields,
        errorMessage: req.t('errors:VALIDATION_FAILED'),
      });
      return;
    }
    await renderPage(req, res, book, input, input.page, series);
  });

  router.get('/registers/:file', ...guard, async (req, res) => {
    const match = /^(incoming|tracking|outgoing)\.(pdf|xlsx)$/.exec(String(req.params.file));
    if (!match || !isRegisterBook(match[1])) throw new AppError('NOT_FOUND', 404);
    const [book, format] = [match[1], match[2] as 'pdf' | 'xlsx'];
    const { from, to } = parseInput(PeriodQuerySchema, req.query, req.lng, req.t);
    const period = { from, to };
    const outgoing = book === 'outgoing';
    const { series } = parseInput(
      outgoing ? SeriesQuerySchema : IncomingSeriesQuerySchema,
      req.query,
      req.lng,
      req.t,
    );
    const agency = await agencyOf(req.user!.agencyId);
    await auditRegisterAccess('register.export', book, period, actorOf(req), {
      format,
      ...(outgoing || series ? { series } : {}),
    });
    // Printed registers are official records: always in Vietnamese, whatever the screen language.
    const language = { t: translator('vi'), lng: 'vi' };
    const meta: RegisterMeta = {
      book,
      agencyName: agency.name,
      parentAgencyName: await parentAgencyNameOf(agency),
      period,
      printedOn: todayInVietnam(),
      series,
    };
    const batches = outgoing
      ? outgoingRegisterBatches(req.user!, period, series, language)
      : registerBatches(req.user!, book, period, language, series);
    const rows: RegisterRow[] = [];
    if (format === 'pdf') for await (const batch of batches) rows.push(...batch);
    res.set({
      'Content-Type':
        format === 'pdf'
          ? 'application/pdf'
          : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'Content-Disposition': contentDisposition(book, period, format, series),
      'Cache-Control': 'private, no-store',
    });
    try {
      if (format === 'pdf') await writeRegisterPdf(res, meta, rows);
      else await writeRegisterXlsx(res, meta, batches);
    } catch (err) {
      if (!res.headersSent) throw err;
      req.log?.error({ err }, 'register export failed mid-stream');
      res.destroy();
    }
  });

  router.post(
    '/registers/close',
    requireUser,
    requirePermission('register.close'),
    async (req, res) => {
      const { year } = parseInput(CloseRegisterSchema, req.body, req.lng, req.t);
      await closeRegister(req.user!.agencyId, year, actorOf(req));
      flash(req, 'success', req.t('registers:close.done', { year }));
      res.redirect(303, '/registers');
    },
  );
  return router;
}
