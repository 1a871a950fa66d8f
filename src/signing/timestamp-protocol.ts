import { children, content, int, octets, readNode, raw, seq, tlv } from './cms/der.js';
import { sha256AlgId } from './cms/signed-data.js';
import { SigningError } from './errors.js';

/**
 * RFC 3161 TimeStampReq for a SHA-256 digest: version 1, the message imprint, a nonce, and
 * certReq so the authority includes its certificate in the token.
 */
export function encodeTimestampRequest(digest: Buffer, nonce: Buffer): Buffer {
  const positiveNonce = nonce[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), nonce]) : nonce;
  return seq(
    int(1),
    seq(sha256AlgId(), octets(digest)),
    int(positiveNonce),
    tlv(0x01, Buffer.from([0xff])),
  );
}

/**
 * The TimeStampToken (a CMS ContentInfo) from an RFC 3161 TimeStampResp; an authority that
 * answers with a status other than granted (0) or grantedWithMods (1) is an error.
 */
export function decodeTimestampResponse(response: Buffer): Buffer {
  let parts;
  try {
    const top = readNode(response, 0);
    parts = children(response, top);
    const status = children(response, parts[0]!);
    const code = content(response, status[0]!).readUIntBE(
      0,
      content(response, status[0]!).length || 1,
    );
    if (code !== 0 && code !== 1) {
      throw new SigningError(
        'TIMESTAMP_FAILED',
        `The timestamp authority refused the request (status ${code})`,
      );
    }
  } catch (err) {
    if (err instanceof SigningError) throw err;
    throw new SigningError('TIMESTAMP_FAILED', 'The timestamp authority sent an unreadable answer');
  }
  if (!parts[1])
    throw new SigningError('TIMESTAMP_FAILED', 'The timestamp authority sent no token');
  return Buffer.from(raw(response, parts[1]));
}
