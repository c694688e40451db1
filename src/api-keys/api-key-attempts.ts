import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { redisKeys } from "../core/redis-keys.ts";
import { ownerKey, type Subject } from "../core/subject.ts";

/**
 * How many keys one subject may have checked with one provider in a window. Each check is a
 * request from our address to the provider: without a limit, anyone holding an API key or a
 * connect link could make the service try keys against a provider on their behalf, and the
 * provider would block our address for everyone. Counted in Redis, so every API process shares
 * the count.
 */
export interface ApiKeyAttempts {
  /** Takes one attempt; `retryAfterS` when none is left in the window. */
  take(owner: Subject, providerId: string): Promise<{ allowed: true } | { allowed: false; retryAfterS: number }>;
}

export interface ApiKeyAttemptsOptions {
  prefix: string;
  attempts: number;
  windowSeconds: number;
}

export function createApiKeyAttempts(
  redis: Redis,
  { prefix, attempts, windowSeconds }: ApiKeyAttemptsOptions,
): ApiKeyAttempts {
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: redisKeys(prefix).apiKeyAttempts,
    points: attempts,
    duration: windowSeconds,
  });
  return {
    async take(owner, providerId) {
      try {
        await limiter.consume(`${providerId}:${ownerKey(owner)}`);
        return { allowed: true };
      } catch (refusal) {
        // The library rejects with its result when no point is left, and with an Error when Redis failed.
        if (refusal instanceof RateLimiterRes)
          return { allowed: false, retryAfterS: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)) };
        throw refusal;
      }
    },
  };
}
