import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { certFields } from '../../../src/signing/cms/certificate.js';
import { parseCms } from '../../../src/signing/cms/parse.js';
import { buildSignedData } from '../../../src/signing/cms/signed-data.js';
import {
  extractSignatures,
  formatReport,
  signPdf,
  verifyPdf,
  type SignerKey,
  type VerificationReport,
} from '../../../src/signing/index.js';
import {
  FIXED_NOW,
  FakeTsa,
  createCrl,
  issue,
  makePdf,
  testPki,
  type IssueOptions,
  type TestIdentity,
} from './helpers/index.js';
import { forgeSignature } from './helpers/forge.js';

/*
 * The certificates behind a signature, tried from outside: a key made for something else than
 * signing documents, a certificate outside its validity with a signing time claimed inside it,
 * a timestamp made by a key that is no timestamp authority's, a CA that may not issue what it
 * issued, a revoked CA. None of them may give a "valid" verdict; the legitimate neighbours of
 * each (no EKU, anyExtendedKeyUsage, an intermediate CA, a real timestamp) still do.
 */

const pki = testPki();
const DOC_SIGNING = ['1.3.6.1.5.5.7.3.36', '1.3.6.1.5.5.7.3.4'];
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const ANY_EKU = '2.5.29.37.0';
const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

let pdf: Buffer;
before(async () => {
  pdf = await makePdf();
});

const leafOf = (o: Partial<IssueOptions> = {}, issuer: TestIdentity = pki.root) =>
  issue(issuer, { cn: 'Lê Văn Ký', ekus: DOC_SIGNING, ...o });

function keyOf(id: TestIdentity, chain: TestIdentity[] = [pki.root]): SignerKey {
  return { privateKey: id.key, certificate: id.cert, chain: chain.map((c) => c.cert) };
}

async function signedBy(signer: SignerKey, extra: Parameters<typeof signPdf>[1] | object = {}) {
  return signPdf(pdf, { signer, signingTime: FIXED_NOW, ...extra });
}

function verify(out: Buffer, more: { anchors?: TestIdentity[]; crls?: Buffer[] } = {}) {
  return verifyPdf(out, {
    trustAnchors: (more.anchors ?? [pki.root]).map((a) => a.cert),
    crls: more.crls ?? [],
    now: FIXED_NOW,
  });
}

const rules = (r: VerificationReport) => r.signatures.flatMap((s) => s.problems.map((p) => p.rule));

/** Not valid, for (one of) the rule(s) named. */
function expectRefused(r: VerificationReport, rule: string | string[]) {
  expect(r.valid, formatReport(r)).to.equal(false);
  expect(r.signatures[0]!.valid).to.equal(false);
  const named = typeof rule === 'string' ? [rule] : rule;
  expect(
    rules(r).some((x) => named.includes(x)),
    formatReport(r),
  ).to.equal(true);
}

/** OpenSSL's issuer check already declines an issuer without keyCertSign: no path is found. */
const NOT_AN_ISSUER = ['CERT_USAGE_INVALID', 'CHAIN_UNTRUSTED'];

function expectValid(r: VerificationReport) {
  expect(r.valid, formatReport(r)).to.equal(true);
}

const serialOf = (id: TestIdentity) => certFields(id.cert).serial.subarray(2);

