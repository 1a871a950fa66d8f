import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import {
  bits,
  bool,
  explicit,
  fromDer,
  ia5,
  implicitPrimitive,
  octets,
  oid,
  printable,
  seq,
  set,
  time,
  toDer,
  uint,
  utf8,
  type Node,
} from './der.js';
import { signBytes, signatureAlgorithm, spkiOf } from './keys.js';

export const OIDS = {
  countryName: '2.5.4.6',
  stateOrProvinceName: '2.5.4.8',
  localityName: '2.5.4.7',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  title: '2.5.4.12',
  commonName: '2.5.4.3',
  emailAddress: '1.2.840.113549.1.9.1',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  crlNumber: '2.5.29.20',
  crlReason: '2.5.29.21',
  crlDistributionPoints: '2.5.29.31',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  documentSigning: '1.3.6.1.5.5.7.3.36',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
} as const;

/** Distinguished name fields, written in this order (C, ST, L, O, OU, title, CN, email). */
export interface DistinguishedName {
  country?: string;
  province?: string;
  locality?: string;
  organization?: string;
  organizationalUnit?: string;
  title?: string;
  commonName: string;
  email?: string;
}

export function encodeName(dn: DistinguishedName): Node {
  const rdn = (type: string, value: Node) => set([seq([oid(type), value])]);
  const parts: Node[] = [];
  if (dn.country) parts.push(rdn(OIDS.countryName, printable(dn.country)));
  if (dn.province) parts.push(rdn(OIDS.stateOrProvinceName, utf8(dn.province)));
  if (dn.locality) parts.push(rdn(OIDS.localityName, utf8(dn.locality)));
  if (dn.organization) parts.push(rdn(OIDS.organizationName, utf8(dn.organization)));
  if (dn.organizationalUnit)
    parts.push(rdn(OIDS.organizationalUnitName, utf8(dn.organizationalUnit)));
  if (dn.title) parts.push(rdn(OIDS.title, utf8(dn.title)));
  parts.push(rdn(OIDS.commonName, utf8(dn.commonName)));
  if (dn.email) parts.push(rdn(OIDS.emailAddress, ia5(dn.email)));
  return seq(parts);
}

/** KeyUsage bit numbers (RFC 5280 4.2.1.3). */
export const KEY_USAGE = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  keyCertSign: 5,
  cRLSign: 6,
} as const;

export interface Extension {
  id: string;
  critical?: boolean;
  value: Node;
}

function encodeExtension(ext: Extension): Node {
  const parts: Node[] = [oid(ext.id)];
  if (ext.critical) parts.push(bool(true));
  parts.push(octets(toDer(ext.value)));
  return seq(parts);
}

export function keyUsageExtension(usages: (keyof typeof KEY_USAGE)[]): Extension {
  let mask = 0;
  for (const u of usages) mask |= 1 << (15 - KEY_USAGE[u]);
  const bytes = Buffer.from([mask >> 8, mask & 0xff]);
  const used = bytes[1] === 0 ? bytes.subarray(0, 1) : bytes;
  const last = used[used.length - 1]!;
  let unused = 0;
  while (unused < 7 && (last & (1 << unused)) === 0) unused++;
  const bitString = forge.asn1.create(
    forge.asn1.Class.UNIVERSAL,
    forge.asn1.Type.BITSTRING,
    false,
    String.fromCharCode(unused) + used.toString('binary'),
  );
  return { id: OIDS.keyUsage, critical: true, value: bitString };
}

export const basicConstraintsExtension = (isCa: boolean, pathLength?: number): Extension => ({
  id: OIDS.basicConstraints,
  critical: true,
  value: seq(isCa ? [bool(true), ...(pathLength === undefined ? [] : [uint(pathLength)])] : []),
});

export const extKeyUsageExtension = (purposes: string[], critical = false): Extension => ({
  id: OIDS.extKeyUsage,
  ...(critical ? { critical } : {}),
  value: seq(purposes.map(oid)),
});

export const subjectKeyIdExtension = (keyId: Buffer): Extension => ({
  id: OIDS.subjectKeyIdentifier,
  value: octets(keyId),
});

export const authorityKeyIdExtension = (keyId: Buffer): Extension => ({
  id: OIDS.authorityKeyIdentifier,
  value: seq([implicitPrimitive(0, keyId.toString('binary'))]),
});

