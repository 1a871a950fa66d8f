import { Router, type Request, type Response } from 'express';
import { pathId } from '../http/params.js';
import { AppError, type FieldErrors } from '../http/app-error.js';
import { requirePermission, requireUser } from '../http/auth.js';
import { flash } from '../http/flash.js';
import { parseInput } from '../http/validate.js';
import { adminTabs } from '../admin/admin-pages.js';
import { echoValues, messageOf, submitForm } from '../http/forms.js';
import { auditActorOf } from '../http/request-context.js';
import { departmentTree } from '../agencies/agencies.service.js';
import { ROLES, type User } from './user.model.js';
import {
  AdminCreateUserSchema,
  AdminUpdateUserSchema,
  ResetPasswordSchema,
} from './users.schemas.js';
import { exportUsers, userFilterOf } from './users.export.js';
import { exportLink } from '../http/list-export.js';
import { createUser } from './users.service.js';
import {
  decideAdminGrant,
  findAgencyUser,
  listPendingGrants,
  listUsers,
  resetPassword,
  setUserActive,
  updateUser,
} from './user-admin.service.js';
import type { AdminGrantRequest } from './admin-grant-request.model.js';
import { can } from '../policy/index.js';

interface FormState {
  values?: Record<string, unknown>;
  errors?: FieldErrors;
  error?: string;
  passwordErrors?: FieldErrors;
}

async function formOptions(req: Request) {
  const tree = await departmentTree(req.user!.agencyId);
  return {
    departments: tree.map((n) => ({
      id: n.item.id,
      label: `${'— '.repeat(n.depth)}${n.item.name} (${n.item.abbreviation})`,
    })),
    roleOptions: ROLES.map((r) => ({ value: r, label: req.t(`roles.${r}`) })),
    clearances: [0, 1, 2, 3].map((c) => ({ value: c, label: req.t(`confidentiality.${c}`) })),
  };
}

/** Form values with roles always a list, as the multi-select expects. */
function formValues(values: Record<string, unknown>) {
  const roles = values.roles;
  return {
    ...values,
    roles: Array.isArray(roles) ? roles : typeof roles === 'string' ? roles.split(',') : [],
  };
}

async function renderForm(
  req: Request,
  res: Response,
  user: User | null,
  status = 200,
  state: FormState = {},
) {
  res.status(status).render('admin/user-form', {
    title: user
      ? req.t('admin:users.editTitle', { name: user.fullName })
      : req.t('admin:users.newTitle'),
    tabs: adminTabs(req),
    user: user?.get({ plain: true }) ?? null,
    values: formValues(
      state.values ??
        (user ? { ...user.get({ plain: true }), roles: user.roleList() } : null) ?? {
          secretClearance: 0,
          isActive: true,
        },
    ),
    errors: state.errors,
    error: state.error,
    passwordErrors: state.passwordErrors,
    canResetPassword: user ? can(req.user, 'user.password.reset', user) : false,
    ...(await formOptions(req)),
  });
}

/** The pending requests for administrators' document access, as the users page lists them. */
async function grantRequestsOf(req: Request) {
  const requests = await listPendingGrants(req.user!.agencyId);
  return requests.map((r) => {
    const { user, requestedBy } = r as AdminGrantRequest & {
      user: User;
      requestedBy: User | null;
    };
    return {
      id: r.id,
      createdAt: r.createdAt,
      user: { id: user.id, fullName: user.fullName, username: user.username },
      requestedBy: requestedBy ? requestedBy.fullName : req.t('admin:users.grantByOperator'),
      roleLabels: r.roleList().map((role) => req.t(`roles.${role}`)),
      clearance: req.t(`confidentiality.${r.secretClearance}`),
      canDecide: can(req.user, 'user.admin_grant.decide', r),
    };
  });
}

