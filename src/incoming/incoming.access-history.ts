import { recordAudit } from '../audit/audit.service.js';
import { db } from '../db/index.js';
import { rawSelect } from '../db/raw-select.js';
import { dateFromDb } from '../db/rows.js';
import { authorize } from '../policy/index.js';
import { User } from '../users/user.model.js';
import type { Actor } from '../http/request-context.js';
import { requireVisibleIncoming, type IncomingAccess } from './incoming.access.js';
import { compareNames } from '../users/name-order.js';

/** What a person is to the document's handling; the order is the order of the page. */
export const ACCESS_PARTS = [
  'registered',
  'presentedTo',
  'assigner',
  'lead',
  'support',
  'info',
  'granted',
] as const;
export type AccessPart = (typeof ACCESS_PARTS)[number];

export interface PersonAccess {
  person: Pick<User, 'id' | 'fullName' | 'positionTitle'>;
  parts: AccessPart[];
  views: number;
  downloads: number;
  firstAccess: Date | null;
  lastAccess: Date | null;
}

export interface AccessHistory {
  access: IncomingAccess;
  people: PersonAccess[];
}

interface AccessRow {
  userId: unknown;
  action: string;
  times: unknown;
  firstAt: unknown;
  lastAt: unknown;
}

/**
 * Who has opened the document and its files (Appendix VI: the access history), from the audit
 * log, beside everyone in its handling, so those who have not opened it yet show too. A
 * department's assignment counts for its heads. Reading the history is itself recorded.
 */
export async function getAccessHistory(
  documentId: number,
  actor: Actor,
  /** False when the caller records the read itself (the history's export). */
  { isAudited = true }: { isAudited?: boolean } = {},
): Promise<AccessHistory> {
  const access = await requireVisibleIncoming(actor.user, documentId);
  authorize(actor.user, 'incoming.accessHistory', access);
  const rows = await rawSelect<AccessRow>(
    db(),
    `SELECT userId, action, COUNT(*) AS times, MIN(occurredAt) AS firstAt, MAX(occurredAt) AS lastAt
     FROM audit_logs
     WHERE entityType = 'incoming' AND entityId = ? AND userId IS NOT NULL
       AND action IN ('incoming.view', 'incoming.download')
     GROUP BY userId, action`,
    [String(documentId)],
  );
  const parts = await handlingParts(access);
  const ids = new Set<number>([...parts.keys(), ...rows.map((r) => Number(r.userId))]);
  const users = await User.findAll({
    where: { id: [...ids], agencyId: actor.user.agencyId },
    attributes: ['id', 'fullName', 'positionTitle'],
  });
  const people = new Map<number, PersonAccess>(
    users.map((person) => [
      person.id,
      {
        person,
        parts: ACCESS_PARTS.filter((p) => parts.get(person.id)?.has(p)),
        views: 0,
        downloads: 0,
        firstAccess: null,
        lastAccess: null,
      },
    ]),
  );
  for (const row of rows) {
    const entry = people.get(Number(row.userId));
    if (!entry) continue;
    if (row.action === 'incoming.view') entry.views += Number(row.times);
    else entry.downloads += Number(row.times);
    const first = dateFromDb(row.firstAt);
    const last = dateFromDb(row.lastAt);
    if (first && (!entry.firstAccess || first < entry.firstAccess)) entry.firstAccess = first;
    if (last && (!entry.lastAccess || last > entry.lastAccess)) entry.lastAccess = last;
  }
  if (isAudited)
    await recordAudit({
      action: 'incoming.access_history.view',
      userId: actor.user.id,
      ip: actor.ip,
      entityType: 'incoming',
      entityId: documentId,
    });
  return { access, people: [...people.values()].sort(byPartThenLastAccess) };
}

/** Each person in the handling with what they are to it. */
async function handlingParts(access: IncomingAccess): Promise<Map<number, Set<AccessPart>>> {
  const parts = new Map<number, Set<AccessPart>>();
  const add = (userId: number | null | undefined, part: AccessPart) => {
    if (userId == null) return;
    if (!parts.has(userId)) parts.set(userId, new Set());
    parts.get(userId)!.add(part);
  };
  const doc = access.document;
  add(doc.createdById, 'registered');
  add(doc.presentedToId, 'presentedTo');
  for (const userId of access.grantUserIds) add(userId, 'granted');
  const departmentParts = new Map<number, Set<AccessPart>>();
  for (const a of access.assignments) {
    add(a.assignedById, 'assigner');
    if (a.assigneeUserId != null) add(a.assigneeUserId, a.role);
    else if (a.assigneeDepartmentId != null) {
      if (!departmentParts.has(a.assigneeDepartmentId))
        departmentParts.set(a.assigneeDepartmentId, new Set());
      departmentParts.get(a.assigneeDepartmentId)!.add(a.role);
    }
  }
  if (departmentParts.size > 0) {
    const members = await User.findAll({
      where: {
        agencyId: doc.agencyId,
        departmentId: [...departmentParts.keys()],
        isActive: true,
        ...User.whereHasRole('dept_head'),
      },
      attributes: ['id', 'departmentId'],
    });
    for (const head of members.filter((u) => u.hasRole('dept_head')))
      for (const part of departmentParts.get(head.departmentId!) ?? []) add(head.id, part);
  }
  return parts;
}

function byPartThenLastAccess(a: PersonAccess, b: PersonAccess): number {
  const rank = (p: PersonAccess) =>
    p.parts.length ? ACCESS_PARTS.indexOf(p.parts[0]) : ACCESS_PARTS.length;
  return (
    rank(a) - rank(b) ||
    (b.lastAccess?.getTime() ?? 0) - (a.lastAccess?.getTime() ?? 0) ||
    compareNames(a.person.fullName, b.person.fullName)
  );
}
