/**
 * The meetings' list exports (issue 11), each as its page lists it:
 *   GET /meetings/export.xlsx?<the list's filters>   the meetings one sees (meeting.export)
 *   GET /meetings/tasks/export.xlsx?tab=&status=     the tasks of a tab (meeting_task.export)
 *   GET /meetings/:id/tasks/export.xlsx              a meeting's tasks (meeting_task.export)
 *   GET /meetings/rooms/export.xlsx                  the agency's rooms (meeting_room.export)
 */
import type { Request } from 'express';
import { todayInVietnam } from '../calendar/working-days.js';
import { pathId } from '../http/params.js';
import { listExport, type ExportColumn } from '../http/list-export.js';
import { parseInput } from '../http/validate.js';
import { MeetingRoom, type Meeting } from './meeting.model.js';
import type { MeetingTask } from './meeting-task.model.js';
import { MeetingListQuery, type MeetingListFilters } from './meetings.prepare.schemas.js';
import { listRooms } from './meetings.prepare.rooms.js';
import { listMeetings } from './meetings.prepare.service.js';
import { listTasks, taskRow } from './tasks.queries.js';
import { TaskListQuerySchema, type TaskListQuery } from './tasks.schemas.js';
import { meetingTasks } from './tasks.service.js';

const NS = 'meetings-tasks';

/** The meetings page's filters, read as the page reads them. */
export const meetingFiltersOf = (req: Request): MeetingListFilters =>
  MeetingListQuery.parse(req.query);

/** The tasks page's tab and state (an unknown one: 422 in Vietnamese). */
export const taskQueryOf = (req: Request): TaskListQuery =>
  parseInput(TaskListQuerySchema, req.query, req.lng, req.t);

