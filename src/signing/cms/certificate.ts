import { X509Certificate } from 'node:crypto';
import { SigningError } from '../errors.js';
import { children, content, decodeOid, raw, readNode } from './der.js';

export interface CertFields {
  der: Buffer;
  /** DER of the serialNumber INTEGER (whole TLV). */
  serial: Buffer;
  /** DER of the issuer Name. */
  issuer: Buffer;
  /** DER of the subject Name. */
  subject: Buffer;
  /** Serial as lower-case hex without leading zeros. */
  serialHex: string;
}

/** Extracts the fields CMS needs from a DER certificate without re-encoding anything. */
export function certFields(der: Buffer): CertFields {
  try {
    const cert = readNode(der, 0);
    const tbs = children(der, cert)[0]!;
    const f = children(der, tbs);
    const i = f[0]!.tag === 0xa0 ? 1 : 0;
    const serial = f[i]!;
    const serialBytes = content(der, serial);
    return {
      der: der.subarray(cert.start, cert.end),
      serial: raw(der, serial),
      issuer: raw(der, f[i + 2]!),
      subject: raw(der, f[i + 4]!),
      serialHex: serialBytes.toString('hex').replace(/^(00)+(?=.)/, '') || '0',
    };
  } catch {
    throw new SigningError('CERTIFICATE_INVALID', 'certificate is not valid DER');
  }
}

/**
 * Certificates parsed once per buffer: an opened key signs many documents with the same
 * certificate bytes, and parsing them was about a millisecond a signature.
 */
const parsed = new WeakMap<Buffer, X509Certificate>();

export function parseX509(der: Buffer): X509Certificate {
  const known = parsed.get(der);
  if (known) return known;
  try {
    const certificate = new X509Certificate(der);
    parsed.set(der, certificate);
    return certificate;
  } catch {
    throw new SigningError('CERTIFICATE_INVALID', 'certificate cannot be parsed');
  }
}

/** Accepts a DER or PEM certificate and returns DER. */
export function toDer(cert: Buffer): Buffer {
  if (cert[0] === 0x30) return cert;
  return Buffer.from(parseX509(cert).raw);
}

/** Value of the subjectKeyIdentifier extension, if any. */
export function subjectKeyId(der: Buffer): Buffer | undefined {
  try {
    const tbs = children(der, children(der, readNode(der, 0))[0]!);
    const exts = tbs.find((n) => n.tag === 0xa3);
    if (!exts) return undefined;
    for (const ext of children(der, children(der, exts)[0]!)) {
      const parts = children(der, ext);
      if (decodeOid(der, parts[0]!) !== '2.5.29.14') continue;
      const outer = parts[parts.length - 1]!;
      return content(der, readNode(der, outer.contentStart));
    }
  } catch {
    return undefined;
  }
  return undefined;
}
