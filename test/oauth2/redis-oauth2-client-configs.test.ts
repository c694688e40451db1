import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { startEmbeddedRedis } from "../../src/core/redis/embedded-redis.ts";
import { createRedisOAuth2ClientConfigs } from "../../src/oauth2/client-configs/redis/redis-oauth2-client-configs.ts";
import { freePort } from "../helpers/free-port.ts";
import { dumpRedis } from "../helpers/redis-dump.ts";
import { describeOAuth2ClientConfigs } from "./oauth2-client-configs-conformance.ts";

describeOAuth2ClientConfigs("Redis", async () => {
  const dir = mkdtempSync(join(tmpdir(), "blc-redis-"));
  const server = await startEmbeddedRedis({ port: await freePort(), dir });
  const redis = new Redis(server.url);
  let storages = 0;
  return {
    // A fresh key prefix is a fresh, empty storage.
    async create() {
      const prefix = `conformance${++storages}`;
      const key = (orgId: string, providerId: string) =>
        `${prefix}:oauth2-client:${encodeURIComponent(orgId)}:${providerId}`;
      return {
        configs: (cipher) => createRedisOAuth2ClientConfigs(redis, cipher, prefix),
        dump: () => dumpRedis(server.url),
        async copySealedSecret(from, to) {
          await redis.hset(
            key(to.orgId, to.providerId),
            "secret",
            (await redis.hget(key(from.orgId, from.providerId), "secret"))!,
          );
        },
      };
    },
    async close() {
      redis.disconnect();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
