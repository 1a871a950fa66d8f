import { listOutgoing } from '../../src/outgoing/outgoing.list.js';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { caPaths, loadTrustAnchors } from '../../src/pki/index.js';
import { verifyPdf } from '../../src/signing/verify.js';
import { extractSignatures, parseCms } from '../../src/signing/index.js';
import { attributeValue } from '../../src/signing/cms/parse.js';
import { OID } from '../../src/signing/cms/oids.js';
import { Agency } from '../../src/agencies/agency.model.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { DocumentEvent } from '../../src/documents/document.model.js';
import { DocumentFile } from '../../src/files/file.model.js';
import { readStoredFile } from '../../src/files/file-storage.service.js';
import { StoredFile } from '../../src/files/file.model.js';
import { AppError } from '../../src/http/app-error.js';
import { submitDraft } from '../../src/outgoing/outgoing.approval.js';
import { createDraft, addMainVersion } from '../../src/outgoing/outgoing.drafts.js';
import { issueOutgoing } from '../../src/outgoing/outgoing.issue.js';
import { OutgoingDocument } from '../../src/outgoing/outgoing.model.js';
import { DraftFieldsSchema } from '../../src/outgoing/outgoing.schemas.js';
import { signOutgoing, signOutgoingBatch } from '../../src/outgoing/outgoing.signing.js';
import type { User } from '../../src/users/user.model.js';
import { buildAgency, buildDepartment, buildUser, loginAs } from '../factories/index.js';
import { enrolForTest, enrolSealForTest, TEST_PIN } from '../helpers/signing-keys.js';
import { testApp } from '../helpers/test-app.js';
import { decree30Draft } from '../fixtures/draft.js';
import { makeDraftPdf, QUYET_DINH, replaceRow } from '../unit/drafting/samples.js';

const actorOf = (user: User) => ({ user, ip: '127.0.0.1' });

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.catch((e: unknown) => e);
  expect(err, String(err)).to.be.instanceOf(AppError);
  return err as AppError;
}

const draftPdf = (subject: string) => decree30Draft(subject);

async function fileBytes(row: DocumentFile): Promise<Buffer> {
  return readStoredFile((await StoredFile.findByPk(row.fileId))!);
}

