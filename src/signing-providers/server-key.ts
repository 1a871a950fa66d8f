import {
  constants,
  createHash,
  createPublicKey,
  privateEncrypt,
  sign as cryptoSign,
  type KeyObject,
} from 'node:crypto';
import { loadSigningKeyAsync, parseCertificates, PkiError } from '../pki/index.js';
import { ProviderError } from './errors.js';
import { algorithmOf, publicKeyOf, sha256DigestInfo } from './signature-value.js';
import type { SignatureProvider, SignContext, SignerCertificate } from './types.js';

export interface ServerKeyProviderOptions {
  /** The user's private key, PKCS#8 encrypted under the signing PIN (PEM, as `ca:issue` writes it). */
  encryptedKey: string | Buffer;
  /** The user's certificate (PEM or DER; a PEM bundle may carry the chain after it). */
  certificate: Buffer;
  /** Further chain certificates (PEM or DER each), issuer first. */
  chain?: Buffer[];
}

async function openKey(encryptedKey: string | Buffer, pin: string | undefined): Promise<KeyObject> {
  if (!pin) throw new ProviderError('PIN_REQUIRED', 'no PIN given for the server-held key');
  try {
    return await loadSigningKeyAsync(encryptedKey, pin);
  } catch (e) {
    if (e instanceof PkiError && e.code === 'WRONG_PIN')
      throw new ProviderError('WRONG_PIN', 'the PIN does not open the key');
    if (e instanceof PkiError && e.code === 'PIN_REQUIRED')
      throw new ProviderError('PIN_REQUIRED', e.message);
    throw new ProviderError('KEY_INVALID', (e as Error).message, { cause: e });
  }
}

function assertKeyMatches(key: KeyObject, certificate: Buffer): void {
  const spki = (k: KeyObject) => k.export({ type: 'spki', format: 'der' });
  if (!spki(publicKeyOf(certificate)).equals(spki(createPublicKey(key))))
    throw new ProviderError('KEY_INVALID', 'the key does not belong to the certificate');
}

/**
 * A key issued by the agency CA in a PKCS#8 file encrypted under the user's signing PIN (as
 * `ca:issue` writes it, which `openssl` reads). The key is opened with the PIN for each signature
 * and dropped with the call; neither the PIN nor the opened key is kept. A wrong PIN throws
 * WRONG_PIN (the caller counts and locks). The application's own personal keys are stored
 * otherwise (wrapped under the server secret, src/signing-keys/key-wrap.ts) and opened there.
 */
export function serverKeyProvider(options: ServerKeyProviderOptions): SignatureProvider {
  let signer: SignerCertificate;
  try {
    const [certificate, ...bundled] = parseCertificates(options.certificate);
    const chain = [...bundled, ...(options.chain ?? []).flatMap((c) => parseCertificates(c))];
    signer = { certificate: certificate!, chain, algorithm: algorithmOf(certificate!) };
  } catch (e) {
    if (e instanceof ProviderError) throw e;
    throw new ProviderError('KEY_INVALID', `unreadable certificate: ${(e as Error).message}`);
  }
  const encryptedKey = options.encryptedKey;
  return {
    kind: 'server-key',
    async certificate() {
      return { ...signer, chain: [...signer.chain] };
    },
    async signDigest(digest: Buffer, ctx: SignContext = {}) {
      const key = await openKey(encryptedKey, ctx.pin);
      assertKeyMatches(key, signer.certificate);
      const { toBeSigned } = ctx;
      if (toBeSigned && createHash('sha256').update(toBeSigned).digest().equals(digest))
        return cryptoSign('sha256', toBeSigned, key);
      if (signer.algorithm === 'rsa-sha256')
        return privateEncrypt(
          { key, padding: constants.RSA_PKCS1_PADDING },
          sha256DigestInfo(digest),
        );
      throw new ProviderError(
        'ALGORITHM_UNSUPPORTED',
        'ECDSA with a server-held key needs the signed bytes (ctx.toBeSigned), not only their digest',
      );
    },
  };
}
