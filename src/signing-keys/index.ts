export {
  changePin,
  chooseProvider,
  enrolAgencySeal,
  enrolServerKey,
  activeCredentialSelect,
  credentialOf,
  sealSignerFor,
  sealSignerOf,
  signerFor,
  timestampsFor,
  timestampsOf,
  type EnrolOptions,
  type PinActor,
  type SignerForOptions,
} from './signing-keys.service.js';
export { PIN_LOCK_MINUTES, PIN_MAX_ATTEMPTS } from './pin-attempts.js';
export {
  certificateSummary,
  sealSetupOf,
  signerSetupOf,
  type CertificateSummary,
  type SignerSetup,
} from './signer-setup.js';
export { configureSigningKeys } from './settings.js';
export { SignerCredential, type SigningProviderKind } from './signer-credential.model.js';
export { signingKeysRouter } from './signing-keys.routes.js';
