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
          resolve({ status: res.statusCode, ms: performance.now() - started, bytes, head }),
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

async function run({ base, entries, connections, duration }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const byKind = new Map();
  const stats = (kind) => {
    let s = byKind.get(kind);
    if (!s) byKind.set(kind, (s = { latencies: [], failed: 0, bytes: 0, failures: [] }));
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
      s.bytes += r.bytes;
      if (r.status < 200 || r.status >= 400) {
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
