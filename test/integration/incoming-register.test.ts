import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildAgency, buildUser, loginAs } from '../factories/index.js';
import { makePdf } from '../fixtures/pdf.js';
import { createApp } from '../../src/app.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { DocumentEvent } from '../../src/documents/document.model.js';
import { DocumentFile, StoredFile } from '../../src/files/file.model.js';
import { IncomingDocument } from '../../src/incoming/incoming.model.js';
import { registerIncoming } from '../../src/incoming/incoming.service.js';
import { RegisterIncomingSchema } from '../../src/incoming/incoming.schemas.js';
import { Register } from '../../src/registers/register.model.js';
import type { User } from '../../src/users/user.model.js';

const fields = (overrides: Record<string, string> = {}) => ({
  fromOrganName: 'Sở Nội vụ tỉnh Thử',
  codeNumber: '15',
  codeNotation: 'QĐ-SNV',
  documentType: 'QĐ',
  subject: 'Về việc kiện toàn tổ chức bộ máy',
  urgency: '0',
  ...overrides,
});

/** Every file under the storage folder (content-addressed blobs, not the temp folder). */
function storedBlobs(storageDir: string): string[] {
  if (!existsSync(storageDir)) return [];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name));
      else if (/^[0-9a-f]{64}$/.test(entry.name)) out.push(entry.name);
    }
  };
  walk(storageDir);
  return out;
}

