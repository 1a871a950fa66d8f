import { expect } from 'chai';
import { X509Certificate, sign, verify } from 'node:crypto';
import { readFileSync as readFile, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  addTrustAnchor,
  caPaths,
  exportPkcs12,
  importPkcs12,
  initCa,
  issueCertificate,
  loadTrustAnchors,
  PkiError,
  readCertificatesFromDir,
} from '../../../src/pki/index.js';
import { FAST_KDF, openssl, opensslStatus, tempDir } from './helpers.js';

const ORG = 'Sở Nội vụ tỉnh Hà Giang';

/** A proof that the imported key belongs to the imported certificate. */
function assertKeyMatches(p12: ReturnType<typeof importPkcs12>): void {
  const data = Buffer.from('văn bản');
  const cert = new X509Certificate(p12.certificate);
  expect(cert.checkPrivateKey(p12.privateKey)).to.equal(true);
  expect(verify('sha256', data, cert.publicKey, sign('sha256', data, p12.privateKey))).to.equal(
    true,
  );
}

describe('pki: PKCS#12', () => {
  let tmp: ReturnType<typeof tempDir>;
  let person: ReturnType<typeof issueCertificate>;
  let ecPerson: ReturnType<typeof issueCertificate>;
  let caDer: Buffer;
  before(() => {
    tmp = tempDir();
    caDer = initCa({
      dir: tmp.dir,
      passphrase: 'p',
      commonName: 'CA ' + ORG,
      organization: ORG,
      algorithm: 'rsa-3072',
      kdf: FAST_KDF,
    }).certificate;
    const base = {
      dir: tmp.dir,
      passphrase: 'p',
      type: 'person' as const,
      pin: '1234',
      kdf: FAST_KDF,
    };
    person = issueCertificate({ ...base, commonName: 'Vũ Thị Mai', email: 'mai@snv.gov.vn' });
    ecPerson = issueCertificate({ ...base, commonName: 'Bùi Quang Huy', algorithm: 'ecdsa-p256' });
  });
  after(() => tmp.cleanup());

  it('round-trips key, certificate and chain through our own export', () => {
    const p12 = exportPkcs12(person.privateKey, person.certificate, person.chain, 'mật-khẩu', {
      friendlyName: 'Vũ Thị Mai',
    });
    const back = importPkcs12(p12, 'mật-khẩu');
    expect(back.certificate.equals(person.certificate)).to.equal(true);
    expect(back.chain).to.have.length(1);
    expect(back.chain[0]!.equals(caDer)).to.equal(true);
    assertKeyMatches(back);
  });

  it('writes files OpenSSL reads with the same password', () => {
    const file = path.join(tmp.dir, 'ours.p12');
    writeFileSync(
      file,
      exportPkcs12(ecPerson.privateKey, ecPerson.certificate, ecPerson.chain, 'pw'),
    );
    const out = openssl(
      ['pkcs12', '-in', file, '-passin', 'pass:pw', '-nodes', '-info'],
      undefined,
    );
    expect(out.match(/BEGIN CERTIFICATE/g)).to.have.length(2);
    expect(out).to.include('BEGIN PRIVATE KEY');
    expect(
      opensslStatus(['pkcs12', '-in', file, '-passin', 'pass:wrong', '-noout']).status,
    ).not.to.equal(0);
  });

  for (const variant of [
    { name: 'OpenSSL 3 defaults (PBES2 AES-256, SHA-256 MAC)', args: [] as string[] },
    {
      name: 'legacy 3DES with SHA-1 MAC',
      args: ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1'],
    },
  ]) {
    for (const who of ['rsa', 'ec'] as const) {
      it(`imports a ${who.toUpperCase()} .p12 made by openssl pkcs12 -export, ${variant.name}, with its chain`, () => {
        const issued = who === 'rsa' ? person : ecPerson;
        const dir = path.join(tmp.dir, `${who}-${variant.args.length}`);
        const keyFile = `${dir}-key.pem`;
        const certFile = `${dir}-cert.pem`;
        const p12File = `${dir}.p12`;
        writeFileSync(keyFile, issued.privateKey.export({ type: 'pkcs8', format: 'pem' }));
        writeFileSync(certFile, issued.certificatePem);
        openssl([
          'pkcs12',
          '-export',
          '-inkey',
          keyFile,
          '-in',
          certFile,
          '-certfile',
          caPaths(tmp.dir).cert,
          '-name',
          'signer',
          '-passout',
          'pass:Pfx#2026-mật',
          '-out',
          p12File,
          ...variant.args,
        ]);
        const back = importPkcs12(readFile(p12File), 'Pfx#2026-mật');
        expect(back.certificate.equals(issued.certificate)).to.equal(true);
        expect(back.chain.map((c) => c.toString('hex'))).to.deep.equal([caDer.toString('hex')]);
        assertKeyMatches(back);
      });
    }
  }

  it('says the password is wrong, and says a non-PKCS#12 file is invalid', () => {
    const p12 = exportPkcs12(person.privateKey, person.certificate, [], 'right');
    expect(() => importPkcs12(p12, 'wrong')).to.throw(
      PkiError,
      'Mật khẩu tệp PKCS#12 (.p12/.pfx) không đúng',
    );
    try {
      importPkcs12(Buffer.from('not a pfx'), 'x');
      expect.fail('should throw');
    } catch (err) {
      expect((err as PkiError).code).to.equal('INVALID_PKCS12');
    }
  });
});

describe('pki: trust anchors', () => {
  it('loads the agency CA and added public roots from certs/trust', () => {
    const tmp = tempDir();
    const other = tempDir();
    try {
      const ca = initCa({
        dir: tmp.dir,
        passphrase: 'p',
        commonName: 'CA',
        organization: ORG,
        algorithm: 'ecdsa-p256',
        kdf: FAST_KDF,
      });
      const root = initCa({
        dir: other.dir,
        passphrase: 'p',
        commonName: 'Public Root',
        organization: 'X',
        algorithm: 'ecdsa-p256',
        kdf: FAST_KDF,
      });
      expect(loadTrustAnchors(tmp.dir).map((d) => d.toString('hex'))).to.deep.equal([
        ca.certificate.toString('hex'),
      ]);
      addTrustAnchor(tmp.dir, root.certificate, 'Public Root CA (DER)');
      const anchors = loadTrustAnchors(tmp.dir);
      expect(anchors).to.have.length(2);
      expect(anchors.some((d) => d.equals(root.certificate))).to.equal(true);
      expect(readCertificatesFromDir(path.join(tmp.dir, 'missing'))).to.deep.equal([]);
    } finally {
      tmp.cleanup();
      other.cleanup();
    }
  });
});
