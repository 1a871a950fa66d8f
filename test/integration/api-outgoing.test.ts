import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Op } from 'sequelize';
import { SigningSession } from '../../src/outgoing/signing-session.model.js';
import { constants, privateEncrypt, X509Certificate } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import type { Agency, Department } from '../../src/agencies/agency.model.js';
import { createTemplate } from '../../src/approvals/approval-templates.service.js';
import { ApprovalDecision, ApprovalFlow } from '../../src/approvals/approval.model.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { todayInVietnam } from '../../src/calendar/working-days.js';
import { DocumentFile, StoredFile } from '../../src/files/file.model.js';
import { readStoredFile } from '../../src/files/file-storage.service.js';
import { Notification } from '../../src/notifications/notification.model.js';
import { OutgoingDocument } from '../../src/outgoing/outgoing.model.js';
import { caPaths } from '../../src/pki/index.js';
import { chooseProvider, configureSigningKeys } from '../../src/signing-keys/index.js';
import { registerTokenCertificate } from '../../src/signing-keys/token-certificates.js';
import { sha256DigestInfo } from '../../src/signing-providers/index.js';
import { verifyPdf } from '../../src/signing/index.js';
import type { User } from '../../src/users/user.model.js';
import { createAccessToken } from '../../src/users/users.service.js';
import { buildAgency, buildDepartment, buildUser } from '../factories/index.js';
import {
  enrolForTest,
  enrolSealForTest,
  keyOfEnrolled,
  TEST_PIN,
} from '../helpers/signing-keys.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { draftPdf } from './outgoing-issue-fixtures.js';

async function tokenFor(user: User): Promise<string> {
  return (await createAccessToken(user, 'test', { userId: user.id, ip: null })).token;
}

interface World {
  agency: Agency;
  department: Department;
  drafter: User;
  head: User;
  leader: User;
  clerk: User;
  recipients: Agency[];
  /** One clerk of each recipient agency. */
  recipientClerks: User[];
  tokens: Map<number, string>;
}

