import { expect } from 'chai';
import { ChangeKeyedCache } from '../../src/db/change-keyed-cache.js';

/** A computation that counts its calls and answers { n: call number }. */
function counter() {
  let calls = 0;
  const compute = async () => ({ n: ++calls });
  return { compute, calls: () => calls };
}

describe('ChangeKeyedCache', () => {
  it('computes once for the same key and count, even when asked concurrently', async () => {
    const cache = new ChangeKeyedCache<{ n: number }>(10);
    const { compute, calls } = counter();
    const results = await Promise.all([1, 2, 3].map(() => cache.get(7, 'a', compute)));
    expect(results.map((r) => r.n)).to.deep.equal([1, 1, 1]);
    expect((await cache.get(7, 'a', compute)).n).to.equal(1);
    expect((await cache.get(7, 'b', compute)).n).to.equal(2);
    expect(calls()).to.equal(2);
  });

  it('drops everything when the count moves on', async () => {
    const cache = new ChangeKeyedCache<{ n: number }>(10);
    const { compute } = counter();
    await cache.get(1, 'a', compute);
    await cache.get(1, 'b', compute);
    expect(cache.size).to.equal(2);
    expect((await cache.get(2, 'a', compute)).n).to.equal(3);
    expect(cache.size).to.equal(1);
  });

  it('answers an older count without keeping the result', async () => {
    const cache = new ChangeKeyedCache<{ n: number }>(10);
    const { compute } = counter();
    await cache.get(5, 'a', compute);
    expect((await cache.get(4, 'a', compute)).n).to.equal(2);
    expect((await cache.get(5, 'a', compute)).n).to.equal(1);
    expect(cache.size).to.equal(1);
  });

  it('does not keep a failed computation', async () => {
    const cache = new ChangeKeyedCache<{ n: number }>(10);
    let fail = true;
    const compute = async () => {
      if (fail) throw new Error('database away');
      return { n: 1 };
    };
    let error: unknown;
    await cache.get(1, 'a', compute).catch((e: unknown) => (error = e));
    expect(String(error)).to.contain('database away');
    fail = false;
    expect((await cache.get(1, 'a', compute)).n).to.equal(1);
  });

  it('caches nothing without a count, with a count that is not an integer, or with no room', async () => {
    const { compute, calls } = counter();
    const cache = new ChangeKeyedCache<{ n: number }>(10);
    await cache.get(undefined, 'a', compute);
    await cache.get(undefined, 'a', compute);
    await cache.get(Number.NaN, 'a', compute);
    const off = new ChangeKeyedCache<{ n: number }>(0);
    await off.get(1, 'a', compute);
    await off.get(1, 'a', compute);
    expect(calls()).to.equal(5);
    expect(cache.size + off.size).to.equal(0);
  });

  it('keeps at most maxEntries results, the least recently used going first', async () => {
    const cache = new ChangeKeyedCache<{ n: number }>(2);
    const { compute } = counter();
    await cache.get(1, 'a', compute);
    await cache.get(1, 'b', compute);
    await cache.get(1, 'a', compute);
    await cache.get(1, 'c', compute);
    expect(cache.size).to.equal(2);
    expect((await cache.get(1, 'a', compute)).n).to.equal(1);
    expect((await cache.get(1, 'b', compute)).n).to.equal(4);
  });

  it('hands out frozen results, so one request cannot change what the next one sees', async () => {
    const cache = new ChangeKeyedCache<{ rows: { subject: string }[] }>(10);
    const value = await cache.get(1, 'a', async () => ({ rows: [{ subject: 'gốc' }] }));
    expect(() => {
      value.rows[0].subject = 'đã sửa';
    }).to.throw(TypeError);
    expect(() => value.rows.push({ subject: 'thêm' })).to.throw(TypeError);
    expect((await cache.get(1, 'a', async () => ({ rows: [] }))).rows[0].subject).to.equal('gốc');
  });
});
