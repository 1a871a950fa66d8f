import { Router, type Request, type Response } from 'express';
import { Agency } from '../agencies/agency.model.js';
import { AppError } from '../http/app-error.js';
import { messageOf } from '../http/forms.js';
import { can } from '../policy/index.js';
import { requirePermission, requireUser } from '../http/auth.js';
import { actorOf } from '../http/request-context.js';
import { parseInput } from '../http/validate.js';
import { dateFieldValue } from '../http/form-fields.js';
import { listWorkbook, sendXlsx } from '../http/xlsx-list.js';
import { onTimeChartSvg } from './on-time.chart.js';
import {
  OnTimeQuerySchema,
  PERIOD_KINDS,
  formPeriodOf,
  type OnTimeQuery,
  type ReportPeriod,
} from './on-time.period.js';
import {
  auditReportAccess,
  onTimeDocuments,
  onTimeReport,
  ON_TIME_GROUPS,
  type OnTimeCounts,
  type OnTimeReport,
} from './on-time.service.js';
import { onTimeXlsx } from './on-time.xlsx.js';
import { volumesChartSvg } from './volumes.chart.js';
import { auditVolumesAccess, volumesReport, type VolumesReport } from './volumes.service.js';
import { groupCells, periodParams, reportLink } from './report-links.js';

function queryOf(req: Request): OnTimeQuery {
  return parseInput(OnTimeQuerySchema, req.query, req.lng, req.t);
}

function groupLabels(req: Request) {
  return Object.fromEntries(ON_TIME_GROUPS.map((g) => [g, req.t(`reports:group.${g}`)])) as Record<
    (typeof ON_TIME_GROUPS)[number],
    string
  >;
}

/**
 * The total row's label, by what it covers: the whole agency or the head's own unit; on the
 * people's page it says it is the units' work, not the sum of the people's rows.
 */
function totalLabel(req: Request, report: OnTimeReport): string {
  const unit = report.scope?.name;
  if (report.by === 'person')
    return unit ? req.t('reports:totalUnit', { name: unit }) : req.t('reports:totalAgency');
  return unit
    ? req.t('reports:totalScope.unit', { name: unit })
    : req.t('reports:totalScope.agency');
}

/** The volume report's period: the on-time report's period fields only. */
const VolumesQuerySchema = OnTimeQuerySchema.pick({
  period: true,
  year: true,
  month: true,
  quarter: true,
  from: true,
  to: true,
});

/** The lists behind a volume figure: what was registered (incoming) or issued (outgoing) then. */
function volumeLinks(type: string | undefined, period: ReportPeriod) {
  const days = { from: period.from, to: period.to };
  return {
    incomingHref: reportLink('/incoming', { tab: 'all', type, ...days }),
    outgoingHref: reportLink('/outgoing', { tab: 'issued', type, ...days }),
  };
}

/** The period form's kinds (month, quarter, year, custom), the chosen one selected. */
const periodKinds = (req: Request, selected?: unknown) =>
  PERIOD_KINDS.map((k) => ({
    value: k,
    label: req.t(`reports:period.${k}`),
    selected: k === selected,
  }));

/** The fields of the period form, each showing its own message. */
const PERIOD_FIELDS = ['period', 'year', 'month', 'quarter', 'from', 'to'];

/**
 * A report's page again with the period refused (422): the form as typed, its errors beside it.
 * Any other error goes on.
 */
function refusePeriod(
  req: Request,
  res: Response,
  err: unknown,
  page: { view: string; tab: 'onTime' | 'volumes'; title: string },
): void {
  if (!(err instanceof AppError) || err.status !== 422) throw err;
  const fields = err.fields ?? {};
  // Each message once, beside its field; above the form only what has no field there.
  const elsewhere = Object.entries(fields)
    .filter(([field]) => !PERIOD_FIELDS.includes(field))
    .map(([, message]) => req.t(message));
  res.status(422).render(page.view, {
    reportTabs: reportTabs(req, page.tab),
    title: page.title,
    errors: fields,
    errorMessage: Object.keys(fields).length
      ? [...new Set(elsewhere)].join(' ') || null
      : messageOf(req, err),
    query: req.query,
    kinds: periodKinds(req, req.query.period ?? 'month'),
  });
}

/**
 * The reports' pages: the on-time report, its XLSX export and the documents behind a figure; the
 * volume report and its XLSX export.
 */
