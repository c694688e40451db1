import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { hostname } from "node:os";
import type { Logger } from "pino";
import type { CredentialCipher } from "../crypto/cipher.js";
import { createApp } from "../api/app.js";
import { startHttpServer } from "../api/http-server.js";
import { createLoginUrlPolicy } from "../api/login-url-policy.js";
import { headerSubjectResolver } from "../api/subject-resolver.js";
import type { Config } from "../config.js";
import { createCredentialVault } from "../credentials/credential-vault.js";
import { createRedisCredentialAudit } from "../credentials/credential-audit.js";
import { buildCredentialStore } from "../credentials/build-credential-store.js";
import type { ProviderRegistry } from "../providers/provider-registry.js";
import { createLoginQueue } from "../queue/login-queue.js";
import { createRedisConnection, waitUntilReady } from "../redis/redis-connection.js";
import { createSessionEventBus } from "../sessions/session-events.js";
import { createSessionStore } from "../sessions/session-store.js";
import { createApiKeyValidator } from "../credentials/api-key-validation.js";
import { createAddressPolicy } from "../network/address-policy.js";
import { createEventLog } from "../events/event-log.js";
import { createEventTail } from "../events/event-tail.js";
import { createDeliveryLog } from "../webhooks/delivery-log.js";
import { startWebhookDeliveryWorker } from "../webhooks/webhook-delivery-worker.js";
import { startWebhookDispatcher } from "../webhooks/webhook-dispatcher.js";
import { createWebhookEndpoints } from "../webhooks/webhook-endpoints.js";
import { createWebhookQueue, deliveryJobOptions } from "../webhooks/webhook-queue.js";
import { loadWebhooksFile } from "../webhooks/webhooks-file.js";
import type { RunnerDeps } from "../worker/login-session-runner.js";
import { createWorker } from "../worker/worker.js";
import { createLiveViewRelay } from "../live-view/api-live-view-relay.js";
import { createLiveViewLinks } from "../live-view/live-view-links.js";
import { liveViewSecret } from "../live-view/live-view-secret.js";
import { startWorkerLiveView } from "../live-view/worker-live-view-server.js";
import { buildBrowserAdapter, buildCipher, resolveApiKeys } from "./build-parts.js";
import { explainListenError } from "./port-check.js";

/** How long requests in flight get to answer when the API stops. */
const API_DRAIN_MS = 3_000;

/** What both roles share: a command connection with the role's retry policy, a subscriber, sessions, their bus, the vault and its store. */
async function connectSessions(config: Config, redisUrl: string, role: "api" | "worker", logger: Logger) {
  const redis = createRedisConnection(redisUrl, role, `blc-${role}`);
  const subscriber = createRedisConnection(redisUrl, "subscriber", `blc-${role}`);
  await Promise.all([waitUntilReady(redis), waitUntilReady(subscriber)]);
  const credentials = await buildCredentialStore(config, { redis, logger, role }).catch((error) => {
    redis.disconnect();
    subscriber.disconnect();
    throw error;
  });
  const eventRetentionMs = config.EVENT_RETENTION_SECONDS * 1000;
  const eventMaxLen = config.EVENT_STREAM_MAX_LENGTH;
  const sessions = createSessionStore(redis, { prefix: config.REDIS_PREFIX, retentionSeconds: config.SESSION_RETENTION_SECONDS, eventRetentionMs, eventMaxLen });
  const events = await createSessionEventBus(subscriber, sessions.eventsChannel);
  const eventLog = createEventLog(redis, { prefix: config.REDIS_PREFIX, retentionMs: eventRetentionMs, maxLen: eventMaxLen });
  const cipher = buildCipher(config, logger);
  const audit = createRedisCredentialAudit(redis, {
    prefix: config.REDIS_PREFIX,
    maxEntries: config.CREDENTIAL_AUDIT_MAX_ENTRIES,
    retentionSeconds: config.CREDENTIAL_AUDIT_RETENTION_DAYS * 86_400,
  });
  const vault = createCredentialVault(credentials.store, cipher, { events: eventLog, audit });
  const webhooks = await webhookParts(config, redis, cipher);
  return { redis, subscriber, sessions, events, eventLog, vault, audit, webhooks, credentials };
}

