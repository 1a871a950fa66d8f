import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import type { Agency } from '../../src/agencies/agency.model.js';
import { db } from '../../src/db/index.js';
import { checkUpload, storeProducedPdf } from '../../src/files/file-storage.service.js';
import { DocumentFile, StoredFile } from '../../src/files/file.model.js';
import type { AppError } from '../../src/http/app-error.js';
import { translator } from '../../src/i18n/index.js';
import { IncomingDocument } from '../../src/incoming/incoming.model.js';
import { RegisterIncomingSchema } from '../../src/incoming/incoming.schemas.js';
import { indexIncomingTexts } from '../../src/incoming/incoming.search-index.js';
import { registerIncoming } from '../../src/incoming/incoming.service.js';
import { OutgoingDocument } from '../../src/outgoing/outgoing.model.js';
import type { User } from '../../src/users/user.model.js';
import { createAccessToken } from '../../src/users/users.service.js';
import { buildAgency, buildDepartment, buildUser, loginAs } from '../factories/index.js';
import { buildEdxml } from '../fixtures/edxml.js';
import { buildCompressedPdf, buildPdfBomb } from '../fixtures/pdf-bomb.js';
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

describe('PDF decompression bombs: refused before storage and before pdf.js', function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let agency: Agency;
  let clerk: User;
  let specialist: User;
  const fields = {
    fromOrganName: 'Sở Tài chính',
    codeNumber: '91',
    codeNotation: 'STC-NB',
    documentType: 'CV',
    subject: 'Về việc tệp nén bất thường',
    urgency: '0',
  };

  before(async () => {
    ctx = await testApp();
    agency = await buildAgency();
    clerk = await buildUser(agency, ['clerk']);
    const dept = await buildDepartment(agency);
    specialist = await buildUser(agency, ['specialist'], { departmentId: dept.id });
  });

  async function counts() {
    return {
      incoming: await IncomingDocument.count(),
      outgoing: await OutgoingDocument.count(),
      files: await StoredFile.count(),
      blobs: storedBlobs(ctx.config.storageDir).length,
    };
  }

  it('a small file inflating to 32 MB is refused by the upload check, with the Vietnamese reason', async () => {
    const bomb = buildPdfBomb(32, 1);
    expect(bomb.length).to.be.below(200_000);
    const err = await checkUpload(bomb, 'bom.pdf').catch((e: unknown) => e as AppError);
    expect((err as AppError).code).to.equal('FILE_PDF_INFLATES');
    expect((err as AppError).status).to.equal(422);
    expect(translator('vi')('errors:FILE_PDF_INFLATES', (err as AppError).params)).to.equal(
      'Tệp «bom.pdf» có luồng nén bất thường: giải nén ra quá lớn so với kích thước tệp (quá 100 lần, tối đa 512 MB) nên không được tiếp nhận. Vui lòng đề nghị nơi gửi cung cấp lại tệp (in lại ra PDF).',
    );
  });

  it('an ordinary PDF, and one whose stream inflates within the budget, still pass', async () => {
    expect((await checkUpload(await makePdf(2), 'thuong.pdf')).pageCount).to.equal(2);
    const compressed = buildCompressedPdf();
    expect(compressed.length).to.be.above(100_000);
    expect((await checkUpload(compressed, 'nen-thuong.pdf')).pageCount).to.equal(1);
  });

  it('an image may inflate to the raster it declares, not past it', async () => {
    // A mostly white scan page packs far beyond 100 to 1: 4096 x 2048 grey is 8 MB of pixels.
    const scan = buildPdfBomb(8, 8, { width: 4096, height: 2048 });
    expect((await checkUpload(scan, 'ban-quet.pdf')).pageCount).to.equal(1);
    const lying = buildPdfBomb(32, 9, { width: 100, height: 100 });
    const err = await checkUpload(lying, 'anh.pdf').catch((e: unknown) => e as AppError);
    expect((err as AppError).code).to.equal('FILE_PDF_INFLATES');
  });

  it('the incoming form refuses it (422, Vietnamese, what was typed kept), storing nothing', async () => {
    const before = await counts();
    const { agent, csrf } = await loginAs(ctx.app, clerk);
    let req = agent.post(`/incoming?_csrf=${encodeURIComponent(await csrf())}`);
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    const res = await req.attach('files', buildPdfBomb(32, 3), {
      filename: 'bom.pdf',
      contentType: 'application/pdf',
    });
    expect(res.status).to.equal(422);
    expect(res.text)
      .to.contain('có luồng nén bất thường')
      .and.contain('Về việc tệp nén bất thường');
    expect(await counts()).to.deep.equal(before);
  });

  it('the API refuses it with {error:{code,message}}, storing nothing', async () => {
    const { token } = await createAccessToken(clerk, 'Kiểm thử tệp nén', {
      userId: clerk.id,
      ip: null,
    });
    const before = await counts();
    let req = request(ctx.app).post('/api/v1/incoming').set('Authorization', `Bearer ${token}`);
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    const res = await req.attach('file', buildPdfBomb(32, 4), {
      filename: 'bom-api.pdf',
      contentType: 'application/pdf',
    });
    expect(res.status).to.equal(422);
    expect(res.body.error.code).to.equal('FILE_PDF_INFLATES');
    expect(res.body.error.message).to.contain('«bom-api.pdf» có luồng nén bất thường');
    expect(await counts()).to.deep.equal(before);
  });

  it('an edXML package carrying one is refused (422), keeping nothing', async () => {
    const before = await counts();
    const { agent, csrf } = await loginAs(ctx.app, clerk);
    const pkg = buildEdxml({
      to: [agency.code],
      attachments: [{ name: 'bom.pdf', content: buildPdfBomb(32, 5) }],
    });
    const res = await agent
      .post(`/incoming/edxml?_csrf=${encodeURIComponent(await csrf())}`)
      .attach('package', pkg, { filename: 'goi.edxml', contentType: 'application/xml' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('có luồng nén bất thường');
    expect(res.text).not.to.contain('data-testid="edxml-notice"');
    expect(await counts()).to.deep.equal(before);
  });

  it('an outgoing draft refuses it as its file (422), creating no draft', async () => {
    const before = await counts();
    const { agent, csrf } = await loginAs(ctx.app, specialist);
    const res = await agent
      .post(`/outgoing?_csrf=${encodeURIComponent(await csrf())}`)
      .field('documentType', 'QĐ')
      .field('subject', 'Dự thảo nén bất thường')
      .attach('files', buildPdfBomb(32, 6), 'du-thao.pdf');
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('có luồng nén bất thường');
    expect(await counts()).to.deep.equal(before);
  });

  it('the text job refuses one already stored, without inflating it, and notes the file as not read', async () => {
    const doc = await registerIncoming(
      RegisterIncomingSchema.parse({ ...fields, codeNumber: '92', confirmDuplicate: '1' }),
      [{ buffer: await makePdf(1), originalName: 'van-ban.pdf' }],
      { user: clerk, ip: '127.0.0.1' },
    );
    // A bomb stored before the check existed: its row put in place of the document's file.
    const bomb = await storeProducedPdf(buildPdfBomb(128, 7), 'bom-cu.pdf', 1);
    await DocumentFile.update(
      { fileId: bomb.storedFile.id, originalName: 'bom-cu.pdf' },
      { where: { documentKind: 'incoming', documentId: doc.id, role: 'main' } },
    );
    const rss = process.memoryUsage().rss;
    expect(await indexIncomingTexts(doc.id)).to.equal(1);
    expect(process.memoryUsage().rss - rss).to.be.below(128 * 1024 * 1024);
    const row = await db().query(
      `SELECT source, content FROM document_texts WHERE documentKind = 'incoming' AND documentId = ?`,
      { replacements: [doc.id], plain: true },
    );
    expect(row).to.deep.include({ source: 'refused', content: '' });
    // Read once: a second run finds nothing left to read.
    expect(await indexIncomingTexts(doc.id)).to.equal(0);
    const page = await (await loginAs(ctx.app, clerk)).agent.get(`/incoming/${doc.id}`);
    expect(page.text).to.contain('data-testid="text-refused"');
    expect(page.text).to.contain('Không trích được văn bản: tệp nén bất thường');
  });
});
