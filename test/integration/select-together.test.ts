import { expect } from 'chai';
import { db } from '../../src/db/index.js';
import { rawSelect } from '../../src/db/raw-select.js';
import { selectTogether, type Select } from '../../src/db/select-together.js';
import { getIncomingDetail } from '../../src/incoming/incoming.detail.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildOffice, postForm, registerThroughForm, signInAll } from './incoming-helpers.js';

/**
 * selectTogether reads several SELECTs in one round trip (one packet of statements on MariaDB):
 * the rows must be exactly what rawSelect reads for each, with the same types, and only its own
 * connections may take several statements at once.
 */
describe('SELECTs read together', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  it('give each SELECT the rows rawSelect gives it, dates and nulls included, in order', async () => {
    const office = await buildOffice();
    const [clerk] = await signInAll(ctx, [office.clerk]);
    const id = await registerThroughForm(clerk, { promulgationDate: '2026-11-02' });
    await postForm(clerk, `/incoming/${id}/comments`, { body: 'Một ghi chú; có dấu chấm phẩy' });
    const since = new Date(Date.now() - 3600_000);
    const selects: Select[] = [
      { sql: 'SELECT * FROM incoming_documents WHERE id = ?', params: [id] },
      {
        sql: 'SELECT * FROM users WHERE agencyId = ? ORDER BY id',
        params: [office.clerk.agencyId],
      },
      {
        sql: 'SELECT id, body, createdAt FROM document_comments WHERE documentId = ? AND createdAt > ?',
        params: [id, since],
      },
      { sql: 'SELECT id FROM incoming_documents WHERE id = ?', params: [-1] },
    ];
    const together = await selectTogether(db(), selects);
    const apart = await Promise.all(selects.map((s) => rawSelect(db(), s.sql, s.params)));
    expect(together).to.deep.equal(apart);
    // The driver's own types (MariaDB gives Dates, SQLite its stored text), as rawSelect gives them.
    if (db().getDialect() === 'mysql') expect(together[0][0].arrivalDate).to.be.instanceOf(Date);
    expect(together[2].map((r) => r.body)).to.deep.equal(['Một ghi chú; có dấu chấm phẩy']);
    expect(together[3]).to.deep.equal([]);
  });

  it('keep values out of the statements (a value with ; and quotes is a value)', async () => {
    const hostile = "x'; DROP TABLE users; SELECT '";
    const [rows, users] = await selectTogether(db(), [
      { sql: 'SELECT ? AS echoed', params: [hostile] },
      { sql: 'SELECT COUNT(*) AS n FROM users', params: [] },
    ]);
    expect(rows[0].echoed).to.equal(hostile);
    expect(Number(users[0].n)).to.be.greaterThan(0);
    // A statement with its own ; is refused before anything is sent.
    let refused: unknown;
    await selectTogether(db(), [
      { sql: 'SELECT 1; SELECT 2', params: [] },
      { sql: 'SELECT 3', params: [] },
    ]).catch((err: unknown) => (refused = err));
    expect(String(refused)).to.match(/one statement/);
  });

  it('leave stacked statements refused on the connections everything else uses', async function () {
    if (db().getDialect() !== 'mysql') this.skip();
    let refused: unknown;
    await db()
      .query('SELECT 1; SELECT 2')
      .catch((err: unknown) => (refused = err));
    expect(String(refused)).to.match(/syntax/i);
  });

  it('read the detail page in one round trip on MariaDB, the audit row after it', async () => {
    const office = await buildOffice();
    const [clerk] = await signInAll(ctx, [office.clerk]);
    const id = await registerThroughForm(clerk, {});
    const logged: string[] = [];
    const options = (db() as unknown as { options: { logging: unknown } }).options;
    const before = options.logging;
    options.logging = (sql: string) => logged.push(sql);
    try {
      await getIncomingDetail(id, { user: office.clerk, ip: '127.0.0.1' }, { withTexts: true });
    } finally {
      options.logging = before;
    }
    const reads = logged.filter((sql) => /\bSELECT\b/.test(sql) && !/audit_chain_head/.test(sql));
    // The document with its people, grants, assignments, files with texts, trail, comments, the
    // text job, the reader's records files and its answers (văn bản trả lời): one packet on
    // MariaDB.
    const expected = db().getDialect() === 'mysql' ? 1 : 9;
    expect(reads, reads.join('\n')).to.have.length(expected);
    for (const table of [
      'incoming_documents',
      'incoming_assignments',
      'document_grants',
      'document_files',
      'document_events',
      'document_comments',
      'document_jobs',
      'records_files',
      'outgoing_documents',
    ])
      expect(reads.join('\n')).to.include(table);
    expect(logged.some((sql) => /INSERT INTO audit_logs/.test(sql))).to.equal(true);
  });
});
