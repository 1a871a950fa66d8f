import { Router, type Request, type Response } from 'express';
import { pathId } from '../http/params.js';
import { AppError, type FieldErrors } from '../http/app-error.js';
import { requirePermission, requireUser } from '../http/auth.js';
import { flash } from '../http/flash.js';
import { parseInput } from '../http/validate.js';
import { exportLink } from '../http/list-export.js';
import { exportAgencies, exportDepartments } from './agencies.export.js';
import { adminTabs } from '../admin/admin-pages.js';
import { echoValues, messageOf, submitForm } from '../http/forms.js';
import { auditActorOf } from '../http/request-context.js';
import { Agency, type Department } from './agency.model.js';
import {
  AgencySchema,
  ChildAgencySchema,
  DepartmentEditSchema,
  DepartmentSchema,
} from './agencies.schemas.js';
import { departmentLeaders, leaderCandidates } from '../users/directory.service.js';
import {
  agencySubtree,
  createChildAgency,
  createDepartment,
  deleteDepartment,
  departmentTree,
  findDepartment,
  updateAgency,
  updateDepartment,
} from './agencies.service.js';

interface FormState {
  values?: Record<string, unknown>;
  errors?: FieldErrors;
  error?: string;
}

async function renderAgencies(req: Request, res: Response, status = 200, state: FormState = {}) {
  const tree = await agencySubtree(req.user!.agencyId);
  res.status(status).render('admin/agency', {
    title: req.t('admin:agency.title'),
    tabs: adminTabs(req),
    tree: tree.map((n) => ({ ...n.item.get({ plain: true }), depth: Math.min(n.depth, 5) })),
    values: state.values ?? { parentId: req.user!.agencyId },
    exportLink: exportLink(req, '/admin/agency/export.xlsx', {}),
    ...state,
  });
}

/** One of the admin's agencies (their own or one below it); any other is "not found". */
async function ownAgency(req: Request, id: number): Promise<Agency> {
  const node = (await agencySubtree(req.user!.agencyId)).find((n) => n.item.id === id);
  if (!node) throw new AppError('AGENCY_NOT_FOUND', 404);
  return node.item;
}

async function renderAgencyEdit(
  req: Request,
  res: Response,
  agency: Agency,
  status = 200,
  state: FormState = {},
) {
  res.status(status).render('admin/agency-edit', {
    title: req.t('admin:agency.editTitle', { name: agency.name }),
    tabs: adminTabs(req),
    agency: agency.get({ plain: true }),
    values: state.values ?? agency.get({ plain: true }),
    errors: state.errors,
  });
}

/** Why a department cannot be deleted, naming what still uses it when that is known. */
function deleteRefusalOf(req: Request, err: AppError): string {
  const uses = (err.params?.uses ?? []) as string[];
  if (err.code !== 'DEPARTMENT_IN_USE' || !uses.length) return messageOf(req, err);
  const labels = uses.map((table) =>
    req.t([`admin:departments.usedBy.${table}`, 'admin:departments.usedBy.other']),
  );
  return req.t('errors:DEPARTMENT_IN_USE_BY', { uses: [...new Set(labels)].join(', ') });
}

async function renderDepartments(req: Request, res: Response) {
  const tree = await departmentTree(req.user!.agencyId);
  res.render('admin/departments', {
    title: req.t('admin:departments.title'),
    tabs: adminTabs(req),
    tree: tree.map((n) => ({
      ...n.item.get({ plain: true }),
      depth: Math.min(n.depth, 5),
      userCount: n.userCount,
    })),
    exportLink: exportLink(req, '/admin/departments/export.xlsx', {}),
  });
}

async function renderDepartmentForm(
  req: Request,
  res: Response,
  id: number | null,
  status = 200,
  state: FormState = {},
) {
  const tree = await departmentTree(req.user!.agencyId);
  const department = id ? await findDepartment(req.user!.agencyId, id) : null;
  res.status(status).render('admin/department-form', {
    title: department
      ? req.t('admin:departments.editTitle', { name: department.name })
      : req.t('admin:departments.newTitle'),
    tabs: adminTabs(req),
    department: department?.get({ plain: true }) ?? null,
    parents: tree
      .filter((n) => n.item.id !== id)
      .map((n) => ({
        id: n.item.id,
        label: `${'— '.repeat(n.depth)}${n.item.name} (${n.item.abbreviation})`,
      })),
    values: state.values ?? (department ? await leaderValues(department) : {}),
    errors: state.errors,
    // The head and deputies are chosen among the department's people (none yet for a new one).
    members: department ? await leaderCandidates(department.id) : [],
  });
}

