import { createHash, randomUUID } from 'node:crypto';
import {
  finishSignature,
  parseCms,
  prepareSignature,
  SigningError,
  type PrepareOptions,
  type TimestampProvider,
} from '../signing/index.js';
import { ProviderError } from './errors.js';
import {
  deserializePrepared,
  serializePrepared,
  type SerializedPrepared,
} from './prepared-state.js';
import { algorithmOf, checkSignatureValue } from './signature-value.js';
import type { SignatureAlgorithm } from './types.js';

export const TOKEN_SESSION_TTL_MS = 10 * 60_000;

/** Everything the server keeps between the two phases (JSON; the caller stores it). */
export interface TokenSession {
  sessionId: string;
  /** ISO 8601; finishing later is refused (SESSION_EXPIRED). */
  expiresAt: string;
  prepared: SerializedPrepared;
  /** Its placeholder was sized for a timestamp token: finish with the timestamp provider. */
  timestamped?: boolean;
}

/** What goes to the signer's client: the hash its token signs, and the key it must sign with. */
export interface TokenChallenge {
  sessionId: string;
  /** SHA-256 of the DER signed attributes: sign with CKM_RSA_PKCS over DigestInfo, or CKM_ECDSA. */
  digestBase64: string;
  /** The DER signed attributes themselves, for clients whose API hashes the data itself. */
  toBeSignedBase64: string;
  hashAlgorithm: 'SHA-256';
  signatureAlgorithm: SignatureAlgorithm;
  /** SHA-256 (hex) of the certificate whose key must sign. */
  certificateSha256: string;
  expiresAt: string;
}

export type TokenPrepareOptions = Omit<PrepareOptions, 'signatureAlgorithm'> & {
  /** Default: from the certificate's key. */
  signatureAlgorithm?: SignatureAlgorithm;
  /** Default 10 minutes. */
  ttlMs?: number;
  now?: Date;
};

/**
 * Phase one for a token in the signer's hands: prepares the signature with the certificate the
 * client read from its token and returns the session to store and the challenge to send.
 * A `timestamp` given here only sizes the placeholder; give it again to finishTokenSigning.
 */
export async function prepareTokenSigning(
  pdf: Buffer,
  options: TokenPrepareOptions,
): Promise<{ session: TokenSession; challenge: TokenChallenge }> {
  const { ttlMs = TOKEN_SESSION_TTL_MS, now = new Date(), ...rest } = options;
  const signatureAlgorithm = rest.signatureAlgorithm ?? algorithmOf(rest.certificate);
  const prepared = await prepareSignature(pdf, { ...rest, signatureAlgorithm });
  const sessionId = randomUUID();
  const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
  return {
    session: {
      sessionId,
      expiresAt,
      prepared: serializePrepared(prepared),
      ...(rest.timestamp ? { timestamped: true } : {}),
    },
    challenge: {
      sessionId,
      digestBase64: prepared.digest.toString('base64'),
      toBeSignedBase64: prepared.toBeSigned.toString('base64'),
      hashAlgorithm: 'SHA-256',
      signatureAlgorithm,
      certificateSha256: createHash('sha256').update(prepared.certificate).digest('hex'),
      expiresAt,
    },
  };
}

/** What the client sends back: the raw signature value, or a whole detached CMS. */
export type TokenResponse = { signatureValue: Buffer } | { cms: Buffer };

export interface TokenFinishOptions {
  now?: Date;
  timestamp?: TimestampProvider;
}

function signatureFromCms(cms: Buffer, toBeSigned: Buffer): Buffer {
  let signer;
  try {
    signer = parseCms(cms).signer;
  } catch (e) {
    if (e instanceof SigningError) throw new ProviderError('SIGNATURE_MISMATCH', e.message);
    throw e;
  }
  if (!signer.signedAttributes?.equals(toBeSigned))
    throw new ProviderError(
      'SIGNATURE_MISMATCH',
      'the CMS does not sign the signed attributes that were prepared',
    );
  return signer.signature;
}

/**
 * Phase two: checks the session is unexpired and belongs to `original`, checks the value
 * against the prepared certificate over the prepared signed attributes, and only then embeds it.
 */
export async function finishTokenSigning(
  session: TokenSession,
  original: Buffer,
  response: TokenResponse,
  options: TokenFinishOptions = {},
): Promise<Buffer> {
  const expiresAt = Date.parse(session?.expiresAt);
  if (!Number.isFinite(expiresAt)) throw new ProviderError('SESSION_INVALID', 'no expiry');
  if ((options.now ?? new Date()).getTime() > expiresAt)
    throw new ProviderError(
      'SESSION_EXPIRED',
      `session ${session.sessionId} expired at ${session.expiresAt}`,
    );
  const prepared = deserializePrepared(session.prepared, original, options.timestamp);
  const value =
    'cms' in response
      ? signatureFromCms(response.cms, prepared.toBeSigned)
      : response.signatureValue;
  return finishSignature(
    prepared,
    checkSignatureValue(
      prepared.toBeSigned,
      prepared.certificate,
      prepared.signatureAlgorithm,
      value,
    ),
  );
}
