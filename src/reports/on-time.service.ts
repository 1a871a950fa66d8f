import { Op } from 'sequelize';
import { Department } from '../agencies/agency.model.js';
import { todayInVietnam } from '../calendar/working-days.js';
import { db } from '../db/index.js';
import { rawSelect } from '../db/raw-select.js';
import { dateFromDb, dateOnlyFromDb } from '../db/rows.js';
import { AppError } from '../http/app-error.js';
import type { Actor } from '../http/request-context.js';
import { visibleIncomingSql } from '../incoming/incoming.visibility.js';
import { authorize, can } from '../policy/index.js';
import { User } from '../users/user.model.js';
import { auditReportLook, type ReportPeriod } from './on-time.period.js';
import { compareNames } from '../users/name-order.js';

/** The Government Office's four groups of handling work. */
export const ON_TIME_GROUPS = ['onTime', 'late', 'openInTime', 'openOverdue'] as const;
export type OnTimeGroup = (typeof ON_TIME_GROUPS)[number];

export interface OnTimeCounts extends Record<OnTimeGroup, number> {
  total: number;
  /** Done on time over the work already judged (done, or open past its deadline), in %. */
  rate: number | null;
}

export interface OnTimeRow {
  id: number;
  name: string;
  counts: OnTimeCounts;
}

export interface OnTimeReport {
  period: ReportPeriod;
  by: 'unit' | 'person';
  /** What the total covers: the whole agency (none), or the one unit a head may see. */
  scope?: { id: number; name: string } | null;
  total: OnTimeCounts;
  rows: OnTimeRow[];
}

/** One handling assignment whose deadline falls in the period, with its group. */
interface Work {
  id: number;
  documentId: number;
  parentId: number | null;
  userId: number | null;
  departmentId: number | null;
  deadline: string;
  group: OnTimeGroup;
}

/** Which group a piece of work is in on a day: done by its deadline or after, open before or past it. */
export function groupOf(
  status: string,
  deadline: string,
  completedOn: string | null,
  today: string,
): OnTimeGroup {
  if (status === 'completed') return completedOn && completedOn > deadline ? 'late' : 'onTime';
  return deadline < today ? 'openOverdue' : 'openInTime';
}

export function countsOf(work: Pick<Work, 'group'>[]): OnTimeCounts {
  const counts = { onTime: 0, late: 0, openInTime: 0, openOverdue: 0 };
  for (const w of work) counts[w.group] += 1;
  const judged = counts.onTime + counts.late + counts.openOverdue;
  return {
    ...counts,
    total: work.length,
    rate: judged ? Math.round((counts.onTime / judged) * 1000) / 10 : null,
  };
}

/**
 * The lead and supporting work of the agency with a deadline in the period, on documents still
 * in the flow (a returned, sent back or withdrawn document counts for nobody). Work the clerk
 * closed by filing the document counts as done when it was filed: late work cannot drop out of
 * the rate by being filed. A hand-over carries the department of the person it was given to.
 */
async function workOf(agencyId: number, period: ReportPeriod, today: string): Promise<Work[]> {
  const rows = await rawSelect<Record<string, unknown>>(
    db(),
    `SELECT a.id, a.documentId, a.parentId, a.assigneeUserId, a.assigneeDepartmentId,
            a.deadline, a.status, a.completedAt, a.updatedAt, d.filedAt,
            u.departmentId AS userDepartmentId
       FROM incoming_assignments a
       JOIN incoming_documents d ON d.id = a.documentId
       LEFT JOIN users u ON u.id = a.assigneeUserId
      WHERE d.agencyId = ? AND a.role IN ('lead', 'support')
        AND a.status IN ('pending', 'in_progress', 'completed', 'closed')
        AND d.status NOT IN ('returned', 'sent_back', 'withdrawn')
        AND a.deadline >= ? AND a.deadline <= ?`,
    [agencyId, period.from, period.to],
  );
  return rows.map((r) => {
    const deadline = dateOnlyFromDb(r.deadline)!;
    const closed = r.status === 'closed';
    // Closed on filing: done when the document was filed (else when the work was closed).
    const completedAt = closed
      ? (dateFromDb(r.filedAt) ?? dateFromDb(r.updatedAt))
      : dateFromDb(r.completedAt);
    const userId = r.assigneeUserId == null ? null : Number(r.assigneeUserId);
    const unit = r.assigneeDepartmentId ?? r.userDepartmentId;
    return {
      id: Number(r.id),
      documentId: Number(r.documentId),
      parentId: r.parentId == null ? null : Number(r.parentId),
      userId,
      departmentId: unit == null ? null : Number(unit),
      deadline,
      group: groupOf(
        closed ? 'completed' : String(r.status),
        deadline,
        completedAt ? todayInVietnam(completedAt) : null,
        today,
      ),
    };
  });
}

