import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { DocumentEvent } from '../../src/documents/document.model.js';
import { DocumentFile, StoredFile } from '../../src/files/file.model.js';
import { IncomingDocument } from '../../src/incoming/incoming.model.js';
import { addTrustAnchor } from '../../src/pki/trust.js';
import { signPdf } from '../../src/signing/index.js';
import { buildAgency, buildUser, csrfTokenOf, loginAs } from '../factories/index.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { ATTACKS } from '../unit/signing/helpers/attacks.js';
import { makePdf, signerOf, testPki } from '../unit/signing/helpers/index.js';

/** Every file under a folder, recursively (none when it does not exist yet). */
function filesUnder(root: string): string[] {
  try {
    return readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

/** A classic-xref PDF whose AcroForm fields point back at each other: a cycle the reader refuses. */
function cyclicFieldsPdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] >> >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
    '<< /T (a) /Kids [5 0 R] >>',
    '<< /T (b) /Kids [4 0 R] >>',
  ];
  let body = '%PDF-1.7\n';
  const offsets = objects.map((o, i) => {
    const at = body.length;
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
    return at;
  });
  const xref = offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n\r\n`).join('');
  body += `xref\n0 6\n0000000000 65535 f\r\n${xref}trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${body.length}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

describe('public signature check /verify (kiểm tra chữ ký số, không cần đăng nhập)', function () {
  this.timeout(60_000);
  let ctx: TestContext;
  const pki = testPki();
  let address = 0;

  before(async () => {
    ctx = await testApp();
    // Until an agency exists every page leads to the setup form.
    await buildAgency();
    addTrustAnchor(ctx.config.certsDir, pki.root.cert, 'test-root');
  });

  /** An anonymous visitor with a session and its CSRF token, from an address of its own. */
  async function visitor(app = ctx.app) {
    const ip = `10.77.${Math.floor(address / 250)}.${(address++ % 250) + 1}`;
    const agent = request.agent(app);
    const page = await agent.get('/verify').set('X-Forwarded-For', ip);
    expect(page.status).to.equal(200);
    const csrf = csrfTokenOf(page.text);
    const post = (pdf: Buffer | null, name = 'van-ban.pdf', query = '') => {
      const req = agent
        .post(`/verify?_csrf=${encodeURIComponent(csrf)}${query}`)
        .set('X-Forwarded-For', ip);
      return pdf
        ? req.attach('file', pdf, { filename: name, contentType: 'application/pdf' })
        : req;
    };
    return { agent, ip, page, post };
  }

  async function stored() {
    return {
      blobs: filesUnder(ctx.config.storageDir),
      storedFiles: await StoredFile.count(),
      documentFiles: await DocumentFile.count(),
      documents: await IncomingDocument.count(),
      events: await DocumentEvent.count(),
      audit: await AuditLog.count(),
    };
  }

  it('shows the form to a visitor who is not signed in, in Vietnamese, with what is checked', async () => {
    const { page } = await visitor();
    expect(page.text).to.contain('Kiểm tra chữ ký số văn bản');
    expect(page.text).to.contain('Những gì được kiểm tra');
    expect(page.text).to.contain('enctype="multipart/form-data"');
    expect(page.text).to.contain('tối đa 20 MB');
    const login = await request(ctx.app).get('/login');
    expect(login.text).to.contain('href="/verify"');
  });

  it('says a validly signed PDF is valid, with its signer, issuer and time, and stores nothing', async () => {
    const signed = await signPdf(await makePdf(), { signer: signerOf(pki.rsaSigner) });
    const before = await stored();
    const res = await (await visitor()).post(signed, 'quyet-dinh.pdf');
    expect(res.status).to.equal(200);
    expect(res.headers['cache-control']).to.equal('no-store');
    expect(res.text).to.contain('data-verdict="valid"');
    expect(res.text).to.contain('Văn bản có chữ ký số hợp lệ');
    expect(res.text).to.contain('Nguyễn Thị Hằng').and.contain('eOffice Test Root CA');
    expect(res.text).to.contain('quyet-dinh.pdf').and.contain('(UTC+7)');
    expect(res.text).to.contain('bao trùm toàn bộ tệp');
    expect(await stored()).to.deep.equal(before);
  });

  it('says a PDF changed after signing is not valid, naming the change and the rule in Vietnamese', async () => {
    const overlay = ATTACKS.find((a) => a.name === 'overlay-annotation')!;
    const before = await stored();
    const res = await (await visitor()).post(await overlay.build(), 'bi-sua.pdf');
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('data-verdict="modified"');
    expect(res.text).to.contain('Văn bản đã bị sửa đổi sau khi ký');
    expect(res.text).to.contain(
      'Tài liệu bị sửa đổi sau khi ký ở phần không được chữ ký nào bảo vệ',
    );
    expect(res.text).to.contain('KHÔNG được phép');
    expect(res.text).not.to.contain('data-verdict="valid"');
    expect(await stored()).to.deep.equal(before);
  });

  it('gives the full report as JSON for ?format=json and for Accept: application/json', async () => {
    const signed = await signPdf(await makePdf(), { signer: signerOf(pki.ecSigner) });
    const v = await visitor();
    const byQuery = await v.post(signed, 'a.pdf', '&format=json');
    expect(byQuery.status).to.equal(200);
    expect(byQuery.type).to.equal('application/json');
    expect(byQuery.body.verdict).to.equal('valid');
    expect(byQuery.body.report.valid).to.equal(true);
    expect(byQuery.body.report.signatures[0].signer.commonName).to.be.a('string');
    const overlay = ATTACKS.find((a) => a.name === 'overlay-annotation')!;
    const byAccept = await v.post(await overlay.build(), 'b.pdf').set('Accept', 'application/json');
    expect(byAccept.status).to.equal(200);
    expect(byAccept.body.verdict).to.equal('modified');
    expect(byAccept.body.report.problems.map((p: { rule: string }) => p.rule)).to.include(
      'MODIFIED_AFTER_SIGNING',
    );
    const notPdf = await v.post(Buffer.from('hello'), 'x.pdf', '&format=json');
    expect(notPdf.status).to.equal(422);
    expect(notPdf.body.error.code).to.equal('FILE_NOT_PDF');
    // A script takes the CSRF token as JSON too.
    const token = await v.agent.get('/verify?format=json').set('X-Forwarded-For', v.ip);
    expect(token.body.csrfToken).to.be.a('string');
  });

  it('answers a script in JSON even when its request fails before the check (bad upload, bad token)', async () => {
    const v = await visitor();
    // A multipart body cut in the middle of its first part: refused while reading the token.
    const cut = await v.agent
      .post('/verify?format=json')
      .set('X-Forwarded-For', v.ip)
      .set('Content-Type', 'multipart/form-data; boundary=XYZ')
      .send('--XYZ\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\nabc');
    expect(cut.status).to.be.within(400, 499);
    expect(cut.type).to.equal('application/json');
    expect(cut.body.error.code).to.be.a('string');
    expect(cut.body.error.message).to.match(/[ạ-ỹà-ừ]/);
    expect(cut.text).to.not.match(/<html|at .*\.ts:/);
    const withStaleToken = async (query: string) =>
      v.agent
        .post(`/verify?${query}_csrf=not-the-token`)
        .set('X-Forwarded-For', v.ip)
        .attach('file', await makePdf(), { filename: 'a.pdf', contentType: 'application/pdf' });
    const stale = await withStaleToken('format=json&');
    expect(stale.status).to.equal(403);
    expect(stale.type).to.equal('application/json');
    expect(stale.body.error.message).to.match(/[ạ-ỹà-ừ]/);
    // The same failure from a browser still gets the page.
    const page = await withStaleToken('');
    expect(page.status).to.equal(403);
    expect(page.type).to.equal('text/html');
  });

  it('names the certification level of a certified document', async () => {
    const certified = await signPdf(await makePdf(), {
      signer: signerOf(pki.rsaSigner),
      certify: 2,
    });
    const res = await (await visitor()).post(certified, 'chung-nhan.pdf');
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('data-verdict="valid"');
    expect(res.text).to.contain(
      'Văn bản được chứng nhận (DocMDP), mức 2: cho phép điền biểu mẫu và ký thêm',
    );
  });

  it('says a PDF without signatures has none', async () => {
    const res = await (await visitor()).post(await makePdf());
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('data-verdict="none"').and.contain('Văn bản không có chữ ký số');
  });

  it('refuses no file, an empty file and a file that is not a PDF by its content (422)', async () => {
    const v = await visitor();
    const before = await stored();
    const none = await v.post(null).field('x', '1');
    expect(none.status).to.equal(422);
    expect(none.text).to.contain('Vui lòng chọn một tệp PDF để kiểm tra.');
    const empty = await v.post(Buffer.alloc(0), 'rong.pdf');
    expect(empty.status).to.equal(422);
    expect(empty.text).to.contain('Tệp «rong.pdf» rỗng');
    const renamed = await v.post(Buffer.from('PK\u0003\u0004 not a pdf at all'), 'gia.pdf');
    expect(renamed.status).to.equal(422);
    expect(renamed.text).to.contain('Tệp «gia.pdf» không phải là tệp PDF');
    for (const res of [none, empty, renamed]) {
      expect(res.text).to.contain('data-testid="verify-form"');
      expect(res.text).not.to.match(/at \w+ \(|node_modules/);
    }
    expect(await stored()).to.deep.equal(before);
  });

  it('shows a "cannot read" report for a malformed PDF (422)', async () => {
    const res = await (
      await visitor()
    ).post(Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type'), 'hong.pdf');
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('data-verdict="unreadable"');
    expect(res.text).to.contain('Không đọc được tệp để kiểm tra chữ ký số');
    expect(res.text).to.match(/Tệp PDF (bị hỏng|không đầy đủ)/);
    expect(res.text).not.to.match(/at \w+ \(|node_modules/);
  });

  it('refuses a file past the reader’s limits in the worker pool (422), in Vietnamese', async () => {
    const before = await stored();
    const res = await (await visitor()).post(cyclicFieldsPdf(), 'vong-lap.pdf');
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Tệp «vong-lap.pdf» vượt quá giới hạn xử lý cho phép');
    expect(res.text).not.to.match(/at \w+ \(|node_modules/);
    expect(await stored()).to.deep.equal(before);
  });

  describe('with small limits (VERIFY_MAX_MB, VERIFY_RATE_LIMIT)', () => {
    let small: ReturnType<typeof createApp>;
    before(() => {
      small = createApp({
        config: {
          ...ctx.config,
          verify: { maxBytes: 1024 * 1024, rateLimit: 3, rateWindowMinutes: 10 },
        },
      });
    });

    it('refuses a file over the size limit with 413 and says the limit', async () => {
      const big = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(1100 * 1024, 32)]);
      const res = await (await visitor(small)).post(big, 'lon.pdf');
      expect(res.status).to.equal(413);
      expect(res.text).to.contain('Tệp vượt quá dung lượng cho phép (1 MB).');
      expect(res.text).to.contain('data-testid="verify-form"');
    });

    it('answers 429 with a Vietnamese page after the allowed number of checks from one address', async () => {
      const v = await visitor(small);
      const pdf = await makePdf();
      for (let i = 0; i < 3; i++) expect((await v.post(pdf)).status).to.equal(200);
      const res = await v.post(pdf);
      expect(res.status).to.equal(429);
      expect(res.text).to.contain('Đã kiểm tra quá 3 tệp trong 10 phút từ địa chỉ này');
      const json = await v.post(pdf, 'a.pdf', '&format=json');
      expect(json.status).to.equal(429);
      expect(json.body.error.code).to.equal('TOO_MANY_REQUESTS');
      // Another address still may.
      expect((await (await visitor(small)).post(pdf)).status).to.equal(200);
    });
  });

  it('is in the signed-in menu and speaks English when switched', async () => {
    const user = await buildUser(await buildAgency(), ['specialist']);
    const { agent, csrf } = await loginAs(ctx.app, user);
    const home = await agent.get('/');
    expect(home.text).to.contain('href="/verify"');
    await agent
      .post('/language')
      .type('form')
      .send({ _csrf: await csrf(), lng: 'en', back: '/' });
    const page = await agent.get('/verify');
    expect(page.text).to.contain('Check a document&#x27;s digital signatures');
    const token = csrfTokenOf(page.text);
    const signed = await signPdf(await makePdf(), { signer: signerOf(pki.rsaSigner) });
    const res = await agent
      .post(`/verify?_csrf=${encodeURIComponent(token)}`)
      .set('X-Forwarded-For', '10.78.0.1')
      .attach('file', signed, { filename: 'signed.pdf', contentType: 'application/pdf' });
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('The document&#x27;s digital signatures are valid');
  });
});
