import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildAgency, buildUser } from '../factories/index.js';
import { makePdf } from '../fixtures/pdf.js';
import { incomingFields, signIn, type Actor } from './incoming-helpers.js';
import { IncomingDocument } from '../../src/incoming/incoming.model.js';

function viewFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? viewFiles(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

describe('forms: the CSRF token of a multipart form', () => {
  let ctx: TestContext;
  let clerk: Actor;
  let pdf: Buffer;
  before(async () => {
    ctx = await testApp();
    const agency = await buildAgency();
    clerk = await signIn(ctx.app, await buildUser(agency, ['clerk']));
    pdf = await makePdf(1, 'Cong van');
  });

  const post = (fields: Record<string, string>, tokenFirst: string | null) => {
    let req = clerk.session.agent.post('/incoming');
    if (tokenFirst !== null) req = req.field('_csrf', tokenFirst);
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    return req.attach('files', pdf, { filename: 'cv.pdf', contentType: 'application/pdf' });
  };

  it('registers a document when the token is the first part of the body, not in the URL', async () => {
    const fields = incomingFields({ codeNumber: '771' });
    const res = await post(fields, clerk.token);
    expect(res.status, res.text.slice(0, 300)).to.equal(303);
    const id = Number(/\/incoming\/(\d+)$/.exec(res.headers.location)![1]);
    expect((await IncomingDocument.findByPk(id))!.codeNumber).to.equal('771');
  });

  it('refuses a multipart post without the token, or with a wrong one', async () => {
    const before = await IncomingDocument.count();
    expect((await post(incomingFields(), null)).status).to.equal(403);
    expect((await post(incomingFields(), 'x'.repeat(40))).status).to.equal(403);
    // A token that is not the first part is not looked for.
    let req = clerk.session.agent.post('/incoming').field('subject', 'a');
    req = req.field('_csrf', clerk.token);
    const late = await req.attach('files', pdf, 'cv.pdf');
    expect(late.status).to.equal(403);
    expect(await IncomingDocument.count()).to.equal(before);
  });

  it('still accepts the token in a header (scripts)', async () => {
    let req = clerk.session.agent.post('/incoming').set('X-CSRF-Token', clerk.token);
    for (const [k, v] of Object.entries(incomingFields({ codeNumber: '772' })))
      req = req.field(k, v);
    const res = await req.attach('files', pdf, {
      filename: 'cv.pdf',
      contentType: 'application/pdf',
    });
    expect(res.status).to.equal(303);
  });

  it('no view puts the token in an address, and every multipart form sends it first', () => {
    const views = viewFiles(path.resolve('views')).filter((f) => f.endsWith('.hbs'));
    for (const file of views) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.to.include('_csrf=');
      for (const m of text.matchAll(/<form[^>]*multipart\/form-data[^>]*>\s*([^\n]*)/g))
        expect(m[1], file).to.include('name="_csrf"');
    }
  });

  it('the registration form page carries no token in its form actions', async () => {
    const res = await clerk.session.agent.get('/incoming/new');
    expect(res.status).to.equal(200);
    expect(res.text).not.to.match(/action="[^"]*_csrf/);
  });
});
