import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { derToPem, exportPkcs12, initCa, issueCertificate } from '../../../src/pki/index.js';
import { FAST_KDF, runCli, tempDir } from './helpers.js';

describe('cli: sign and verify', function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof tempDir>;
  let env: Record<string, string>;
  let files: { pdf: string; key: string; cert: string; p12: string };

  before(async () => {
    tmp = tempDir();
    const certs = path.join(tmp.dir, 'certs');
    env = { CERTS_DIR: certs, CA_PASSPHRASE: 'x' };
    initCa({
      dir: certs,
      passphrase: 'x',
      commonName: 'CA Sở Y tế',
      organization: 'Sở Y tế',
      algorithm: 'ecdsa-p256',
      kdf: FAST_KDF,
    });
    const issued = issueCertificate({
      dir: certs,
      passphrase: 'x',
      type: 'person',
      commonName: 'Nguyễn Thị Hằng',
      title: 'Phó Giám đốc',
      pin: '975310',
      kdf: FAST_KDF,
    });
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    doc.addPage([595, 842]).drawText('Quyet dinh so 15', { x: 60, y: 760, size: 14, font });
    files = {
      pdf: path.join(tmp.dir, 'in.pdf'),
      key: path.join(tmp.dir, 'hang.key.pem'),
      cert: path.join(tmp.dir, 'hang.pem'),
      p12: path.join(tmp.dir, 'hang.p12'),
    };
    doc.setTitle('Quyet dinh so 15');
    writeFileSync(files.pdf, await doc.save({ useObjectStreams: false }));
    writeFileSync(files.key, issued.encryptedKeyPem);
    writeFileSync(files.cert, issued.certificatePem + derToPem(issued.chain[0]!, 'CERTIFICATE'));
    writeFileSync(
      files.p12,
      exportPkcs12(issued.privateKey, issued.certificate, issued.chain, 'p12-pass'),
    );
  });
  after(() => tmp.cleanup());

  const out = (name: string) => path.join(tmp.dir, name);

  it('signs with a PIN-protected key and verifies with exit 0 against certs/trust', () => {
    const r = runCli(
      [
        'sign',
        '--in',
        files.pdf,
        '--out',
        out('a.pdf'),
        '--key',
        files.key,
        '--cert',
        files.cert,
        '--pin',
        '975310',
      ],
      env,
    );
    expect(r.status, r.stderr).to.equal(0);
    const original = readFileSync(files.pdf);
    expect(readFileSync(out('a.pdf')).subarray(0, original.length).equals(original)).to.equal(true);
    const v = runCli(['verify', out('a.pdf')], env);
    expect(v.status, v.stdout + v.stderr).to.equal(0);
    expect(v.stdout).to.include('Nguyễn Thị Hằng');
  });

  it('signs with a .p12 on top of an earlier signature; JSON report lists both as valid', () => {
    const r = runCli(
      [
        'sign',
        '--in',
        out('a.pdf'),
        '--out',
        out('b.pdf'),
        '--p12',
        files.p12,
        '--pass',
        'p12-pass',
      ],
      env,
    );
    expect(r.status, r.stderr).to.equal(0);
    const v = runCli(['verify', out('b.pdf'), '--json'], env);
    expect(v.status, v.stdout + v.stderr).to.equal(0);
    const report = JSON.parse(v.stdout);
    expect(report.valid).to.equal(true);
    expect(report.signatures).to.have.length(2);
    expect(report.signatures.every((s: { chainTrusted: boolean }) => s.chainTrusted)).to.equal(
      true,
    );
  });

  it('exits 1 for an untrusted signer (empty trust folder) and for a tampered file', () => {
    const untrusted = runCli(['verify', out('a.pdf'), '--trust', tmp.dir], env);
    expect(untrusted.status).to.equal(1);
    // A trust anchor can also be given as one certificate file, PEM or DER.
    const caPem = readFileSync(files.cert, 'latin1').match(
      /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g,
    )![1]!;
    writeFileSync(out('ca.pem'), caPem);
    writeFileSync(out('ca.der'), Buffer.from(caPem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));
    for (const anchor of ['ca.pem', 'ca.der']) {
      const r = runCli(['verify', out('a.pdf'), '--trust', out(anchor)], env);
      expect(r.status, `${anchor}\n${r.stdout}${r.stderr}`).to.equal(0);
    }
    const notCert = runCli(['verify', out('a.pdf'), '--trust', files.pdf], env);
    expect(notCert.status).to.equal(2);
    const bytes = readFileSync(out('a.pdf'));
    const at = bytes.indexOf('/Title <FEFF0051');
    expect(at).to.be.greaterThan(0);
    bytes[at + '/Title <FEFF00'.length] = 0x37; // "Q" -> "q" in the document title
    writeFileSync(out('tampered.pdf'), bytes);
    const tampered = runCli(['verify', out('tampered.pdf'), '--json'], env);
    expect(tampered.status).to.equal(1);
    expect(JSON.parse(tampered.stdout).signatures[0].digestValid).to.equal(false);
  });

  it('exits 1 with the Vietnamese message on a wrong PIN and writes nothing', () => {
    const r = runCli(
      [
        'sign',
        '--in',
        files.pdf,
        '--out',
        out('wrong.pdf'),
        '--key',
        files.key,
        '--cert',
        files.cert,
        '--pin',
        '000000',
      ],
      env,
    );
    expect(r.status).to.equal(1);
    expect(r.stderr).to.include('Mã PIN ký số không đúng');
    expect(() => readFileSync(out('wrong.pdf'))).to.throw();
  });

  it('exits 2 on bad arguments', function () {
    // One CLI process per case, each starting TypeScript from cold: slow on a busy machine.
    this.timeout(240_000);
    const cases: string[][] = [
      ['sign', '--in', files.pdf],
      ['sign', '--in', files.pdf, '--out', out('x.pdf')],
      ['sign', '--in', files.pdf, '--out', out('x.pdf'), '--p12', files.p12],
      [
        'sign',
        '--in',
        files.pdf,
        '--out',
        out('x.pdf'),
        '--p12',
        files.p12,
        '--pass',
        'p',
        '--key',
        files.key,
      ],
      [
        'sign',
        '--in',
        files.pdf,
        '--out',
        out('x.pdf'),
        '--p12',
        files.p12,
        '--pass',
        'p12-pass',
        '--appearance',
        'leader',
        '--rect',
        '1,2,3',
      ],
      [
        'sign',
        '--in',
        files.pdf,
        '--out',
        out('x.pdf'),
        '--p12',
        files.p12,
        '--pass',
        'p12-pass',
        '--appearance',
        'stamp',
      ],
      ['sign', '--in', files.pdf, '--out', files.pdf, '--p12', files.p12, '--pass', 'p12-pass'],
      [
        'sign',
        '--in',
        out('missing.pdf'),
        '--out',
        out('x.pdf'),
        '--p12',
        files.p12,
        '--pass',
        'p12-pass',
      ],
      ['verify'],
      ['verify', out('missing.pdf')],
      ['verify', files.pdf, '--trust', out('no-such-dir')],
      ['verify', files.pdf, '--colour'],
    ];
    for (const args of cases) {
      const r = runCli(args, env);
      expect(r.status, `${args.join(' ')}\n${r.stderr}`).to.equal(2);
      expect(r.stderr).to.include('Usage: npm run eoffice -- ');
    }
  });

  it('signs an attachment (agency text stamp) and rejects a seal number without its rectangle', () => {
    const base = ['sign', '--in', files.pdf, '--p12', files.p12, '--pass', 'p12-pass'];
    const ok = runCli(
      [...base, '--out', out('att.pdf'), '--appearance', 'attachment', '--number', '15/QĐ-SYT'],
      env,
    );
    expect(ok.status, ok.stderr).to.equal(0);
    expect(runCli(['verify', out('att.pdf')], env).status).to.equal(0);
    const missingNumber = runCli(
      [...base, '--out', out('att2.pdf'), '--appearance', 'attachment'],
      env,
    );
    expect(missingNumber.status).to.equal(2);
    expect(missingNumber.stderr).to.include('Missing --number');
    const seal = runCli(
      [
        ...base,
        '--out',
        out('seal.pdf'),
        '--appearance',
        'seal',
        '--rect',
        '290,100,110,110',
        '--number',
        '15/QĐ-SYT',
      ],
      env,
    );
    expect(seal.status).to.equal(2);
    expect(seal.stderr).to.include('Missing --number-rect');
  });

  it('exits 1 for an unsigned PDF', () => {
    expect(runCli(['verify', files.pdf], env).status).to.equal(1);
  });
});
