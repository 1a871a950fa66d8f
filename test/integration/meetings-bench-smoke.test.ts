import { expect } from 'chai';
import { runMeetingBench } from '../../bench/meeting/meeting-bench.js';
import { testApp } from '../helpers/test-app.js';

describe('bench:meeting smoke (tiny numbers): the harness delivers to every client', function () {
  this.timeout(180_000);

  it('every stream gets each item change and the vote result; every ballot is accepted', async () => {
    const ctx = await testApp();
    const figures = await runMeetingBench({
      databaseUrl: ctx.config.databaseUrl,
      redisUrl: process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379',
      clients: 12,
      voters: 6,
      clientProcs: 2,
      // SQLite has one writer at a time: one server process there; two (a cluster) on MariaDB.
      workers: ctx.dialect === 'mysql' ? 2 : 1,
      rounds: 2,
      voteWindowMs: 500,
    });
    expect(figures.clients).to.include({ asked: 12, connected: 12, failed: 0 });
    expect(figures.rounds.map((r) => [r.delivered, r.missing])).to.deep.equal([
      [12, 0],
      [12, 0],
    ]);
    expect(figures.delivery.p99).to.be.a('number').and.be.at.least(0);
    expect(figures.vote).to.include({ asked: 6, accepted: 6, refused: 0 });
    expect(figures.vote).to.include({ resultDelivered: 12, resultMissing: 0 });
  });
});
