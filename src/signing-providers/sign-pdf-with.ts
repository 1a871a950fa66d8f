import {
  finishSignatureIncrement,
  prepareSignature,
  type PrepareOptions,
  type SignedIncrement,
} from '../signing/index.js';
import { checkSignatureValue } from './signature-value.js';
import type { SignatureProvider, SignContext } from './types.js';

/** What signPdf takes, without the signer: the provider supplies the certificate and the value. */
export type ProviderSignOptions = Omit<
  PrepareOptions,
  'certificate' | 'chain' | 'signatureAlgorithm'
> &
  Omit<SignContext, 'toBeSigned'>;

/**
 * Signs a PDF with any provider, as the original bytes and the signed increment (for callers that
 * write large files out in two parts): prepareSignature with the provider's certificate, the
 * provider signs the digest, the value is checked against the certificate, then it is embedded.
 */
export async function signPdfIncrementWith(
  provider: SignatureProvider,
  pdf: Buffer,
  options: ProviderSignOptions,
): Promise<SignedIncrement> {
  const { pin, description, signal, ...prepareOptions } = options;
  const { certificate, chain, algorithm } = await provider.certificate(signal);
  const prepared = await prepareSignature(pdf, {
    ...prepareOptions,
    certificate,
    chain,
    signatureAlgorithm: algorithm,
  });
  const value = await provider.signDigest(prepared.digest, {
    pin,
    description,
    signal,
    toBeSigned: prepared.toBeSigned,
  });
  return finishSignatureIncrement(
    prepared,
    checkSignatureValue(prepared.toBeSigned, prepared.certificate, algorithm, value),
  );
}

/** Signs a PDF with any provider and returns the signed file (see signPdfIncrementWith). */
export async function signPdfWith(
  provider: SignatureProvider,
  pdf: Buffer,
  options: ProviderSignOptions,
): Promise<Buffer> {
  const { original, increment } = await signPdfIncrementWith(provider, pdf, options);
  return Buffer.concat([original, increment]);
}
