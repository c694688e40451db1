import type { Config } from "../core/config.ts";
import { createLogger } from "../core/logging/logger.ts";
import { createRedisConnection, waitUntilReady } from "../core/redis/redis-connection.ts";
import { createCredentialVault } from "../credentials/credential-vault.ts";
import { type KeyUsageReport, keyUsageReport, type RotationResult, rotateAll } from "../credentials/key-rotation.ts";
import { buildCipher } from "../crypto/build-cipher.ts";
import { buildOAuth2ClientConfigs } from "../oauth2/client-configs/build-oauth2-client-configs.ts";
import { createWebhookEndpoints } from "../webhooks/webhook-endpoints.ts";
import { buildCredentialStore } from "./credential-storage.ts";

/**
 * `npm run rotate-keys`: rewraps every credential's data key under the current key (the first of
 * ENCRYPTION_KEYS) and upgrades format-1 records, then says which old keys can be dropped.
 * `npm run rotate-keys -- --verify`: only counts what each key protects. Both exit 1 while any
 * credential still depends on an old or unconfigured key. Webhook signing secrets and organisations'
 * OAuth client secrets, sealed by the same key ring, are rotated and counted with them.
 */
export function describeRotation(result: RotationResult): string {
  const lines = [
    `Rotated ${result.total} credentials: ${result.rewrapped} data keys rewrapped, ${result.upgraded} format-1 records upgraded, ${result.current} already current, ${result.missing} deleted meanwhile.`,
  ];
  if (result.changed.length)
    lines.push(`Changed by someone else during rotation, run again: ${result.changed.join(", ")}`);
  if (result.failed.length)
    lines.push(`Could not be rotated (see --verify for their keys): ${result.failed.join(", ")}`);
  return lines.join("\n");
}

export function describeKeyUsage(report: KeyUsageReport): string {
  const plural = (n: number) => `${n} credential${n === 1 ? "" : "s"}`;
  const total = (keyId: string) => report.usage.filter((u) => u.keyId === keyId).reduce((sum, u) => sum + u.count, 0);
  const lines = ["What each key protects (counted from wrapped keys, nothing decrypted):"];
  lines.push(`  ${report.currentKeyId} (current): ${plural(total(report.currentKeyId))}`);
  for (const id of report.stillUsed)
    lines.push(`  ${id}: ${plural(total(id))}: still in use, keep it and run rotate-keys`);
  for (const id of report.droppable) lines.push(`  ${id}: 0 credentials: can be dropped from ENCRYPTION_KEYS`);
  for (const id of report.unknown)
    lines.push(`  ${id} (not configured): ${plural(total(id))} that cannot be read until this key is configured again`);
  if (report.formatOne)
    lines.push(
      `  ${plural(report.formatOne)} still in format 1 (payload encrypted directly under a ring key): run rotate-keys to upgrade`,
    );
  lines.push(
    report.settled
      ? "Every credential is an envelope under the current key."
      : "Not settled: some credentials still depend on another key or format.",
  );
  return lines.join("\n");
}

/**
 * Rotates (or, with `verifyOnly`, only counts) everything sealed by the key ring: credentials, webhook
 * signing secrets, organisations' OAuth client secrets. Writes its report to `write`; answers whether
 * everything is now under the current key (the command's exit status).
 */
export async function runKeyRotation(
  config: Config,
  { verifyOnly, write }: { verifyOnly: boolean; write: (text: string) => void },
): Promise<boolean> {
  const logger = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT, name: "rotate-keys" });
  // Redis holds webhook secrets, and the credentials and OAuth clients too unless CREDENTIAL_STORE=postgres.
  const redis = config.REDIS_URL ? createRedisConnection(config.REDIS_URL, "worker", "blc-rotate") : undefined;
  if (redis) await waitUntilReady(redis);
  const credentials = await buildCredentialStore(config, { redis, logger, role: "rotate-keys" });
  const store = credentials.store;
  const cipher = buildCipher(config, logger);
  const endpoints = redis ? createWebhookEndpoints(redis, cipher, config.REDIS_PREFIX) : undefined;
  // Organisations' OAuth clients live with the credentials (PostgreSQL or Redis).
  const oauthClients = buildOAuth2ClientConfigs({
    database: credentials.database,
    redis,
    cipher,
    prefix: config.REDIS_PREFIX,
  });
  let ok = true;
  if (!verifyOnly) {
    const result = await rotateAll(store, createCredentialVault(store, cipher));
    write(`${describeRotation(result)}\n`);
    const hooks = (await endpoints?.rotateSecrets()) ?? { rewrapped: 0, current: 0, failed: [] };
    write(
      `Rotated webhook secrets: ${hooks.rewrapped} rewrapped, ${hooks.current} already current${hooks.failed.length ? `; could not rotate: ${hooks.failed.join(", ")}` : ""}.\n`,
    );
    const clients = await oauthClients.rotateSecrets();
    write(
      `Rotated OAuth client secrets: ${clients.rewrapped} rewrapped, ${clients.current} already current${clients.failed.length ? `; could not rotate: ${clients.failed.join(", ")}` : ""}.\n`,
    );
    ok =
      result.failed.length === 0 &&
      result.changed.length === 0 &&
      hooks.failed.length === 0 &&
      clients.failed.length === 0;
  }
  const report = await keyUsageReport(store, cipher.keyIds, cipher.currentKeyId);
  write(`${describeKeyUsage(report)}\n`);
  const oldHooks = endpoints
    ? [...(await endpoints.secretKeyIds())].filter(([, kid]) => kid !== cipher.currentKeyId)
    : [];
  for (const [id, kid] of oldHooks)
    write(`  webhook ${id}: its secret is still under ${kid}: run rotate-keys before dropping that key\n`);
  const oldClients = [...(await oauthClients.secretKeyIds())].filter(([, kid]) => kid !== cipher.currentKeyId);
  for (const [id, kid] of oldClients)
    write(`  OAuth client ${id}: its secret is still under ${kid}: run rotate-keys before dropping that key\n`);
  await credentials.close();
  redis?.disconnect();
  return ok && report.settled && oldHooks.length === 0 && oldClients.length === 0;
}
