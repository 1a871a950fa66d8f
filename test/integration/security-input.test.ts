import { expect } from 'chai';
import request from 'supertest';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildAgency, buildUser, loginAs } from '../factories/index.js';
import { makePdf } from '../fixtures/pdf.js';
import { createAccessToken } from '../../src/users/users.service.js';
import { DocumentFile } from '../../src/files/file.model.js';
import { cleanFileName } from '../../src/files/file-storage.service.js';
import { IncomingDocument } from '../../src/incoming/incoming.model.js';
import { incomingFields } from './incoming-helpers.js';
import { PDFDocument, PDFName, PDFString } from 'pdf-lib';
import { hasJavaScriptActions } from '../../src/files/pdf-scripts.js';

/** A PDF that runs a script when opened, its action kept in a compressed object stream. */
async function scriptedPdf(): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  pdf.addPage([595, 842]);
  const action = pdf.context.obj({
    Type: 'Action',
    S: 'JavaScript',
    JS: PDFString.of('app.alert("xin chao")'),
  });
  pdf.catalog.set(PDFName.of('OpenAction'), pdf.context.register(action));
  return Buffer.from(await pdf.save({ useObjectStreams: true }));
}

const STACK = /\bat .*\.(ts|js):\d+/;
const BROKEN = '--XYZ\r\nContent-Disposition: form-data; name="subject"\r\n\r\nabc\r\n--XY';

