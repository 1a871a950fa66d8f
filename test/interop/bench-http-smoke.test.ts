import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

interface Figures {
  total: number;
  failed: number;
  requestsPerSec: number;
  p95: number;
}
interface Row {
  route: string;
  server: string;
  figures: Figures;
}

/**
 * CI smoke of npm run bench:http: the whole harness with tiny numbers (300 documents, a person of
 * every role in every department, 1-second runs, one server process) on SQLite — or on the
 * database BENCH_SMOKE_DATABASE_URL names (its name must contain "bench"; it is recreated). It
 * must sign everyone in, produce figures for every route of the mix and alone, and the bare route, and
 * see no failed request and no failed write. Speed is not judged here: the machine is shared.
 */
describe('bench:http smoke (tiny numbers)', function () {
  this.timeout(5 * 60_000);

  it('produces figures for the mix and every route, with no failed request or write', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'eoffice-bench-smoke-'));
    const output = path.join(dir, 'figures.json');
    try {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/http/run.ts'], {
        encoding: 'utf8',
        timeout: 4 * 60_000,
        env: {
          ...process.env,
          BENCH_DATABASE_URL:
            process.env.BENCH_SMOKE_DATABASE_URL || `sqlite:${path.join(dir, 'bench.sqlite')}`,
          BENCH_STORAGE_DIR: path.join(dir, 'files'),
          BENCH_DOCS: '300',
          BENCH_USERS: '20',
          BENCH_DURATION: '1',
          BENCH_WARMUP: '0',
          BENCH_SERVER_WARMUP: '1',
          BENCH_ROUNDS: '1',
          BENCH_CONNECTIONS: '4',
          BENCH_WORKERS: '1',
          BENCH_WRITE_EVERY_MS: '300',
          BENCH_OUTPUT: output,
        },
      });
      const detail = `${r.stdout}\n${r.stderr}`;
      expect(r.status, detail).to.equal(0);
      expect(existsSync(output), detail).to.equal(true);
      const result = JSON.parse(readFileSync(output, 'utf8')) as {
        people: number;
        roles: Record<string, number>;
        mixed: Row[];
        routes: Row[];
        writes: Record<string, { registered: number; directed: number; failed: number }>;
      };
      expect(result.people, detail).to.be.at.least(20);
      expect(Object.keys(result.roles).sort(), detail).to.deep.equal([
        'clerk',
        'dept_head',
        'leader',
        'specialist',
      ]);
      const key = (rows: Row[]) => rows.map((x) => `${x.route}|${x.server}`).sort();
      expect(key(result.routes), detail).to.deep.equal([
        'bare|',
        'detail|app',
        'list|app',
        'search|app',
      ]);
      expect(key(result.mixed), detail).to.deep.equal([
        'detail|app',
        'file|app',
        'list|app',
        'search|app',
      ]);
      for (const row of [...result.routes, ...result.mixed]) {
        expect(row.figures.total, `${row.route} ${row.server}\n${detail}`).to.be.above(0);
        expect(row.figures.failed, `${row.route} ${row.server}\n${detail}`).to.equal(0);
        expect(row.figures.p95, `${row.route} ${row.server}\n${detail}`).to.be.a('number');
      }
      for (const [server, w] of Object.entries(result.writes)) {
        expect(w.failed, `writes on ${server}\n${detail}`).to.equal(0);
        expect(w.registered, `writes on ${server}\n${detail}`).to.be.above(0);
        expect(w.directed, `writes on ${server}\n${detail}`).to.be.above(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
