import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { derToPem, exportPkcs12, generateCrl, revokeCertificate } from '../../src/pki/index.js';
import { SigningError, signPdf, verifyPdf } from '../../src/signing/index.js';
import { classicPdf, qpdfVariant, ringPng } from './corpus.js';
import { createInteropPki, type InteropPki } from './fixture.js';
import { requireTools, run } from './tools.js';
import { opensslCmsVerify, pdfsig, pdftotext, qpdfCheck, rawSignatures } from './verifiers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function cli(args: string[], env: Record<string, string>) {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), ...args],
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('interop: CLI, adbe.pkcs7, revocation and refused inputs', function () {
  this.timeout(180_000);
  let pki: InteropPki;
  const file = (name: string) => path.join(pki.dir, name);

  before(function () {
    requireTools(this);
    pki = createInteropPki();
  });
  after(() => pki?.cleanup());

  it('the sign CLI (leader with a .p12, then seal with a PIN key) gives files pdfsig and qpdf accept', async () => {
    writeFileSync(file('cli-in.pdf'), await classicPdf());
    writeFileSync(file('sig.png'), ringPng(80, [10, 30, 200]));
    writeFileSync(file('seal.png'), ringPng(120, [210, 20, 20]));
    writeFileSync(
      file('leader.p12'),
      exportPkcs12(pki.leader.privateKey, pki.leader.certificate, pki.leader.chain, 'p12'),
    );
    writeFileSync(file('seal.key.pem'), pki.seal.encryptedKeyPem);
    writeFileSync(file('seal.pem'), pki.seal.certificatePem + derToPem(pki.caDer, 'CERTIFICATE'));
    const env = { CERTS_DIR: path.join(pki.dir, 'certs') };
    const leader = cli(
      [
        'sign',
        '--in',
        file('cli-in.pdf'),
        '--out',
        file('cli-1.pdf'),
        '--p12',
        file('leader.p12'),
        '--pass',
        'p12',
        '--appearance',
        'leader',
        '--page',
        '1',
        '--rect',
        '330,90,200,120',
        '--image',
        file('sig.png'),
        '--name',
        'Nguyễn Thị Hằng',
        '--title',
        'Phó Chủ tịch',
        '--authority',
        'KT. CHỦ TỊCH',
      ],
      env,
    );
    expect(leader.status, leader.out).to.equal(0);
    const seal = cli(
      [
        'sign',
        '--in',
        file('cli-1.pdf'),
        '--out',
        file('cli-2.pdf'),
        '--key',
        file('seal.key.pem'),
        '--cert',
        file('seal.pem'),
        '--pin',
        '123456',
        '--appearance',
        'seal',
        '--page',
        '1',
        // no --rect: the seal overlaps the left third of the leader's signature image
        '--image',
        file('seal.png'),
        '--number',
        '15/QĐ-UBND',
        '--number-rect',
        '60,770,160,18',
        '--date',
        'Hà Giang, ngày 21 tháng 11 năm 2026',
        '--date-rect',
        '290,770,280,18',
      ],
      env,
    );
    expect(seal.status, seal.out).to.equal(0);
    const sig = pdfsig(file('cli-2.pdf'), pki.nssDir);
    expect(
      sig.signatures.map((s) => s.signatureValidation),
      sig.raw,
    ).to.deep.equal(['Signature is Valid.', 'Signature is Valid.']);
    expect(
      sig.signatures.map((s) => s.certificateValidation),
      sig.raw,
    ).to.deep.equal(['Certificate is Trusted.', 'Certificate is Trusted.']);
    expect(sig.signatures[1]!.totalDocumentSigned).to.equal(true);
    expect(qpdfCheck(file('cli-2.pdf')).status).to.equal(0);
    const text = pdftotext(file('cli-2.pdf'), 1);
    expect(text)
      .to.include('Nguyễn Thị Hằng')
      .and.include('PHÓ CHỦ TỊCH')
      .and.include('15/QĐ-UBND');

    const verify = cli(
      ['verify', file('cli-2.pdf'), '--trust', path.join(pki.dir, 'certs', 'trust')],
      env,
    );
    expect(verify.status, verify.out).to.equal(0);
  });

  it('adbe.pkcs7.detached signatures validate in pdfsig and openssl cms', async () => {
    const signed = await signPdf(await classicPdf(), {
      signer: {
        privateKey: pki.leader.privateKey,
        certificate: pki.leader.certificate,
        chain: pki.leader.chain,
      },
      subFilter: 'adbe.pkcs7.detached',
    });
    writeFileSync(file('pkcs7.pdf'), signed);
    const sig = pdfsig(file('pkcs7.pdf'), pki.nssDir);
    expect(sig.signatures, sig.raw).to.have.length(1);
    expect(sig.signatures[0]!.subFilter).to.equal('adbe.pkcs7.detached');
    expect(sig.signatures[0]!.signatureValidation, sig.raw).to.equal('Signature is Valid.');
    expect(sig.signatures[0]!.certificateValidation, sig.raw).to.equal('Certificate is Trusted.');
    const r = opensslCmsVerify(pki.dir, rawSignatures(signed)[0]!, file('ca.pem'), 'pkcs7');
    expect(r.status, r.output).to.equal(0);
  });

  it('a revoked signer: openssl and pdfsig (NSS) see it in our CRL, and our verifier marks it revoked', async () => {
    // Its own CA and NSS db: the revoked signer and the imported CRL must not leak into other tests.
    const own = createInteropPki();
    const ownFile = (name: string) => path.join(own.dir, name);
    try {
      const signed = await signPdf(await classicPdf(), {
        signer: {
          privateKey: own.leader.privateKey,
          certificate: own.leader.certificate,
          chain: own.leader.chain,
        },
      });
      const certsDir = path.join(own.dir, 'certs');
      const before = verifyPdf(signed, {
        trustAnchors: [own.caDer],
        crls: [generateCrl(certsDir, 'interop')],
      });
      expect(before.signatures[0]!.revocation).to.equal('good');
      expect(before.valid).to.equal(true);

      revokeCertificate(certsDir, own.leader.serial, 'keyCompromise');
      const crl = generateCrl(certsDir, 'interop');
      writeFileSync(ownFile('agency.crl.pem'), derToPem(crl, 'X509 CRL'));
      writeFileSync(ownFile('leader.pem'), own.leader.certificatePem);
      const check = run('openssl', [
        'verify',
        '-crl_check',
        '-CAfile',
        ownFile('ca.pem'),
        '-CRLfile',
        ownFile('agency.crl.pem'),
        ownFile('leader.pem'),
      ]);
      expect(check.status).not.to.equal(0);
      expect(check.stdout + check.stderr).to.include('certificate revoked');

      // NSS takes our CRL too: pdfsig then reports the signer's certificate as revoked.
      writeFileSync(ownFile('agency.crl'), crl);
      expect(
        run('crlutil', ['-I', '-i', ownFile('agency.crl'), '-d', `sql:${own.nssDir}`, '-B']).status,
      ).to.equal(0);
      writeFileSync(ownFile('revoked.pdf'), signed);
      const sig = pdfsig(ownFile('revoked.pdf'), own.nssDir);
      expect(sig.signatures[0]!.signatureValidation, sig.raw).to.equal('Signature is Valid.');
      expect(sig.signatures[0]!.certificateValidation, sig.raw).to.equal(
        'Certificate has been Revoked.',
      );

      const after = verifyPdf(signed, { trustAnchors: [own.caDer], crls: [crl] });
      expect(after.signatures[0]!.revocation).to.equal('revoked');
      expect(after.valid).to.equal(false);
    } finally {
      own.cleanup();
    }
  });

  it('refuses an encrypted PDF (qpdf --encrypt) with a clear error and returns nothing', async () => {
    const encrypted = qpdfVariant(pki.dir, 'encrypted', await classicPdf(), [
      '--encrypt',
      'user',
      'owner',
      '256',
      '--',
    ]);
    try {
      await signPdf(encrypted, {
        signer: { privateKey: pki.seal.privateKey, certificate: pki.seal.certificate },
      });
      expect.fail('signing an encrypted PDF must fail');
    } catch (err) {
      expect(err).to.be.instanceOf(SigningError);
      expect((err as SigningError).code).to.equal('PDF_ENCRYPTED');
    }
  });

  it('refuses a truncated PDF with a clear error', async () => {
    const pdf = await classicPdf();
    try {
      await signPdf(pdf.subarray(0, Math.floor(pdf.length * 0.6)), {
        signer: { privateKey: pki.seal.privateKey, certificate: pki.seal.certificate },
      });
      expect.fail('signing a truncated PDF must fail');
    } catch (err) {
      expect(err).to.be.instanceOf(SigningError);
      expect(['PDF_TRUNCATED', 'PDF_MALFORMED']).to.include((err as SigningError).code);
    }
  });

  it('an ECDSA P-256 agency root: pdfsig trusts signers it issued', async () => {
    const ec = createInteropPki('ecdsa-p256');
    try {
      const s = (c: typeof ec.leader) => ({
        privateKey: c.privateKey,
        certificate: c.certificate,
        chain: c.chain,
      });
      const one = await signPdf(await classicPdf(), { signer: s(ec.leader) });
      const two = await signPdf(one, { signer: s(ec.seal) });
      const out = path.join(ec.dir, 'ec-root.pdf');
      writeFileSync(out, two);
      const sig = pdfsig(out, ec.nssDir);
      expect(
        sig.signatures.map((x) => x.signatureValidation),
        sig.raw,
      ).to.deep.equal(Array(2).fill('Signature is Valid.'));
      expect(
        sig.signatures.map((x) => x.certificateValidation),
        sig.raw,
      ).to.deep.equal(Array(2).fill('Certificate is Trusted.'));
      expect(verifyPdf(two, { trustAnchors: [ec.caDer] }).valid).to.equal(true);
    } finally {
      ec.cleanup();
    }
  });

  it('three signatures in a row (leader, seal, countersignature) all validate in pdfsig', async () => {
    const s = (c: typeof pki.leader) => ({
      privateKey: c.privateKey,
      certificate: c.certificate,
      chain: c.chain,
    });
    const one = await signPdf(await classicPdf(), { signer: s(pki.leader) });
    const two = await signPdf(one, { signer: s(pki.seal) });
    const three = await signPdf(two, { signer: s(pki.leader), reason: 'Ký đối chứng' });
    writeFileSync(file('three.pdf'), three);
    const sig = pdfsig(file('three.pdf'), pki.nssDir);
    expect(
      sig.signatures.map((x) => x.signatureValidation),
      sig.raw,
    ).to.deep.equal(Array(3).fill('Signature is Valid.'));
    expect(sig.signatures.map((x) => x.ranges[1]![1])).to.deep.equal([
      one.length,
      two.length,
      three.length,
    ]);
    expect(readFileSync(file('three.pdf')).subarray(0, two.length).equals(two)).to.equal(true);
  });
});