export function reportsRouter(): Router {
  const router = Router();
  const guard = [requireUser, requirePermission('reports.view')];
  const volumesGuard = [requireUser, requirePermission('reports.volumes')];

  router.get('/reports/volumes', ...volumesGuard, async (req, res) => {
    let period: ReportPeriod;
    let query;
    try {
      query = parseInput(VolumesQuerySchema, req.query, req.lng, req.t);
      period = formPeriodOf({ ...query, by: 'unit' } as OnTimeQuery);
    } catch (err) {
      refusePeriod(req, res, err, {
        view: 'reports/volumes',
        tab: 'volumes',
        title: req.t('reports:volumes.title'),
      });
      return;
    }
    const report = await volumesReport(req.user!, period, req.lng);
    await auditVolumesAccess('report.volumes.view', period, actorOf(req));
    const labels = volumeLabels(req);
    res.render('reports/volumes', {
      reportTabs: reportTabs(req, 'volumes'),
      title: labels.title,
      query: periodParams(query, period),
      period,
      kinds: periodKinds(req, query.period),
      rows: report.rows.map((r) => ({ ...r, ...volumeLinks(r.type, period) })),
      total: { ...report.total, ...volumeLinks(undefined, period) },
      chart: report.rows.length ? volumesChartSvg(report.rows, labels) : null,
      xlsxHref: reportLink('/reports/volumes.xlsx', periodParams(query, period)),
    });
  });

  router.get('/reports/volumes.xlsx', ...volumesGuard, async (req, res) => {
    const query = parseInput(VolumesQuerySchema, req.query, req.lng, req.t);
    const period = formPeriodOf({ ...query, by: 'unit' } as OnTimeQuery);
    const report = await volumesReport(req.user!, period, req.lng);
    await auditVolumesAccess('report.volumes.export', period, actorOf(req));
    const agency = await Agency.findByPk(req.user!.agencyId);
    sendXlsx(
      res,
      `so-luong-van-ban-${period.from}-${period.to}.xlsx`,
      await volumesWorkbook(req, report, period, agency?.name ?? ''),
      { rows: report.rows.length, total: report.rows.length },
    );
  });

  router.get('/reports/on-time', ...guard, async (req, res) => {
    let query: OnTimeQuery;
    let period;
    try {
      query = queryOf(req);
      period = formPeriodOf(query);
    } catch (err) {
      refusePeriod(req, res, err, {
        view: 'reports/on-time',
        tab: 'onTime',
        title: req.t('reports:title'),
      });
      return;
    }
    const report = await onTimeReport(req.user!, period, query.by);
    await auditReportAccess('report.onTime.view', period, { by: query.by }, actorOf(req));
    const base = { ...periodParams(query, period), by: query.by };
    const cells = (c: OnTimeCounts, who: Record<string, unknown>) =>
      groupCells(c, '/reports/on-time/documents', { ...base, ...who });
    const labels = groupLabels(req);
    res.render('reports/on-time', {
      reportTabs: reportTabs(req, 'onTime'),
      title: req.t('reports:title'),
      query: { ...periodParams(query, period), by: query.by },
      period,
      kinds: periodKinds(req, query.period),
      byPerson: query.by === 'person',
      groups: ON_TIME_GROUPS.map((g) => ({ group: g, label: labels[g] })),
      rows: report.rows.map((r) => ({
        name: r.name,
        cells: cells(r.counts, query.by === 'person' ? { user: r.id } : { unit: r.id }),
        total: r.counts.total,
        rate: r.counts.rate,
      })),
      total: {
        label: totalLabel(req, report),
        cells: cells(report.total, {}),
        total: report.total.total,
        rate: report.total.rate,
      },
      chart: onTimeChartSvg(report.rows, { ...labels, title: req.t('reports:title') }),
      xlsxHref: reportLink('/reports/on-time.xlsx', base),
      unitHref: reportLink('/reports/on-time', { ...base, by: 'unit' }),
      personHref: reportLink('/reports/on-time', { ...base, by: 'person' }),
    });
  });

  router.get('/reports/on-time.xlsx', ...guard, async (req, res) => {
    const query = queryOf(req);
    const period = formPeriodOf(query);
    const report = await onTimeReport(req.user!, period, query.by);
    await auditReportAccess(
      'report.onTime.export',
      period,
      { by: query.by, format: 'xlsx' },
      actorOf(req),
    );
    const agency = await Agency.findByPk(req.user!.agencyId);
    const buffer = await onTimeXlsx(
      report,
      {
        sheet: req.t('reports:sheet'),
        title: req.t('reports:title'),
        name: req.t(query.by === 'person' ? 'reports:person' : 'reports:unit'),
        total: req.t('reports:total'),
        totalRow: totalLabel(req, report),
        rate: req.t('reports:rate'),
        groups: groupLabels(req),
      },
      agency?.name ?? '',
    );
    res.set({
      'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'Content-Disposition': `attachment; filename="dung-han-${period.from}-${period.to}.xlsx"`,
      'Cache-Control': 'private, no-store',
    });
    res.send(buffer);
  });

  /** The documents behind a figure, as the query names them; audited as `action`. */
  async function drillDown(
    req: Request,
    action: 'report.onTime.documents.view' | 'report.onTime.documents.export',
  ) {
    const query = queryOf(req);
    const period = formPeriodOf(query);
    const { documents, hidden } = await onTimeDocuments(req.user!, period, {
      group: query.group,
      unit: query.unit,
      userId: query.user,
      by: query.by,
    });
    await auditReportAccess(
      action,
      period,
      {
        group: query.group ?? null,
        unit: query.unit ?? null,
        user: query.user ?? null,
        documentIds: [...new Set(documents.map((d) => d.id))],
        ...(action === 'report.onTime.documents.export' ? { format: 'xlsx' } : {}),
      },
      actorOf(req),
    );
    return { query, period, documents, hidden };
  }

  router.get('/reports/on-time/documents', ...guard, async (req, res) => {
    const { query, period, documents, hidden } = await drillDown(
      req,
      'report.onTime.documents.view',
    );
    const base = { ...periodParams(query, period), by: query.by };
    res.render('reports/documents', {
      title: req.t('reports:documentsTitle'),
      groupLabel: query.group ? req.t(`reports:group.${query.group}`) : null,
      period,
      documents,
      hidden,
      xlsxHref: reportLink('/reports/on-time/documents.xlsx', {
        ...base,
        group: query.group,
        unit: query.unit,
        user: query.user,
      }),
      backHref: reportLink('/reports/on-time', base),
    });
  });

  // The drill-down's list as XLSX, the columns the page shows.
  router.get('/reports/on-time/documents.xlsx', ...guard, async (req, res) => {
    const { query, period, documents, hidden } = await drillDown(
      req,
      'report.onTime.documents.export',
    );
    const t = req.t;
    const lines = [
      t('reports:periodLine', { from: dateFieldValue(period.from), to: dateFieldValue(period.to) }),
    ];
    if (query.group) lines.push(t(`reports:group.${query.group}`));
    if (hidden) lines.push(t('reports:hidden', { count: hidden }));
    const body = await listWorkbook({
      sheet: t('reports:documentsTitle'),
      heading: t('reports:documentsTitle'),
      lines,
      columns: [
        { header: t('reports:arrivalNumber'), width: 9 },
        { header: t('reports:subject'), width: 60 },
        { header: t('reports:sender'), width: 30 },
        { header: t('reports:assignee'), width: 30 },
        { header: t('reports:deadline'), width: 12, numFmt: 'dd/mm/yyyy' },
      ],
      rows: documents.map((d) => [
        d.arrivalNumber,
        d.subject,
        d.fromOrganName,
        d.assignee,
        new Date(`${d.deadline.slice(0, 10)}T00:00:00Z`),
      ]),
    });
    sendXlsx(res, `dung-han-van-ban-${period.from}-${period.to}.xlsx`, body, {
      rows: documents.length,
      total: documents.length + hidden,
    });
  });
  return router;
}

