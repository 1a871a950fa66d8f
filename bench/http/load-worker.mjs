// Generates load in a child process (forked by run.ts), so the load generator does not share the
// event loop of the app being measured. It receives its plan as one message:
//   { base, entries: [{ kind, path, cookie? }], connections, duration, warmup }
// and keeps `connections` requests in flight over keep-alive connections: connection c sends
// entries c, c + connections, c + 2·connections, … in turn (wrapping around), so every entry —
// one person's session asking for one page — is sent, as people at their desks would.
// Each response's time is recorded under its entry's kind ("list", "detail", …) for exact
// percentiles; a response that is not 2xx/3xx counts as a failure of its kind (first ones kept).
import http from 'node:http';

const percentile = (sorted, p) =>
  sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
    : NaN;

function request(agent, base, entry) {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = http.request(
      `${base}${entry.path}`,
      { agent, headers: entry.cookie ? { cookie: entry.cookie } : {} },
      (res) => {
        let bytes = 0;
        let head = '';
        res.on('data', (chunk) => {
          bytes += chunk.length;
          if (res.statusCode >= 400 && head.length < 300) head += chunk.toString('utf8');
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            ms: performance.now() - started,
            bytes,
            head: res.headers.location ? `→ ${res.headers.location}` : head,
          }),
        );
        res.on('error', () => resolve({ status: 0, ms: performance.now() - started, bytes }));
      },
    );
    req.on('error', (err) =>
      resolve({ status: 0, ms: performance.now() - started, bytes: 0, head: String(err) }),
    );
    req.end();
  });
}

// A request's shape: who asked and the path without its numbers and words.
const shapeOf = (entry) =>
  `${entry.who ?? '?'} ${entry.path.replace(/\d+/g, 'N').replace(/([?&]q=)[^&]*/, '$1…')}`;

/** Of the requests at or above p95, how many of each shape, beside that shape's share of all. */
function slowestShapes(timed, p95) {
  const all = new Map();
  const slow = new Map();
  for (const [ms, shape] of timed) {
    all.set(shape, (all.get(shape) ?? 0) + 1);
    if (ms >= p95) slow.set(shape, (slow.get(shape) ?? 0) + 1);
  }
  const slowTotal = [...slow.values()].reduce((a, v) => a + v, 0) || 1;
  return [...slow]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([shape, n]) => ({
      shape,
      ofSlow: n / slowTotal,
      ofAll: all.get(shape) / timed.length,
    }));
}

async function run({ base, entries, connections, duration }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const byKind = new Map();
  const stats = (kind) => {
    let s = byKind.get(kind);
    if (!s) byKind.set(kind, (s = { latencies: [], failed: 0, bytes: 0, failures: [], timed: [] }));
    return s;
  };
  const started = performance.now();
  const endAt = started + duration * 1000;
  const loops = Array.from({ length: connections }, async (_, c) => {
    for (let i = c, turn = 0; performance.now() < endAt; i += connections) {
      if (i >= entries.length) i = (c + ++turn) % entries.length;
      const entry = entries[i % entries.length];
      const r = await request(agent, base, entry);
      const s = stats(entry.kind);
      s.latencies.push(r.ms);
      s.timed.push([r.ms, shapeOf(entry)]);
      s.bytes += r.bytes;
      // Every request of the plan is a page its person may see: a redirect (to the sign-in form,
      // when a session was lost) is a failure, not a fast answer.
      if (r.status < 200 || r.status >= 300) {
        s.failed += 1;
        if (s.failures.length < 3) s.failures.push(`${r.status} ${entry.path}: ${r.head ?? ''}`);
      }
    }
  });
  await Promise.all(loops);
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  const kinds = {};
  for (const [kind, s] of byKind) {
    s.latencies.sort((a, b) => a - b);
    kinds[kind] = {
      total: s.latencies.length,
      requestsPerSec: s.latencies.length / seconds,
      failed: s.failed,
      failures: s.failures,
      p50: percentile(s.latencies, 50),
      p95: percentile(s.latencies, 95),
      p99: percentile(s.latencies, 99),
      mean: s.latencies.reduce((a, v) => a + v, 0) / (s.latencies.length || 1),
      slowest: slowestShapes(s.timed, percentile(s.latencies, 95)),
      bytes: s.bytes,
    };
  }
  const total = Object.values(kinds).reduce((a, k) => a + k.total, 0);
  return { seconds, total, requestsPerSec: total / seconds, kinds };
}

process.once('message', async (plan) => {
  if (plan.warmup > 0) {
    const warm = await run({
      ...plan,
      connections: Math.min(10, plan.connections),
      duration: plan.warmup,
    });
    process.send({ phase: 'warm', total: warm.total });
  }
  process.send({ phase: 'done', ...(await run(plan)) });
  process.disconnect();
});
