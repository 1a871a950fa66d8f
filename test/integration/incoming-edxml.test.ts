import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildAgency, buildUser, loginAs, type Session } from '../factories/index.js';
import { buildEdxml } from '../fixtures/edxml.js';
import { makePdf } from '../fixtures/pdf.js';
import { DocumentEvent } from '../../src/documents/document.model.js';
import { DocumentFile, StoredFile } from '../../src/files/file.model.js';
import { IncomingDocument } from '../../src/incoming/incoming.model.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { Sender } from '../../src/senders/sender.model.js';
import { normaliseOrganName } from '../../src/senders/sender-names.js';

const STACK = /at \S+ \(|node_modules|\.ts:\d+/;
const sha256 = (buffer: Buffer) => createHash('sha256').update(buffer).digest('hex');
const keptIds = (html: string) =>
  [...html.matchAll(/name="stagedFiles" value="([0-9a-f]{32})"/g)].map((m) => m[1]);
/** The value a form field was filled with (inputs, the selected option, the textarea). */
function fieldValue(html: string, name: string): string | null {
  const input = new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`).exec(html);
  if (input) return input[1];
  const select = new RegExp(`<select[^>]*name="${name}"[\\s\\S]*?</select>`).exec(html);
  if (select) return /<option value="([^"]*)"\s+selected/.exec(select[0])?.[1] ?? null;
  const area = new RegExp(`<textarea[^>]*name="${name}"[^>]*>([^<]*)</textarea>`).exec(html);
  return area ? area[1] : null;
}

async function sendPackage(session: Session, buffer: Buffer | null, filename = 'goi.edxml') {
  const req = session.agent.post(
    `/incoming/edxml?_csrf=${encodeURIComponent(await session.csrf())}`,
  );
  return buffer
    ? req.attach('package', buffer, { filename, contentType: 'application/xml' })
    : req.field('x', '1');
}

describe('incoming documents received as edXML packages', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  it('fills the registration form from the package; registering keeps its fields, files and DocumentId', async () => {
    const agency = await buildAgency();
    const clerk = await loginAs(ctx.app, await buildUser(agency, ['clerk']));
    const decision = await makePdf(2, 'Quyet dinh giao du toan');
    const appendix = await makePdf(1, 'Phu luc');
    const codeNumber = String(Math.floor(Math.random() * 1e6));
    const pkg = buildEdxml({
      to: [agency.code],
      codeNumber,
      priority: 1,
      attachments: [
        { name: 'quyết định.pdf', content: decision },
        { name: 'phụ lục.pdf', content: appendix },
      ],
    });
    const documentsBefore = await IncomingDocument.count();

    const read = await sendPackage(clerk, pkg);
    expect(read.status, read.text.slice(0, 300)).to.equal(200);
    expect(read.text).to.contain('data-testid="edxml-notice"');
    expect(read.text).to.contain('Đã đọc gói edXML của Sở Tài chính tỉnh Thử nghiệm: 2 tệp');
    expect(fieldValue(read.text, 'fromOrganName')).to.equal('Sở Tài chính tỉnh Thử nghiệm');
    expect(fieldValue(read.text, 'fromOrganId')).to.equal('000.00.00.H41');
    expect(fieldValue(read.text, 'codeNumber')).to.equal(codeNumber);
    expect(fieldValue(read.text, 'codeNotation')).to.equal('STC-QLNS');
    expect(fieldValue(read.text, 'promulgationDate')).to.equal('02/11/2026');
    expect(fieldValue(read.text, 'documentType')).to.equal('QĐ');
    expect(fieldValue(read.text, 'signerName')).to.equal('Nguyễn Văn Ký');
    expect(fieldValue(read.text, 'urgency')).to.equal('1');
    expect(fieldValue(read.text, 'pageAmount')).to.equal('3');
    expect(fieldValue(read.text, 'dueDate')).to.equal('15/12/2026');
    expect(fieldValue(read.text, 'subject')).to.equal(
      'Về việc giao dự toán ngân sách năm 2027 &amp; kế hoạch tài chính',
    );
    const documentId = '000.00.00.H41,2026/11/02,123/STC-QLNS';
    expect(fieldValue(read.text, 'edxmlDocumentId')).to.equal(documentId);
    const kept = keptIds(read.text);
    expect(kept).to.have.length(2);
    // Reading a package registers nothing.
    expect(await IncomingDocument.count()).to.equal(documentsBefore);

    // The clerk checks the form and registers, with the kept files.
    let req = clerk.agent.post(`/incoming?_csrf=${encodeURIComponent(await clerk.csrf())}`);
    for (const name of [
      'fromOrganName',
      'fromOrganId',
      'codeNumber',
      'codeNotation',
      'promulgationDate',
      'documentType',
      'signerName',
      'urgency',
      'pageAmount',
      'dueDate',
      'edxmlDocumentId',
    ])
      req = req.field(name, fieldValue(read.text, name)!);
    req = req.field('subject', 'Về việc giao dự toán ngân sách năm 2027 & kế hoạch tài chính');
    req = req.field('confidentiality', '0');
    for (const id of kept) req = req.field('stagedFiles', id);
    const registered = await req;
    expect(registered.status, registered.text.slice(0, 400)).to.equal(303);
    const id = Number(/\/incoming\/(\d+)$/.exec(registered.headers.location)![1]);
    const doc = (await IncomingDocument.findByPk(id))!;
    expect(doc.fromOrganId).to.equal('000.00.00.H41');
    expect(doc.codeNumber).to.equal(codeNumber);
    expect(doc.documentType).to.equal('QĐ');
    expect(doc.urgency).to.equal(1);
    expect(doc.promulgationDate).to.equal('2026-11-02');
    expect(doc.dueDate).to.equal('2026-12-15');
    expect(doc.signerName).to.equal('Nguyễn Văn Ký');
    const files = await DocumentFile.findAll({
      where: { documentKind: 'incoming', documentId: id },
      include: [{ model: StoredFile, as: 'file' }],
      order: [['id', 'ASC']],
    });
    expect(files.map((f) => f.originalName)).to.deep.equal(['quyết định.pdf', 'phụ lục.pdf']);
    expect(files.map((f) => f.file!.sha256)).to.deep.equal([sha256(decision), sha256(appendix)]);
    const event = await DocumentEvent.findOne({
      where: { documentKind: 'incoming', documentId: id, action: 'register' },
    });
    expect(JSON.parse(event!.data!)).to.include({ edxmlDocumentId: documentId });
  });

  it("adds the package's sender to the directory as an audited change of the clerk who read it", async () => {
    const agency = await buildAgency();
    const user = await buildUser(agency, ['clerk']);
    const clerk = await loginAs(ctx.app, user);
    // Known by name only: the package brings its code.
    const known = await Sender.create({
      agencyId: agency.id,
      name: 'Sở Tài chính tỉnh Thử nghiệm',
      nameKey: normaliseOrganName('Sở Tài chính tỉnh Thử nghiệm'),
      code: null,
    });
    const pdf = await makePdf(1, 'Cong van');
    const pkg = (organName: string, organId: string) =>
      buildEdxml({
        to: [agency.code],
        organName,
        organId,
        attachments: [{ name: 'a.pdf', content: pdf }],
      });
    const rows = (id: number) =>
      AuditLog.findAll({ where: { entityType: 'sender', entityId: String(id) }, raw: true });

    expect((await sendPackage(clerk, pkg(known.name, '000.00.00.H41'))).status).to.equal(200);
    expect((await known.reload()).code).to.equal('000.00.00.H41');
    expect((await rows(known.id)).map((r) => [r.action, r.userId])).to.deep.equal([
      ['sender.update', user.id],
    ]);

    const read = await sendPackage(clerk, pkg('Sở Xây dựng tỉnh Thử nghiệm', '000.00.00.H42'));
    expect(read.status).to.equal(200);
    const added = await Sender.findOne({ where: { agencyId: agency.id, code: '000.00.00.H42' } });
    expect(added?.name).to.equal('Sở Xây dựng tỉnh Thử nghiệm');
    const [created] = await rows(added!.id);
    expect(created).to.include({ action: 'sender.create', userId: user.id });
    expect(JSON.parse(created.details!)).to.include({ name: 'Sở Xây dựng tỉnh Thử nghiệm' });

    // Read again: the directory knows it, nothing changes and nothing more is recorded.
    expect(
      (await sendPackage(clerk, pkg('Sở Xây dựng tỉnh Thử nghiệm', '000.00.00.H42'))).status,
    ).to.equal(200);
    expect(await rows(added!.id)).to.have.length(1);
  });

  it('keeps only the PDF attachments and says what it could not take over', async () => {
    const agency = await buildAgency();
    const clerk = await loginAs(ctx.app, await buildUser(agency, ['clerk']));
    const read = await sendPackage(
      clerk,
      buildEdxml({
        to: [agency.code],
        priority: 4,
        typeName: 'Văn bản không có trong danh mục',
        attachments: [
          { name: 'van-ban.pdf', content: await makePdf(1, 'Van ban') },
          {
            name: 'bang-tinh.xlsx',
            content: Buffer.from('PK\u0003\u0004 not a pdf'),
            contentType: 'application/vnd.ms-excel',
          },
        ],
      }),
    );
    expect(read.status).to.equal(200);
    expect(keptIds(read.text)).to.have.length(1);
    expect(read.text).to.contain('Tệp đính kèm «bang-tinh.xlsx» không phải tệp PDF hợp lệ');
    expect(read.text).to.contain('Loại văn bản «Văn bản không có trong danh mục»');
    expect(read.text).to.contain('Hỏa tốc hẹn giờ');
    expect(fieldValue(read.text, 'urgency')).to.equal('4');
  });

  it('refuses what is not a new document as an edXML package, in Vietnamese, keeping nothing', async () => {
    const agency = await buildAgency();
    const user = await buildUser(agency, ['clerk']);
    const clerk = await loginAs(ctx.app, user);
    const stagingDir = path.join(ctx.config.storageDir, 'staging');
    const keptBefore = existsSync(stagingDir) ? readdirSync(stagingDir).length : 0;
    const documentsBefore = await IncomingDocument.count();
    const cases: [Buffer | null, string][] = [
      [null, 'Vui lòng chọn tệp gói edXML'],
      [Buffer.alloc(0), 'Tệp gói edXML rỗng'],
      [await makePdf(1, 'Khong phai edxml'), 'không phải XML hợp lệ'],
      [Buffer.from('<html><body>Xin chào</body></html>'), 'thiếu phần tử edXMLEnvelope'],
      [
        Buffer.from(
          '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><edXMLEnvelope>&b;</edXMLEnvelope>',
        ),
        'không được chứa khai báo DOCTYPE',
      ],
      [
        buildEdxml({
          bussinessDocType: 1,
          attachments: [{ name: 'a.pdf', content: await makePdf() }],
        }),
        'yêu cầu thu hồi',
      ],
      [buildEdxml({ bussinessDocType: 3 }), 'thay thế một văn bản'],
      [
        Buffer.from(
          buildEdxml({ attachments: [{ name: 'hỏng.pdf', content: await makePdf() }] })
            .toString('utf8')
            .replace(/<edXML:ContentTransferEncoded>[^<]*</, '<edXML:ContentTransferEncoded>@@@<'),
        ),
        'Tệp đính kèm «hỏng.pdf» trong gói edXML không được mã hóa base64 hợp lệ',
      ],
    ];
    for (const [buffer, message] of cases) {
      const res = await sendPackage(clerk, buffer);
      expect(res.status, message).to.equal(422);
      expect(res.text, message).to.contain(message);
      expect(res.text).to.contain('data-testid="edxml-error"');
      expect(res.text).not.to.match(STACK);
    }
    expect(await IncomingDocument.count()).to.equal(documentsBefore);
    expect(existsSync(stagingDir) ? readdirSync(stagingDir).length : 0).to.equal(keptBefore);
  });

  it('refuses a package larger than the largest file it could carry (413)', async () => {
    const agency = await buildAgency();
    const clerk = await loginAs(ctx.app, await buildUser(agency, ['clerk']));
    const limit = Math.ceil((ctx.config.maxUploadBytes * 4) / 3) + 1024 * 1024;
    const res = await sendPackage(clerk, Buffer.alloc(limit + 1, 0x20));
    expect(res.status).to.equal(413);
    expect(res.text).to.contain('vượt quá dung lượng cho phép');
    expect(res.text).to.contain('data-testid="edxml-error"');
    expect(res.text).not.to.match(STACK);
  });

  it('is for clerks: a specialist is refused before the package is read', async () => {
    const agency = await buildAgency();
    const specialist = await loginAs(ctx.app, await buildUser(agency, ['specialist']));
    const res = await sendPackage(specialist, buildEdxml());
    expect(res.status).to.equal(403);
  });
});
