import { db } from '../db/index.js';
import type { User } from '../users/user.model.js';
import { mineCondition } from './incoming.visibility.js';

/** Document statuses with no handling left to be late on. */
export const CLOSED_STATUSES = ['completed', 'filed', 'returned', 'withdrawn', 'sent_back'];

const HANDLING = `a.role IN ('lead', 'support')`;
const OPEN = `a.status IN ('pending', 'in_progress')`;

/**
 * The deadline a person sees on a document, as SQL over the document row `alias`: one date for
 * the list's column, its sort, its overdue flag and the dashboard's count. Someone given handling
 * work on it (in person, or their unit when they head it) sees their own open work's nearest
 * deadline, and nothing once it is done; another unit's deadline is not theirs. Whoever only
 * tracks it (clerk, leader) sees the nearest open handling deadline, else the document's own
 * due date.
 */
export function viewerDeadlineSql(user: User, alias: string): string {
  const mine = mineCondition(user);
  const on = `a.documentId = ${alias}.id AND ${HANDLING}`;
  return `(CASE WHEN EXISTS (SELECT 1 FROM incoming_assignments AS a WHERE ${on} AND ${mine})
    THEN (SELECT MIN(a.deadline) FROM incoming_assignments AS a WHERE ${on} AND ${OPEN} AND ${mine})
    ELSE COALESCE((SELECT MIN(a.deadline) FROM incoming_assignments AS a WHERE ${on} AND ${OPEN}),
                  ${alias}.dueDate) END)`;
}

/** Overdue for this person: still open, and the deadline they see has passed (today in Vietnam). */
export function viewerOverdueSql(user: User, alias: string, today: string): string {
  const closed = CLOSED_STATUSES.map((s) => `'${s}'`).join(', ');
  return `${alias}.status NOT IN (${closed}) AND ${viewerDeadlineSql(user, alias)} < ${db().escape(today)}`;
}
