import { X509Certificate } from 'node:crypto';
import { SigningError } from '../errors.js';
import { children, content, decodeOid, raw, readNode, type Node } from './der.js';

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

/** What a certificate's extensions allow its key to do (RFC 5280 4.2.1.3, 4.2.1.9, 4.2.1.12). */
export interface CertificateUsage {
  /** KeyUsage bits set (0 digitalSignature, 1 nonRepudiation, 5 keyCertSign…); absent: any. */
  keyUsage?: Set<number>;
  /** ExtendedKeyUsage purposes; absent: any. */
  extendedKeyUsage?: string[];
  /** BasicConstraints cA. */
  ca: boolean;
  /** The certificate has a BasicConstraints extension at all. */
  hasBasicConstraints: boolean;
  /** BasicConstraints pathLenConstraint. */
  pathLength?: number;
  /** The extensions could not be read: nothing the key may do can be known. */
  unreadable?: boolean;
}

function bitsOf(der: Buffer, node: Node): Set<number> {
  const bytes = content(der, node);
  const set = new Set<number>();
  for (let i = 1; i < bytes.length; i++)
    for (let b = 0; b < 8; b++) if (bytes[i]! & (0x80 >> b)) set.add((i - 1) * 8 + b);
  return set;
}

/** Reads the KeyUsage, ExtendedKeyUsage and BasicConstraints of a DER certificate. */
export function certificateUsage(der: Buffer): CertificateUsage {
  const out: CertificateUsage = { ca: false, hasBasicConstraints: false };
  try {
    const tbs = children(der, children(der, readNode(der, 0))[0]!);
    const exts = tbs.find((n) => n.tag === 0xa3);
    if (!exts) return out;
    for (const ext of children(der, children(der, exts)[0]!)) {
      const parts = children(der, ext);
      const id = decodeOid(der, parts[0]!);
      const value = parts[parts.length - 1]!;
      const inner = readNode(der, value.contentStart);
      if (id === '2.5.29.15') out.keyUsage = bitsOf(der, inner);
      else if (id === '2.5.29.37')
        out.extendedKeyUsage = children(der, inner).map((n) => decodeOid(der, n));
      else if (id === '2.5.29.19') {
        out.hasBasicConstraints = true;
        const [first, second] = children(der, inner);
        if (first?.tag === 0x01) out.ca = content(der, first)[0] !== 0;
        const len = first?.tag === 0x02 ? first : second?.tag === 0x02 ? second : undefined;
        if (len) out.pathLength = content(der, len).reduce((n, b) => n * 256 + b, 0);
      }
    }
  } catch {
    return { ca: false, hasBasicConstraints: false, unreadable: true };
  }
  return out;
}
