import { AppError } from '../http/app-error.js';
import { signPdfWith, type ProviderSignOptions } from '../signing-providers/index.js';
import type { SignatureProvider } from '../signing-providers/index.js';
import { CodedError } from '../signing/coded-error.js';

/**
 * Signs a document's PDF with a person's provider; the engine's and the provider's refusals (a
 * key that does not match, text that does not fit, a remote refusal) become a Vietnamese 422
 * under `failCode` with the engine's code and sentence, never a 500.
 */
export async function signDocumentPdf(
  provider: SignatureProvider,
  bytes: Buffer,
  options: ProviderSignOptions,
  failCode: string,
): Promise<Buffer> {
  try {
    return await signPdfWith(provider, bytes, options);
  } catch (err) {
    if (err instanceof CodedError)
      throw new AppError(failCode, 422, undefined, undefined, { code: err.code, reason: err.vi });
    throw err;
  }
}
