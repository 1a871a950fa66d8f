import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { AccessToken } from '../../src/users/user.model.js';
import { createAccessToken } from '../../src/users/users.service.js';
import { testApp } from '../helpers/test-app.js';
import { listRoutes } from '../helpers/routes.js';
import { routeKey, useMatrixWorld } from '../helpers/matrix-suite.js';
import { ACTORS, type MatrixWorld } from '../helpers/matrix-actors.js';
import { docAt } from '../helpers/matrix-fixtures.js';
import { runCase } from '../helpers/matrix-runner.js';
import { MATRIX } from '../helpers/matrix-table.js';
import {
  CHANGES_NOT_AUDITED,
  DOCUMENT_READS,
  GETS_THAT_CHANGE,
  NOT_DOCUMENT_READS,
} from '../helpers/matrix-audit.js';
import { verifyAuditChain } from '../../src/audit/audit.service.js';

describe('Policy matrix: every route, every role', function () {
  this.timeout(120_000);
  let world: MatrixWorld;
  let requests = 0;
  useMatrixWorld((w) => (world = w));

  after(() => {
    const cases = MATRIX.reduce((n, e) => n + e.cases.length, 0);
    console.log(
      `      policy matrix: ${MATRIX.length} routes, ${cases} cases, ${ACTORS.length} actors, ${requests} requests`,
    );
  });

  it('has exactly one entry for every route the app answers', async () => {
    const { app } = await testApp();
    const routes = new Set(listRoutes(app).map((r) => routeKey(r.method, r.path)));
    const table = MATRIX.map((e) => routeKey(e.method, e.path));
    expect(table.length, 'duplicate entries in the matrix').to.equal(new Set(table).size);
    const missing = [...routes].filter((r) => !table.includes(r));
    const stale = table.filter((r) => !routes.has(r));
    expect({ missing, stale }).to.deep.equal({ missing: [], stale: [] });
    expect(MATRIX.every((e) => e.cases.length > 0)).to.equal(true);
  });

  it('says of every GET route whether it reads a document (audited) or why not', async () => {
    const { app } = await testApp();
    const routes = listRoutes(app).map((r) => routeKey(r.method, r.path));
    const gets = routes.filter((r) => r.startsWith('GET '));
    const reads = Object.keys(DOCUMENT_READS);
    const others = Object.keys(NOT_DOCUMENT_READS);
    const unsaid = gets.filter((r) => !reads.includes(r) && !others.includes(r));
    const both = reads.filter((r) => others.includes(r));
    const listed = [CHANGES_NOT_AUDITED, GETS_THAT_CHANGE].flatMap((m) => Object.keys(m));
    const stale = [...reads, ...others, ...listed].filter((r) => !routes.includes(r));
    expect({ unsaid, both, stale }).to.deep.equal({ unsaid: [], both: [], stale: [] });
  });

  for (const entry of MATRIX) {
    for (const c of entry.cases) {
      const who =
        c.allowed.length === ACTORS.length ? 'everyone' : c.allowed.join(', ') || 'nobody';
      it(`${entry.method} ${entry.path}${c.label ? ` (${c.label})` : ''}: ${who} may, the others may not`, async () => {
        const result = await runCase(world, entry, c);
        requests += result.requests;
        expect(result.problems, result.problems.join('\n')).to.deep.equal([]);
      });
    }
  }

  it('leaves the audit chain intact after every route', async () => {
    const result = await verifyAuditChain();
    expect(result, JSON.stringify(result)).to.include({ intact: true });
  });

  describe("what one may reach is only one's own agency's", () => {
    const page = (actor: 'clerk' | 'foreignClerk' | 'admin' | 'foreignAdmin', url: string) =>
      world.sessions[actor].agent.get(url);

    it("another agency's clerk finds none of this agency's documents in the list, the API or the register", async () => {
      const subject = `Kiểm tra cách ly ${randomUUID().slice(0, 8)}`;
      const { doc } = await docAt(world, 'registered', { subject });
      const list = `/incoming?tab=all&q=${encodeURIComponent(subject)}`;
      // The search box echoes the query, so look for the row's link.
      const link = `href="/incoming/${doc.id}"`;
      expect((await page('clerk', list)).text, 'control: own clerk sees it').to.include(link);
      expect((await page('foreignClerk', list)).text).not.to.include(link);
      const api = await request(world.app)
        .get(`/api/v1/incoming?tab=all&q=${encodeURIComponent(subject)}`)
        .set('Authorization', `Bearer ${world.tokens.foreignClerk}`);
      expect(api.status).to.equal(200);
      expect(api.body.items.map((i: { id: number }) => i.id)).not.to.include(doc.id);
      const register = await page('foreignClerk', '/registers?kind=incoming&page=1000');
      expect(register.status).to.equal(200);
      expect(register.text).not.to.include(subject);
    });

    it("another agency's administrator sees none of this agency's people, departments or audit entries", async () => {
      const { doc } = await docAt(world, 'registered');
      // (The part after "u_": an escaped "_" in LIKE finds nothing on SQLite.)
      const users = `/admin/users?q=${world.users.clerk.username.slice(2)}`;
      const edit = `/admin/users/${world.users.clerk.id}/edit`;
      expect((await page('admin', users)).text, 'control').to.include(edit);
      expect((await page('foreignAdmin', users)).text).not.to.include(edit);
      expect((await page('admin', '/admin/departments')).text, 'control').to.include(
        world.deptD.name,
      );
      expect((await page('foreignAdmin', '/admin/departments')).text).not.to.include(
        world.deptD.name,
      );
      const audit = `/admin/audit?entityType=incoming&entityId=${doc.id}`;
      // The registration's row, as the audit page words it.
      const row = `Vào sổ văn bản đến số ${doc.arrivalNumber}<`;
      expect((await page('admin', audit)).text, 'control').to.include(row);
      const foreign = await page('foreignAdmin', audit);
      expect(
        foreign.text,
        `GET ${audit} as another agency's admin shows this agency's audit rows`,
      ).not.to.include(row);
    });

    it("one's own token only: revoking another person's token is not found and keeps it", async () => {
      const { record } = await createAccessToken(world.users.leader, 'của lãnh đạo', {
        userId: world.users.leader.id,
        ip: null,
      });
      const res = await world.sessions.clerk.agent
        .post(`/profile/tokens/${record.id}/revoke`)
        .type('form')
        .send({ _csrf: world.sessions.clerk.csrf });
      expect(res.status).to.equal(404);
      expect(await AccessToken.count({ where: { id: record.id } })).to.equal(1);
    });
  });
});
