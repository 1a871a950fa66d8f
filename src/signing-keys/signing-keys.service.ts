import { createHash, randomBytes } from 'node:crypto';
import type { Transaction } from 'sequelize';
import { Agency, Department } from '../agencies/agency.model.js';
import { recordAudit } from '../audit/audit.service.js';
import { hydrate } from '../db/hydrate.js';
import { db } from '../db/index.js';
import { rawSelect } from '../db/raw-select.js';
import type { Select } from '../db/select-together.js';
import { withTransaction } from '../db/transaction.js';
import { AppError } from '../http/app-error.js';
import {
  derToPem,
  issueCertificate,
  loadSigningKeyAsync,
  parseCertificates,
  PkiError,
  revokeCertificate,
  type IssuedCertificate,
  type IssueOptions,
  type ScryptParams,
} from '../pki/index.js';
import { httpTimestampProvider } from '../pki/tsa-client.js';
import { buildTimestampToken, type TimestampProvider } from '../signing/index.js';
import { cscProvider, type SignatureProvider } from '../signing-providers/index.js';
import { User } from '../users/user.model.js';
import { keyMatchesCertificate, openedKeyProvider, withPin } from './opened-key-provider.js';
import { wrapKey } from './key-wrap.js';
import { assertPinRule, openWithPin, type PinActor } from './pin-attempts.js';
import { readyCa, sealSecret, signingKeySecret, signingSettings } from './settings.js';
import {
  activeOwnerOf,
  SignerCredential,
  type CredentialKind,
  type SigningProviderKind,
} from './signer-credential.model.js';

export type { PinActor } from './pin-attempts.js';

