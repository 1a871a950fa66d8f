/**
 * Policy matrix entries of the list exports (issue 11): an export is allowed exactly to whoever
 * may see its list, so each takes the list page's own cases (the same actors allowed and refused,
 * the same fixtures), an allowed request answering with a workbook. Each appends an ….export
 * row of its entity type by its actor (matrix-audit.ts).
 */
import type { MatrixEntry } from './matrix-runner.js';

/**
 * Each export's list page and the entity type of its audit row (and the path parameter its
 * entity id is, for a list about one record).
 */
export const LIST_EXPORTS: Record<string, { list: string; entityType: string; param?: string }> = {
  '/admin/users/export.xlsx': { list: '/admin/users', entityType: 'user' },
  '/admin/audit/export.xlsx': { list: '/admin/audit', entityType: 'audit' },
  '/directory/export.xlsx': { list: '/directory', entityType: 'user' },
  '/senders/export.xlsx': { list: '/senders', entityType: 'sender' },
  '/notifications/export.xlsx': { list: '/notifications', entityType: 'notification' },
  '/incoming/arrivals/export.xlsx': { list: '/incoming/arrivals', entityType: 'delivery' },
  '/meetings/export.xlsx': { list: '/meetings', entityType: 'meeting' },
  '/meetings/tasks/export.xlsx': { list: '/meetings/tasks', entityType: 'meeting_task' },
  '/meetings/:id/tasks/export.xlsx': { list: '/meetings/:id/tasks', entityType: 'meeting_task' },
  '/meetings/rooms/export.xlsx': { list: '/meetings/rooms', entityType: 'meeting_room' },
  '/admin/agency/export.xlsx': { list: '/admin/agency', entityType: 'agency' },
  '/admin/departments/export.xlsx': { list: '/admin/departments', entityType: 'department' },
  '/admin/holidays/export.xlsx': { list: '/admin/holidays', entityType: 'holiday_year' },
  '/admin/approval-templates/export.xlsx': {
    list: '/admin/approval-templates',
    entityType: 'approval_template',
  },
  '/profile/delegations/export.xlsx': { list: '/profile/delegations', entityType: 'delegation' },
  '/incoming/:id/access/export.xlsx': {
    list: '/incoming/:id/access',
    entityType: 'incoming',
    param: 'id',
  },
  '/outgoing/:id/deliveries/export.xlsx': {
    list: '/outgoing/:id/deliveries',
    entityType: 'outgoing',
    param: 'id',
  },
};

const isWorkbook = (res: { status: number; headers: Record<string, string> }) =>
  res.status === 200 && /spreadsheetml/.test(res.headers['content-type'] ?? '')
    ? null
    : `expected 200 with a workbook, got ${res.status} ${res.headers['content-type'] ?? ''}`;

/** The export entries, made from the list pages' entries among `entries`. */
export function exportEntries(entries: MatrixEntry[]): MatrixEntry[] {
  return Object.entries(LIST_EXPORTS).map(([path, { list }]) => {
    const page = entries.find((e) => e.method === 'GET' && e.path === list);
    if (!page) throw new Error(`No matrix entry of the list page ${list} (export ${path})`);
    return {
      method: 'GET',
      path,
      cases: page.cases.map((c) => ({ ...c, allowedCheck: isWorkbook })),
    };
  });
}
