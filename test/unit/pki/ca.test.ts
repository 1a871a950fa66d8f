import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';
import {
  caPaths,
  generateCrl,
  initCa,
  issueCertificate,
  loadSigningKey,
  loadSigningKeyAsync,
  PkiError,
  readState,
  revokeCertificate,
} from '../../../src/pki/index.js';
import { FAST_KDF, openssl, opensslStatus, tempDir, writeTemp } from './helpers.js';

const ORG = 'Ủy ban nhân dân tỉnh Hà Giang';

function expectPkiError(fn: () => unknown, code: string): PkiError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(PkiError);
    expect((err as PkiError).code).to.equal(code);
    return err as PkiError;
  }
  throw new Error(`expected PkiError ${code}`);
}

describe('pki: agency CA', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  for (const algorithm of ['rsa-3072', 'ecdsa-p256'] as const) {
    it(`creates a self-signed ${algorithm} root valid for 10 years with CA usages only`, () => {
      const now = new Date('2026-01-15T03:00:00Z');
      const ca = initCa({
        dir: tmp.dir,
        passphrase: 'ca-secret',
        commonName: 'CA ' + ORG,
        organization: ORG,
        algorithm,
        now,
      });
      const cert = new X509Certificate(ca.certificate);
      expect(cert.ca).to.equal(true);
      expect(cert.verify(cert.publicKey)).to.equal(true);
      expect(cert.subject).to.equal(cert.issuer);
      expect(cert.subject).to.include(`CN=CA ${ORG}`);
      expect(new Date(cert.validTo).getUTCFullYear()).to.equal(2036);
      expect(cert.publicKey.asymmetricKeyType).to.equal(algorithm === 'rsa-3072' ? 'rsa' : 'ec');
      if (algorithm === 'rsa-3072')
        expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).to.equal(3072);
      else expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).to.equal('prime256v1');

      const p = caPaths(tmp.dir);
      const text = openssl(['x509', '-in', p.cert, '-noout', '-text']);
      expect(text).to.match(/Basic Constraints: critical\s+CA:TRUE/);
      expect(text).to.match(/Key Usage: critical\s+Certificate Sign, CRL Sign\n/);
      expect(readFileSync(p.trustAnchor, 'utf8')).to.equal(ca.certificatePem);

      const keyPem = readFileSync(p.key, 'utf8');
      expect(keyPem).to.match(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
      expect(openssl(['asn1parse', '-in', p.key])).to.include(':scrypt');
      expect(cert.checkPrivateKey(loadSigningKey(keyPem, 'ca-secret'))).to.equal(true);
    });
  }

  it('refuses to overwrite an existing CA and refuses an empty passphrase', () => {
    const base = {
      dir: tmp.dir,
      commonName: 'CA',
      organization: ORG,
      algorithm: 'ecdsa-p256' as const,
    };
    expectPkiError(() => initCa({ ...base, passphrase: '' }), 'WEAK_SECRET');
    expect(existsSync(caPaths(tmp.dir).key)).to.equal(false);
    initCa({ ...base, passphrase: 'x1' });
    const before = readFileSync(caPaths(tmp.dir).cert);
    expectPkiError(() => initCa({ ...base, passphrase: 'x2' }), 'CA_EXISTS');
    expect(readFileSync(caPaths(tmp.dir).cert).equals(before)).to.equal(true);
  });
});

