import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildAgency, buildUser, loginAs } from '../factories/index.js';
import { makePdf } from '../fixtures/pdf.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { DocumentFile, StoredFile } from '../../src/files/file.model.js';
import { STAGED_HOURS, sweepStaged } from '../../src/files/upload-staging.js';
import { IncomingDocument } from '../../src/incoming/incoming.model.js';
import type { User } from '../../src/users/user.model.js';

const fields = (overrides: Record<string, string> = {}) => ({
  fromOrganName: 'Sở Xây dựng tỉnh Thử',
  codeNumber: String(Math.floor(Math.random() * 1e6)),
  codeNotation: 'SXD-QLN',
  documentType: 'CV',
  subject: 'Về việc báo cáo tình hình nhà ở',
  urgency: '0',
  ...overrides,
});

/** Posts the registration form: fields, kept file ids, and files to attach. */
async function register(
  ctx: TestContext,
  user: User,
  form: Record<string, string>,
  { staged = [], files = [] }: { staged?: string[]; files?: { buffer: Buffer; name: string }[] },
) {
  const { agent, csrf } = await loginAs(ctx.app, user);
  let req = agent.post(`/incoming?_csrf=${encodeURIComponent(await csrf())}`);
  for (const [k, v] of Object.entries(form)) req = req.field(k, v);
  for (const id of staged) req = req.field('stagedFiles', id);
  for (const f of files)
    req = req.attach('files', f.buffer, { filename: f.name, contentType: 'application/pdf' });
  return req;
}

const keptIds = (html: string) =>
  [...html.matchAll(/name="stagedFiles" value="([0-9a-f]{32})"/g)].map((m) => m[1]);
const sha256 = (buffer: Buffer) => createHash('sha256').update(buffer).digest('hex');

