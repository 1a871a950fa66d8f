import { expect } from 'chai';
import fontkit from '@pdf-lib/fontkit';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PDFDocument } from 'pdf-lib';
import PDFKit from 'pdfkit';
import { checkDecree30 } from '../../../src/drafting/decree30-check.js';
import { joinPages, type PdfTextLimits } from '../../../src/drafting/pdf-text.js';
import { AppError } from '../../../src/http/app-error.js';
import {
  configurePdfChecks,
  extractPdfTextOffThread,
  stopPdfChecks,
} from '../../../src/files/pdf-check-pool.js';
import { signPdf } from '../../../src/signing/index.js';
import { FIXED_NOW, signatureImage, signerOf, testPki } from '../signing/helpers/index.js';
import { CONG_VAN, makeDraftPdf, QUYET_DINH, rowsToText } from './samples.js';

const require = createRequire(import.meta.url);
// Always in the pool's worker, as the app runs it: pdf.js's polyfills stay off this thread.
const extract = (pdf: Uint8Array, limits: Partial<PdfTextLimits> = {}) =>
  extractPdfTextOffThread(Buffer.from(pdf), 'du-thao.pdf', limits);
const words = (s: string) => s.split(/\s+/).filter(Boolean).join(' ');

function pdfkitDocument(paragraphs: string[]): Promise<Buffer> {
  const doc = new PDFKit({ size: 'A4', margin: 72, compress: true });
  doc.font(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')).fontSize(13);
  for (const p of paragraphs) doc.text(p, { align: 'justify' }).moveDown();
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) =>
    doc.on('end', () => resolve(Buffer.concat(chunks))),
  );
  doc.end();
  return done;
}

describe('text of a draft PDF', function () {
  this.timeout(30_000);
  before(() => configurePdfChecks({ limits: { threads: 1, timeoutMs: 15_000, memoryMb: 256 } }));
  after(() => stopPdfChecks());

  it('rebuilds the lines of a Decree 30 layout, columns split by a tab, whatever the drawing order', async () => {
    const text = await extract(await makeDraftPdf(QUYET_DINH));
    expect(text).to.deep.equal({ pages: [rowsToText(QUYET_DINH)], truncated: false });
    expect(checkDecree30(joinPages(text), { documentType: 'QĐ' })).to.deep.equal([]);
  });

  it('keeps pages apart and in order', async () => {
    const text = await extract(await makeDraftPdf(CONG_VAN, 4));
    expect(text.pages).to.deep.equal([
      rowsToText(CONG_VAN.slice(0, 4)),
      rowsToText(CONG_VAN.slice(4, 8)),
      rowsToText(CONG_VAN.slice(8)),
    ]);
    expect(joinPages(text)).to.equal(rowsToText(CONG_VAN));
  });

  it('stops at the page limit and says the text is cut short', async () => {
    const text = await extract(await makeDraftPdf(CONG_VAN, 4), { maxPages: 2 });
    expect(text.pages).to.have.length(2);
    expect(text.truncated).to.equal(true);
  });

  it('reads wrapped paragraphs of a pdfkit document word for word, in NFC', async () => {
    const paragraphs = [
      'Thực hiện Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư, Ủy ban nhân dân huyện đề nghị các cơ quan, đơn vị rà soát thể thức văn bản trước khi trình ký.',
      'Hồ sơ trình ký gồm tờ trình, dự thảo văn bản và các tài liệu liên quan; bản điện tử được ký số theo quy định.',
    ];
    const text = await extract(await pdfkitDocument(paragraphs));
    expect(words(joinPages(text))).to.equal(words(paragraphs.join(' ')));
    expect(joinPages(text)).to.equal(joinPages(text).normalize('NFC'));
    expect(text.pages[0].split('\n').length).to.be.greaterThan(4);
  });

  it('leaves out the appearance of a signature: a signed version reads as its draft', async () => {
    const draft = await makeDraftPdf(CONG_VAN);
    const pki = testPki();
    const signed = await signPdf(draft, {
      signer: signerOf(pki.rsaSigner),
      signingTime: FIXED_NOW,
      appearance: {
        kind: 'leader',
        page: 1,
        rect: [320, 200, 230, 150],
        image: signatureImage(),
        authorityPrefix: 'KT. Chủ tịch',
        title: 'Phó Chủ tịch',
        name: 'Nguyễn Thị Hằng',
      },
    });
    const text = await extract(signed);
    expect(text).to.deep.equal(await extract(draft));
    expect(joinPages(text)).not.to.contain('Nguyễn Thị Hằng');
  });

  it('puts letters drawn by a fallback font over holes in a run back into their words', async () => {
    // As LibreOffice draws a text whose font lacks some Vietnamese letters: the run with holes
    // (read as spaces), then each missing letter with another font over its hole.
    const pdf = await PDFDocument.create();
    pdf.registerFontkit(fontkit);
    const serif = await pdf.embedFont(
      readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSerif.ttf')),
      { subset: true },
    );
    const sans = await pdf.embedFont(
      readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')),
      { subset: true },
    );
    const page = pdf.addPage([595, 842]);
    const at = (s: string) => 100 + serif.widthOfTextAtSize(s, 13);
    page.drawText('Độc l p - Tự do - H nh phúc', { x: 100, y: 700, size: 13, font: serif });
    page.drawText('ậ', { x: at('Độc l'), y: 700, size: 13, font: sans });
    page.drawText('ạ', { x: at('Độc l p - Tự do - H'), y: 700, size: 13, font: sans });
    page.drawText('N i nh n:', { x: 100, y: 680, size: 13, font: serif });
    page.drawText('ơ', { x: at('N'), y: 680, size: 13, font: sans });
    page.drawText('ậ', { x: at('N i nh'), y: 680, size: 13, font: sans });
    const text = await extract(Buffer.from(await pdf.save()));
    expect(text.pages[0]).to.equal('Độc lập - Tự do - Hạnh phúc\nNơi nhận:');
  });

  it('refuses what pdf.js cannot open with 422 FILE_NOT_PDF', async () => {
    for (const bytes of ['PK\u0003\u0004 a zip, not a PDF', '%PDF-1.7\n garbage with no xref']) {
      const err = await extract(Buffer.from(bytes)).catch((e: unknown) => e);
      expect(err, bytes)
        .to.be.instanceOf(AppError)
        .and.include({ code: 'FILE_NOT_PDF', status: 422 });
    }
  });
});
