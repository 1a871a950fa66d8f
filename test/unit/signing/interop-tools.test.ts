import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signPdf, verifyPdf } from '../../../src/signing/index.js';
import {
  FIXED_NOW,
  hasTool,
  makeHybridPdf,
  makePdf,
  runOnPdf,
  signerOf,
  testPki,
} from './helpers/index.js';

const pki = testPki();

describe('signing: other producers', () => {
  it('signs a hybrid-reference file (table + /XRefStm) with a classic table update', async () => {
    const src = await makeHybridPdf();
    const once = await signPdf(src, { signer: signerOf(pki.rsaSigner), signingTime: FIXED_NOW });
    const twice = await signPdf(once, { signer: signerOf(pki.ecSigner), signingTime: FIXED_NOW });
    expect(once.toString('latin1', src.length)).to.match(/\nxref\n/);
    const report = verifyPdf(twice, { trustAnchors: [pki.root.cert], now: FIXED_NOW });
    expect(report.valid, JSON.stringify(report.signatures.map((s) => s.problems))).to.equal(true);
    if (hasTool('qpdf'))
      expect(runOnPdf('qpdf', (f) => ['--check', f], twice)).to.include(
        'No syntax or stream encoding errors',
      );
  });

  describe('a file first signed by pdfsig (NSS, BER-encoded CMS)', () => {
    let dir: string;
    before(function () {
      if (!['pdfsig', 'certutil', 'pk12util', 'openssl'].every(hasTool)) this.skip();
      dir = mkdtempSync(join(tmpdir(), 'eoffice-nss-'));
    });
    after(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('verifies the pdfsig signature and keeps it valid after our countersignature', async function () {
      this.timeout(60000);
      const f = (n: string) => join(dir, n);
      writeFileSync(f('key.pem'), pki.rsaSigner.key.export({ type: 'pkcs8', format: 'pem' }));
      writeFileSync(f('cert.pem'), new X509Certificate(pki.rsaSigner.cert).toString());
      writeFileSync(f('root.pem'), new X509Certificate(pki.root.cert).toString());
      writeFileSync(f('in.pdf'), await makePdf({ withForm: true }));
      const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: 'ignore' });
      run('certutil', ['-N', '-d', `sql:${dir}`, '--empty-password']);
      run('openssl', [
        'pkcs12',
        '-export',
        '-inkey',
        f('key.pem'),
        '-in',
        f('cert.pem'),
        '-certfile',
        f('root.pem'),
        '-out',
        f('s.p12'),
        '-passout',
        'pass:x',
        '-name',
        'signer',
      ]);
      run('pk12util', ['-i', f('s.p12'), '-d', `sql:${dir}`, '-W', 'x']);
      run('certutil', [
        '-A',
        '-d',
        `sql:${dir}`,
        '-n',
        'root',
        '-t',
        'CT,C,C',
        '-i',
        f('root.pem'),
      ]);
      run('pdfsig', [
        '-add-signature',
        '-nssdir',
        `sql:${dir}`,
        '-nick',
        'signer',
        f('in.pdf'),
        f('out.pdf'),
      ]);
      const theirs = readFileSync(f('out.pdf'));
      const ours = await signPdf(theirs, {
        signer: signerOf(pki.ecSigner),
        signingTime: FIXED_NOW,
        appearance: { kind: 'attachment', codeText: '15/QĐ-UBND' },
      });
      expect(ours.subarray(0, theirs.length).equals(theirs)).to.equal(true);
      const report = verifyPdf(ours, { trustAnchors: [pki.root.cert], now: FIXED_NOW });
      expect(report.signatures).to.have.length(2);
      expect(report.valid, JSON.stringify(report.signatures.map((s) => s.problems))).to.equal(true);
      const text = runOnPdf('pdfsig', (file) => ['-nssdir', `sql:${dir}`, file], ours);
      expect(text.match(/Signature is Valid/g)).to.have.length(2);
    });
  });
});