function volumeLabels(req: Request) {
  return {
    title: req.t('reports:volumes.title'),
    incoming: req.t('reports:volumes.incoming'),
    outgoing: req.t('reports:volumes.outgoing'),
  };
}

/** The volume report as a workbook: the table the page shows, with its period and agency. */
function volumesWorkbook(
  req: Request,
  report: VolumesReport,
  period: ReportPeriod,
  agencyName: string,
): Promise<Buffer> {
  const t = req.t;
  const labels = volumeLabels(req);
  return listWorkbook({
    sheet: labels.title,
    heading: labels.title,
    lines: [
      agencyName,
      t('reports:periodLine', { from: dateFieldValue(period.from), to: dateFieldValue(period.to) }),
    ].filter(Boolean),
    columns: [
      { header: t('reports:volumes.type'), width: 36 },
      { header: labels.incoming, width: 16 },
      { header: labels.outgoing, width: 16 },
      { header: t('reports:total'), width: 12 },
    ],
    rows: [
      ...report.rows.map((r) => [r.name, r.incoming, r.outgoing, r.total]),
      [t('reports:total'), report.total.incoming, report.total.outgoing, report.total.total],
    ],
  });
}

/** The reports this person may open, as tabs above each report. */
function reportTabs(req: Request, current: 'onTime' | 'volumes') {
  const reports = [
    { key: 'onTime', href: '/reports/on-time', label: 'reports:title', permission: 'reports.view' },
    {
      key: 'volumes',
      href: '/reports/volumes',
      label: 'reports:volumes.title',
      permission: 'reports.volumes',
    },
  ] as const;
  return reports
    .filter((r) => can(req.user, r.permission))
    .map((r) => ({ key: r.key, href: r.href, label: req.t(r.label), current: r.key === current }));
}
