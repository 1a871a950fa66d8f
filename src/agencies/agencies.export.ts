/**
 * The administration's structure lists as XLSX (issue 11), as their pages show them, a unit
 * below its parent marked by its depth as the page indents it:
 *   GET /admin/agency/export.xlsx        one's agency and those below it (agency.export)
 *   GET /admin/departments/export.xlsx   the agency's units with their people (department.export)
 */
import { listExport } from '../http/list-export.js';
import type { Agency, Department } from './agency.model.js';
import { agencySubtree, departmentTree, type TreeNode } from './agencies.service.js';

/** A node's name under its parent, as the administration's forms write the tree. */
const indented = (node: { depth: number; item: { name: string } }) =>
  `${'— '.repeat(Math.min(node.depth, 5))}${node.item.name}`;

export const exportAgencies = listExport<null, TreeNode<Agency>>({
  action: 'agency.export',
  entityType: 'agency',
  fileName: 'co-quan',
  sheet: 'list-export:agencies.sheet',
  heading: 'list-export:agencies.heading',
  query: () => null,
  rows: async (req, _query, limit) => {
    const tree = await agencySubtree(req.user!.agencyId);
    return { rows: tree.slice(0, limit), total: tree.length };
  },
  columns: (req) => [
    { header: req.t('admin:agency.name'), width: 50, value: indented },
    { header: req.t('admin:agency.abbreviation'), width: 14, value: (n) => n.item.abbreviation },
    { header: req.t('admin:agency.code'), width: 16, value: (n) => n.item.code },
    { header: req.t('admin:agency.address'), width: 40, value: (n) => n.item.address },
  ],
});

type DepartmentNode = Awaited<ReturnType<typeof departmentTree>>[number];

export const exportDepartments = listExport<null, DepartmentNode>({
  action: 'department.export',
  entityType: 'department',
  fileName: 'don-vi',
  sheet: 'list-export:departments.sheet',
  heading: 'list-export:departments.heading',
  query: () => null,
  rows: async (req, _query, limit) => {
    const tree = await departmentTree(req.user!.agencyId);
    return { rows: tree.slice(0, limit), total: tree.length };
  },
  columns: (req) => [
    { header: req.t('admin:departments.name'), width: 50, value: indented },
    {
      header: req.t('admin:departments.abbreviation'),
      width: 14,
      value: (n: TreeNode<Department>) => n.item.abbreviation,
    },
    { header: req.t('admin:departments.users'), width: 14, value: (n) => n.userCount },
  ],
});
