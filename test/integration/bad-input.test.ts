import { expect } from 'chai';
import request from 'supertest';
import { PDFDocument } from 'pdf-lib';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildAgency, buildUser, loginAs } from '../factories/index.js';
import { IncomingDocument } from '../../src/incoming/incoming.model.js';
import { DocumentFile, StoredFile } from '../../src/files/file.model.js';
import { DocumentEvent } from '../../src/documents/document.model.js';
import {
  buildOffice,
  postForm,
  registerThroughForm,
  signIn,
  signInAll,
} from './incoming-helpers.js';

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

  it('answers bad input to chasing, adding files and re-checking signatures in Vietnamese, with 4xx', async () => {
    const office = await buildOffice();
    const [clerk, leader, head] = await signInAll(ctx, [
      office.clerk,
      office.leader,
      office.deptHead,
    ]);
    const id = await registerThroughForm(clerk);
    const file = await DocumentFile.findOne({
      where: { documentKind: 'incoming', documentId: id },
    });
    await postForm(clerk, `/incoming/${id}/present`, { leaderId: String(office.leader.id) });
    await postForm(leader, `/incoming/${id}/direct`, { lead: `d:${office.department.id}` });
    const eventsBefore = await DocumentEvent.count({
      where: { documentKind: 'incoming', documentId: id },
    });
    const checks = [
      // Wrong type, empty, unknown and huge values for a reminder.
      [
        await postForm(head, `/incoming/${id}/reminders`, { assignmentId: 'abc' }),
        422,
        'chưa hợp lệ',
      ],
      [await postForm(head, `/incoming/${id}/reminders`, {}), 422, 'chưa hợp lệ'],
      [
        await postForm(leader, `/incoming/${id}/reminders`, { assignmentId: '2147483000' }),
        404,
        'Không tìm thấy nhiệm vụ xử lý',
      ],
      [
        await postForm(leader, `/incoming/${id}/reminders`, {
          assignmentId: '1',
          note: 'x'.repeat(2 * 1024 * 1024),
        }),
        413,
        'quá lớn',
      ],
      // Ids that are not numbers, and a file of no document.
      [await postForm(clerk, `/incoming/abc/files/1/signature-check`, {}), 404, 'Không tìm thấy'],
      [
        await postForm(clerk, `/incoming/${id}/files/999999999/signature-check`, {}),
        404,
        'Không tìm thấy tệp',
      ],
      // Files can't be added once the document has gone to the leader.
      [
        await clerk.session.agent
          .post(`/incoming/${id}/files?_csrf=${encodeURIComponent(clerk.token)}`)
          .attach('files', Buffer.from('%PDF-1.4 giả'), 'a.pdf'),
        403,
        'Bạn không có quyền',
      ],
    ] as const;
    for (const [i, [res, status, text]] of checks.entries()) {
      expect(res.status, `check ${i}: ${res.text.slice(0, 200)}`).to.equal(status);
      expect(res.text, `check ${i}`).to.contain(text);
      expect(res.text).not.to.match(STACK);
    }
    // Someone else's document: an outsider gets 404 for every one of these routes.
    const outsider = await signIn(
      ctx.app,
      await buildUser(await buildAgency(), ['clerk', 'leader']),
    );
    for (const path of [
      `/incoming/${id}/reminders`,
      `/incoming/${id}/files/${file!.id}/signature-check`,
    ])
      expect((await postForm(outsider, path, { assignmentId: '1' })).status, path).to.equal(404);
    expect(
      (
        await outsider.session.agent
          .post(`/incoming/${id}/files?_csrf=${encodeURIComponent(outsider.token)}`)
          .attach('files', Buffer.from('%PDF-1.4'), 'b.pdf')
      ).status,
    ).to.equal(404);
    expect(
      await DocumentEvent.count({ where: { documentKind: 'incoming', documentId: id } }),
    ).to.equal(eventsBefore);
  });
});
