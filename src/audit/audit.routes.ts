import { Router, type Request, type Response } from 'express';
import { requirePermission, requireUser } from '../http/auth.js';
import { exportLink } from '../http/list-export.js';
import { adminTabs } from '../admin/admin-pages.js';
import { verifyAuditChain, type AuditVerification } from './audit.service.js';
import { listAuditLogs } from './audit-query.js';
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

async function renderAudit(req: Request, res: Response, verification?: AuditVerification) {
  const filter = auditFilterOf(req);
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
  res.render('admin/audit', {
    title: req.t('admin:audit.title'),
    tabs: adminTabs(req),
    filter,
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
  router.get('/admin/audit/export.xlsx', exportAudit);
  // Verifying reads the whole chain and changes nothing, so it is a GET.
  router.get('/admin/audit/verify', async (req, res) =>
    renderAudit(req, res, await verifyAuditChain()),
  );
  return router;
}
