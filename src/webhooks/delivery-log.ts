import type { Redis } from "ioredis";
import { z } from "zod";
import { redisKeys } from "../core/redis-keys.ts";

/** One event's delivery to one endpoint, as its log shows it (no payload, no header, no secret). */
export const deliveryEntrySchema = z
  .object({
    eventId: z.string(),
    type: z.string(),
    status: z.enum(["pending", "delivered", "retrying", "failed"]),
    attempts: z.number().int(),
    lastStatusCode: z.number().int().optional(),
    lastError: z.string().optional(),
    firstAttemptAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "WebhookDelivery" });

export type DeliveryEntry = z.infer<typeof deliveryEntrySchema>;

/**
 * A bounded log per endpoint: a hash of entries by event id and a sorted set by first attempt,
 * trimmed to the newest `size` entries.
 */
export interface DeliveryLog {
  record(endpointId: string, entry: Omit<DeliveryEntry, "firstAttemptAt" | "updatedAt">): Promise<void>;
  list(endpointId: string, limit?: number): Promise<DeliveryEntry[]>;
  get(endpointId: string, eventId: string): Promise<DeliveryEntry | undefined>;
  clear(endpointId: string): Promise<void>;
}

export function createDeliveryLog(redis: Redis, options: { prefix: string; size: number }): DeliveryLog {
  const { webhookLog: entries, webhookLogOrder: order } = redisKeys(options.prefix);
  const read = async (endpointId: string, eventId: string) => {
    const json = await redis.hget(entries(endpointId), eventId);
    return json ? (JSON.parse(json) as DeliveryEntry) : undefined;
  };

  return {
    async record(endpointId, entry) {
      const now = new Date().toISOString();
      const previous = await read(endpointId, entry.eventId);
      const next: DeliveryEntry = { ...entry, firstAttemptAt: previous?.firstAttemptAt ?? now, updatedAt: now };
      await redis
        .multi()
        .hset(entries(endpointId), entry.eventId, JSON.stringify(next))
        .zadd(order(endpointId), "NX", Date.parse(next.firstAttemptAt), entry.eventId)
        .exec();
      const dropped = await redis.zrange(order(endpointId), "0", String(-(options.size + 1)));
      if (dropped.length > 0)
        await redis
          .multi()
          .zrem(order(endpointId), ...dropped)
          .hdel(entries(endpointId), ...dropped)
          .exec();
    },
    async list(endpointId, limit = options.size) {
      const ids = await redis.zrevrange(order(endpointId), 0, limit - 1);
      if (ids.length === 0) return [];
      const jsons = await redis.hmget(entries(endpointId), ...ids);
      return jsons.filter((j): j is string => j !== null).map((j) => JSON.parse(j) as DeliveryEntry);
    },
    get: read,
    async clear(endpointId) {
      await redis.del(entries(endpointId), order(endpointId));
    },
  };
}
