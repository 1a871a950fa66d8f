import type { Request } from 'express';
import { can } from '../policy/index.js';

const TABS: [string, string, string][] = [
  ['/admin/agency', 'admin:tabs.agency', 'admin.manage'],
  ['/admin/departments', 'admin:tabs.departments', 'admin.manage'],
  ['/admin/users', 'admin:tabs.users', 'admin.manage'],
  ['/admin/holidays', 'admin:tabs.holidays', 'admin.manage'],
  ['/admin/approval-templates', 'approvals:templates.tab', 'approval.templates'],
  ['/admin/audit', 'admin:tabs.audit', 'audit.view'],
];

/** The administration tabs this user may open, the current one marked. */
export function adminTabs(req: Request) {
  return TABS.filter(([, , action]) => can(req.user, action)).map(([href, label]) => ({
    href,
    label: req.t(label),
    current: req.path === href || req.path.startsWith(`${href}/`),
  }));
}
