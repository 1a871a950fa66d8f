/**
 * The delegations page (Decree 30 Art. 13; issue 12 §0 and §2): a leader hands some of their
 * actions to a deputy for a span of days (KT., Q., TL., TUQ.), a delegate passes on what they hold
 * (never a TUQ.), the administrator records any of the agency's; each can be ended at once.
 *   GET  /profile/delegations                  given, received (and, for the administrator, all)
 *   GET  /profile/delegations/export.xlsx      the same tables as XLSX
 *   POST /profile/delegations                  create (422 with the form and Vietnamese reasons)
 *   POST /profile/delegations/:id/revoke       end it, with what was passed on from it
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { AppError, type FieldErrors } from '../http/app-error.js';
import { requirePermission, requireUser } from '../http/auth.js';
import { exportLink } from '../http/list-export.js';
import { exportDelegations } from './delegations.export.js';
import { flash } from '../http/flash.js';
import {
  blankToUndefined,
  dateFieldValue,
  id,
  optionalId,
  optionalText,
  requiredIsoDate,
} from '../http/form-fields.js';
import { pathId } from '../http/params.js';
import { actorOf } from '../http/request-context.js';
import { parseInput } from '../http/validate.js';
import { can } from '../policy/index.js';
import { DELEGATION_FORMS } from './delegation.model.js';
import {
  createDelegation,
  DELEGABLE_ACTIONS,
  DelegationSchema,
  delegateChoicesWhere,
  delegationsOf,
  principalOfHeld,
  revokeDelegation,
  type DelegationRow,
} from './delegations.service.js';
import { User } from './user.model.js';
import { NAME_ORDER } from './name-order.js';

const PAGE = '/profile/delegations';

/** Ticked boxes arrive as one string or several; nothing ticked, as nothing. */
const ticked = (v: unknown) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]);

/** The form as people fill it in: dates typed dd/mm/yyyy, the actions as ticked boxes. */
export const DelegationFormSchema = z
  .object({
    principalId: optionalId,
    delegateId: z.preprocess(blankToUndefined, id),
    form: z.preprocess(
      blankToUndefined,
      z.enum(DELEGATION_FORMS, 'errors:DELEGATION_FORM_INVALID'),
    ),
    actions: z.preprocess(
      ticked,
      z
        .array(z.enum(DELEGABLE_ACTIONS, 'errors:DELEGATION_ACTIONS'))
        .min(1, 'errors:DELEGATION_ACTIONS')
        .max(DELEGABLE_ACTIONS.length),
    ),
    startsOn: requiredIsoDate,
    endsOn: requiredIsoDate,
    parentId: optionalId,
    note: optionalText(2000),
  })
  .refine((d) => d.startsOn <= d.endsOn, { path: ['endsOn'], message: 'errors:DELEGATION_DATES' });

interface PageExtras {
  errors?: FieldErrors;
  error?: string;
  values?: Record<string, unknown>;
}

const labelled = (req: Request, rows: DelegationRow[], user: User) =>
  rows.map((r) => ({
    ...r,
    formLabel: req.t(`delegations:forms.${r.form}`),
    actionLabels: r.actions.map((a) => req.t(`delegations:actions.${a}`)),
    stateLabel: req.t(`delegations:states.${r.state}`),
    startsOnText: dateFieldValue(r.startsOn),
    endsOnText: dateFieldValue(r.endsOn),
    canRevoke: r.state !== 'revoked' && r.state !== 'ended' && can(user, 'delegation.revoke', r),
  }));

async function renderPage(req: Request, res: Response, status: number, extras: PageExtras = {}) {
  const user = req.user!;
  const isAdmin = user.hasRole('admin');
  const [lists, people] = await Promise.all([
    delegationsOf(user),
    User.findAll({
      where: delegateChoicesWhere(user),
      attributes: ['id', 'fullName', 'positionTitle'],
      order: NAME_ORDER,
      limit: 1000,
    }),
  ]);
  const mayGive = isAdmin || user.hasRole('leader') || user.hasRole('dept_head');
  // What the person may pass on: delegations they hold today or later, never an authorisation.
  const held = lists.received.filter(
    (r) => r.form !== 'TUQ' && (r.state === 'active' || r.state === 'upcoming'),
  );
  const values = extras.values ?? {};
  const ticks = ticked(values.actions);
  res.status(status).render('profile/delegations', {
    title: req.t('delegations:title'),
    given: labelled(req, lists.given, user),
    received: labelled(req, lists.received, user),
    all: labelled(req, lists.all, user),
    isAdmin,
    exportLink: exportLink(req, `${PAGE}/export.xlsx`, {}),
    mayCreate: mayGive || held.length > 0,
    mayGive,
    held: held.map((h) => ({
      id: h.id,
      label: req.t('delegations:heldOption', {
        name: h.principalName,
        from: dateFieldValue(h.startsOn),
        to: dateFieldValue(h.endsOn),
      }),
    })),
    people: people.map((p) => ({
      id: p.id,
      label: p.positionTitle ? `${p.fullName} – ${p.positionTitle}` : p.fullName,
    })),
    principals: isAdmin
      ? [
          { id: user.id, label: user.fullName },
          ...people.map((p) => ({ id: p.id, label: p.fullName })),
        ]
      : [],
    forms: DELEGATION_FORMS.map((f) => ({ value: f, label: req.t(`delegations:forms.${f}`) })),
    actionOptions: DELEGABLE_ACTIONS.map((a) => ({
      value: a,
      label: req.t(`delegations:actions.${a}`),
      checked: ticks.includes(a),
    })),
    values: {
      ...values,
      principalId: Number(values.principalId) || user.id,
      delegateId: Number(values.delegateId) || null,
      parentId: Number(values.parentId) || null,
    },
    errors: extras.errors ?? {},
    error: extras.error,
  });
}

export function delegationsRouter(): Router {
  const router = Router();

  router.get(PAGE, requireUser, (req, res) => renderPage(req, res, 200));
  // Whoever sees the page (one's own profile): the same tables as XLSX.
  router.get(
    `${PAGE}/export.xlsx`,
    requireUser,
    requirePermission('profile.manage'),
    exportDelegations,
  );

  router.post(PAGE, requireUser, async (req, res) => {
    const user = req.user!;
    try {
      const input = parseInput(DelegationFormSchema, req.body ?? {}, req.lng, req.t);
      // Passing one on: its principal is the one of the delegation held; otherwise one's own,
      // or (the administrator) the principal chosen.
      const principalId = input.parentId
        ? await principalOfHeld(input.parentId, user)
        : user.hasRole('admin')
          ? (input.principalId ?? user.id)
          : user.id;
      // The service's own rules (not to oneself, the days in order) with the principal now known.
      const checked = parseInput(DelegationSchema, { ...input, principalId }, req.lng, req.t);
      await createDelegation(checked, actorOf(req));
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 422) throw err;
      const values = { ...(req.body ?? {}), _csrf: undefined };
      return renderPage(req, res, 422, {
        errors: err.fields,
        error: req.t('errors:VALIDATION_FAILED'),
        values,
      });
    }
    flash(req, 'success', req.t('delegations:created'));
    res.redirect(303, PAGE);
  });

  router.post(`${PAGE}/:id/revoke`, requireUser, async (req, res) => {
    await revokeDelegation(pathId(req, 'id'), actorOf(req));
    flash(req, 'success', req.t('delegations:revoked'));
    res.redirect(303, PAGE);
  });

  return router;
}