/** Webhook endpoints (WEBHOOKS_FILE saved into them), their delivery logs, queue and address policy. */
async function webhookParts(config: Config, redis: Redis, cipher: CredentialCipher) {
  const endpoints = createWebhookEndpoints(redis, cipher, config.REDIS_PREFIX);
  const addressPolicy = createAddressPolicy({ allowPrivateAddresses: false, privateAllowedFor: config.WEBHOOK_PRIVATE_ALLOWED_FOR });
  if (config.WEBHOOKS_FILE) await loadWebhooksFile(config.WEBHOOKS_FILE, endpoints, addressPolicy);
  const queue = createWebhookQueue(redis, config.REDIS_PREFIX, deliveryJobOptions(config.WEBHOOK_RETRY_BASE_MS, config.WEBHOOK_RETRY_FOR_MS));
  queue.on("error", () => {});
  const deliveries = createDeliveryLog(redis, { prefix: config.REDIS_PREFIX, size: config.WEBHOOK_DELIVERY_LOG_SIZE });
  return { endpoints, addressPolicy, queue, deliveries };
}

/** The HTTP API: its own Redis connections, fail-fast, so a Redis outage answers 503 rather than hanging. */
export async function startApiService(config: Config, redisUrl: string, providers: ProviderRegistry, logger: Logger) {
  const { redis, subscriber, sessions, events, eventLog, vault, audit, webhooks, credentials } = await connectSessions(config, redisUrl, "api", logger);
  const eventTail = createEventTail(createRedisConnection(redisUrl, "subscriber", "blc-api-events"), eventLog.keys.all);
  const queue = createLoginQueue(redis, config.REDIS_PREFIX);
  // Connection errors surface as failed requests (503); the queue's own error events would only repeat them.
  queue.on("error", () => {});
  const apiKeys = resolveApiKeys(config, logger);
  const draining = new AbortController();
  // Links name the API's public address, known once it listens when PORT is 0.
  let listening = { port: config.PORT };
  const apiHost = config.HOST === "0.0.0.0" ? "127.0.0.1" : config.HOST;
  const secret = liveViewSecret(config);
  const links = createLiveViewLinks(secret, () => config.PUBLIC_URL ?? `http://${apiHost}:${listening.port}`);
  const verifierKey = config.LIVE_VIEW_VERIFIER_KEY;
  const relay = createLiveViewRelay({ sessions, events, secret, verifierKey, logger });
  const app = createApp({
    sessions,
    events,
    eventLog,
    eventTail,
    sseHeartbeatMs: config.SSE_HEARTBEAT_MS,
    webhooks: { ...webhooks, eventLog },
    queue,
    vault,
    audit,
    providers,
    apiKeys: apiKeys.keys,
    resolveSubject: headerSubjectResolver(config.SUBJECT_USER_HEADER, config.SUBJECT_ORG_HEADER),
    subjectHeaders: { user: config.SUBJECT_USER_HEADER, org: config.SUBJECT_ORG_HEADER },
    loginUrlPolicy: createLoginUrlPolicy({
      enabled: config.CLIENT_LOGIN_URLS,
      allowedHosts: config.CLIENT_LOGIN_URL_HOSTS,
      allowPrivateAddresses: config.ALLOW_PRIVATE_LOGIN_URLS,
      privateAllowedFor: config.ALLOW_PRIVATE_LOGIN_URL_HOSTS,
    }),
    // Requests to a provider's validation URL go where client login URLs may: one outbound policy.
    validateApiKey: createApiKeyValidator(createAddressPolicy({ allowPrivateAddresses: config.ALLOW_PRIVATE_LOGIN_URLS, privateAllowedFor: config.ALLOW_PRIVATE_LOGIN_URL_HOSTS })),
    sessionTimeoutMs: config.SESSION_TIMEOUT_MS,
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    logger,
    draining: draining.signal,
    liveView: { links, secret, frameAncestors: config.LIVE_VIEW_FRAME_ANCESTORS, verifierKey },
  });
  // The API reaps too, so that sessions of a crashed worker end even when no other worker runs.
  const reaper = setInterval(() => void sessions.reap().catch(() => {}), config.REAP_INTERVAL_MS);
  const closeConnections = async () => {
    clearInterval(reaper);
    relay.close();
    await events.close();
    await eventTail.close();
    await queue.close();
    await webhooks.queue.close();
    await credentials.close();
    redis.disconnect();
    subscriber.disconnect();
  };
  const server = await startHttpServer({
    fetch: app.fetch,
    port: config.PORT,
    host: config.HOST,
    headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
    onUpgrade: relay.handleUpgrade,
  }).catch(async (error) => {
    await closeConnections();
    throw explainListenError(error, [{ setting: "PORT", port: config.PORT }]);
  });
  listening = { port: server.port };
  if (config.NODE_ENV === "production" && !config.PUBLIC_URL && config.LIVE_VIEW) {
    logger.warn({ links: links.base() }, "PUBLIC_URL is not set: live-view links name the API's own address, which users elsewhere may not reach");
  }
  logger.info({ url: `http://${config.HOST}:${server.port}` }, "API listening");
  return {
    port: server.port,
    apiKey: apiKeys.generated,
    /** Stops accepting, answers requests in flight (waiting ones at once, with what they have), then disconnects. */
    async close() {
      draining.abort();
      // Viewer sockets are upgraded connections: the HTTP drain does not see them.
      relay.close();
      await server.close(API_DRAIN_MS);
      await closeConnections();
    },
  };
}

