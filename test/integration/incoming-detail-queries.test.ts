import { expect } from 'chai';
import { db } from '../../src/db/index.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildOffice, postForm, registerThroughForm, signInAll } from './incoming-helpers.js';

/**
 * The detail page asks the outgoing domain where a document came from only when its trail says
 * it was registered from a delivery (the deliveries' own tests show the origin on those pages).
 */
describe('incoming detail page reads', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  it('does not look up a delivery origin for a document registered by hand; trail and comments show', async () => {
    const office = await buildOffice();
    const [clerk] = await signInAll(ctx, [office.clerk]);
    const id = await registerThroughForm(clerk, {});
    await postForm(clerk, `/incoming/${id}/comments`, { body: 'Ghi chú của văn thư.' });
    // Sequelize's query log sees every statement: Sequelize's own, rawSelect's and the ones
    // sent together (selectTogether, the audit rows' own transaction on MariaDB).
    const queries: string[] = [];
    const options = (db() as unknown as { options: { logging: unknown } }).options;
    const saved = options.logging;
    options.logging = (sql: string) => queries.push(sql);
    try {
      const page = await clerk.session.agent.get(`/incoming/${id}`);
      expect(page.status).to.equal(200);
      expect(page.text).to.include('Ghi chú của văn thư.');
      expect(page.text).not.to.include('data-testid="delivery-origin"');
    } finally {
      options.logging = saved;
    }
    // The log sees the view's audit row...
    expect(queries.some((sql) => /INSERT INTO audit_logs/.test(sql))).to.equal(true);
    // ...and none of the origin's.
    expect(queries.filter((sql) => /outgoing_recipients/.test(sql))).to.deep.equal([]);
  });
});
