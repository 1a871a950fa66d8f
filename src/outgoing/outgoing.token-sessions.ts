/**
 * Signing with a token in the signer's hands (USB token helper, mobile app), in two phases over
 * /api/v1/signing-sessions: start → the hash goes to the client → its signature (or CMS) comes
 * back → finish. The prepared signature waits in the database, so any process may finish it.
 * The token's certificate must be registered to the person who signs (signing-keys/
 * token-certificates.ts), checked at the start and again at the finish.
 *   startTokenSession(documentId, { certificate, placement? }, actor) → TokenChallenge
 *   finishTokenSession(sessionId, { signatureValue } | { cms }, actor) → document signed
 */
import { X509Certificate } from 'node:crypto';
import { Op } from 'sequelize';
import { recordAudit } from '../audit/audit.service.js';
import { db } from '../db/index.js';
import { withTransaction } from '../db/transaction.js';
import type { Placement } from '../drafting/placement.js';
import { readStoredFile } from '../files/file-storage.service.js';
import { AppError } from '../http/app-error.js';
import type { Actor } from '../http/request-context.js';
import { authorize } from '../policy/index.js';
import { loadTrustAnchors, parseCertificates } from '../pki/index.js';
import { buildChain, findSignerCertificate, parseCms } from '../signing/index.js';
import { signingSettings } from '../signing-keys/settings.js';
import { activeCredential, timestampsFor } from '../signing-keys/signing-keys.service.js';
import { isRegisteredToken } from '../signing-keys/token-certificates.js';
import {
  finishTokenSigning,
  prepareTokenSigning,
  ProviderError,
  type TokenChallenge,
  type TokenSession,
} from '../signing-providers/index.js';
import { SigningError } from '../signing/errors.js';
import { requireVisibleOutgoing } from './outgoing.access.js';
import { commitSignature, leaderAppearanceAt, mainWithFile } from './outgoing.signing.js';
import { SigningSession } from './signing-session.model.js';
import { layoutOf } from './version-layout.js';
import { DocumentFile } from '../files/file.model.js';
import { StoredFile } from '../files/file.model.js';

/** Sessions a person may have waiting for their token at once. */
const MAX_OPEN_SESSIONS = 20;

/** The certificate the client read from its token: DER or PEM, base64 in JSON. */
function certificateOf(input: string): { certificate: Buffer; chain: Buffer[] } {
  const raw = Buffer.from(String(input ?? ''), 'base64');
  let certs: Buffer[] = [];
  try {
    certs = raw.length ? parseCertificates(raw) : [];
  } catch {
    certs = [];
  }
  if (!certs.length)
    throw new AppError('VALIDATION_FAILED', 422, undefined, {
      certificate: 'errors:SIGNING_CERTIFICATE_INVALID',
    });
  return { certificate: certs[0]!, chain: certs.slice(1) };
}

/**
 * Refuses a token certificate that is not registered to the person signing (a colleague's token,
 * one whose registration ended): audited, nothing else written. Under a delegation the person
 * signing is the delegate, whose own token it must be.
 */
async function requireOwnToken(
  certificates: Buffer[],
  documentId: number,
  actor: Actor,
  phase: 'start' | 'finish',
): Promise<void> {
  const foreign: Buffer[] = [];
  for (const certificate of certificates)
    if (!(await isRegisteredToken(actor.user.id, certificate))) foreign.push(certificate);
  if (!foreign.length) return;
  await recordAudit({
    action: 'outgoing.sign_refused',
    userId: actor.user.id,
    ip: actor.ip,
    entityType: 'outgoing',
    entityId: documentId,
    details: {
      reason: 'SIGNING_TOKEN_NOT_REGISTERED',
      phase,
      serial: new X509Certificate(foreign[0]!).serialNumber.toUpperCase(),
    },
  });
  if (phase === 'start')
    throw new AppError('VALIDATION_FAILED', 422, undefined, {
      certificate: 'errors:SIGNING_TOKEN_NOT_REGISTERED',
    });
  throw new AppError('SIGNING_TOKEN_NOT_REGISTERED', 409);
}

/** The certificate a CMS names as its signer's (among its own and the prepared one), if any. */
function cmsSignerCertificate(cms: Buffer, prepared: Buffer): Buffer | undefined {
  try {
    return findSignerCertificate(parseCms(cms), [prepared]);
  } catch {
    // A malformed CMS is refused by finishTokenSigning with its own message.
    return undefined;
  }
}

const refuseSigning = (err: unknown): never => {
  if (err instanceof ProviderError || err instanceof SigningError)
    throw new AppError('OUTGOING_SIGN_FAILED', 422, undefined, undefined, {
      code: err.code,
      reason: err.vi,
    });
  throw err;
};

