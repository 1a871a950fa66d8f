import { Router, type Request, type Response } from 'express';
import { pathId } from '../http/params.js';
import type { FieldErrors } from '../http/app-error.js';
import { requirePermission, requireUser } from '../http/auth.js';
import { flash } from '../http/flash.js';
import { echoValues, submitForm } from '../http/forms.js';
import { auditActorOf } from '../http/request-context.js';
import { parseInput } from '../http/validate.js';
import { exportLink } from '../http/list-export.js';
import { exportSenders, senderQueryOf } from './senders.export.js';
import {
  createSender,
  deleteSender,
  listSenders,
  SenderSchema,
  updateSender,
} from './senders.service.js';

interface PageState {
  values?: Record<string, unknown>;
  errors?: FieldErrors;
  editId?: number;
}

async function renderSenders(req: Request, res: Response, status = 200, state: PageState = {}) {
  const { q } = senderQueryOf(req);
  const senders = await listSenders(req.user!.agencyId, { q });
  res.status(status).render('senders/index', {
    title: req.t('senders:title'),
    q,
    exportLink: exportLink(req, '/senders/export.xlsx', { q }),
    senders: senders.map((s) => ({
      id: s.id,
      name: s.name,
      code: s.code,
      errors: state.editId === s.id ? state.errors : undefined,
      values: state.editId === s.id ? state.values : { name: s.name, code: s.code },
    })),
    values: state.editId ? {} : (state.values ?? {}),
    errors: state.editId ? undefined : state.errors,
  });
}

/** The sender directory (danh bạ nơi gửi): pages for the clerk and the registration form's lookup. */
export function sendersRouter(): Router {
  const router = Router();
  router.use('/senders', requireUser);

  router.get('/senders', requirePermission('senders.list'), (req, res) => renderSenders(req, res));

  router.get('/senders/export.xlsx', requirePermission('senders.list'), exportSenders);

  // The registration form's autocomplete: names and codes matching what was typed.
  router.get('/senders/lookup', requirePermission('senders.list'), async (req, res) => {
    const { q } = senderQueryOf(req);
    const senders = q ? await listSenders(req.user!.agencyId, { q, limit: 20 }) : [];
    res.json({ senders: senders.map((s) => ({ id: s.id, name: s.name, code: s.code })) });
  });

  router.post('/senders', requirePermission('senders.manage'), async (req, res) => {
    const ok = await submitForm(
      async () => {
        const input = parseInput(SenderSchema, req.body, req.lng, req.t);
        await createSender(req.user!.agencyId, input, auditActorOf(req));
      },
      (err) => renderSenders(req, res, 422, { values: echoValues(req.body), errors: err.fields }),
    );
    if (!ok) return;
    flash(req, 'success', req.t('senders:added'));
    res.redirect(303, '/senders');
  });

  router.post('/senders/:id', requirePermission('senders.manage'), async (req, res) => {
    const id = pathId(req, 'id', 'NOT_FOUND');
    const ok = await submitForm(
      async () => {
        const input = parseInput(SenderSchema, req.body, req.lng, req.t);
        await updateSender(req.user!.agencyId, id, input, auditActorOf(req));
      },
      (err) =>
        renderSenders(req, res, 422, {
          values: echoValues(req.body),
          errors: err.fields,
          editId: id,
        }),
    );
    if (!ok) return;
    flash(req, 'success', req.t('senders:saved'));
    res.redirect(303, '/senders');
  });

  router.post('/senders/:id/delete', requirePermission('senders.manage'), async (req, res) => {
    const id = pathId(req, 'id', 'NOT_FOUND');
    await deleteSender(req.user!.agencyId, id, auditActorOf(req));
    flash(req, 'success', req.t('senders:deleted'));
    res.redirect(303, '/senders');
  });
  return router;
}