describe('signing: the signer certificate and its chain', () => {
  describe('key usage and extended key usage', () => {
    it('refuses a key whose KeyUsage allows only key encipherment', async () => {
      const leaf = leafOf({ keyUsage: [2] });
      expectRefused(verify(await signedBy(keyOf(leaf))), 'CERT_USAGE_INVALID');
    });

    it('refuses a key whose KeyUsage is only for certificates and CRLs', async () => {
      const leaf = leafOf({ keyUsage: [5, 6] });
      expectRefused(verify(await signedBy(keyOf(leaf))), 'CERT_USAGE_INVALID');
    });

    it('refuses a certificate made only for TLS servers', async () => {
      const leaf = leafOf({ ekus: [SERVER_AUTH] });
      expectRefused(verify(await signedBy(keyOf(leaf))), 'CERT_USAGE_INVALID');
    });

    it("refuses the timestamp authority's own certificate as a document signer", async () => {
      expectRefused(verify(await signedBy(keyOf(pki.tsa))), 'CERT_USAGE_INVALID');
    });

    it('accepts nonRepudiation alone, no EKU, and anyExtendedKeyUsage', async () => {
      expectValid(verify(await signedBy(keyOf(leafOf({ keyUsage: [1] })))));
      expectValid(verify(await signedBy(keyOf(leafOf({ ekus: [] })))));
      expectValid(verify(await signedBy(keyOf(leafOf({ ekus: [SERVER_AUTH, ANY_EKU] })))));
    });
  });

  describe('validity period: the claimed signing time is not a trusted time', () => {
    it('refuses an expired certificate whose signature claims a time inside its validity', async () => {
      const leaf = leafOf({ notBefore: day('2025-01-01'), notAfter: day('2026-06-01') });
      const out = await signedBy(keyOf(leaf), { signingTime: day('2026-03-01') });
      const r = verify(out);
      expectRefused(r, 'CERT_EXPIRED');
      // Said as expired, not as a stranger: its issuer is trusted.
      expect(rules(r)).to.not.include('CHAIN_UNTRUSTED');
      expect(r.signatures[0]!.problems.find((p) => p.rule === 'CERT_EXPIRED')!.vi).to.match(
        /hết hạn/,
      );
    });

    it('refuses a certificate not yet valid, whatever time the signature claims', async () => {
      const leaf = leafOf({ notBefore: day('2027-01-01'), notAfter: day('2029-01-01') });
      const out = await signedBy(keyOf(leaf), { signingTime: day('2027-02-01') });
      expectRefused(verify(out), 'CERT_NOT_YET_VALID');
      expect(rules(verify(out))).to.not.include('CHAIN_UNTRUSTED');
    });

    it('accepts an expired certificate when a trusted timestamp dates the signature inside its validity', async () => {
      const leaf = leafOf({ notBefore: day('2025-01-01'), notAfter: day('2026-06-01') });
      const tsa = new FakeTsa(pki.tsa, [pki.root.cert], () => day('2026-03-01'));
      const out = await signedBy(keyOf(leaf), { signingTime: day('2026-03-01'), timestamp: tsa });
      expectValid(verify(out));
    });
  });

  describe('timestamps vouch for a time only from a timestamp authority', () => {
    const revokedOn = day('2026-06-01');
    const crlFor = (leaf: TestIdentity) =>
      createCrl(pki.root, [{ serial: serialOf(leaf), date: revokedOn }], day('2026-10-01'));

    it('refuses a revoked key that timestamps its own signature before its revocation', async () => {
      const leaf = leafOf();
      const selfStamp = new FakeTsa(leaf, [pki.root.cert], () => day('2026-03-01'));
      const out = await signedBy(keyOf(leaf), { timestamp: selfStamp });
      const r = verify(out, { crls: [crlFor(leaf)] });
      expectRefused(r, 'CERT_REVOKED');
      expect(r.signatures[0]!.timestamp?.chainTrusted).to.equal(false);
      expect(r.signatures[0]!.revocation).to.equal('revoked');
    });

    it('refuses a timestamp made by another trusted signing key (backdating an expired key)', async () => {
      const leaf = leafOf({ notBefore: day('2025-01-01'), notAfter: day('2026-06-01') });
      const otherSigner = new FakeTsa(pki.rsaSigner, [pki.root.cert], () => day('2026-03-01'));
      const r = verify(await signedBy(keyOf(leaf), { timestamp: otherSigner }));
      expectRefused(r, 'TIMESTAMP_UNTRUSTED');
      // The untrusted timestamp moves no time: the certificate is expired now.
      expect(rules(r)).to.include('CERT_EXPIRED');
    });

    it('refuses a timestamp from an authority whose certificate is revoked', async () => {
      const tsa = issue(pki.root, { cn: 'TSA bị thu hồi', ekus: ['1.3.6.1.5.5.7.3.8'] });
      const stamp = new FakeTsa(tsa, [pki.root.cert], () => FIXED_NOW);
      const out = await signedBy(keyOf(pki.rsaSigner), { timestamp: stamp });
      expectValid(verify(out));
      expectRefused(verify(out, { crls: [crlFor(tsa)] }), 'TIMESTAMP_UNTRUSTED');
    });

    it('keeps a signature timestamped by the real authority before its key was revoked', async () => {
      const leaf = leafOf();
      const tsa = new FakeTsa(pki.tsa, [pki.root.cert], () => day('2026-03-01'));
      const r = verify(await signedBy(keyOf(leaf), { timestamp: tsa }), { crls: [crlFor(leaf)] });
      expectValid(r);
      expect(r.signatures[0]!.revocation).to.equal('good');
    });
  });

  describe('issuers: only a CA may issue, within its constraints', () => {
    it('accepts a signer under a proper intermediate CA', async () => {
      const ca = issue(pki.root, { cn: 'CA cấp dưới', isCa: true });
      const leaf = leafOf({}, ca);
      expectValid(verify(await signedBy(keyOf(leaf, [ca, pki.root]))));
    });

    it('refuses a certificate issued by an end-entity key of the trusted CA', async () => {
      const leaf = leafOf({}, pki.rsaSigner);
      const r = verify(await signedBy(keyOf(leaf, [pki.rsaSigner, pki.root])));
      expectRefused(r, NOT_AN_ISSUER);
    });

    it('refuses an intermediate CA whose KeyUsage does not allow signing certificates', async () => {
      const ca = issue(pki.root, { cn: 'CA chỉ ký CRL', isCa: true, keyUsage: [6] });
      const leaf = leafOf({}, ca);
      expectRefused(verify(await signedBy(keyOf(leaf, [ca, pki.root]))), NOT_AN_ISSUER);
    });

    it("refuses a chain longer than the root's path length allows", async () => {
      const root = issue(undefined, { cn: 'Gốc pathLen 0', isCa: true, pathLength: 0 });
      const ca = issue(root, { cn: 'CA dưới gốc pathLen 0', isCa: true });
      const leaf = leafOf({}, ca);
      const r = verify(await signedBy(keyOf(leaf, [ca, root])), { anchors: [root] });
      expectRefused(r, 'CERT_USAGE_INVALID');
      // The same root issuing the signer directly is within its path length.
      const direct = leafOf({}, root);
      expectValid(verify(await signedBy(keyOf(direct, [root])), { anchors: [root] }));
    });

    it('refuses a signer whose intermediate CA was revoked by the root', async () => {
      const ca = issue(pki.root, { cn: 'CA bị thu hồi', isCa: true });
      const leaf = leafOf({}, ca);
      const out = await signedBy(keyOf(leaf, [ca, pki.root]));
      const crl = createCrl(
        pki.root,
        [{ serial: serialOf(ca), date: day('2026-06-01') }],
        day('2026-10-01'),
      );
      expectValid(verify(out));
      const r = verify(out, { crls: [crl] });
      expectRefused(r, 'CERT_REVOKED');
      expect(r.signatures[0]!.revocation).to.equal('revoked');
    });

    it('refuses a certificate issued by an end-entity certificate configured as a trust anchor', async () => {
      const trustedPerson = leafOf({ cn: 'Người được tin trực tiếp' });
      expectValid(verify(await signedBy(keyOf(trustedPerson, [])), { anchors: [trustedPerson] }));
      const issued = leafOf({}, trustedPerson);
      const r = verify(await signedBy(keyOf(issued, [trustedPerson])), {
        anchors: [trustedPerson],
      });
      expectRefused(r, NOT_AN_ISSUER);
    });

    it('does not take a root with the trusted root’s name but another key for the trusted one', async () => {
      const impostor = issue(undefined, { cn: 'eOffice Test Root CA', isCa: true });
      const leaf = leafOf({}, impostor);
      const r = verify(await signedBy(keyOf(leaf, [impostor])));
      expectRefused(r, 'CHAIN_UNTRUSTED');
    });
  });
});

