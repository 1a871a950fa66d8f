import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { connect, createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildAgency, buildUser } from '../factories/index.js';
import { ROOT_DIR } from '../../src/paths.js';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

/** The server as deployed (src/server.ts) with two worker processes, on the test database. */
async function startCluster(ctx: TestContext): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'src/server.ts')], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: ctx.config.databaseUrl,
      STORAGE_DIR: ctx.config.storageDir,
      SESSION_SECRET: 'cluster-test-secret',
      LOG_LEVEL: 'silent',
      PORT: String(port),
      WEB_CONCURRENCY: '2',
      // The test database is shared with the other suites: no reminders written into it.
      DAILY_REMINDER_AT: '',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    const up = await fetch(`${url}/login`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { url, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('The cluster did not answer');
}

/** A request on a connection of its own (agent: false), so the cluster gives it to the next worker. */
function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; cookies: string[]; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, cookies: res.headers['set-cookie'] ?? [], text }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** One sign-in attempt with a wrong password, each request on a new connection. */
async function attempt(url: string): Promise<number> {
  const page = await send(`${url}/login`);
  const cookie = page.cookies.map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
  const res = await send(`${url}/login`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      _csrf: csrf,
      username: 'khong-ton-tai',
      password: 'sai-mat-khau',
    }).toString(),
  });
  return res.status;
}

describe('cluster mode (WEB_CONCURRENCY=2)', function () {
  this.timeout(120_000);
  let ctx: TestContext;
  let server: { url: string; child: ChildProcess } | null = null;
  before(async () => {
    ctx = await testApp();
    // The server leads everything to the setup form until an agency and its administrator exist.
    await buildUser(await buildAgency(), ['admin']);
    server = await startCluster(ctx);
  });
  after(async () => {
    if (!server) return;
    const exited = new Promise((r) => server!.child.once('exit', r));
    server.child.kill('SIGTERM');
    await exited;
  });

  it('serves from two workers and counts sign-in attempts once for the whole cluster', async () => {
    // The sign-in limit is 30 attempts per address; with a count per worker the 31st would pass.
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push(await attempt(server!.url));
    const refusedOnce = statuses.slice(0, 30).every((s) => s >= 400 && s < 500 && s !== 429);
    expect(refusedOnce).to.equal(true, statuses.join(','));
    expect(statuses[30]).to.equal(429);
  });

  it('answers a request too long for the HTTP parser with a Vietnamese page (431), and a malformed one with 400', async () => {
    const long = await send(`${server!.url}/incoming?q=${'a'.repeat(20_000)}`);
    expect(long.status).to.equal(431);
    expect(long.text).to.contain('quá dài');
    expect(long.text).to.contain('<html lang="vi">');
    const malformed = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(server!.url).port), '127.0.0.1', () =>
        socket.end('GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n'),
      );
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(malformed).to.match(/^HTTP\/1\.1 400 /);
    expect(malformed).to.contain('không đúng định dạng');
  });

  it('stops every worker and the primary on SIGTERM', async () => {
    const { child, url } = server!;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).to.equal(0);
    server = null;
    const refused = await fetch(`${url}/login`).then(
      () => false,
      () => true,
    );
    expect(refused).to.equal(true);
  });
});
