import { expect } from 'chai';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { formatReport, signPdf, verifyPdf, type SignerKey } from '../../../src/signing/index.js';
import type { VerificationReport } from '../../../src/signing/index.js';
import {
  FIXED_NOW,
  FakeTsa,
  issue,
  makePdf,
  testPki,
  type IssueOptions,
  type TestIdentity,
} from './helpers/index.js';
import { forgeSignature } from './helpers/forge.js';

/*
 * Algorithms an attacker can break must not earn a "valid" verdict: a SHA-1 digest (chosen-prefix
 * collisions are practical), a short RSA key, a curve outside the NIST ones, a certificate signed
 * with SHA-1, a timestamp made with any of them. Each refusal has its strong neighbour beside it,
 * built the same way, that stays valid, so the test fails if the refusal comes from elsewhere.
 */

const pki = testPki();
const DOC_SIGNING = ['1.3.6.1.5.5.7.3.36', '1.3.6.1.5.5.7.3.4'];
const TIME_STAMPING = ['1.3.6.1.5.5.7.3.8'];
const rsaKey = (bits: number) => generateKeyPairSync('rsa', { modulusLength: bits }).privateKey;

let pdf: Buffer;
before(async () => {
  pdf = await makePdf();
});

const leafOf = (o: Partial<IssueOptions> = {}, issuer: TestIdentity = pki.root) =>
  issue(issuer, { cn: 'Phạm Văn Thử', ekus: DOC_SIGNING, ...o });

const keyOf = (id: TestIdentity, chain: TestIdentity[] = [pki.root]): SignerKey => ({
  privateKey: id.key,
  certificate: id.cert,
  chain: chain.map((c) => c.cert),
});

const verify = (out: Buffer) =>
  verifyPdf(out, { trustAnchors: [pki.root.cert], crls: [], now: FIXED_NOW });

const rules = (r: VerificationReport) => [
  ...r.problems.map((p) => p.rule),
  ...r.signatures.flatMap((s) => s.problems.map((p) => p.rule)),
];

function expectWeak(r: VerificationReport, detail: RegExp) {
  expect(r.valid, formatReport(r)).to.equal(false);
  expect(r.signatures[0]!.valid, formatReport(r)).to.equal(false);
  const weak = r.signatures[0]!.problems.find((p) => p.rule === 'WEAK_ALGORITHM');
  expect(weak, formatReport(r)).to.not.equal(undefined);
  expect(weak!.detail).to.match(detail);
  expect(weak!.vi).to.match(/thuật toán yếu/);
}

function expectValid(r: VerificationReport) {
  expect(r.valid, formatReport(r)).to.equal(true);
  expect(rules(r)).to.not.include('WEAK_ALGORITHM');
}

