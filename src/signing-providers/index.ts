export { ProviderError, providerErrorText, type ProviderErrorCode } from './errors.js';
export type {
  ProviderKind,
  SignatureAlgorithm,
  SignatureProvider,
  SignContext,
  SignerCertificate,
} from './types.js';
export { signPdfIncrementWith, signPdfWith, type ProviderSignOptions } from './sign-pdf-with.js';
export { checkSignatureValue, sha256DigestInfo } from './signature-value.js';
export { serverKeyProvider, type ServerKeyProviderOptions } from './server-key.js';
export {
  cscProvider,
  cscServiceInfo,
  type CscProviderOptions,
  type CscServiceInfo,
} from './csc.js';
export {
  deserializePrepared,
  serializePrepared,
  type SerializedPrepared,
} from './prepared-state.js';
export {
  finishTokenSigning,
  prepareTokenSigning,
  TOKEN_SESSION_TTL_MS,
  type TokenChallenge,
  type TokenFinishOptions,
  type TokenPrepareOptions,
  type TokenResponse,
  type TokenSession,
} from './token.js';
export { createProvider, type ProviderChoice } from './choose.js';