/** Adds a document timestamp (ETSI.RFC3161) by `tsa` over the whole file, as PAdES B-LTA does. */
async function documentTimestamp(pdf: Buffer, tsa: TestIdentity): Promise<Buffer> {
  const file = forgeSignature(pdf, {
    extraEntries: { Type: '/DocTimeStamp', SubFilter: '/ETSI.RFC3161' },
  });
  const br = extractSignatures(file).at(-1)!.byteRange;
  const digest = createHash('sha256')
    .update(file.subarray(br[0], br[0] + br[1]))
    .update(file.subarray(br[2], br[2] + br[3]))
    .digest();
  const token = await new FakeTsa(tsa, [pki.root.cert], () => FIXED_NOW).timestamp(digest);
  const hex = token.toString('hex');
  file.write(hex.padEnd(br[2] - br[1] - 2, '0'), br[1] + 1, 'latin1');
  return file;
}

describe('signing: document timestamps', () => {
  it('a document timestamp alone does not make an unsigned document valid', async () => {
    const r = verify(await documentTimestamp(pdf, pki.tsa));
    expect(r.signatures).to.have.length(1);
    expect(r.signatures[0]!.valid, formatReport(r)).to.equal(true);
    expect(r.valid, formatReport(r)).to.equal(false);
    expect(r.problems.map((p) => p.rule)).to.include('NO_SIGNER');
  });

  it('a document timestamp after a signature keeps the document valid', async () => {
    const r = verify(await documentTimestamp(await signedBy(keyOf(pki.rsaSigner)), pki.tsa));
    expect(r.signatures).to.have.length(2);
    expectValid(r);
  });

  it('refuses a document timestamp made by a key that is no timestamp authority’s', async () => {
    const r = verify(await documentTimestamp(await signedBy(keyOf(pki.rsaSigner)), pki.ecSigner));
    expect(r.valid, formatReport(r)).to.equal(false);
    expect(r.signatures[1]!.problems.map((p) => p.rule)).to.include('TIMESTAMP_UNTRUSTED');
  });
});

