import { createHash } from 'node:crypto';
import { generalizedTime, int, octets, oid, seq } from './cms/der.js';
import { OID } from './cms/oids.js';
import {
  buildSignedAttributes,
  buildSignedData,
  sha256AlgId,
  type SignatureAlgorithm,
} from './cms/signed-data.js';

export interface TimestampAuthorityKey {
  /** The authority's certificate (timeStamping purpose) and the chain above it, DER. */
  certificate: Buffer;
  chain: Buffer[];
  algorithm: SignatureAlgorithm;
  /** Signs the DER of the token's signed attributes with the authority's key. */
  sign(toBeSigned: Buffer): Promise<Buffer>;
}

export interface TimestampRequest {
  /** The SHA-256 digest to stamp (a signature value). */
  digest: Buffer;
  /** The authority's policy OID (TSTInfo.policy). */
  policy: string;
  /** Unique per token (TSTInfo.serialNumber, up to 20 bytes). */
  serial: Buffer;
  time: Date;
}

/**
 * An RFC 3161 TimeStampToken (CMS SignedData over a TSTInfo) made with a key the caller holds:
 * version 1, the policy, a SHA-256 message imprint, a serial and the time to the second. An
 * agency's own timestamp authority uses it, so that a signature made in the application can
 * still be verified once the signer's certificate has expired.
 */
export async function buildTimestampToken(
  request: TimestampRequest,
  authority: TimestampAuthorityKey,
): Promise<Buffer> {
  const tstInfo = seq(
    int(1),
    oid(request.policy),
    seq(sha256AlgId(), octets(request.digest)),
    int(request.serial),
    generalizedTime(request.time),
  );
  const signedAttributes = buildSignedAttributes({
    certificate: authority.certificate,
    signatureAlgorithm: authority.algorithm,
    messageDigest: createHash('sha256').update(tstInfo).digest(),
    contentType: OID.tstInfo,
  });
  return buildSignedData({
    certificate: authority.certificate,
    chain: authority.chain,
    signatureAlgorithm: authority.algorithm,
    signedAttributes,
    signature: await authority.sign(signedAttributes),
    eContent: { type: OID.tstInfo, content: tstInfo },
  });
}
