export { PkiError, type PkiErrorCode } from './errors.js';
export {
  DEFAULT_SCRYPT,
  encryptPrivateKey,
  generateKeyPair,
  KEY_ALGORITHMS,
  loadSigningKey,
  loadSigningKeyAsync,
  type KeyAlgorithm,
  type ScryptParams,
} from './keys.js';
export {
  DEFAULT_CRL_URL,
  hasCa,
  initCa,
  issueCertificate,
  loadCa,
  type CaInfo,
  type InitCaOptions,
  type IssuedCertificate,
  type IssueOptions,
} from './ca.js';
export {
  exportPkcs12,
  importPkcs12,
  type ExportPkcs12Options,
  type Pkcs12Contents,
} from './pkcs12.js';
export {
  addTrustAnchor,
  loadCrls,
  loadTrustAnchors,
  parseCertificates,
  readCertificatesFromDir,
} from './trust.js';
export { generateCrl, revokeCertificate, type CrlOptions } from './crl.js';
export { caPaths, readState, type CaState } from './store.js';
export { derToPem, pemToDer } from './der.js';
export { REVOCATION_REASONS, type DistinguishedName, type RevocationReason } from './x509.js';
export { httpTimestampProvider } from './tsa-client.js';
