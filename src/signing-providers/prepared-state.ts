import { createHash } from 'node:crypto';
import type { PreparedSignature, TimestampProvider } from '../signing/index.js';
import { ProviderError } from './errors.js';
import type { SignatureAlgorithm } from './types.js';

/**
 * A PreparedSignature as JSON (base64 for bytes) for the caller to store between the two phases.
 * The original PDF is not copied in: only its SHA-256 and length, checked when it is given back.
 */
export interface SerializedPrepared {
  version: 1;
  toBeSigned: string;
  digest: string;
  documentDigest: string;
  byteRange: [number, number, number, number];
  fieldName: string;
  signatureAlgorithm: SignatureAlgorithm;
  originalSha256: string;
  originalLength: number;
  appended: string;
  contentsOffset: number;
  contentsCapacity: number;
  certificate: string;
  chain: string[];
}

const b64 = (b: Buffer) => b.toString('base64');

export function serializePrepared(prepared: PreparedSignature): SerializedPrepared {
  return {
    version: 1,
    toBeSigned: b64(prepared.toBeSigned),
    digest: b64(prepared.digest),
    documentDigest: b64(prepared.documentDigest),
    byteRange: [...prepared.byteRange],
    fieldName: prepared.fieldName,
    signatureAlgorithm: prepared.signatureAlgorithm,
    originalSha256: createHash('sha256').update(prepared.original).digest('hex'),
    originalLength: prepared.original.length,
    appended: b64(prepared.appended),
    contentsOffset: prepared.contentsOffset,
    contentsCapacity: prepared.contentsCapacity,
    certificate: b64(prepared.certificate),
    chain: prepared.chain.map(b64),
  };
}

const invalid = (why: string) => new ProviderError('SESSION_INVALID', why);

function bytes(value: unknown, what: string): Buffer {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value))
    throw invalid(`${what} is not base64`);
  return Buffer.from(value, 'base64');
}

const isInt = (n: unknown): n is number =>
  typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/**
 * Rebuilds the PreparedSignature from its stored form and the original PDF bytes. Stored state
 * that does not hang together (another file, edited digests, a hole outside the update) is
 * refused as SESSION_INVALID rather than signed. `timestamp` is given again when the
 * placeholder was sized for one.
 */
export function deserializePrepared(
  stored: SerializedPrepared,
  original: Buffer,
  timestamp?: TimestampProvider,
): PreparedSignature {
  const s = stored as Partial<SerializedPrepared>;
  if (s?.version !== 1) throw invalid('unknown version of the prepared state');
  if (s.signatureAlgorithm !== 'rsa-sha256' && s.signatureAlgorithm !== 'ecdsa-sha256')
    throw invalid('unknown signature algorithm');
  if (typeof s.fieldName !== 'string') throw invalid('no field name');
  if (
    original.length !== s.originalLength ||
    createHash('sha256').update(original).digest('hex') !== s.originalSha256
  )
    throw invalid('the PDF is not the one that was prepared');
  const toBeSigned = bytes(s.toBeSigned, 'toBeSigned');
  const digest = bytes(s.digest, 'digest');
  const documentDigest = bytes(s.documentDigest, 'documentDigest');
  const appended = bytes(s.appended, 'appended');
  const { contentsOffset, contentsCapacity, byteRange } = s;
  if (!isInt(contentsOffset) || !isInt(contentsCapacity) || contentsCapacity === 0)
    throw invalid('bad placeholder position');
  const holeStart = contentsOffset - 1;
  const holeEnd = contentsOffset + contentsCapacity + 1;
  if (
    !Array.isArray(byteRange) ||
    byteRange.length !== 4 ||
    !byteRange.every(isInt) ||
    holeStart < 0 ||
    holeEnd > appended.length ||
    byteRange[0] !== 0 ||
    byteRange[1] !== original.length + holeStart ||
    byteRange[2] !== original.length + holeEnd ||
    byteRange[3] !== appended.length - holeEnd
  )
    throw invalid('the byte range does not match the prepared update');
  if (!createHash('sha256').update(toBeSigned).digest().equals(digest))
    throw invalid('the digest is not the hash of the signed attributes');
  const recomputed = createHash('sha256')
    .update(original)
    .update(appended.subarray(0, holeStart))
    .update(appended.subarray(holeEnd))
    .digest();
  if (!recomputed.equals(documentDigest) || !toBeSigned.includes(documentDigest))
    throw invalid('the signed attributes do not cover this document');
  return {
    toBeSigned,
    digest,
    documentDigest,
    byteRange: byteRange as [number, number, number, number],
    fieldName: s.fieldName,
    signatureAlgorithm: s.signatureAlgorithm,
    original,
    appended,
    contentsOffset,
    contentsCapacity,
    certificate: bytes(s.certificate, 'certificate'),
    chain: (Array.isArray(s.chain) ? s.chain : []).map((c, i) => bytes(c, `chain[${i}]`)),
    timestamp,
  };
}
