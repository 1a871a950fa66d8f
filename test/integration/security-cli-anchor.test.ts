import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';

const run = promisify(execFile);

/**
 * audit:checkpoint and audit:verify --anchor through the operator CLI, in a child process on its
 * own SQLite file (the CLI's code does not depend on the dialect; the comparison itself is tested
 * on both databases in security-audit.test.ts).
 */
describe('security: audit anchor through the CLI', function () {
  this.timeout(180_000);
  let dir: string;
  let env: NodeJS.ProcessEnv;

  async function cli(...args: string[]) {
    try {
      const { stdout, stderr } = await run('npx', ['tsx', 'src/cli/main.ts', ...args], { env });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  before(function () {
    if (process.env.TEST_DB_NAME === 'mysql') this.skip();
    dir = mkdtempSync(path.join(tmpdir(), 'eoffice-anchor-'));
    env = {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: `sqlite:${path.join(dir, 'cli.sqlite')}`,
      STORAGE_DIR: path.join(dir, 'files'),
      CERTS_DIR: path.join(dir, 'certs'),
      CA_PASSPHRASE: 'mat-khau-ca-thu',
      SESSION_SECRET: 'cli-test',
      LOG_LEVEL: 'silent',
    };
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('writes a checkpoint signed with a seal from the agency CA and verifies the chain against it', async () => {
    const setup = await cli(
      'setup',
      '--agency-name',
      'UBND huyện Thử',
      '--agency-code',
      '000.00.00.H41',
      '--agency-abbr',
      'UBND',
      '--admin-username',
      'quantri',
      '--admin-password',
      'MatKhau123',
    );
    expect(setup.code, setup.stderr).to.equal(0);
    expect((await cli('ca:init', '--algorithm', 'ecdsa-p256')).code).to.equal(0);
    const keys = path.join(dir, 'keys');
    const issued = await cli(
      'ca:issue',
      '--type',
      'seal',
      '--name',
      'UBND huyện Thử',
      '--algorithm',
      'ecdsa-p256',
      '--out-dir',
      keys,
      '--pin',
      '246810',
      '--p12-pass',
      'p12-pass',
    );
    expect(issued.code, issued.stderr).to.equal(0);
    const p12 = readdirSync(keys).find((f) => f.endsWith('.p12'))!;

    const anchor = path.join(dir, 'moc-nhat-ky.json');
    const written = await cli(
      'audit:checkpoint',
      '--out',
      anchor,
      '--p12',
      path.join(keys, p12),
      '--pass',
      'p12-pass',
    );
    expect(written.code, written.stderr).to.equal(0);
    expect(written.stdout).to.contain('Đã ghi mốc nhật ký');
    const signed = JSON.parse(readFileSync(anchor, 'utf8'));
    expect(signed.checkpoint.count).to.be.greaterThan(0);

    const ok = await cli('audit:verify', '--anchor', anchor);
    expect(ok.code, ok.stderr).to.equal(0);
    expect(ok.stdout).to.contain('khớp mốc đã ký');

    // A checkpoint edited to match a rewritten chain no longer carries a valid signature.
    signed.checkpoint.headHash = 'f'.repeat(64);
    const edited = path.join(dir, 'sua.json');
    writeFileSync(edited, JSON.stringify(signed));
    const refused = await cli('audit:verify', '--anchor', edited);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain('Chữ ký của tệp mốc nhật ký không hợp lệ');
    const missing = await cli('audit:verify', '--anchor', path.join(dir, 'khong-co.json'));
    expect(missing.code).to.equal(2);
  });
});
