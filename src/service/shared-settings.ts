import { createHash } from "node:crypto";
import { hostname } from "node:os";
import type { Config } from "../core/config.ts";
import type { Infra } from "../core/infra.ts";
import { redisKeys } from "../core/redis-keys.ts";
import { loadOrCreateDevKey, parseKeyRing } from "../crypto/key-source.ts";
import { liveViewSecret } from "../live-view/live-view-secret.ts";
import type { ProviderRegistry } from "../providers/provider-registry.ts";

/**
 * Settings the API and every worker must share. What a session needs is carried with it (its expiry,
 * its client login URL rules); these cannot be: the keys that seal what a worker captures and the
 * API opens, the secret that signs the live view's hop, where credentials are stored, the providers,
 * how long things are kept. The API publishes a fingerprint of each in Redis; a worker compares its
 * own and says loudly which differ. Secrets are published as short hashes only; nothing here opens
 * anything. (REDIS_PREFIX cannot be compared through Redis: a worker under another prefix finds no
 * publication at all, and says that.)
 */
export type SettingsFingerprint = Record<string, string>;

/** Why each setting matters when it differs: the worker's warning says it. */
const CONSEQUENCES: Record<string, string> = {
  ENCRYPTION_KEYS:
    "credentials this worker seals must open at the API: the same keys everywhere (during a rotation, the new key first everywhere)",
  LIVE_VIEW_SECRET: "viewer links and the API-to-worker hop are signed with it: the live view fails",
  LIVE_VIEW: "the API hands out live-view links this worker does not serve, or the reverse",
  CREDENTIAL_STORE: "credentials captured here go where the API does not read them (CREDENTIAL_STORE, DATABASE_URL)",
  PROVIDERS: "sessions of these providers run with this worker's definition, not the API's",
  SESSION_RETENTION_SECONDS: "finished sessions stay readable for different times",
  EVENT_RETENTION_SECONDS: "events are kept for different times",
  EVENT_STREAM_MAX_LENGTH: "event streams are trimmed to different lengths",
  CREDENTIAL_AUDIT_MAX_ENTRIES: "audit trails are trimmed differently",
  CREDENTIAL_AUDIT_RETENTION_DAYS: "audit trails are kept for different times",
  WEBHOOK_PRIVATE_ALLOWED_FOR: "webhook receivers the API accepted may be refused at delivery, or the reverse",
};

const hash = (text: string | Buffer) =>
  createHash("sha256").update("blc shared settings v1|").update(text).digest("hex").slice(0, 16);

/** A provider as compared: its definition without anything named like a secret (an OAuth client secret). */
function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !/secret/i.test(key))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, inner]) => [key, withoutSecrets(inner)]),
    );
  return value;
}

/** This process's fingerprint of the settings that must agree. */
export function settingsFingerprint(config: Config, providers: ProviderRegistry): SettingsFingerprint {
  const spec = config.ENCRYPTION_KEYS ?? config.ENCRYPTION_KEY;
  const keys = spec ? parseKeyRing(spec) : loadOrCreateDevKey(config.DATA_DIR).entries;
  const database = config.DATABASE_URL ? new URL(config.DATABASE_URL) : undefined;
  return {
    ENCRYPTION_KEYS: keys.map((k) => `${k.id}:${hash(k.key)}`).join(","),
    LIVE_VIEW_SECRET: hash(liveViewSecret(config)),
    LIVE_VIEW: String(config.LIVE_VIEW),
    // The database's address, not who logs into it: processes may use different roles.
    CREDENTIAL_STORE:
      config.CREDENTIAL_STORE === "postgres" && database
        ? `postgres:${hash(`${database.host}${database.pathname}`)}`
        : config.CREDENTIAL_STORE,
    PROVIDERS: providers
      .list()
      .map((p) => `${p.id}:${hash(JSON.stringify(withoutSecrets(p)))}`)
      .sort()
      .join(","),
    SESSION_RETENTION_SECONDS: String(config.SESSION_RETENTION_SECONDS),
    EVENT_RETENTION_SECONDS: String(config.EVENT_RETENTION_SECONDS),
    EVENT_STREAM_MAX_LENGTH: String(config.EVENT_STREAM_MAX_LENGTH),
    CREDENTIAL_AUDIT_MAX_ENTRIES: String(config.CREDENTIAL_AUDIT_MAX_ENTRIES),
    CREDENTIAL_AUDIT_RETENTION_DAYS: String(config.CREDENTIAL_AUDIT_RETENTION_DAYS),
    WEBHOOK_PRIVATE_ALLOWED_FOR: [...config.WEBHOOK_PRIVATE_ALLOWED_FOR].sort().join(","),
  };
}