/** A department's values for its edit form, with its head and deputies. */
async function leaderValues(department: Department) {
  return { ...department.get({ plain: true }), ...(await departmentLeaders(department.id)) };
}

export function agenciesRouter(): Router {
  const router = Router();
  router.use('/admin', requireUser);
  const admin = requirePermission('admin.manage');

  router.get('/admin', admin, (_req, res) => res.redirect(303, '/admin/agency'));
  router.get('/admin/agency', admin, (req, res) => renderAgencies(req, res));
  router.get('/admin/agency/export.xlsx', admin, exportAgencies);

  router.post('/admin/agency/children', admin, async (req, res) => {
    const ok = await submitForm(
      async () => {
        const { parentId, ...input } = parseInput(ChildAgencySchema, req.body, req.lng, req.t);
        await createChildAgency(req.user!.agencyId, parentId, input, auditActorOf(req));
      },
      (err) => renderAgencies(req, res, 422, { values: echoValues(req.body), errors: err.fields }),
    );
    if (!ok) return;
    flash(req, 'success', req.t('admin:agency.created'));
    res.redirect(303, '/admin/agency');
  });

  router.get('/admin/agency/:id/edit', admin, async (req, res) => {
    const id = pathId(req, 'id', 'AGENCY_NOT_FOUND');
    await renderAgencyEdit(req, res, await ownAgency(req, id));
  });

  router.post('/admin/agency/:id', admin, async (req, res) => {
    const id = pathId(req, 'id', 'AGENCY_NOT_FOUND');
    const ok = await submitForm(
      async () => {
        const input = parseInput(AgencySchema, req.body, req.lng, req.t);
        await updateAgency(req.user!.agencyId, id, input, auditActorOf(req));
      },
      async (err) => {
        await renderAgencyEdit(req, res, await ownAgency(req, id), 422, {
          values: echoValues(req.body),
          errors: err.fields,
        });
      },
    );
    if (!ok) return;
    flash(req, 'success', req.t('common.saved'));
    res.redirect(303, '/admin/agency');
  });

  router.get('/admin/departments', admin, (req, res) => renderDepartments(req, res));
  router.get('/admin/departments/export.xlsx', admin, exportDepartments);
  router.get('/admin/departments/new', admin, (req, res) => renderDepartmentForm(req, res, null));

  router.post('/admin/departments', admin, async (req, res) => {
    const ok = await submitForm(
      async () => {
        const input = parseInput(DepartmentSchema, req.body, req.lng, req.t);
        await createDepartment(req.user!.agencyId, input, auditActorOf(req));
      },
      (err) =>
        renderDepartmentForm(req, res, null, 422, {
          values: echoValues(req.body),
          errors: err.fields,
        }),
    );
    if (!ok) return;
    flash(req, 'success', req.t('admin:departments.created'));
    res.redirect(303, '/admin/departments');
  });

  router.get('/admin/departments/:id/edit', admin, async (req, res) => {
    const id = pathId(req, 'id', 'DEPARTMENT_NOT_FOUND');
    await renderDepartmentForm(req, res, id);
  });

  router.post('/admin/departments/:id', admin, async (req, res) => {
    const id = pathId(req, 'id', 'DEPARTMENT_NOT_FOUND');
    const ok = await submitForm(
      async () => {
        const input = parseInput(DepartmentEditSchema, req.body, req.lng, req.t);
        await updateDepartment(req.user!.agencyId, id, input, auditActorOf(req));
      },
      (err) =>
        renderDepartmentForm(req, res, id, 422, {
          values: { ...echoValues(req.body), deputyIds: [req.body?.deputyIds ?? []].flat() },
          errors: err.fields,
        }),
    );
    if (!ok) return;
    flash(req, 'success', req.t('common.saved'));
    res.redirect(303, '/admin/departments');
  });

  router.post('/admin/departments/:id/delete', admin, async (req, res) => {
    const id = pathId(req, 'id', 'DEPARTMENT_NOT_FOUND');
    const ok = await submitForm(
      () => deleteDepartment(req.user!.agencyId, id, auditActorOf(req)),
      // Back to the list with the reason, so a reload does not send the deletion again.
      (err) => {
        flash(req, 'error', deleteRefusalOf(req, err));
        res.redirect(303, '/admin/departments');
      },
      [409],
    );
    if (!ok) return;
    flash(req, 'success', req.t('admin:departments.deleted'));
    res.redirect(303, '/admin/departments');
  });
  return router;
}