export async function startTokenSession(
  documentId: number,
  input: { certificate: string; placement?: Placement },
  actor: Actor,
): Promise<TokenChallenge> {
  const access = await requireVisibleOutgoing(actor.user, documentId);
  authorize(actor.user, 'outgoing.sign', access);
  // A person has a few sessions open at most: each keeps a prepared revision until it expires.
  await SigningSession.destroy({
    where: { userId: actor.user.id, expiresAt: { [Op.lt]: new Date() } },
  });
  const open = await SigningSession.count({ where: { userId: actor.user.id, completedAt: null } });
  if (open >= MAX_OPEN_SESSIONS) throw new AppError('SIGNING_SESSIONS_TOO_MANY', 429);
  const credential = await activeCredential('personal', actor.user.id);
  if (credential?.provider !== 'token') throw new AppError('SIGNING_TOKEN_NOT_CHOSEN', 409);
  const { certificate, chain } = certificateOf(input.certificate);
  // The token's certificate must be one this deployment trusts and valid today: a certificate
  // made up by the client would otherwise put any name on the leader's signature.
  const anchors = loadTrustAnchors(signingSettings().config.certsDir);
  if (!buildChain(certificate, chain, anchors, new Date()).trusted)
    throw new AppError('VALIDATION_FAILED', 422, undefined, {
      certificate: 'errors:SIGNING_CERTIFICATE_UNTRUSTED',
    });
  await requireOwnToken([certificate], documentId, actor, 'start');
  const main = await mainWithFile(documentId);
  const bytes = await readStoredFile(main.file!);
  const found = (await layoutOf(main, async () => bytes)).placements;
  const { session, challenge } = await prepareTokenSigning(bytes, {
    certificate,
    chain,
    // The same block as the server key draws: the mark alone only where the draft prints one.
    appearance: await leaderAppearanceAt(access, actor.user, found, input.placement),
    reason: 'Ký ban hành',
    signingTime: new Date(),
    // Sizes the placeholder for the agency's timestamp, added when the token's value comes back.
    timestamp: await timestampsFor(access.document.agencyId),
  }).catch(refuseSigning);
  // The session keeps a prepared revision of the document for the signer: a change, audited.
  await withTransaction(db(), undefined, async (transaction) => {
    await SigningSession.create(
      {
        id: session.sessionId,
        userId: actor.user.id,
        documentKind: 'outgoing',
        documentId,
        sourceFileId: main.id,
        state: JSON.stringify(session),
        expiresAt: new Date(session.expiresAt),
      },
      { transaction },
    );
    await recordAudit(
      {
        action: 'outgoing.sign_start',
        userId: actor.user.id,
        ip: actor.ip,
        entityType: 'outgoing',
        entityId: documentId,
        details: { version: main.version },
      },
      { transaction },
    );
  });
  return challenge;
}

export async function finishTokenSession(
  sessionId: string,
  response: { signatureValue?: string; cms?: string },
  actor: Actor,
): Promise<{ documentId: number }> {
  const row = await SigningSession.findOne({
    where: { id: String(sessionId).slice(0, 36), userId: actor.user.id, completedAt: null },
  });
  if (!row) throw new AppError('SIGNING_SESSION_NOT_FOUND', 404);
  const access = await requireVisibleOutgoing(actor.user, row.documentId);
  authorize(actor.user, 'outgoing.sign', access);
  const main = await DocumentFile.findByPk(row.sourceFileId);
  if (!main) throw new AppError('SIGNING_SESSION_NOT_FOUND', 404);
  main.file = (await StoredFile.findByPk(main.fileId)) ?? undefined;
  const original = await readStoredFile(main.file!);
  const value = response.cms ?? response.signatureValue;
  if (!value || typeof value !== 'string' || !/^[A-Za-z0-9+/=\s]+$/.test(value))
    throw new AppError('VALIDATION_FAILED', 422, undefined, {
      signatureValue: 'errors:SIGNING_VALUE_INVALID',
    });
  const bytes = Buffer.from(value, 'base64');
  const session = JSON.parse(row.state) as TokenSession;
  // The certificate prepared at the start, and the one a CMS names as its signer: both must be
  // the signer's own registered token (a registration may have ended since the start).
  const prepared = Buffer.from(session.prepared.certificate, 'base64');
  const named = response.cms ? cmsSignerCertificate(bytes, prepared) : undefined;
  await requireOwnToken(
    named && !named.equals(prepared) ? [prepared, named] : [prepared],
    row.documentId,
    actor,
    'finish',
  );
  const signed = await finishTokenSigning(
    session,
    original,
    response.cms ? { cms: bytes } : { signatureValue: bytes },
    { timestamp: session.timestamped ? await timestampsFor(access.document.agencyId) : undefined },
  ).catch(refuseSigning);
  // One finish per session, even when two arrive together.
  const [claimed] = await SigningSession.update(
    { completedAt: new Date() },
    { where: { id: row.id, completedAt: null } },
  );
  if (claimed !== 1) throw new AppError('SIGNING_SESSION_NOT_FOUND', 404);
  await commitSignature(row.documentId, main, signed, 'token', actor);
  return { documentId: row.documentId };
}

/** Sessions past their expiry are removed by the daily sweep. */
export async function sweepSigningSessions(now = new Date()): Promise<number> {
  return SigningSession.destroy({ where: { expiresAt: { [Op.lt]: now } } });
}
