/**
 * The approval templates' list (/admin/approval-templates) as its page and its XLSX export show
 * it (issue 11): GET /admin/approval-templates/export.xlsx, audited as
 * approval_template.export.
 */
import type { Request } from 'express';
import { departmentTree } from '../agencies/agencies.service.js';
import { documentTypeName } from '../documents/document-types.js';
import { listExport } from '../http/list-export.js';
import { listTemplates } from './approval-templates.service.js';

/** The agency's templates with their type, unit and number of steps in the reader's words. */
export async function templateRows(req: Request) {
  const templates = await listTemplates(req.user!.agencyId);
  const departments = new Map(
    (await departmentTree(req.user!.agencyId)).map((n) => [n.item.id, n.item.name]),
  );
  return templates.map((t) => ({
    ...t.get({ plain: true }),
    typeName: t.documentType ? documentTypeName(t.documentType, req.lng) : null,
    departmentName: t.departmentId ? (departments.get(t.departmentId) ?? null) : null,
    stepCount: (JSON.parse(t.steps) as unknown[]).length,
  }));
}

export const exportTemplates = listExport<null, Awaited<ReturnType<typeof templateRows>>[number]>({
  action: 'approval_template.export',
  entityType: 'approval_template',
  fileName: 'quy-trinh-duyet',
  sheet: 'list-export:templates.sheet',
  heading: 'list-export:templates.heading',
  query: () => null,
  rows: async (req, _query, limit) => {
    const rows = await templateRows(req);
    return { rows: rows.slice(0, limit), total: rows.length };
  },
  columns: (req) => [
    { header: req.t('approvals:templates.name'), width: 40, value: (t) => t.name },
    {
      header: req.t('approvals:templates.documentType'),
      width: 20,
      value: (t) => t.typeName ?? req.t('approvals:templates.allTypes'),
    },
    {
      header: req.t('approvals:templates.department'),
      width: 28,
      value: (t) => t.departmentName ?? req.t('approvals:templates.allDepartments'),
    },
    { header: req.t('approvals:templates.steps'), width: 10, value: (t) => t.stepCount },
    {
      header: req.t('approvals:templates.state'),
      width: 14,
      value: (t) =>
        req.t(t.isActive ? 'approvals:templates.active' : 'approvals:templates.inactive'),
    },
  ],
});