describe('security: hostile input', () => {
  let ctx: TestContext;
  let token: string;
  let specialistToken: string;
  let session: Awaited<ReturnType<typeof loginAs>>;
  before(async () => {
    ctx = await testApp();
    const agency = await buildAgency();
    const clerk = await buildUser(agency, ['clerk']);
    const specialist = await buildUser(agency, ['specialist']);
    token = (await createAccessToken(clerk, 'may', { userId: clerk.id, ip: null })).token;
    specialistToken = (
      await createAccessToken(specialist, 'may', { userId: specialist.id, ip: null })
    ).token;
    session = await loginAs(ctx.app, clerk);
  });
  const api = () => request(ctx.app);

  it('answers a NUL byte in the query, the path or the body with a Vietnamese 400, pages and API alike', async () => {
    const csrf = await session.csrf();
    const answers = [
      await session.agent.get('/incoming?q=quy%00et'),
      await session.agent.get('/incoming/1%00'),
      await session.agent
        .post('/profile')
        .type('form')
        .send({ _csrf: csrf, email: 'a\u0000@b.vn', locale: 'vi' }),
      await api().get('/api/v1/incoming?q=%00').set('Authorization', `Bearer ${token}`),
      await api().get('/api/v1/incoming/1%00').set('Authorization', `Bearer ${token}`),
      await api()
        .post('/api/v1/incoming/1/present')
        .set('Authorization', `Bearer ${token}`)
        .send({ leaderId: 1, note: 'a\u0000' }),
      await api()
        .post('/api/v1/incoming')
        .set('Authorization', `Bearer ${token}`)
        .field(incomingFields({ subject: 'Về việc\u0000 thử' }))
        .attach('file', await makePdf(), { filename: 'a.pdf', contentType: 'application/pdf' }),
    ];
    for (const res of answers) {
      expect(res.status, res.text.slice(0, 200)).to.equal(400);
      expect(res.text).to.contain('ký tự không hợp lệ');
      expect(res.text).not.to.match(STACK);
    }
  });

  it("says a page's NUL refusal in the person's language, not the browser's", async () => {
    // A Vietnamese user whose browser asks for English (a common set-up) still reads Vietnamese.
    const vi = await session.agent.get('/incoming?q=%00').set('Accept-Language', 'en-US,en');
    expect(vi.status).to.equal(400);
    expect(vi.text).to.contain('ký tự không hợp lệ');
    // Someone who chose English reads English, whatever the browser asks for.
    const other = await loginAs(ctx.app, await buildUser(await buildAgency(), ['clerk']));
    await other.agent
      .post('/language')
      .type('form')
      .send({ _csrf: await other.csrf(), lng: 'en' });
    const en = await other.agent.get('/incoming?q=%00').set('Accept-Language', 'vi');
    expect(en.status).to.equal(400);
    expect(en.text).to.contain('invalid character');
    expect(en.text).not.to.contain('ký tự không hợp lệ');
    // The calendar feed, before any session: refused all the same.
    expect((await api().get('/calendar/ical/a%00.ics')).status).to.equal(400);
  });

  it('answers a malformed multipart body with a Vietnamese 400, not 500', async () => {
    const csrf = await session.csrf();
    const answers = [
      await session.agent
        .post(`/incoming?_csrf=${encodeURIComponent(csrf)}`)
        .set('Content-Type', 'multipart/form-data; boundary=XYZ')
        .send(BROKEN),
      await api()
        .post('/api/v1/incoming')
        .set('Authorization', `Bearer ${token}`)
        .set('Content-Type', 'multipart/form-data; boundary=XYZ')
        .send(BROKEN),
      await api()
        .post('/api/v1/incoming')
        .set('Authorization', `Bearer ${token}`)
        .set('Content-Type', 'multipart/form-data')
        .send('khong phai multipart'),
    ];
    for (const res of answers) {
      expect(res.status).to.equal(400);
      expect(res.text).to.contain('không đúng định dạng');
      expect(res.text).not.to.match(STACK);
    }
  });

  it('answers a multipart field named like "x[a]" (nested by the parser) with a 400, on every form', async () => {
    const csrf = await session.csrf();
    for (const [path, name] of [
      ['/outgoing', 'recipientAgencyIds[a]'],
      ['/outgoing', 'subject[a]'],
      ['/incoming', 'subject[a]'],
      ['/incoming', 'fromOrganName[x][y]'],
    ]) {
      const res = await session.agent
        .post(`${path}?_csrf=${encodeURIComponent(csrf)}`)
        .field('documentType', 'CV')
        .field(name, 'x')
        .attach('files', Buffer.from('%PDF-1.4'), 'a.pdf');
      expect(res.status, `${path} ${name}`).to.equal(400);
      expect(res.text).to.contain('không đúng định dạng');
      expect(res.text).not.to.match(STACK);
    }
  });

  it('answers another method than GET or POST on a page with 405, not as an expired form', async () => {
    for (const res of [
      await session.agent.put('/incoming/1'),
      await session.agent.delete('/outgoing/1'),
      await session.agent.patch('/records-files/1'),
    ]) {
      expect(res.status).to.equal(405);
      expect(res.text).to.contain('Trang này không nhận thao tác theo cách gửi này.');
      expect(res.text).not.to.contain('Phiên làm việc');
      expect(res.text).not.to.match(STACK);
    }
  });

  it('checks the caller may register before reading an API upload', async () => {
    const before = await IncomingDocument.count();
    // A body the parser would refuse: the permission answers first.
    const broken = await api()
      .post('/api/v1/incoming')
      .set('Authorization', `Bearer ${specialistToken}`)
      .set('Content-Type', 'multipart/form-data; boundary=XYZ')
      .send(BROKEN);
    expect(broken.status).to.equal(403);
    const big = await api()
      .post('/api/v1/incoming')
      .set('Authorization', `Bearer ${specialistToken}`)
      .field(incomingFields())
      .attach('file', Buffer.alloc(ctx.config.maxUploadBytes + 1024, 0x20), {
        filename: 'a.pdf',
        contentType: 'application/pdf',
      });
    expect(big.status).to.equal(403);
    expect(await IncomingDocument.count()).to.equal(before);
  });

  it('stores a PDF under a name ending in .pdf, without control or bidirectional characters', async () => {
    const res = await api()
      .post('/api/v1/incoming')
      .set('Authorization', `Bearer ${token}`)
      .field(incomingFields())
      .attach('file', await makePdf(), {
        filename: 'hoadon\u202Efdp.exe',
        contentType: 'application/pdf',
      });
    expect(res.status, res.text).to.equal(201);
    const file = await DocumentFile.findOne({
      where: { documentKind: 'incoming', documentId: res.body.id },
    });
    expect(file!.originalName).to.equal('hoadonfdp.exe.pdf');
    expect(cleanFileName('bao\u0007cao\u2066.PDF', '.pdf')).to.equal('baocao.pdf');
    expect(cleanFileName('to-trinh. ', '.pdf')).to.equal('to-trinh.pdf');
    expect(cleanFileName('\u200f', '.pdf')).to.equal('file.pdf');
  });

  it('accepts a PDF with JavaScript actions but flags it on the document page', async () => {
    const scripted = await scriptedPdf();
    // The action is inside a compressed object stream, not in the file's plain bytes.
    expect(scripted.toString('latin1')).not.to.contain('/JavaScript');
    expect(hasJavaScriptActions(scripted)).to.equal(true);
    expect(hasJavaScriptActions(await makePdf())).to.equal(false);
    const res = await api()
      .post('/api/v1/incoming')
      .set('Authorization', `Bearer ${token}`)
      .field(incomingFields())
      .attach('file', scripted, { filename: 'co-ma.pdf', contentType: 'application/pdf' });
    expect(res.status, res.text).to.equal(201);
    const page = await session.agent.get(`/incoming/${res.body.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('data-testid="pdf-javascript"');
    expect(page.text).to.contain('có chứa mã JavaScript');
    const plain = await api()
      .post('/api/v1/incoming')
      .set('Authorization', `Bearer ${token}`)
      .field(incomingFields())
      .attach('file', await makePdf(), { filename: 'thuong.pdf', contentType: 'application/pdf' });
    const plainPage = await session.agent.get(`/incoming/${plain.body.id}`);
    expect(plainPage.text).not.to.contain('data-testid="pdf-javascript"');
  });
});
