/**
 * `npm run bench:meeting`: the meeting room under load (issue 13 §5); see meeting-bench.ts.
 *
 * Environment: BENCH_DATABASE_URL (default mysql://root@127.0.0.1:3306/eoffice_bench_meeting;
 * dropped and recreated, so its name must contain "bench"), REDIS_URL (default
 * redis://127.0.0.1:6379), BENCH_CLIENTS (2000 event streams), BENCH_VOTERS (500),
 * BENCH_CLIENT_PROCS (4 client processes), BENCH_WORKERS (2 server processes), BENCH_ROUNDS (3
 * item changes), BENCH_VOTE_WINDOW_S (10), BENCH_SERVER_LOG=1 (the server's warnings and errors),
 * BENCH_OUTPUT (write the figures as JSON to this file).
 * Targets: p99 delivery under 1 s to 2,000 clients; 500 ballots with p99 under 200 ms.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { closeDatabase, openDatabase } from '../../src/db/index.js';
import { migrate } from '../../src/db/migrator.js';
import { recreateDatabase } from '../../src/db/recreate.js';
import { runMeetingBench } from './meeting-bench.js';

const env = process.env;
const databaseUrl = env.BENCH_DATABASE_URL || 'mysql://root@127.0.0.1:3306/eoffice_bench_meeting';
if (!/bench/i.test(databaseUrl) && env.BENCH_FORCE !== '1')
  throw new Error('BENCH_DATABASE_URL must name a database with "bench" in it (it is recreated)');
const num = (key: string, fallback: number) => Math.max(0, Number(env[key] || fallback));

const log = (line: string) => console.log(line);
log(
  `bench:meeting — ${cpus().length} cores, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
await recreateDatabase(databaseUrl);
await migrate(openDatabase(databaseUrl));
const figures = await runMeetingBench({
  databaseUrl,
  redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
  clients: num('BENCH_CLIENTS', 2000),
  voters: num('BENCH_VOTERS', 500),
  clientProcs: Math.max(1, num('BENCH_CLIENT_PROCS', 4)),
  workers: Math.max(1, num('BENCH_WORKERS', 2)),
  rounds: Math.max(1, num('BENCH_ROUNDS', 3)),
  voteWindowMs: num('BENCH_VOTE_WINDOW_S', 10) * 1000,
  showServerLog: env.BENCH_SERVER_LOG === '1',
  log,
});
const d = figures.delivery;
log('');
log(
  `Delivery of an item change to ${figures.clients.connected} clients: p50 ${d.p50.toFixed(0)} ms, p99 ${d.p99.toFixed(0)} ms, max ${d.max.toFixed(0)} ms (${d.missing} missed) — target p99 < 1000 ms: ${d.p99 < 1000 && d.missing === 0 ? 'met' : 'NOT met'}`,
);
if (figures.vote) {
  const v = figures.vote;
  log(
    `${v.accepted}/${v.asked} ballots: p99 ${v.requestMs.p99.toFixed(0)} ms — target p99 < 200 ms: ${v.requestMs.p99 < 200 && v.refused === 0 ? 'met' : 'NOT met'}; result on every screen ${v.resultOnEveryScreenMs.toFixed(0)} ms after the close`,
  );
}
log(
  `load after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
if (env.BENCH_OUTPUT) writeFileSync(env.BENCH_OUTPUT, JSON.stringify(figures, null, 2));
await closeDatabase();
