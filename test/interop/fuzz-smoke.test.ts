import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * CI smoke of the PDF fuzzer (npm run fuzz:pdf): 300 mutated cases through verifyPdf and
 * signPdf in child processes with time and memory limits; none may end in an untyped error,
 * a hang, a memory blow-up or a crash. The long run (10,000 cases and more) is not for CI.
 */
describe('fuzz:pdf smoke (300 cases, seed 1)', function () {
  this.timeout(15 * 60_000);

  it('every case is a success or a typed refusal', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'eoffice-fuzz-smoke-'));
    const summaryFile = path.join(dir, 'summary.json');
    try {
      const r = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          'bench/fuzz-pdf/run.ts',
          '--cases',
          '300',
          '--seed',
          '1',
          '--workers',
          '2',
          '--max-minutes',
          '10',
          '--json',
          summaryFile,
        ],
        { encoding: 'utf8', timeout: 14 * 60_000 },
      );
      const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as {
        completed: number;
        counts: Record<string, number>;
        failures: Array<{ key: string; stack: string }>;
      };
      const detail = `${r.stdout}\n${r.stderr}`;
      expect(summary.completed, detail).to.equal(300);
      expect(summary.counts.untyped, detail).to.equal(0);
      expect(summary.counts.hang, detail).to.equal(0);
      expect(summary.counts.memory, detail).to.equal(0);
      expect(summary.counts.crash, detail).to.equal(0);
      expect(r.status, detail).to.equal(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
