import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { caPaths, importPkcs12, loadSigningKey, readState } from '../../../src/pki/index.js';
import { openssl, runCli, runCliAsync, tempDir } from './helpers.js';

describe('cli: ca:* commands', function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof tempDir>;
  let env: Record<string, string>;
  before(() => {
    tmp = tempDir();
    env = { CERTS_DIR: path.join(tmp.dir, 'certs'), CA_PASSPHRASE: 'ca pass phrase' };
  });
  after(() => tmp.cleanup());

  it('ca:init refuses to run without CA_PASSPHRASE (exit 2) and writes nothing', () => {
    const r = runCli(['ca:init'], { ...env, CA_PASSPHRASE: '' });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.include('CA_PASSPHRASE is not set');
    expect(existsSync(env.CERTS_DIR!)).to.equal(false);
  });

  it('ca:init rejects an unknown algorithm and unknown options with exit 2', () => {
    expect(runCli(['ca:init', '--algorithm', 'dsa'], env).status).to.equal(2);
    const r = runCli(['ca:init', '--bogus'], env);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.include('Usage: npm run eoffice -- ca:init');
  });

  it('ca:init creates the CA once, then refuses a second one with exit 1', () => {
    const r = runCli(
      [
        'ca:init',
        '--algorithm',
        'ecdsa-p256',
        '--name',
        'CA Sở Tài chính',
        '--org',
        'Sở Tài chính',
      ],
      env,
    );
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.include('Created the agency root CA "CA Sở Tài chính" (ecdsa-p256)');
    const ca = new X509Certificate(readFileSync(caPaths(env.CERTS_DIR!).trustAnchor));
    expect(ca.ca).to.equal(true);
    expect(ca.subject).to.include('CN=CA Sở Tài chính');
    const again = runCli(['ca:init'], env);
    expect(again.status).to.equal(1);
    expect(again.stderr).to.include('đã tồn tại');
  });

  it('ca:issue writes the certificate, the PIN-encrypted key and a .p12', () => {
    const out = path.join(tmp.dir, 'out');
    const r = runCli(
      [
        'ca:issue',
        '--type',
        'person',
        '--name',
        'Nguyễn Thị Hằng',
        '--title',
        'Phó Giám đốc',
        '--email',
        'hang@stc.gov.vn',
        '--out-dir',
        out,
        '--pin',
        '112233',
        '--p12-pass',
        'p12-pass',
      ],
      env,
    );
    expect(r.status, r.stderr).to.equal(0);
    const files = readdirSync(out).sort();
    expect(files).to.have.length(3);
    const stem = files[0]!.replace(/\.key\.pem$|\.p12$|\.pem$/, '');
    expect(stem).to.match(/^nguyen-thi-hang-[0-9a-f]{8}$/);
    const certPem = readFileSync(path.join(out, `${stem}.pem`), 'utf8');
    const keyPem = readFileSync(path.join(out, `${stem}.key.pem`), 'utf8');
    const cert = new X509Certificate(certPem);
    expect(cert.subject).to.include('CN=Nguyễn Thị Hằng');
    expect(cert.checkPrivateKey(loadSigningKey(keyPem, '112233'))).to.equal(true);
    expect(() => loadSigningKey(keyPem, '112234')).to.throw('Mã PIN ký số không đúng');
    const p12 = importPkcs12(readFileSync(path.join(out, `${stem}.p12`)), 'p12-pass');
    expect(p12.certificate.equals(Buffer.from(cert.raw))).to.equal(true);
    expect(p12.chain).to.have.length(1);
  });

  it('ca:issue rejects a missing --out-dir, a bad --type and a short --pin with exit 2', () => {
    const base = ['ca:issue', '--type', 'seal', '--name', 'Sở Tài chính', '--pin', '1234'];
    const missing = runCli(base, env);
    expect(missing.status).to.equal(2);
    expect(missing.stderr).to.include('Missing --out-dir');
    expect(runCli([...base, '--out-dir', tmp.dir, '--type', 'robot'], env).status).to.equal(2);
    expect(
      runCli(
        ['ca:issue', '--type', 'seal', '--name', 'X', '--out-dir', tmp.dir, '--pin', '12'],
        env,
      ).status,
    ).to.equal(2);
  });

  it('ca:issue with a wrong CA_PASSPHRASE fails with exit 1 and a clear message', () => {
    const r = runCli(
      ['ca:issue', '--type', 'seal', '--name', 'X', '--out-dir', tmp.dir, '--pin', '1234'],
      {
        ...env,
        CA_PASSPHRASE: 'wrong',
      },
    );
    expect(r.status).to.equal(1);
    expect(r.stderr).to.include('CA_PASSPHRASE');
  });

  it('ca:issue runs concurrently without losing serials from ca-state.json', async () => {
    const before = readState(env.CERTS_DIR!).issued.length;
    const names = ['Lê Thị Một', 'Lê Thị Hai', 'Lê Thị Ba'];
    const results = await Promise.all(
      names.map((name) =>
        runCliAsync(
          [
            'ca:issue',
            '--type',
            'person',
            '--name',
            name,
            '--out-dir',
            path.join(tmp.dir, 'many'),
            '--pin',
            '1234',
          ],
          env,
        ),
      ),
    );
    for (const r of results) expect(r.status, r.stderr).to.equal(0);
    const issued = readState(env.CERTS_DIR!).issued;
    expect(issued.length).to.equal(before + names.length);
    expect(issued.map((c) => c.commonName)).to.include.members(names);
  });

  it('ca:revoke + ca:crl publish a CRL listing the serial that verifies against the CA', () => {
    const serial = readState(env.CERTS_DIR!).issued[0]!.serial;
    expect(runCli(['ca:revoke', '--serial', 'zz'], env).status).to.equal(2);
    expect(runCli(['ca:revoke', '--serial', serial, '--reason', 'lost'], env).status).to.equal(2);
    expect(runCli(['ca:revoke', '--serial', 'abcdef'], env).status).to.equal(1);
    const revoke = runCli(
      ['ca:revoke', '--serial', serial.toUpperCase(), '--reason', 'keyCompromise'],
      env,
    );
    expect(revoke.status, revoke.stderr).to.equal(0);
    const outFile = path.join(tmp.dir, 'published.crl');
    const crl = runCli(['ca:crl', '--out', outFile], env);
    expect(crl.status, crl.stderr).to.equal(0);
    expect(crl.stdout).to.include('1 revoked certificate(s)');
    const text = openssl([
      'crl',
      '-inform',
      'DER',
      '-in',
      outFile,
      '-text',
      '-noout',
      '-CAfile',
      caPaths(env.CERTS_DIR!).cert,
    ]);
    expect(text).to.include(`Serial Number: ${serial.toUpperCase()}`);
    expect(readFileSync(outFile).equals(readFileSync(caPaths(env.CERTS_DIR!).crl))).to.equal(true);
  });
});