/** A unit is judged on the work given to it (or to its people) by the leader, not twice for hand-overs. */
const unitWork = (work: Work[]) => work.filter((w) => w.parentId === null);
const personWork = (work: Work[]) => work.filter((w) => w.userId !== null);

/** The unit a person may report on: every unit for leaders and clerks, their own for a head. */
function unitScope(user: User): number | null {
  if (user.hasRole('leader') || user.hasRole('clerk')) return null;
  if (user.departmentId == null) throw new AppError('FORBIDDEN', 403);
  return user.departmentId;
}

function inScope(work: Work[], user: User, unit?: number): Work[] {
  const scope = unitScope(user);
  if (scope !== null && unit !== undefined && unit !== scope) throw new AppError('FORBIDDEN', 403);
  const only = unit ?? scope;
  return only == null ? work : work.filter((w) => w.departmentId === only);
}

/**
 * The on-time report (báo cáo tình hình xử lý văn bản đúng hạn) of a period, per unit or per
 * person, with the agency's total (or the head's unit's). 403 without 'reports.view'.
 */
export async function onTimeReport(
  user: User,
  period: ReportPeriod,
  by: 'unit' | 'person',
  today = todayInVietnam(),
): Promise<OnTimeReport> {
  authorize(user, 'reports.view');
  const all = inScope(await workOf(user.agencyId, period, today), user);
  const top = unitWork(all);
  const rows: OnTimeRow[] = [];
  if (by === 'unit') {
    const ids = [...new Set(top.map((w) => w.departmentId).filter((d): d is number => d !== null))];
    const departments = await Department.findAll({ where: { id: { [Op.in]: ids } } });
    for (const d of departments)
      rows.push({
        id: d.id,
        name: d.name,
        counts: countsOf(top.filter((w) => w.departmentId === d.id)),
      });
  } else {
    const people = personWork(all);
    const ids = [...new Set(people.map((w) => w.userId!))];
    const users = await User.findAll({ where: { id: { [Op.in]: ids } } });
    for (const u of users)
      rows.push({
        id: u.id,
        name: u.fullName,
        counts: countsOf(people.filter((w) => w.userId === u.id)),
      });
  }
  // People in Vietnamese order (tên first); units by their names.
  rows.sort((a, b) =>
    by === 'person' ? compareNames(a.name, b.name) : a.name.localeCompare(b.name, 'vi'),
  );
  const unit = unitScope(user);
  const scope =
    unit === null ? null : { id: unit, name: (await Department.findByPk(unit))?.name ?? '' };
  return { period, by, scope, total: countsOf(top), rows };
}

/** One line of a drill-down: a piece of work (an assignment) and its document. */
export interface OnTimeDocument {
  /** The document's id (what the line links to). */
  id: number;
  assignmentId: number;
  arrivalNumber: number;
  subject: string;
  fromOrganName: string;
  /** Whom the work was given to: the person, else the unit. */
  assignee: string;
  deadline: string;
}

