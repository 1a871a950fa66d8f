import type { TFunction } from 'i18next';
import { can } from '../policy/index.js';
import type { User } from '../users/user.model.js';

export interface NavItem {
  href: string;
  label: string;
}

/** The main menu: only what the policy lets this user open. */
export function navigationFor(user: User, t: TFunction): NavItem[] {
  // "Báo cáo": the volume report for leaders and clerks; a unit's head, who has the on-time
  // report of their unit only, is taken to that one.
  const reports: [string, string, string] = can(user, 'reports.volumes')
    ? ['/reports/volumes', 'nav.reports', 'reports.volumes']
    : ['/reports/on-time', 'nav.reports', 'reports.view'];
  const items: [string, string, string][] = [
    ['/', 'nav.dashboard', 'dashboard.view'],
    ['/incoming', 'nav.incoming', 'incoming.list'],
    ['/incoming/new', 'nav.registerIncoming', 'incoming.create'],
    ['/incoming/arrivals', 'deliveries:navLink', 'delivery.list'],
    ['/outgoing', 'nav.outgoing', 'outgoing.list'],
    ['/meetings', 'meetings:navLink', 'meetings.list'],
    ['/calendar/week', 'meetings-calendar:navLink', 'meetings.calendar'],
    ['/registers', 'nav.registers', 'register.view'],
    ['/records-files', 'records-files:navLink', 'records_file.list'],
    reports,
    ['/senders', 'senders:navLink', 'senders.list'],
    ['/directory', 'directory:navLink', 'directory.view'],
    ['/admin/agency', 'nav.admin', 'admin.manage'],
    ['/admin/audit', 'nav.audit', 'audit.view'],
    ['/verify', 'verify:navLink', 'verify.public'],
  ];
  return items
    .filter(([, , action]) => can(user, action))
    .map(([href, label]) => ({ href, label: t(label) }));
}
