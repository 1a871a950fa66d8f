import { verify as cryptoVerify, X509Certificate, type KeyObject } from 'node:crypto';
import { SigningError } from '../errors.js';
import { certFields, subjectKeyId } from './certificate.js';
import { children, content, decodeOid, encodeLength, raw, readNode, type Node } from './der.js';
import { DIGEST_BY_OID, OID, SIGNATURE_DIGEST_BY_OID } from './oids.js';

export interface ParsedSignerInfo {
  issuer?: Buffer;
  /** Content bytes of the serial INTEGER. */
  serial?: Buffer;
  subjectKeyId?: Buffer;
  digestAlgorithm: string;
  digestAlgorithmOid: string;
  signatureAlgorithmOid: string;
  /** Signed attributes re-tagged as SET (0x31): the bytes that were signed. */
  signedAttributes?: Buffer;
  attributes: Map<string, Buffer[]>;
  unsignedAttributes: Map<string, Buffer[]>;
  signature: Buffer;
}

export interface ParsedCms {
  /** Exact DER of the ContentInfo (padding after it removed). */
  der: Buffer;
  certificates: Buffer[];
  eContentType: string;
  eContent?: Buffer;
  signer: ParsedSignerInfo;
}

function attributesOf(buf: Buffer, node: Node): Map<string, Buffer[]> {
  const map = new Map<string, Buffer[]>();
  for (const attr of children(buf, node)) {
    const [type, values] = children(buf, attr);
    if (!type || !values) continue;
    map.set(
      decodeOid(buf, type),
      children(buf, values).map((v) => raw(buf, v)),
    );
  }
  return map;
}

/**
 * Parses a CMS ContentInfo(SignedData) with at least one SignerInfo; malformed input (wrong
 * lengths, missing elements, truncation, deep nesting) throws SIGNATURE_INVALID.
 */
export function parseCms(input: Buffer): ParsedCms {
  try {
    return parseCmsUnchecked(input);
  } catch (e) {
    if (e instanceof SigningError) throw e;
    if (e instanceof RangeError && /call stack/i.test(e.message))
      throw new SigningError('SIGNATURE_INVALID', 'CMS nests too deep');
    throw new SigningError(
      'SIGNATURE_INVALID',
      `CMS is malformed: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

function parseCmsUnchecked(input: Buffer): ParsedCms {
  if (!Buffer.isBuffer(input) || input.length === 0)
    throw new SigningError('SIGNATURE_INVALID', 'CMS is empty');
  const top = readNode(input, 0);
  const der = input.subarray(0, top.end);
  const [ctype, wrapped] = children(der, top);
  // ContentInfo ::= SEQUENCE { contentType OID, [0] EXPLICIT content }, tags checked exactly.
  if (top.tag !== 0x30 || ctype?.tag !== 0x06 || wrapped?.tag !== 0xa0)
    throw new SigningError('SIGNATURE_INVALID', 'not a DER ContentInfo');
  if (!ctype || decodeOid(der, ctype) !== OID.signedData || !wrapped)
    throw new SigningError('SIGNATURE_INVALID', 'not a CMS SignedData');
  const sd = children(der, children(der, wrapped)[0]!);
  const encap = children(der, sd[2]!);
  const eContentType = decodeOid(der, encap[0]!);
  let eContent: Buffer | undefined;
  if (encap[1]) {
    const oct = children(der, encap[1])[0]!;
    eContent = content(der, oct);
  }
  let i = 3;
  const certificates: Buffer[] = [];
  if (sd[i]?.tag === 0xa0) {
    for (const c of children(der, sd[i]!)) if (c.tag === 0x30) certificates.push(raw(der, c));
    i++;
  }
  if (sd[i]?.tag === 0xa1) i++;
  const signerInfos = children(der, sd[i]!);
  if (!signerInfos.length) throw new SigningError('SIGNATURE_INVALID', 'CMS has no SignerInfo');
  const si = children(der, signerInfos[0]!);
  const signer: Partial<ParsedSignerInfo> = {
    attributes: new Map(),
    unsignedAttributes: new Map(),
  };
  const sid = si[1]!;
  if (sid.tag === 0x30) {
    const [iss, ser] = children(der, sid);
    signer.issuer = raw(der, iss!);
    signer.serial = content(der, ser!);
  } else {
    signer.subjectKeyId = content(der, sid);
  }
  const digestAlgorithmOid = decodeOid(der, children(der, si[2]!)[0]!);
  signer.digestAlgorithmOid = digestAlgorithmOid;
  signer.digestAlgorithm = DIGEST_BY_OID[digestAlgorithmOid] ?? 'unknown';
  let j = 3;
  if (si[j]?.tag === 0xa0) {
    const node = si[j]!;
    const body = der.subarray(node.contentStart, node.contentEnd);
    signer.signedAttributes = Buffer.concat([Buffer.from([0x31]), encodeLength(body.length), body]);
    signer.attributes = attributesOf(der, node);
    j++;
  }
  signer.signatureAlgorithmOid = decodeOid(der, children(der, si[j]!)[0]!);
  signer.signature = content(der, si[j + 1]!);
  if (si[j + 2]?.tag === 0xa1) signer.unsignedAttributes = attributesOf(der, si[j + 2]!);
  return { der, certificates, eContentType, eContent, signer: signer as ParsedSignerInfo };
}

/**
 * Finds the signer's certificate among `certs` by issuerAndSerialNumber or subjectKeyIdentifier;
 * a candidate that is not a parseable X.509 certificate is skipped.
 */
export function findSignerCertificate(cms: ParsedCms, extra: Buffer[] = []): Buffer | undefined {
  const { signer } = cms;
  for (const cert of [...cms.certificates, ...extra]) {
    try {
      if (signer.issuer && signer.serial) {
        const f = certFields(cert);
        const serial = content(f.serial, readNode(f.serial, 0));
        if (f.issuer.equals(signer.issuer) && serial.equals(signer.serial) && parses(cert))
          return cert;
      } else if (signer.subjectKeyId) {
        if (subjectKeyId(cert)?.equals(signer.subjectKeyId) && parses(cert)) return cert;
      }
    } catch {
      continue;
    }
  }
  return undefined;
}

function parses(cert: Buffer): boolean {
  try {
    new X509Certificate(cert);
    return true;
  } catch {
    return false;
  }
}

/** Verifies the SignerInfo signature over the signed attributes with `publicKey`. */
export function verifySignerSignature(cms: ParsedCms, publicKey: KeyObject): boolean {
  const { signer } = cms;
  if (!signer.signedAttributes) return false;
  if (signer.signatureAlgorithmOid === '1.2.840.113549.1.1.10') return false;
  const hash = SIGNATURE_DIGEST_BY_OID[signer.signatureAlgorithmOid] ?? signer.digestAlgorithm;
  try {
    return cryptoVerify(
      hash,
      signer.signedAttributes,
      { key: publicKey, dsaEncoding: 'der' },
      signer.signature,
    );
  } catch {
    return false;
  }
}

/** First value of an attribute, as the DER of that value. */
export function attributeValue(map: Map<string, Buffer[]>, oid: string): Buffer | undefined {
  return map.get(oid)?.[0];
}
