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
        DEMO_CERTS_DIR: path.join(dir, 'certs'),
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
  after(async () => {
    if (child?.pid) {
      process.kill(-child.pid, 'SIGTERM');
      // Until the whole group has exited: a background job still writing its file would make
      // the folder's removal fail (ENOTEMPTY).
      const alive = () => {
        try {
          process.kill(-child!.pid!, 0);
          return true;
        } catch {
          return false;
        }
      };
      for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
    }
    rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
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

  /** Signs in a demo account with the README's password; its session cookie. */
  async function signIn(username: string): Promise<string> {
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
      body: new URLSearchParams({ _csrf: csrf, username, password: 'Demo@2026' }),
    });
    expect(signedIn.status).to.equal(303);
    return signedIn.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
  }

  it("signs in the README's clerk and lists the documents", async () => {
    const session = await signIn('vanthu');
    const list = await fetch(`${url}/incoming?tab=all`, { headers: { cookie: session } });
    expect(list.status).to.equal(200);
    const text = await list.text();
    expect(text).to.contain('Tất cả văn bản đã vào sổ');
    expect(text.match(/data-id="\d+"/g)?.length).to.equal(20);
  });

  it("holds records files: the specialist's shared file with documents, and last year's due at the archive", async () => {
    const files = await query<{
      code: string;
      status: string;
      documents: number;
      createdAt: string;
      closedOn: string | null;
      transferNoticeOn: string | null;
    }>(
      `SELECT f.code, f.status, f.createdAt, f.closedOn, f.transferNoticeOn,
              (SELECT COUNT(*) FROM records_file_items i WHERE i.recordsFileId = f.id) AS documents
         FROM records_files f ORDER BY f.code`,
    );
    const byCode = new Map(files.map((f) => [f.code, f]));
    expect(Number(byCode.get('TCKH.01')?.documents)).to.be.at.least(1);
    const due = byCode.get('05.VP')!;
    expect(due.status).to.equal('closed');
    expect(due.transferNoticeOn, 'told 30 days before').to.not.equal(null);
    const opened =
      (due.createdAt as unknown) instanceof Date
        ? (due.createdAt as unknown as Date).toISOString()
        : String(due.createdAt);
    expect(
      opened.slice(0, 10) < String(due.closedOn).slice(0, 10),
      'opened before it closed',
    ).to.equal(true);
    const session = await signIn('vanthu');
    const list = await fetch(`${url}/records-files?year=`, { headers: { cookie: session } });
    expect(list.status).to.equal(200);
    const text = await list.text();
    for (const code of ['TCKH.01', '01.VP', '05.VP']) expect(text).to.contain(code);
  });

  it('holds outgoing documents in every state, two issued with their number and signed file', async () => {
    const statuses = await query<{ status: string; n: number }>(
      'SELECT status, COUNT(*) AS n FROM outgoing_documents GROUP BY status',
    );
    const count = (status: string) => Number(statuses.find((s) => s.status === status)?.n ?? 0);
    expect(count('draft'), 'draft').to.be.at.least(1);
    expect(count('in_approval'), 'in approval').to.be.at.least(3);
    expect(count('signed'), 'signed, to issue').to.be.at.least(1);
    expect(count('issued'), 'issued').to.be.at.least(2);
    // In approval: waiting at a step after an initial (ký nháy), returned to the drafter with a
    // comment, and approved, waiting for the leader's signature.
    const flows = await query<{ status: string; initials: number; comments: number }>(
      `SELECT f.status,
              SUM(CASE WHEN d.decision = 'initial' THEN 1 ELSE 0 END) AS initials,
              SUM(CASE WHEN d.comment IS NOT NULL THEN 1 ELSE 0 END) AS comments
         FROM approval_flows f JOIN outgoing_documents o ON o.id = f.documentId
         LEFT JOIN approval_decisions d ON d.flowId = f.id
        WHERE f.documentKind = 'outgoing' AND o.status = 'in_approval'
        GROUP BY f.id, f.status`,
    );
    expect(flows.some((f) => f.status === 'in_progress' && Number(f.initials) > 0)).to.equal(true);
    expect(flows.some((f) => f.status === 'returned' && Number(f.comments) > 0)).to.equal(true);
    expect(flows.some((f) => f.status === 'approved')).to.equal(true);
    const [templates] = await query<{ n: number }>('SELECT COUNT(*) AS n FROM approval_templates');
    expect(Number(templates.n)).to.be.at.least(2);
    // Hỏa tốc, and sent to another agency of the deployment (arrived in its clerk's queue).
    const [urgent] = await query<{ n: number }>(
      "SELECT COUNT(*) AS n FROM outgoing_documents WHERE status = 'issued' AND urgency >= 3",
    );
    expect(Number(urgent.n), 'hỏa tốc issued').to.be.at.least(1);
    const [arrived] = await query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM outgoing_recipients r JOIN outgoing_documents o ON o.id = r.outgoingId
        WHERE o.status = 'issued' AND r.recipientAgencyId IS NOT NULL AND r.status = '01'`,
    );
    expect(Number(arrived.n), 'dispatched within the deployment').to.be.at.least(1);

    // The issued document's page shows its number; its last signed file carries the leader's
    // signature and the seal's.
    const [issued] = await query<{ id: number; codeNumber: number; codeNotation: string }>(
      "SELECT id, codeNumber, codeNotation FROM outgoing_documents WHERE status = 'issued' AND codeNumber IS NOT NULL ORDER BY id LIMIT 1",
    );
    const [file] = await query<{ id: number }>(
      `SELECT id FROM document_files WHERE documentKind = 'outgoing' AND documentId = ${Number(issued.id)}
          AND role = 'signed' ORDER BY id DESC LIMIT 1`,
    );
    const session = await signIn('vanthu');
    const page = await fetch(`${url}/outgoing/${issued.id}`, { headers: { cookie: session } });
    expect(page.status).to.equal(200);
    const number = `${String(issued.codeNumber).padStart(2, '0')}/${issued.codeNotation}`;
    expect(await page.text()).to.contain(number);
    const pdf = await fetch(`${url}/outgoing/${issued.id}/files/${file.id}`, {
      headers: { cookie: session },
    });
    expect(pdf.status).to.equal(200);
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).to.equal('%PDF-');
    expect(bytes.toString('latin1').match(/\/ByteRange/g)).to.have.length(2);
  });

  it('holds meetings: one held with signed minutes and tasks, one under way, one coming', async () => {
    const meetings = await query<{ id: number; status: string }>(
      'SELECT id, status FROM meetings ORDER BY id',
    );
    expect(meetings.map((m) => m.status)).to.include.members([
      'closed',
      'in_progress',
      'published',
    ]);
    const [rooms] = await query<{ n: number }>('SELECT COUNT(*) AS n FROM meeting_rooms');
    expect(Number(rooms.n)).to.be.at.least(1);
    const [minutes] = await query<{ status: string }>(
      `SELECT mm.status FROM meeting_minutes mm JOIN meetings m ON m.id = mm.meetingId
        WHERE m.status = 'closed'`,
    );
    expect(minutes.status).to.equal('signed');
    const [tasks] = await query<{ n: number }>('SELECT COUNT(*) AS n FROM meeting_tasks');
    expect(Number(tasks.n)).to.be.at.least(1);
    const [documents] = await query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM meeting_item_documents d JOIN meetings m ON m.id = d.meetingId
        WHERE m.status = 'published'`,
    );
    expect(Number(documents.n), 'documents of the coming meeting').to.be.at.least(1);
    const [answered] = await query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM meeting_participants p JOIN meetings m ON m.id = p.meetingId
        WHERE m.status = 'published' AND p.rsvp <> 'pending'`,
    );
    expect(Number(answered.n), 'answers to the coming meeting').to.be.at.least(1);
    const session = await signIn('chutich');
    const list = await fetch(`${url}/meetings`, { headers: { cookie: session } });
    expect(list.status).to.equal(200);
    const coming = meetings.find((m) => m.status === 'published')!;
    expect(await list.text()).to.contain(`/meetings/${coming.id}`);
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
