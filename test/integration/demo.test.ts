import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { QueryTypes, Sequelize } from 'sequelize';
import { ROLES } from '../../src/users/user.model.js';
import { INCOMING_STATUSES } from '../../src/incoming/incoming.model.js';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

/**
 * `npm run demo` as a person runs it: on its own fresh database (never DATABASE_URL), it seeds
 * the district and serves; the accounts of the README sign in. (Its own SQLite file: the demo's
 * code does not depend on the test database.)
 */
describe('npm run demo', function () {
  this.timeout(180_000);
  let dir: string;
  let child: ChildProcess | null = null;
  let url: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'eoffice-demo-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn('npm', ['run', 'demo'], {
      env: {
        ...process.env,
        PORT: String(port),
        DEMO_DATABASE_URL: `sqlite:${path.join(dir, 'demo.sqlite')}`,
        DEMO_STORAGE_DIR: path.join(dir, 'files'),
        DATABASE_URL: 'sqlite:/nonexistent/never-touched.sqlite',
        LOG_LEVEL: 'silent',
      },
      stdio: 'ignore',
      detached: true,
    });
    for (let i = 0; i < 1200; i++) {
      const up = await fetch(`${url}/login`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('The demo did not answer');
  });
  after(() => {
    if (child?.pid) process.kill(-child.pid, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  async function query<T extends object>(sql: string): Promise<T[]> {
    const sequelize = new Sequelize({
      dialect: 'sqlite',
      storage: path.join(dir, 'demo.sqlite'),
      logging: false,
      // The demo's background jobs may be writing: wait for the lock as the app does.
      retry: { match: [/SQLITE_BUSY/], max: 20, backoffBase: 100 },
    });
    try {
      return await sequelize.query<T>(sql, { type: QueryTypes.SELECT });
    } finally {
      await sequelize.close();
    }
  }

  it('holds a district with five or more departments, every role, and documents in every state', async () => {
    const [departments] = await query<{ n: number }>('SELECT COUNT(*) AS n FROM departments');
    expect(Number(departments.n)).to.be.at.least(5);
    const held = await query<{ role: string }>(
      'SELECT DISTINCT r.role FROM user_roles r JOIN users u ON u.id = r.userId WHERE u.isActive = 1',
    );
    for (const role of ROLES)
      expect(
        held.some((r) => r.role === role),
        role,
      ).to.equal(true);
    // Each department's head is named in the directory.
    const [headed] = await query<{ n: number }>(
      'SELECT COUNT(*) AS n FROM departments WHERE headUserId IS NOT NULL',
    );
    expect(Number(headed.n)).to.be.at.least(5);
    const statuses = await query<{ status: string; n: number }>(
      'SELECT status, COUNT(*) AS n FROM incoming_documents GROUP BY status',
    );
    const total = statuses.reduce((sum, s) => sum + Number(s.n), 0);
    expect(total).to.be.at.least(30);
    // 'withdrawn' comes only from a recall by a sending agency of the deployment (outgoing flow).
    for (const status of INCOMING_STATUSES.filter((s) => s !== 'withdrawn'))
      expect(
        statuses.map((s) => s.status),
        status,
      ).to.include(status);
  });

  it("signs in the README's clerk and lists the documents", async () => {
    const page = await fetch(`${url}/login`);
    const cookie = page.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
    const signedIn = await fetch(`${url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, username: 'vanthu', password: 'Demo@2026' }),
    });
    expect(signedIn.status).to.equal(303);
    const session = signedIn.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const list = await fetch(`${url}/incoming?tab=all`, { headers: { cookie: session } });
    expect(list.status).to.equal(200);
    const text = await list.text();
    expect(text).to.contain('Tất cả văn bản đã vào sổ');
    expect(text.match(/data-id="\d+"/g)?.length).to.equal(20);
  });

  it("runs the background jobs as the server does: the documents' files are read for search", async () => {
    // The demo once served without the job runner: every file stayed "being read" for good.
    let done = 0;
    for (let i = 0; i < 600 && !done; i++) {
      const [row] = await query<{ n: number }>(
        "SELECT COUNT(*) AS n FROM document_jobs WHERE status = 'done'",
      );
      done = Number(row.n);
      if (!done) await new Promise((r) => setTimeout(r, 200));
    }
    expect(done, 'document jobs done').to.be.above(0);
  });
});
