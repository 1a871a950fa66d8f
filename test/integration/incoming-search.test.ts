import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { PDFDocument } from 'pdf-lib';
import { QueryTypes } from 'sequelize';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildAgency, buildUser, loginAs, type Session } from '../factories/index.js';
import { registerDocument } from '../factories/incoming.js';
import { makeDraftPdf } from '../unit/drafting/samples.js';
import { db } from '../../src/db/index.js';
import { runQueuedJobs, unregisterJobHandler } from '../../src/documents/document-jobs.js';
import {
  INCOMING_TEXT_JOB,
  registerIncomingTextJobs,
} from '../../src/incoming/incoming.search-index.js';
import { IncomingDocument } from '../../src/incoming/incoming.model.js';
import { listIncoming } from '../../src/incoming/incoming.queries.js';
import { ListQuerySchema } from '../../src/incoming/incoming.schemas.js';
import { updateIncoming } from '../../src/incoming/incoming.service.js';
import { foldSearchText, highlightSnippet } from '../../src/incoming/incoming.search-text.js';
import type { Agency } from '../../src/agencies/agency.model.js';
import type { User } from '../../src/users/user.model.js';

/**
 * A scan: the text PDF rendered to an image by pdftoppm, the image wrapped into a PDF of its own
 * (no text layer, as a scanner makes it).
 */
