import { Router, type Request, type Response } from 'express';
import { exportLink } from '../http/list-export.js';
import { exportTemplates, templateRows } from './approval-templates.export.js';
import { adminTabs } from '../admin/admin-pages.js';
import { departmentTree } from '../agencies/agencies.service.js';
import { DOCUMENT_TYPES } from '../documents/document-types.js';
import type { FieldErrors } from '../http/app-error.js';
import { requirePermission, requireUser } from '../http/auth.js';
import { flash } from '../http/flash.js';
import { echoValues, submitForm, translateFields } from '../http/forms.js';
import { pathId } from '../http/params.js';
import { auditActorOf } from '../http/request-context.js';
import { ROLES, User } from '../users/user.model.js';
import type { ApprovalTemplate } from './approval.model.js';
import {
  createTemplate,
  deactivateTemplate,
  findTemplate,
  rowOfStep,
  STEP_TYPES,
  TEMPLATE_FORM_ROWS,
  templateFromForm,
  updateTemplate,
} from './approval-templates.service.js';
import { StepsSchema } from './approvals.schemas.js';
import { NAME_ORDER } from '../users/name-order.js';

const BASE = '/admin/approval-templates';

/** The form's values from a stored template (step rows as s<i>_<field>). */
function valuesOf(template: ApprovalTemplate): Record<string, unknown> {
  const values: Record<string, unknown> = {
    name: template.name,
    documentType: template.documentType ?? '',
    departmentId: template.departmentId ?? '',
    allowExtraReviewers: template.allowExtraReviewers ? '1' : '',
  };
  StepsSchema.parse(JSON.parse(template.steps)).forEach((step, i) => {
    for (const [field, value] of Object.entries(rowOfStep(step))) values[`s${i}_${field}`] = value;
  });
  return values;
}

const asList = (v: unknown) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]);

async function renderForm(
  req: Request,
  res: Response,
  template: ApprovalTemplate | null,
  status = 200,
  state: { values?: Record<string, unknown>; errors?: FieldErrors } = {},
) {
  const agencyId = req.user!.agencyId;
  const values = state.values ?? (template ? valuesOf(template) : { s0_days: 2 });
  const errors = state.errors ?? {};
  const [tree, people] = await Promise.all([
    departmentTree(agencyId),
    User.findAll({
      where: { agencyId, isActive: true },
      attributes: ['id', 'fullName', 'positionTitle'],
      order: NAME_ORDER,
    }),
  ]);
  const rows = Array.from({ length: TEMPLATE_FORM_ROWS }, (_, i) => {
    const v = (f: string) => values[`s${i}_${f}`];
    const chosen = asList(v('userIds')).map(String);
    return {
      i,
      n: i + 1,
      title: v('title') ?? '',
      type: v('type') ?? '',
      kind: v('kind') ?? 'approve',
      userId: v('userId') ?? '',
      role: v('role') ?? '',
      departmentId: v('departmentId') ?? '',
      chosen,
      rule: v('rule') ?? 'all',
      nValue: v('n') ?? '',
      days: v('days') ?? '',
      errors: Object.fromEntries(
        Object.entries(errors)
          .filter(([k]) => k.startsWith(`s${i}_`))
          .map(([k, m]) => [k.slice(`s${i}_`.length), m]),
      ),
    };
  });
  res.status(status).render('admin/approval-template-form', {
    title: template
      ? req.t('approvals:templates.editTitle', { name: template.name })
      : req.t('approvals:templates.newTitle'),
    tabs: adminTabs(req),
    template: template?.get({ plain: true }) ?? null,
    values,
    errors,
    rows,
    stepTypes: STEP_TYPES,
    roles: ROLES,
    documentTypes: DOCUMENT_TYPES.map((d) => ({
      code: d.code,
      name: req.lng === 'en' ? d.en : d.vi,
    })),
    departments: tree.map((n) => ({
      id: n.item.id,
      label: `${'— '.repeat(n.depth)}${n.item.name}`,
    })),
    people: people.map((p) => ({
      id: p.id,
      name: p.positionTitle ? `${p.fullName} – ${p.positionTitle}` : p.fullName,
    })),
  });
}

export function approvalTemplatesRouter(): Router {
  const router = Router();
  router.use(BASE, requireUser);
  const admin = requirePermission('approval.templates');

  router.get(BASE, admin, async (req, res) => {
    res.render('admin/approval-templates', {
      title: req.t('approvals:templates.title'),
      tabs: adminTabs(req),
      templates: await templateRows(req),
      exportLink: exportLink(req, `${BASE}/export.xlsx`, {}),
    });
  });
  router.get(`${BASE}/export.xlsx`, admin, exportTemplates);

  router.get(`${BASE}/new`, admin, (req, res) => renderForm(req, res, null));

  router.post(BASE, admin, async (req, res) => {
    const ok = await submitForm(
      async () => {
        const input = templateFromForm(req.body, req.t);
        await createTemplate(req.user!.agencyId, input, auditActorOf(req));
      },
      (err) =>
        renderForm(req, res, null, 422, {
          values: echoValues(req.body),
          errors: translateFields(req, err.fields),
        }),
    );
    if (!ok) return;
    flash(req, 'success', req.t('approvals:templates.created'));
    res.redirect(303, BASE);
  });

  router.get(`${BASE}/:id/edit`, admin, async (req, res) => {
    const template = await findTemplate(
      req.user!.agencyId,
      pathId(req, 'id', 'APPROVAL_TEMPLATE_NOT_FOUND'),
    );
    await renderForm(req, res, template);
  });

  router.post(`${BASE}/:id`, admin, async (req, res) => {
    const template = await findTemplate(
      req.user!.agencyId,
      pathId(req, 'id', 'APPROVAL_TEMPLATE_NOT_FOUND'),
    );
    const ok = await submitForm(
      async () => {
        const input = templateFromForm(req.body, req.t);
        await updateTemplate(req.user!.agencyId, template.id, input, auditActorOf(req));
      },
      (err) =>
        renderForm(req, res, template, 422, {
          values: echoValues(req.body),
          errors: translateFields(req, err.fields),
        }),
    );
    if (!ok) return;
    flash(req, 'success', req.t('common.saved'));
    res.redirect(303, BASE);
  });

  router.post(`${BASE}/:id/deactivate`, admin, async (req, res) => {
    const id = pathId(req, 'id', 'APPROVAL_TEMPLATE_NOT_FOUND');
    await deactivateTemplate(req.user!.agencyId, id, auditActorOf(req));
    flash(req, 'success', req.t('approvals:templates.deactivated'));
    res.redirect(303, BASE);
  });
  return router;
}
