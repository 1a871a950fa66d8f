import { expect } from 'chai';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import {
  configureConversions,
  ConversionError,
  conversionLoad,
  convertToPdf,
  type ConvertOptions,
} from '../../../src/drafting/docx-to-pdf.js';
import { makeDocx } from '../../interop/docx-fixture.js';

/*
 * The conversion's own rules (limits, turns, timeout, clean-up) with stand-ins for soffice: shell
 * scripts that behave as LibreOffice does or misbehaves. The real LibreOffice is tested in
 * test/interop/docx-convert.test.ts.
 */

// What convertToPdf takes for a DOCX: a zip holding word/document.xml (made in before()).
let DOCX: Buffer;

describe('converting a DOCX draft to PDF (stand-in soffice)', function () {
  this.timeout(20_000);
  let dir: string;

  before(async () => {
    DOCX = await makeDocx(['QUYẾT ĐỊNH', 'Về việc thử chuyển đổi']);
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'eoffice-fake-soffice-'));
  });
  afterEach(() => {
    configureConversions({ concurrency: 1, maxWaiting: 16 });
    rmSync(dir, { recursive: true, force: true });
  });

  /** A stand-in soffice: finds --outdir as LibreOffice's arguments give it, then runs `body`. */
  function fakeSoffice(body: string): string {
    const file = join(dir, 'soffice');
    writeFileSync(
      file,
      `#!/bin/sh\nwhile [ $# -gt 0 ]; do case "$1" in --outdir) out="$2"; shift;; esac; shift; done\n${body}\n`,
    );
    chmodSync(file, 0o755);
    return file;
  }
  const writesPdf = (log: string) =>
    `echo "start $$" >> ${log}; sleep 0.3; printf '%%PDF-1.4\\n%%fake\\n' > "$out/draft.pdf"; echo "end $$" >> ${log}`;

  async function failure(p: Promise<unknown>): Promise<ConversionError> {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(ConversionError);
    return err as ConversionError;
  }

  // Each conversion's temporary folder goes in the test's own folder, where no one else converts.
  const leftovers = () => readdirSync(dir).filter((n) => n.startsWith('eoffice-soffice-'));
  const convert = (docx: Buffer, options: ConvertOptions) =>
    convertToPdf(docx, { ...options, tmpDir: dir });

  it('returns the PDF soffice wrote and removes its profile and work folders', async () => {
    const pdf = await convert(DOCX, { soffice: fakeSoffice(writesPdf(join(dir, 'log'))) });
    expect(pdf.toString('latin1')).to.equal('%PDF-1.4\n%fake\n');
    expect(leftovers()).to.deep.equal([]);
  });

  it('runs one conversion at a time and queues the others', async () => {
    const log = join(dir, 'log');
    const soffice = fakeSoffice(writesPdf(log));
    const jobs = [1, 2, 3].map(() => convert(DOCX, { soffice }));
    expect(conversionLoad()).to.deep.equal({ running: 1, waiting: 2 });
    await Promise.all(jobs);
    expect(conversionLoad()).to.deep.equal({ running: 0, waiting: 0 });
    const events = readFileSync(log, 'utf8').trim().split('\n');
    expect(events.map((e) => e.split(' ')[0])).to.deep.equal([
      'start',
      'end',
      'start',
      'end',
      'start',
      'end',
    ]);
  });

  it('turns a conversion away when the queue is full (CONVERSION_BUSY)', async () => {
    configureConversions({ maxWaiting: 1 });
    const soffice = fakeSoffice(writesPdf(join(dir, 'log')));
    const first = convert(DOCX, { soffice });
    const second = convert(DOCX, { soffice });
    expect((await failure(convert(DOCX, { soffice }))).code).to.equal('CONVERSION_BUSY');
    await Promise.all([first, second]);
  });

  it('kills soffice and everything it started past the time limit, with a Vietnamese message', async () => {
    const pidFile = join(dir, 'child.pid');
    const soffice = fakeSoffice(`sleep 30 & echo $! > ${pidFile}; sleep 30`);
    const started = Date.now();
    const err = await failure(convert(DOCX, { soffice, timeoutMs: 500 }));
    expect(err.code).to.equal('CONVERSION_TIMEOUT');
    expect(err.message).to.equal('Chuyển dự thảo sang PDF quá thời gian cho phép.');
    expect(Date.now() - started).to.be.lessThan(5000);
    const child = Number(readFileSync(pidFile, 'utf8'));
    // Gone, or a zombie waiting for a reaper: not running either way.
    const state = existsSync(`/proc/${child}/stat`)
      ? readFileSync(`/proc/${child}/stat`, 'utf8').split(') ')[1]?.[0]
      : 'gone';
    expect(['gone', 'Z', 'X']).to.include(state);
    expect(leftovers()).to.deep.equal([]);
    // The turn was given back.
    expect(conversionLoad()).to.deep.equal({ running: 0, waiting: 0 });
  });

  it('reports a failing soffice with its output for the log, and one that wrote nothing', async () => {
    const crashed = await failure(
      convert(DOCX, {
        soffice: fakeSoffice('echo "Error: source file could not be loaded" >&2; exit 1'),
      }),
    );
    expect(crashed.code).to.equal('CONVERSION_FAILED');
    expect(crashed.detail).to.contain('source file could not be loaded');
    const silent = await failure(convert(DOCX, { soffice: fakeSoffice('exit 0') }));
    expect(silent.code).to.equal('CONVERSION_FAILED');
    const notPdf = await failure(
      convert(DOCX, { soffice: fakeSoffice('echo "<html>" > "$out/draft.pdf"') }),
    );
    expect(notPdf.code).to.equal('CONVERSION_FAILED');
  });

  it('says LibreOffice is missing when there is no soffice', async () => {
    const err = await failure(convert(DOCX, { soffice: join(dir, 'no-such-soffice') }));
    expect(err.code).to.equal('CONVERSION_UNAVAILABLE');
    expect(err.en).to.contain('LibreOffice');
  });

  it('refuses a file over the size limit or not a DOCX before starting soffice', async () => {
    const soffice = fakeSoffice(`touch ${join(dir, 'ran')}`);
    const big = await failure(convert(DOCX, { soffice, maxInputBytes: 8 }));
    expect(big.code).to.equal('CONVERSION_INPUT_TOO_LARGE');
    const pdf = await failure(convert(Buffer.from('%PDF-1.7\n'), { soffice }));
    expect(pdf.code).to.equal('CONVERSION_NOT_DOCX');
    const xlsx = await failure(convert(Buffer.from('PK\u0003\u0004 xl/workbook.xml'), { soffice }));
    expect(xlsx.code).to.equal('CONVERSION_NOT_DOCX');
    expect(existsSync(join(dir, 'ran'))).to.equal(false);
  });

  it('refuses a decompression bomb before starting soffice (CONVERSION_INFLATES)', async () => {
    const soffice = fakeSoffice(`touch ${join(dir, 'ran')}`);
    const zip = new JSZip();
    zip.file('word/document.xml', '<w:document/>');
    zip.file('word/media/zeros.bin', new Uint8Array(60 * 1024 * 1024));
    const bomb = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    const err = await failure(convert(bomb, { soffice }));
    expect(err.code).to.equal('CONVERSION_INFLATES');
    expect(err.message).to.contain('giải nén');
    expect(existsSync(join(dir, 'ran'))).to.equal(false);
  });

  it('runs soffice under memory, CPU-time and file-size limits (prlimit)', async () => {
    // The stand-in reports the limits it runs under inside the "PDF" it writes.
    const soffice = fakeSoffice(
      `printf '%%PDF-1.4\\n%s %s %s\\n' "$(ulimit -v)" "$(ulimit -t)" "$(ulimit -f)" > "$out/draft.pdf"`,
    );
    const pdf = await convert(DOCX, { soffice, timeoutMs: 45_000 });
    const [memoryKb, cpuSeconds, fileBlocks] = pdf.toString('latin1').split('\n')[1].split(' ');
    expect(Number(memoryKb)).to.equal(2 * 1024 * 1024);
    expect(Number(cpuSeconds)).to.equal(45);
    expect(fileBlocks).to.not.equal('unlimited');
    expect(Number(fileBlocks)).to.be.above(0);
  });
});
