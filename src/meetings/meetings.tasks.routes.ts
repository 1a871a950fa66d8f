import { Router, type Request, type Response } from 'express';
import { Agency, Department } from '../agencies/agency.model.js';
import { todayInVietnam } from '../calendar/working-days.js';
import { requirePermission } from '../http/auth.js';
import { actAndRedirect } from '../http/forms.js';
import { pathId } from '../http/params.js';
import { forForm, memoryUpload, throwUploadError } from '../http/uploads.js';
import { actorOf } from '../http/request-context.js';
import { parseInput } from '../http/validate.js';
import { can } from '../policy/index.js';
import { OnTimeQuerySchema, PERIOD_KINDS, periodOf } from '../reports/on-time.period.js';
import { ON_TIME_GROUPS, type OnTimeCounts } from '../reports/on-time.service.js';
import { onTimeXlsx } from '../reports/on-time.xlsx.js';
import { groupCells, periodParams, reportLink } from '../reports/report-links.js';
import { User } from '../users/user.model.js';
import { MeetingConclusion } from './meeting-minutes.model.js';
import {
  auditMeetingsReport,
  meetingsReport,
  tasksOfPeriod,
  type MeetingsReport,
} from './tasks.report.js';
import { listTasks, taskRow, taskTabs } from './tasks.queries.js';
import { exportLink } from '../http/list-export.js';
import { exportMeetingTasks, exportTasks, taskQueryOf } from './meetings.exports.js';
import {
  TaskCompleteSchema,
  TaskCreateSchema,
  TaskProgressSchema,
  TASK_FILTERS,
} from './tasks.schemas.js';
import {
  completeTask,
  createTask,
  meetingTasks,
  reportTaskProgress,
  taskFile,
  taskPage,
} from './tasks.service.js';
import { NAME_ORDER } from '../users/name-order.js';

const NS = 'meetings-tasks';
/** Multer's hard limit; the agency's own limit (MAX_UPLOAD_BYTES) is checked on the bytes. */
const MAX_TASK_FILE_BYTES = 50 * 1024 * 1024;
const meetingIdOf = (req: Request) => pathId(req, 'id', 'MEETING_NOT_FOUND');
const taskIdOf = (req: Request) => pathId(req, 'taskId', 'MEETING_TASK_NOT_FOUND');

const groupLabels = (req: Request) =>
  Object.fromEntries(ON_TIME_GROUPS.map((g) => [g, req.t(`${NS}:group.${g}`)])) as Record<
    (typeof ON_TIME_GROUPS)[number],
    string
  >;

/** The report's query (the on-time report's period, unit and group); 422 in Vietnamese. */
export const reportQueryOf = (req: Request) => {
  const query = parseInput(OnTimeQuerySchema, req.query, req.lng, req.t);
  return { query, period: periodOf(query) };
};

async function renderMeetingTasks(req: Request, res: Response, status = 200, extra = {}) {
  const user = req.user!;
  const { access, tasks, viewable, canCreate } = await meetingTasks(user, meetingIdOf(req));
  const [conclusions, departments, people] = canCreate
    ? await Promise.all([
        MeetingConclusion.findAll({
          where: { meetingId: access.meeting.id },
          order: [['position', 'ASC']],
        }),
        Department.findAll({ where: { agencyId: user.agencyId }, order: [['name', 'ASC']] }),
        User.findAll({
          where: { agencyId: user.agencyId, isActive: true },
          attributes: ['id', 'fullName', 'positionTitle'],
          order: NAME_ORDER,
        }),
      ])
    : [[], [], []];
  const today = todayInVietnam();
  res.status(status).render('meetings/tasks-meeting', {
    title: req.t(`${NS}:meeting.title`),
    meeting: { id: access.meeting.id, title: access.meeting.title },
    tasks: tasks.map((t) => ({ ...taskRow(t, today), viewable: viewable.has(t.id) })),
    exportLink: exportLink(req, `/meetings/${access.meeting.id}/tasks/export.xlsx`, {}),
    canCreate,
    conclusions: conclusions.map((c) => ({ id: c.id, position: c.position, text: c.text })),
    departments: departments.map((d) => ({ id: d.id, name: d.name })),
    people: people.map((p) => ({ id: p.id, name: p.fullName, title: p.positionTitle })),
    errors: {},
    values: {},
    ...extra,
  });
}