export function usersRouter(): Router {
  const router = Router();
  router.use('/admin/users', requireUser, requirePermission('admin.manage'));

  // Before /admin/users/:id…: the list as shown, as XLSX (users.export.ts).
  router.get('/admin/users/export.xlsx', exportUsers);

  router.get('/admin/users', async (req, res) => {
    const filter = userFilterOf(req);
    const { rows, total, pages } = await listUsers(req.user!.agencyId, filter);
    const query = new URLSearchParams(
      Object.entries(filter).filter(([k, v]) => k !== 'page' && v !== undefined) as [
        string,
        string,
      ][],
    );
    const href = (page: number) =>
      `/admin/users?${new URLSearchParams([...query, ['page', String(page)]])}`;
    res.render('admin/users', {
      title: req.t('admin:users.title'),
      tabs: adminTabs(req),
      filter,
      total,
      users: rows.map((u) => ({
        ...u.get({ plain: true }),
        roleLabels: u.roleList().map((r) => req.t(`roles.${r}`)),
      })),
      grantRequests: await grantRequestsOf(req),
      exportLink: exportLink(req, '/admin/users/export.xlsx', filter, total),
      pagination: {
        page: filter.page,
        pages,
        prevHref: filter.page > 1 ? href(filter.page - 1) : null,
        nextHref: filter.page < pages ? href(filter.page + 1) : null,
      },
      ...(await formOptions(req)),
    });
  });

  router.get('/admin/users/new', (req, res) => renderForm(req, res, null));

  router.post('/admin/users', async (req, res) => {
    let pending: AdminGrantRequest | null = null;
    const ok = await submitForm(
      async () => {
        const { confirmPassword: _c, ...input } = parseInput(
          AdminCreateUserSchema,
          req.body,
          req.lng,
          req.t,
        );
        pending = (
          await createUser(req.user!.agencyId, input, auditActorOf(req), {
            temporaryPassword: true,
          })
        ).pendingGrant;
      },
      (err) =>
        renderForm(req, res, null, err.status, {
          values: echoValues(req.body),
          errors: err.fields,
          error: err.status === 409 ? messageOf(req, err) : undefined,
        }),
      [422, 409],
    );
    if (!ok) return;
    flash(
      req,
      'success',
      req.t(pending ? 'admin:users.createdGrantPending' : 'admin:users.created'),
    );
    res.redirect(303, '/admin/users');
  });

  router.get('/admin/users/:id/edit', async (req, res) => {
    const id = pathId(req, 'id', 'USER_NOT_FOUND');
    await renderForm(req, res, await findAgencyUser(req.user!.agencyId, id));
  });

  router.post('/admin/users/:id', async (req, res) => {
    const id = pathId(req, 'id', 'USER_NOT_FOUND');
    const user = await findAgencyUser(req.user!.agencyId, id);
    let pending: AdminGrantRequest | null = null;
    const ok = await submitForm(
      async () => {
        const input = parseInput(AdminUpdateUserSchema, req.body, req.lng, req.t);
        pending = (await updateUser(req.user!.agencyId, id, input, auditActorOf(req))).pendingGrant;
      },
      (err) =>
        renderForm(req, res, user, err.status, {
          values: { ...echoValues(req.body), isActive: Boolean(req.body?.isActive) },
          errors: err.fields,
          error: err.status === 409 ? messageOf(req, err) : undefined,
        }),
      [422, 409],
    );
    if (!ok) return;
    flash(req, 'success', req.t(pending ? 'admin:users.savedGrantPending' : 'common.saved'));
    res.redirect(303, '/admin/users');
  });

  // Another administrator's decision on a request for an administrator's document access; the
  // policy (user.admin_grant.decide) refuses the one who asked and the account's holder.
  for (const [path, approve] of [
    ['approve', true],
    ['reject', false],
  ] as const) {
    router.post(`/admin/users/grant-requests/:id/${path}`, async (req, res) => {
      const id = pathId(req, 'id', 'ADMIN_GRANT_NOT_FOUND');
      await decideAdminGrant(req.user!.agencyId, id, approve, req.user!, auditActorOf(req));
      flash(
        req,
        'success',
        req.t(approve ? 'admin:users.grantApproved' : 'admin:users.grantRejected'),
      );
      res.redirect(303, '/admin/users#grant-requests');
    });
  }

  router.post('/admin/users/:id/password', async (req, res) => {
    const id = pathId(req, 'id', 'USER_NOT_FOUND');
    const user = await findAgencyUser(req.user!.agencyId, id);
    if (!can(req.user, 'user.password.reset', user))
      throw new AppError('ADMIN_PASSWORD_RESET_REFUSED', 403);
    const ok = await submitForm(
      async () => {
        const { password } = parseInput(ResetPasswordSchema, req.body, req.lng, req.t);
        await resetPassword(req.user!.agencyId, id, password, auditActorOf(req), {
          temporary: true,
        });
      },
      (err) => renderForm(req, res, user, 422, { passwordErrors: err.fields }),
    );
    if (!ok) return;
    flash(req, 'success', req.t('admin:users.passwordReset', { name: user.fullName }));
    res.redirect(303, `/admin/users/${id}/edit`);
  });

  for (const [path, active] of [
    ['deactivate', false],
    ['activate', true],
  ] as const) {
    router.post(`/admin/users/:id/${path}`, async (req, res) => {
      const id = pathId(req, 'id', 'USER_NOT_FOUND');
      const user = await findAgencyUser(req.user!.agencyId, id);
      let pending: AdminGrantRequest | null = null;
      const ok = await submitForm(
        async () => {
          pending = (await setUserActive(req.user!.agencyId, id, active, auditActorOf(req)))
            .pendingGrant;
        },
        (err) => renderForm(req, res, user, err.status, { error: messageOf(req, err) }),
        [409],
      );
      if (!ok) return;
      const done = pending
        ? 'admin:users.activatedGrantPending'
        : active
          ? 'admin:users.activated'
          : 'admin:users.deactivated';
      flash(req, 'success', req.t(done, { name: user.fullName }));
      res.redirect(303, `/admin/users/${id}/edit`);
    });
  }
  return router;
}
