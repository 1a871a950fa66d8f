export { SigningError, type SigningErrorCode } from './errors.js';
export { formatVietnamTime, formatPdfDate, parsePdfDate } from './time.js';
export { signPdf, prepareSignature, finishSignature, type PreparedSignature } from './sign.js';
export type { Appearance, PrepareOptions, Rect, SignOptions, SignerKey, TimestampProvider } from './types.js';
