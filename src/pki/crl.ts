import { DAY, loadCa } from './ca.js';
import { PkiError } from './errors.js';
import { caPaths, withStateLock, writeAtomic } from './store.js';
import { buildCrl, REVOCATION_REASONS, type RevocationReason } from './x509.js';

const normaliseSerial = (serial: string): string => {
  const hex = serial.replace(/[:\s]/g, '').toLowerCase().replace(/^0x/, '');
  if (!/^[0-9a-f]+$/.test(hex))
    throw new PkiError('INVALID_INPUT', `Số hiệu chứng thư không hợp lệ: ${serial}`);
  return hex.replace(/^(00)+(?=[0-9a-f])/, '');
};

/** Marks an issued certificate revoked in the CA state; publish it with generateCrl. */
export function revokeCertificate(
  dir: string,
  serial: string,
  reason: RevocationReason = 'unspecified',
  now: Date = new Date(),
): { serial: string; revokedAt: string; reason: RevocationReason } {
  if (!(reason in REVOCATION_REASONS))
    throw new PkiError('INVALID_INPUT', `Lý do thu hồi không hợp lệ: ${reason}`);
  const hex = normaliseSerial(serial);
  return withStateLock(dir, (state) => {
    const issued = state.issued.find((c) => normaliseSerial(c.serial) === hex);
    if (!issued)
      throw new PkiError('UNKNOWN_SERIAL', `Không tìm thấy chứng thư số có số hiệu ${serial}`);
    if (state.revoked.some((r) => normaliseSerial(r.serial) === hex)) {
      throw new PkiError('ALREADY_REVOKED', `Chứng thư số ${serial} đã bị thu hồi`);
    }
    const entry = { serial: issued.serial, revokedAt: now.toISOString(), reason };
    state.revoked.push(entry);
    return entry;
  });
}

export interface CrlOptions {
  now?: Date;
  validityDays?: number;
}

/** Signs a fresh X.509 v2 CRL listing every revoked serial; writes certs/crl/agency.crl and returns the DER. */
export function generateCrl(dir: string, passphrase: string, options: CrlOptions = {}): Buffer {
  const ca = loadCa(dir, passphrase);
  const now = options.now ?? new Date();
  return withStateLock(dir, (state) => {
    const crlNumber = state.crlNumber + 1;
    const der = buildCrl(
      {
        issuer: ca.subject,
        issuerKeyId: ca.keyId,
        thisUpdate: now,
        nextUpdate: new Date(now.getTime() + (options.validityDays ?? 7) * DAY),
        crlNumber,
        revoked: state.revoked.map((r) => ({
          serial: Buffer.from(r.serial.length % 2 ? '0' + r.serial : r.serial, 'hex'),
          date: new Date(r.revokedAt),
          reason: r.reason,
        })),
      },
      ca.key,
    );
    writeAtomic(caPaths(dir).crl, der);
    state.crlNumber = crlNumber;
    return der;
  });
}
