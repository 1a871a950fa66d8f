import { execFileSync, spawnSync } from 'node:child_process';
import { constants, privateEncrypt, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import type { Agency } from '../../src/agencies/agency.model.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { todayInVietnam } from '../../src/calendar/working-days.js';
import { DocumentEvent } from '../../src/documents/document.model.js';
import { DocumentFile, StoredFile } from '../../src/files/file.model.js';
import { readStoredFile } from '../../src/files/file-storage.service.js';
import { submitDraft } from '../../src/outgoing/outgoing.approval.js';
import { createDraft } from '../../src/outgoing/outgoing.drafts.js';
import { OutgoingDocument } from '../../src/outgoing/outgoing.model.js';
import { DraftFieldsSchema } from '../../src/outgoing/outgoing.schemas.js';
import { SigningSession } from '../../src/outgoing/signing-session.model.js';
import { loadTrustAnchors } from '../../src/pki/index.js';
import { chooseProvider, configureSigningKeys } from '../../src/signing-keys/index.js';
import {
  registerTokenCertificate,
  revokeTokenCertificate,
  tokenCertificatesOf,
} from '../../src/signing-keys/token-certificates.js';
import { sha256DigestInfo } from '../../src/signing-providers/index.js';
import { buildSignedData } from '../../src/signing/cms/signed-data.js';
import { verifyPdf } from '../../src/signing/index.js';
import { createDelegation, DelegationSchema } from '../../src/users/delegations.service.js';
import type { User } from '../../src/users/user.model.js';
import { createAccessToken } from '../../src/users/users.service.js';
import { buildAgency, buildUser, loginAs } from '../factories/index.js';
import { makePdf } from '../fixtures/pdf.js';
import { enrolForTest, enrolSealForTest, keyOfEnrolled } from '../helpers/signing-keys.js';
import { testApp, type TestContext } from '../helpers/test-app.js';

const actorOf = (user: User) => ({ user, ip: '127.0.0.1' });

/** A person's "token": a key and certificate from the agency CA, held by the test as a device. */
async function tokenOf(user: User): Promise<{ certificate: Buffer; key: KeyObject }> {
  const credential = await enrolForTest(user);
  return {
    certificate: credential.certificate as Buffer,
    key: keyOfEnrolled(credential),
  };
}

const pdftotext = (pdf: Buffer): string => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'token-signed-')), 'signed.pdf');
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
};

