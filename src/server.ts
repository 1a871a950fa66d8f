import cluster, { type Worker } from 'node:cluster';
import type { Server } from 'node:http';
import { ClusterMemoryStorePrimary } from '@express-rate-limit/cluster-memory-store';
import type { Logger } from 'pino';
import { createLogger } from './http/logger.js';
import { loadConfig, type Config } from './config.js';
import { closeDatabase, openDatabase } from './db/index.js';
import { migrate } from './db/migrator.js';
import { serve } from './serve.js';

function onSignals(handler: (signal: string) => void): void {
  process.on('SIGINT', () => handler('SIGINT'));
  process.on('SIGTERM', () => handler('SIGTERM'));
}

/** A serving process stops taking connections, finishes its requests and closes the database. */
function shutdownOnSignal(server: Server, logger: Logger): void {
  onSignals((signal) => {
    logger.info({ signal }, 'shutting down');
    server.close(async () => {
      await closeDatabase();
      process.exit(0);
    });
    setTimeout(() => process.exit(1), 10_000).unref();
  });
}

/**
 * A page allocates a few hundred kilobytes that die with it: with V8's default young generation
 * (16 MB semi-spaces) a loaded worker spent a tenth of its CPU collecting them; 64 MB halves that
 * (bench/http's detail profile: 9.4% -> 5.2% of CPU in the collector). Kept when the operator
 * set a size (in the arguments or NODE_OPTIONS).
 */
function withYoungGeneration(execArgv: string[]): string[] {
  const set = [...execArgv, process.env.NODE_OPTIONS ?? ''].some((a) =>
    a.includes('--max-semi-space-size'),
  );
  return set ? execArgv : [...execArgv, '--max-semi-space-size=64'];
}

/**
 * The primary of a cluster: one worker per WEB_CONCURRENCY, sharing the port (Node hands each new
 * connection to a worker in turn). A worker that dies is replaced, after a pause when it dies
 * young, so a broken configuration does not spin. The rate limiters count in this process.
 */
function runPrimary(config: Config, logger: Logger): void {
  new ClusterMemoryStorePrimary().init();
  cluster.setupPrimary({ execArgv: withYoungGeneration(process.execArgv) });
  let stopping = false;
  const started = new Map<number, number>();
  const fork = () => {
    const worker = cluster.fork();
    started.set(worker.id, Date.now());
  };
  cluster.on('exit', (worker: Worker, code, signal) => {
    const lived = Date.now() - (started.get(worker.id) ?? 0);
    started.delete(worker.id);
    if (stopping) {
      if (started.size === 0) process.exit(0);
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'worker exited; starting another');
    setTimeout(fork, lived < 5_000 ? 5_000 : 0);
  });
  // Announced once, when the first set of workers is up (a replaced worker listens again later).
  let listening = 0;
  cluster.on('listening', () => {
    if (++listening === config.workers)
      logger.info(
        `eOffice đang chạy tại http://localhost:${config.port} (${config.workers} tiến trình)`,
      );
  });
  for (let i = 0; i < config.workers; i++) fork();
  onSignals((signal) => {
    logger.info({ signal }, 'shutting down the cluster');
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
    setTimeout(() => process.exit(1), 15_000).unref();
  });
}

/** Reads the configuration, migrates once, then serves in one process or in a cluster. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  if (cluster.isWorker) {
    openDatabase(config.databaseUrl);
    shutdownOnSignal(serve(config, logger), logger);
    return;
  }
  const applied = await migrate(openDatabase(config.databaseUrl));
  if (applied.length) logger.info({ applied }, 'migrations applied');
  if (config.workers > 1) {
    await closeDatabase();
    runPrimary(config, logger);
    return;
  }
  shutdownOnSignal(serve(config, logger), logger);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
