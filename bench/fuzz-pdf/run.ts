/**
 * npm run fuzz:pdf -- --cases N --seed S [--workers 2] [--timeout-ms 10000] [--max-minutes 30]
 *                     [--heap-mb 256] [--rss-mb 1024] [--out DIR] [--json FILE]
 * npm run fuzz:pdf -- --replay FILE [--appearance]
 *
 * Mutates a seed corpus (pdf-lib, pdfkit, ghostscript, qpdf object streams and linearized,
 * mutool, an incremental update, signed files) and runs verifyPdf and signPdf on each case in a
 * pool of long-lived child processes with a time and memory limit. Each case is classified:
 * success, typed refusal (SigningError), untyped error, hang (over the time limit: the child is
 * killed and replaced), memory (the child ran out of heap or over the RSS limit), crash. The
 * inputs of every failing case are saved with their stack so they can be replayed. Exits
 * non-zero when any case is untyped, a hang, memory or a crash.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { issue } from '../../test/unit/signing/helpers/pki.js';
import { loadIdentity, runCase, type CaseResult, type OpOutcome } from './case.js';
import { buildCorpus, type Seed } from './corpus.js';
import { mutateCase } from './mutate.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const WORKER = path.join(HERE, 'worker.ts');

type CaseKind = 'success' | 'typed' | 'untyped' | 'hang' | 'memory' | 'crash';
const KINDS: CaseKind[] = ['success', 'typed', 'untyped', 'hang', 'memory', 'crash'];
const LABEL: Record<CaseKind, string> = {
  success: 'success',
  typed: 'typed refusal',
  untyped: 'untyped error',
  hang: 'hang',
  memory: 'memory',
  crash: 'crash',
};

interface Options {
  cases: number;
  seed: number;
  workers: number;
  timeoutMs: number;
  maxMinutes: number;
  heapMb: number;
  rssMb: number;
  out?: string;
  json?: string;
  replay?: string;
  keepWork: boolean;
  /** Replay: sign with the attachment stamp (odd case indexes do). */
  appearance: boolean;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      cases: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '1' },
      workers: { type: 'string', default: '2' },
      'timeout-ms': { type: 'string', default: '10000' },
      'max-minutes': { type: 'string', default: '60' },
      'heap-mb': { type: 'string', default: '256' },
      'rss-mb': { type: 'string', default: '1024' },
      out: { type: 'string' },
      json: { type: 'string' },
      replay: { type: 'string' },
      'keep-work': { type: 'boolean', default: false },
      appearance: { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  const num = (k: keyof typeof values) => {
    const n = Number(values[k]);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${k} must be a number`);
    return n;
  };
  return {
    cases: Math.floor(num('cases')),
    seed: Math.floor(num('seed')),
    workers: Math.max(1, Math.floor(num('workers'))),
    timeoutMs: num('timeout-ms'),
    maxMinutes: num('max-minutes'),
    heapMb: num('heap-mb'),
    rssMb: num('rss-mb'),
    out: values.out as string | undefined,
    json: values.json as string | undefined,
    replay: values.replay as string | undefined,
    keepWork: values['keep-work'] as boolean,
    appearance: values.appearance as boolean,
  };
}

/** A throwaway root and signer (RSA 2048), written where the workers read them. */
function writeIdentity(dir: string): void {
  const root = issue(undefined, { cn: 'Fuzz Root CA', isCa: true });
  const signer = issue(root, { cn: 'Fuzz Signer', ekus: ['1.3.6.1.5.5.7.3.36'] });
  writeFileSync(
    path.join(dir, 'key.pem'),
    signer.key.export({ type: 'pkcs8', format: 'pem' }) as string,
  );
  writeFileSync(path.join(dir, 'signer.der'), signer.cert);
  writeFileSync(path.join(dir, 'root.der'), root.cert);
}

function caseKind(r: CaseResult): CaseKind {
  if (r.verify.kind === 'untyped' || r.sign.kind === 'untyped') return 'untyped';
  if (r.verify.kind === 'typed' || r.sign.kind === 'typed') return 'typed';
  return 'success';
}

/** Where an untyped error comes from: the first stack frame inside src/. */
function origin(o: OpOutcome): string {
  if (o.kind !== 'untyped') return '';
  const frame = o.stack.split('\n').find((l) => l.includes('/src/'));
  const where = frame ? /\/(src\/[^:)]+:\d+)/.exec(frame)?.[1] : undefined;
  return `${o.name}: ${o.message.slice(0, 80)} @ ${where ?? 'unknown'}`;
}

async function replay(file: string, appearance: boolean): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eoffice-fuzz-replay-'));
  try {
    writeIdentity(dir);
    const result = await runCase(readFileSync(file), loadIdentity(dir), appearance);
    console.log(JSON.stringify(result, null, 2));
    for (const op of ['verify', 'sign'] as const) {
      const o = result[op];
      if (o.kind === 'untyped') console.log(`\n${op}: ${o.stack}`);
    }
    process.exitCode = caseKind(result) === 'untyped' ? 1 : 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Slot {
  child: ChildProcess;
  ready: Promise<void>;
  job?: { id: number; started: number; timer: NodeJS.Timeout };
  stderr: string;
  killedFor?: 'hang' | 'memory';
}

function vmRssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kb ? parseInt(kb, 10) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const o = options();
  if (o.replay) return replay(o.replay, o.appearance);
  const t0 = Date.now();
  const work = mkdtempSync(path.join(os.tmpdir(), 'eoffice-fuzz-'));
  const corpusDir = path.join(work, 'corpus');
  mkdirSync(corpusDir);
  const outDir = path.resolve(o.out ?? path.join(work, 'failures'));
  mkdirSync(outDir, { recursive: true });
  writeIdentity(work);
  const identity = loadIdentity(work);
  const corpus: Seed[] = await buildCorpus(corpusDir, identity.signer);
  console.log(
    `fuzz:pdf seed ${o.seed}, ${o.cases} cases, ${o.workers} workers, ${o.timeoutMs} ms/case, ` +
      `heap ${o.heapMb} MB, RSS ${o.rssMb} MB; corpus: ${corpus.map((s) => s.name).join(', ')}`,
  );

  const counts: Record<CaseKind, number> = {
    success: 0,
    typed: 0,
    untyped: 0,
    hang: 0,
    memory: 0,
    crash: 0,
  };
  const opCounts = {
    verify: { success: 0, typed: 0, untyped: 0 },
    sign: { success: 0, typed: 0, untyped: 0 },
  };
  const codes = new Map<string, number>();
  const failures = new Map<string, { count: number; first: number; stack: string }>();
  const deadline = t0 + o.maxMinutes * 60_000;
  let next = 0;
  let done = 0;
  let stoppedForTime = false;

  const save = (index: number, kind: CaseKind, detail: unknown) => {
    const c = mutateCase(o.seed, index, corpus);
    const base = path.join(outDir, `case-${o.seed}-${index}-${kind}`);
    writeFileSync(`${base}.pdf`, c.bytes);
    writeFileSync(
      `${base}.json`,
      JSON.stringify(
        {
          seed: o.seed,
          index,
          kind,
          from: c.seedName,
          mutations: c.mutations,
          replay: `npm run fuzz:pdf -- --replay ${base}.pdf${index % 2 ? ' --appearance' : ''}`,
          detail,
        },
        null,
        2,
      ),
    );
  };
  const noteFailure = (key: string, index: number, stack: string) => {
    const f = failures.get(key);
    if (f) f.count++;
    else failures.set(key, { count: 1, first: index, stack });
  };

  const record = (index: number, kind: CaseKind, result?: CaseResult, detail?: string) => {
    counts[kind]++;
    done++;
    if (result) {
      for (const op of ['verify', 'sign'] as const) {
        const r = result[op];
        opCounts[op][r.kind]++;
        if (r.kind === 'typed') codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
        if (r.kind === 'untyped') noteFailure(`${op} ${origin(r)}`, index, r.stack);
      }
    } else noteFailure(`${kind}: ${detail ?? ''}`.slice(0, 160), index, detail ?? '');
    if (kind !== 'success' && kind !== 'typed') save(index, kind, result ?? detail);
    if (done % 500 === 0) console.log(`  ${done} cases, ${Math.round((Date.now() - t0) / 1000)} s`);
  };

  const spawn = (): Slot => {
    const child = fork(WORKER, [work], {
      execArgv: ['--import', 'tsx', `--max-old-space-size=${o.heapMb}`],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const slot: Slot = { child, stderr: '', ready: Promise.resolve() };
    child.stderr!.on('data', (d: Buffer) => {
      slot.stderr = (slot.stderr + d.toString()).slice(-4000);
    });
    slot.ready = new Promise((resolve, reject) => {
      const onMsg = (m: { ready?: boolean }) => {
        if (m.ready) {
          child.off('message', onMsg);
          resolve();
        }
      };
      child.on('message', onMsg);
      child.once('exit', (code) => reject(new Error(`worker exited (${code}) ${slot.stderr}`)));
    });
    return slot;
  };

  /** Runs cases on one slot until there are none left; replaces the child when it dies. */
  const lane = async (): Promise<void> => {
    let slot = spawn();
    await slot.ready;
    while (next < o.cases) {
      if (Date.now() > deadline) {
        stoppedForTime = true;
        break;
      }
      const index = next++;
      const c = mutateCase(o.seed, index, corpus);
      const outcome = await new Promise<{ kind: CaseKind; result?: CaseResult; detail?: string }>(
        (resolve) => {
          const s = slot;
          const finish = (v: { kind: CaseKind; result?: CaseResult; detail?: string }) => {
            clearTimeout(s.job?.timer);
            clearInterval(poll);
            s.child.off('message', onMessage);
            s.child.off('exit', onExit);
            s.job = undefined;
            resolve(v);
          };
          const onMessage = (m: { id?: number; result?: CaseResult; rss?: number }) => {
            if (m.id !== index || !m.result) return;
            if ((m.rss ?? 0) > o.rssMb * 1024 * 1024) {
              s.killedFor = 'memory';
              s.child.kill('SIGKILL');
              finish({
                kind: 'memory',
                detail: `RSS ${Math.round(m.rss! / 1048576)} MB after case`,
              });
              return;
            }
            finish({ kind: caseKind(m.result), result: m.result });
          };
          const onExit = (code: number | null, signal: string | null) => {
            if (s.killedFor === 'hang')
              return finish({ kind: 'hang', detail: `over ${o.timeoutMs} ms` });
            if (s.killedFor === 'memory')
              return finish({ kind: 'memory', detail: `RSS over ${o.rssMb} MB` });
            const oom =
              /heap out of memory|Allocation failed|Reached heap limit/i.test(s.stderr) ||
              signal === 'SIGABRT' ||
              code === 134;
            finish({
              kind: oom ? 'memory' : 'crash',
              detail: `exit ${code ?? ''} ${signal ?? ''} ${s.stderr.slice(-1500)}`,
            });
          };
          const poll = setInterval(() => {
            if (vmRssMb(s.child.pid) > o.rssMb) {
              s.killedFor = 'memory';
              s.child.kill('SIGKILL');
            }
          }, 100);
          s.child.on('message', onMessage);
          s.child.on('exit', onExit);
          const timer = setTimeout(() => {
            s.killedFor = 'hang';
            s.child.kill('SIGKILL');
          }, o.timeoutMs);
          s.job = { id: index, started: Date.now(), timer };
          s.child.send({ id: index, pdf: c.bytes, appearance: index % 2 === 1 });
        },
      );
      record(index, outcome.kind, outcome.result, outcome.detail);
      if (slot.child.exitCode !== null || slot.child.signalCode !== null || slot.killedFor) {
        slot = spawn();
        await slot.ready;
      }
    }
    slot.child.disconnect();
  };

  await Promise.all(Array.from({ length: o.workers }, () => lane()));
  const seconds = (Date.now() - t0) / 1000;

  console.log(
    `\nfuzz:pdf --cases ${o.cases} --seed ${o.seed}: ${done} cases in ${seconds.toFixed(1)} s`,
  );
  if (stoppedForTime) console.log(`(stopped at the ${o.maxMinutes}-minute bound)`);
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  console.log(`\n${'outcome'.padEnd(16)}${pad('cases', 8)}${pad('verify', 9)}${pad('sign', 8)}`);
  for (const k of KINDS) {
    const v = k === 'success' || k === 'typed' || k === 'untyped' ? opCounts.verify[k] : '-';
    const s = k === 'success' || k === 'typed' || k === 'untyped' ? opCounts.sign[k] : '-';
    console.log(`${LABEL[k].padEnd(16)}${pad(counts[k], 8)}${pad(v, 9)}${pad(s, 8)}`);
  }
  console.log(
    `\ntyped refusals by code: ${[...codes]
      .sort((a, b) => b[1] - a[1])
      .map(([c, n]) => `${c} ${n}`)
      .join(', ')}`,
  );
  if (failures.size) {
    console.log(`\nfailures (inputs saved in ${outDir}):`);
    for (const [key, f] of failures) {
      console.log(`\n- ${key} ×${f.count} (first: case ${f.first})\n${f.stack}`);
    }
  }
  const summary = {
    seed: o.seed,
    requested: o.cases,
    completed: done,
    seconds,
    stoppedForTime,
    counts,
    operations: opCounts,
    codes: Object.fromEntries(codes),
    failures: [...failures].map(([key, f]) => ({ key, ...f })),
    failuresDir: outDir,
    corpus: corpus.map((s) => s.name),
  };
  if (o.json) writeFileSync(o.json, JSON.stringify(summary, null, 2));
  const bad = counts.untyped + counts.hang + counts.memory + counts.crash;
  if (!o.keepWork) rmSync(corpusDir, { recursive: true, force: true });
  if (bad === 0 && !o.out && !o.keepWork) rmSync(work, { recursive: true, force: true });
  process.exitCode = bad > 0 ? 1 : 0;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 2;
});
