import { loadConfig } from "../config.js";
import { createCredentialVault, type CredentialVault } from "../credentials/credential-vault.js";
import { createRedisCredentialStore } from "../credentials/redis-credential-store.js";
import type { CredentialStore } from "../credentials/credential-store.js";
import { createLogger } from "../logger.js";
import { createRedisConnection, waitUntilReady } from "../redis/redis-connection.js";
import { buildCipher } from "../runtime/build-parts.js";

/**
 * Re-encrypts every credential under the current key (the first of ENCRYPTION_KEYS). Rotation:
 * put the new key first and keep the old ones, run this, then drop the old keys.
 */
export async function reencryptAll(store: CredentialStore, vault: CredentialVault) {
  const result = { total: 0, reencrypted: 0, failed: [] as string[] };
  for await (const id of store.allIds()) {
    result.total += 1;
    try {
      if (await vault.reencrypt(id)) result.reencrypted += 1;
    } catch {
      result.failed.push(id);
    }
  }
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: "rotate-keys" });
  if (!config.REDIS_URL) throw new Error("Set REDIS_URL to the Redis that holds the credentials");
  const redis = createRedisConnection(config.REDIS_URL, "worker", "blc-rotate");
  await waitUntilReady(redis);
  const store = createRedisCredentialStore(redis, config.REDIS_PREFIX);
  const cipher = buildCipher(config, logger);
  const result = await reencryptAll(store, createCredentialVault(store, cipher));
  logger.info({ ...result, currentKeyId: cipher.currentKeyId }, "key rotation done");
  redis.disconnect();
  process.exit(result.failed.length ? 1 : 0);
}