/** A worker: a browser adapter and a BullMQ worker on connections that wait out Redis restarts. */
export async function startWorkerService(config: Config, redisUrl: string, providers: ProviderRegistry, logger: Logger) {
  const { redis, subscriber, sessions, events, eventLog, vault, webhooks, credentials } = await connectSessions(config, redisUrl, "worker", logger);
  // Workers deliver webhooks: they share the dispatch through a consumer group and the deliveries through BullMQ.
  const dispatcher = startWebhookDispatcher({
    blocking: createRedisConnection(redisUrl, "worker", "blc-webhook-dispatch"),
    allStream: eventLog.keys.all,
    endpoints: webhooks.endpoints,
    queue: webhooks.queue,
    consumer: `worker-${process.pid}-${randomBytes(4).toString("hex")}`,
    logger,
  });
  const deliveryWorker = startWebhookDeliveryWorker({
    connection: redis,
    prefix: config.REDIS_PREFIX,
    eventLog,
    endpoints: webhooks.endpoints,
    deliveries: webhooks.deliveries,
    addressPolicy: webhooks.addressPolicy,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    logger,
  });
  const adapter = await buildBrowserAdapter(config, logger);
  const liveView =
    config.LIVE_VIEW && config.BROWSER_ADAPTER === "local"
      ? await startWorkerLiveView({
          host: config.LIVE_VIEW_HOST,
          port: config.LIVE_VIEW_PORT,
          // In compose each worker container is reachable by its host name (Docker's DNS knows it).
          advertiseHost: config.LIVE_VIEW_ADVERTISE_HOST ?? (config.LIVE_VIEW_HOST === "0.0.0.0" ? hostname() : undefined),
          secret: liveViewSecret(config),
          maxViewers: config.LIVE_VIEW_MAX_VIEWERS,
          quality: config.LIVE_VIEW_JPEG_QUALITY,
          logger,
        })
      : undefined;
  const worker = await createWorker({
    connection: redis,
    prefix: config.REDIS_PREFIX,
    sessions,
    events,
    adapter,
    providers,
    vault,
    logger,
    concurrency: config.WORKER_CONCURRENCY,
    leaseMs: config.WORKER_LEASE_MS,
    reapIntervalMs: config.REAP_INTERVAL_MS,
    clientLoginUrls: clientLoginUrls(config),
    liveView,
  }).catch(async (error) => {
    await liveView?.close();
    throw error;
  });
  return {
    worker,
    adapter,
    async close(graceMs = config.SHUTDOWN_GRACE_MS) {
      await worker.close(graceMs);
      await dispatcher.close();
      await deliveryWorker.close();
      await webhooks.queue.close();
      await liveView?.close();
      await events.close();
      await credentials.close();
      redis.disconnect();
      subscriber.disconnect();
    },
  };
}

/**
 * What the worker enforces on sessions at a client's own login URL. The address policy is enforced
 * in the browser only where it can refuse something (private addresses not allowed) and where the
 * browser runs on our network (local adapter); elsewhere those sessions keep the fast spare contexts.
 */
function clientLoginUrls(config: Config): RunnerDeps["clientLoginUrls"] {
  if (!config.CLIENT_LOGIN_URLS) return undefined;
  const enforce = !config.ALLOW_PRIVATE_LOGIN_URLS && config.BROWSER_ADAPTER === "local";
  return {
    allowedHosts: config.CLIENT_LOGIN_URL_HOSTS,
    addressPolicy: enforce
      ? createAddressPolicy({ allowPrivateAddresses: false, privateAllowedFor: config.ALLOW_PRIVATE_LOGIN_URL_HOSTS })
      : undefined,
  };
}
