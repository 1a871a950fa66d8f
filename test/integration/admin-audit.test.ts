import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { Sequelize } from 'sequelize';
import { csrfTokenOf } from '../factories/index.js';
import { E2E_ADMIN, E2E_PASSWORD, startServer, type E2EServer } from '../helpers/e2e-server.js';

/**
 * A forged audit row breaks the chain for good, so this runs the real server on its own SQLite
 * database instead of the suite's shared one (whose chain other tests verify).
 */
describe('audit page on a tampered log', function () {
  this.timeout(180_000);
  let server: E2EServer | null = null;

  before(async function () {
    if (process.env.TEST_DB_NAME === 'mysql') this.skip(); // same code path; the server runs on SQLite
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  it('says the chain is intact, then names the first forged row', async () => {
    const agent = request.agent(server!.baseUrl);
    const login = await agent.get('/login');
    const signedIn = await agent
      .post('/login')
      .type('form')
      .send({
        _csrf: csrfTokenOf(login.text),
        username: E2E_ADMIN.username,
        password: E2E_PASSWORD,
      });
    expect(signedIn.status).to.equal(303);

    const intact = await agent.get('/admin/audit/verify');
    expect(intact.status).to.equal(200);
    expect(intact.text).to.match(/Chuỗi nhật ký toàn vẹn \(\d+ bản ghi\)/);

    // Inserting is what the append-only triggers still allow; a row with a made-up hash.
    const sequelize = new Sequelize({
      dialect: 'sqlite',
      storage: path.join(server!.dir, 'e2e.sqlite'),
      logging: false,
    });
    let forgedId: number;
    try {
      await sequelize.query(
        "INSERT INTO audit_logs (occurredAt, action, prevHash, hash) VALUES (datetime('now'), 'user.create', ?, ?)",
        { replacements: ['a'.repeat(64), 'b'.repeat(64)] },
      );
      const [rows] = await sequelize.query(
        "SELECT MAX(id) AS id FROM audit_logs WHERE hash = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'",
      );
      forgedId = Number((rows as { id: number }[])[0].id);
    } finally {
      await sequelize.close();
    }
    const broken = await agent.get('/admin/audit/verify');
    expect(broken.status).to.equal(200);
    expect(broken.text).to.contain(`Chuỗi nhật ký bị phá vỡ tại bản ghi #${forgedId}`);
    expect(broken.text).to.not.contain('Chuỗi nhật ký toàn vẹn');

    const cli = await server!.cli(['audit:verify']);
    expect(cli.code).to.equal(1);
    expect(cli.stderr).to.contain(`#${forgedId}`);
  });
});
