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
  // One read of the document's handling work, not three sub-selects: MariaDB plans each
  // sub-select of a statement apart (50–100 µs each, more than running them), and this one is
  // in every list page's statement, sort and overdue count.
  return `(SELECT CASE WHEN MAX(CASE WHEN ${mine} THEN 1 ELSE 0 END) = 1
              THEN MIN(CASE WHEN ${OPEN} AND ${mine} THEN a.deadline END)
              ELSE COALESCE(MIN(CASE WHEN ${OPEN} THEN a.deadline END), ${alias}.dueDate) END
     FROM incoming_assignments AS a WHERE a.documentId = ${alias}.id AND ${HANDLING})`;
}

/** Overdue for this person: still open, and the deadline they see has passed (today in Vietnam). */
export function viewerOverdueSql(user: User, alias: string, today: string): string {
  const closed = CLOSED_STATUSES.map((s) => `'${s}'`).join(', ');
  return `${alias}.status NOT IN (${closed}) AND ${viewerDeadlineSql(user, alias)} < ${db().escape(today)}`;
}