describe('outgoing documents: draft → sign → issue, through the services and the pages', function () {
  this.timeout(120_000);
  let specialist: User;
  let leader: User;
  let clerk: User;
  let otherLeader: User;
  let agencyId: number;

  before(async () => {
    await testApp();
    const agency = await buildAgency();
    agencyId = agency.id;
    const dept = await buildDepartment(agency);
    specialist = await buildUser(agency, ['specialist'], { departmentId: dept.id });
    leader = await buildUser(agency, ['leader'], { positionTitle: 'Chủ tịch' });
    otherLeader = await buildUser(agency, ['leader']);
    clerk = await buildUser(agency, ['clerk']);
    await enrolForTest(leader);
    await enrolSealForTest(agency.id);
  });

  /** A draft by the specialist for the leader; `pdf` when its layout matters (else the sample). */
  async function newDraft(subject = 'Về việc thử nghiệm văn bản đi', pdf?: Buffer) {
    const input = DraftFieldsSchema.parse({
      documentType: 'QĐ',
      subject,
      signerId: String(leader.id),
      signingForm: '',
      placeName: 'Hà Nội',
      recipients: [{ name: 'Sở Nội vụ', code: '000.00.01.H99' }],
    });
    return createDraft(
      input,
      { main: { buffer: pdf ?? (await draftPdf(subject)), originalName: 'du-thao.pdf' } },
      actorOf(specialist),
    );
  }

  it('issues a signed, numbered document whose two signatures verify in pdfsig', async () => {
    const doc = await newDraft();
    expect(doc.status).to.equal('draft');
    // Version 2 replaces the first before submission; both stay.
    await addMainVersion(
      doc.id,
      { buffer: await draftPdf('Về việc thử nghiệm văn bản đi (sửa)'), originalName: 'v2.pdf' },
      actorOf(specialist),
    );
    // Nobody but the signer signs, and not before submission.
    expect(
      (await refusal(signOutgoing(doc.id, { pin: TEST_PIN }, actorOf(leader)))).status,
    ).to.equal(403);
    await submitDraft(doc.id, {}, actorOf(specialist));
    expect(
      (await refusal(signOutgoing(doc.id, { pin: TEST_PIN }, actorOf(otherLeader)))).status,
    ).to.be.oneOf([403, 404]);
    const wrong = await refusal(signOutgoing(doc.id, { pin: '000000' }, actorOf(leader)));
    expect(wrong.code).to.equal('SIGNING_PIN_WRONG');
    await signOutgoing(doc.id, { pin: TEST_PIN }, actorOf(leader));
    await doc.reload();
    expect(doc.status).to.equal('signed');
    const signed = await DocumentFile.findOne({
      where: { documentKind: 'outgoing', documentId: doc.id, role: 'signed' },
    });
    expect(signed!.signedFromId).to.be.a('number');
    const main = await DocumentFile.findByPk(signed!.signedFromId!);
    expect(main!.version).to.equal(2);

    const issued = await issueOutgoing(doc.id, {}, actorOf(clerk));
    expect(issued.status).to.equal('issued');
    expect(issued.codeNumber).to.be.a('number');
    expect(issued.codeNotation).to.equal('QĐ-UBND');
    // Its number as printed finds it on the list at once (issuance writes the row by hand).
    const byNumber = await listOutgoing(clerk, 'issued', 10, {
      q: `${String(issued.codeNumber).padStart(2, '0')}/QĐ-UBND`,
    });
    expect(byNumber.map((a) => a.document.id)).to.deep.equal([doc.id]);
    const files = await DocumentFile.findAll({
      where: { documentKind: 'outgoing', documentId: doc.id, role: 'signed' },
      order: [['id', 'ASC']],
    });
    const final = await fileBytes(files.at(-1)!);
    const dir = mkdtempSync(path.join(tmpdir(), 'outgoing-'));
    const file = path.join(dir, 'issued.pdf');
    writeFileSync(file, final);
    let out = '';
    try {
      out = execFileSync('pdfsig', [file], { encoding: 'utf8' });
    } catch (e) {
      out = String((e as { stdout?: string }).stdout ?? '');
    }
    expect(out.match(/Signature #\d/g) ?? []).to.have.length(2);
    expect(out).not.to.match(/Signature is Invalid|Digest Mismatch/);
    // Our verifier, trusting the agency CA: both signatures valid, the document unchanged since.
    const { config } = await testApp();
    const report = verifyPdf(final, { trustAnchors: loadTrustAnchors(config.certsDir) });
    expect(report.signatures).to.have.length(2);
    expect(
      report.signatures.map((sig) => sig.valid),
      JSON.stringify(report.signatures.map((sig) => sig.problems)),
    ).to.deep.equal([true, true]);
    expect(report.valid).to.equal(true);
    // Both signatures carry the agency authority's time, so they stay valid after the leader's
    // (3 years) and the seal's (5 years) certificates expire: verified 12 years from now.
    const stamps = report.signatures.map((sig) => sig.timestamp);
    const agencyName = (await Agency.findByPk(agencyId))!.name;
    expect(stamps.map((t) => t?.tsa)).to.deep.equal([
      `Dấu thời gian - ${agencyName}`,
      `Dấu thời gian - ${agencyName}`,
    ]);
    expect(stamps.every((t) => t!.chainTrusted && t!.signatureValid && t!.imprintValid)).to.equal(
      true,
    );
    const later = verifyPdf(final, {
      trustAnchors: loadTrustAnchors(config.certsDir),
      now: new Date(Date.now() + 12 * 365 * 86_400_000),
    });
    expect(later.valid, JSON.stringify(later.signatures.map((sig) => sig.problems))).to.equal(true);
    // OpenSSL verifies each token on its own against the agency CA: RFC 3161 as it reads it.
    for (const sig of extractSignatures(final)) {
      const cms = parseCms(sig.contents);
      const token = attributeValue(cms.signer.unsignedAttributes, OID.signatureTimeStampToken)!;
      writeFileSync(path.join(dir, 'token.der'), token);
      const imprint = createHash('sha256').update(cms.signer.signature).digest('hex');
      const verified = execFileSync(
        'openssl',
        [
          'ts',
          '-verify',
          '-token_in',
          '-in',
          path.join(dir, 'token.der'),
          '-digest',
          imprint,
        ].concat(['-CAfile', caPaths(config.certsDir).cert]),
        { encoding: 'utf8' },
      );
      expect(verified).to.match(/Verification: OK/);
    }
    const text = execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' });
    expect(text).to.match(/Hà Nội, ngày \d{2} tháng \d{1,2} năm \d{4}/);
    expect(text).to.contain(String(issued.codeNumber).padStart(2, '0'));
    const actions = (
      await DocumentEvent.findAll({ where: { documentKind: 'outgoing', documentId: doc.id } })
    ).map((e) => e.action);
    expect(actions).to.include.members(['create', 'version', 'submit', 'sign', 'issue']);
    const audited = await AuditLog.count({ where: { entityType: 'outgoing', entityId: doc.id } });
    expect(audited).to.be.greaterThan(4);
  });

  it('signs several documents with one PIN entry', async () => {
    const a = await newDraft('Văn bản ký lô thứ nhất');
    const b = await newDraft('Văn bản ký lô thứ hai');
    await submitDraft(a.id, {}, actorOf(specialist));
    await submitDraft(b.id, {}, actorOf(specialist));
    const results = await signOutgoingBatch([a.id, b.id], { pin: TEST_PIN }, actorOf(leader));
    expect(results.map((r) => r.ok)).to.deep.equal([true, true]);
    expect((await OutgoingDocument.findByPk(a.id))!.status).to.equal('signed');
    expect((await OutgoingDocument.findByPk(b.id))!.status).to.equal('signed');
  });

  it('drafts through the pages: the form, refusals in Vietnamese, the detail page', async () => {
    const { app } = await testApp();
    const session = await loginAs(app, specialist);
    const token = await session.csrf();
    const form = await session.agent.get('/outgoing/new');
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('Soạn dự thảo văn bản đi');
    const empty = await session.agent
      .post(`/outgoing?_csrf=${encodeURIComponent(token)}`)
      .field('documentType', 'QĐ')
      .field('subject', '');
    expect(empty.status).to.equal(422);
    expect(empty.text).not.to.match(/at .*\.ts:\d+/);
    const before = await OutgoingDocument.count({ where: { agencyId } });
    const notPdf = await session.agent
      .post(`/outgoing?_csrf=${encodeURIComponent(token)}`)
      .field('documentType', 'QĐ')
      .field('subject', 'Thử tệp sai')
      .attach('files', Buffer.from('not a pdf at all'), 'x.pdf');
    expect(notPdf.status).to.equal(422);
    expect(await OutgoingDocument.count({ where: { agencyId } })).to.equal(before);
    const created = await session.agent
      .post(`/outgoing?_csrf=${encodeURIComponent(token)}`)
      .field('documentType', 'QĐ')
      .field('subject', 'Về việc tạo qua trang')
      .field('signerId', String(leader.id))
      .field('externalRecipients', 'Sở Tài chính | 000.00.02.H99')
      .attach('files', await draftPdf('Về việc tạo qua trang'), 'du-thao.pdf');
    expect(created.status, created.text.slice(0, 300)).to.equal(303);
    const detail = await session.agent.get(created.headers.location!);
    expect(detail.status).to.equal(200);
    expect(detail.text).to.contain('Về việc tạo qua trang');
    expect(detail.text).to.contain('Sở Tài chính');
    // A template chosen as a list, or one that is not the agency's, is refused with the reason.
    for (const templateId of [['1', '2'], '99999999999999999999', String(2_000_000_000)]) {
      const refused = await session.agent
        .post(`${created.headers.location!}/submit`)
        .type('form')
        .send({ templateId, _csrf: token });
      expect(refused.status, String(templateId)).to.equal(422);
      expect(refused.text).to.contain('id="templateId-error"');
    }
    const still = await OutgoingDocument.findByPk(
      Number(created.headers.location!.split('/').pop()),
    );
    expect(still!.status).to.equal('draft');
    // Another agency's people cannot see it: 404, not 403.
    const foreign = await buildUser(await buildAgency(), ['leader']);
    const other = await loginAs(app, foreign);
    expect((await other.agent.get(created.headers.location!)).status).to.equal(404);
  });

  it('sends back a signed document that has nowhere to write its date, instead of offering an issue that would be refused', async () => {
    const { app } = await testApp();
    // The drafter left out the place-and-date line.
    const pdf = await makeDraftPdf(
      replaceRow(QUYET_DINH, 'Số: 15/QĐ-UBND', ['Số:        /QĐ-UBND', '']),
    );
    const doc = await newDraft('Về việc thử văn bản thiếu dòng ngày tháng', pdf);
    await submitDraft(doc.id, {}, actorOf(specialist));
    // The leader is warned before signing.
    const leaderSession = await loginAs(app, leader);
    const signPage = await leaderSession.agent.get(`/outgoing/${doc.id}/sign`);
    expect(signPage.text).to.contain('data-testid="no-issue-lines"');
    await signOutgoing(doc.id, { pin: TEST_PIN }, actorOf(leader));
    // The clerk is not offered an issue that would be refused, but the way back to the drafter.
    const clerkSession = await loginAs(app, clerk);
    const issuePage = await clerkSession.agent.get(`/outgoing/${doc.id}/issue`);
    expect(issuePage.status).to.equal(200);
    expect(issuePage.text).to.contain('data-testid="not-issuable"');
    expect(issuePage.text).to.contain('Không tìm thấy dòng địa danh, ngày tháng');
    expect(issuePage.text).not.to.contain('data-testid="confirm-issue"');
    const detail = await clerkSession.agent.get(`/outgoing/${doc.id}`);
    expect(detail.text).to.contain(`action="/outgoing/${doc.id}/return"`);
    // A reason that shows nothing (invisible and bidirectional marks), a repeated field or one
    // past 4,000 characters is refused beside the field; the document stays signed.
    const csrf = await clerkSession.csrf();
    for (const body of [
      'reason=%E2%80%8B%E2%80%8B%E2%80%AE',
      'reason=1&reason=2',
      `reason=${'a'.repeat(4001)}`,
    ]) {
      const refused = await clerkSession.agent
        .post(`/outgoing/${doc.id}/return`)
        .type('form')
        .send(`${body}&_csrf=${encodeURIComponent(csrf)}`);
      expect(refused.status, body.slice(0, 40)).to.equal(422);
      expect(refused.text).not.to.match(/at .*\.ts:\d+/);
      expect((await doc.reload()).status).to.equal('signed');
    }
    const back = await clerkSession.agent
      .post(`/outgoing/${doc.id}/return`)
      .type('form')
      .send({ reason: 'Bổ sung dòng địa danh, ngày tháng', _csrf: await clerkSession.csrf() });
    expect(back.status).to.equal(303);
    await doc.reload();
    expect(doc.status).to.equal('draft');
    const returned = await DocumentEvent.findOne({
      where: { documentKind: 'outgoing', documentId: doc.id, action: 'return' },
    });
    expect(returned?.note).to.equal('Bổ sung dòng địa danh, ngày tháng');
    // The drafter reads it at the top of the document's page, with the reason.
    const drafterPage = (await (await loginAs(app, specialist)).agent.get(`/outgoing/${doc.id}`))
      .text;
    const banner = /data-testid="sent-back">([\s\S]*?)<\/div>/.exec(drafterPage)?.[1] ?? '';
    expect(banner)
      .to.include(`${clerk.fullName} đã trả lại văn bản lúc`)
      .and.include('Bổ sung dòng địa danh, ngày tháng');
  });

  it('warns the clerk when the symbol the draft prints is not the one the issue gives', async () => {
    const { app } = await testApp();
    const pdf = await makeDraftPdf(
      replaceRow(QUYET_DINH, 'Số: 15/QĐ-UBND', [
        'Số:        /UBND-NV',
        'Hà Nội, ngày      tháng      năm 2026',
      ]),
    );
    const doc = await newDraft('Về việc thử ký hiệu in sai', pdf);
    await submitDraft(doc.id, {}, actorOf(specialist));
    await signOutgoing(doc.id, { pin: TEST_PIN }, actorOf(leader));
    const page = await (await loginAs(app, clerk)).agent.get(`/outgoing/${doc.id}/issue`);
    const warning = /data-testid="symbol-mismatch">([\s\S]*?)<\/div>/.exec(page.text)?.[1] ?? '';
    expect(warning).to.include('…/UBND-NV').and.include('…/QĐ-UBND');
    expect(warning).to.include(`href="/outgoing/${doc.id}#reason"`);
    // Still the clerk's call: the issue stays offered.
    expect(page.text).to.contain('data-testid="confirm-issue"');
  });

  it('signs and issues through the pages, with the placements the pages propose', async () => {
    const { app } = await testApp();
    const doc = await newDraft('Về việc ký và phát hành qua trang');
    await submitDraft(doc.id, {}, actorOf(specialist));
    const leaderSession = await loginAs(app, leader);
    const dashboard = await leaderSession.agent.get('/');
    expect(dashboard.text).to.contain('data-testid="card-to-sign"');
    const signPage = await leaderSession.agent.get(`/outgoing/${doc.id}/sign`);
    expect(signPage.status).to.equal(200);
    expect(signPage.text).to.contain('data-testid="pdf-sign-viewer"');
    const hidden = (html: string, name: string) =>
      new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
    const place = Object.fromEntries(
      ['page', 'rectX', 'rectY', 'rectW', 'rectH'].map((n) => [n, hidden(signPage.text, n)]),
    );
    const token = await leaderSession.csrf();
    // A box moved off the page is refused beside the form, in Vietnamese, and nothing is signed.
    const off = await leaderSession.agent
      .post(`/outgoing/${doc.id}/sign`)
      .type('form')
      .send({ ...place, rectX: '5000', pin: TEST_PIN, _csrf: token });
    expect(off.status).to.equal(422);
    expect((await OutgoingDocument.findByPk(doc.id))!.status).to.equal('in_approval');
    // A wrong PIN keeps the box where the signer moved it, and says why.
    const moved = { ...place, rectX: String(Number(place.rectX) - 40) };
    const wrongPin = await leaderSession.agent
      .post(`/outgoing/${doc.id}/sign`)
      .type('form')
      .send({ ...moved, pin: '000000', _csrf: token });
    expect(wrongPin.status).to.equal(422);
    expect(wrongPin.text).to.contain('Mã PIN ký số không đúng');
    expect(Number(hidden(wrongPin.text, 'rectX'))).to.equal(Number(moved.rectX));
    expect((await OutgoingDocument.findByPk(doc.id))!.status).to.equal('in_approval');
    const signed = await leaderSession.agent
      .post(`/outgoing/${doc.id}/sign`)
      .type('form')
      .send({ ...place, pin: TEST_PIN, _csrf: token });
    expect(signed.status, signed.text.slice(0, 300)).to.equal(303);
    expect((await OutgoingDocument.findByPk(doc.id))!.status).to.equal('signed');

    const clerkSession = await loginAs(app, clerk);
    expect((await clerkSession.agent.get('/')).text).to.contain('data-testid="card-to-issue"');
    const list = await clerkSession.agent.get('/outgoing?tab=to_issue');
    expect(list.text).to.contain(`outgoing-row-${doc.id}`);
    const issuePage = await clerkSession.agent.get(`/outgoing/${doc.id}/issue`);
    expect(issuePage.status).to.equal(200);
    expect(issuePage.text).not.to.contain('data-testid="symbol-mismatch"');
    // The box the clerk moves is the date's place, not a signature's.
    expect(issuePage.text).to.contain('data-box-label="Ngày ban hành"');
    expect(issuePage.text).to.contain('Ngày tháng ban hành được ghi vào khung này');
    const date = Object.fromEntries(
      ['page', 'rectX', 'rectY', 'rectW', 'rectH'].map((n) => [n, hidden(issuePage.text, n)]),
    );
    expect(Number(date.rectW)).to.be.greaterThan(0);
    const issued = await clerkSession.agent
      .post(`/outgoing/${doc.id}/issue`)
      .type('form')
      .send({ ...date, _csrf: await clerkSession.csrf() });
    expect(issued.status, issued.text.slice(0, 300)).to.equal(303);
    const detail = await clerkSession.agent.get(`/outgoing/${doc.id}`);
    const after = (await OutgoingDocument.findByPk(doc.id))!;
    expect(after.status).to.equal('issued');
    expect(detail.text).to.contain(`${String(after.codeNumber).padStart(2, '0')}/QĐ-UBND`);
    expect(detail.text).to.contain('data-testid="delivery-status"');
  });
});