async function renderTask(req: Request, res: Response, status = 200, extra = {}) {
  const page = await taskPage(actorOf(req), taskIdOf(req));
  res.status(status).render('meetings/task', {
    title: req.t(`${NS}:task.title`),
    ...page,
    task: taskRow(page.task),
    errors: {},
    values: {},
    ...extra,
  });
}

/** The completion file (a PDF) as the form or the API sent it, with the agency's size limit. */
export function fileOf(req: Request, res: Response) {
  if (!req.file) return undefined;
  const mb = (res.locals as { uploadLimitMb?: number }).uploadLimitMb;
  return {
    buffer: req.file.buffer,
    originalName: req.file.originalname,
    maxBytes: mb ? mb * 1024 * 1024 : undefined,
  };
}

/** The completion file's upload: one PDF beside a few fields. */
export const taskUpload = () =>
  memoryUpload('file', { fileSize: MAX_TASK_FILE_BYTES, files: 1, fields: 5 });

/** Sends a completion file to save (private, never cached). */
export function sendTaskFile(res: Response, file: Awaited<ReturnType<typeof taskFile>>): void {
  res.set({
    'Content-Type': file.storedFile.mimeType,
    'Content-Length': String(file.storedFile.size),
    'Content-Disposition': `attachment; filename="ket-qua.pdf"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
    'Cache-Control': 'private, no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  file.stream.on('error', () => res.destroy());
  file.stream.pipe(res);
}

/** The meetings and attendance of the report, as lines above the tasks' table of its XLSX. */
function reportLines(req: Request, report: MeetingsReport): string[] {
  const kinds = report.meetings.byKind
    .map((k) => `${req.t(`meetings:kind.${k.kind}`)}: ${k.count}`)
    .join('; ');
  const a = report.attendance;
  return [
    `${req.t(`${NS}:report.meetings`)}: ${report.meetings.total}${kinds ? ` (${kinds})` : ''}`,
    `${req.t(`${NS}:report.attendance`)}: ${req.t(`${NS}:report.invited`)} ${a.invited}, ` +
      `${req.t(`${NS}:report.present`)} ${a.present}, ${req.t(`${NS}:report.online`)} ${a.online}, ` +
      `${req.t(`${NS}:report.absent`)} ${a.absent}, ${req.t(`${NS}:report.deputies`)} ${a.deputies}` +
      (a.rate === null ? '' : `; ${req.t(`${NS}:report.rate`)} ${a.rate}%`),
    req.t(`${NS}:report.tasks`),
  ];
}

/** Tasks from conclusions and the meetings report (issue 13 §4), pages. */
export function meetingsTasksRouter(): Router {
  const router = Router();
  const upload = forForm(taskUpload());

  router.get('/meetings/tasks', requirePermission('meetings.tasks.list'), async (req, res) => {
    const user = req.user!;
    const query = taskQueryOf(req);
    const tasks = await listTasks(user, query);
    const today = todayInVietnam();
    res.render('meetings/tasks', {
      title: req.t(`${NS}:list.title`),
      tabs: taskTabs(user).map((tab) => ({
        tab,
        label: req.t(`${NS}:list.tab.${tab}`),
        href: reportLink('/meetings/tasks', { tab, status: query.status }),
        current: tab === query.tab,
      })),
      filters: TASK_FILTERS.map((status) => ({
        status,
        label: req.t(`${NS}:list.status.${status}`),
        href: reportLink('/meetings/tasks', { tab: query.tab, status }),
        current: status === query.status,
      })),
      tasks: tasks.map((t) => taskRow(t, today)),
      exportLink: exportLink(req, '/meetings/tasks/export.xlsx', query),
      canReport: can(user, 'meetings.tasks.report'),
    });
  });

  // Before /meetings/tasks/:taskId: the lists as shown, as XLSX (meetings.exports.ts).
  router.get('/meetings/tasks/export.xlsx', requirePermission('meetings.tasks.list'), exportTasks);
  router.get('/meetings/:id/tasks/export.xlsx', exportMeetingTasks);

  router.get(
    '/meetings/tasks/report',
    requirePermission('meetings.tasks.report'),
    async (req, res) => {
      const { query, period } = reportQueryOf(req);
      const user = req.user!;
      const drill = query.group !== undefined || query.unit !== undefined;
      const report = await meetingsReport(user, period);
      const tasks = drill
        ? (await tasksOfPeriod(user, period, todayInVietnam(), query.unit)).filter(
            (g) => !query.group || g.group === query.group,
          )
        : [];
      await auditMeetingsReport(
        'meeting.report.view',
        period,
        { group: query.group ?? null, unit: query.unit ?? null },
        actorOf(req),
      );
      const base = periodParams(query, period);
      const cells = (c: OnTimeCounts, who: Record<string, unknown>) =>
        groupCells(c, '/meetings/tasks/report', { ...base, ...who });
      const labels = groupLabels(req);
      res.render('meetings/tasks-report', {
        title: req.t(`${NS}:report.title`),
        // The form and the period line show every field of the period, as they always have.
        query: { ...base, ...period, period: query.period },
        kinds: PERIOD_KINDS.map((k) => ({
          value: k,
          label: req.t(`reports:period.${k}`),
          selected: k === query.period,
        })),
        meetings: report.meetings.byKind.map((k) => ({
          label: req.t(`meetings:kind.${k.kind}`),
          count: k.count,
        })),
        meetingsTotal: report.meetings.total,
        attendance: report.attendance,
        groups: ON_TIME_GROUPS.map((g) => ({ group: g, label: labels[g] })),
        rows: report.tasks.rows.map((r) => ({
          name: r.name,
          cells: cells(r.counts, { unit: r.id }),
          total: r.counts.total,
          rate: r.counts.rate,
        })),
        total: {
          cells: cells(report.tasks.total, {}),
          total: report.tasks.total.total,
          rate: report.tasks.total.rate,
        },
        drill,
        drillGroup: query.group ? labels[query.group] : null,
        drillTasks: tasks.map((g) => ({ ...taskRow(g.task), group: labels[g.group] })),
        xlsxHref: reportLink('/meetings/tasks/report.xlsx', base),
      });
    },
  );

  router.get(
    '/meetings/tasks/report.xlsx',
    requirePermission('meetings.tasks.report'),
    async (req, res) => {
      const { period } = reportQueryOf(req);
      const report = await meetingsReport(req.user!, period);
      await auditMeetingsReport('meeting.report.export', period, { format: 'xlsx' }, actorOf(req));
      const agency = await Agency.findByPk(req.user!.agencyId);
      const buffer = await onTimeXlsx(
        report.tasks,
        {
          sheet: req.t('reports:sheet'),
          title: req.t(`${NS}:report.xlsxTitle`),
          name: req.t('reports:unit'),
          total: req.t('reports:total'),
          rate: req.t('reports:rate'),
          groups: groupLabels(req),
        },
        agency?.name ?? '',
        reportLines(req, report),
      );
      res.set({
        'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'Content-Disposition': `attachment; filename="nhiem-vu-hop-${period.from}-${period.to}.xlsx"`,
        'Cache-Control': 'private, no-store',
      });
      res.send(buffer);
    },
  );

  router.get('/meetings/tasks/:taskId', (req, res) => renderTask(req, res));

  router.post('/meetings/tasks/:taskId/progress', async (req, res) => {
    await actAndRedirect(
      req,
      res,
      () =>
        reportTaskProgress(
          taskIdOf(req),
          parseInput(TaskProgressSchema, req.body, req.lng, req.t),
          actorOf(req),
        ),
      `${NS}:task.progressSaved`,
      `/meetings/tasks/${taskIdOf(req)}`,
      (status, extra) => renderTask(req, res, status, { ...extra, form: 'progress' }),
    );
  });

  router.post('/meetings/tasks/:taskId/complete', upload, async (req, res) => {
    await actAndRedirect(
      req,
      res,
      async () => {
        throwUploadError(res);
        const input = parseInput(TaskCompleteSchema, req.body, req.lng, req.t);
        await completeTask(taskIdOf(req), input, actorOf(req), fileOf(req, res));
      },
      `${NS}:task.completed`,
      `/meetings/tasks/${taskIdOf(req)}`,
      (status, extra) => renderTask(req, res, status, { ...extra, form: 'complete' }),
    );
  });

  router.get('/meetings/tasks/:taskId/file', async (req, res) => {
    sendTaskFile(res, await taskFile(actorOf(req), taskIdOf(req)));
  });

  router.get('/meetings/:id/tasks', (req, res) => renderMeetingTasks(req, res));

  router.post('/meetings/:id/tasks', async (req, res) => {
    await actAndRedirect(
      req,
      res,
      () =>
        createTask(
          meetingIdOf(req),
          parseInput(TaskCreateSchema, req.body, req.lng, req.t),
          actorOf(req),
        ),
      `${NS}:meeting.created`,
      `/meetings/${meetingIdOf(req)}/tasks`,
      (status, extra) => renderMeetingTasks(req, res, status, extra),
    );
  });
  return router;
}