describe('signing: the certificate the signer signed with', () => {
  /** Puts `other` in the CMS in place of the signer's certificate, the signed part untouched. */
  function swapCertificate(pdf: Buffer, other: TestIdentity): Buffer {
    const sig = extractSignatures(pdf).at(-1)!;
    const cms = parseCms(sig.contents);
    const swapped = buildSignedData({
      certificate: other.cert,
      chain: [pki.root.cert],
      signatureAlgorithm: 'rsa-sha256',
      signedAttributes: cms.signer.signedAttributes!,
      signature: cms.signer.signature,
    });
    const out = Buffer.from(pdf);
    const [, start, end] = sig.byteRange;
    out.write(swapped.toString('hex').padEnd(end - start - 2, '0'), start + 1, 'latin1');
    return out;
  }

  it('refuses another certificate of the same key in place of the one signed with', async () => {
    const signed = await signedBy(keyOf(pki.rsaSigner));
    const sameKey = issue(pki.root, {
      cn: 'Nguyễn Thị Hằng - Chủ tịch',
      key: pki.rsaSigner.key,
      ekus: DOC_SIGNING,
    });
    const r = verify(swapCertificate(signed, sameKey));
    expect(r.signatures[0]!.cmsSignatureValid, formatReport(r)).to.equal(true);
    expectRefused(r, 'SIGNER_CERT_MISMATCH');
    // The same rebuild with the certificate signed with stays valid.
    expectValid(verify(swapCertificate(signed, pki.rsaSigner)));
  });
});
