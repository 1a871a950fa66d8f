export type SigningErrorCode =
  | 'PDF_MALFORMED'
  | 'PDF_TRUNCATED'
  | 'PDF_ENCRYPTED'
  | 'PDF_UNSUPPORTED'
  | 'PAGE_NOT_FOUND'
  | 'FIELD_EXISTS'
  | 'IMAGE_UNSUPPORTED'
  | 'CERTIFICATE_INVALID'
  | 'KEY_MISMATCH'
  | 'PLACEHOLDER_TOO_SMALL'
  | 'TIMESTAMP_FAILED'
  | 'SIGNATURE_INVALID';

/** Typed error of the signing engine; `code` is stable and safe to map to user messages. */
export class SigningError extends Error {
  readonly code: SigningErrorCode;

  constructor(code: SigningErrorCode, message: string) {
    super(message);
    this.name = 'SigningError';
    this.code = code;
  }
}
