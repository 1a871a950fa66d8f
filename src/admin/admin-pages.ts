import type { Request } from 'express';
import { AppError } from '../http/app-error.js';
import { can } from '../policy/index.js';

const TABS: [string, string, string][] = [
  ['/admin/agency', 'admin:tabs.agency', 'admin.manage'],
  ['/admin/departments', 'admin:tabs.departments', 'admin.manage'],
  ['/admin/users', 'admin:tabs.users', 'admin.manage'],
  ['/admin/holidays', 'admin:tabs.holidays', 'admin.manage'],
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

/**
 * Runs a form's work; a refusal the person can fix (422, or the given other statuses) is handed
 * to `onRefused` to re-render the form, and false is returned. Anything else propagates.
 */
export async function submitForm(
  work: () => Promise<void>,
  onRefused: (err: AppError) => Promise<void> | void,
  statuses: number[] = [422],
): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (err) {
    if (err instanceof AppError && statuses.includes(err.status)) {
      await onRefused(err);
      return false;
    }
    throw err;
  }
}

/** The form's values to show again, without the CSRF token or any password. */
export function echoValues(body: unknown): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (key === '_csrf' || /password/i.test(key)) continue;
    values[key] = value;
  }
  return values;
}

/** An error's message for a banner: its own, or the translated code. */
export function messageOf(req: Request, err: AppError): string {
  return err.hasOwnMessage ? err.message : req.t(`errors:${err.code}`, err.params ?? {});
}