describe('pki: issued certificates', () => {
  let tmp: ReturnType<typeof tempDir>;
  let caPem: string;
  before(() => {
    tmp = tempDir();
    caPem = initCa({
      dir: tmp.dir,
      passphrase: 'ca-secret',
      commonName: 'CA ' + ORG,
      organization: ORG,
      algorithm: 'rsa-3072',
      crlUrl: 'http://pki.hagiang.gov.vn/crl/agency.crl',
      kdf: FAST_KDF,
    }).certificatePem;
  });
  after(() => tmp.cleanup());

  it('gives a person CN, title, O, e-mail, signing usages, documentSigning EKU and a CRL point', () => {
    const issued = issueCertificate({
      dir: tmp.dir,
      passphrase: 'ca-secret',
      type: 'person',
      commonName: 'Nguyễn Thị Hằng',
      title: 'Phó Chủ tịch',
      email: 'hang.nt@hagiang.gov.vn',
      pin: '246810',
      kdf: FAST_KDF,
    });
    expect(issued.serial).to.match(/^[4-7][0-9a-f]{31}$/);

    const cert = forge.pki.certificateFromPem(issued.certificatePem);
    const attr = (name: string) =>
      cert.subject.getField(name.includes('.') ? { type: name } : name)?.value as string;
    expect(forge.util.decodeUtf8(attr('CN'))).to.equal('Nguyễn Thị Hằng');
    expect(forge.util.decodeUtf8(attr('2.5.4.12'))).to.equal('Phó Chủ tịch');
    expect(forge.util.decodeUtf8(attr('O'))).to.equal(ORG);
    expect(attr('E')).to.equal('hang.nt@hagiang.gov.vn');
    const ku = cert.getExtension('keyUsage') as any;
    expect(ku.critical).to.equal(true);
    expect([
      ku.digitalSignature,
      ku.nonRepudiation,
      ku.keyEncipherment,
      ku.keyCertSign,
    ]).to.deep.equal([true, true, false, false]);
    const eku = cert.getExtension('extKeyUsage') as any;
    expect(eku['1.3.6.1.5.5.7.3.36']).to.equal(true);
    expect(eku.emailProtection).to.equal(true);
    expect((cert.getExtension('basicConstraints') as any).cA).to.equal(false);
    expect((cert.getExtension('subjectAltName') as any).altNames).to.deep.equal([
      { type: 1, value: 'hang.nt@hagiang.gov.vn' },
    ]);

    const certFile = writeTemp(tmp.dir, 'person.pem', issued.certificatePem);
    const text = openssl(['x509', '-in', certFile, '-noout', '-text', '-nameopt', 'utf8']);
    expect(text).to.match(/Key Usage: critical\s+Digital Signature, Non Repudiation\n/);
    expect(text).to.match(
      /Extended Key Usage: \s*\n\s+1\.3\.6\.1\.5\.5\.7\.3\.36, E-mail Protection\n/,
    );
    expect(text).to.match(
      /CRL Distribution Points: \s*\n\s+Full Name:\s+URI:http:\/\/pki\.hagiang\.gov\.vn\/crl\/agency\.crl/,
    );
    expect(text).to.include('email:hang.nt@hagiang.gov.vn');
    expect(text).to.include(
      'Subject: C=VN, O=Ủy ban nhân dân tỉnh Hà Giang, title=Phó Chủ tịch, CN=Nguyễn Thị Hằng',
    );
    const caFile = writeTemp(tmp.dir, 'ca-copy.pem', caPem);
    expect(openssl(['verify', '-CAfile', caFile, '-purpose', 'smimesign', certFile])).to.include(
      ': OK',
    );

    const caSki = /Subject Key Identifier: \s*\n\s+([0-9A-F:]+)/.exec(
      openssl(['x509', '-in', caFile, '-noout', '-text']),
    )![1];
    expect(text).to.match(new RegExp(`Authority Key Identifier: \\s*\\n\\s+${caSki}`));
    expect(readState(tmp.dir).issued.map((c) => c.serial)).to.include(issued.serial);
  });

  it('gives the agency seal its name and the same signing usages, without e-mail or title', () => {
    const seal = issueCertificate({
      dir: tmp.dir,
      passphrase: 'ca-secret',
      type: 'seal',
      commonName: ORG,
      email: 'ignored@hagiang.gov.vn',
      title: 'ignored',
      algorithm: 'ecdsa-p256',
      pin: '135790',
      kdf: FAST_KDF,
    });
    const x = new X509Certificate(seal.certificate);
    expect(x.subject).to.equal(`C=VN\nO=${ORG}\nCN=${ORG}`);
    expect(x.subjectAltName).to.equal(undefined);
    expect(x.keyUsage).to.deep.equal(['1.3.6.1.5.5.7.3.36', '1.3.6.1.5.5.7.3.4']);
    expect(x.publicKey.asymmetricKeyType).to.equal('ec');
    const text = openssl([
      'x509',
      '-in',
      writeTemp(tmp.dir, 'seal.pem', seal.certificatePem),
      '-noout',
      '-text',
    ]);
    expect(text).to.match(/Key Usage: critical\s+Digital Signature, Non Repudiation\n/);
    expect(text).to.include('URI:http://pki.hagiang.gov.vn/crl/agency.crl');
    expect(x.checkIssued(new X509Certificate(caPem))).to.equal(true);
  });

  it('rejects a wrong CA passphrase before issuing anything', () => {
    const count = readState(tmp.dir).issued.length;
    expectPkiError(
      () =>
        issueCertificate({
          dir: tmp.dir,
          passphrase: 'nope',
          type: 'person',
          commonName: 'A',
          pin: '1234',
        }),
      'WRONG_PASSWORD',
    );
    expect(readState(tmp.dir).issued.length).to.equal(count);
  });

  it('rejects a malformed e-mail and a PIN shorter than 4 characters', () => {
    const base = {
      dir: tmp.dir,
      passphrase: 'ca-secret',
      type: 'person' as const,
      commonName: 'Trần Văn An',
    };
    expectPkiError(
      () => issueCertificate({ ...base, email: 'not-an-email', pin: '123456' }),
      'INVALID_INPUT',
    );
    expectPkiError(() => issueCertificate({ ...base, pin: '123' }), 'WEAK_SECRET');
  });
});

