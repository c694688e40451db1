import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { startEmbeddedRedis } from "../../src/core/redis/embedded-redis.ts";
import { createRedisCredentialStore } from "../../src/credentials/store/redis/redis-credential-store.ts";
import { freePort } from "../helpers/free-port.ts";
import { describeCredentialStore } from "./credential-store-conformance.ts";

describeCredentialStore("Redis", async () => {
  const dir = mkdtempSync(join(tmpdir(), "blc-redis-"));
  const server = await startEmbeddedRedis({ port: await freePort(), dir });
  const redis = new Redis(server.url);
  let stores = 0;
  return {
    // A fresh key prefix is a fresh, empty store.
    create: async () => createRedisCredentialStore(redis, `conformance${++stores}`),
    async close() {
      redis.disconnect();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
