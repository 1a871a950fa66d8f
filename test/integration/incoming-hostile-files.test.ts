import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { StoredFile } from '../../src/files/file.model.js';
import { IncomingDocument } from '../../src/incoming/incoming.model.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { createAccessToken } from '../../src/users/users.service.js';
import type { User } from '../../src/users/user.model.js';
import type { Agency } from '../../src/agencies/agency.model.js';
import { buildAgency, buildUser, loginAs } from '../factories/index.js';
import { buildEdxml } from '../fixtures/edxml.js';
import { buildHostilePdf } from '../fixtures/hostile-pdf.js';
import { makePdf } from '../fixtures/pdf.js';
import { testApp, type TestContext } from '../helpers/test-app.js';

/** Every stored blob under STORAGE_DIR (not the staging folder of forms shown again). */
function storedBlobs(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name !== 'staging') walk(path.join(dir, entry.name));
      else if (entry.isFile() && /^[0-9a-f]{64}$/.test(entry.name)) found.push(entry.name);
    }
  };
  try {
    walk(root);
  } catch {
    // nothing stored yet
  }
  return found;
}

describe('hostile uploads are checked off the event loop and refused (422)', function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let clerk: User;
  let agency: Agency;
  before(async () => {
    ctx = await testApp();
    agency = await buildAgency();
    clerk = await buildUser(agency, ['clerk']);
  });

  const fields = {
    fromOrganName: 'Sở Tài chính',
    codeNumber: '77',
    codeNotation: 'STC-NS',
    documentType: 'CV',
    subject: 'Về việc tệp PDF độc hại',
    urgency: '0',
  };

  async function counts() {
    return {
      documents: await IncomingDocument.count(),
      files: await StoredFile.count(),
      audit: await AuditLog.count({ where: { action: 'incoming.register' } }),
      blobs: storedBlobs(ctx.config.storageDir).length,
    };
  }

  async function registerForm(pdf: Buffer, name: string) {
    const { agent, csrf } = await loginAs(ctx.app, clerk);
    let req = agent.post(`/incoming?_csrf=${encodeURIComponent(await csrf())}`);
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    return req.attach('files', pdf, { filename: name, contentType: 'application/pdf' });
  }

  it('refuses a PDF bomb on the form with a Vietnamese 422 and what was typed, saving nothing', async () => {
    const before = await counts();
    const res = await registerForm(buildHostilePdf(3000, 1), 'bom.pdf');
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('cần quá nhiều bộ nhớ để đọc nên không được tiếp nhận');
    expect(res.text).to.contain('bom.pdf').and.contain('Về việc tệp PDF độc hại');
    expect(res.text).not.to.match(/at \w+ \(|node_modules/);
    expect(await counts()).to.deep.equal(before);
  });

  it('refuses it through the API with {error:{code,message}}', async () => {
    const { token } = await createAccessToken(clerk, 'Kiểm thử tệp độc hại', {
      userId: clerk.id,
      ip: null,
    });
    const before = await counts();
    let req = request(ctx.app).post('/api/v1/incoming').set('Authorization', `Bearer ${token}`);
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    const res = await req.attach('file', buildHostilePdf(3000, 2), {
      filename: 'bom-api.pdf',
      contentType: 'application/pdf',
    });
    expect(res.status).to.equal(422);
    expect(res.body.error.code).to.equal('FILE_CHECK_MEMORY');
    expect(res.body.error.message).to.contain('«bom-api.pdf» cần quá nhiều bộ nhớ');
    expect(await counts()).to.deep.equal(before);
  });

  it('keeps answering other requests while a hostile file is being checked', async () => {
    const finished: string[] = [];
    const upload = registerForm(buildHostilePdf(3000, 3), 'bom-2.pdf').then((res) => {
      finished.push('upload');
      return res;
    });
    // Let the upload reach its worker, then ask for other pages one after another.
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (let i = 0; i < 5; i++) {
      const page = await request(ctx.app).get('/login');
      expect(page.status).to.equal(200);
      finished.push(`login ${i}`);
    }
    expect((await upload).status).to.equal(422);
    expect(finished).to.deep.equal([
      'login 0',
      'login 1',
      'login 2',
      'login 3',
      'login 4',
      'upload',
    ]);
  });

  it('still registers an ordinary PDF', async () => {
    const res = await registerForm(await makePdf(), 'binh-thuong.pdf');
    expect(res.status, res.text.slice(0, 300)).to.equal(303);
  });

  it('refuses an edXML package carrying a PDF bomb (422), keeping nothing', async () => {
    const before = await counts();
    const { agent, csrf } = await loginAs(ctx.app, clerk);
    const pkg = buildEdxml({
      to: [agency.code],
      attachments: [{ name: 'bom.pdf', content: buildHostilePdf(3000, 4) }],
    });
    const res = await agent
      .post(`/incoming/edxml?_csrf=${encodeURIComponent(await csrf())}`)
      .attach('package', pkg, { filename: 'goi.edxml', contentType: 'application/xml' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('không được tiếp nhận');
    expect(res.text).not.to.contain('data-testid="edxml-notice"');
    expect(await counts()).to.deep.equal(before);
  });
});