describe('pki: signing key under the PIN', () => {
  let tmp: ReturnType<typeof tempDir>;
  let issued: ReturnType<typeof issueCertificate>;
  before(() => {
    tmp = tempDir();
    initCa({
      dir: tmp.dir,
      passphrase: 'p',
      commonName: 'CA',
      organization: ORG,
      algorithm: 'ecdsa-p256',
      kdf: FAST_KDF,
    });
    // Default KDF on purpose: this is the format keys are stored in.
    issued = issueCertificate({
      dir: tmp.dir,
      passphrase: 'p',
      type: 'person',
      commonName: 'Lê Văn Bình',
      pin: '864209',
    });
  });
  after(() => tmp.cleanup());

  it('stores the key as scrypt + AES-256-CBC PKCS#8 that opens with the right PIN only', () => {
    const file = writeTemp(tmp.dir, 'key.pem', issued.encryptedKeyPem);
    const parsed = openssl(['asn1parse', '-in', file]);
    expect(parsed).to.include('PBES2').and.include(':scrypt').and.include('aes-256-cbc');
    const key = loadSigningKey(issued.encryptedKeyPem, '864209');
    expect(new X509Certificate(issued.certificate).checkPrivateKey(key)).to.equal(true);
    // OpenSSL reads the same file, so keys can be moved to other tools.
    expect(
      opensslStatus(['pkey', '-in', file, '-passin', 'pass:864209', '-noout']).status,
    ).to.equal(0);
  });

  it('throws WRONG_PIN with a Vietnamese message for a wrong PIN', () => {
    const err = expectPkiError(() => loadSigningKey(issued.encryptedKeyPem, '864208'), 'WRONG_PIN');
    expect(err.message).to.equal('Mã PIN ký số không đúng');
  });

  it('opens the key off the event loop with loadSigningKeyAsync, with the same PIN rules', async () => {
    const key = await loadSigningKeyAsync(issued.encryptedKeyPem, '864209');
    expect(new X509Certificate(issued.certificate).checkPrivateKey(key)).to.equal(true);
    try {
      await loadSigningKeyAsync(issued.encryptedKeyPem, '000000');
      expect.fail('wrong PIN must be refused');
    } catch (err) {
      expect((err as PkiError).code).to.equal('WRONG_PIN');
    }
  });

  it('asks for the PIN when none is given, and opens an unencrypted key without one', () => {
    expectPkiError(() => loadSigningKey(issued.encryptedKeyPem), 'PIN_REQUIRED');
    const plain = issued.privateKey.export({ type: 'pkcs8', format: 'pem' });
    expect(loadSigningKey(plain).asymmetricKeyType).to.equal('rsa');
  });

  it('also opens PBKDF2-encrypted PKCS#8 keys from other tools, and rejects their wrong PIN', () => {
    const pem = issued.privateKey.export({
      type: 'pkcs8',
      format: 'pem',
      cipher: 'aes-256-cbc',
      passphrase: 'abcd',
    });
    expect(loadSigningKey(pem, 'abcd').asymmetricKeyType).to.equal('rsa');
    expectPkiError(() => loadSigningKey(pem, 'abce'), 'WRONG_PIN');
  });
});