describe('JSON API /api/v1/outgoing and /api/v1/signing-sessions', function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let pdf: Buffer;

  before(async () => {
    ctx = await testApp();
    pdf = await draftPdf();
  });

  async function world(recipientCount = 2): Promise<World> {
    const agency = await buildAgency();
    const department = await buildDepartment(agency);
    const drafter = await buildUser(agency, ['specialist'], { departmentId: department.id });
    const head = await buildUser(agency, ['dept_head'], { departmentId: department.id });
    const leader = await buildUser(agency, ['leader'], { positionTitle: 'Chủ tịch' });
    const clerk = await buildUser(agency, ['clerk']);
    const recipients: Agency[] = [];
    const recipientClerks: User[] = [];
    for (let i = 0; i < recipientCount; i += 1) {
      const r = await buildAgency();
      recipientClerks.push(await buildUser(r, ['clerk']));
      recipients.push(r);
    }
    const tokens = new Map<number, string>();
    for (const u of [drafter, head, leader, clerk]) tokens.set(u.id, await tokenFor(u));
    return {
      agency,
      department,
      drafter,
      head,
      leader,
      clerk,
      recipients,
      recipientClerks,
      tokens,
    };
  }

  const as = (w: World, user: User) => {
    const token = w.tokens.get(user.id)!;
    const api = request(ctx.app);
    return {
      get: (url: string) => api.get(url).set('Authorization', `Bearer ${token}`),
      post: (url: string) => api.post(url).set('Authorization', `Bearer ${token}`),
    };
  };

  /** A draft created through the API by the world's drafter, signed by its leader. */
  async function createDraft(w: World, extra: Record<string, string> = {}) {
    let req = as(w, w.drafter)
      .post('/api/v1/outgoing')
      .field('documentType', 'QĐ')
      .field('subject', 'Về việc thử nghiệm ban hành văn bản qua API')
      .field('signerId', String(w.leader.id))
      .field('signingForm', 'TM')
      .field('signerTitle', 'Chủ tịch')
      .field('placeName', 'Hà Nội')
      .field(
        'recipients',
        JSON.stringify([
          ...w.recipients.map((r) => ({ agencyId: r.id })),
          { name: 'Bộ Nội vụ', code: '000.00.00.G01' },
        ]),
      );
    for (const [k, v] of Object.entries(extra)) req = req.field(k, v);
    const res = await req
      .attach('main', pdf, 'quyet-dinh.pdf')
      .attach('attachments', pdf, 'phu-luc.pdf');
    expect(res.status, res.text).to.equal(201);
    return res.body as { id: number; [k: string]: unknown };
  }

  const agencyCa = () => new X509Certificate(readFileSync(caPaths(ctx.config.certsDir).cert)).raw;

  it('drafts, versions, submits straight to the signer, signs with the PIN, issues, dispatches and reports each recipient', async () => {
    const w = await world(2);
    await enrolForTest(w.leader);
    await enrolSealForTest(w.agency.id);
    const created = await createDraft(w);
    expect(created).to.include({ status: 'draft', documentType: 'QĐ', currentVersion: 1 });
    expect(created.files).to.have.length(2);
    expect((created.recipients as { kind: string }[]).map((r) => r.kind)).to.deep.equal([
      'agency',
      'agency',
      'external',
    ]);
    const id = created.id;
    const drafter = as(w, w.drafter);

    const version = await drafter
      .post(`/api/v1/outgoing/${id}/versions`)
      .attach('main', pdf, 'quyet-dinh-v2.pdf');
    expect(version.status, version.text).to.equal(201);
    expect(version.body.version).to.equal(2);
    expect(version.body.document.versions).to.have.length(2);

    const submitted = await drafter.post(`/api/v1/outgoing/${id}/submit`).send({});
    expect(submitted.status, submitted.text).to.equal(200);
    expect(submitted.body.status).to.equal('in_approval');
    expect(submitted.body.approval).to.equal(null);
    // No chain: nobody acts on a step.
    const noChain = await drafter
      .post(`/api/v1/outgoing/${id}/approval`)
      .send({ action: 'approve' });
    expect(noChain.status).to.equal(409);

    const leader = as(w, w.leader);
    const wrongPin = await leader.post(`/api/v1/outgoing/${id}/sign`).send({ pin: '999999' });
    expect(wrongPin.status).to.equal(422);
    expect(wrongPin.body.error.code).to.equal('SIGNING_PIN_WRONG');
    expect(wrongPin.body.error.message).to.match(/Mã PIN ký số không đúng/);
    const toSign = await leader.get('/api/v1/outgoing?tab=to_sign');
    expect(toSign.body.items.map((d: { id: number }) => d.id)).to.deep.equal([id]);

    // Told on signing: the agency's active clerks (to issue) and the drafter (signed).
    const awayClerk = await buildUser(w.agency, ['clerk'], { isActive: false });
    const signed = await leader.post(`/api/v1/outgoing/${id}/sign`).send({ pin: TEST_PIN });
    expect(signed.status, signed.text).to.equal(200);
    expect(signed.body.status).to.equal('signed');
    expect(signed.body.signatures.map((s: { kind: string }) => s.kind)).to.deep.equal(['leader']);
    const toldOnSigning = await Notification.findAll({
      where: { link: `/outgoing/${id}`, kind: ['outgoing.to_issue', 'outgoing.signed'] },
    });
    expect(toldOnSigning.map((n) => [n.userId, n.kind])).to.have.deep.members([
      [w.clerk.id, 'outgoing.to_issue'],
      [w.drafter.id, 'outgoing.signed'],
    ]);
    expect(await Notification.count({ where: { userId: awayClerk.id } })).to.equal(0);

    const clerk = as(w, w.clerk);
    const queue = await clerk.get('/api/v1/outgoing?tab=to_issue');
    expect(queue.body.items.map((d: { id: number }) => d.id)).to.include(id);
    const issued = await clerk.post(`/api/v1/outgoing/${id}/issue`).send({});
    expect(issued.status, issued.text).to.equal(200);
    expect(issued.body.status).to.equal('issued');
    expect(issued.body.codeNumber).to.equal(1);
    expect(issued.body.numberNotation).to.match(/^01\/QĐ-UBND$|^1\/QĐ-UBND$/);
    expect(issued.body.promulgationDate).to.equal(todayInVietnam());
    // The answer is built from what the issuance left, and says what a fresh read says.
    const reread = await clerk.get(`/api/v1/outgoing/${id}`);
    expect(issued.body).to.deep.equal(reread.body);
    expect(issued.body.signatures.map((s: { kind: string }) => s.kind)).to.have.members([
      'leader',
      'seal',
      'attachment',
    ]);

    // Each recipient agency's clerks are told it arrived.
    const { recipientClerks } = w;
    const arrivals = await Notification.findAll({
      where: { kind: 'delivery.arrived', userId: recipientClerks.map((c) => c.id) },
    });
    expect(arrivals.map((n) => n.userId)).to.have.members(recipientClerks.map((c) => c.id));

    const status = await drafter.get(`/api/v1/outgoing/${id}/status`);
    expect(status.status).to.equal(200);
    const internal = status.body.recipients.filter((r: { kind: string }) => r.kind === 'agency');
    const codes = internal.map((r: { status: { code: string } }) => r.status.code);
    expect(codes).to.deep.equal(['01', '01']);
    expect(internal[0].status.text).to.equal('Đã đến');
    expect(internal[0].status.at).to.be.a('string');
    expect(internal[0].history[0].code).to.equal('01');
    const external = status.body.recipients.find((r: { kind: string }) => r.kind === 'external');
    expect(external.status).to.equal(null);

    // The sealed file carries both signatures, valid under the agency CA.
    const seal = issued.body.signatures.find((s: { kind: string }) => s.kind === 'seal');
    const download = await drafter
      .get(`/api/v1/outgoing/${id}/files/${seal.fileId}`)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(download.status).to.equal(200);
    expect(download.headers['content-type']).to.equal('application/pdf');
    const report = verifyPdf(download.body as Buffer, { trustAnchors: [agencyCa()] });
    expect(report.valid, JSON.stringify(report.signatures.map((s) => s.problems))).to.equal(true);
    expect(report.signatures).to.have.length(2);
    expect(
      await AuditLog.count({
        where: { action: 'outgoing.download', entityId: String(id), userId: w.drafter.id },
      }),
    ).to.equal(1);

    const detail = await drafter.get(`/api/v1/outgoing/${id}`);
    expect(detail.body.trail.map((e: { action: string }) => e.action)).to.include.members([
      'create',
      'version',
      'submit',
      'sign',
      'issue',
      'dispatch',
    ]);
    expect(
      await AuditLog.count({
        where: { action: 'outgoing.view', entityId: String(id), userId: w.drafter.id },
      }),
    ).to.equal(1);
  });

  it('acts on the current step of the chain: a comment by someone not asked, the head’s initial approves it', async () => {
    const w = await world(0);
    await createTemplate(
      w.agency.id,
      {
        name: 'Quyết định của phòng',
        documentType: 'QĐ',
        departmentId: w.department.id,
        allowExtraReviewers: true,
        steps: [
          {
            title: 'Trưởng phòng',
            members: [{ userId: w.head.id }],
            rule: 'all',
            days: 2,
            kind: 'approve',
          },
        ],
      },
      { userId: w.head.id, ip: null },
    );
    const { id } = await createDraft(w);
    const submitted = await as(w, w.drafter).post(`/api/v1/outgoing/${id}/submit`).send({});
    expect(submitted.body.approval.status).to.equal('in_progress');
    const toApprove = await as(w, w.head).get('/api/v1/outgoing?tab=to_approve');
    expect(toApprove.body.items.map((d: { id: number }) => d.id)).to.deep.equal([id]);

    // The leader is not asked at this step.
    const notAsked = await as(w, w.leader)
      .post(`/api/v1/outgoing/${id}/approval`)
      .send({ action: 'approve' });
    expect(notAsked.status).to.equal(403);
    const noComment = await as(w, w.head)
      .post(`/api/v1/outgoing/${id}/approval`)
      .send({ action: 'return' });
    expect(noComment.status).to.equal(422);
    expect(noComment.body.error.fields.comment).to.match(/ý kiến|lý do|nhập/i);

    const commented = await as(w, w.leader)
      .post(`/api/v1/outgoing/${id}/approval`)
      .send({ action: 'comment', comment: 'Đề nghị rà soát Điều 2' });
    expect(commented.status, commented.text).to.equal(200);
    expect(commented.body.approval.comments[0].body).to.equal('Đề nghị rà soát Điều 2');

    const initialled = await as(w, w.head)
      .post(`/api/v1/outgoing/${id}/approval`)
      .send({ action: 'initial', comment: 'Ký nháy' });
    expect(initialled.status, initialled.text).to.equal(200);
    expect(initialled.body.approval.status).to.equal('approved');
    const decision = initialled.body.approval.steps[0].decisions[0];
    expect(decision).to.include({ decision: 'initial', version: 1, actorId: w.head.id });
    expect(initialled.body.allowed.sign).to.equal(false);
    const leaderView = await as(w, w.leader).get(`/api/v1/outgoing/${id}`);
    expect(leaderView.body.allowed.sign).to.equal(true);
  });

  it('records a decision only on the draft’s latest version: none it never had, none older', async () => {
    const w = await world(0);
    await createTemplate(
      w.agency.id,
      {
        name: 'Quyết định của phòng',
        documentType: 'QĐ',
        departmentId: w.department.id,
        allowExtraReviewers: false,
        steps: [
          {
            title: 'Trưởng phòng',
            members: [{ userId: w.head.id }],
            rule: 'all',
            days: 2,
            kind: 'approve',
          },
          {
            title: 'Chủ tịch',
            members: [{ userId: w.leader.id }],
            rule: 'all',
            days: 2,
            kind: 'approve',
          },
        ],
      },
      { userId: w.head.id, ip: null },
    );
    const { id } = await createDraft(w);
    await as(w, w.drafter).post(`/api/v1/outgoing/${id}/submit`).send({}).expect(200);
    const decided = () =>
      ApprovalDecision.count({ where: { assigneeId: w.head.id, decision: { [Op.ne]: null } } });

    const unknown = await as(w, w.head)
      .post(`/api/v1/outgoing/${id}/approval`)
      .send({ action: 'approve', version: 999 });
    expect(unknown.status).to.equal(422);
    expect(unknown.body.error.fields.version).to.equal('Dự thảo không có phiên bản này.');
    expect(await decided()).to.equal(0);

    // Returned, changed (version 2) and sent again: a page still showing version 1 may not decide.
    await as(w, w.head)
      .post(`/api/v1/outgoing/${id}/approval`)
      .send({ action: 'return', comment: 'Sửa Điều 2' })
      .expect(200);
    await as(w, w.drafter)
      .post(`/api/v1/outgoing/${id}/versions`)
      .attach('main', pdf, 'quyet-dinh-v2.pdf')
      .expect(201);
    await as(w, w.drafter).post(`/api/v1/outgoing/${id}/submit`).send({}).expect(200);
    const stale = await as(w, w.head)
      .post(`/api/v1/outgoing/${id}/approval`)
      .send({ action: 'approve', version: 1 });
    expect(stale.status).to.equal(409);
    expect(stale.body.error.message).to.contain('phiên bản mới hơn (phiên bản 2');
    expect(await decided()).to.equal(1);

    const approved = await as(w, w.head)
      .post(`/api/v1/outgoing/${id}/approval`)
      .send({ action: 'approve', version: 2 });
    expect(approved.status, approved.text).to.equal(200);
    // Without a version the decision is on the latest one.
    const byLeader = await as(w, w.leader)
      .post(`/api/v1/outgoing/${id}/approval`)
      .send({ action: 'approve' });
    expect(byLeader.status, byLeader.text).to.equal(200);
    type Decided = { decision: string | null; version: number | null };
    const versions = (byLeader.body.approval.steps as { decisions: Decided[] }[]).flatMap((s) =>
      s.decisions.filter((d) => d.decision === 'approve').map((d) => d.version),
    );
    expect(versions).to.deep.equal([2, 2]);
  });

  it('takes a chain only from a template that applies to the draft’s type and department', async () => {
    const w = await world(0);
    const other = await buildDepartment(w.agency);
    const step = (userId: number) => ({
      title: 'Một bước',
      members: [{ userId }],
      rule: 'all' as const,
      days: 2,
      kind: 'approve' as const,
    });
    const admin = { userId: w.head.id, ip: null };
    const own = await createTemplate(
      w.agency.id,
      {
        name: 'Quyết định của phòng',
        documentType: 'QĐ',
        departmentId: w.department.id,
        allowExtraReviewers: false,
        steps: [step(w.head.id), step(w.leader.id)],
      },
      admin,
    );
    const ofOtherDepartment = await createTemplate(
      w.agency.id,
      {
        name: 'Quyết định của phòng khác',
        documentType: 'QĐ',
        departmentId: other.id,
        allowExtraReviewers: false,
        steps: [step(w.clerk.id)],
      },
      admin,
    );
    const ofOtherType = await createTemplate(
      w.agency.id,
      {
        name: 'Công văn',
        documentType: 'CV',
        departmentId: null,
        allowExtraReviewers: false,
        steps: [step(w.clerk.id)],
      },
      admin,
    );
    const foreignAgency = await buildAgency();
    const foreignLeader = await buildUser(foreignAgency, ['leader']);
    const foreign = await createTemplate(
      foreignAgency.id,
      {
        name: 'Cơ quan khác',
        documentType: null,
        departmentId: null,
        allowExtraReviewers: false,
        steps: [step(foreignLeader.id)],
      },
      admin,
    );
    const { id } = await createDraft(w);
    const page = await as(w, w.drafter).get(`/api/v1/outgoing/${id}`);
    expect(page.status).to.equal(200);
    for (const templateId of [ofOtherDepartment.id, ofOtherType.id, foreign.id, 2_000_000_000]) {
      const refused = await as(w, w.drafter)
        .post(`/api/v1/outgoing/${id}/submit`)
        .send({ templateId });
      expect(refused.status, `template ${templateId}`).to.equal(422);
      expect(refused.body.error.fields.templateId).to.equal(
        'Quy trình duyệt này không áp dụng cho loại văn bản và đơn vị của dự thảo.',
      );
    }
    expect((await OutgoingDocument.findByPk(id))!.status).to.equal('draft');
    expect(
      await ApprovalFlow.count({ where: { documentKind: 'outgoing', documentId: id } }),
    ).to.equal(0);
    const submitted = await as(w, w.drafter)
      .post(`/api/v1/outgoing/${id}/submit`)
      .send({ templateId: own.id });
    expect(submitted.status, submitted.text).to.equal(200);
    expect(submitted.body.approval.steps).to.have.length(2);
  });

  it('signs in two phases with a token in the signer’s hands; the PDF verifies', async () => {
    const w = await world(0);
    // With the seal comes the agency's timestamp authority, which stamps the token's signature.
    await enrolSealForTest(w.agency.id);
    // The "token": a key and certificate from the agency CA, held by the test as a device would.
    const credential = await enrolForTest(w.leader);
    const key = keyOfEnrolled(credential);
    configureSigningKeys({ ...ctx.config, signingTokenEnabled: true });
    try {
      await chooseProvider(w.leader.id, { provider: 'token' }, { userId: w.leader.id, ip: null });
      await registerTokenCertificate(w.leader.id, credential.certificate as Buffer, {
        userId: w.leader.id,
        ip: null,
      });
    } finally {
      configureSigningKeys(ctx.config);
    }
    const { id } = await createDraft(w);
    await as(w, w.drafter).post(`/api/v1/outgoing/${id}/submit`).send({});
    const leader = as(w, w.leader);
    const byPin = await leader.post(`/api/v1/outgoing/${id}/sign`).send({ pin: TEST_PIN });
    expect(byPin.status).to.equal(409);
    expect(byPin.body.error.code).to.equal('SIGNING_USE_TOKEN_SESSION');

    const badCert = await leader
      .post('/api/v1/signing-sessions')
      .send({ documentId: id, certificate: Buffer.from('not a certificate').toString('base64') });
    expect(badCert.status).to.equal(422);
    expect(badCert.body.error.fields).to.have.property('certificate');
    // A certificate the client made itself (any name on it) is refused before anything is prepared.
    const dir = mkdtempSync(path.join(tmpdir(), 'self-signed-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=Tran Van Gia Mao',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-outform',
        'DER',
        '-out',
        path.join(dir, 'cert.der'),
      ],
      { stdio: 'ignore' },
    );
    const forged = await leader.post('/api/v1/signing-sessions').send({
      documentId: id,
      certificate: readFileSync(path.join(dir, 'cert.der')).toString('base64'),
    });
    expect(forged.status).to.equal(422);
    expect(forged.body.error.fields.certificate).to.match(/tin cậy/);

    const started = await leader.post('/api/v1/signing-sessions').send({
      documentId: id,
      certificate: (credential.certificate as Buffer).toString('base64'),
    });
    expect(started.status, started.text).to.equal(201);
    expect(started.body).to.include({ documentId: id, hashAlgorithm: 'SHA-256' });
    // Sessions never finished pile up only so far: 20 open at once, then 429 in Vietnamese;
    // expired ones are dropped when the next one starts.
    const certificate = (credential.certificate as Buffer).toString('base64');
    for (let i = 1; i < 20; i++)
      expect(
        (await leader.post('/api/v1/signing-sessions').send({ documentId: id, certificate }))
          .status,
      ).to.equal(201);
    const tooMany = await leader
      .post('/api/v1/signing-sessions')
      .send({ documentId: id, certificate });
    expect(tooMany.status).to.equal(429);
    expect(tooMany.body.error.message).to.match(/phiên ký/);
    await SigningSession.update(
      { expiresAt: new Date(Date.now() - 1000) },
      { where: { userId: w.leader.id, id: { [Op.ne]: started.body.sessionId } } },
    );
    expect(
      (await leader.post('/api/v1/signing-sessions').send({ documentId: id, certificate })).status,
    ).to.equal(201);
    expect(await SigningSession.count({ where: { userId: w.leader.id } })).to.equal(2);
    const value = privateEncrypt(
      { key, padding: constants.RSA_PKCS1_PADDING },
      sha256DigestInfo(Buffer.from(started.body.digestBase64, 'base64')),
    );
    // Someone else cannot finish the leader's session.
    const stolen = await as(w, w.clerk)
      .post(`/api/v1/signing-sessions/${started.body.sessionId}/complete`)
      .send({ signatureValue: value.toString('base64') });
    expect(stolen.status).to.equal(404);
    const done = await leader
      .post(`/api/v1/signing-sessions/${started.body.sessionId}/complete`)
      .send({ signatureValue: value.toString('base64') });
    expect(done.status, done.text).to.equal(200);
    expect(done.body.status).to.equal('signed');
    const again = await leader
      .post(`/api/v1/signing-sessions/${started.body.sessionId}/complete`)
      .send({ signatureValue: value.toString('base64') });
    expect(again.status).to.equal(404);

    const signedRow = await DocumentFile.findOne({
      where: { documentKind: 'outgoing', documentId: id, role: 'signed' },
      include: [{ model: StoredFile, as: 'file' }],
    });
    const report = verifyPdf(await readStoredFile(signedRow!.file!), {
      trustAnchors: [agencyCa()],
    });
    expect(report.valid, JSON.stringify(report.signatures.map((s) => s.problems))).to.equal(true);
    expect(report.signatures).to.have.length(1);
    expect(report.signatures[0]!.timestamp?.tsa).to.equal(`Dấu thời gian - ${w.agency.name}`);
    expect(report.signatures[0]!.timestamp?.chainTrusted).to.equal(true);
  });

  it('answers bad input with a 4xx and a Vietnamese message, and hides other people’s documents', async () => {
    const w = await world(0);
    const drafter = as(w, w.drafter);
    const before = await OutgoingDocument.count({ where: { agencyId: w.agency.id } });

    const noFile = await drafter
      .post('/api/v1/outgoing')
      .field('documentType', 'QĐ')
      .field('subject', 'Trích yếu');
    expect(noFile.status).to.equal(422);
    expect(noFile.body.error.fields.main)
      .to.be.a('string')
      .and.not.match(/^errors:/);

    const badFields = await drafter
      .post('/api/v1/outgoing')
      .field('documentType', 'XX')
      .field('subject', '')
      .field('urgency', 'nhanh')
      .field('recipients', '[{"agencyId": "abc"}]')
      .attach('main', pdf, 'a.pdf');
    expect(badFields.status).to.equal(422);
    expect(badFields.body.error.message).to.match(/Dữ liệu nhập chưa hợp lệ/);
    expect(badFields.body.error.fields).to.include.keys('documentType', 'subject', 'urgency');

    const notPdf = await drafter
      .post('/api/v1/outgoing')
      .field('documentType', 'QĐ')
      .field('subject', 'Trích yếu')
      .attach('main', Buffer.from('<html>không phải PDF</html>'), 'a.pdf');
    expect(notPdf.status).to.be.within(400, 499);
    expect(notPdf.body.error.message).to.be.a('string');
    expect(await OutgoingDocument.count({ where: { agencyId: w.agency.id } })).to.equal(before);

    const { id } = await createDraft(w);
    // Someone else's draft, another agency's clerk, a nonsense id: not found.
    const other = await buildUser(w.agency, ['specialist']);
    w.tokens.set(other.id, await tokenFor(other));
    const foreign = await buildUser(await buildAgency(), ['clerk']);
    w.tokens.set(foreign.id, await tokenFor(foreign));
    for (const url of [`/api/v1/outgoing/${id}`, `/api/v1/outgoing/${id}/status`]) {
      expect((await as(w, other).get(url)).status).to.equal(404);
      expect((await as(w, foreign).get(url)).status).to.equal(404);
    }
    const hidden = await as(w, other).post(`/api/v1/outgoing/${id}/submit`).send({});
    expect(hidden.status).to.equal(404);
    expect(hidden.body.error.message).to.be.a('string').and.not.equal('');
    expect((await drafter.get('/api/v1/outgoing/abc')).status).to.equal(404);
    expect((await drafter.get(`/api/v1/outgoing/${id}/files/99999999`)).status).to.equal(404);
    const list = await as(w, other).get('/api/v1/outgoing');
    expect(list.body.items.map((d: { id: number }) => d.id)).not.to.include(id);
    expect((await drafter.get('/api/v1/outgoing?tab=khac')).status).to.equal(422);

    // Wrong types and sizes in JSON bodies.
    await drafter.post(`/api/v1/outgoing/${id}/submit`).send({});
    const leader = as(w, w.leader);
    const pinNumber = await leader.post(`/api/v1/outgoing/${id}/sign`).send({ pin: 123456 });
    expect(pinNumber.status).to.equal(422);
    expect(pinNumber.body.error.fields).to.have.property('pin');
    const outside = await leader
      .post(`/api/v1/outgoing/${id}/sign`)
      .send({ pin: TEST_PIN, placement: { page: 1, rect: [5000, 10, 100, 50] } });
    expect(outside.status).to.equal(422);
    expect(outside.body.error.fields.rectX).to.equal('Khung chữ ký nằm ngoài trang văn bản.');
    const noPage = await leader
      .post(`/api/v1/outgoing/${id}/sign`)
      .send({ pin: TEST_PIN, placement: { page: 9, rect: [10, 10, 100, 50] } });
    expect(noPage.status).to.equal(422);
    const huge = await drafter
      .post(`/api/v1/outgoing/${id}/approval`)
      .send({ action: 'comment', comment: 'x'.repeat(2 * 1024 * 1024) });
    expect(huge.status).to.equal(413);
    const badAction = await drafter.post(`/api/v1/outgoing/${id}/approval`).send({ action: 'xoa' });
    expect(badAction.status).to.equal(422);
    const badSession = await leader
      .post('/api/v1/signing-sessions/not-a-session!/complete')
      .send({ signatureValue: 'AAAA' });
    expect(badSession.status).to.equal(404);
    const both = await leader
      .post('/api/v1/signing-sessions/00000000-0000-0000-0000-000000000000/complete')
      .send({});
    expect(both.status).to.equal(422);
    // A clerk may not issue what is not signed.
    const early = await as(w, w.clerk).post(`/api/v1/outgoing/${id}/issue`).send({});
    expect(early.status).to.be.oneOf([403, 409]);
  });

  it('signs several documents with one PIN entry; a document not the caller’s refuses the whole batch', async () => {
    const w = await world(0);
    await enrolForTest(w.leader);
    const ids: number[] = [];
    for (let i = 0; i < 2; i += 1) {
      const { id } = await createDraft(w);
      await as(w, w.drafter).post(`/api/v1/outgoing/${id}/submit`).send({});
      ids.push(id);
    }
    const draft = await createDraft(w);
    const refused = await as(w, w.leader)
      .post('/api/v1/outgoing/sign-batch')
      .send({ ids: [...ids, draft.id], pin: TEST_PIN });
    expect(refused.status).to.equal(403);
    // Another agency's document is not found, and the (wrong) PIN is not even tried.
    const foreign = await createDraft(await world(0));
    const hidden = await as(w, w.leader)
      .post('/api/v1/outgoing/sign-batch')
      .send({ ids: [...ids, foreign.id], pin: '999999' });
    expect([hidden.status, hidden.body.error.code]).to.deep.equal([404, 'OUTGOING_NOT_FOUND']);
    const empty = await as(w, w.leader).post('/api/v1/outgoing/sign-batch').send({ ids: [] });
    expect(empty.status).to.equal(422);
    const batch = await as(w, w.leader)
      .post('/api/v1/outgoing/sign-batch')
      .send({ ids, pin: TEST_PIN });
    expect(batch.status, batch.text).to.equal(200);
    expect(batch.body.results).to.deep.equal(ids.map((id) => ({ id, ok: true })));
    const statuses = await OutgoingDocument.findAll({ where: { id: ids }, attributes: ['status'] });
    expect(statuses.map((d) => d.status)).to.deep.equal(['signed', 'signed']);
  });

  it('describes every outgoing and signing-session route in openapi.json from the schemas the routes use', async () => {
    const res = await request(ctx.app).get('/api/v1/openapi.json');
    const { listRoutes } = await import('../helpers/routes.js');
    const described = Object.entries(
      res.body.paths as Record<string, Record<string, unknown>>,
    ).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    const routes = listRoutes(ctx.app)
      .filter((r) => /^\/api\/v1\/(outgoing|signing-sessions)/.test(r.path))
      // The sender's tracking and recall (deliveries.api.ts) are described by their own owner.
      .filter((r) => !/\/(deliveries|recall)$/.test(r.path))
      .map(
        (r) =>
          `${r.method} ${r.path
            .replace('/api/v1', '')
            .replace(/:(\w+)/g, '{$1}')
            .replace(/\/$/, '')}`,
      );
    expect(routes.length).to.be.greaterThan(10);
    expect(described).to.include.members(routes);
    const sign =
      res.body.paths['/outgoing/{id}/sign'].post.requestBody.content['application/json'].schema;
    expect(Object.keys(sign.properties)).to.have.members(['pin', 'placement']);
    const form = res.body.paths['/outgoing'].post.requestBody.content['multipart/form-data'].schema;
    expect(form.required).to.include.members(['main', 'documentType', 'subject']);
    expect(form.properties.recipients.contentSchema.type).to.equal('array');
  });
});