describe('token signing: only a token registered to the person who signs', function () {
  this.timeout(120_000);
  let ctx: TestContext;
  let agency: Agency;
  let specialist: User;
  let leader: User;
  let colleague: User;
  let deputy: User;

  before(async () => {
    ctx = await testApp();
    configureSigningKeys({ ...ctx.config, signingTokenEnabled: true });
    agency = await buildAgency();
    await enrolSealForTest(agency.id);
    specialist = await buildUser(agency, ['specialist']);
    leader = await buildUser(agency, ['leader'], {
      fullName: 'Nguyễn Văn Lãnh',
      positionTitle: 'Chủ tịch',
    });
    colleague = await buildUser(agency, ['leader'], {
      fullName: 'Trần Thị Đồng',
      positionTitle: 'Phó Chủ tịch',
    });
    deputy = await buildUser(agency, ['leader'], {
      fullName: 'Lê Văn Phó',
      positionTitle: 'Phó Chủ tịch',
    });
  });

  after(() => configureSigningKeys(ctx.config));

  const api = async (user: User) => {
    const { token } = await createAccessToken(user, 'test', { userId: user.id, ip: null });
    const post = (url: string) =>
      request(ctx.app).post(url).set('Authorization', `Bearer ${token}`);
    return { post };
  };

  /** A draft with no printed signer block, submitted to the leader. */
  async function waitingDraft(signingForm: 'TM' | '' = ''): Promise<number> {
    const doc = await createDraft(
      DraftFieldsSchema.parse({
        documentType: 'QĐ',
        subject: 'Về việc ký bằng thiết bị ký số',
        signerId: String(leader.id),
        signingForm,
        signerTitle: 'Chủ tịch',
        recipients: [{ name: 'Sở Nội vụ', code: '000.00.01.H99' }],
      }),
      { main: { buffer: await makePdf(1, 'Du thao khong in khoi chu ky'), originalName: 'a.pdf' } },
      actorOf(specialist),
    );
    await submitDraft(doc.id, {}, actorOf(specialist));
    return doc.id;
  }

  const signValue = (key: KeyObject, digestBase64: string) =>
    privateEncrypt(
      { key, padding: constants.RSA_PKCS1_PADDING },
      sha256DigestInfo(Buffer.from(digestBase64, 'base64')),
    ).toString('base64');

  const refusals = (documentId: number) =>
    AuditLog.findAll({
      where: { action: 'outgoing.sign_refused', entityType: 'outgoing', entityId: documentId },
    });

  const signedFiles = (documentId: number) =>
    DocumentFile.count({ where: { documentKind: 'outgoing', documentId, role: 'signed' } });

  it('registers a token certificate on the profile page only when it is trusted and names the person', async () => {
    const own = await tokenOf(leader);
    const theirs = await tokenOf(colleague);
    const { agent, csrf } = await loginAs(ctx.app, leader);
    const upload = async (bytes: Buffer, name = 'token.cer') =>
      agent
        .post('/profile/signing/tokens')
        .field('_csrf', await csrf())
        .attach('certificate', bytes, name);

    const colleagues = await upload(theirs.certificate);
    expect(colleagues.status).to.equal(422);
    expect(colleagues.text).to.contain('không mang họ tên của bạn');
    // A certificate made up with the leader's name: not from an authority the system trusts.
    const dir = mkdtempSync(path.join(tmpdir(), 'self-signed-'));
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2']
        .concat(['-subj', '/CN=Nguyễn Văn Lãnh', '-utf8'])
        .concat(['-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem')]),
      { stdio: 'ignore' },
    );
    const forged = await upload(readFileSync(path.join(dir, 'c.pem')), 'c.pem');
    expect(forged.status).to.equal(422);
    expect(forged.text).to.contain('không do tổ chức cung cấp dịch vụ chứng thực');
    const garbage = await upload(Buffer.from('không phải chứng thư'));
    expect(garbage.status).to.equal(422);
    expect(await tokenCertificatesOf(leader.id)).to.have.length(0);

    const ok = await upload(own.certificate);
    expect(ok.status, ok.text).to.equal(303);
    const page = await agent.get('/profile/signing');
    expect(page.text).to.contain('data-testid="signing-token"').and.contain('Nguyễn Văn Lãnh');
    const [row] = await tokenCertificatesOf(leader.id);
    expect(
      await AuditLog.count({
        where: { action: 'signing_key.token_register', entityId: String(row!.id) },
      }),
    ).to.equal(1);
    // Someone of the same name cannot take a certificate registered to another.
    const namesake = await buildUser(agency, ['leader'], { fullName: 'Nguyễn Văn Lãnh' });
    const taken = await registerTokenCertificate(namesake.id, own.certificate, {
      userId: namesake.id,
      ip: null,
    }).catch((e: unknown) => e as { status: number; fields: Record<string, string> });
    expect(taken).to.include({ status: 409 });
  });

  it('refuses to start a session with a colleague’s token: audited, nothing prepared', async () => {
    const theirs = await tokenOf(colleague);
    await registerTokenCertificate(colleague.id, theirs.certificate, {
      userId: colleague.id,
      ip: null,
    });
    await tokenOf(leader);
    await chooseProvider(leader.id, { provider: 'token' }, { userId: leader.id, ip: null });
    const id = await waitingDraft();
    const res = await (
      await api(leader)
    )
      .post('/api/v1/signing-sessions')
      .send({ documentId: id, certificate: theirs.certificate.toString('base64') });
    expect(res.status, res.text).to.equal(422);
    expect(res.body.error.fields.certificate).to.contain('chưa được đăng ký cho bạn');
    expect(await SigningSession.count({ where: { documentId: id } })).to.equal(0);
    expect((await OutgoingDocument.findByPk(id))!.status).to.not.equal('signed');
    expect(await refusals(id)).to.have.length(1);
  });

  it('refuses to finish when the token is no longer registered to the signer, or the CMS names another certificate', async () => {
    const own = await tokenOf(leader);
    const row = await registerTokenCertificate(leader.id, own.certificate, {
      userId: leader.id,
      ip: null,
    });
    await chooseProvider(leader.id, { provider: 'token' }, { userId: leader.id, ip: null });
    const id = await waitingDraft();
    const client = await api(leader);
    const started = await client
      .post('/api/v1/signing-sessions')
      .send({ documentId: id, certificate: own.certificate.toString('base64') });
    expect(started.status, started.text).to.equal(201);
    // The leader's own signature value in a CMS that names a colleague's certificate as its signer.
    const theirs = await tokenOf(colleague);
    const cms = buildSignedData({
      certificate: theirs.certificate,
      signatureAlgorithm: 'rsa-sha256',
      signedAttributes: Buffer.from(started.body.toBeSignedBase64, 'base64'),
      signature: Buffer.from(signValue(own.key, started.body.digestBase64), 'base64'),
    });
    const named = await client
      .post(`/api/v1/signing-sessions/${started.body.sessionId}/complete`)
      .send({ cms: cms.toString('base64') });
    expect(named.status, named.text).to.equal(409);
    expect(named.body.error.message).to.contain('chưa được đăng ký cho bạn');
    expect(await signedFiles(id)).to.equal(0);
    expect(await refusals(id)).to.have.length(1);

    await revokeTokenCertificate(leader.id, row.id, { userId: leader.id, ip: null });
    const done = await client
      .post(`/api/v1/signing-sessions/${started.body.sessionId}/complete`)
      .send({ signatureValue: signValue(own.key, started.body.digestBase64) });
    expect(done.status, done.text).to.equal(409);
    expect(done.body.error.code).to.equal('SIGNING_TOKEN_NOT_REGISTERED');
    expect(done.body.error.message).to.contain('chưa được đăng ký cho bạn');
    expect(await signedFiles(id)).to.equal(0);
    expect((await OutgoingDocument.findByPk(id))!.status).to.not.equal('signed');
    const rows = await refusals(id);
    expect(rows).to.have.length(2);
    expect(JSON.parse(String(rows[1]!.details))).to.include({ phase: 'finish' });
  });

  it('signs with the signer’s own token, drawing the whole signer block where the draft prints none', async () => {
    const own = await tokenOf(leader);
    await registerTokenCertificate(leader.id, own.certificate, { userId: leader.id, ip: null });
    await chooseProvider(leader.id, { provider: 'token' }, { userId: leader.id, ip: null });
    const id = await waitingDraft();
    const client = await api(leader);
    const started = await client
      .post('/api/v1/signing-sessions')
      .send({ documentId: id, certificate: own.certificate.toString('base64') });
    expect(started.status, started.text).to.equal(201);
    const done = await client
      .post(`/api/v1/signing-sessions/${started.body.sessionId}/complete`)
      .send({ signatureValue: signValue(own.key, started.body.digestBase64) });
    expect(done.status, done.text).to.equal(200);
    const signed = await DocumentFile.findOne({
      where: { documentKind: 'outgoing', documentId: id, role: 'signed' },
      include: [{ model: StoredFile, as: 'file' }],
    });
    const bytes = await readStoredFile(signed!.file!);
    const report = verifyPdf(bytes, { trustAnchors: loadTrustAnchors(ctx.config.certsDir) });
    expect(report.valid, JSON.stringify(report.signatures.map((s) => s.problems))).to.equal(true);
    if (spawnSync('pdftotext', ['-v']).error) {
      if (process.env.CI) throw new Error('pdftotext (poppler-utils) is required in CI');
      return;
    }
    const text = pdftotext(bytes);
    expect(text).to.contain('CHỦ TỊCH').and.contain('Nguyễn Văn Lãnh');
  });

  it('under a delegation, accepts the delegate’s own token and refuses the principal’s', async () => {
    const principals = await tokenOf(leader);
    await registerTokenCertificate(leader.id, principals.certificate, {
      userId: leader.id,
      ip: null,
    });
    const own = await tokenOf(deputy);
    await registerTokenCertificate(deputy.id, own.certificate, { userId: deputy.id, ip: null });
    await chooseProvider(deputy.id, { provider: 'token' }, { userId: deputy.id, ip: null });
    await createDelegation(
      DelegationSchema.parse({
        principalId: leader.id,
        delegateId: deputy.id,
        form: 'KT',
        actions: ['outgoing.sign'],
        startsOn: todayInVietnam(),
        endsOn: todayInVietnam(),
      }),
      actorOf(leader),
    );
    const id = await waitingDraft();
    const client = await api(deputy);
    const withPrincipals = await client
      .post('/api/v1/signing-sessions')
      .send({ documentId: id, certificate: principals.certificate.toString('base64') });
    expect(withPrincipals.status, withPrincipals.text).to.equal(422);
    expect(withPrincipals.body.error.fields.certificate).to.contain('chưa được đăng ký cho bạn');
    expect(await refusals(id)).to.have.length(1);

    const started = await client
      .post('/api/v1/signing-sessions')
      .send({ documentId: id, certificate: own.certificate.toString('base64') });
    expect(started.status, started.text).to.equal(201);
    const done = await client
      .post(`/api/v1/signing-sessions/${started.body.sessionId}/complete`)
      .send({ signatureValue: signValue(own.key, started.body.digestBase64) });
    expect(done.status, done.text).to.equal(200);
    const event = await DocumentEvent.findOne({
      where: { documentKind: 'outgoing', documentId: id, action: 'sign' },
    });
    expect(event!.actorId).to.equal(deputy.id);
    expect(JSON.parse(String(event!.data))).to.include({ onBehalfOf: leader.id });
  });
});