/** A detached CMS over `signed` made by OpenSSL with the digest asked (as another tool would). */
function opensslCms(signed: Buffer, signer: TestIdentity, digest: 'sha1' | 'sha256'): Buffer {
  const dir = mkdtempSync(path.join(tmpdir(), 'weak-cms-'));
  try {
    const file = (name: string, data: string | Buffer) => {
      writeFileSync(path.join(dir, name), data);
      return path.join(dir, name);
    };
    const pem = (der: Buffer) => new X509Certificate(der).toString();
    return execFileSync('openssl', [
      'cms',
      '-sign',
      '-binary',
      '-md',
      digest,
      '-nosmimecap',
      '-outform',
      'DER',
      '-in',
      file('data', signed),
      '-signer',
      file('cert.pem', pem(signer.cert)),
      '-inkey',
      file('key.pem', signer.key.export({ type: 'pkcs8', format: 'pem' })),
      '-certfile',
      file('root.pem', pem(pki.root.cert)),
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('signing: weak algorithms are never valid', () => {
  it('refuses a signature whose digest is SHA-1; the same tool with SHA-256 is valid', () => {
    const sha1 = forgeSignature(pdf, { cmsFor: (b) => opensslCms(b, pki.rsaSigner, 'sha1') });
    const r = verify(sha1);
    // Everything else holds: the digest matches, the signature verifies, the chain is trusted.
    expect(r.signatures[0]!.digestValid, formatReport(r)).to.equal(true);
    expect(r.signatures[0]!.cmsSignatureValid).to.equal(true);
    expect(r.signatures[0]!.chainTrusted).to.equal(true);
    expectWeak(r, /sha1/);
    expectValid(
      verify(forgeSignature(pdf, { cmsFor: (b) => opensslCms(b, pki.rsaSigner, 'sha256') })),
    );
  });

  it('refuses a signer key of RSA 1024 bits; RSA 2048 is valid', async () => {
    const short = leafOf({ key: rsaKey(1024) });
    expectWeak(
      verify(await signPdf(pdf, { signer: keyOf(short), signingTime: FIXED_NOW })),
      /RSA 1024/,
    );
    const enough = leafOf({ key: rsaKey(2048) });
    expectValid(verify(await signPdf(pdf, { signer: keyOf(enough), signingTime: FIXED_NOW })));
  });

  it('refuses a key on a curve outside P-256/P-384/P-521; P-384 is valid', async () => {
    const k1 = leafOf({ key: generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey });
    expectWeak(
      verify(await signPdf(pdf, { signer: keyOf(k1), signingTime: FIXED_NOW })),
      /secp256k1/,
    );
    const p384 = leafOf({ key: generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey });
    expectValid(verify(await signPdf(pdf, { signer: keyOf(p384), signingTime: FIXED_NOW })));
  });

  it('refuses a chain with an intermediate CA certificate signed with SHA-1', async () => {
    const sha1Ca = issue(pki.root, {
      cn: 'CA trung gian SHA-1',
      isCa: true,
      signatureDigest: 'sha1',
    });
    const leaf = leafOf({}, sha1Ca);
    const r = verify(
      await signPdf(pdf, { signer: keyOf(leaf, [sha1Ca, pki.root]), signingTime: FIXED_NOW }),
    );
    expect(r.signatures[0]!.chainTrusted, formatReport(r)).to.equal(true);
    expectWeak(r, /CA trung gian SHA-1.*sha1WithRSAEncryption/);
    const sha256Ca = issue(pki.root, { cn: 'CA trung gian SHA-256', isCa: true });
    const good = leafOf({}, sha256Ca);
    expectValid(
      verify(
        await signPdf(pdf, { signer: keyOf(good, [sha256Ca, pki.root]), signingTime: FIXED_NOW }),
      ),
    );
  });

  it('refuses a signer certificate signed with SHA-1 by the trusted root', async () => {
    const leaf = leafOf({ signatureDigest: 'sha1' });
    expectWeak(
      verify(await signPdf(pdf, { signer: keyOf(leaf), signingTime: FIXED_NOW })),
      /sha1WithRSA/,
    );
  });

  it('a timestamp by a weak authority key neither counts nor rescues an expired certificate', async () => {
    const weakTsa = issue(pki.root, { cn: 'TSA RSA 1024', ekus: TIME_STAMPING, key: rsaKey(1024) });
    const stamp = new FakeTsa(weakTsa, [pki.root.cert], () => FIXED_NOW);
    const r = verify(await signPdf(pdf, { signer: keyOf(pki.rsaSigner), timestamp: stamp }));
    expectWeak(r, /^timestamp: .*TSA RSA 1024.*RSA 1024/);
    // A certificate expired at verification time, stamped while valid by the weak authority.
    const lapsed = leafOf({ notAfter: new Date(FIXED_NOW.getTime() - 86400e3) });
    const early = new FakeTsa(
      weakTsa,
      [pki.root.cert],
      () => new Date(FIXED_NOW.getTime() - 10 * 86400e3),
    );
    const expired = verify(await signPdf(pdf, { signer: keyOf(lapsed), timestamp: early }));
    expect(expired.valid, formatReport(expired)).to.equal(false);
    expect(rules(expired)).to.include('CERT_EXPIRED');
    // The same with a sound authority is valid.
    const good = new FakeTsa(pki.tsa, [pki.root.cert], () => FIXED_NOW);
    expectValid(verify(await signPdf(pdf, { signer: keyOf(pki.rsaSigner), timestamp: good })));
  });
});
