import { expect } from 'chai';
import { ProviderError, type ProviderErrorCode } from '../../../src/signing-providers/index.js';
import { verifyPdf } from '../../../src/signing/index.js';
import { FIXED_NOW, testPki } from '../signing/helpers/index.js';

export async function expectProviderError(
  promise: Promise<unknown>,
  code: ProviderErrorCode,
): Promise<ProviderError> {
  try {
    await promise;
  } catch (e) {
    expect(e, String(e)).to.be.instanceOf(ProviderError);
    expect((e as ProviderError).code, (e as Error).message).to.equal(code);
    expect((e as ProviderError).vi)
      .to.be.a('string')
      .and.not.equal('');
    return e as ProviderError;
  }
  expect.fail(`expected ProviderError ${code}, but it resolved`);
}

/** The document is valid and its one signature chains to the test root. */
export function expectValidlySigned(pdf: Buffer, original: Buffer, signerName: string): void {
  expect(pdf.subarray(0, original.length).equals(original)).to.equal(true);
  const report = verifyPdf(pdf, { trustAnchors: [testPki().root.cert], now: FIXED_NOW });
  expect(report.valid, JSON.stringify(report)).to.equal(true);
  expect(report.signatures).to.have.length(1);
  const [signature] = report.signatures;
  expect(signature!.valid).to.equal(true);
  expect(signature!.cmsSignatureValid).to.equal(true);
  expect(signature!.chainTrusted).to.equal(true);
  expect(signature!.signer?.commonName).to.equal(signerName);
}
