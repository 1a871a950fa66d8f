/**
 * /api/v1/signing-sessions: two-phase signing with a token in the signer's hands (USB token
 * helper, mobile app). Start with the document and the token's certificate → the challenge (the
 * digest to sign); complete with the raw signature value or a whole CMS → the document is signed.
 * Same service and policy ('outgoing.sign') as the signing page.
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { AppError } from '../http/app-error.js';
import { actorOf } from '../http/request-context.js';
import { parseInput } from '../http/validate.js';
import { finishTokenSession, startTokenSession } from '../outgoing/outgoing.token-sessions.js';
import { checkedPlacement, handle, PlacementSchema } from './outgoing.api.js';
import { outgoingDetail } from './outgoing.json.js';

const base64 = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9+/=\s-]+$/, 'errors:SIGNING_VALUE_INVALID');

export const StartSigningSessionSchema = z.object({
  documentId: z.number().int().positive().max(2_147_483_647),
  certificate: base64(64 * 1024).describe(
    'The certificate read from the token: base64 of its DER (or of a PEM bundle, chain after it)',
  ),
  placement: PlacementSchema.optional().describe(
    'Default: the signature block found in the text, else the end of the last page',
  ),
});

export const CompleteSigningSessionSchema = z
  .object({
    signatureValue: base64(16 * 1024)
      .optional()
      .describe(
        'base64 of the raw signature over the DER signed attributes (RSA PKCS#1 v1.5 over DigestInfo(SHA-256, digest), or ECDSA r||s)',
      ),
    cms: base64(512 * 1024)
      .optional()
      .describe('base64 of a whole CMS SignedData the client built around the same attributes'),
  })
  .refine((v) => (v.signatureValue === undefined) !== (v.cms === undefined), {
    path: ['signatureValue'],
    message: 'errors:SIGNING_VALUE_INVALID',
  });

/** A session id as startTokenSession makes it (a UUID); anything else is simply not found. */
function sessionId(req: Request): string {
  const id = String(req.params.id ?? '');
  if (!/^[0-9a-f-]{8,36}$/i.test(id)) throw new AppError('SIGNING_SESSION_NOT_FOUND', 404);
  return id;
}

export function signingSessionsApi(): Router {
  const router = Router();

  router.post(
    '/',
    handle(async (req, res) => {
      const input = parseInput(StartSigningSessionSchema, req.body ?? {}, req.lng, req.t);
      const placement = await checkedPlacement(
        input.documentId,
        input.placement,
        req.user!,
        'outgoing.sign',
      );
      const challenge = await startTokenSession(
        input.documentId,
        { certificate: input.certificate, placement },
        actorOf(req),
      );
      res
        .status(201)
        .location(`/api/v1/signing-sessions/${challenge.sessionId}`)
        .json({ documentId: input.documentId, ...challenge });
    }),
  );

  router.post(
    '/:id/complete',
    handle(async (req, res) => {
      const id = sessionId(req);
      const input = parseInput(CompleteSigningSessionSchema, req.body ?? {}, req.lng, req.t);
      const { documentId } = await finishTokenSession(id, input, actorOf(req));
      res.json(await outgoingDetail(documentId, actorOf(req), { audit: false, t: req.t }));
    }),
  );
  return router;
}
