import cluster from 'node:cluster';
import { ClusterMemoryStoreWorker } from '@express-rate-limit/cluster-memory-store';
import type { Store } from 'express-rate-limit';
import { Redis } from 'ioredis';
import { RedisStore, type RedisReply } from 'rate-limit-redis';

/*
 * Where a rate limiter counts. With Redis (REDIS_URL), in Redis: every process of every machine
 * serving the agency counts the same sign-in attempts, API calls and verifications, so adding a
 * machine does not multiply a guesser's budget. Without it, a cluster's workers count in the
 * primary's memory (one machine), and a single process in its own.
 */

// One connection per process for all limiters (a limiter's commands are single round trips).
let shared: { url: string; redis: Redis } | null = null;

function redisAt(url: string): Redis {
  if (shared?.url !== url) {
    const redis = new Redis(url, { maxRetriesPerRequest: 2, enableAutoPipelining: true });
    // A lost connection is retried by ioredis; the requests meanwhile fail to the error handler.
    redis.on('error', () => {});
    shared = { url, redis };
  }
  return shared.redis;
}

/** The store of one limiter; `prefix` keeps the counts of different limiters apart. */
export function rateLimitStore(prefix: string, redisUrl = ''): Store | undefined {
  if (redisUrl) {
    const redis = redisAt(redisUrl);
    return new RedisStore({
      prefix: `eoffice:rate:${prefix}`,
      sendCommand: (command: string, ...args: string[]) =>
        redis.call(command, ...args) as Promise<RedisReply>,
    });
  }
  return cluster.isWorker ? new ClusterMemoryStoreWorker({ prefix }) : undefined;
}