async function scannedPdf(textPdf: Buffer): Promise<Buffer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'scan-'));
  try {
    writeFileSync(path.join(dir, 'in.pdf'), textPdf);
    execFileSync('pdftoppm', ['-r', '200', '-gray', '-png', '-singlefile', 'in.pdf', 'page'], {
      cwd: dir,
    });
    const pdf = await PDFDocument.create();
    const image = await pdf.embedPng(readFileSync(path.join(dir, 'page.png')));
    const page = pdf.addPage([595, 842]);
    page.drawImage(image, { x: 0, y: 0, width: 595, height: 842 });
    return Buffer.from(await pdf.save());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const actorOf = (user: User) => ({ user, ip: '127.0.0.1' });

const register = (clerk: User, fields: Record<string, string>, pdf?: Buffer) =>
  registerDocument(clerk, { fromOrganName: 'UBND tỉnh Thử', ...fields }, pdf);

const search = async (user: User, q: string) =>
  (await listIncoming(user, ListQuerySchema.parse({ tab: 'all', q }))).rows.map(
    (r) => r.document.id,
  );

describe('incoming search (accents, numbers, full text)', function () {
  this.timeout(120_000);
  let ctx: TestContext;
  let agency: Agency;
  let clerk: User;
  let session: Session;
  let decision: IncomingDocument;
  let notice: IncomingDocument;
  let other: IncomingDocument;

  before(async () => {
    ctx = await testApp();
    // Only this file's documents are read: earlier files' queued readings are set aside.
    await db().query(
      `UPDATE document_jobs SET status = 'done' WHERE kind = ? AND status = 'queued'`,
      { replacements: [INCOMING_TEXT_JOB] },
    );
    registerIncomingTextJobs();
    agency = await buildAgency();
    clerk = await buildUser(agency, ['clerk']);
    session = await loginAs(ctx.app, clerk);
    decision = await register(clerk, {
      codeNumber: '1234',
      codeNotation: 'QĐ-UBND',
      documentType: 'QĐ',
      subject: 'Quyết định phê duyệt kế hoạch đào tạo năm 2026',
      signerName: 'Nguyễn Văn Đức',
    });
    notice = await register(clerk, {
      codeNumber: '303',
      codeNotation: 'TB-CAT',
      documentType: 'TB',
      fromOrganName: 'Công an tỉnh Đắk Lắk',
      subject: 'Kết quả kiểm tra phòng cháy 50% cơ sở',
    });
    other = await register(clerk, {
      codeNumber: '7',
      codeNotation: 'CV-STC',
      subject: 'Về việc hướng dẫn lập dự toán',
    });
  });

  after(() => unregisterJobHandler(INCOMING_TEXT_JOB));

  it('folds Vietnamese: accents, case, đ and spaces', () => {
    expect(foldSearchText('  QUYẾT   ĐỊNH\u0000 số ')).to.equal('quyet dinh so');
    expect(foldSearchText('Quyết Định')).to.equal(foldSearchText('quyet dinh'));
    // Decomposed input (NFD, as some keyboards send it) folds the same.
    expect(foldSearchText('Quyết định'.normalize('NFD'))).to.equal('quyet dinh');
  });

  it('finds "quyết định" typed without accents, in capitals or in title case', async () => {
    for (const q of ['quyet dinh', 'QUYẾT ĐỊNH', 'Quyết Định', 'quyết  định', 'dinh QUYET']) {
      expect(await search(clerk, q), q).to.deep.equal([decision.id]);
    }
  });

  it('"d" finds "đ"; the sender, the signer and the type name are searched', async () => {
    expect(await search(clerk, 'dak lak')).to.deep.equal([notice.id]);
    expect(await search(clerk, 'nguyen van duc')).to.deep.equal([decision.id]);
    expect(await search(clerk, 'thông báo')).to.deep.equal([notice.id]);
    expect(await search(clerk, 'dao tao')).to.deep.equal([decision.id]);
    // A word of one to three letters finds every word it begins (through its prefix term).
    expect(await search(clerk, 'd')).to.include.members([notice.id, decision.id]);
    expect(await search(clerk, 'ĐẮK')).to.deep.equal([notice.id]);
    expect(await search(clerk, 'ngu van')).to.deep.equal([decision.id]);
    expect(await search(clerk, 'zq')).to.deep.equal([]);
  });

  it('offers to look for the same words in every document from a tab that holds only some', async () => {
    // A clerk's list opens on "Cần xử lý"; words typed there are looked for there only.
    const inQueue = await session.agent.get('/incoming').query({ q: 'quyết định', urgency: '' });
    expect(inQueue.status).to.equal(200);
    const link = /<a href="([^"]+)" data-testid="search-all">([^<]+)<\/a>/.exec(inQueue.text);
    expect(link, 'the link to every document').to.not.equal(null);
    expect(link![2]).to.equal('Tìm trong tất cả văn bản');
    // As the browser reads the attribute (Handlebars escapes "=" and "&").
    const href = link![1].replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
    const params = new URL(href, 'http://x').searchParams;
    expect(params.get('tab')).to.equal('all');
    expect(params.get('q')).to.equal('quyết định');
    const everywhere = await session.agent.get(href);
    expect(everywhere.text).to.contain(`href="/incoming/${decision.id}"`);
    // Already in every document, or no words typed: nothing to offer.
    const inAll = await session.agent.get('/incoming').query({ tab: 'all', q: 'quyết định' });
    expect(inAll.text).to.not.contain('data-testid="search-all"');
    const noWords = await session.agent.get('/incoming');
    expect(noWords.text).to.not.contain('data-testid="search-all"');
  });

  it('finds the number as printed and the arrival number', async () => {
    expect(await search(clerk, '1234/QĐ-UBND')).to.deep.equal([decision.id]);
    expect(await search(clerk, '1234/qd-ubnd')).to.deep.equal([decision.id]);
    expect(await search(clerk, '303/TB-CAT')).to.deep.equal([notice.id]);
    expect(await search(clerk, String(other.arrivalNumber))).to.include(other.id);
  });

  it('keeps the search column on edit', async () => {
    await updateIncoming(
      other.id,
      {
        fromOrganName: 'Sở Tài chính',
        codeNumber: '7',
        codeNotation: 'CV-STC',
        documentType: 'CV',
        subject: 'Về việc quyết toán kinh phí xây dựng',
        urgency: 0,
        confidentiality: 0,
      } as Parameters<typeof updateIncoming>[1],
      actorOf(clerk),
    );
    expect(await search(clerk, 'quyet toan')).to.deep.equal([other.id]);
    expect(await search(clerk, 'lap du toan')).to.deep.equal([]);
  });

  it('takes % and _ literally and survives hostile input (long, NUL, markup)', async () => {
    expect(await search(clerk, '%')).to.deep.equal([notice.id]);
    expect(await search(clerk, '_')).to.deep.equal([]);
    expect(await search(clerk, "' OR 1=1 --")).to.deep.equal([]);
    for (const q of ['%', '_', '%_%', 'a'.repeat(5000), 'quyết\u0000định', '<script>x</script>']) {
      const res = await session.agent.get('/incoming').query({ tab: 'all', q });
      expect(res.status, q.slice(0, 20)).to.be.oneOf([200, 400]);
      expect(res.text).not.to.include('<script>x</script>');
      if (q === '%') expect(res.text).to.include(`/incoming/${notice.id}"`);
      if (q === '_') expect(res.text).not.to.include(`/incoming/${decision.id}"`);
    }
  });

  it("another agency's clerk never finds this agency's documents", async () => {
    const foreign = await buildUser(await buildAgency(), ['clerk']);
    expect(await search(foreign, 'quyet dinh')).to.deep.equal([]);
  });

  it('highlights with escaped text around <mark>', () => {
    const html = highlightSnippet('<b>Quyết định</b> & "kế hoạch"', ['quyet', 'ke hoach'])!;
    expect(html).to.equal(
      '&lt;b&gt;<mark>Quyết</mark> định&lt;/b&gt; &amp; &quot;<mark>kế hoạch</mark>&quot;',
    );
  });

  it('finds words inside the PDF once the background job read it, and highlights them', async () => {
    const pdf = await makeDraftPdf([
      'ỦY BAN NHÂN DÂN',
      'Về việc bố trí kinh phí sửa chữa trụ sở làm việc <script>',
      'Giao Sở Xây dựng chủ trì thẩm định hồ sơ.',
    ]);
    const doc = await register(
      clerk,
      { subject: 'Công văn gửi kèm tờ trình', codeNumber: '88' },
      pdf,
    );
    // Not read yet: the registration did not wait for the text.
    expect(await search(clerk, 'sua chua tru so')).to.deep.equal([]);
    const waiting = await session.agent.get(`/incoming/${doc.id}`);
    expect(waiting.text).to.include('data-testid="text-status"');
    expect(waiting.text).to.include('Đang đọc nội dung các tệp');
    expect(await runQueuedJobs()).to.be.greaterThan(0);
    const rows = await db().query<{ source: string; searchText: string }>(
      `SELECT source, searchText FROM document_texts WHERE documentKind = 'incoming' AND documentId = ?`,
      { replacements: [doc.id], type: QueryTypes.SELECT },
    );
    expect(rows.map((r) => r.source)).to.deep.equal(['text']);
    expect(rows[0].searchText).to.include('sua chua tru so');
    expect(await search(clerk, 'SỬA CHỮA trụ sở')).to.deep.equal([doc.id]);
    const res = await session.agent.get('/incoming').query({ tab: 'all', q: 'sua chua tru so' });
    expect(res.status).to.equal(200);
    expect(res.text).to.include('data-testid="search-found"');
    expect(res.text).to.match(/<mark>sửa chữa trụ sở<\/mark> làm việc &lt;script&gt;/);
    expect(res.text).to.include('&lt;script&gt;');
    expect(res.text).not.to.include('làm việc <script>');
    // The excerpt shown is the document's content: the search is recorded with the documents.
    const [shown] = await db().query<{ userId: number; entityType: string; details: string }>(
      `SELECT userId, entityType, details FROM audit_logs WHERE action = 'incoming.excerpt.view' ORDER BY id DESC LIMIT 1`,
      { type: QueryTypes.SELECT },
    );
    expect(shown).to.include({ userId: clerk.id, entityType: 'incoming' });
    expect(JSON.parse(shown.details)).to.deep.equal({
      q: 'sua chua tru so',
      documentIds: [doc.id],
    });
    // A search found in subjects only shows no excerpt and records nothing.
    const before = await db().query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM audit_logs WHERE action = 'incoming.excerpt.view'`,
      { type: QueryTypes.SELECT },
    );
    expect(
      (await session.agent.get('/incoming').query({ tab: 'all', q: 'gửi kèm tờ trình' })).text,
    ).not.to.include('data-testid="search-found"');
    const after = await db().query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM audit_logs WHERE action = 'incoming.excerpt.view'`,
      { type: QueryTypes.SELECT },
    );
    expect(Number(after[0].n)).to.equal(Number(before[0].n));
    const audits = await db().query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM audit_logs WHERE action = 'incoming.text_extract' AND entityId = ?`,
      { replacements: [String(doc.id)], type: QueryTypes.SELECT },
    );
    expect(Number(audits[0].n)).to.equal(1);
  });

  it('reads a scanned PDF by OCR (Vietnamese) in the background and shows its text', async () => {
    const scan = await scannedPdf(
      await makeDraftPdf([
        'THÔNG BÁO',
        'Kế hoạch phòng cháy chữa cháy tại trụ sở cơ quan',
        'Thời gian: thứ Năm ngày mười hai tháng mười hai',
      ]),
    );
    const doc = await register(clerk, { subject: 'Văn bản scan', codeNumber: '99' }, scan);
    await runQueuedJobs();
    const rows = await db().query<{ source: string; content: string }>(
      `SELECT source, content FROM document_texts WHERE documentKind = 'incoming' AND documentId = ?`,
      { replacements: [doc.id], type: QueryTypes.SELECT },
    );
    expect(rows.map((r) => r.source)).to.deep.equal(['ocr']);
    expect(foldSearchText(rows[0].content)).to.include('phong chay chua chay');
    expect(await search(clerk, 'phòng cháy chữa cháy')).to.deep.equal([doc.id]);
    const page = await session.agent.get(`/incoming/${doc.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('data-testid="ocr-text"');
    expect(page.text).to.include('Văn bản nhận dạng (OCR)');
    expect(page.text).not.to.include('data-testid="text-status"');
    const list = await session.agent.get('/incoming').query({ tab: 'all', q: 'phong chay' });
    expect(list.text).to.include('văn bản nhận dạng (OCR)');
  });
});