describe('incoming registration', () => {
  let ctx: TestContext;
  let pdf: Buffer;
  before(async () => {
    ctx = await testApp();
    pdf = await makePdf(2);
  });

  const actorOf = (user: User) => ({ user, ip: '127.0.0.1' });

  it('gives 50 concurrent registrations (service and HTTP) the arrival numbers 1..50 exactly', async () => {
    const agency = await buildAgency();
    const clerk = await buildUser(agency, ['clerk']);
    const { agent, csrf } = await loginAs(ctx.app, clerk);
    const token = await csrf();
    const viaService = Array.from({ length: 30 }, (_, i) =>
      registerIncoming(
        RegisterIncomingSchema.parse(fields({ codeNumber: `S${i}` })),
        [{ buffer: pdf, originalName: 'vb.pdf' }],
        actorOf(clerk),
      ).then((d) => d.id),
    );
    const viaHttp = Array.from({ length: 20 }, async (_, i) => {
      let req = agent.post(`/incoming?_csrf=${encodeURIComponent(token)}`);
      for (const [k, v] of Object.entries(fields({ codeNumber: `H${i}` }))) req = req.field(k, v);
      const res = await req.attach('files', pdf, {
        filename: 'vb.pdf',
        contentType: 'application/pdf',
      });
      expect(res.status, res.text.slice(0, 300)).to.equal(303);
      return Number(/\/incoming\/(\d+)$/.exec(res.headers.location)![1]);
    });
    const ids = await Promise.all([...viaService, ...viaHttp]);
    const docs = await IncomingDocument.findAll({ where: { agencyId: agency.id } });
    expect(docs).to.have.length(50);
    expect(docs.map((d) => d.arrivalNumber).sort((a, b) => a - b)).to.deep.equal(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    expect(new Set(ids).size).to.equal(50);
    const registers = await Register.findAll({ where: { agencyId: agency.id, kind: 'incoming' } });
    expect(registers).to.have.length(1);
    expect(registers[0].lastNumber).to.equal(50);
    expect(
      await AuditLog.count({ where: { action: 'incoming.register', userId: clerk.id } }),
    ).to.equal(50);
    expect(
      await DocumentEvent.count({
        where: { documentKind: 'incoming', documentId: ids, action: 'register' },
      }),
    ).to.equal(50);
  });

  it("restarts numbers each year: a document arriving last year takes that year's register", async () => {
    const agency = await buildAgency();
    const clerk = await buildUser(agency, ['clerk']);
    const thisYear = new Date().getUTCFullYear();
    const lastYear = `${thisYear - 1}-12-30`;
    const a = await registerIncoming(
      RegisterIncomingSchema.parse(fields({ arrivalDate: lastYear })),
      [{ buffer: pdf, originalName: 'a.pdf' }],
      actorOf(clerk),
    );
    const b = await registerIncoming(
      RegisterIncomingSchema.parse(fields({ codeNumber: '16' })),
      [{ buffer: pdf, originalName: 'b.pdf' }],
      actorOf(clerk),
    );
    expect([a.arrivalNumber, b.arrivalNumber]).to.deep.equal([1, 1]);
    expect(a.registerId).to.not.equal(b.registerId);
  });

  it('refuses a number from a register closed at year end (đóng sổ) and saves nothing', async () => {
    const agency = await buildAgency();
    const clerk = await buildUser(agency, ['clerk']);
    const lastYear = new Date().getUTCFullYear() - 1;
    const first = await registerIncoming(
      RegisterIncomingSchema.parse(fields({ arrivalDate: `${lastYear}-12-29` })),
      [{ buffer: pdf, originalName: 'a.pdf' }],
      actorOf(clerk),
    );
    await Register.update({ closedAt: new Date() }, { where: { id: first.registerId } });
    let refused: unknown = null;
    try {
      await registerIncoming(
        RegisterIncomingSchema.parse(
          fields({ codeNumber: '99', arrivalDate: `${lastYear}-12-30` }),
        ),
        [{ buffer: pdf, originalName: 'b.pdf' }],
        actorOf(clerk),
      );
    } catch (err) {
      refused = err;
    }
    expect((refused as { code?: string })?.code).to.equal('REGISTER_CLOSED');
    expect((refused as { status?: number })?.status).to.equal(409);
    expect(await IncomingDocument.count({ where: { agencyId: agency.id } })).to.equal(1);
    expect((await Register.findByPk(first.registerId))!.lastNumber).to.equal(1);
  });

  it('refuses edits and new files to a document of a closed register (đóng sổ) with a Vietnamese 409', async () => {
    const agency = await buildAgency();
    const clerk = await buildUser(agency, ['clerk']);
    const lastYear = new Date().getUTCFullYear() - 1;
    const doc = await registerIncoming(
      RegisterIncomingSchema.parse(fields({ arrivalDate: `${lastYear}-12-29` })),
      [{ buffer: pdf, originalName: 'a.pdf' }],
      actorOf(clerk),
    );
    const { agent, csrf } = await loginAs(ctx.app, clerk);
    // While the register is open the clerk may still correct the document.
    let edit = agent.post(`/incoming/${doc.id}/edit`).type('form');
    const open = await edit.send({
      ...fields({ subject: 'Sửa khi sổ còn mở' }),
      _csrf: await csrf(),
    });
    expect(open.status).to.equal(303);
    await Register.update({ closedAt: new Date() }, { where: { id: doc.registerId } });
    const auditsBefore = await AuditLog.count({
      where: { entityId: doc.id, action: 'incoming.update' },
    });

    edit = agent.post(`/incoming/${doc.id}/edit`).type('form');
    const refused = await edit.send({
      ...fields({ subject: 'Sửa sau khi đóng sổ' }),
      _csrf: await csrf(),
    });
    expect(refused.status).to.equal(409);
    expect(refused.text).to.contain(`sổ đăng ký năm ${lastYear} đã đóng sổ`);
    const files = await agent
      .post(`/incoming/${doc.id}/files?_csrf=${encodeURIComponent(await csrf())}`)
      .attach('files', await makePdf(1, 'Phu luc'), {
        filename: 'phu-luc.pdf',
        contentType: 'application/pdf',
      });
    expect(files.status).to.equal(409);
    expect(files.text).to.contain('đã đóng sổ; không thể sửa văn bản hoặc thêm tệp');

    await doc.reload();
    expect(doc.subject).to.equal('Sửa khi sổ còn mở');
    expect(
      await DocumentFile.count({ where: { documentKind: 'incoming', documentId: doc.id } }),
    ).to.equal(1);
    expect(
      await AuditLog.count({ where: { entityId: doc.id, action: 'incoming.update' } }),
    ).to.equal(auditsBefore);
  });

  it('refuses an arrival date earlier than the last registered one in the same register (422 next to the field), taking no number', async () => {
    const agency = await buildAgency();
    const clerk = await buildUser(agency, ['clerk']);
    const lastYear = new Date().getUTCFullYear() - 1;
    const first = await registerIncoming(
      RegisterIncomingSchema.parse(fields({ arrivalDate: `${lastYear}-06-10` })),
      [{ buffer: pdf, originalName: 'a.pdf' }],
      actorOf(clerk),
    );
    // The same day is fine.
    await registerIncoming(
      RegisterIncomingSchema.parse(fields({ codeNumber: '16', arrivalDate: `${lastYear}-06-10` })),
      [{ buffer: pdf, originalName: 'b.pdf' }],
      actorOf(clerk),
    );
    let refused: unknown = null;
    try {
      await registerIncoming(
        RegisterIncomingSchema.parse(
          fields({ codeNumber: '17', arrivalDate: `${lastYear}-06-09` }),
        ),
        [{ buffer: pdf, originalName: 'c.pdf' }],
        actorOf(clerk),
      );
    } catch (err) {
      refused = err;
    }
    expect((refused as { status?: number })?.status).to.equal(422);
    expect((refused as { fields?: Record<string, string> })?.fields).to.deep.equal({
      arrivalDate: 'errors:ARRIVAL_BEFORE_LAST',
    });

    const { agent, csrf } = await loginAs(ctx.app, clerk);
    let req = agent.post(`/incoming?_csrf=${encodeURIComponent(await csrf())}`);
    for (const [k, v] of Object.entries(
      fields({ codeNumber: '18', arrivalDate: `${lastYear}-05-31`, confidentiality: '0' }),
    ))
      req = req.field(k, v);
    const res = await req.attach('files', pdf, {
      filename: 'd.pdf',
      contentType: 'application/pdf',
    });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain(
      'Ngày đến không được trước ngày đến của văn bản vào sổ gần nhất trong cùng sổ.',
    );
    expect(await IncomingDocument.count({ where: { agencyId: agency.id } })).to.equal(2);
    expect((await Register.findByPk(first.registerId))!.lastNumber).to.equal(2);
    // A later date in the same register is accepted and takes the next number.
    const later = await registerIncoming(
      RegisterIncomingSchema.parse(fields({ codeNumber: '19', arrivalDate: `${lastYear}-06-11` })),
      [{ buffer: pdf, originalName: 'e.pdf' }],
      actorOf(clerk),
    );
    expect(later.arrivalNumber).to.equal(3);
  });

  it('registers through the form with its files, trail event and audit row, and shows it', async () => {
    const agency = await buildAgency();
    const clerk = await buildUser(agency, ['clerk']);
    const { agent, csrf } = await loginAs(ctx.app, clerk);
    const form = await agent.get('/incoming/new');
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('Vào sổ văn bản đến').and.contain('data-testid="next-number">01<');
    let req = agent.post(`/incoming?_csrf=${encodeURIComponent(await csrf())}`);
    for (const [k, v] of Object.entries(fields({ confidentiality: '0', pageAmount: '' })))
      req = req.field(k, v);
    const res = await req
      .attach('files', pdf, { filename: 'Quyết định số 15.pdf', contentType: 'application/pdf' })
      .attach('files', await makePdf(1, 'Phu luc'), {
        filename: 'phu-luc.pdf',
        contentType: 'application/pdf',
      });
    expect(res.status).to.equal(303);
    const doc = await IncomingDocument.findOne({ where: { agencyId: agency.id } });
    expect(doc!.status).to.equal('registered');
    expect(doc!.pageAmount).to.equal(3);
    expect(doc!.documentType).to.equal('QĐ');
    const files = await DocumentFile.findAll({
      where: { documentKind: 'incoming', documentId: doc!.id },
      include: [{ model: StoredFile, as: 'file' }],
    });
    expect(files.map((f) => f.originalName)).to.deep.equal(['Quyết định số 15.pdf', 'phu-luc.pdf']);
    expect(storedBlobs(ctx.config.storageDir)).to.include(files[0].file!.sha256);
    const page = await agent.get(res.headers.location);
    expect(page.status).to.equal(200);
    expect(page.text)
      .to.contain('Về việc kiện toàn tổ chức bộ máy')
      .and.contain('Đã vào sổ văn bản đến, số đến 01.');
  });

  it('warns about a suspected duplicate and saves only when the clerk confirms', async () => {
    const agency = await buildAgency();
    const clerk = await buildUser(agency, ['clerk']);
    await registerIncoming(
      RegisterIncomingSchema.parse(fields()),
      [{ buffer: pdf, originalName: 'a.pdf' }],
      actorOf(clerk),
    );
    const { agent, csrf } = await loginAs(ctx.app, clerk);
    const token = await csrf();
    const post = (extra: Record<string, string>) => {
      let req = agent.post(`/incoming?_csrf=${encodeURIComponent(token)}`);
      for (const [k, v] of Object.entries(
        fields({ fromOrganName: '  sở nội vụ   tỉnh thử ', ...extra }),
      ))
        req = req.field(k, v);
      return req.attach('files', pdf, { filename: 'b.pdf', contentType: 'application/pdf' });
    };
    const warned = await post({});
    expect(warned.status).to.equal(409);
    expect(warned.text)
      .to.contain('data-testid="duplicate-warning"')
      .and.contain('name="confirmDuplicate"');
    expect(await IncomingDocument.count({ where: { agencyId: agency.id } })).to.equal(1);
    const confirmed = await post({ confirmDuplicate: 'true' });
    expect(confirmed.status).to.equal(303);
    expect(await IncomingDocument.count({ where: { agencyId: agency.id } })).to.equal(2);
    const audit = await AuditLog.findOne({
      where: { action: 'incoming.register', userId: clerk.id },
      order: [['id', 'DESC']],
    });
    expect(JSON.parse(audit!.details!).confirmedDuplicate).to.equal(true);
  });

  it('refuses a non-PDF renamed .pdf with a Vietnamese message, saving no row and no file', async () => {
    const agency = await buildAgency();
    const clerk = await buildUser(agency, ['clerk']);
    const { agent, csrf } = await loginAs(ctx.app, clerk);
    const fake = Buffer.from('PK\u0003\u0004 this is really a zip archive ' + 'x'.repeat(500));
    const blobsBefore = storedBlobs(ctx.config.storageDir).length;
    const rowsBefore = await StoredFile.count();
    let req = agent.post(`/incoming?_csrf=${encodeURIComponent(await csrf())}`);
    for (const [k, v] of Object.entries(fields())) req = req.field(k, v);
    const res = await req.attach('files', fake, {
      filename: 'giả-mạo.pdf',
      contentType: 'application/pdf',
    });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('không phải là tệp PDF hợp lệ').and.contain('giả-mạo.pdf');
    // A file not named .pdf is named as chosen, not as it would have been kept.
    let other = agent.post(`/incoming?_csrf=${encodeURIComponent(await csrf())}`);
    for (const [k, v] of Object.entries(fields())) other = other.field(k, v);
    const docx = await other.attach('files', fake, {
      filename: 'công-văn.docx',
      contentType: 'application/pdf',
    });
    expect(docx.status).to.equal(422);
    expect(docx.text).to.contain('Tệp «công-văn.docx» không phải là tệp PDF hợp lệ');
    expect(docx.text).not.to.contain('công-văn.docx.pdf');
    expect(await IncomingDocument.count({ where: { agencyId: agency.id } })).to.equal(0);
    expect(await StoredFile.count()).to.equal(rowsBefore);
    expect(storedBlobs(ctx.config.storageDir).length).to.equal(blobsBefore);
    expect(await Register.count({ where: { agencyId: agency.id } })).to.equal(0);
  });

  it('refuses a PDF header followed by garbage (must parse, not only start with %PDF-)', async () => {
    const agency = await buildAgency();
    const clerk = await buildUser(agency, ['clerk']);
    const garbage = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2000, 7)]);
    let error: unknown = null;
    try {
      await registerIncoming(
        RegisterIncomingSchema.parse(fields()),
        [{ buffer: garbage, originalName: 'x.pdf' }],
        actorOf(clerk),
      );
    } catch (err) {
      error = err;
    }
    expect((error as { code?: string })?.code).to.equal('FILE_NOT_PDF');
    expect((error as { status?: number })?.status).to.equal(422);
    expect(await IncomingDocument.count({ where: { agencyId: agency.id } })).to.equal(0);
  });

  it('answers an oversized file with 413 on the form as typed, and saves nothing', async () => {
    const small = createApp({ config: { ...ctx.config, maxUploadBytes: 16 * 1024 } });
    const agency = await buildAgency();
    const clerk = await buildUser(agency, ['clerk']);
    const { agent, csrf } = await loginAs(small, clerk);
    const big = await makePdf(40, 'x'.repeat(60));
    expect(big.length).to.be.greaterThan(16 * 1024);
    let req = agent.post(`/incoming?_csrf=${encodeURIComponent(await csrf())}`);
    for (const [k, v] of Object.entries(fields())) req = req.field(k, v);
    const res = await req.attach('files', big, {
      filename: 'lon.pdf',
      contentType: 'application/pdf',
    });
    expect(res.status).to.equal(413);
    expect(res.text).to.contain('vượt quá dung lượng');
    // The form comes back with what was typed and the message beside the file input.
    expect(res.text).to.contain('id="files-error"');
    expect(res.text).to.contain(`value="${fields().fromOrganName}"`);
    expect(await IncomingDocument.count({ where: { agencyId: agency.id } })).to.equal(0);

    // The same refusal when adding a file to a registered document: its page, with the message.
    const small1 = await makePdf(1, 'Nho');
    let ok = agent.post(`/incoming?_csrf=${encodeURIComponent(await csrf())}`);
    for (const [k, v] of Object.entries(fields())) ok = ok.field(k, v);
    const registered = await ok.attach('files', small1, {
      filename: 'nho.pdf',
      contentType: 'application/pdf',
    });
    expect(registered.status, registered.text.slice(0, 300)).to.equal(303);
    const id = /\/incoming\/(\d+)$/.exec(registered.headers.location)![1];
    const added = await agent
      .post(`/incoming/${id}/files?_csrf=${encodeURIComponent(await csrf())}`)
      .attach('files', big, { filename: 'lon.pdf', contentType: 'application/pdf' });
    expect(added.status).to.equal(413);
    expect(added.text).to.contain('vượt quá dung lượng').and.contain('data-testid="subject"');
    expect(
      await DocumentFile.count({ where: { documentKind: 'incoming', documentId: Number(id) } }),
    ).to.equal(1);
  });

  it('re-renders an empty form with 422 and a message for each required field', async () => {
    const agency = await buildAgency();
    const clerk = await buildUser(agency, ['clerk']);
    const { agent, csrf } = await loginAs(ctx.app, clerk);
    const res = await agent
      .post(`/incoming?_csrf=${encodeURIComponent(await csrf())}`)
      .field('fromOrganName', '')
      .field('subject', '  ');
    expect(res.status).to.equal(422);
    for (const id of ['fromOrganName-error', 'subject-error', 'documentType-error'])
      expect(res.text).to.contain(`id="${id}"`);
    expect(await IncomingDocument.count({ where: { agencyId: agency.id } })).to.equal(0);
  });

  it('refuses registration by someone who is not a clerk, and a forged CSRF token', async () => {
    const agency = await buildAgency();
    const specialist = await buildUser(agency, ['specialist']);
    const { agent, csrf } = await loginAs(ctx.app, specialist);
    const token = await csrf();
    expect((await agent.get('/incoming/new')).status).to.equal(403);
    const res = await agent
      .post(`/incoming?_csrf=${encodeURIComponent(token)}`)
      .field('subject', 'x');
    expect(res.status).to.equal(403);
    const clerk = await buildUser(agency, ['clerk']);
    const clerkSession = await loginAs(ctx.app, clerk);
    const forged = await clerkSession.agent.post('/incoming?_csrf=forged').field('subject', 'x');
    expect(forged.status).to.equal(403);
    expect(await IncomingDocument.count({ where: { agencyId: agency.id } })).to.equal(0);
  });
});
