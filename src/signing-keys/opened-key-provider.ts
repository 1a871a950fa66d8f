import {
  constants,
  createHash,
  createPublicKey,
  privateEncrypt,
  sign as cryptoSign,
  type KeyObject,
} from 'node:crypto';
import {
  ProviderError,
  sha256DigestInfo,
  type SignatureProvider,
  type SignContext,
  type SignerCertificate,
} from '../signing-providers/index.js';
import { algorithmOf, publicKeyOf } from '../signing-providers/signature-value.js';

/** Does the private key belong to the certificate? */
export function keyMatchesCertificate(key: KeyObject, certificate: Buffer): boolean {
  const spki = (k: KeyObject) => k.export({ type: 'spki', format: 'der' });
  return spki(publicKeyOf(certificate)).equals(spki(createPublicKey(key)));
}

/**
 * The signature made on libuv's thread pool (crypto.sign with a callback), not on the event loop:
 * an RSA-2048 signature is ~0.6 ms of CPU, two a document issued, on the one thread that serves
 * every request. Same bytes as the synchronous call (PKCS#1 v1.5 is deterministic).
 */
function signOffThread(data: Buffer, key: KeyObject): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    cryptoSign('sha256', data, key, (err, signature) => (err ? reject(err) : resolve(signature))),
  );
}

/**
 * A server-held key already opened (its PIN checked and counted by the caller, or the seal
 * secret applied): it signs as serverKeyProvider does, without opening the key again for each
 * document, so a batch signed after one PIN entry opens the key once, not once per document. The
 * opened key lives as long as this object; neither it nor the PIN is stored.
 */
export function openedKeyProvider(
  key: KeyObject,
  certificate: Buffer,
  chain: Buffer[],
): SignatureProvider {
  const signer: SignerCertificate = { certificate, chain, algorithm: algorithmOf(certificate) };
  return {
    kind: 'server-key',
    async certificate() {
      return { ...signer, chain: [...signer.chain] };
    },
    async signDigest(digest: Buffer, ctx: SignContext = {}) {
      if (ctx.signal?.aborted) throw new ProviderError('ABORTED', 'cancelled');
      const { toBeSigned } = ctx;
      if (toBeSigned && createHash('sha256').update(toBeSigned).digest().equals(digest))
        return signOffThread(toBeSigned, key);
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

/** The provider with the PIN given for every signature that has none (CSC's authData). */
export function withPin(provider: SignatureProvider, pin: string | undefined): SignatureProvider {
  if (!pin) return provider;
  return {
    kind: provider.kind,
    certificate: (signal) => provider.certificate(signal),
    signDigest: (digest, ctx = {}) => provider.signDigest(digest, { ...ctx, pin: ctx.pin ?? pin }),
  };
}
