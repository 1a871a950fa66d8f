import { expect } from 'chai';
import { constants, privateEncrypt, sign as cryptoSign } from 'node:crypto';
import {
  deserializePrepared,
  finishTokenSigning,
  prepareTokenSigning,
  sha256DigestInfo,
  type TokenChallenge,
  type TokenSession,
} from '../../../src/signing-providers/index.js';
import { extractSignatures, finishSignature } from '../../../src/signing/index.js';
import { FIXED_NOW, makePdf, testPki, type TestIdentity } from '../signing/helpers/index.js';
import { expectProviderError, expectValidlySigned } from './helpers.js';

/** What the signer's client does with CKM_RSA_PKCS: sign DigestInfo(SHA-256, hash). */
function rsaTokenSigns(challenge: TokenChallenge, id: TestIdentity): Buffer {
  return privateEncrypt(
    { key: id.key, padding: constants.RSA_PKCS1_PADDING },
    sha256DigestInfo(Buffer.from(challenge.digestBase64, 'base64')),
  );
}

/** The session as it comes back from the database: through JSON. */
const stored = (session: TokenSession): TokenSession => JSON.parse(JSON.stringify(session));

describe('signature providers: token in the signer’s hands (two-phase)', () => {
  const pki = testPki();
  let pdf: Buffer;

  const prepare = (id: TestIdentity = pki.rsaSigner, pdfBytes = pdf) =>
    prepareTokenSigning(pdfBytes, {
      certificate: id.cert,
      chain: [pki.root.cert],
      signingTime: FIXED_NOW,
      now: FIXED_NOW,
    });
  const inTime = { now: new Date(FIXED_NOW.getTime() + 60_000) };

  before(async () => {
    pdf = await makePdf();
  });

  it('prepares, stores as JSON, and finishes with the value the token made: valid', async () => {
    const { session, challenge } = await prepare();
    expect(challenge.sessionId).to.equal(session.sessionId);
    expect(challenge.signatureAlgorithm).to.equal('rsa-sha256');
    expect(challenge.hashAlgorithm).to.equal('SHA-256');
    expect(challenge.expiresAt).to.equal(new Date(FIXED_NOW.getTime() + 600_000).toISOString());
    expect(JSON.stringify(session)).not.to.contain(pdf.toString('base64').slice(0, 200));
    const signed = await finishTokenSigning(
      stored(session),
      pdf,
      { signatureValue: rsaTokenSigns(challenge, pki.rsaSigner) },
      inTime,
    );
    expectValidlySigned(signed, pdf, 'Nguyễn Thị Hằng');
  });

  it('accepts an ECDSA r||s value (PKCS#11 CKM_ECDSA) and embeds it as DER: valid', async () => {
    const { session, challenge } = await prepare(pki.ecSigner);
    expect(challenge.signatureAlgorithm).to.equal('ecdsa-sha256');
    const value = cryptoSign('sha256', Buffer.from(challenge.toBeSignedBase64, 'base64'), {
      key: pki.ecSigner.key,
      dsaEncoding: 'ieee-p1363',
    });
    expect(value).to.have.length(64);
    const signed = await finishTokenSigning(
      stored(session),
      pdf,
      { signatureValue: value },
      inTime,
    );
    expectValidlySigned(signed, pdf, 'Trần Văn Bình');
  });

  it('accepts a whole CMS from the client when it signs the prepared attributes', async () => {
    const { session, challenge } = await prepare();
    // A client that builds its own CMS around the same signed attributes.
    const prepared = deserializePrepared(stored(session).prepared, pdf);
    const clientPdf = await finishSignature(prepared, rsaTokenSigns(challenge, pki.rsaSigner));
    const cms = extractSignatures(clientPdf)[0]!.contents;
    const signed = await finishTokenSigning(stored(session), pdf, { cms }, inTime);
    expectValidlySigned(signed, pdf, 'Nguyễn Thị Hằng');
  });

  it('refuses a CMS made for another session', async () => {
    const first = await prepare();
    // The same file signed a second later: another /M, so other signed attributes.
    const second = await prepareTokenSigning(pdf, {
      certificate: pki.rsaSigner.cert,
      signingTime: new Date(FIXED_NOW.getTime() + 1_000),
      now: FIXED_NOW,
    });
    expect(second.challenge.digestBase64).not.to.equal(first.challenge.digestBase64);
    const clientPdf = await finishSignature(
      deserializePrepared(first.session.prepared, pdf),
      rsaTokenSigns(first.challenge, pki.rsaSigner),
    );
    const cms = extractSignatures(clientPdf)[0]!.contents;
    await expectProviderError(
      finishTokenSigning(stored(second.session), pdf, { cms }, inTime),
      'SIGNATURE_MISMATCH',
    );
  });

  it('refuses to finish after the session expired', async () => {
    const { session, challenge } = await prepare();
    await expectProviderError(
      finishTokenSigning(
        stored(session),
        pdf,
        { signatureValue: rsaTokenSigns(challenge, pki.rsaSigner) },
        { now: new Date(FIXED_NOW.getTime() + 600_001) },
      ),
      'SESSION_EXPIRED',
    );
  });

  it('refuses a signature over a different digest', async () => {
    const first = await prepare();
    const other = await prepare(pki.rsaSigner, await makePdf({ pages: 3 }));
    expect(other.challenge.digestBase64).not.to.equal(first.challenge.digestBase64);
    await expectProviderError(
      finishTokenSigning(
        stored(first.session),
        pdf,
        { signatureValue: rsaTokenSigns(other.challenge, pki.rsaSigner) },
        inTime,
      ),
      'SIGNATURE_MISMATCH',
    );
  });

  it('refuses a signature made with a key other than the prepared certificate’s', async () => {
    const { session, challenge } = await prepare();
    await expectProviderError(
      finishTokenSigning(
        stored(session),
        pdf,
        { signatureValue: rsaTokenSigns(challenge, pki.seal) },
        inTime,
      ),
      'SIGNATURE_MISMATCH',
    );
  });

  it('refuses to finish on another PDF than the prepared one', async () => {
    const { session, challenge } = await prepare();
    await expectProviderError(
      finishTokenSigning(
        stored(session),
        await makePdf({ pages: 3 }),
        { signatureValue: rsaTokenSigns(challenge, pki.rsaSigner) },
        inTime,
      ),
      'SESSION_INVALID',
    );
  });

  it('refuses stored state whose signed attributes were swapped for another document’s', async () => {
    const { session } = await prepare();
    const other = await prepare(pki.rsaSigner, await makePdf({ pages: 3 }));
    const tampered = stored(session);
    tampered.prepared.toBeSigned = other.session.prepared.toBeSigned;
    tampered.prepared.digest = other.session.prepared.digest;
    await expectProviderError(
      finishTokenSigning(
        tampered,
        pdf,
        { signatureValue: rsaTokenSigns(other.challenge, pki.rsaSigner) },
        inTime,
      ),
      'SESSION_INVALID',
    );
  });
});
