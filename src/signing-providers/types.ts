export type SignatureAlgorithm = 'rsa-sha256' | 'ecdsa-sha256';

export type ProviderKind = 'server-key' | 'csc' | 'token';

/** The signer's certificate as a provider holds it. */
export interface SignerCertificate {
  /** DER certificate of the signer. */
  certificate: Buffer;
  /** DER certificates of the chain, issuer first. */
  chain: Buffer[];
  algorithm: SignatureAlgorithm;
}

export interface SignContext {
  /** The signer's PIN for this one operation; providers never keep it. */
  pin?: string;
  /** What is signed, shown to the signer by a remote service (e.g. "Quyết định số 15/QĐ-UBND"). */
  description?: string;
  signal?: AbortSignal;
  /**
   * The bytes whose SHA-256 is the digest (the DER signed attributes). A provider holding the
   * key locally signs these (ECDSA over a given hash is not offered by node:crypto); remote
   * providers send only the digest.
   */
  toBeSigned?: Buffer;
}

/**
 * One way of making a signature value, chosen per user: a server-held key, a remote CSC service,
 * or (two-phase, see token.ts) a token in the signer's hands.
 */
export interface SignatureProvider {
  readonly kind: ProviderKind;
  certificate(signal?: AbortSignal): Promise<SignerCertificate>;
  /**
   * Signs a SHA-256 digest: RSA PKCS#1 v1.5 over DigestInfo(SHA-256, digest), or ECDSA (DER).
   * The value is checked against the certificate by signPdfWith before it is embedded.
   */
  signDigest(digest: Buffer, ctx?: SignContext): Promise<Buffer>;
}
