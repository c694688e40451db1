import { Redis, type RedisOptions } from "ioredis";

/**
 * The connections a process needs, each with the retry policy its role wants:
 * - "worker": BullMQ workers and the worker's own writes wait for Redis to come back (no per-command limit).
 * - "api": requests fail fast while Redis is away, so clients get a 503 instead of a hung request;
 *   commands issued in the same event-loop turn share one write.
 * - "subscriber": pub/sub, reconnects and resubscribes by itself.
 */
export type ConnectionRole = "worker" | "api" | "subscriber";

export function createRedisConnection(url: string, role: ConnectionRole, name = "blc"): Redis {
  const common: RedisOptions = {
    connectionName: `${name}-${role}`,
    retryStrategy: (times) => Math.min(times * 100, 2000),
  };
  const byRole: Record<ConnectionRole, RedisOptions> = {
    worker: { maxRetriesPerRequest: null },
    // Auto-pipelining: the GETs of concurrent status polls leave in one socket write per event-loop
    // turn instead of one write (a system call) each, which was the largest cost left per poll.
    api: { maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 5000, enableAutoPipelining: true },
    subscriber: { maxRetriesPerRequest: null },
  };
  const redis = new Redis(url, { ...common, ...byRole[role] });
  // Errors surface through the commands that fail; without a listener ioredis would print each retry.
  redis.on("error", () => {});
  return redis;
}

/** Resolves once the connection can take commands; rejects with a clear message at the deadline. */
export function waitUntilReady(redis: Redis, timeoutMs = 10_000): Promise<void> {
  if (redis.status === "ready") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off("ready", onReady);
      reject(new Error(`Redis did not answer within ${timeoutMs} ms (is it running at the configured REDIS_URL?)`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once("ready", onReady);
  });
}
