import { expect } from 'chai';
import { createHash, sign as cryptoSign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encryptPrivateKey, derToPem } from '../../../src/pki/index.js';
import {
  createProvider,
  serverKeyProvider,
  signPdfIncrementWith,
  signPdfWith,
  type SignatureProvider,
} from '../../../src/signing-providers/index.js';
import { prepareSignature } from '../../../src/signing/index.js';
import { FIXED_NOW, makePdf, testPki } from '../signing/helpers/index.js';
import { requireTools, runOk } from '../../interop/tools.js';
import { pdfsig } from '../../interop/verifiers.js';
import { expectProviderError, expectValidlySigned } from './helpers.js';

const PIN = '246810';
// Cheap scrypt for tests; the format and the PIN check are those of production keys.
const FAST = { N: 1 << 10, r: 8, p: 1 };

describe('signature providers: server-held key', () => {
  const pki = testPki();
  let pdf: Buffer;
  let rsa: SignatureProvider;
  let ec: SignatureProvider;

  before(async () => {
    pdf = await makePdf();
    rsa = serverKeyProvider({
      encryptedKey: encryptPrivateKey(pki.rsaSigner.key, PIN, FAST),
      certificate: Buffer.from(derToPem(pki.rsaSigner.cert, 'CERTIFICATE')),
      chain: [pki.root.cert],
    });
    ec = createProvider({
      kind: 'server-key',
      encryptedKey: encryptPrivateKey(pki.ecSigner.key, PIN, FAST),
      certificate: pki.ecSigner.cert,
      chain: [pki.root.cert],
    });
  });

  it('signs a PDF with an RSA key opened by the PIN, valid under the test root', async () => {
    const out = await signPdfWith(rsa, pdf, { pin: PIN, signingTime: FIXED_NOW });
    expectValidlySigned(out, pdf, 'Nguyễn Thị Hằng');
  });

  it('returns the untouched input and the signed increment when asked for the two parts', async () => {
    const { original, increment } = await signPdfIncrementWith(rsa, pdf, {
      pin: PIN,
      signingTime: FIXED_NOW,
    });
    expect(original).to.equal(pdf);
    expectValidlySigned(Buffer.concat([original, increment]), pdf, 'Nguyễn Thị Hằng');
  });

  it('signs a PDF with an ECDSA P-256 key, valid under the test root', async () => {
    expect((await ec.certificate()).algorithm).to.equal('ecdsa-sha256');
    const out = await signPdfWith(ec, pdf, { pin: PIN, signingTime: FIXED_NOW });
    expectValidlySigned(out, pdf, 'Trần Văn Bình');
  });

  it('refuses a wrong PIN with WRONG_PIN, so the caller can count it', async () => {
    const err = await expectProviderError(
      signPdfWith(rsa, pdf, { pin: '135790', signingTime: FIXED_NOW }),
      'WRONG_PIN',
    );
    expect(err.vi).to.equal('Mã PIN ký số không đúng');
  });

  it('keeps no PIN between calls: a second signature without it is PIN_REQUIRED', async () => {
    await signPdfWith(rsa, pdf, { pin: PIN, signingTime: FIXED_NOW });
    await expectProviderError(signPdfWith(rsa, pdf, { signingTime: FIXED_NOW }), 'PIN_REQUIRED');
  });

  it('signs a bare digest with RSA as a token would (DigestInfo padded), same value as over the bytes', async () => {
    const prepared = await prepareSignature(pdf, {
      certificate: pki.rsaSigner.cert,
      signatureAlgorithm: 'rsa-sha256',
      signingTime: FIXED_NOW,
    });
    const value = await rsa.signDigest(prepared.digest, { pin: PIN });
    expect(value.equals(cryptoSign('sha256', prepared.toBeSigned, pki.rsaSigner.key))).to.equal(
      true,
    );
  });

  it('refuses a bare digest for ECDSA (node:crypto cannot sign a given hash) rather than sign wrong', async () => {
    await expectProviderError(
      ec.signDigest(createHash('sha256').update('x').digest(), { pin: PIN }),
      'ALGORITHM_UNSUPPORTED',
    );
  });

  it("refuses a key that is not the certificate's (KEY_INVALID)", async () => {
    const mismatched = serverKeyProvider({
      encryptedKey: encryptPrivateKey(pki.seal.key, PIN, FAST),
      certificate: pki.rsaSigner.cert,
    });
    await expectProviderError(
      signPdfWith(mismatched, pdf, { pin: PIN, signingTime: FIXED_NOW }),
      'KEY_INVALID',
    );
  });

  it('refuses a value that does not verify with the certificate before embedding it', async () => {
    const lying: SignatureProvider = {
      kind: 'server-key',
      certificate: () => rsa.certificate(),
      signDigest: async (digest, ctx) => {
        const value = await rsa.signDigest(digest, { ...ctx, toBeSigned: undefined });
        value[10]! ^= 1;
        return value;
      },
    };
    await expectProviderError(
      signPdfWith(lying, pdf, { pin: PIN, signingTime: FIXED_NOW }),
      'SIGNATURE_MISMATCH',
    );
  });

  it('pdfsig (poppler, NSS) also calls the signature valid', async function () {
    requireTools(this);
    const out = await signPdfWith(rsa, pdf, { pin: PIN, signingTime: FIXED_NOW });
    const dir = mkdtempSync(path.join(tmpdir(), 'eoffice-providers-'));
    try {
      const nss = path.join(dir, 'nss');
      runOk('mkdir', ['-p', nss]);
      writeFileSync(path.join(dir, 'root.pem'), derToPem(pki.root.cert, 'CERTIFICATE'));
      runOk('certutil', ['-N', '-d', `sql:${nss}`, '--empty-password']);
      runOk('certutil', [
        '-A',
        '-d',
        `sql:${nss}`,
        '-n',
        'root',
        '-t',
        'CT,C,C',
        '-i',
        path.join(dir, 'root.pem'),
      ]);
      writeFileSync(path.join(dir, 'signed.pdf'), out);
      const [signature] = pdfsig(path.join(dir, 'signed.pdf'), nss).signatures;
      expect(signature?.signatureValidation).to.equal('Signature is Valid.');
      expect(signature?.totalDocumentSigned).to.equal(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
