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
      // Someone with the database's rights lifts the trigger and removes the newest row (the
      // sign-in above): the shorter chain still links, but the chain head names the lost row.
      const [[newest]] = (await sequelize.query(
        'SELECT * FROM audit_logs ORDER BY id DESC LIMIT 1',
      )) as [Record<string, unknown>[], unknown];
      await sequelize.query('DROP TRIGGER audit_logs_no_delete');
      await sequelize.query('DELETE FROM audit_logs WHERE id = ?', { replacements: [newest.id] });
      const truncated = await agent.get('/admin/audit/verify');
      expect(truncated.text).to.contain(
        `Chuỗi nhật ký bị phá vỡ tại bản ghi #${newest.id} (chuỗi kết thúc trước bản ghi cuối cùng`,
      );
      const truncatedCli = await server!.cli(['audit:verify']);
      expect(truncatedCli.code).to.equal(1);
      expect(truncatedCli.stderr).to.contain(`#${newest.id}`);
      // Put back as it was, the chain is whole again.
      const columns = Object.keys(newest);
      await sequelize.query(
        `INSERT INTO audit_logs (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
        { replacements: columns.map((c) => newest[c]) },
      );
      await sequelize.query(
        "CREATE TRIGGER audit_logs_no_delete BEFORE DELETE ON audit_logs BEGIN SELECT RAISE(ABORT, 'audit_logs is append-only'); END",
      );
      expect((await agent.get('/admin/audit/verify')).text).to.match(/Chuỗi nhật ký toàn vẹn/);

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