describe('files kept while the registration form is shown again', () => {
  let ctx: TestContext;
  let stagingDir: string;
  before(async () => {
    ctx = await testApp();
    stagingDir = path.join(ctx.config.storageDir, 'staging');
  });

  it('keeps the files through a duplicate warning: confirming needs no second upload', async () => {
    const agency = await buildAgency();
    const clerk = await buildUser(agency, ['clerk']);
    const form = fields();
    const original = await makePdf(2, 'Ban goc');
    expect(
      (await register(ctx, clerk, form, { files: [{ buffer: original, name: 'bản gốc.pdf' }] }))
        .status,
    ).to.equal(303);

    const second = await makePdf(3, 'Ban sao');
    const warned = await register(ctx, clerk, form, {
      files: [{ buffer: second, name: 'bản thứ hai.pdf' }],
    });
    expect(warned.status).to.equal(409);
    expect(warned.text).to.contain('data-testid="staged-files"').and.contain('bản thứ hai.pdf');
    expect(warned.text).not.to.contain('Vui lòng chọn lại tệp');
    const [id] = keptIds(warned.text);
    expect(id).to.be.a('string');
    expect(readFileSync(path.join(stagingDir, `${id}.pdf`)).equals(second)).to.equal(true);

    const confirmed = await register(
      ctx,
      clerk,
      { ...form, confirmDuplicate: 'true' },
      { staged: [id] },
    );
    expect(confirmed.status).to.equal(303);
    const doc = await IncomingDocument.findOne({
      where: { agencyId: agency.id },
      order: [['id', 'DESC']],
    });
    expect(doc!.arrivalNumber).to.equal(2);
    expect(doc!.pageAmount).to.equal(3);
    const links = await DocumentFile.findAll({
      where: { documentKind: 'incoming', documentId: doc!.id },
    });
    expect(links.map((l) => l.originalName)).to.deep.equal(['bản thứ hai.pdf']);
    const stored = await StoredFile.findByPk(links[0].fileId);
    expect(stored!.sha256).to.equal(sha256(second));
    // Used, so no longer kept.
    expect(existsSync(path.join(stagingDir, `${id}.pdf`))).to.equal(false);
    expect(existsSync(path.join(stagingDir, `${id}.json`))).to.equal(false);
  });

  it('keeps them through a field error too, and adds files chosen on the second try', async () => {
    const agency = await buildAgency();
    const clerk = await buildUser(agency, ['clerk']);
    const first = await makePdf(1, 'Tep mot');
    const refused = await register(ctx, clerk, fields({ subject: '' }), {
      files: [
        { buffer: first, name: 'một.pdf' },
        { buffer: Buffer.from('không phải PDF'), name: 'giả.pdf' },
      ],
    });
    expect(refused.status).to.equal(422);
    // Only the file that passed the content check is kept.
    const kept = keptIds(refused.text);
    expect(kept).to.have.length(1);
    expect(refused.text).to.contain('một.pdf');
    // The one not kept is said so beside the files, by name, not dropped unnoticed.
    expect(refused.text).to.contain(
      'id="files-error" data-testid="files-error">Tệp «giả.pdf» không được giữ lại vì không phải là tệp PDF hợp lệ',
    );
    expect(await IncomingDocument.count({ where: { agencyId: agency.id } })).to.equal(0);

    const added = await makePdf(2, 'Tep hai');
    const saved = await register(ctx, clerk, fields(), {
      staged: kept,
      files: [{ buffer: added, name: 'hai.pdf' }],
    });
    expect(saved.status).to.equal(303);
    const doc = await IncomingDocument.findOne({ where: { agencyId: agency.id } });
    const names = (
      await DocumentFile.findAll({
        where: { documentKind: 'incoming', documentId: doc!.id },
        order: [['id', 'ASC']],
      })
    ).map((l) => l.originalName);
    expect(names).to.deep.equal(['một.pdf', 'hai.pdf']);
  });

  it("refuses somebody else's kept file, a forged id and an expired one alike, saving nothing", async () => {
    const agency = await buildAgency();
    const [owner, other] = await Promise.all([
      buildUser(agency, ['clerk']),
      buildUser(agency, ['clerk']),
    ]);
    const warned = await register(ctx, owner, fields({ subject: '' }), {
      files: [{ buffer: await makePdf(1, 'Rieng'), name: 'riêng.pdf' }],
    });
    const [id] = keptIds(warned.text);
    for (const [user, staged] of [
      [other, id],
      [owner, '../../../etc/passwd'],
      [owner, 'f'.repeat(32)],
    ] as const) {
      const res = await register(ctx, user, fields(), { staged: [staged] });
      expect(res.status, String(staged)).to.equal(422);
      expect(res.text).to.contain('Tệp đã chọn trước đó không còn được giữ');
      expect(res.text).not.to.contain('riêng.pdf');
    }
    expect(await IncomingDocument.count({ where: { agencyId: agency.id } })).to.equal(0);

    // A day later the kept file has expired for its owner too, and the sweep removes it.
    const meta = path.join(stagingDir, `${id}.json`);
    const stale = JSON.parse(readFileSync(meta, 'utf8')) as { stagedAt: string };
    const dayAgo = new Date(Date.now() - (STAGED_HOURS + 1) * 3600_000);
    stale.stagedAt = dayAgo.toISOString();
    writeFileSync(meta, JSON.stringify(stale));
    const expired = await register(ctx, owner, fields(), { staged: [id] });
    expect(expired.status).to.equal(422);
    for (const name of [`${id}.pdf`, `${id}.json`])
      utimesSync(path.join(stagingDir, name), dayAgo, dayAgo);
    expect(await sweepStaged()).to.be.at.least(2);
    expect(readdirSync(stagingDir)).not.to.include(`${id}.pdf`);
  });
});

