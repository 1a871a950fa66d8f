import { defineRules } from '../policy/policy.js';
import type { User } from '../users/user.model.js';
import type { MeetingTask } from './meeting-task.model.js';
import type { MeetingAccess } from './meetings.access.js';
import { canViewMeeting, organises } from './meetings.policy.js';

/** What the tasks' rules need to know about one task and one person. */
export interface TaskAccess {
  task: MeetingTask;
  /** The person is the meeting's organiser, chair or secretary. */
  organises: boolean;
  /** The person holds it: it was given to them, or to the unit they head. */
  holds: boolean;
  /** The person heads the unit of the one who holds it. */
  headsHolder: boolean;
}

/** The agency's leaders and clerks follow every task (they see all of them). */
export const followsAll = (user: User) => user.hasRole('leader') || user.hasRole('clerk');

// Tasks from a meeting's conclusions (issue 13 §4): given by the organisers once the meeting ran,
// reported on and completed by their holders, followed by the holders' heads, the leaders and the
// clerks; the report per period for those who follow work (the on-time report's people).
defineRules({
  'meetings.tasks.list': (user) => user.isActive,
  'meetings.tasks.view': (user, r: TaskAccess) =>
    r.task.agencyId === user.agencyId &&
    (r.organises || r.holds || r.headsHolder || followsAll(user)),
  'meetings.tasks.progress': (user, r: TaskAccess) =>
    r.task.agencyId === user.agencyId && r.holds && r.task.status === 'open',
  'meetings.tasks.complete': (user, r: TaskAccess) =>
    r.task.agencyId === user.agencyId && r.holds && r.task.status === 'open',
  // The meeting's tasks with their status: whoever sees the meeting.
  'meetings.tasks.meeting': (user, a: MeetingAccess) => canViewMeeting(user, a),
  'meetings.tasks.create': (_user, a: MeetingAccess) =>
    organises(a) && ['in_progress', 'closed'].includes(a.meeting.status),
  'meetings.tasks.report': (user) =>
    followsAll(user) || (user.hasRole('dept_head') && user.departmentId != null),
});
