export type PkiErrorCode =
  | 'WRONG_PIN'
  | 'PIN_REQUIRED'
  | 'WEAK_SECRET'
  | 'WRONG_PASSWORD'
  | 'INVALID_PKCS12'
  | 'INVALID_KEY'
  | 'INVALID_INPUT'
  | 'CA_EXISTS'
  | 'CA_NOT_FOUND'
  | 'CA_BUSY'
  | 'UNKNOWN_SERIAL'
  | 'ALREADY_REVOKED';

/** A PKI failure with a stable code; the message is meant for people (Vietnamese). */
export class PkiError extends Error {
  override readonly name = 'PkiError';
  constructor(
    readonly code: PkiErrorCode,
    message: string,
  ) {
    super(message);
  }
}
