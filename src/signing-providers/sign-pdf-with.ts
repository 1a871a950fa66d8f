import { finishSignature, prepareSignature, type PrepareOptions } from '../signing/index.js';
import { checkSignatureValue } from './signature-value.js';
import type { SignatureProvider, SignContext } from './types.js';

/** What signPdf takes, without the signer: the provider supplies the certificate and the value. */
export type ProviderSignOptions = Omit<
  PrepareOptions,
  'certificate' | 'chain' | 'signatureAlgorithm'
> &
  Omit<SignContext, 'toBeSigned'>;

/**
 * Signs a PDF with any provider: prepareSignature with the provider's certificate, the provider
 * signs the digest, the value is checked against the certificate, finishSignature embeds it.
 */
export async function signPdfWith(
  provider: SignatureProvider,
  pdf: Buffer,
  options: ProviderSignOptions,
): Promise<Buffer> {
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
  return finishSignature(
    prepared,
    checkSignatureValue(prepared.toBeSigned, prepared.certificate, algorithm, value),
  );
}
