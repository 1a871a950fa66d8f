/**
 * GET /admin/users/export.xlsx?<the users page's filters> — the agency's people as the users page
 * lists them (search, unit, role, state), every page of them; audited as user.export.
 */
import type { Request } from 'express';
import { Department } from '../agencies/agency.model.js';
import { listExport } from '../http/list-export.js';
import type { User } from './user.model.js';
import { UserFilterSchema, type UserFilter } from './users.schemas.js';
import { listUsers } from './user-admin.service.js';

/** The users page's filters, read as the page reads them. */
export const userFilterOf = (req: Request): UserFilter => UserFilterSchema.parse(req.query);

async function filtersText(req: Request, filter: UserFilter): Promise<string[]> {
  const t = req.t;
  const parts: string[] = [];
  if (filter.q) parts.push(`${t('common.search')}: "${filter.q}"`);
  if (filter.departmentId) {
    const department = await Department.findOne({
      where: { id: filter.departmentId, agencyId: req.user!.agencyId },
      attributes: ['name'],
    });
    parts.push(`${t('admin:users.department')}: ${department?.name ?? `#${filter.departmentId}`}`);
  }
  if (filter.role) parts.push(`${t('admin:users.role')}: ${t(`roles.${filter.role}`)}`);
  if (filter.active)
    parts.push(
      `${t('admin:users.status')}: ${t(filter.active === '1' ? 'admin:users.active' : 'admin:users.inactive')}`,
    );
  return parts;
}

/** A user as listUsers reads them: with their unit. */
type UserRow = User & { department?: Department | null };

export const exportUsers = listExport<UserFilter, UserRow>({
  action: 'user.export',
  entityType: 'user',
  fileName: 'nguoi-dung',
  sheet: 'list-export:users.sheet',
  heading: 'list-export:users.heading',
  query: userFilterOf,
  rows: async (req, filter, limit) => {
    const { rows, total } = await listUsers(req.user!.agencyId, { ...filter, page: 1 }, limit);
    return { rows, total };
  },
  filters: filtersText,
  columns: (req) => [
    { header: req.t('users.fullName'), width: 28, value: (u) => u.fullName },
    { header: req.t('auth.username'), width: 18, value: (u) => u.username },
    { header: req.t('admin:users.positionTitle'), width: 24, value: (u) => u.positionTitle },
    { header: req.t('admin:users.department'), width: 28, value: (u) => u.department?.name },
    {
      header: req.t('admin:users.roles'),
      width: 30,
      value: (u) =>
        u
          .roleList()
          .map((r) => req.t(`roles.${r}`))
          .join(', '),
    },
    {
      header: req.t('admin:users.clearance'),
      width: 16,
      value: (u) => (u.secretClearance > 0 ? req.t(`confidentiality.${u.secretClearance}`) : null),
    },
    {
      header: req.t('admin:users.status'),
      width: 16,
      // As the page says it: "Chờ đổi mật khẩu" beside the state of an account that must.
      value: (u) =>
        [
          req.t(u.isActive ? 'admin:users.active' : 'admin:users.inactive'),
          ...(u.passwordMustChange ? [req.t('admin:users.passwordMustChange')] : []),
        ].join(', '),
    },
  ],
  audit: (filter) => ({
    q: filter.q,
    departmentId: filter.departmentId,
    role: filter.role,
    isActive: filter.active === undefined ? undefined : filter.active === '1',
  }),
});
