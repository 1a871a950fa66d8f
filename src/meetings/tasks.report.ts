/**
 * The meetings report of a period (issue 13 §4): meetings held by kind, attendance, and the tasks
 * from conclusions in the Government Office's four groups per unit — the on-time report's groups
 * and arithmetic (groupOf, countsOf), applied to the tasks whose deadline falls in the period.
 */
import { Op } from 'sequelize';
import { Department } from '../agencies/agency.model.js';
import { todayInVietnam } from '../calendar/working-days.js';
import { AppError } from '../http/app-error.js';
import type { Actor } from '../http/request-context.js';
import { authorize } from '../policy/index.js';
import { auditReportLook, type ReportPeriod } from '../reports/on-time.period.js';
import {
  countsOf,
  groupOf,
  type OnTimeCounts,
  type OnTimeGroup,
  type OnTimeReport,
} from '../reports/on-time.service.js';
import { User } from '../users/user.model.js';
import { Meeting, MeetingParticipant } from './meeting.model.js';
import { MeetingTask } from './meeting-task.model.js';
import { followsAll } from './meetings.tasks.policy.js';

/** A task of the period with its group and the unit judged on it (0: a person of no unit). */
export interface GroupedTask {
  task: MeetingTask;
  unitId: number;
  group: OnTimeGroup;
}

export interface Attendance {
  invited: number;
  present: number;
  online: number;
  absent: number;
  deputies: number;
  /** Present, online or represented over invited, in %. */
  rate: number | null;
}

export interface MeetingsReport {
  period: ReportPeriod;
  meetings: { total: number; byKind: { kind: string; count: number }[] };
  attendance: Attendance;
  tasks: OnTimeReport;
}

/** Midnight of a Vietnam day, as an instant. */
const vietnamMidnight = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) - 7 * 3600_000);
const dayAfter = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** The unit a person reports on: null (every unit) for leaders and clerks, their own for a head. */
function unitScope(user: User): number | null {
  authorize(user, 'meetings.tasks.report');
  return followsAll(user) ? null : user.departmentId!;
}

/** The tasks whose deadline is in the period, each with its group on `today` and its unit. */
export async function tasksOfPeriod(
  user: User,
  period: ReportPeriod,
  today = todayInVietnam(),
  unit?: number,
): Promise<GroupedTask[]> {
  const scope = unitScope(user);
  if (scope !== null && unit !== undefined && unit !== scope) throw new AppError('FORBIDDEN', 403);
  const tasks = await MeetingTask.findAll({
    where: { agencyId: user.agencyId, deadline: { [Op.between]: [period.from, period.to] } },
    include: [
      { model: User, as: 'holderUser', attributes: ['id', 'fullName', 'departmentId'] },
      { model: Department, as: 'holderDepartment', attributes: ['id', 'name'] },
      { model: Meeting, as: 'meeting', attributes: ['id', 'title', 'startsAt'] },
    ],
    order: [
      ['deadline', 'ASC'],
      ['id', 'ASC'],
    ],
  });
  const only = unit ?? scope;
  return tasks
    .map((task) => ({
      task,
      unitId: task.holderDepartmentId ?? task.holderUser?.departmentId ?? 0,
      group: groupOf(
        task.status === 'done' ? 'completed' : 'open',
        task.deadline,
        task.completedAt ? todayInVietnam(task.completedAt) : null,
        today,
      ),
    }))
    .filter((t) => only == null || t.unitId === only);
}

async function meetingsHeld(agencyId: number, period: ReportPeriod) {
  const meetings = await Meeting.findAll({
    where: {
      agencyId,
      status: ['in_progress', 'closed'],
      startsAt: {
        [Op.gte]: vietnamMidnight(period.from),
        [Op.lt]: vietnamMidnight(dayAfter(period.to)),
      },
    },
    attributes: ['id', 'kind'],
  });
  const byKind = new Map<string, number>();
  for (const m of meetings) byKind.set(m.kind, (byKind.get(m.kind) ?? 0) + 1);
  const participants = meetings.length
    ? await MeetingParticipant.findAll({
        where: { meetingId: meetings.map((m) => m.id) },
        attributes: ['attendance'],
      })
    : [];
  const attendance = {
    invited: participants.length,
    present: 0,
    online: 0,
    absent: 0,
    deputies: 0,
  };
  for (const p of participants) {
    if (p.attendance === 'present') attendance.present++;
    else if (p.attendance === 'online') attendance.online++;
    else if (p.attendance === 'deputy') attendance.deputies++;
    // Not checked in counts as absent: the record is what the meeting kept.
    else attendance.absent++;
  }
  const came = attendance.present + attendance.online + attendance.deputies;
  return {
    meetings: {
      total: meetings.length,
      byKind: [...byKind].map(([kind, count]) => ({ kind, count })),
    },
    attendance: {
      ...attendance,
      rate: attendance.invited ? Math.round((came / attendance.invited) * 1000) / 10 : null,
    },
  };
}

/** The report of a period: meetings, attendance (the agency's), tasks per unit (in scope). */
export async function meetingsReport(
  user: User,
  period: ReportPeriod,
  today = todayInVietnam(),
): Promise<MeetingsReport> {
  const grouped = await tasksOfPeriod(user, period, today);
  const unitIds = [...new Set(grouped.map((g) => g.unitId))];
  const names = new Map(
    (await Department.findAll({ where: { id: unitIds.filter((u) => u > 0) } })).map((d) => [
      d.id,
      d.name,
    ]),
  );
  const rows = unitIds
    .map((id) => ({
      id,
      name: names.get(id) ?? '—',
      counts: countsOf(grouped.filter((g) => g.unitId === id)) as OnTimeCounts,
    }))
    .sort((a, b) => a.name.localeCompare(b.name, 'vi'));
  return {
    period,
    ...(await meetingsHeld(user.agencyId, period)),
    tasks: { period, by: 'unit', total: countsOf(grouped), rows },
  };
}

/** Audits a look at the report, its drill-down or its export (what was asked, not figures). */
export function auditMeetingsReport(
  action: 'meeting.report.view' | 'meeting.report.export',
  period: ReportPeriod,
  details: Record<string, unknown>,
  actor: Actor,
): Promise<unknown> {
  return auditReportLook(action, 'meetings', period, details, actor);
}