export interface SettingsDifference {
  setting: string;
  consequence: string;
  /** For the providers: which ones differ or exist on one side only. */
  providers?: string[];
}

/** What differs between the API's fingerprint and this process's, each with why it matters. */
export function compareSettings(api: SettingsFingerprint, own: SettingsFingerprint): SettingsDifference[] {
  const names = [...new Set([...Object.keys(api), ...Object.keys(own)])];
  return names
    .filter((name) => api[name] !== own[name])
    .map((setting) => {
      const consequence = CONSEQUENCES[setting] ?? "it differs";
      if (setting !== "PROVIDERS") return { setting, consequence };
      const entries = (text = "") => new Set(text.split(",").filter(Boolean));
      const theirs = entries(api[setting]);
      const ours = entries(own[setting]);
      const differing = [...new Set([...theirs, ...ours])]
        .filter((entry) => !(theirs.has(entry) && ours.has(entry)))
        .map((entry) => entry.slice(0, entry.lastIndexOf(":")));
      return { setting, consequence, providers: [...new Set(differing)].sort() };
    });
}

const PUBLISH_INTERVAL_MS = 60_000;

/** The API: publishes its fingerprint now and every minute (the providers file may have been reloaded). */
export async function publishSharedSettings(infra: Infra, providers: ProviderRegistry) {
  const key = redisKeys(infra.config.REDIS_PREFIX).sharedSettings;
  const by = `${hostname()}:${process.pid}`;
  const publish = () =>
    infra.redis.set(
      key,
      JSON.stringify({
        settings: settingsFingerprint(infra.config, providers),
        by,
        publishedAt: new Date().toISOString(),
      }),
    );
  await publish();
  const timer = setInterval(() => void publish().catch(() => {}), PUBLISH_INTERVAL_MS);
  timer.unref();
  infra.stack.defer(async () => clearInterval(timer));
}

/**
 * A worker: compares its settings with the API's now and every minute, and logs a warning naming
 * each one that differs, and why it matters, whenever what differs changes (and again every ten checks
 * while it still does).
 */
export async function watchSharedSettings(infra: Infra, providers: ProviderRegistry): Promise<void> {
  const key = redisKeys(infra.config.REDIS_PREFIX).sharedSettings;
  const logger = infra.logger.child({ component: "shared settings" });
  let last: string | undefined;
  let repeats = 0;
  const check = async () => {
    const raw = await infra.redis.get(key);
    if (!raw) {
      // At start-up the API may simply not be up yet (npm start starts the worker first): said quietly
      // then, loudly from the next check on (and every ten checks while it lasts).
      const first = last === undefined;
      repeats = last === "unpublished" ? repeats + 1 : 0;
      last = "unpublished";
      const message =
        "no API has published its settings under this REDIS_PREFIX (an API with another REDIS_PREFIX never sees this worker's sessions)";
      if (first) logger.debug({ prefix: infra.config.REDIS_PREFIX }, message);
      else if (repeats % 10 === 0 || repeats === 1) logger.warn({ prefix: infra.config.REDIS_PREFIX }, message);
      return "unpublished" as const;
    }
    const published = JSON.parse(raw) as { settings: SettingsFingerprint; by: string; publishedAt: string };
    const differences = compareSettings(published.settings, settingsFingerprint(infra.config, providers));
    const summary = differences.map((d) => `${d.setting}${d.providers ? `(${d.providers.join(",")})` : ""}`).join(" ");
    repeats = summary === last ? repeats + 1 : 0;
    const api = { api: published.by, publishedAt: published.publishedAt };
    if (differences.length > 0 && repeats % 10 === 0) {
      logger.warn(
        { ...api, differences },
        `settings differ from the API's: ${differences.map((d) => `${d.setting} (${d.consequence})`).join("; ")}`,
      );
    } else if (differences.length === 0 && summary !== last) {
      logger[last === undefined ? "debug" : "info"](api, "settings agree with the API's");
    }
    last = summary;
    return differences;
  };
  await check().catch(() => {});
  const timer = setInterval(() => void check().catch(() => {}), PUBLISH_INTERVAL_MS);
  timer.unref();
  infra.stack.defer(async () => clearInterval(timer));
}