export const emailAltNameExtension = (email: string): Extension => ({
  id: OIDS.subjectAltName,
  value: seq([implicitPrimitive(1, email)]),
});

export const crlDistributionPointExtension = (url: string): Extension => ({
  id: OIDS.crlDistributionPoints,
  // DistributionPoint { distributionPoint [0] { fullName [0] { uniformResourceIdentifier [6] } } }
  value: seq([
    seq([
      forge.asn1.create(forge.asn1.Class.CONTEXT_SPECIFIC, 0, true, [
        forge.asn1.create(forge.asn1.Class.CONTEXT_SPECIFIC, 0, true, [implicitPrimitive(6, url)]),
      ]),
    ]),
  ]),
});

/** Key identifier: SHA-1 of the subjectPublicKey BIT STRING contents (RFC 5280 4.2.1.2 method 1). */
export function keyIdentifier(key: KeyObject): Buffer {
  return createHash('sha1').update(spkiOf(key).subjectPublicKey).digest();
}

/** A random positive 16-byte serial number with its top bits fixed so it always takes 16 bytes. */
export function randomSerial(): Buffer {
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  return serial;
}

export interface CertificateTemplate {
  serial: Buffer;
  issuer: DistinguishedName | Node;
  subject: DistinguishedName;
  notBefore: Date;
  notAfter: Date;
  publicKey: KeyObject;
  extensions: Extension[];
}

const nameNode = (name: DistinguishedName | Node): Node =>
  'commonName' in name ? encodeName(name) : name;

/** Builds and signs an X.509 v3 certificate with node:crypto; returns DER. */
export function buildCertificate(template: CertificateTemplate, issuerKey: KeyObject): Buffer {
  const algorithm = signatureAlgorithm(issuerKey);
  const tbs = seq([
    explicit(0, uint(2)),
    uint(template.serial),
    algorithm,
    nameNode(template.issuer),
    seq([time(template.notBefore), time(template.notAfter)]),
    encodeName(template.subject),
    fromDer(spkiOf(template.publicKey).spki),
    explicit(3, seq(template.extensions.map(encodeExtension))),
  ]);
  return signStructure(tbs, issuerKey);
}

/** SEQUENCE { tbs, algorithm, BIT STRING signature } as used by certificates and CRLs. */
export function signStructure(tbs: Node, key: KeyObject): Buffer {
  const tbsDer = toDer(tbs);
  const signature = signBytes(key, tbsDer);
  return toDer(seq([fromDer(tbsDer), signatureAlgorithm(key), bits(signature)]));
}

export type RevocationReason =
  | 'unspecified'
  | 'keyCompromise'
  | 'cACompromise'
  | 'affiliationChanged'
  | 'superseded'
  | 'cessationOfOperation'
  | 'certificateHold'
  | 'privilegeWithdrawn';

export const REVOCATION_REASONS: Record<RevocationReason, number> = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  privilegeWithdrawn: 9,
};

export interface CrlTemplate {
  issuer: Node;
  issuerKeyId: Buffer;
  thisUpdate: Date;
  nextUpdate: Date;
  crlNumber: number;
  revoked: { serial: Buffer; date: Date; reason: RevocationReason }[];
}

/** Builds and signs an X.509 v2 CRL (RFC 5280 section 5); returns DER. */
export function buildCrl(template: CrlTemplate, issuerKey: KeyObject): Buffer {
  const entries = template.revoked.map((r) => {
    const reason = forge.asn1.create(
      forge.asn1.Class.UNIVERSAL,
      forge.asn1.Type.ENUMERATED,
      false,
      String.fromCharCode(REVOCATION_REASONS[r.reason]),
    );
    const parts: Node[] = [uint(r.serial), time(r.date)];
    if (r.reason !== 'unspecified')
      parts.push(seq([encodeExtension({ id: OIDS.crlReason, value: reason })]));
    return seq(parts);
  });
  const tbsParts: Node[] = [
    uint(1),
    signatureAlgorithm(issuerKey),
    template.issuer,
    time(template.thisUpdate),
    time(template.nextUpdate),
  ];
  if (entries.length > 0) tbsParts.push(seq(entries));
  tbsParts.push(
    explicit(
      0,
      seq([
        encodeExtension(authorityKeyIdExtension(template.issuerKeyId)),
        encodeExtension({ id: OIDS.crlNumber, value: uint(template.crlNumber) }),
      ]),
    ),
  );
  return signStructure(seq(tbsParts), issuerKey);
}
