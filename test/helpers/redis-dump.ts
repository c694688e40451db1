import { Redis } from "ioredis";

/** Every value in Redis as text, whatever the key type: to search for secrets that must not be there. */
export async function dumpRedis(url: string): Promise<string> {
  const redis = new Redis(url);
  try {
    const parts: string[] = [];
    for (const key of await redis.keys("*")) {
      const type = await redis.type(key);
      let value: unknown;
      if (type === "string") value = await redis.get(key);
      else if (type === "hash") value = await redis.hgetall(key);
      else if (type === "list") value = await redis.lrange(key, "0", "-1");
      else if (type === "set") value = await redis.smembers(key);
      else if (type === "zset") value = await redis.zrange(key, "0", "-1", "WITHSCORES");
      else if (type === "stream") value = await redis.xrange(key, "-", "+");
      parts.push(`${key} ${type} ${JSON.stringify(value)}`);
    }
    return parts.join("\n");
  } finally {
    redis.disconnect();
  }
}
