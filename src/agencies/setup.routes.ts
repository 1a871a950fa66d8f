import { Router } from 'express';
import type { Config } from '../config.js';
import { AppError } from '../http/app-error.js';
import { parseInput } from '../http/validate.js';
import { flash } from '../http/flash.js';
import { isSetupDone, setupAgency, SetupSchema } from './setup.service.js';

export function setupRouter(_config: Config): Router {
  const router = Router();
  router.get('/setup', async (req, res) => {
    if (await isSetupDone()) return res.redirect(303, '/login');
    res.render('setup/form', { title: req.t('setup.title'), values: {}, layout: 'bare' });
  });
  router.post('/setup', async (req, res) => {
    if (await isSetupDone()) return res.redirect(303, '/login');
    try {
      const input = parseInput(SetupSchema, req.body, req.lng, req.t);
      await setupAgency(input, req.ip ?? null);
    } catch (err) {
      if (err instanceof AppError && err.status === 422) {
        return res.status(422).render('setup/form', {
          title: req.t('setup.title'),
          values: { ...req.body, adminPassword: '' },
          errors: err.fields,
          layout: 'bare',
        });
      }
      throw err;
    }
    flash(req, 'success', req.t('setup.done'));
    res.redirect(303, '/login');
  });
  return router;
}
