import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkDecree30 } from '../../src/drafting/decree30-check.js';
import { ConversionError, convertToPdf } from '../../src/drafting/docx-to-pdf.js';
import { joinPages } from '../../src/drafting/pdf-text.js';
import { extractPdfTextOffThread, stopPdfChecks } from '../../src/files/pdf-check-pool.js';
import { formatReport, signPdf, verifyPdf } from '../../src/signing/index.js';
import { FIXED_NOW, signerOf, testPki } from '../unit/signing/helpers/index.js';
import { CONG_VAN, QUYET_DINH, replaceRow, rowsToText } from '../unit/drafting/samples.js';
import { makeDocx } from './docx-fixture.js';

/*
 * DOCX drafts converted by the real LibreOffice (Debian's libreoffice-writer-nogui), then read
 * back with the app's own text extraction. Missing soffice skips locally and fails under CI=true.
 */

function requireSoffice(ctx: Mocha.Context): void {
  if (spawnSync('sh', ['-c', 'command -v soffice']).status === 0) return;
  const hint =
    'soffice missing (apt-get install -y --no-install-recommends libreoffice-writer-nogui)';
  if (process.env.CI === 'true') throw new Error(`LibreOffice not installed: ${hint}`);
  console.warn(`Skipping DOCX conversion tests: ${hint}`);
  ctx.skip();
}

// This suite's conversions work in its own folder, so a LibreOffice left behind is told by it.
const dir = mkdtempSync(join(tmpdir(), 'eoffice-docx-interop-'));
const convert = (docx: Buffer, timeoutMs: number) => convertToPdf(docx, { timeoutMs, tmpDir: dir });
const sofficeRunning = () => spawnSync('pgrep', ['-f', dir], { encoding: 'utf8' }).stdout.trim();

describe('DOCX drafts converted to PDF by LibreOffice', function () {
  this.timeout(60_000);
  before(function () {
    requireSoffice(this);
  });
  after(async () => {
    await stopPdfChecks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('converts a quyết định whose text reads back line for line, Vietnamese intact, and passes the Decree 30 check', async () => {
    const pdf = await convert(await makeDocx(QUYET_DINH), 30_000);
    expect(pdf.subarray(0, 5).toString('latin1')).to.equal('%PDF-');
    const text = await extractPdfTextOffThread(pdf, 'du-thao.pdf');
    expect(joinPages(text)).to.equal(rowsToText(QUYET_DINH));
    expect(checkDecree30(joinPages(text), { documentType: 'QĐ' })).to.deep.equal([]);
    // The converted PDF is what gets signed: it signs, verifies, and its text stays the same.
    const pki = testPki();
    const signed = await signPdf(pdf, { signer: signerOf(pki.rsaSigner), signingTime: FIXED_NOW });
    const report = verifyPdf(signed, { trustAnchors: [pki.root.cert], now: FIXED_NOW });
    expect(report.valid, formatReport(report)).to.equal(true);
    expect(await extractPdfTextOffThread(signed, 'da-ky.pdf')).to.deep.equal(text);
  });

  it('converts a công văn without "Nơi nhận" and the check says so', async () => {
    const rows = replaceRow(CONG_VAN, 'Nơi nhận:', ['', 'KT. CHỦ TỊCH']);
    const pdf = await convert(await makeDocx(rows), 30_000);
    const text = joinPages(await extractPdfTextOffThread(pdf, 'cong-van.pdf'));
    expect(text).to.contain('V/v đôn đốc báo cáo kết quả chuyển đổi số');
    expect(checkDecree30(text, { documentType: 'CV' }).map((f) => f.rule)).to.deep.equal([
      'recipients',
    ]);
  });

  it('kills LibreOffice past the time limit and leaves no soffice behind', async () => {
    const err = await convert(await makeDocx(QUYET_DINH), 300).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ConversionError).and.include({ code: 'CONVERSION_TIMEOUT' });
    expect(sofficeRunning()).to.equal('');
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it('fails with CONVERSION_FAILED on a damaged DOCX', async () => {
    const docx = await makeDocx(QUYET_DINH);
    // The zip's entries overwritten, its central directory (with the names) kept.
    const damaged = Buffer.from(docx).fill(0x41, 64, docx.length - 400);
    const err = await convert(damaged, 30_000).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ConversionError).and.include({ code: 'CONVERSION_FAILED' });
    expect(sofficeRunning()).to.equal('');
  });
});
