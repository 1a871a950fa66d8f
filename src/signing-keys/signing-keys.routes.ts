import { Router, type Request, type Response } from 'express';
import { pathId } from '../http/params.js';
import { agencySubtree } from '../agencies/agencies.service.js';
import { adminTabs } from '../admin/admin-pages.js';
import type { AppError, FieldErrors } from '../http/app-error.js';
import { AppError as HttpError } from '../http/app-error.js';
import { requirePermission, requireUser } from '../http/auth.js';
import { forForm, memoryUpload, throwUploadError } from '../http/uploads.js';
import { flash } from '../http/flash.js';
import { messageOf, submitForm, translateFields } from '../http/forms.js';
import { auditActorOf } from '../http/request-context.js';
import { parseInput } from '../http/validate.js';
import { ChangePinSchema, EnrolSchema, ProviderChoiceSchema } from './signing-keys.schemas.js';
import {
  changePin,
  chooseProvider,
  enrolAgencySeal,
  enrolServerKey,
} from './signing-keys.service.js';
import {
  certificateSummary,
  sealSetupOf,
  signerSetupOf,
  timestampAuthorityOf,
} from './signer-setup.js';
import {
  registerTokenCertificate,
  revokeTokenCertificate,
  tokenCertificatesOf,
} from './token-certificates.js';

type SigningForm = 'enrol' | 'pin' | 'provider' | 'token';

interface PageState {
  form?: SigningForm;
  errors?: FieldErrors;
  error?: string;
  values?: Record<string, unknown>;
}

// Statuses a person can act on from the form: bad input, a wrong or locked PIN, no key yet.
const FORM_STATUSES = [409, 422, 423, 429];

// Errors about the PIN typed go next to that field, with their parameters (attempts left, until).
const PIN_FIELD: Record<SigningForm, string> = {
  enrol: 'pin',
  pin: 'oldPin',
  provider: 'provider',
  token: 'certificate',
};

async function renderSigning(req: Request, res: Response, status = 200, state: PageState = {}) {
  const [setup, tokens] = await Promise.all([
    signerSetupOf(req.user!.id),
    tokenCertificatesOf(req.user!.id),
  ]);
  res.status(status).render('profile/signing', {
    title: req.t('signing-keys:title'),
    setup,
    tokens: tokens.map((t) => ({ id: t.id, ...certificateSummary(t.certificate!) })),
    offersCsc: setup.offered.includes('csc'),
    offersToken: setup.offered.includes('token'),
    ...state,
  });
}

/** The form again with its errors: field messages translated, PIN errors beside the PIN field. */
function refusedState(req: Request, form: SigningForm, err: AppError): PageState {
  const errors = translateFields(req, err.fields);
  const message = messageOf(req, err);
  if (err.code.startsWith('SIGNING_PIN_') && !err.fields) errors[PIN_FIELD[form]] = message;
  const values =
    form === 'provider'
      ? { provider: req.body?.provider, cscCredentialId: req.body?.cscCredentialId }
      : {};
  return { form, errors, error: message, values };
}

function signingForm(form: SigningForm, work: (req: Request) => Promise<unknown>, doneKey: string) {
  return async (req: Request, res: Response) => {
    const ok = await submitForm(
      async () => {
        await work(req);
      },
      (err) => renderSigning(req, res, err.status, refusedState(req, form, err)),
      FORM_STATUSES,
    );
    if (!ok) return;
    flash(req, 'success', req.t(doneKey));
    res.redirect(303, '/profile/signing');
  };
}

async function renderSeal(
  req: Request,
  res: Response,
  agencyId: number,
  status = 200,
  error?: string,
) {
  const agency = await managedAgency(req, agencyId);
  res.status(status).render('profile/signing-seal', {
    title: req.t('signing-keys:seal.title', { name: agency.name }),
    tabs: adminTabs(req),
    agency: agency.get({ plain: true }),
    setup: await sealSetupOf(agency.id),
    timestamps: await timestampAuthorityOf(agency.id),
    error,
  });
}

/** One of the administrator's agencies (their own or below it); any other is "not found". */
async function managedAgency(req: Request, id: number) {
  const node = (await agencySubtree(req.user!.agencyId)).find((n) => n.item.id === id);
  if (!node) throw new HttpError('AGENCY_NOT_FOUND', 404);
  return node.item;
}

/** The profile's "Chữ ký số" page and the administrator's seal credential page. */
export function signingKeysRouter(): Router {
  const router = Router();
  router.use('/profile/signing', requireUser, requirePermission('signing_key.manage_own'));

  router.get('/profile/signing', (req, res) => renderSigning(req, res));

  router.post(
    '/profile/signing/enrol',
    signingForm(
      'enrol',
      async (req) => {
        const { pin } = parseInput(EnrolSchema, req.body, req.lng, req.t);
        await enrolServerKey(req.user!.id, pin, auditActorOf(req));
      },
      'signing-keys:enrolled',
    ),
  );

  router.post(
    '/profile/signing/pin',
    signingForm(
      'pin',
      async (req) => {
        const input = parseInput(ChangePinSchema, req.body, req.lng, req.t);
        await changePin(req.user!.id, input.oldPin, input.newPin, auditActorOf(req));
      },
      'signing-keys:pinChanged',
    ),
  );

  router.post(
    '/profile/signing/provider',
    signingForm(
      'provider',
      async (req) => {
        const input = parseInput(ProviderChoiceSchema, req.body, req.lng, req.t);
        await chooseProvider(req.user!.id, input, auditActorOf(req));
      },
      'signing-keys:providerChosen',
    ),
  );

  // The certificate of a token the person signs with (a .cer/.crt/.pem file, chain after it).
  const certificateUpload = forForm(
    memoryUpload('certificate', { fileSize: 64 * 1024, files: 1, fields: 5 }),
  );
  router.post(
    '/profile/signing/tokens',
    certificateUpload,
    signingForm(
      'token',
      async (req) => {
        throwUploadError(req.res!);
        if (!req.file)
          throw new HttpError('VALIDATION_FAILED', 422, undefined, {
            certificate: 'errors:SIGNING_CERTIFICATE_REQUIRED',
          });
        await registerTokenCertificate(req.user!.id, req.file.buffer, auditActorOf(req));
      },
      'signing-keys:tokenRegistered',
    ),
  );

  router.post(
    '/profile/signing/tokens/:id/revoke',
    signingForm(
      'token',
      async (req) => {
        const id = pathId(req, 'id', 'SIGNING_TOKEN_NOT_FOUND');
        await revokeTokenCertificate(req.user!.id, id, auditActorOf(req));
      },
      'signing-keys:tokenRevoked',
    ),
  );

  const sealAdmin = [requireUser, requirePermission('signing_key.seal_manage')];

  router.get('/admin/agency/:id/seal', ...sealAdmin, async (req, res) => {
    const id = pathId(req, 'id', 'AGENCY_NOT_FOUND');
    await renderSeal(req, res, id);
  });

  router.post('/admin/agency/:id/seal', ...sealAdmin, async (req, res) => {
    const id = pathId(req, 'id', 'AGENCY_NOT_FOUND');
    const agency = await managedAgency(req, id);
    const ok = await submitForm(
      async () => {
        await enrolAgencySeal(agency.id, auditActorOf(req));
      },
      (err) => renderSeal(req, res, id, err.status, messageOf(req, err)),
      [409, 422, 503],
    );
    if (!ok) return;
    flash(req, 'success', req.t('signing-keys:seal.created'));
    res.redirect(303, `/admin/agency/${agency.id}/seal`);
  });
  return router;
}
