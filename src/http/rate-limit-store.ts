import cluster from 'node:cluster';
import { ClusterMemoryStoreWorker } from '@express-rate-limit/cluster-memory-store';
import type { Store } from 'express-rate-limit';

/**
 * Where a rate limiter counts: in one process, its own memory (the library's default); in a
 * worker of the cluster (WEB_CONCURRENCY > 1), the primary's memory, so a client gets the same
 * limit whichever worker answers. `prefix` keeps the counts of different limiters apart.
 */
export function rateLimitStore(prefix: string): Store | undefined {
  return cluster.isWorker ? new ClusterMemoryStoreWorker({ prefix }) : undefined;
}
