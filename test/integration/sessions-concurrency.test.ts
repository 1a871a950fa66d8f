import { expect } from 'chai';
import { testApp } from '../helpers/test-app.js';
import { buildAgency, buildUser, loginAs } from '../factories/index.js';

describe('concurrent sign-ins', () => {
  it('signs 20 users in at once without a database lock error', async () => {
    const ctx = await testApp();
    const agency = await buildAgency();
    const users = await Promise.all(Array.from({ length: 20 }, () => buildUser(agency, ['clerk'])));
    const results = await Promise.allSettled(users.map((u) => loginAs(ctx.app, u)));
    const failed = results
      .filter((r) => r.status === 'rejected')
      .map((r) => String((r as PromiseRejectedResult).reason));
    expect(failed).to.deep.equal([]);
  });
});
