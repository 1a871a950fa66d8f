import { expect } from 'chai';
import request from 'supertest';
import { PDFDocument } from 'pdf-lib';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildAgency, buildUser, loginAs } from '../factories/index.js';
import { IncomingDocument } from '../../src/incoming/incoming.model.js';
import { StoredFile } from '../../src/files/file.model.js';

const STACK = /\bat .*\.(ts|js):\d+/;

async function onePagePdf(): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  pdf.addPage();
  return Buffer.from(await pdf.save());
}

describe('bad input', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  it('answers an unknown page with a Vietnamese 404 page and an unknown API path with JSON', async () => {
    const agency = await buildAgency();
    const clerk = await buildUser(agency, ['clerk']);
    const { agent } = await loginAs(ctx.app, clerk);
    const page = await agent.get('/khong-ton-tai');
    expect(page.status).to.equal(404);
    expect(page.text).to.contain('Không tìm thấy');
    const api = await request(ctx.app).get('/api/v2/anything');
    expect(api.status).to.equal(404);
    expect(api.body.error.code).to.equal('NOT_FOUND');
  });

  it('refuses malformed JSON and oversized bodies with 4xx and no stack trace', async () => {
    const malformed = await request(ctx.app)
      .post('/login')
      .set('Content-Type', 'application/json')
      .send('{"username": ');
    expect(malformed.status).to.be.within(400, 499);
    expect(malformed.text).not.to.match(STACK);

    const huge = await request(ctx.app)
      .post('/login')
      .type('form')
      .send(`username=${'a'.repeat(2 * 1024 * 1024)}`);
    expect(huge.status).to.equal(413);
    expect(huge.text).to.contain('quá lớn');
    // Raised before the page middleware, yet every label is translated.
    expect(huge.text).not.to.match(/>\s*(common|auth|nav|notifications)\.[A-Za-z]+/);
    expect(huge.text).to.contain('Quay lại');
    expect(huge.text).not.to.match(STACK);
  });

  it('takes document ids that are not numbers, or far too large, as not found', async () => {
    const agency = await buildAgency();
    const clerk = await buildUser(agency, ['clerk']);
    const { agent } = await loginAs(ctx.app, clerk);
    for (const id of ['abc', '99999999999999999999', '-1', '1.5', '%00']) {
      const res = await agent.get(`/incoming/${id}`);
      expect(res.status, `id ${id}`).to.be.oneOf([400, 404]);
      expect(res.text).not.to.match(STACK);
    }
  });

  it('escapes markup typed into a subject wherever it is shown', async () => {
    const agency = await buildAgency();
    const clerk = await buildUser(agency, ['clerk']);
    const { agent, csrf } = await loginAs(ctx.app, clerk);
    const token = await csrf();
    const res = await agent
      .post(`/incoming?_csrf=${encodeURIComponent(token)}`)
      .field('subject', '<script>alert("xss")</script> Về việc thử')
      .field('documentType', 'CV')
      .field('fromOrganName', '<img src=x onerror=alert(1)>')
      .field('urgency', '0')
      .field('confidentiality', '0')
      .attach('files', await onePagePdf(), 'a.pdf');
    expect(res.status, res.text.slice(0, 500)).to.equal(303);
    const doc = await IncomingDocument.findOne({ where: { agencyId: agency.id } });
    expect(doc).to.not.equal(null);
    for (const url of ['/incoming?tab=all', `/incoming/${doc!.id}`]) {
      const page = await agent.get(url);
      expect(page.status).to.equal(200);
      expect(page.text).not.to.contain('<script>alert("xss")</script>');
      expect(page.text).not.to.contain('<img src=x onerror');
      expect(page.text).to.contain('&lt;script&gt;');
    }
  });

  it('refuses a non-PDF renamed .pdf on the registration page and keeps nothing', async () => {
    const agency = await buildAgency();
    const clerk = await buildUser(agency, ['clerk']);
    const { agent, csrf } = await loginAs(ctx.app, clerk);
    const filesBefore = await StoredFile.count();
    const res = await agent
      .post(`/incoming?_csrf=${encodeURIComponent(await csrf())}`)
      .field('subject', 'Văn bản giả mạo')
      .field('documentType', 'CV')
      .field('fromOrganName', 'Sở Nội vụ')
      .attach('files', Buffer.from('PK\u0003\u0004 this is a zip, not a pdf'), 'hop-dong.pdf');
    expect(res.status).to.equal(422);
    expect(res.text).to.match(/PDF/);
    expect(res.text).not.to.match(STACK);
    expect(await IncomingDocument.count({ where: { agencyId: agency.id } })).to.equal(0);
    expect(await StoredFile.count()).to.equal(filesBefore);
  });

  it('refuses a multipart post without the CSRF token and saves nothing', async () => {
    const agency = await buildAgency();
    const clerk = await buildUser(agency, ['clerk']);
    const { agent } = await loginAs(ctx.app, clerk);
    const res = await agent
      .post('/incoming')
      .field('subject', 'Không có mã CSRF')
      .field('documentType', 'CV')
      .field('fromOrganName', 'Sở Nội vụ')
      .attach('files', await onePagePdf(), 'a.pdf');
    expect(res.status).to.equal(403);
    expect(res.text).to.contain('Phiên làm việc đã hết hạn');
    expect(await IncomingDocument.count({ where: { agencyId: agency.id } })).to.equal(0);
  });

  it('shows English messages once the user switches language', async () => {
    const agency = await buildAgency();
    const clerk = await buildUser(agency, ['clerk']);
    const { agent, csrf } = await loginAs(ctx.app, clerk);
    const switched = await agent
      .post('/language')
      .type('form')
      .send({ _csrf: await csrf(), lng: 'en', back: '/' });
    expect(switched.status).to.equal(303);
    const page = await agent.get('/khong-ton-tai');
    expect(page.status).to.equal(404);
    expect(page.text).to.contain('was not found');
  });
});
