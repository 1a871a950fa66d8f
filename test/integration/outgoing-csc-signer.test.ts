import { expect } from 'chai';
import request from 'supertest';
import { loadConfig } from '../../src/config.js';
import { DocumentEvent } from '../../src/documents/document.model.js';
import { DocumentFile, StoredFile } from '../../src/files/file.model.js';
import { readStoredFile } from '../../src/files/file-storage.service.js';
import { submitDraft } from '../../src/outgoing/outgoing.approval.js';
import { createDraft } from '../../src/outgoing/outgoing.drafts.js';
import { OutgoingDocument } from '../../src/outgoing/outgoing.model.js';
import { DraftFieldsSchema } from '../../src/outgoing/outgoing.schemas.js';
import { loadTrustAnchors } from '../../src/pki/index.js';
import { addTrustAnchor } from '../../src/pki/trust.js';
import { chooseProvider } from '../../src/signing-keys/index.js';
import { configureSigningKeys } from '../../src/signing-keys/settings.js';
import { verifyPdf } from '../../src/signing/verify.js';
import type { User } from '../../src/users/user.model.js';
import { createAccessToken } from '../../src/users/users.service.js';
import { buildAgency, buildDepartment, buildUser, loginAs } from '../factories/index.js';
import { startCscServer, type CscTestServer } from '../helpers/csc-server.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { decree30Draft } from '../fixtures/draft.js';
import { testPki } from '../unit/signing/helpers/index.js';

const actorOf = (user: User) => ({ user, ip: '127.0.0.1' });

describe('outgoing signing with the remote CSC provider, through the app', function () {
  this.timeout(120_000);
  const pki = testPki();
  let ctx: TestContext;
  let csc: CscTestServer;
  let specialist: User;
  let leader: User;

  before(async () => {
    ctx = await testApp();
    // The service holds the leader's key: her certificate is issued by a root the tests trust.
    csc = await startCscServer({
      key: pki.rsaSigner.key,
      certificate: pki.rsaSigner.cert,
      chain: [pki.root.cert],
    });
    addTrustAnchor(ctx.config.certsDir, pki.root.cert, 'csc-test-root');
    // The installation as its environment configures it for a remote signing service.
    const { csc: cscConfig } = loadConfig({
      SESSION_SECRET: 'test-secret',
      CSC_BASE_URL: csc.baseUrl,
      CSC_CLIENT_ID: csc.clientId,
      CSC_CLIENT_SECRET: csc.clientSecret,
      CSC_POLL_INTERVAL_MS: '100',
      CSC_APPROVAL_TIMEOUT_MS: '1000',
    });
    expect(cscConfig).to.not.equal(null);
    configureSigningKeys({ ...ctx.config, csc: cscConfig });
    const agency = await buildAgency();
    const dept = await buildDepartment(agency);
    specialist = await buildUser(agency, ['specialist'], { departmentId: dept.id });
    leader = await buildUser(agency, ['leader'], { fullName: 'Nguyễn Thị Hằng' });
    await chooseProvider(
      leader.id,
      { provider: 'csc', cscCredentialId: csc.credentialId },
      { userId: leader.id, ip: null },
    );
  });

  after(async () => {
    configureSigningKeys(ctx.config);
    await csc?.close();
  });

  beforeEach(() => {
    Object.assign(csc.behaviour, {
      approvalDelayMs: 0,
      decision: 'approve',
      sadLifetimeMs: 60_000,
    });
  });

  async function waitingDraft(subject: string): Promise<number> {
    const doc = await createDraft(
      DraftFieldsSchema.parse({ documentType: 'CV', subject, signerId: String(leader.id) }),
      { main: { buffer: await decree30Draft(subject), originalName: 'du-thao.pdf' } },
      actorOf(specialist),
    );
    await submitDraft(doc.id, {}, actorOf(specialist));
    return doc.id;
  }

  const signedFiles = (id: number) =>
    DocumentFile.findAll({
      where: { documentKind: 'outgoing', documentId: id, role: 'signed' },
      include: [{ model: StoredFile, as: 'file' }],
    });

  it('signs a draft through the API with the remote service after the signer approves: a valid signature, recorded as the leader’s', async () => {
    const id = await waitingDraft('V/v ký số từ xa qua API');
    // The signer approves on their phone a moment later (asynchronous authorisation).
    csc.behaviour.approvalDelayMs = 150;
    const before = csc.requests.length;
    const token = (await createAccessToken(leader, 'test', { userId: leader.id, ip: null })).token;
    const res = await request(ctx.app)
      .post(`/api/v1/outgoing/${id}/sign`)
      .set('Authorization', `Bearer ${token}`)
      .send({});
    expect(res.status, res.text).to.equal(200);
    expect(res.body.status).to.equal('signed');
    const paths = csc.requests.slice(before).map((r) => r.path);
    expect(paths).to.include('/csc/v2/credentials/authorize');
    expect(paths.at(-1)).to.equal('/csc/v2/signatures/signHash');

    const [signed] = await signedFiles(id);
    const report = verifyPdf(await readStoredFile(signed!.file!), {
      trustAnchors: loadTrustAnchors(ctx.config.certsDir),
    });
    expect(report.signatures).to.have.length(1);
    expect(report.valid, JSON.stringify(report.signatures.map((s) => s.problems))).to.equal(true);
    expect(report.signatures[0]!.signer?.commonName).to.equal('Nguyễn Thị Hằng');
    const event = await DocumentEvent.findOne({
      where: { documentKind: 'outgoing', documentId: id, action: 'sign' },
    });
    expect(event!.actorId).to.equal(leader.id);
    expect(JSON.parse(String(event!.data))).to.include({ provider: 'csc' });
  });

  for (const [what, behaviour, message] of [
    ['refuses', { approvalDelayMs: 150, decision: 'refuse' }, 'Người ký đã từ chối yêu cầu ký số'],
    [
      'approves too late (the authorisation expired)',
      { sadLifetimeMs: 0 },
      'Phiên cho phép ký số đã hết hạn, vui lòng ký lại',
    ],
    [
      'never answers',
      { approvalDelayMs: 150, decision: 'never' },
      'Hết thời gian chờ xác nhận ký số',
    ],
  ] as const) {
    it(`tells the leader in Vietnamese when the signer ${what} on the page, and saves nothing`, async () => {
      const id = await waitingDraft(`V/v ký từ xa khi ${what}`);
      Object.assign(csc.behaviour, behaviour);
      const session = await loginAs(ctx.app, leader);
      const page = await session.agent.get(`/outgoing/${id}/sign`);
      expect(page.status).to.equal(200);
      const res = await session.agent
        .post(`/outgoing/${id}/sign`)
        .type('form')
        .send({ _csrf: await session.csrf() });
      expect(res.status, res.text.slice(0, 500)).to.be.within(400, 499);
      expect(res.text).to.contain(message);
      expect(res.text).not.to.match(/at .*\.ts:\d+/);
      expect(await signedFiles(id)).to.have.length(0);
      expect((await OutgoingDocument.findByPk(id))!.status).to.equal('in_approval');
      expect(
        await DocumentEvent.count({
          where: { documentKind: 'outgoing', documentId: id, action: 'sign' },
        }),
      ).to.equal(0);
      // Still in the leader's queue, waiting to be signed.
      const queue = await session.agent.get('/outgoing?tab=to_sign');
      expect(queue.text).to.contain(`outgoing-row-${id}`);
    });
  }
});
