import { createHash, randomBytes, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Op } from 'sequelize';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { AppError } from '../../src/http/app-error.js';
import { caPaths, loadSigningKey, PkiError } from '../../src/pki/index.js';
import {
  changePin,
  chooseProvider,
  configureSigningKeys,
  PIN_MAX_ATTEMPTS,
  sealSignerFor,
  signerFor,
  SignerCredential,
  timestampsFor,
  signerSetupOf,
} from '../../src/signing-keys/index.js';
import { KeyWrapError, openWrappedKey } from '../../src/signing-keys/key-wrap.js';
import { signingKeySecret } from '../../src/signing-keys/settings.js';
import { signPdfWith, type SignatureProvider } from '../../src/signing-providers/index.js';
import { verifyPdf } from '../../src/signing/index.js';
import { buildAgency, buildUser, loginAs } from '../factories/index.js';
import { makePdf } from '../fixtures/pdf.js';
import { enrolForTest, enrolSealForTest, TEST_PIN } from '../helpers/signing-keys.js';
import { testApp, type TestContext } from '../helpers/test-app.js';

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (e) {
    expect(e, String(e)).to.be.instanceOf(AppError);
    return e as AppError;
  }
  return expect.fail('expected a refusal');
}

/** Signs a digest and checks the value with the provider's certificate. */
async function expectSigns(provider: SignatureProvider): Promise<X509Certificate> {
  const data = randomBytes(64);
  const digest = createHash('sha256').update(data).digest();
  const { certificate } = await provider.certificate();
  const cert = new X509Certificate(certificate);
  const viaDigest = await provider.signDigest(digest);
  expect(cryptoVerify('sha256', data, cert.publicKey, viaDigest)).to.equal(true);
  const viaBytes = await provider.signDigest(digest, { toBeSigned: data });
  expect(cryptoVerify('sha256', data, cert.publicKey, viaBytes)).to.equal(true);
  expect(cryptoVerify('sha256', randomBytes(64), cert.publicKey, viaDigest)).to.equal(false);
  return cert;
}

const auditCount = (credentialId: number, action: string) =>
  AuditLog.count({
    where: { entityType: 'signer_credential', entityId: String(credentialId), action },
  });

