import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { listRoutes } from '../helpers/routes.js';
import { buildAgency, buildUser } from '../factories/index.js';
import { makePdf } from '../fixtures/pdf.js';
import { errorHandler } from '../../src/http/error-handler.js';
import { MULTIPART_PARSER } from '../../src/http/uploads.js';
import { OutgoingDocument } from '../../src/outgoing/outgoing.model.js';
import { createAccessToken } from '../../src/users/users.service.js';

const NUL_MESSAGE = /ký tự NUL/;
const SRC = path.resolve('src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sourceFiles(path.join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [path.join(dir, e.name)]
        : [],
  );
}

/**
 * Every multipart body is read by the one upload kit (src/http/uploads.ts), which refuses a NUL
 * byte in a field or a file name as the JSON and form bodies are refused: 400 NUL_BYTE in
 * Vietnamese. A route with its own multer let NUL bytes into the database.
 */
describe('multipart bodies: every route refuses a NUL byte', function () {
  this.timeout(60_000);
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  it('reads multipart only through the kit (no module builds its own multer parser)', () => {
    const own = sourceFiles(SRC)
      .filter((f) => !f.endsWith(path.join('http', 'uploads.ts')))
      .filter((f) => /^import multer\b|multer\(/m.test(readFileSync(f, 'utf8')))
      .map((f) => path.relative(SRC, f));
    expect(own).to.deep.equal([]);
    const raw = listRoutes(ctx.app)
      .filter((r) => r.handlers.some((h) => h.name === 'multerMiddleware'))
      .map((r) => `${r.method} ${r.path}`);
    expect(raw).to.deep.equal([]);
  });

  it("refuses a NUL in a field with each multipart route's own parser", async () => {
    const routes = listRoutes(ctx.app).filter((r) =>
      r.handlers.some((h) => (h as unknown as Record<symbol, unknown>)[MULTIPART_PARSER]),
    );
    // The registration and edXML forms, drafts and versions (pages and API), agenda documents,
    // task completion, certificates and the public verification page at least.
    expect(routes.length).to.be.at.least(10);
    expect(routes.map((r) => r.path)).to.include.members([
      '/api/v1/outgoing/',
      '/api/v1/outgoing/:id/versions',
      '/incoming',
      '/verify',
    ]);
    const silent = pino({ level: 'silent' });
    for (const route of routes) {
      const parser = route.handlers.find(
        (h) => (h as unknown as Record<symbol, unknown>)[MULTIPART_PARSER],
      )!;
      const app = express();
      app.post('/', parser as express.RequestHandler, (_req, res) => {
        res.status(200).json({ accepted: true });
      });
      app.use(errorHandler(silent));
      for (const send of [
        (r: request.Test) => r.field('subject', 'a\u0000b'),
        (r: request.Test) => r.field('note', 'x').field('title', '\u0000'),
      ]) {
        const res = await send(request(app).post('/').set('Accept', 'application/json'));
        const where = `${route.method} ${route.path}`;
        expect(res.status, where).to.equal(400);
        expect(res.body.error.code, where).to.equal('NUL_BYTE');
        expect(res.body.error.message, where).to.match(NUL_MESSAGE);
      }
    }
  });

  it('refuses a NUL in a draft uploaded through the API, saving nothing', async () => {
    const agency = await buildAgency();
    const leader = await buildUser(agency, ['leader']);
    const specialist = await buildUser(agency, ['specialist']);
    const token = (await createAccessToken(specialist, 'test', { userId: specialist.id, ip: null }))
      .token;
    const pdf = await makePdf(1);
    const draft = (fields: Record<string, string>) => {
      let req = request(ctx.app).post('/api/v1/outgoing').set('Authorization', `Bearer ${token}`);
      for (const [k, v] of Object.entries({
        documentType: 'CV',
        subject: 'Về việc thử ký tự',
        signerId: String(leader.id),
        placeName: 'Hà Nội',
        ...fields,
      }))
        req = req.field(k, v);
      return req.attach('main', pdf, 'du-thao.pdf');
    };
    const before = await OutgoingDocument.count();
    const hostile: Record<string, string>[] = [{ subject: 'a\u0000b' }, { placeName: 'x\u0000y' }];
    for (const fields of hostile) {
      const res = await draft(fields);
      expect(res.status, res.text).to.equal(400);
      expect(res.body.error.code).to.equal('NUL_BYTE');
      expect(res.body.error.message).to.match(NUL_MESSAGE);
    }
    expect(await OutgoingDocument.count()).to.equal(before);
    // A clean draft is made, and its versions are read through the same kit.
    const made = await draft({});
    expect(made.status, made.text).to.equal(201);
    const version = await request(ctx.app)
      .post(`/api/v1/outgoing/${made.body.id}/versions`)
      .set('Authorization', `Bearer ${token}`)
      .field('note', 'a\u0000b')
      .attach('main', pdf, 'ban-moi.pdf');
    expect(version.status, version.text).to.equal(400);
    expect(version.body.error.code).to.equal('NUL_BYTE');
  });
});
