import { X509Certificate } from 'node:crypto';
import { activeCredential, offeredProviders } from './signing-keys.service.js';
import { PIN_MAX_ATTEMPTS } from './pin-attempts.js';
import type { SignerCredential, SigningProviderKind } from './signer-credential.model.js';

export interface CertificateSummary {
  commonName: string;
  /** The subject, one attribute per entry (C=VN, O=…, CN=…). */
  subject: string[];
  issuer: string;
  serial: string;
  validFrom: Date;
  validTo: Date;
  isExpired: boolean;
}

export interface SignerSetup {
  /** How the person signs; null before any choice. */
  provider: SigningProviderKind | null;
  /** A server-held key issued by the agency CA exists. */
  hasServerKey: boolean;
  certificate: CertificateSummary | null;
  cscCredentialId: string | null;
  /** Set while wrong PINs keep the key locked. */
  pinLockedUntil: Date | null;
  /** Wrong PINs left before the lock. */
  attemptsLeft: number;
  offered: SigningProviderKind[];
  createdAt: Date | null;
}

const attribute = (dn: string, name: string) =>
  dn
    .split('\n')
    .find((line) => line.startsWith(`${name}=`))
    ?.slice(name.length + 1) ?? '';

/** What a certificate says, for people. */
export function certificateSummary(der: Buffer, now = new Date()): CertificateSummary {
  const cert = new X509Certificate(der);
  const validTo = new Date(cert.validTo);
  return {
    commonName: attribute(cert.subject, 'CN'),
    subject: cert.subject.split('\n'),
    issuer: attribute(cert.issuer, 'CN') || cert.issuer.replace(/\n/g, ', '),
    serial: cert.serialNumber.toUpperCase(),
    validFrom: new Date(cert.validFrom),
    validTo,
    isExpired: validTo < now,
  };
}

function setupOf(row: SignerCredential | null, now = new Date()): SignerSetup {
  const locked = row?.pinLockedUntil && row.pinLockedUntil > now ? row.pinLockedUntil : null;
  return {
    provider: row?.provider ?? null,
    hasServerKey: row?.hasServerKey() ?? false,
    certificate: row?.certificate ? certificateSummary(row.certificate, now) : null,
    cscCredentialId: row?.cscCredentialId ?? null,
    pinLockedUntil: locked,
    attemptsLeft: locked ? 0 : Math.max(0, PIN_MAX_ATTEMPTS - (row?.failedPinCount ?? 0)),
    offered: offeredProviders(),
    createdAt: row?.createdAt ?? null,
  };
}

/** A person's signing setup as the profile page shows it. */
export async function signerSetupOf(userId: number): Promise<SignerSetup> {
  return setupOf(await activeCredential('personal', userId));
}

/** An agency's seal credential as the administration page shows it. */
export async function sealSetupOf(agencyId: number): Promise<SignerSetup> {
  return setupOf(await activeCredential('seal', agencyId));
}

/** The agency's own timestamp authority (enrolled with the seal), as the seal page shows it. */
export async function timestampAuthorityOf(agencyId: number): Promise<SignerSetup> {
  return setupOf(await activeCredential('tsa', agencyId));
}