describe('files added to a registered document (bổ sung tệp)', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  // One buffer for every registration: a PDF made twice differs (its creation date).
  let main: Buffer;
  before(async () => {
    main = await makePdf(1, 'Van ban chinh');
  });

  async function registered(clerk: User) {
    const res = await register(ctx, clerk, fields(), {
      files: [{ buffer: main, name: 'chính.pdf' }],
    });
    expect(res.status).to.equal(303);
    return Number(/\/incoming\/(\d+)/.exec(res.headers.location)![1]);
  }

  async function addFiles(user: User, id: number, files: { buffer: Buffer; name: string }[]) {
    const { agent, csrf } = await loginAs(ctx.app, user);
    let req = agent.post(`/incoming/${id}/files?_csrf=${encodeURIComponent(await csrf())}`);
    for (const f of files)
      req = req.attach('files', f.buffer, { filename: f.name, contentType: 'application/pdf' });
    return req;
  }

  const attachedNames = async (id: number) =>
    (
      await DocumentFile.findAll({
        where: { documentKind: 'incoming', documentId: id },
        order: [['id', 'ASC']],
      })
    ).map((f) => f.originalName);

  it('lets the clerk add an appendix while holding the document: trail, audit, page', async () => {
    const agency = await buildAgency();
    const clerk = await buildUser(agency, ['clerk']);
    const id = await registered(clerk);
    const appendix = await makePdf(2, 'Phu luc');
    const res = await addFiles(clerk, id, [{ buffer: appendix, name: 'phụ lục.pdf' }]);
    expect(res.status).to.equal(303);
    expect(await attachedNames(id)).to.deep.equal(['chính.pdf', 'phụ lục.pdf']);
    const audit = await AuditLog.findOne({
      where: { action: 'incoming.add_files', entityId: String(id) },
    });
    expect(JSON.parse(audit!.details!).files[0].sha256).to.equal(sha256(appendix));
    const { agent } = await loginAs(ctx.app, clerk);
    const page = await agent.get(`/incoming/${id}`);
    expect(page.text).to.contain('phụ lục.pdf').and.contain('Bổ sung tệp');
  });

  it('refuses the same content twice, a non-PDF and an empty post with a message, adding nothing', async () => {
    const agency = await buildAgency();
    const clerk = await buildUser(agency, ['clerk']);
    const id = await registered(clerk);
    const again = await addFiles(clerk, id, [{ buffer: main, name: 'lại.pdf' }]);
    expect(again.status).to.equal(409);
    expect(again.text).to.contain('đã có trong văn bản');
    const fake = await addFiles(clerk, id, [{ buffer: Buffer.from('GIF89a…'), name: 'ảnh.pdf' }]);
    expect(fake.status).to.equal(422);
    expect(fake.text).to.contain('không phải là tệp PDF hợp lệ');
    const none = await addFiles(clerk, id, []);
    expect(none.status).to.equal(422);
    expect(none.text).to.contain('Chọn ít nhất một tệp PDF');
    expect(await attachedNames(id)).to.deep.equal(['chính.pdf']);
  });

  it('refuses once the document has gone to the leader, and to anyone but the clerk', async () => {
    const agency = await buildAgency();
    const [clerk, leader] = await Promise.all([
      buildUser(agency, ['clerk']),
      buildUser(agency, ['leader'], { secretClearance: 3 }),
    ]);
    const id = await registered(clerk);
    const appendix = [{ buffer: await makePdf(1, 'Phu luc muon'), name: 'muộn.pdf' }];
    expect((await addFiles(leader, id, appendix)).status).to.equal(403);
    const { agent, csrf } = await loginAs(ctx.app, clerk);
    const presented = await agent
      .post(`/incoming/${id}/present`)
      .type('form')
      .send({ _csrf: await csrf(), leaderId: String(leader.id) });
    expect(presented.status).to.equal(303);
    expect([403, 409]).to.include((await addFiles(clerk, id, appendix)).status);
    expect(await attachedNames(id)).to.deep.equal(['chính.pdf']);
  });
});