/** The names of whom each piece of work was given to: the person, else the unit. */
async function assigneesOf(work: Work[]): Promise<Map<number, string>> {
  const userIds = [...new Set(work.map((w) => w.userId).filter((u): u is number => u !== null))];
  const unitIds = [
    ...new Set(work.map((w) => w.departmentId).filter((d): d is number => d !== null)),
  ];
  const [users, units] = await Promise.all([
    userIds.length ? User.findAll({ where: { id: { [Op.in]: userIds } } }) : [],
    unitIds.length ? Department.findAll({ where: { id: { [Op.in]: unitIds } } }) : [],
  ]);
  const userName = new Map(users.map((u) => [u.id, u.fullName]));
  const unitName = new Map(units.map((d) => [d.id, d.name]));
  return new Map(
    work.map((w) => [
      w.id,
      (w.userId !== null ? userName.get(w.userId) : undefined) ??
        (w.departmentId !== null ? unitName.get(w.departmentId) : undefined) ??
        '',
    ]),
  );
}

/**
 * Drill-down: the work behind one figure of the report (a group, for a unit, a person or the
 * total), one line per assignment as the figure counts them, so a document given to two units
 * (or a unit and one of its people) is on two lines. Only documents the person may see are
 * listed; `hidden` counts the lines left out (secret documents above clearance).
 */
export async function onTimeDocuments(
  user: User,
  period: ReportPeriod,
  filter: { group?: OnTimeGroup; unit?: number; userId?: number; by: 'unit' | 'person' },
  today = todayInVietnam(),
): Promise<{ documents: OnTimeDocument[]; hidden: number }> {
  authorize(user, 'reports.view');
  let work = inScope(await workOf(user.agencyId, period, today), user, filter.unit);
  // A person's figures count their own work; a unit's and the total (on either page) the units'.
  work = filter.userId ? personWork(work) : unitWork(work);
  if (filter.userId) work = work.filter((w) => w.userId === filter.userId);
  if (filter.group) work = work.filter((w) => w.group === filter.group);
  const ids = [...new Set(work.map((w) => w.documentId))];
  if (!ids.length) return { documents: [], hidden: 0 };
  const rows = await rawSelect<Record<string, unknown>>(
    db(),
    `SELECT IncomingDocument.id, IncomingDocument.arrivalNumber, IncomingDocument.subject,
            IncomingDocument.fromOrganName
       FROM incoming_documents AS IncomingDocument
      WHERE IncomingDocument.id IN (${ids.map(() => '?').join(', ')})
        AND ${visibleIncomingSql(user)}`,
    ids,
  );
  const visible = new Map(rows.map((r) => [Number(r.id), r]));
  const shown = work.filter((w) => visible.has(w.documentId));
  const assignees = await assigneesOf(shown);
  const documents = shown.map((w) => {
    const r = visible.get(w.documentId)!;
    return {
      id: w.documentId,
      assignmentId: w.id,
      arrivalNumber: Number(r.arrivalNumber),
      subject: String(r.subject),
      fromOrganName: String(r.fromOrganName),
      assignee: assignees.get(w.id)!,
      deadline: w.deadline,
    };
  });
  documents.sort((a, b) => a.arrivalNumber - b.arrivalNumber || a.assignmentId - b.assignmentId);
  return { documents, hidden: work.length - documents.length };
}

/** The dashboard's figures: the agency's on-time rate for the period and the person's unit's. */
export async function onTimeRates(
  user: User,
  period: ReportPeriod,
  today = todayInVietnam(),
): Promise<{ agency: number | null; unit: number | null; hasUnit: boolean }> {
  const top = unitWork(await workOf(user.agencyId, period, today));
  const unit = user.departmentId;
  return {
    agency: countsOf(top).rate,
    unit: unit == null ? null : countsOf(top.filter((w) => w.departmentId === unit)).rate,
    hasUnit: unit != null,
  };
}

/** Audits a look at the report or its export (what was asked, not the figures). */
export function auditReportAccess(
  action:
    | 'report.onTime.view'
    | 'report.onTime.export'
    | 'report.onTime.documents.view'
    | 'report.onTime.documents.export',
  period: ReportPeriod,
  details: Record<string, unknown>,
  actor: Actor,
): Promise<unknown> {
  return auditReportLook(action, 'on-time', period, details, actor);
}

export const canSeeReports = (user: User) => can(user, 'reports.view');
