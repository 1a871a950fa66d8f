import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { Sequelize, QueryTypes } from 'sequelize';
import { hashToken } from '../../src/http/auth.js';

const run = promisify(execFile);

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The operator CLI in a child process on its own SQLite file: it reads DATABASE_URL like the
 * server does. (SQLite only: the CLI's own code does not depend on the dialect.)
 */
describe('operator CLI', function () {
  this.timeout(120_000);
  let dir: string;
  let env: NodeJS.ProcessEnv;

  async function cli(...args: string[]): Promise<CliResult> {
    try {
      const { stdout, stderr } = await run('npx', ['tsx', 'src/cli/main.ts', ...args], { env });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  async function query<T extends object>(sql: string, replacements: unknown[] = []): Promise<T[]> {
    const sequelize = new Sequelize({
      dialect: 'sqlite',
      storage: path.join(dir, 'cli.sqlite'),
      logging: false,
    });
    try {
      return await sequelize.query<T>(sql, { type: QueryTypes.SELECT, replacements });
    } finally {
      await sequelize.close();
    }
  }

  before(function () {
    // The CLI always runs here on its own SQLite file, so the MariaDB pass would only repeat it.
    if (process.env.TEST_DB_NAME === 'mysql') this.skip();
    dir = mkdtempSync(path.join(tmpdir(), 'eoffice-cli-'));
    env = {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: `sqlite:${path.join(dir, 'cli.sqlite')}`,
      STORAGE_DIR: path.join(dir, 'files'),
      SESSION_SECRET: 'cli-test',
      LOG_LEVEL: 'silent',
    };
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('exits 2 with a message on bad arguments and touches nothing', async () => {
    const missing = await cli('setup', '--agency-name', 'UBND huyện Thử');
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain('--agency-code').and.contain('Usage');
    const unknown = await cli('user:create', '--bogus', 'x');
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.contain("Unknown option '--bogus'");
    const badCode = await cli(
      'setup',
      '--agency-name',
      'UBND huyện Thử',
      '--agency-code',
      'ABC',
      '--agency-abbr',
      'UBND',
      '--admin-username',
      'quantri',
      '--admin-password',
      'MatKhau123',
    );
    expect(badCode.code).to.equal(2);
    expect(badCode.stderr).to.contain('Mã định danh gồm 13 ký tự');
    expect(badCode.stderr).to.not.match(/\n\s+at /);
    const agencies = await query<{ n: number }>('SELECT COUNT(*) AS n FROM agencies');
    expect(Number(agencies[0].n)).to.equal(0);
    const noCommand = await cli('no-such-command');
    expect(noCommand.code).to.equal(2);
  });

  it('sets up, creates a user and a token that is stored hashed, and verifies the audit chain', async () => {
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
      '--admin-full-name',
      'Quản trị viên',
    );
    expect(setup.code, setup.stderr).to.equal(0);
    expect(setup.stdout).to.contain('quantri');
    const again = await cli(
      'setup',
      '--agency-name',
      'Khác',
      '--agency-code',
      '000.00.00.H42',
      '--agency-abbr',
      'K',
      '--admin-username',
      'khac',
      '--admin-password',
      'MatKhau123',
    );
    expect(again.code).to.equal(1);
    expect(again.stderr).to.contain('Hệ thống đã được khởi tạo');

    const [agency] = await query<{ id: number }>('SELECT id FROM agencies');
    const db = new Sequelize({
      dialect: 'sqlite',
      storage: path.join(dir, 'cli.sqlite'),
      logging: false,
    });
    await db.query(
      "INSERT INTO departments (agencyId, parentId, name, abbreviation, createdAt, updatedAt) VALUES (?, NULL, 'Văn phòng', 'VP', datetime('now'), datetime('now'))",
      { replacements: [agency.id] },
    );
    await db.close();

    const user = await cli(
      'user:create',
      '--username',
      'vanthu',
      '--full-name',
      'Lê Thị Văn Thư',
      '--roles',
      'clerk,specialist',
      '--password',
      'MatKhau123',
      '--department',
      'VP',
      '--title',
      'Văn thư',
      '--clearance',
      '1',
    );
    expect(user.code, user.stderr).to.equal(0);
    const [row] = await query<{
      id: number;
      departmentId: number;
      secretClearance: number;
      positionTitle: string;
    }>('SELECT id, departmentId, secretClearance, positionTitle FROM users WHERE username = ?', [
      'vanthu',
    ]);
    const roles = await query<{ role: string }>(
      'SELECT role FROM user_roles WHERE userId = ? ORDER BY role',
      [row.id],
    );
    expect(roles.map((r) => r.role)).to.deep.equal(['clerk', 'specialist']);
    expect(row.departmentId).to.be.a('number');
    expect(Number(row.secretClearance)).to.equal(1);
    expect(row.positionTitle).to.equal('Văn thư');

    const badRole = await cli(
      'user:create',
      '--username',
      'x1',
      '--full-name',
      'X',
      '--roles',
      'boss',
      '--password',
      'MatKhau123',
    );
    expect(badRole.code).to.equal(2);
    expect(badRole.stderr).to.contain('boss');
    const taken = await cli(
      'user:create',
      '--username',
      'vanthu',
      '--full-name',
      'X',
      '--roles',
      'clerk',
      '--password',
      'MatKhau123',
    );
    expect(taken.code).to.not.equal(0);
    expect(taken.stderr).to.contain('Tên đăng nhập đã được sử dụng');

    const token = await cli('token:create', 'vanthu', '--name', 'Tích hợp');
    expect(token.code, token.stderr).to.equal(0);
    const lastLine = token.stdout.trim().split('\n').pop()!;
    expect(lastLine).to.match(/^eo_[A-Za-z0-9_-]{20,}$/);
    const tokens = await query<{ tokenHash: string; name: string; userId: number }>(
      'SELECT tokenHash, name, userId FROM access_tokens',
    );
    expect(tokens).to.have.length(1);
    expect(tokens[0].tokenHash).to.equal(hashToken(lastLine));
    expect(tokens[0].userId).to.equal(row.id);
    expect(tokens[0].name).to.equal('Tích hợp');
    const noUser = await cli('token:create', 'khong-co');
    expect(noUser.code).to.equal(1);
    expect(noUser.stderr).to.contain('Không tìm thấy người dùng');

    const seeded = await cli('holidays:seed', '--year', '2026');
    expect(seeded.code, seeded.stderr).to.equal(0);
    const tet = await query<{ name: string }>(
      "SELECT name FROM holidays WHERE date = '2026-02-17'",
    );
    expect(tet[0]?.name).to.contain('Tết Nguyên đán');

    const remind = await cli('incoming:remind', '--date', '2026-12-01');
    expect(remind.code, remind.stderr).to.equal(0);
    expect(remind.stdout).to.contain('Đã gửi nhắc việc ngày 2026-12-01');
    expect(remind.stdout).to.contain('Đã gửi nhắc việc nhiệm vụ từ cuộc họp ngày 2026-12-01');
    const remindAgain = await cli('incoming:remind', '--date', '2026-12-01');
    expect(remindAgain.stdout).to.contain('đã được gửi trước đó');
    expect(remindAgain.stdout).to.contain(
      'Nhắc việc nhiệm vụ từ cuộc họp ngày 2026-12-01 đã được gửi',
    );
    const badDate = await cli('incoming:remind', '--date', '1/12/2026');
    expect(badDate.code).to.equal(2);

    const verify = await cli('audit:verify');
    expect(verify.code, verify.stderr).to.equal(0);
    expect(verify.stdout).to.match(/Chuỗi nhật ký toàn vẹn \(\d+ bản ghi\)/);
    const audit = await query<{ action: string }>('SELECT action FROM audit_logs ORDER BY id');
    expect(audit.map((a) => a.action)).to.include.members([
      'agency.setup',
      'user.create',
      'token.create',
      'holiday.seed',
      'incoming.daily_digest',
    ]);
  });

  it("files an administrator account's document roles and clearance as a request for an administrator of the agency (user:create)", async () => {
    // Needs the agency and its administrator set up by the test before.
    // The operator only asks; an administrator of the agency (not the holder) decides in the app.
    const adminReader = await cli(
      'user:create',
      '--username',
      'quantri2',
      '--full-name',
      'Quản trị hai',
      '--roles',
      'admin,leader',
      '--password',
      'MatKhau123',
      '--clearance',
      '2',
    );
    expect(adminReader.code, adminReader.stderr).to.equal(0);
    expect(adminReader.stdout).to.contain('chờ một quản trị viên');
    const [second] = await query<{ id: number; secretClearance: number }>(
      'SELECT id, secretClearance FROM users WHERE username = ?',
      ['quantri2'],
    );
    expect(Number(second.secretClearance)).to.equal(0);
    const secondRoles = await query<{ role: string }>(
      'SELECT role FROM user_roles WHERE userId = ?',
      [second.id],
    );
    expect(secondRoles.map((r) => r.role)).to.deep.equal(['admin']);
    const requests = await query<{ roles: string; requestedById: number | null; status: string }>(
      'SELECT roles, requestedById, status FROM admin_grant_requests WHERE userId = ?',
      [second.id],
    );
    expect(requests).to.deep.equal([
      { roles: 'leader,admin', requestedById: null, status: 'pending' },
    ]);
  });

  it("gives the admin role from the server (user:grant-admin) and resets an administrator's password (user:reset-password), audited", async () => {
    // Needs the agency, its administrator and vanthu (clerk, specialist, clearance 1) from above.
    const granted = await cli('user:grant-admin', 'vanthu');
    expect(granted.code, granted.stderr).to.equal(0);
    expect(granted.stdout).to.contain('Đã cấp quyền quản trị cho "vanthu"');
    expect(granted.stdout).to.contain('chờ một quản trị viên');
    const [row] = await query<{ id: number; secretClearance: number }>(
      'SELECT id, secretClearance FROM users WHERE username = ?',
      ['vanthu'],
    );
    const roles = await query<{ role: string }>('SELECT role FROM user_roles WHERE userId = ?', [
      row.id,
    ]);
    expect(roles.map((r) => r.role)).to.deep.equal(['admin']);
    expect(Number(row.secretClearance)).to.equal(0);
    const audit = await query<{ userId: number | null; ip: string }>(
      "SELECT userId, ip FROM audit_logs WHERE action = 'user.admin_role_grant' AND entityId = ?",
      [String(row.id)],
    );
    expect(audit).to.deep.equal([{ userId: null, ip: 'cli' }]);
    const requests = await query<{ roles: string; secretClearance: number }>(
      "SELECT roles, secretClearance FROM admin_grant_requests WHERE userId = ? AND status = 'pending'",
      [row.id],
    );
    expect(requests.map((r) => [r.roles, Number(r.secretClearance)])).to.deep.equal([
      ['clerk,specialist,admin', 1],
    ]);

    // An administrator's password is reset on the server (the app refuses another admin's).
    const reset = await cli('user:reset-password', 'vanthu', '--password', 'MoiDatLai2026');
    expect(reset.code, reset.stderr).to.equal(0);
    expect(reset.stdout).to.contain('Đã đặt lại mật khẩu cho "vanthu"');
    const resets = await query<{ userId: number | null; ip: string }>(
      "SELECT userId, ip FROM audit_logs WHERE action = 'user.password_reset' AND entityId = ?",
      [String(row.id)],
    );
    expect(resets).to.deep.equal([{ userId: null, ip: 'cli' }]);
    const weak = await cli('user:reset-password', 'vanthu', '--password', 'ngan');
    expect(weak.code).to.equal(2);

    const again = await cli('user:grant-admin', 'vanthu');
    expect(again.code).to.equal(1);
    expect(again.stderr).to.contain('đã là quản trị viên');
    const usage = await cli('user:grant-admin');
    expect(usage.code).to.equal(2);
    expect((await cli('user:grant-admin', 'khong-co')).stderr).to.contain(
      'Không tìm thấy người dùng',
    );
  });

  it('names the first broken row when the audit chain was tampered with', async () => {
    const [last] = await query<{ id: number }>('SELECT MAX(id) AS id FROM audit_logs');
    const db = new Sequelize({
      dialect: 'sqlite',
      storage: path.join(dir, 'cli.sqlite'),
      logging: false,
    });
    await db.query(
      "INSERT INTO audit_logs (occurredAt, action, prevHash, hash) VALUES (datetime('now'), 'forged', ?, ?)",
      { replacements: ['f'.repeat(64), 'e'.repeat(64)] },
    );
    await db.close();
    const verify = await cli('audit:verify');
    expect(verify.code).to.equal(1);
    expect(verify.stderr).to.contain(`#${Number(last.id) + 1}`);
  });
});
