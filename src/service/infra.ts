import type { Logger } from "pino";
import { openLoginSessions } from "../browser-login/build.ts";
import type { Config } from "../core/config.ts";
import type { Infra } from "../core/infra.ts";
import { createRedisConnection, waitUntilReady } from "../core/redis/redis-connection.ts";
import { createRedisCredentialAudit } from "../credentials/credential-audit.ts";
import { createCredentialVault } from "../credentials/credential-vault.ts";
import { countDecrypts } from "../credentials/metrics.ts";
import { createPendingTotpSecrets } from "../credentials/pending-totp.ts";
import { buildCipher } from "../crypto/build-cipher.ts";
import { openEventLog } from "../events/build.ts";
import type { Metrics } from "../metrics/metrics.ts";
import { openWebhooks } from "../webhooks/build.ts";
import { buildCredentialStore } from "./credential-storage.ts";

/**
 * A process's Redis connections and the stack its parts go on: the role's command connection (an
 * API's fails fast, a worker's waits out outages) and, on request, connections of their own.
 */
export async function openInfra(
  config: Config,
  redisUrl: string,
  role: Infra["role"],
  logger: Logger,
  stack: AsyncDisposableStack,
): Promise<Infra> {
  const connection: Infra["connection"] = (connectionRole, name) => {
    const redis = createRedisConnection(redisUrl, connectionRole, name);
    stack.defer(async () => redis.disconnect());
    return redis;
  };
  const redis = connection(role, `blc-${role}`);
  await waitUntilReady(redis);
  return { config, logger, role, redis, connection, stack };
}

/**
 * What both roles share: the credential store (Redis or PostgreSQL), the cipher, the vault and its
 * audit trail, login sessions and their wake-ups, the event log, and webhook endpoints.
 */
export async function openSharedParts(infra: Infra, metrics: Metrics) {
  const { config, logger, stack } = infra;
  const credentials = await buildCredentialStore(config, { redis: infra.redis, logger, role: infra.role });
  stack.defer(() => credentials.close());
  const loginSessions = await openLoginSessions(infra, metrics);
  const eventLog = openEventLog(infra);
  const cipher = buildCipher(config, logger);
  const audit = countDecrypts(
    createRedisCredentialAudit(infra.redis, {
      prefix: config.REDIS_PREFIX,
      maxEntries: config.CREDENTIAL_AUDIT_MAX_ENTRIES,
      retentionSeconds: config.CREDENTIAL_AUDIT_RETENTION_DAYS * 86_400,
    }),
    metrics,
  );
  const vault = createCredentialVault(credentials.store, cipher, { events: eventLog, audit });
  const webhooks = await openWebhooks(infra, { cipher, metrics });
  const pendingTotp = createPendingTotpSecrets(infra.redis, cipher, config.REDIS_PREFIX);
  return { credentials, cipher, audit, vault, eventLog, webhooks, pendingTotp, ...loginSessions };
}
