import { createHash } from 'node:crypto';
import { certFields } from './certificate.js';
import { ctx, int, nullDer, octets, oid, seq, setOf, tlv, utcTime } from './der.js';
import { OID } from './oids.js';

export type SignatureAlgorithm = 'rsa-sha256' | 'ecdsa-sha256';

/** AlgorithmIdentifier for SHA-256 (parameters absent, RFC 5754). */
export const sha256AlgId = (): Buffer => seq(oid(OID.sha256));

export function signatureAlgId(alg: SignatureAlgorithm): Buffer {
  return alg === 'rsa-sha256'
    ? seq(oid(OID.sha256WithRSA), nullDer())
    : seq(oid(OID.ecdsaWithSha256));
}

export const attribute = (type: string, ...values: Buffer[]): Buffer =>
  seq(oid(type), setOf(...values));

export interface SignedAttributesInput {
  certificate: Buffer;
  signatureAlgorithm: SignatureAlgorithm;
  messageDigest: Buffer;
  /** eContentType, default id-data. */
  contentType?: string;
  /** Adds the signing-time attribute (not for PAdES CAdES mode). */
  signingTime?: Date;
}

/** ESS signingCertificateV2 with one ESSCertIDv2 (SHA-256 → hashAlgorithm omitted as DEFAULT). */
export function signingCertificateV2(certificate: Buffer): Buffer {
  const f = certFields(certificate);
  const hash = createHash('sha256').update(f.der).digest();
  const issuerSerial = seq(seq(ctx(4, f.issuer)), f.serial);
  return attribute(OID.signingCertificateV2, seq(seq(seq(octets(hash), issuerSerial))));
}

/** The signed attributes as a DER SET OF (tag 0x31): the exact bytes that get signed. */
export function buildSignedAttributes(input: SignedAttributesInput): Buffer {
  const attrs = [
    attribute(OID.contentType, oid(input.contentType ?? OID.data)),
    attribute(OID.messageDigest, octets(input.messageDigest)),
    signingCertificateV2(input.certificate),
    attribute(
      OID.algorithmProtection,
      seq(sha256AlgId(), tlv(0xa1, signatureAlgId(input.signatureAlgorithm).subarray(2))),
    ),
  ];
  if (input.signingTime) attrs.push(attribute(OID.signingTime, utcTime(input.signingTime)));
  return setOf(...attrs);
}

export interface SignedDataInput {
  certificate: Buffer;
  chain?: Buffer[];
  signatureAlgorithm: SignatureAlgorithm;
  /** DER SET OF signed attributes, as returned by buildSignedAttributes. */
  signedAttributes: Buffer;
  signature: Buffer;
  /** Unsigned attributes, each a DER Attribute. */
  unsignedAttributes?: Buffer[];
  /** Encapsulated content (for timestamp tokens); absent = detached id-data. */
  eContent?: { type: string; content: Buffer };
}

/** Assembles a CMS ContentInfo(SignedData) with one SignerInfo (issuerAndSerialNumber, version 1). */
export function buildSignedData(input: SignedDataInput): Buffer {
  const f = certFields(input.certificate);
  const unsigned = input.unsignedAttributes?.length ? [tlv(0xa1, ...input.unsignedAttributes)] : [];
  const signerInfo = seq(
    int(1),
    seq(f.issuer, f.serial),
    sha256AlgId(),
    Buffer.concat([Buffer.from([0xa0]), input.signedAttributes.subarray(1)]),
    signatureAlgId(input.signatureAlgorithm),
    octets(input.signature),
    ...unsigned,
  );
  const encap = input.eContent
    ? seq(oid(input.eContent.type), ctx(0, octets(input.eContent.content)))
    : seq(oid(OID.data));
  const certs = [f.der, ...(input.chain ?? []).map((c) => certFields(c).der)];
  const signedData = seq(
    int(input.eContent ? 3 : 1),
    setOf(sha256AlgId()),
    encap,
    tlv(0xa0, ...[...certs].sort(Buffer.compare)),
    setOf(signerInfo),
  );
  return seq(oid(OID.signedData), ctx(0, signedData));
}

/** Upper bound of the DER signature value length for a key of `keyBits`. */
export function maxSignatureLength(alg: SignatureAlgorithm, keyBits: number): number {
  const n = Math.ceil(keyBits / 8);
  return alg === 'rsa-sha256' ? n : 2 * (n + 1) + 2 + 4;
}
