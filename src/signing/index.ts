export { SigningError, type SigningErrorCode } from './errors.js';
export { formatVietnamTime, formatPdfDate, parsePdfDate } from './time.js';
export {
  signPdf,
  signPdfIncrement,
  prepareSignature,
  finishSignature,
  finishSignatureIncrement,
  signingRefusal,
  type PreparedSignature,
  type SignedIncrement,
} from './sign.js';
export type {
  Appearance,
  AttachmentAppearance,
  LeaderAppearance,
  LeaderBlock,
  LeaderImageOnlyAppearance,
  PlacedText,
  SealAppearance,
  StampFontSize,
  PrepareOptions,
  Rect,
  SignOptions,
  SignerKey,
  TimestampProvider,
} from './types.js';
export {
  verifyPdf,
  extractSignatures,
  type VerifyOptions,
  type VerificationReport,
  type SignatureReport,
  type SignerSummary,
  type TimestampReport,
  type ExtractedSignature,
} from './verify.js';
export { CHANGE_LABELS, type ModificationKind, type ChangeLevel } from './changes/index.js';
export type { Modification, Finding } from './verify.js';
export type { RuleId } from './rules.js';
export { signingErrorText, asSigningError } from './errors.js';
export { formatReport } from './report.js';
export {
  sealRectOverLeader,
  sealRectOverImage,
  sealSize,
  leaderImageBox,
  findLeaderImageBox,
  layoutLeader,
  pageGeometry,
  upperVi,
  type LeaderLayout,
  type PageGeometry,
} from './appearance/index.js';
export { decodeTimestampResponse, encodeTimestampRequest } from './timestamp-protocol.js';
export {
  buildTimestampToken,
  type TimestampAuthorityKey,
  type TimestampRequest,
} from './timestamp-token.js';
export {
  findSignerCertificate,
  parseCms,
  type ParsedCms,
  type ParsedSignerInfo,
} from './cms/parse.js';
export { buildChain, type ChainResult } from './cms/trust.js';