export interface EnrolOptions {
  /** scrypt cost of the agency key's encryption under the seal secret (default: the configured one). */
  kdf?: ScryptParams;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The credential in force of a person or of an agency's seal, if any. */
export function activeCredential(
  kind: CredentialKind,
  ownerId: number,
  transaction?: Transaction,
): Promise<SignerCredential | null> {
  // Read by hand: every signature and every issuance reads it.
  const { sql, params } = activeCredentialSelect(kind, ownerId);
  return rawSelect<Record<string, unknown>>(db(), sql, params, transaction).then(credentialOf);
}

/** activeCredential's statement, for a caller reading it with others (credentialOf its rows). */
export const activeCredentialSelect = (kind: CredentialKind, ownerId: number): Select => ({
  sql: 'SELECT * FROM signer_credentials WHERE activeOwner = ? LIMIT 1',
  params: [activeOwnerOf(kind, ownerId)],
});

export const credentialOf = ([row]: Record<string, unknown>[]): SignerCredential | null =>
  row ? hydrate(SignerCredential, row) : null;

async function issue(
  organization: string,
  options: Omit<IssueOptions, 'dir' | 'passphrase'>,
): Promise<IssuedCertificate & { dir: string }> {
  const { dir, passphrase } = await readyCa(organization);
  try {
    return { ...issueCertificate({ ...options, dir, passphrase }), dir };
  } catch (e) {
    if (e instanceof PkiError)
      throw new AppError('SIGNING_CA_UNAVAILABLE', 503, undefined, undefined, { detail: e.code });
    throw e;
  }
}

/** The certificate the new credential replaces is revoked at the agency CA (superseded). */
function supersede(dir: string, replaced: SignerCredential | null): void {
  if (!replaced?.certificateSerial) return;
  try {
    revokeCertificate(dir, replaced.certificateSerial, 'superseded');
  } catch (e) {
    // Issued by an earlier CA, or already revoked: nothing more to do here.
    if (!(e instanceof PkiError)) throw e;
  }
}

/**
 * Stores a new credential in force for its owner, revoking the one it replaces, with its audit
 * row, in one transaction; two enrolments at once cannot both be in force (unique activeOwner).
 */
async function replaceCredential(
  kind: CredentialKind,
  ownerId: number,
  values: CredentialValues,
  audit: { action: string; actor: PinActor },
): Promise<{ created: SignerCredential; replaced: SignerCredential | null }> {
  return withTransaction(db(), undefined, async (transaction) => {
    const replaced = await activeCredential(kind, ownerId, transaction);
    if (replaced)
      await replaced.update({ activeOwner: null, revokedAt: new Date() }, { transaction });
    const created = await SignerCredential.create(
      {
        ...values,
        kind,
        activeOwner: activeOwnerOf(kind, ownerId),
        provider: values.provider,
        cscCredentialId: values.cscCredentialId ?? replaced?.cscCredentialId ?? null,
      },
      { transaction },
    );
    await recordAudit(
      {
        action: audit.action,
        userId: audit.actor.userId,
        ip: audit.actor.ip,
        entityType: 'signer_credential',
        entityId: created.id,
        details: {
          ...(kind === 'personal' ? { ownerId } : { agencyId: ownerId }),
          provider: created.provider,
          serial: created.certificateSerial,
          replaced: replaced?.id ?? null,
        },
      },
      { transaction },
    );
    return { created, replaced };
  });
}

interface CredentialValues {
  agencyId: number;
  userId: number | null;
  provider: SigningProviderKind;
  certificate: Buffer;
  chain: string;
  certificateSerial: string;
  encryptedKey: string;
  cscCredentialId: string | null;
  createdById: number | null;
}

const chainPem = (chain: Buffer[]) => chain.map((c) => derToPem(c, 'CERTIFICATE')).join('');

/**
 * Issues the person a signing certificate from the agency CA (created on first use outside
 * production) and keeps its key on the server wrapped under the server's signing key secret and
 * their signing PIN (6–12 digits), which is not stored. The server-held key becomes their
 * provider; an earlier key is revoked.
 */
export async function enrolServerKey(
  userId: number,
  pin: string,
  actor: PinActor,
): Promise<SignerCredential> {
  assertPinRule(pin);
  // Before any certificate is issued: 503 when production has no secret to wrap the key under.
  const kek = signingKeySecret();
  const user = await User.findByPk(userId);
  if (!user) throw new AppError('USER_NOT_FOUND', 404);
  const [agency, department] = await Promise.all([
    Agency.findByPk(user.agencyId),
    user.departmentId ? Department.findByPk(user.departmentId) : null,
  ]);
  const issued = await issue(agency?.name ?? 'eOffice', {
    type: 'person',
    commonName: user.fullName,
    title: user.positionTitle ?? undefined,
    email: user.email && EMAIL.test(user.email) ? user.email : undefined,
    organization: agency?.name,
    organizationalUnit: department?.name,
    protectKey: (key) => wrapKey(key, pin, kek),
  });
  const { created, replaced } = await replaceCredential(
    'personal',
    user.id,
    {
      agencyId: user.agencyId,
      userId: user.id,
      provider: 'server-key',
      certificate: issued.certificate,
      chain: chainPem(issued.chain),
      certificateSerial: issued.serial,
      encryptedKey: issued.encryptedKeyPem,
      cscCredentialId: null,
      createdById: actor.userId,
    },
    { action: 'signing_key.enrol', actor },
  );
  supersede(issued.dir, replaced);
  return created;
}

/**
 * Issues the agency's seal certificate (the organisation as subject), its key under the seal
 * secret, and with it the agency's timestamp authority: its signatures made in the application
 * carry a time the verifier can trust after the signers' certificates expire.
 */
export async function enrolAgencySeal(
  agencyId: number,
  actor: PinActor,
  options: EnrolOptions = {},
): Promise<SignerCredential> {
  const agency = await Agency.findByPk(agencyId);
  if (!agency) throw new AppError('AGENCY_NOT_FOUND', 404);
  const secret = sealSecret();
  if (secret.length < 8) throw new AppError('SIGNING_SEAL_SECRET_MISSING', 503);
  const seal = await enrolAgencyKey(agency, 'seal', agency.name, secret, actor, options);
  const tsaName = `Dấu thời gian - ${agency.name}`.slice(0, 64);
  await enrolAgencyKey(agency, 'tsa', tsaName, secret, actor, options);
  return seal;
}

/**
 * One key the agency's server holds under the seal secret, issued by the agency CA: the seal, or
 * the timestamp authority (a key for timeStamping only). It replaces the one in force, whose
 * certificate is revoked.
 */
async function enrolAgencyKey(
  agency: Agency,
  kind: 'seal' | 'tsa',
  commonName: string,
  secret: string,
  actor: PinActor,
  options: EnrolOptions,
): Promise<SignerCredential> {
  const issued = await issue(agency.name, {
    type: kind,
    commonName,
    organization: agency.name,
    pin: secret,
    kdf: options.kdf ?? signingSettings().kdf,
  });
  const { created, replaced } = await replaceCredential(
    kind,
    agency.id,
    {
      agencyId: agency.id,
      userId: null,
      provider: 'server-key',
      certificate: issued.certificate,
      chain: chainPem(issued.chain),
      certificateSerial: issued.serial,
      encryptedKey: issued.encryptedKeyPem,
      cscCredentialId: null,
      createdById: actor.userId,
    },
    { action: kind === 'seal' ? 'signing_key.seal_enrol' : 'signing_key.tsa_enrol', actor },
  );
  supersede(issued.dir, replaced);
  return created;
}

async function personalCredential(userId: number): Promise<SignerCredential> {
  const row = await activeCredential('personal', userId);
  if (!row) throw new AppError('SIGNING_NOT_ENROLLED', 409);
  return row;
}

/**
 * Changes the signing PIN: the current PIN opens the key (a wrong one is counted like any other)
 * and the key is wrapped again under the new PIN (a key stored in the scrypt format leaves it).
 */
export async function changePin(
  userId: number,
  oldPin: string,
  newPin: string,
  actor: PinActor,
): Promise<void> {
  assertPinRule(newPin, 'newPin');
  const row = await personalCredential(userId);
  if (!row.hasServerKey()) throw new AppError('SIGNING_NOT_ENROLLED', 409);
  const kek = signingKeySecret();
  const key = await openWithPin(row, oldPin, actor, { rewrap: false });
  const encryptedKey = wrapKey(key, newPin, kek);
  await withTransaction(db(), undefined, async (transaction) => {
    // Only the key the old PIN opened is replaced: a new enrolment meanwhile stays.
    const [changed] = await SignerCredential.update(
      { encryptedKey },
      { where: { id: row.id, revokedAt: null, encryptedKey: row.encryptedKey! }, transaction },
    );
    if (changed !== 1) throw new AppError('CONFLICT', 409);
    await recordAudit(
      {
        action: 'signing_key.pin_change',
        userId: actor.userId,
        ip: actor.ip,
        entityType: 'signer_credential',
        entityId: row.id,
      },
      { transaction },
    );
  });
}

/** Which providers this installation offers: the server key always, CSC and token when configured. */
export function offeredProviders(): SigningProviderKind[] {
  const { config } = signingSettings();
  return [
    'server-key',
    ...(config.csc ? (['csc'] as const) : []),
    ...(config.signingTokenEnabled ? (['token'] as const) : []),
  ];
}

/** Chooses how the person signs; the server key needs an enrolment, CSC and token their configuration. */
export async function chooseProvider(
  userId: number,
  choice: { provider: SigningProviderKind; cscCredentialId?: string | null },
  actor: PinActor,
): Promise<SignerCredential> {
  if (!offeredProviders().includes(choice.provider))
    throw new AppError('SIGNING_PROVIDER_UNAVAILABLE', 422, undefined, {
      provider: 'errors:SIGNING_PROVIDER_UNAVAILABLE',
    });
  const user = await User.findByPk(userId);
  if (!user) throw new AppError('USER_NOT_FOUND', 404);
  return withTransaction(db(), undefined, async (transaction) => {
    let row = await activeCredential('personal', userId, transaction);
    if (choice.provider === 'server-key' && !row?.hasServerKey())
      throw new AppError('SIGNING_NOT_ENROLLED', 422, undefined, {
        provider: 'errors:SIGNING_NOT_ENROLLED',
      });
    const cscCredentialId =
      choice.provider === 'csc' ? choice.cscCredentialId?.trim() || null : row?.cscCredentialId;
    if (row) await row.update({ provider: choice.provider, cscCredentialId }, { transaction });
    else
      row = await SignerCredential.create(
        {
          kind: 'personal',
          agencyId: user.agencyId,
          userId,
          activeOwner: activeOwnerOf('personal', userId),
          provider: choice.provider,
          certificate: null,
          chain: null,
          certificateSerial: null,
          encryptedKey: null,
          cscCredentialId: cscCredentialId ?? null,
          createdById: actor.userId,
        },
        { transaction },
      );
    await recordAudit(
      {
        action: 'signing_key.provider',
        userId: actor.userId,
        ip: actor.ip,
        entityType: 'signer_credential',
        entityId: row.id,
        details: { provider: choice.provider, cscCredentialId: row.cscCredentialId },
      },
      { transaction },
    );
    return row;
  });
}

const chainOf = (row: SignerCredential): Buffer[] =>
  row.chain ? parseCertificates(Buffer.from(row.chain)) : [];

export interface SignerForOptions {
  /** The signing PIN the person typed (server key: checked and counted; CSC: sent as authData). */
  pin?: string;
  /** The request's address, for the audit rows of wrong PINs. */
  ip?: string | null;
}

/**
 * The signature provider of a person, ready for signPdfWith. Server-held key: the PIN is checked
 * here (counted, locked after PIN_MAX_ATTEMPTS wrong ones) and the provider signs any number of
 * documents without asking again; remote CSC: the configured service with the person's
 * credential; a token in their hands: SIGNING_USE_TOKEN_SESSION (use the two-phase session).
 */
export async function signerFor(
  user: User | number,
  options: SignerForOptions = {},
): Promise<SignatureProvider> {
  const userId = typeof user === 'number' ? user : user.id;
  const row = await personalCredential(userId);
  const actor = { userId, ip: options.ip ?? null };
  switch (row.provider) {
    case 'server-key': {
      const key = await openWithPin(row, options.pin, actor);
      return openedKeyProvider(key, row.certificate!, chainOf(row));
    }
    case 'csc': {
      const csc = signingSettings().config.csc;
      if (!csc) throw new AppError('SIGNING_PROVIDER_UNAVAILABLE', 503);
      const username =
        typeof user === 'number' ? (await User.findByPk(userId))?.username : user.username;
      const provider = cscProvider({
        baseUrl: csc.baseUrl,
        accessToken: csc.accessToken || undefined,
        clientId: csc.clientId || undefined,
        clientSecret: csc.clientSecret || undefined,
        tokenUrl: csc.tokenUrl || undefined,
        timeoutMs: csc.timeoutMs,
        pollIntervalMs: csc.pollIntervalMs,
        approvalTimeoutMs: csc.approvalTimeoutMs,
        credentialId: row.cscCredentialId ?? undefined,
        userId: username,
      });
      return withPin(provider, options.pin);
    }
    case 'token':
      throw new AppError('SIGNING_USE_TOKEN_SESSION', 409);
  }
}

// Seal keys opened in this process, by credential: one scrypt per credential, not per seal.
const openedSeals = new Map<string, Promise<SignatureProvider>>();

/**
 * The seal's provider, built once per process for one credential's certificate and chain: its
 * key opened, its certificates parsed (the engine's caches of parsed certificates are keyed by
 * these buffers, so every seal of the process reuses them). The row is read on every issuance,
 * so a rotated or revoked seal is never used from here.
 */
async function openSeal(row: SignerCredential): Promise<SignatureProvider> {
  // Keyed by the certificate and chain too: a row id names another credential once the table is
  // rebuilt.
  const digest = (bytes: Buffer | string | null) =>
    bytes ? createHash('sha256').update(bytes).digest('hex') : '';
  const key = `${row.id}:${digest(row.certificate)}:${digest(row.chain)}`;
  let opening = openedSeals.get(key);
  if (!opening) {
    const certificate = row.certificate!;
    const chain = chainOf(row);
    opening = loadSigningKeyAsync(row.encryptedKey!, sealSecret()).then((key) => {
      if (!keyMatchesCertificate(key, certificate))
        throw new PkiError('WRONG_PIN', 'the seal key is not the certificate’s');
      return openedKeyProvider(key, certificate, chain);
    });
    openedSeals.set(key, opening);
    opening.catch(() => openedSeals.delete(key));
  }
  try {
    return await opening;
  } catch (e) {
    if (e instanceof PkiError) throw new AppError('SIGNING_SEAL_KEY_UNREADABLE', 503);
    throw e;
  }
}

// An OID of its own for the agency authority's policy (X.667: 2.25 and a UUID, no registry).
const AGENCY_TSA_POLICY = '2.25.178743291904537358128823645935632915027';

/**
 * What stamps the signatures made in the application with a trusted time: the authority named by
 * TSA_URL when one is configured, else the agency's own (enrolled with its seal), else none (the
 * signatures are then checked against their certificates' validity at verification).
 */
export async function timestampsFor(agencyId: number): Promise<TimestampProvider | undefined> {
  if (signingSettings().config.tsaUrl) return timestampsOf(null);
  return timestampsOf(await activeCredential('tsa', agencyId));
}

/** timestampsFor with the agency authority's credential read by the caller (activeCredentialSelect). */
export async function timestampsOf(
  row: SignerCredential | null,
): Promise<TimestampProvider | undefined> {
  const { tsaUrl } = signingSettings().config;
  if (tsaUrl) return httpTimestampProvider(tsaUrl);
  if (!row?.hasServerKey()) return undefined;
  const authority = await openSeal(row);
  const { certificate, chain, algorithm } = await authority.certificate();
  return {
    // Its certificates, signature and TSTInfo: a tight reserve keeps the signature's hole (hex,
    // twice the reserve) from padding every signed file with tens of kilobytes.
    maxTokenSize: certificate.length + chain.reduce((n, c) => n + c.length, 0) + 2048,
    timestamp: (digest) =>
      buildTimestampToken(
        { digest, policy: AGENCY_TSA_POLICY, serial: randomBytes(16), time: new Date() },
        {
          certificate,
          chain,
          algorithm,
          sign: (toBeSigned) =>
            authority.signDigest(createHash('sha256').update(toBeSigned).digest(), {
              toBeSigned,
            }),
        },
      ),
  };
}

/** The agency's seal signature provider (no PIN: the server holds the key under its seal secret). */
export async function sealSignerFor(agencyId: number): Promise<SignatureProvider> {
  return sealSignerOf(await activeCredential('seal', agencyId));
}

/** The seal's provider from its credential in force (read by activeCredentialSelect). */
export async function sealSignerOf(row: SignerCredential | null): Promise<SignatureProvider> {
  if (!row?.hasServerKey()) throw new AppError('SIGNING_SEAL_NOT_ENROLLED', 409);
  return openSeal(row);
}