describe('pki: revocation and CRL', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
    initCa({
      dir: tmp.dir,
      passphrase: 'p',
      commonName: 'CA ' + ORG,
      organization: ORG,
      algorithm: 'ecdsa-p256',
      kdf: FAST_KDF,
    });
  });
  afterEach(() => tmp.cleanup());

  it('lists revoked serials with date and reason in a CRL that verifies against the CA', () => {
    const issue = (name: string) =>
      issueCertificate({
        dir: tmp.dir,
        passphrase: 'p',
        type: 'person',
        commonName: name,
        pin: '1234',
        kdf: FAST_KDF,
      });
    const a = issue('Phạm Thị Lan');
    const b = issue('Hoàng Văn Nam');
    const c = issue('Đỗ Minh Tuấn');
    revokeCertificate(tmp.dir, a.serial, 'keyCompromise', new Date('2026-03-01T02:00:00Z'));
    revokeCertificate(tmp.dir, c.serial.toUpperCase(), 'superseded');
    const der = generateCrl(tmp.dir, 'p');
    expect(readFileSync(caPaths(tmp.dir).crl).equals(der)).to.equal(true);

    const crlFile = caPaths(tmp.dir).crl;
    const verify = opensslStatus([
      'crl',
      '-inform',
      'DER',
      '-in',
      crlFile,
      '-noout',
      '-text',
      '-CAfile',
      caPaths(tmp.dir).trustAnchor,
    ]);
    expect(verify.status).to.equal(0);
    expect(verify.stderr + verify.stdout).to.include('verify OK');
    const text = verify.stdout;
    expect(text).to.include('Version 2');
    expect(text).to.include(`Serial Number: ${a.serial.toUpperCase()}`);
    expect(text).to.include(`Serial Number: ${c.serial.toUpperCase()}`);
    expect(text).not.to.include(b.serial.toUpperCase());
    expect(text).to.include('Revocation Date: Mar  1 02:00:00 2026 GMT');
    expect(text).to.include('Key Compromise').and.include('Superseded');
    expect(text).to.match(/CRL Number: \s*\n\s+1\n/);

    generateCrl(tmp.dir, 'p');
    expect(openssl(['crl', '-inform', 'DER', '-in', crlFile, '-noout', '-crlnumber'])).to.equal(
      'crlNumber=0x02\n',
    );
  });

  it('does not verify against another CA', () => {
    generateCrl(tmp.dir, 'p');
    const other = tempDir();
    try {
      initCa({
        dir: other.dir,
        passphrase: 'q',
        commonName: 'CA ' + ORG,
        organization: ORG,
        algorithm: 'ecdsa-p256',
        kdf: FAST_KDF,
      });
      const r = opensslStatus([
        'crl',
        '-inform',
        'DER',
        '-in',
        caPaths(tmp.dir).crl,
        '-noout',
        '-CAfile',
        caPaths(other.dir).cert,
      ]);
      expect(r.stderr + r.stdout).to.include('verify failure');
    } finally {
      other.cleanup();
    }
  });

  it('refuses unknown serials and double revocation', () => {
    const a = issueCertificate({
      dir: tmp.dir,
      passphrase: 'p',
      type: 'seal',
      commonName: ORG,
      pin: '1234',
      kdf: FAST_KDF,
    });
    expectPkiError(() => revokeCertificate(tmp.dir, '0abc'), 'UNKNOWN_SERIAL');
    revokeCertificate(tmp.dir, a.serial);
    expectPkiError(() => revokeCertificate(tmp.dir, a.serial), 'ALREADY_REVOKED');
    expect(readState(tmp.dir).revoked).to.have.length(1);
    expect(path.basename(caPaths(tmp.dir).crl)).to.equal('agency.crl');
  });
});