async function meetingFiltersText(req: Request, f: MeetingListFilters): Promise<string[]> {
  const t = req.t;
  const parts = [t(f.when === 'past' ? 'meetings:list.past' : 'meetings:list.upcoming')];
  if (f.mine) parts.push(t('meetings:list.mine'));
  if (f.q) parts.push(`${t('meetings:list.search')}: "${f.q}"`);
  if (f.kind) parts.push(`${t('meetings:field.kind')}: ${t(`meetings:kind.${f.kind}`)}`);
  if (f.roomId) {
    const room = await MeetingRoom.findOne({
      where: { id: f.roomId, agencyId: req.user!.agencyId },
      attributes: ['name'],
    });
    parts.push(`${t('meetings:field.room')}: ${room?.name ?? `#${f.roomId}`}`);
  }
  return parts;
}

export const exportMeetings = listExport<MeetingListFilters, Meeting>({
  action: 'meeting.export',
  entityType: 'meeting',
  fileName: 'cuoc-hop',
  sheet: 'list-export:meetings.sheet',
  heading: 'list-export:meetings.heading',
  query: meetingFiltersOf,
  rows: async (req, filters, limit) => {
    const { meetings, total } = await listMeetings(req.user!, { ...filters, page: 1 }, limit);
    return { rows: meetings, total };
  },
  filters: meetingFiltersText,
  columns: (req) => [
    { header: req.t('meetings:field.startsAt'), width: 17, date: 'time', value: (m) => m.startsAt },
    { header: req.t('meetings:field.endsAt'), width: 17, date: 'time', value: (m) => m.endsAt },
    { header: req.t('meetings:field.title'), width: 50, value: (m) => m.title },
    {
      header: req.t('meetings:field.kind'),
      width: 18,
      value: (m) => req.t(`meetings:kind.${m.kind}`),
    },
    {
      header: req.t('list-export:meetings.status'),
      width: 20,
      value: (m) => req.t(`meetings:status.${m.status}`),
    },
    {
      header: req.t('meetings:field.place'),
      width: 24,
      value: (m) => m.room?.name ?? (m.onlineUrl ? req.t('meetings:online') : null),
    },
  ],
  audit: (f, rows) => ({
    when: f.when,
    mine: f.mine || undefined,
    q: f.q,
    kind: f.kind,
    roomId: f.roomId,
    meetings: rows.slice(0, 5000).map((m) => m.id),
  }),
});

/** The tasks' columns as the tasks' table shows them (with the meeting's on the list of all). */
function taskColumns(req: Request, withMeeting: boolean): ExportColumn<MeetingTask>[] {
  const t = req.t;
  const today = todayInVietnam();
  const row = (task: MeetingTask) => taskRow(task, today);
  return [
    { header: t(`${NS}:col.content`), width: 60, value: (task) => task.content },
    ...(withMeeting
      ? [
          {
            header: t(`${NS}:col.meeting`),
            width: 40,
            value: (task: MeetingTask) => row(task).meetingTitle,
          },
        ]
      : []),
    { header: t(`${NS}:col.holder`), width: 28, value: (task) => row(task).holderName },
    { header: t(`${NS}:col.deadline`), width: 12, date: 'day', value: (task) => task.deadline },
    {
      header: t(`${NS}:col.status`),
      width: 24,
      value: (task) =>
        [t(`${NS}:status.${task.status}`), row(task).isOverdue ? t(`${NS}:task.overdue`) : null]
          .filter(Boolean)
          .join(' – '),
    },
    {
      header: t('list-export:tasks.progress'),
      width: 12,
      value: (task) => (task.status === 'open' ? task.progressPercent : null),
    },
  ];
}

export const exportTasks = listExport<TaskListQuery, MeetingTask>({
  action: 'meeting_task.export',
  entityType: 'meeting_task',
  fileName: 'nhiem-vu',
  sheet: 'list-export:tasks.sheet',
  heading: 'list-export:tasks.heading',
  query: taskQueryOf,
  rows: async (req, query, limit) => ({
    rows: await listTasks(req.user!, query, todayInVietnam(), limit),
  }),
  filters: (req, query) => [
    req.t(`${NS}:list.tab.${query.tab}`),
    `${req.t(`${NS}:col.status`)}: ${req.t(`${NS}:list.status.${query.status}`)}`,
  ],
  columns: (req) => taskColumns(req, true),
  audit: (query, rows) => ({
    tab: query.tab,
    status: query.status,
    tasks: rows.slice(0, 5000).map((task) => task.id),
  }),
});

type MeetingTasks = Awaited<ReturnType<typeof meetingTasks>>;

export const exportMeetingTasks = listExport<MeetingTasks, MeetingTask>({
  action: 'meeting_task.export',
  entityType: 'meeting_task',
  fileName: 'nhiem-vu-cuoc-hop',
  sheet: 'list-export:tasks.sheet',
  heading: 'list-export:tasks.meetingHeading',
  // The page's address names the meeting: whoever may see it sees its tasks (meetingTasks).
  query: (req) => meetingTasks(req.user!, pathId(req, 'id', 'MEETING_NOT_FOUND')),
  rows: async (_req, { tasks }, limit) => ({ rows: tasks.slice(0, limit), total: tasks.length }),
  filters: (req, { access }) => [`${req.t(`${NS}:col.meeting`)}: ${access.meeting.title}`],
  columns: (req) => taskColumns(req, false),
  audit: ({ access }, rows) => ({
    meetingId: access.meeting.id,
    tasks: rows.map((task) => task.id),
  }),
});

export const exportRooms = listExport<null, MeetingRoom>({
  action: 'meeting_room.export',
  entityType: 'meeting_room',
  fileName: 'phong-hop',
  sheet: 'list-export:rooms.sheet',
  heading: 'list-export:rooms.heading',
  query: () => null,
  rows: async (req, _query, limit) => {
    const rooms = await listRooms(req.user!.agencyId);
    return { rows: rooms.slice(0, limit), total: rooms.length };
  },
  columns: (req) => [
    { header: req.t('meetings:rooms.name'), width: 30, value: (r) => r.name },
    { header: req.t('meetings:rooms.location'), width: 36, value: (r) => r.location },
    { header: req.t('meetings:rooms.capacity'), width: 16, value: (r) => r.capacity },
    {
      header: req.t('meetings:rooms.active'),
      width: 14,
      value: (r) => req.t(r.isActive ? 'common.yes' : 'common.no'),
    },
  ],
});
