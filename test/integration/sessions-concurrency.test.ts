import { expect } from 'chai';
import { testApp } from '../helpers/test-app.js';
import { buildAgency, buildUser, loginAs } from '../factories/index.js';
import { DatabaseSessionStore } from '../../src/auth/session-store.js';
import { Session } from '../../src/auth/session.model.js';
import { db } from '../../src/db/index.js';

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

describe('session reads', () => {
  type Logging = false | ((sql: string) => void);
  const get = (store: DatabaseSessionStore, sid: string) =>
    new Promise<Record<string, unknown> | null>((resolve, reject) =>
      store.get(sid, (err, data) => (err ? reject(err) : resolve((data ?? null) as never))),
    );

  it('reads the sessions asked for together in one SELECT, each caller with its own copy', async () => {
    const ctx = await testApp();
    const agency = await buildAgency();
    const [alice, bob, carol] = await Promise.all(
      [0, 1, 2].map(() => buildUser(agency, ['specialist'])),
    );
    for (const user of [alice, bob, carol]) await loginAs(ctx.app, user);
    const sidOf = async (userId: number) =>
      (await Session.findOne({ where: { userId }, order: [['createdAt', 'DESC']] }))!.sid;
    const [a, b, c] = await Promise.all([alice, bob, carol].map((u) => sidOf(u.id)));
    await Session.update({ expires: new Date(Date.now() - 1000) }, { where: { sid: c } });

    const store = new DatabaseSessionStore(db(), 3600_000);
    const options = (db() as unknown as { options: { logging: Logging } }).options;
    const saved = options.logging;
    const statements: string[] = [];
    options.logging = (sql: string) => statements.push(sql);
    let results: (Record<string, unknown> | null)[];
    try {
      results = await Promise.all([a, b, a, c, 'no-such-session'].map((sid) => get(store, sid)));
    } finally {
      options.logging = saved;
    }
    expect(statements.filter((sql) => /FROM sessions/.test(sql))).to.have.length(1);
    const [first, second, again, expired, unknown] = results;
    expect(first!.userId).to.equal(alice.id);
    expect(second!.userId).to.equal(bob.id);
    expect(again!.userId).to.equal(alice.id);
    expect(again, 'the same session read twice is two objects').to.not.equal(first);
    expect(expired).to.equal(null);
    expect(unknown).to.equal(null);
  });
});
