import { expect } from 'chai';
import request from 'supertest';
import { createAccessToken } from '../../src/users/users.service.js';
import { addTrustAnchor } from '../../src/pki/trust.js';
import { signPdf } from '../../src/signing/index.js';
import { DocumentEvent } from '../../src/documents/document.model.js';
import { DocumentFile } from '../../src/files/file.model.js';
import { storedSignatureCheck } from '../../src/files/signature-check.js';
import { buildAgency, buildUser, loginAs } from '../factories/index.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { issue, makePdf, signerOf, testPki } from '../unit/signing/helpers/index.js';
import type { User } from '../../src/users/user.model.js';

const DOC_SIGNING = ['1.3.6.1.5.5.7.3.36', '1.3.6.1.5.5.7.3.4'];

describe('signature check of received PDFs (kiểm tra chữ ký số khi vào sổ)', () => {
  let ctx: TestContext;
  let clerk: User;
  const pki = testPki();
  before(async () => {
    ctx = await testApp();
    // The test CA is one of the roots this installation trusts; otherRoot is not.
    addTrustAnchor(ctx.config.certsDir, pki.root.cert, 'test-root');
    clerk = await buildUser(await buildAgency(), ['clerk']);
  });

  /** Registers one file through the form; returns the document id and the page's HTML. */
  async function register(pdf: Buffer, name: string) {
    const { agent, csrf } = await loginAs(ctx.app, clerk);
    let req = agent.post(`/incoming?_csrf=${encodeURIComponent(await csrf())}`);
    const fields = {
      fromOrganName: 'Sở Kế hoạch và Đầu tư',
      codeNumber: String(Math.floor(Math.random() * 1e6)),
      codeNotation: 'SKHĐT-TH',
      documentType: 'CV',
      subject: `Văn bản điện tử có ký số (${name})`,
      urgency: '0',
    };
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    const res = await req.attach('files', pdf, { filename: name, contentType: 'application/pdf' });
    expect(res.status, res.text.slice(0, 300)).to.equal(303);
    const id = Number(/\/incoming\/(\d+)/.exec(res.headers.location)![1]);
    const page = await agent.get(`/incoming/${id}`);
    const file = await DocumentFile.findOne({
      where: { documentKind: 'incoming', documentId: id },
    });
    return { id, html: page.text, check: storedSignatureCheck(file!) };
  }

  it('records a valid signature from a trusted authority, with its signer, and shows it', async () => {
    const signed = await signPdf(await makePdf(), { signer: signerOf(pki.rsaSigner) });
    const { html, check } = await register(signed, 'da-ky.pdf');
    expect(check!.status).to.equal('valid');
    expect(check!.signatures[0].signer).to.equal('Nguyễn Thị Hằng');
    expect(check!.signatures[0].issuer).to.equal('eOffice Test Root CA');
    expect(check!.signatures[0].trusted).to.equal(true);
    expect(html).to.contain('Chữ ký số hợp lệ').and.contain('Nguyễn Thị Hằng');
  });

  it('tells an intact signature from an unknown authority apart from a broken one', async () => {
    const stranger = issue(pki.otherRoot, { cn: 'Người ký ngoài danh sách', ekus: DOC_SIGNING });
    const foreign = await signPdf(await makePdf(), {
      signer: { privateKey: stranger.key, certificate: stranger.cert, chain: [pki.otherRoot.cert] },
    });
    const untrusted = await register(foreign, 'la.pdf');
    expect(untrusted.check!.status).to.equal('untrusted');
    expect(untrusted.html).to.contain('không thuộc danh sách tin cậy');

    // One digit of the signed creation date changed after signing: still a PDF, no longer intact.
    const signed = await signPdf(await makePdf(), { signer: signerOf(pki.ecSigner) });
    const at = signed.indexOf('D:2026');
    expect(at).to.be.greaterThan(0);
    const tampered = Buffer.from(signed);
    tampered[at + 5] = '5'.charCodeAt(0);
    const broken = await register(tampered, 'bi-sua.pdf');
    expect(broken.check!.status).to.equal('invalid');
    expect(broken.html).to.contain('Chữ ký số không hợp lệ');
  });

  it('says so when a file has no signature, and gives the check through the API', async () => {
    const { id, html, check } = await register(await makePdf(), 'ban-quet.pdf');
    expect(check!.status).to.equal('none');
    expect(check!.signatures).to.have.length(0);
    expect(html).to.contain('Không có chữ ký số');
    const { token } = await createAccessToken(clerk, 'Kiểm thử chữ ký', {
      userId: clerk.id,
      ip: null,
    });
    const api = await request(ctx.app)
      .get(`/api/v1/incoming/${id}`)
      .set('Authorization', `Bearer ${token}`);
    expect(api.status).to.equal(200);
    expect(api.body.files[0].signatureCheck.status).to.equal('none');
  });

  it('checks a file again on request: trusting a new root turns an untrusted signature valid', async () => {
    const newRoot = issue(undefined, { cn: 'Tổ chức cung cấp dịch vụ mới', isCa: true });
    const signer = issue(newRoot, { cn: 'Lê Văn Ký', ekus: DOC_SIGNING });
    const signed = await signPdf(await makePdf(), {
      signer: { privateKey: signer.key, certificate: signer.cert, chain: [newRoot.cert] },
    });
    const { id, check } = await register(signed, 'to-chuc-moi.pdf');
    expect(check!.status).to.equal('untrusted');
    const file = await DocumentFile.findOne({
      where: { documentKind: 'incoming', documentId: id },
    });

    addTrustAnchor(ctx.config.certsDir, newRoot.cert, 'to-chuc-moi');
    const { agent, csrf } = await loginAs(ctx.app, clerk);
    const res = await agent
      .post(`/incoming/${id}/files/${file!.id}/signature-check`)
      .type('form')
      .send({ _csrf: await csrf() });
    expect(res.status).to.equal(303);
    await file!.reload();
    expect(storedSignatureCheck(file!)!.status).to.equal('valid');
    const page = await agent.get(`/incoming/${id}`);
    expect(page.text).to.contain('Chữ ký số hợp lệ').and.contain('Kiểm tra lại chữ ký số');
    expect(
      await DocumentEvent.count({
        where: { documentKind: 'incoming', documentId: id, action: 'recheck_signature' },
      }),
    ).to.equal(1);
    // Another document's file through this document's address: not found.
    const other = await register(await makePdf(), 'khac.pdf');
    const otherFile = await DocumentFile.findOne({
      where: { documentKind: 'incoming', documentId: other.id },
    });
    const crossed = await agent
      .post(`/incoming/${id}/files/${otherFile!.id}/signature-check`)
      .type('form')
      .send({ _csrf: await csrf() });
    expect(crossed.status).to.equal(404);
  });
});
