import { Router, type Request } from 'express';
import type { ZodType } from 'zod';
import { todayInVietnam } from '../calendar/working-days.js';
import { requirePermission } from '../http/auth.js';
import { pathId } from '../http/params.js';
import { actorOf } from '../http/request-context.js';
import { parseInput } from '../http/validate.js';
import { fileOf, reportQueryOf, sendTaskFile, taskUpload } from './meetings.tasks.routes.js';
import { auditMeetingsReport, meetingsReport, tasksOfPeriod } from './tasks.report.js';
import { listTasks, taskRow } from './tasks.queries.js';
import {
  TaskCompleteSchema,
  TaskCreateSchema,
  TaskListQuerySchema,
  TaskProgressSchema,
} from './tasks.schemas.js';
import {
  completeTask,
  createTask,
  meetingTasks,
  reportTaskProgress,
  taskFile,
  taskPage,
} from './tasks.service.js';

const meetingIdOf = (req: Request) => pathId(req, 'id', 'MEETING_NOT_FOUND');
const taskIdOf = (req: Request) => pathId(req, 'taskId', 'MEETING_TASK_NOT_FOUND');

/** The routes of this router, for the OpenAPI document (paths under /meetings). */
export const TASK_API_ROUTES: {
  method: 'get' | 'post';
  path: string;
  summary: string;
  body?: ZodType;
  query?: ZodType;
  param?: 'id' | 'taskId';
  created?: boolean;
}[] = [
  {
    method: 'get',
    path: '/tasks',
    summary: 'Tasks from conclusions: mine, my unit’s, all',
    query: TaskListQuerySchema,
  },
  {
    method: 'get',
    path: '/tasks/report',
    summary: 'Meetings report of a period (four groups per unit)',
  },
  { method: 'get', path: '/tasks/{taskId}', summary: 'One task with its history', param: 'taskId' },
  {
    method: 'post',
    path: '/tasks/{taskId}/progress',
    summary: 'Report progress',
    body: TaskProgressSchema,
    param: 'taskId',
  },
  {
    method: 'post',
    path: '/tasks/{taskId}/complete',
    summary: 'Complete the task (JSON, or multipart with a PDF in `file`)',
    body: TaskCompleteSchema,
    param: 'taskId',
  },
  {
    method: 'get',
    path: '/{id}/tasks',
    summary: 'A meeting’s tasks with their status',
    param: 'id',
  },
  {
    method: 'post',
    path: '/{id}/tasks',
    summary: 'Give a conclusion to a unit or person',
    body: TaskCreateSchema,
    param: 'id',
    created: true,
  },
];

/** /api/v1/meetings/tasks… and /:id/tasks: the JSON twins of the tasks pages. */
export function meetingsTasksApi(): Router {
  const router = Router();
  const taskJson = async (req: Request) => {
    const page = await taskPage(actorOf(req), taskIdOf(req));
    return { task: taskRow(page.task), notes: page.notes };
  };

  router.get('/tasks', requirePermission('meetings.tasks.list'), async (req, res) => {
    const query = parseInput(TaskListQuerySchema, req.query, req.lng, req.t);
    const today = todayInVietnam();
    res.json({ tasks: (await listTasks(req.user!, query)).map((t) => taskRow(t, today)) });
  });

  router.get('/tasks/report', requirePermission('meetings.tasks.report'), async (req, res) => {
    const { query, period } = reportQueryOf(req);
    const report = await meetingsReport(req.user!, period);
    const drill =
      query.group !== undefined || query.unit !== undefined
        ? (await tasksOfPeriod(req.user!, period, todayInVietnam(), query.unit))
            .filter((g) => !query.group || g.group === query.group)
            .map((g) => ({ ...taskRow(g.task), group: g.group }))
        : undefined;
    await auditMeetingsReport(
      'meeting.report.view',
      period,
      { group: query.group ?? null, unit: query.unit ?? null },
      actorOf(req),
    );
    res.json({ ...report, ...(drill ? { drill } : {}) });
  });

  router.get('/tasks/:taskId', async (req, res) => {
    res.json(await taskJson(req));
  });

  router.post('/tasks/:taskId/progress', async (req, res) => {
    const input = parseInput(TaskProgressSchema, req.body, req.lng, req.t);
    await reportTaskProgress(taskIdOf(req), input, actorOf(req));
    res.json(await taskJson(req));
  });

  router.post('/tasks/:taskId/complete', taskUpload(), async (req, res) => {
    const input = parseInput(TaskCompleteSchema, req.body, req.lng, req.t);
    await completeTask(taskIdOf(req), input, actorOf(req), fileOf(req, res));
    res.json(await taskJson(req));
  });

  router.get('/tasks/:taskId/file', async (req, res) => {
    sendTaskFile(res, await taskFile(actorOf(req), taskIdOf(req)));
  });

  router.get('/:id/tasks', async (req, res) => {
    const { tasks } = await meetingTasks(req.user!, meetingIdOf(req));
    const today = todayInVietnam();
    res.json({ tasks: tasks.map((t) => taskRow(t, today)) });
  });

  router.post('/:id/tasks', async (req, res) => {
    const input = parseInput(TaskCreateSchema, req.body, req.lng, req.t);
    const task = await createTask(meetingIdOf(req), input, actorOf(req));
    res.status(201).json({ task: taskRow(task) });
  });
  return router;
}