describe('signing keys: personal keys under a PIN, agency seals', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  const agencyCa = () => new X509Certificate(readFileSync(caPaths(ctx.config.certsDir).cert));

  it('enrols a key from the agency CA and signs a digest and a PDF that verify against the certificate', async () => {
    const agency = await buildAgency();
    const user = await buildUser(agency, ['leader'], { fullName: 'Lê Văn Ký' });
    const row = await enrolForTest(user);
    const provider = await signerFor(user, { pin: TEST_PIN });
    expect(provider.kind).to.equal('server-key');
    const cert = await expectSigns(provider);
    expect(cert.subject).to.contain('CN=Lê Văn Ký').and.contain(`O=${agency.name}`);
    expect(cert.verify(agencyCa().publicKey)).to.equal(true);
    expect(cert.serialNumber.toLowerCase()).to.equal(row.certificateSerial!.toLowerCase());

    const pdf = await makePdf();
    const signed = await signPdfWith(provider, pdf, { reason: 'Ký duyệt' });
    const report = verifyPdf(signed, { trustAnchors: [agencyCa().raw] });
    expect(report.valid, JSON.stringify(report.signatures)).to.equal(true);
    expect(report.signatures[0]!.signer?.commonName).to.equal('Lê Văn Ký');

    const setup = await signerSetupOf(user.id);
    expect(setup.provider).to.equal('server-key');
    expect(setup.hasServerKey).to.equal(true);
    expect(setup.certificate!.commonName).to.equal('Lê Văn Ký');
    expect(setup.attemptsLeft).to.equal(PIN_MAX_ATTEMPTS);
    expect(await auditCount(row.id, 'signing_key.enrol')).to.equal(1);
  });

  it('counts a wrong PIN with the attempts left, and a right one resets the count', async () => {
    const user = await buildUser(await buildAgency(), ['leader']);
    const row = await enrolForTest(user);
    const wrong = await refusal(signerFor(user, { pin: '999999' }));
    expect(wrong.code).to.equal('SIGNING_PIN_WRONG');
    expect(wrong.status).to.equal(422);
    expect(wrong.params).to.deep.equal({ remaining: PIN_MAX_ATTEMPTS - 1 });
    expect((await row.reload()).failedPinCount).to.equal(1);
    expect(await auditCount(row.id, 'signing_key.pin_wrong')).to.equal(1);
    expect((await refusal(signerFor(user, {}))).code).to.equal('SIGNING_PIN_REQUIRED');

    await signerFor(user, { pin: TEST_PIN });
    expect((await row.reload()).failedPinCount).to.equal(0);
  });

  it('locks exactly once when wrong PINs arrive together, and refuses the right PIN while locked', async () => {
    const user = await buildUser(await buildAgency(), ['leader']);
    const row = await enrolForTest(user);
    const attempts = PIN_MAX_ATTEMPTS + 2;
    const results = await Promise.all(
      Array.from({ length: attempts }, (_, i) => refusal(signerFor(user, { pin: `10000${i}` }))),
    );
    const codes = results.map((e) => e.code);
    expect(
      codes.every((c) =>
        ['SIGNING_PIN_WRONG', 'SIGNING_PIN_LOCKED', 'SIGNING_PIN_BUSY'].includes(c),
      ),
      codes.join(),
    ).to.equal(true);
    expect(codes).to.include('SIGNING_PIN_LOCKED');
    // Only PIN_MAX_ATTEMPTS of them were tried; exactly one locked the key.
    expect(await auditCount(row.id, 'signing_key.pin_wrong')).to.equal(PIN_MAX_ATTEMPTS);
    expect(await auditCount(row.id, 'signing_key.pin_locked')).to.equal(1);
    await row.reload();
    expect(row.pinLockedUntil).to.be.instanceOf(Date);
    const minutes = (row.pinLockedUntil!.getTime() - Date.now()) / 60_000;
    expect(minutes).to.be.within(14, 15.01);

    const locked = await refusal(signerFor(user, { pin: TEST_PIN }));
    expect(locked.code).to.equal('SIGNING_PIN_LOCKED');
    expect(locked.status).to.equal(423);
    expect(String(locked.params?.until)).to.match(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    expect(await auditCount(row.id, 'signing_key.pin_locked')).to.equal(1);
    expect((await signerSetupOf(user.id)).pinLockedUntil).to.be.instanceOf(Date);

    // Once the lock has passed, the right PIN opens the key again.
    await row.update({ pinLockedUntil: new Date(Date.now() - 1000) });
    await expectSigns(await signerFor(user, { pin: TEST_PIN }));
  });

  it('never stores the PIN: no column of the credential, nor its audit rows, holds it', async () => {
    const user = await buildUser(await buildAgency(), ['leader']);
    const pin = '73914620';
    const newPin = '55128390';
    const row = await enrolForTest(user, pin);
    await changePin(user.id, pin, newPin, { userId: user.id, ip: null });
    const raw = (await SignerCredential.findByPk(row.id, { raw: true })) as unknown as Record<
      string,
      unknown
    >;
    const texts = Object.values(raw).flatMap((v) =>
      Buffer.isBuffer(v) ? [v.toString('latin1'), v.toString('hex')] : [String(v)],
    );
    for (const secret of [pin, newPin]) {
      for (const text of texts) expect(text).not.to.contain(secret);
      const audits = await AuditLog.findAll({
        where: { entityType: 'signer_credential', entityId: String(row.id) },
        raw: true,
      });
      expect(JSON.stringify(audits)).not.to.contain(secret);
    }
    // The key is under the new PIN only.
    const stored = raw.encryptedKey as string;
    expect(() => openWrappedKey(stored, pin, signingKeySecret())).to.throw(KeyWrapError);
    expect(openWrappedKey(stored, newPin, signingKeySecret()).type).to.equal('private');
    expect((await refusal(signerFor(user, { pin }))).code).to.equal('SIGNING_PIN_WRONG');
    await expectSigns(await signerFor(user, { pin: newPin }));
    expect(await auditCount(row.id, 'signing_key.pin_change')).to.equal(1);
  });

  it('signs with the agency seal without a PIN, its key under the server secret', async () => {
    const agency = await buildAgency();
    const row = await enrolSealForTest(agency.id);
    const cert = await expectSigns(await sealSignerFor(agency.id));
    expect(cert.subject).to.contain(`CN=${agency.name}`).and.contain(`O=${agency.name}`);
    expect(cert.verify(agencyCa().publicKey)).to.equal(true);
    expect(() => loadSigningKey(row.encryptedKey!, 'not-the-secret')).to.throw(PkiError);
    expect(await auditCount(row.id, 'signing_key.seal_enrol')).to.equal(1);

    // A new seal replaces the old one, which is revoked.
    const renewed = await enrolSealForTest(agency.id);
    expect((await row.reload()).revokedAt).to.be.instanceOf(Date);
    const again = await (await sealSignerFor(agency.id)).certificate();
    expect(new X509Certificate(again.certificate).serialNumber.toLowerCase()).to.equal(
      renewed.certificateSerial!.toLowerCase(),
    );
    const other = await buildAgency();
    expect((await refusal(sealSignerFor(other.id))).code).to.equal('SIGNING_SEAL_NOT_ENROLLED');

    // With the seal comes the agency's timestamp authority: a key for timestamps only, from the
    // agency CA, under the seal secret; renewing the seal renews it and revokes the old one.
    const authorities = await SignerCredential.findAll({
      where: { agencyId: agency.id, kind: 'tsa' },
      order: [['id', 'ASC']],
    });
    expect(authorities.map((a) => a.revokedAt === null)).to.deep.equal([false, true]);
    const tsaCert = new X509Certificate(authorities[1]!.certificate!);
    expect(tsaCert.verify(agencyCa().publicKey)).to.equal(true);
    expect(tsaCert.subject).to.contain(`CN=Dấu thời gian - ${agency.name}`);
    const eku = execFileSync('openssl', ['x509', '-noout', '-ext', 'extendedKeyUsage'], {
      input: tsaCert.toString(),
      encoding: 'utf8',
    });
    expect(eku).to.match(/Extended Key Usage: critical\s+Time Stamping\s*$/);
    expect(() => loadSigningKey(authorities[1]!.encryptedKey!, 'not-the-secret')).to.throw(
      PkiError,
    );
    expect(await auditCount(authorities[1]!.id, 'signing_key.tsa_enrol')).to.equal(1);
    // Its tokens name it and verify against the agency CA.
    const stamp = await timestampsFor(agency.id);
    const digest = Buffer.alloc(32, 7);
    const dir = mkdtempSync(path.join(tmpdir(), 'tsa-'));
    try {
      writeFileSync(path.join(dir, 'token.der'), await stamp!.timestamp(digest));
      const ts = (...args: string[]) =>
        spawnSync(
          'openssl',
          ['ts', '-verify', '-token_in', '-in', path.join(dir, 'token.der')].concat(args, [
            '-CAfile',
            caPaths(ctx.config.certsDir).cert,
          ]),
          { encoding: 'utf8' },
        );
      expect(ts('-digest', digest.toString('hex')).stdout).to.match(/Verification: OK/);
      // The same token for another digest is refused: the check can fail.
      expect(ts('-digest', Buffer.alloc(32, 8).toString('hex')).stdout).to.not.match(
        /Verification: OK/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await timestampsFor(other.id)).to.equal(undefined);
  });

  it('tells a person without a key to enrol, and a token holder to use the two-phase session', async () => {
    const user = await buildUser(await buildAgency(), ['leader']);
    expect((await refusal(signerFor(user, { pin: TEST_PIN }))).code).to.equal(
      'SIGNING_NOT_ENROLLED',
    );
    const refused = await refusal(
      chooseProvider(user.id, { provider: 'token' }, { userId: user.id, ip: null }),
    );
    expect(refused.code).to.equal('SIGNING_PROVIDER_UNAVAILABLE');
    configureSigningKeys({ ...ctx.config, signingTokenEnabled: true });
    try {
      await chooseProvider(user.id, { provider: 'token' }, { userId: user.id, ip: null });
      const token = await refusal(signerFor(user, { pin: TEST_PIN }));
      expect(token.code).to.equal('SIGNING_USE_TOKEN_SESSION');
    } finally {
      configureSigningKeys(ctx.config);
    }
    const audits = await AuditLog.count({
      where: { action: 'signing_key.provider', userId: user.id, entityType: { [Op.ne]: null } },
    });
    expect(audits).to.equal(1);
  });

  describe('pages', () => {
    it('enrols from the profile page, explaining bad PINs in Vietnamese', async () => {
      const user = await buildUser(await buildAgency(), ['leader']);
      const { agent, csrf } = await loginAs(ctx.app, user);
      const page = await agent.get('/profile/signing');
      expect(page.status).to.equal(200);
      expect(page.text).to.contain('Chữ ký số').and.contain('Bạn chưa có khóa ký số');

      const post = async (path: string, body: Record<string, string>) =>
        agent
          .post(path)
          .type('form')
          .send({ _csrf: await csrf(), ...body });
      const short = await post('/profile/signing/enrol', { pin: '12ab', pinConfirm: '12ab' });
      expect(short.status).to.equal(422);
      expect(short.text).to.contain('Mã PIN ký số phải gồm từ 6 đến 12 chữ số');
      expect(short.text).not.to.match(/\bat .*\.(ts|js):\d+/);
      const mismatch = await post('/profile/signing/enrol', {
        pin: '123456',
        pinConfirm: '123457',
      });
      expect(mismatch.status).to.equal(422);
      expect(mismatch.text).to.contain('Hai lần nhập mã PIN không khớp nhau');
      expect(await SignerCredential.count({ where: { userId: user.id } })).to.equal(0);

      const ok = await post('/profile/signing/enrol', { pin: '123456', pinConfirm: '123456' });
      expect(ok.status).to.equal(303);
      const shown = await agent.get('/profile/signing');
      const row = await SignerCredential.findOne({ where: { userId: user.id } });
      expect(shown.text).to.contain(
        new X509Certificate(row!.certificate!).serialNumber.toUpperCase(),
      );
      expect(shown.text).not.to.contain('123456');

      const wrongOld = await post('/profile/signing/pin', {
        oldPin: '654321',
        newPin: '111222',
        newPinConfirm: '111222',
      });
      expect(wrongOld.status).to.equal(422);
      expect(wrongOld.text).to.contain('Mã PIN ký số không đúng. Bạn còn 4 lần nhập');
      const changed = await post('/profile/signing/pin', {
        oldPin: '123456',
        newPin: '111222',
        newPinConfirm: '111222',
      });
      expect(changed.status).to.equal(303);
      await signerFor(user, { pin: '111222' });

      const csc = await post('/profile/signing/provider', { provider: 'csc' });
      expect(csc.status).to.equal(422);
      expect(csc.text).to.contain('Cách ký số này chưa được cấu hình');
      const bogus = await post('/profile/signing/provider', { provider: 'fax' });
      expect(bogus.status).to.equal(422);
    });

    it('lets the administrator create the agency seal, and no one else', async () => {
      const agency = await buildAgency();
      const admin = await buildUser(agency, ['admin']);
      const clerk = await buildUser(agency, ['clerk']);
      const asClerk = await loginAs(ctx.app, clerk);
      const refused = await asClerk.agent
        .post(`/admin/agency/${agency.id}/seal`)
        .type('form')
        .send({ _csrf: await asClerk.csrf() });
      expect(refused.status).to.equal(403);
      const asAdmin = await loginAs(ctx.app, admin);
      const page = await asAdmin.agent.get(`/admin/agency/${agency.id}/seal`);
      expect(page.status).to.equal(200);
      expect(page.text).to.contain('Cơ quan chưa có chứng thư số con dấu');
      const created = await asAdmin.agent
        .post(`/admin/agency/${agency.id}/seal`)
        .type('form')
        .send({ _csrf: await asAdmin.csrf() });
      expect(created.status).to.equal(303);
      const shown = await asAdmin.agent.get(`/admin/agency/${agency.id}/seal`);
      const seal = await SignerCredential.findOne({ where: { agencyId: agency.id, kind: 'seal' } });
      expect(shown.text)
        .to.contain(new X509Certificate(seal!.certificate!).serialNumber.toUpperCase())
        .and.not.contain('Cơ quan chưa có chứng thư số con dấu');
      expect(shown.text).to.contain('Máy chủ cấp dấu thời gian của cơ quan cho mọi chữ ký');
      expect(
        await AuditLog.count({ where: { action: 'signing_key.seal_enrol', userId: admin.id } }),
      ).to.equal(1);
      // An id that is no number names no agency: not found, like another agency's.
      const bad = await asAdmin.agent.get('/admin/agency/abc/seal');
      expect(bad.status).to.equal(404);
      expect(bad.text).to.contain('Không tìm thấy cơ quan');
      const foreign = await asAdmin.agent.get(`/admin/agency/${(await buildAgency()).id}/seal`);
      expect(foreign.status).to.equal(404);
      expect(foreign.text).to.contain('Không tìm thấy cơ quan');
    });
  });
});
