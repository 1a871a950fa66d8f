import { readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import { listenApp } from '../../src/http/listen.js';
import { buildAgency } from '../factories/index.js';
import { testApp } from '../helpers/test-app.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sourceFiles(path.join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [path.join(dir, e.name)]
        : [],
  );
}

function get(port: number, target: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: target }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('a request line too long for the HTTP parser', () => {
  let server: Server;
  let port: number;
  before(async () => {
    const ctx = await testApp();
    await buildAgency();
    server = listenApp(ctx.app, 0);
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  it('answers 431 with a Vietnamese page, and a long but ordinary search link still reaches the app', async () => {
    const tooLong = await get(port, `/incoming?q=${'x'.repeat(20_000)}`);
    expect(tooLong.status).to.equal(431);
    expect(tooLong.body)
      .to.contain('Địa chỉ hoặc phần đầu của yêu cầu quá dài')
      .and.contain('lang="vi"');
    // The API's callers get its JSON error, not a page.
    const api = await get(port, `/api/v1/incoming?q=${'x'.repeat(27_000)}`);
    expect(api.status).to.equal(431);
    const parsed = JSON.parse(api.body) as { error: { code: string; message: string } };
    expect(parsed.error.code).to.equal('REQUEST_TOO_LONG');
    expect(parsed.error.message).to.contain('quá dài');
    const ordinary = await get(port, `/login?q=${'x'.repeat(8_000)}`);
    expect(ordinary.status).to.equal(200);
  });

  it('is served this way by every entry point: nothing in src/ listens but listenApp', () => {
    const own = sourceFiles(path.resolve('src'))
      .filter((f) => !f.endsWith(path.join('http', 'listen.ts')))
      .filter((f) => /\.listen\(/.test(readFileSync(f, 'utf8')))
      .map((f) => path.relative('src', f));
    expect(own).to.deep.equal([]);
  });
});
