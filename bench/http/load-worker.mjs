// Generates load with autocannon in a child process (forked by run.ts), so the load generator does
// not share the event loop of the app being measured (autocannon changes its results inside a
// worker thread, hence a process). Records every response time to compute exact percentiles.
import autocannon from 'autocannon';

function run(opts) {
  return new Promise((resolve, reject) => {
    const latencies = [];
    const instance = autocannon(opts, (err, result) =>
      err ? reject(err) : resolve({ result, latencies }),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) =>
      latencies.push(responseTime),
    );
  });
}

const percentile = (sorted, p) =>
  sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
    : NaN;

const { url, headers, connections, duration, warmup } = JSON.parse(process.argv[2]);
// A list of headers gives each connection its own (one signed-in session each), in turn.
const perConnection = Array.isArray(headers) ? headers : null;
let next = 0;
const setupClient = perConnection
  ? (client) => client.setHeaders(perConnection[next++ % perConnection.length])
  : undefined;
const common = { url, headers: perConnection ? undefined : headers, setupClient };
const warm = await run({ ...common, connections: Math.min(10, connections), duration: warmup });
process.send({ phase: 'warm', total: warm.result.requests.total });
const { result, latencies } = await run({ ...common, connections, duration });
latencies.sort((a, b) => a - b);
process.send({
  phase: 'done',
  requestsPerSec: result.requests.total / result.duration,
  total: result.requests.total,
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  p50: percentile(latencies, 50),
  p95: percentile(latencies, 95),
  p99: percentile(latencies, 99),
  mean: latencies.reduce((s, v) => s + v, 0) / (latencies.length || 1),
});
process.disconnect();
