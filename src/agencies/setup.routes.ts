import { Router, type Request } from 'express';
import type { Config } from '../config.js';
import { AppError } from '../http/app-error.js';
import { parseInput } from '../http/validate.js';
import { flash } from '../http/flash.js';
import { echoValues, messageOf, translateFields } from '../http/forms.js';
import { isSetupDone, setupAgency, SetupSchema } from './setup.service.js';

/** The refusal's messages under the setup form's own field names (the user service says `password`). */
function setupFieldErrors(req: Request, err: AppError): Record<string, string> {
  const fields = translateFields(req, err.fields);
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(fields)) {
    const name = SERVICE_FIELDS[field] ?? field;
    out[name] ??= message;
  }
  if (Object.keys(out).length === 0) out._ = messageOf(req, err);
  return out;
}

const SERVICE_FIELDS: Record<string, string> = {
  password: 'adminPassword',
  username: 'adminUsername',
  fullName: 'adminFullName',
};

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
          values: echoValues(req.body),
          errors: setupFieldErrors(req, err),
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
