import { expect } from 'chai';
import { JobStopped, LimitedPool } from '../../src/files/worker-pool.js';

describe('worker pool with limits (untrusted files off the event loop)', function () {
  this.timeout(20_000);
  const pool = new LimitedPool(new URL('../fixtures/stubborn.worker.ts', import.meta.url), {
    threads: 1,
    timeoutMs: 500,
    memoryMb: 32,
    maxQueue: 4,
  });
  after(() => pool.destroy());

  async function stopReason(job: Promise<unknown>): Promise<string> {
    try {
      await job;
    } catch (err) {
      expect(err).to.be.instanceOf(JobStopped);
      return (err as JobStopped).reason;
    }
    throw new Error('expected the job to be stopped');
  }

  it('kills a job that runs past its time and serves the next job on a fresh worker', async () => {
    const ticks: number[] = [];
    const timer = setInterval(() => ticks.push(Date.now()), 20);
    try {
      expect(await stopReason(pool.run('hang', null))).to.equal('timeout');
    } finally {
      clearInterval(timer);
    }
    // The event loop kept turning while the worker was stuck.
    expect(ticks.length).to.be.greaterThan(5);
    expect(await pool.run('echo', 'after the hang')).to.equal('after the hang (thread answered)');
  });

  it('reports a job whose worker runs out of heap as memory, then answers again', async () => {
    expect(await stopReason(pool.run('bloat', null))).to.equal('memory');
    expect(await pool.run('echo', 'after the bloat')).to.equal('after the bloat (thread answered)');
  });

  it('times a job from when it starts, not while it waits behind a stuck one', async () => {
    const stuck = stopReason(pool.run('hang', null));
    // Queued behind the hang for about the whole time limit, then done at once.
    const queued = pool.run('echo', 'queued');
    expect(await stuck).to.equal('timeout');
    expect(await queued).to.equal('queued (thread answered)');
  });
});
