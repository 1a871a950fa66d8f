import cluster from 'node:cluster';
import { ClusterMemoryStoreWorker } from '@express-rate-limit/cluster-memory-store';
import type { Store } from 'express-rate-limit';
import { Redis } from 'ioredis';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import { AppError } from './app-error.js';

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

/**
 * rate-limit-redis loads its scripts once, when the limiter is made, and keeps the promise: a
 * server started while Redis was down would refuse every request until restarted. Here a failed
 * count loads the scripts again, so the limits come back with Redis.
 */
class RecoveringRedisStore extends RedisStore {
  override async increment(key: string) {
    try {
      return await super.increment(key);
    } catch (err) {
      this.incrementScriptSha = this.loadIncrementScript();
      this.getScriptSha = this.loadGetScript();
      // Awaited by the next count; a rejection meanwhile is not an unhandled one.
      this.incrementScriptSha.catch(() => {});
      this.getScriptSha.catch(() => {});
      throw err;
    }
  }
}

/** The store of one limiter; `prefix` keeps the counts of different limiters apart. */
export function rateLimitStore(prefix: string, redisUrl = ''): Store | undefined {
  if (redisUrl) {
    const redis = redisAt(redisUrl);
    return new RecoveringRedisStore({
      prefix: `eoffice:rate:${prefix}`,
      // Redis out of reach: the request is refused as a passing outage (503), said in
      // Vietnamese, rather than let through uncounted or failed as the app's own error.
      sendCommand: (command: string, ...args: string[]) =>
        (redis.call(command, ...args) as Promise<RedisReply>).catch(() => {
          throw new AppError('RATE_LIMIT_UNAVAILABLE', 503);
        }),
    });
  }
  return cluster.isWorker ? new ClusterMemoryStoreWorker({ prefix }) : undefined;
}
