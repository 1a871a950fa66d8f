/**
 * npm run bench:sign — signing speed and memory of src/signing beside @signpdf/signpdf.
 *
 * The parent generates 1 MB, 20 MB and 100 MB PDFs (incompressible image data) and a test
 * certificate, then measures each implementation in a fresh child process (this same file with
 * --child) so resident memory is isolated: baseline RSS is taken in the child after its imports
 * and key loading, and peak RSS is the child's maxRSS.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportPkcs12, importPkcs12, initCa, issueCertificate } from '../../src/pki/index.js';
import { signPdf, signPdfIncrement, verifyPdf } from '../../src/signing/index.js';
import { generatePdf } from './generate.js';

const SELF = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(SELF), '../..');
const WORK = path.join(ROOT, '.bench', 'sign');
const MB = 1024 * 1024;
const P12_PASS = 'bench-pass';

// eoffice: the Buffer-in, Buffer-out API; eoffice-file: file to file as the CLI signs (the
// original bytes, then the signed increment, written out with no second copy in memory).
// eoffice-verify: verifyPdf on the file signed twice (all checks: ranges, structure, changes).
type Impl = 'eoffice' | 'eoffice-file' | 'signpdf' | 'eoffice-verify';

interface ChildResult {
  impl: Impl;
  file: string;
  fileBytes: number;
  runs: number;
  timesMs: number[];
  baselineRssBytes: number;
  afterLoadRssBytes: number;
  peakRssBytes: number;
  outputBytes: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function child(impl: Impl, file: string, runs: number, p12File: string): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  const p12 = readFileSync(p12File);
  let signOnce: (pdf: Buffer) => Promise<Buffer>;
  if (impl === 'eoffice') {
    const signer = importPkcs12(p12, P12_PASS);
    signOnce = (pdf) => signPdf(pdf, { signer, reason: 'Benchmark', location: 'Hà Giang' });
  } else if (impl === 'eoffice-file') {
    const signer = importPkcs12(p12, P12_PASS);
    const out = path.join(WORK, `signed-${process.pid}.pdf`);
    signOnce = async (pdf) => {
      const { original, increment } = await signPdfIncrement(pdf, {
        signer,
        reason: 'Benchmark',
        location: 'Hà Giang',
      });
      const fd = openSync(out, 'w');
      try {
        writeSync(fd, original);
        writeSync(fd, increment);
      } finally {
        closeSync(fd);
      }
      return { length: original.length + increment.length } as Buffer;
    };
  } else if (impl === 'eoffice-verify') {
    const signer = importPkcs12(p12, P12_PASS);
    const input = readFileSync(file);
    const once = await signPdf(input, { signer, reason: 'Benchmark' });
    const twice = await signPdf(once, { signer, reason: 'Benchmark 2' });
    const trustAnchors = signer.chain ?? [];
    signOnce = async () => {
      const report = verifyPdf(twice, { trustAnchors });
      if (!report.valid || report.signatures.length !== 2) throw new Error('verification failed');
      return { length: twice.length } as Buffer;
    };
  } else {
    const { SignPdf } = await import('@signpdf/signpdf');
    const signpdf = new SignPdf();
    const { P12Signer } = await import('@signpdf/signer-p12');
    const { pdflibAddPlaceholder } = await import('@signpdf/placeholder-pdf-lib');
    const { PDFDocument } = await import('pdf-lib');
    signOnce = async (pdf) => {
      const doc = await PDFDocument.load(pdf);
      pdflibAddPlaceholder({
        pdfDoc: doc,
        reason: 'Benchmark',
        contactInfo: '',
        name: 'Bench',
        location: 'Ha Giang',
      });
      const withPlaceholder = Buffer.from(await doc.save({ useObjectStreams: false }));
      // A P12Signer consumes its buffer on first use, so each signature gets a fresh one.
      return signpdf.sign(withPlaceholder, new P12Signer(p12, { passphrase: P12_PASS }));
    };
  }
  gc();
  const baselineRssBytes = process.memoryUsage().rss;
  const pdf = readFileSync(file);
  const afterLoadRssBytes = process.memoryUsage().rss;
  const timesMs: number[] = [];
  let outputBytes = 0;
  // Only the length escapes, so the signed copy is garbage before the next run starts.
  const timedRun = async (): Promise<[number, number]> => {
    const t0 = process.hrtime.bigint();
    const signed = await signOnce(pdf);
    return [Number(process.hrtime.bigint() - t0) / 1e6, signed.length];
  };
  for (let i = 0; i < runs + 1; i++) {
    const [ms, length] = await timedRun();
    if (i > 0) timesMs.push(ms); // the first run warms up the JIT
    outputBytes = length;
    gc();
    // Let V8 release the freed backing stores before the next run (it does so off-thread).
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const result: ChildResult = {
    impl,
    file,
    fileBytes: pdf.length,
    runs,
    timesMs,
    baselineRssBytes,
    afterLoadRssBytes,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    outputBytes,
  };
  process.stdout.write('\nRESULT ' + JSON.stringify(result) + '\n');
}

function runChild(
  impl: Impl,
  file: string,
  runs: number,
  p12File: string,
  nodeFlags: string[] = [],
) {
  const r = spawnSync(
    process.execPath,
    [
      '--expose-gc',
      ...nodeFlags,
      '--import',
      'tsx',
      SELF,
      '--child',
      impl,
      file,
      String(runs),
      p12File,
    ],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * MB, timeout: 30 * 60_000 },
  );
  const line = r.stdout?.split('\n').find((l) => l.startsWith('RESULT '));
  if (r.status !== 0 || !line) {
    const tail = (r.stderr || r.stdout || '').trim().split('\n').slice(-3).join(' | ');
    return { ok: false as const, error: `exit ${r.status ?? r.signal}: ${tail.slice(0, 200)}` };
  }
  return { ok: true as const, result: JSON.parse(line.slice('RESULT '.length)) as ChildResult };
}

async function ensureFile(bytes: number, name: string): Promise<string> {
  const file = path.join(WORK, name);
  if (existsSync(file) && Math.abs(statSync(file).size - bytes) < bytes * 0.05) return file;
  writeFileSync(file, await generatePdf(bytes));
  return file;
}

function ensureSigner(): string {
  const p12File = path.join(WORK, 'signer.p12');
  if (existsSync(p12File)) return p12File;
  const dir = path.join(os.tmpdir(), `eoffice-bench-ca-${process.pid}`);
  try {
    const kdf = { N: 1 << 10, r: 8, p: 1 };
    initCa({
      dir,
      passphrase: 'bench',
      commonName: 'Bench CA',
      organization: 'Bench',
      algorithm: 'rsa-3072',
      kdf,
    });
    const c = issueCertificate({
      dir,
      passphrase: 'bench',
      type: 'person',
      commonName: 'Bench Signer',
      algorithm: 'rsa-2048',
      pin: '1234',
      kdf,
    });
    writeFileSync(p12File, exportPkcs12(c.privateKey, c.certificate, c.chain, P12_PASS));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return p12File;
}

const fmtMB = (b: number) => (b / MB).toFixed(1);

async function parent(): Promise<void> {
  const runs = Number(process.env.BENCH_RUNS ?? 10);
  mkdirSync(WORK, { recursive: true });
  console.log(
    `bench:sign on ${os.cpus().length} CPU(s) ${os.cpus()[0]?.model ?? ''}, Node ${process.version}; ${runs} runs per case after one warm-up; ` +
      `load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} (other processes skew timings)`,
  );
  const p12File = ensureSigner();
  const files = [
    { label: '1 MB', file: await ensureFile(1 * MB, 'doc-1mb.pdf') },
    { label: '20 MB', file: await ensureFile(20 * MB, 'doc-20mb.pdf') },
  ];
  const rows: string[][] = [];
  const header = [
    'file',
    'implementation',
    'runs',
    'median ms',
    'min ms',
    'max ms',
    'peak RSS over baseline',
    'x file',
    'over input-loaded',
    'x file',
  ];
  const summary: string[] = [];
  const measured: { size: string; impl: Impl; x: ChildResult }[] = [];
  const implName = (impl: Impl) =>
    ({
      eoffice: 'eoffice signPdf (in memory)',
      'eoffice-file': 'eoffice signPdfIncrement, file to file',
      signpdf: '@signpdf + P12Signer + placeholder-pdf-lib',
      'eoffice-verify': 'eoffice verifyPdf, two signatures',
    })[impl];
  const measure = (size: string, impl: Impl, file: string, n: number, flags: string[] = []) => {
    const r = runChild(impl, file, n, p12File, flags);
    if (!r.ok) {
      rows.push([size, implName(impl), '-', 'FAILED', r.error, '', '', '', '', '']);
      return undefined;
    }
    const x = r.result;
    const over = x.peakRssBytes - x.baselineRssBytes;
    const overLoaded = x.peakRssBytes - x.afterLoadRssBytes;
    measured.push({ size, impl, x });
    rows.push([
      `${size} (${fmtMB(x.fileBytes)} MiB)`,
      implName(impl),
      String(x.timesMs.length),
      median(x.timesMs).toFixed(1),
      Math.min(...x.timesMs).toFixed(1),
      Math.max(...x.timesMs).toFixed(1),
      `${fmtMB(over)} MiB`,
      (over / x.fileBytes).toFixed(2),
      `${fmtMB(overLoaded)} MiB`,
      (overLoaded / x.fileBytes).toFixed(2),
    ]);
    return median(x.timesMs);
  };

  for (const { label, file } of files) {
    const ours = measure(label, 'eoffice', file, runs);
    measure(label, 'eoffice-file', file, runs);
    const theirs = measure(label, 'signpdf', file, runs);
    measure(label, 'eoffice-verify', file, runs);
    if (ours && theirs) {
      summary.push(
        `${label}: eoffice is ${(theirs / ours).toFixed(1)}x faster than @signpdf (median ${ours.toFixed(1)} ms vs ${theirs.toFixed(1)} ms)`,
      );
    }
  }
  const big = await ensureFile(100 * MB, 'doc-100mb.pdf');
  const bigOurs = measure('100 MB, heap 512 MB', 'eoffice', big, 3, ['--max-old-space-size=512']);
  measure('100 MB, heap 512 MB', 'eoffice-file', big, 3, ['--max-old-space-size=512']);
  measure('100 MB, heap 512 MB', 'signpdf', big, 1, ['--max-old-space-size=512']);

  const ok = (pass: boolean) => (pass ? 'PASS' : 'FAIL');
  const ourRuns = measured.filter((m) => m.impl === 'eoffice');
  const ours20 = ourRuns.find((m) => m.size === '20 MB');
  const verify20 = measured.find((m) => m.size === '20 MB' && m.impl === 'eoffice-verify');
  const fileRuns = measured.filter((m) => m.impl === 'eoffice-file');
  const ratio = (size: string) => {
    const a = measured.find((m) => m.size === size && m.impl === 'eoffice');
    const b = measured.find((m) => m.size === size && m.impl === 'signpdf');
    return a && b ? median(b.x.timesMs) / median(a.x.timesMs) : 0;
  };
  const worst = (runs: typeof measured, key: 'baselineRssBytes' | 'afterLoadRssBytes') =>
    Math.max(...runs.map((m) => (m.x.peakRssBytes - m.x[key]) / m.x.fileBytes));
  const targets = [
    `${ok(!!ours20 && median(ours20.x.timesMs) <= 40)}  20 MB in <= 40 ms per signature (median ${ours20 ? median(ours20.x.timesMs).toFixed(1) : '-'} ms)`,
    `${ok(ratio('1 MB') >= 10 && ratio('20 MB') >= 10)}  >= 10x faster than @signpdf (${ratio('1 MB').toFixed(1)}x at 1 MB, ${ratio('20 MB').toFixed(1)}x at 20 MB)`,
    `${ok(worst(fileRuns, 'baselineRssBytes') <= 1.5)}  peak RSS <= 1.5x file size above the baseline taken before the input is read, file to file (worst ${worst(fileRuns, 'baselineRssBytes').toFixed(2)}x; the in-memory API, which must return one Buffer, ${worst(ourRuns, 'baselineRssBytes').toFixed(2)}x)`,
    `${ok(worst(ourRuns, 'afterLoadRssBytes') <= 1.5)}  peak RSS <= 1.5x file size above the baseline with the input in memory, in-memory API (worst ${worst(ourRuns, 'afterLoadRssBytes').toFixed(2)}x)`,
    `${ok(bigOurs !== undefined)}  a 100 MB file signs with --max-old-space-size=512`,
    `${ok(!!verify20 && median(verify20.x.timesMs) <= 60)}  20 MB with two signatures verifies in <= 60 ms (median ${verify20 ? median(verify20.x.timesMs).toFixed(1) : '-'} ms)`,
  ];

  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    '| ' + cells.map((c, i) => (c ?? '').padEnd(widths[i]!)).join(' | ') + ' |';
  console.log('\n' + line(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of rows) console.log(line(r));
  console.log('\n' + summary.join('\n'));
  console.log(
    '\nPeak RSS is the child process maxRSS minus its RSS after imports and key loading ("over baseline", the\n' +
      'input file read included) or minus its RSS once the input was read ("over input-loaded").',
  );
  console.log('\nTargets:\n  ' + targets.join('\n  '));
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  await child(args[1] as Impl, args[2]!, Number(args[3]), args[4]!);
} else {
  await parent();
}
