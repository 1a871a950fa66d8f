import { Router, type Request, type Response } from 'express';
import { requirePermission, requireUser } from '../http/auth.js';
import { exportLink } from '../http/list-export.js';
import { adminTabs } from '../admin/admin-pages.js';
import { verifyAuditChain, type AuditVerification } from './audit.service.js';
import { AuditFilterSchema, listAuditLogs, type AuditFilter } from './audit-query.js';
import type { FieldErrors } from '../http/app-error.js';
import { isFormError, translateFields } from '../http/forms.js';
import { parseInput } from '../http/validate.js';
import { auditFilterOf, exportAudit } from './audit.export.js';
import {
  auditActionChoices,
  auditEntityChoices,
  auditEntityHref,
  describeAuditRows,
} from './audit-describe.js';

/** A filter's choices; a code from an older address stays chosen, though unnamed. */
function filterChoices(choices: Array<{ code: string; label: string }>, chosen?: string) {
  if (chosen && !choices.some((e) => e.code === chosen))
    choices.push({ code: chosen, label: chosen });
  return choices.map((e) => ({ ...e, selected: e.code === chosen }));
}

/**
 * The page's filters. A day that names no day (31/02, "abc") or a period that ends before it
 * begins is left out of the filter and said beside its field, rather than an error page that
 * loses the filters or an empty list that says nothing.
 */
function readFilter(req: Request): { filter: AuditFilter; errors?: FieldErrors } {
  let filter: AuditFilter;
  try {
    filter = auditFilterOf(req);
  } catch (err) {
    if (!isFormError(err) || !err.fields) throw err;
    const refused = Object.keys(err.fields);
    const kept = Object.fromEntries(
      Object.entries(req.query).filter(([key]) => !refused.includes(key)),
    );
    return {
      filter: parseInput(AuditFilterSchema, kept, req.lng, req.t),
      errors: translateFields(req, err.fields),
    };
  }
  if (filter.from && filter.to && filter.from > filter.to)
    return {
      filter: { ...filter, from: undefined, to: undefined },
      errors: { to: req.t('errors:PERIOD_REVERSED') },
    };
  return { filter };
}

/** The dates as typed, for the form to show again (a refused one included). */
const typedDates = (req: Request) => ({
  from: typeof req.query.from === 'string' ? req.query.from : '',
  to: typeof req.query.to === 'string' ? req.query.to : '',
});

async function renderAudit(req: Request, res: Response, verification?: AuditVerification) {
  const { filter, errors } = readFilter(req);
  const { rows, total, pages } = await listAuditLogs(filter, req.user!);
  // Actions and details in the reader's words; the code stays for the filter.
  const texts = await describeAuditRows(rows, req.lng);
  const query = new URLSearchParams(
    Object.entries(filter).filter(([k, v]) => k !== 'page' && v !== undefined) as [
      string,
      string,
    ][],
  );
  const href = (page: number) =>
    `/admin/audit?${new URLSearchParams([...query, ['page', String(page)]])}`;
  res.status(errors ? 422 : 200).render('admin/audit', {
    title: req.t('admin:audit.title'),
    tabs: adminTabs(req),
    filter,
    typed: typedDates(req),
    filterErrors: errors ?? {},
    total,
    actions: filterChoices(auditActionChoices(req.lng), filter.action),
    entityTypes: filterChoices(auditEntityChoices(req.lng), filter.entityType),
    rows: rows.map((row, i) => ({
      ...row,
      ...texts[i],
      entityHref: auditEntityHref(req.user!, row.entityType, row.entityId),
    })),
    exportLink: exportLink(req, '/admin/audit/export.xlsx', filter, total),
    verification: verification && {
      ...verification,
      message: verification.intact
        ? req.t('admin:audit.intact', { count: verification.rows })
        : req.t('admin:audit.broken', {
            id: verification.brokenAtId,
            reason: req.t(`admin:audit.reason.${verification.reason}`),
          }),
    },
    pagination: {
      page: filter.page,
      pages,
      prevHref: filter.page > 1 ? href(filter.page - 1) : null,
      nextHref: filter.page < pages ? href(filter.page + 1) : null,
    },
  });
}

export function auditRouter(): Router {
  const router = Router();
  router.use('/admin/audit', requireUser, requirePermission('audit.view'));
  router.get('/admin/audit', (req, res) => renderAudit(req, res));
  // A refused filter is said on the page, not exported as something else.
  router.get('/admin/audit/export.xlsx', async (req, res, next) => {
    if (readFilter(req).errors) return renderAudit(req, res);
    return exportAudit(req, res, next);
  });
  // Verifying reads the whole chain and changes nothing, so it is a GET.
  router.get('/admin/audit/verify', async (req, res) =>
    renderAudit(req, res, await verifyAuditChain()),
  );
  return router;
}
