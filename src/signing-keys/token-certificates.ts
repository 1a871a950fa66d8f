/**
 * The certificates of the tokens a person signs with (USB token, mobile app), registered to them
 * (issue 12 §3.3): a token signature is accepted only with a certificate registered to the person
 * who signs, so nobody signs under their own name with a colleague's token. A registration is a
 * signer_credentials row of kind 'token' (several per person; none is "in force" alone).
 *   registerTokenCertificate(userId, bytes, actor) → SignerCredential   PEM or DER, chain after it
 *   revokeTokenCertificate(userId, credentialId, actor)
 *   tokenCertificatesOf(userId) → registrations in force
 *   isRegisteredToken(userId, certificate) → boolean
 */
import { X509Certificate } from 'node:crypto';
import { Op, type Transaction } from 'sequelize';
import { recordAudit } from '../audit/audit.service.js';
import { db } from '../db/index.js';
import { withTransaction } from '../db/transaction.js';
import { AppError } from '../http/app-error.js';
import { derToPem, loadTrustAnchors, parseCertificates } from '../pki/index.js';
import { buildChain } from '../signing/index.js';
import { User } from '../users/user.model.js';
import type { PinActor } from './pin-attempts.js';
import { signingSettings } from './settings.js';
import { SignerCredential } from './signer-credential.model.js';

const refuse = (code: string, status = 422) =>
  new AppError('VALIDATION_FAILED', status, undefined, { certificate: `errors:${code}` });

/** A name as certificates write it: without diacritics, in capitals, single spaces. */
export function foldPersonName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'D')
    .toUpperCase()
    .replace(/\s+/g, ' ')
    .trim();
}

const commonNameOf = (cert: X509Certificate): string =>
  cert.subject
    .split('\n')
    .find((line) => line.startsWith('CN='))
    ?.slice(3) ?? '';

/** The certificates given (PEM bundle or DER): the token's first, its chain after it. */
function certificatesOf(bytes: Buffer): Buffer[] {
  try {
    return bytes.length ? parseCertificates(bytes) : [];
  } catch {
    return [];
  }
}

/** The person's registrations in force. */
export function tokenCertificatesOf(
  userId: number,
  transaction?: Transaction,
): Promise<SignerCredential[]> {
  return SignerCredential.findAll({
    where: { kind: 'token', userId, revokedAt: null },
    order: [['id', 'ASC']],
    transaction,
  });
}

/** Whether `certificate` (DER) is one of the person's registered token certificates in force. */
export async function isRegisteredToken(
  userId: number,
  certificate: Buffer,
  transaction?: Transaction,
): Promise<boolean> {
  const rows = await tokenCertificatesOf(userId, transaction);
  return rows.some(
    (row) => row.certificate != null && Buffer.from(row.certificate).equals(certificate),
  );
}

/**
 * Registers a token's certificate to the person: it must chain to an authority this deployment
 * trusts, be valid today and name this person (its common name is their full name, diacritics
 * aside). A certificate registered to someone else is refused; registering one again is a no-op.
 */
export async function registerTokenCertificate(
  userId: number,
  bytes: Buffer,
  actor: PinActor,
): Promise<SignerCredential> {
  const user = await User.findByPk(userId);
  if (!user) throw new AppError('USER_NOT_FOUND', 404);
  const [certificate, ...chain] = certificatesOf(bytes);
  if (!certificate) throw refuse('SIGNING_CERTIFICATE_INVALID');
  const anchors = loadTrustAnchors(signingSettings().config.certsDir);
  if (!buildChain(certificate, chain, anchors, new Date()).trusted)
    throw refuse('SIGNING_CERTIFICATE_UNTRUSTED');
  const x509 = new X509Certificate(certificate);
  if (foldPersonName(commonNameOf(x509)) !== foldPersonName(user.fullName))
    throw refuse('SIGNING_CERTIFICATE_NOT_THEIRS');
  const serial = x509.serialNumber.toUpperCase();
  return withTransaction(db(), undefined, async (transaction) => {
    const sameSerial = await SignerCredential.findAll({
      where: { kind: 'token', certificateSerial: serial, revokedAt: null },
      transaction,
    });
    const same = sameSerial.filter(
      (r) => r.certificate && Buffer.from(r.certificate).equals(certificate),
    );
    const mine = same.find((r) => r.userId === userId);
    if (mine) return mine;
    if (same.length) throw refuse('SIGNING_CERTIFICATE_TAKEN', 409);
    const created = await SignerCredential.create(
      {
        kind: 'token',
        agencyId: user.agencyId,
        userId,
        activeOwner: null,
        provider: 'token',
        certificate,
        chain: chain.map((c) => derToPem(c, 'CERTIFICATE')).join(''),
        certificateSerial: serial,
        encryptedKey: null,
        cscCredentialId: null,
        createdById: actor.userId,
      },
      { transaction },
    );
    await recordAudit(
      {
        action: 'signing_key.token_register',
        userId: actor.userId,
        ip: actor.ip,
        entityType: 'signer_credential',
        entityId: created.id,
        details: { ownerId: userId, serial, commonName: commonNameOf(x509) },
      },
      { transaction },
    );
    return created;
  });
}

/** Ends a registration of the person's: the token signs for them no more. */
export async function revokeTokenCertificate(
  userId: number,
  credentialId: number,
  actor: PinActor,
): Promise<void> {
  await withTransaction(db(), undefined, async (transaction) => {
    const [revoked] = await SignerCredential.update(
      { revokedAt: new Date() },
      {
        where: { id: credentialId, kind: 'token', userId, revokedAt: { [Op.is]: null } },
        transaction,
      },
    );
    if (revoked !== 1) throw new AppError('SIGNING_TOKEN_NOT_FOUND', 404);
    await recordAudit(
      {
        action: 'signing_key.token_revoke',
        userId: actor.userId,
        ip: actor.ip,
        entityType: 'signer_credential',
        entityId: credentialId,
        details: { ownerId: userId },
      },
      { transaction },
    );
  });
}
