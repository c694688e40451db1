import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { CredentialCipher } from "../crypto/cipher.ts";
import { createApp } from "../api/app.ts";
import { startHttpServer } from "../api/http-server.ts";
import { createLoginUrlPolicy } from "../api/login-url-policy.ts";
import { headerSubjectResolver } from "../api/subject-resolver.ts";
import type { Config } from "../config.ts";
import { createCredentialVault } from "../credentials/credential-vault.ts";
import { createRedisCredentialAudit } from "../credentials/credential-audit.ts";
import { buildCredentialStore } from "../credentials/build-credential-store.ts";
import type { ProviderRegistry } from "../providers/provider-registry.ts";
import { createLoginQueue } from "../queue/login-queue.ts";
import { createCredentialCheckQueue } from "../queue/credential-check-queue.ts";
import { startCredentialCheckWorker } from "../worker/credential-check-worker.ts";
import { createCheckWaiter } from "../api/check-waiter.ts";
import { createRedisConnection, waitUntilReady } from "../redis/redis-connection.ts";
import { createSessionEventBus } from "../sessions/session-events.ts";
import { createSessionStore } from "../sessions/session-store.ts";
import { createApiKeyAttempts } from "../credentials/api-key-attempts.ts";
import { createApiKeyValidator } from "../credentials/api-key-validation.ts";
import { createAddressPolicy } from "../network/address-policy.ts";
import { createEventLog } from "../events/event-log.ts";
import { createEventTail } from "../events/event-tail.ts";
import { createDeliveryLog } from "../webhooks/delivery-log.ts";
import { startWebhookDeliveryWorker } from "../webhooks/webhook-delivery-worker.ts";
import { startWebhookDispatcher } from "../webhooks/webhook-dispatcher.ts";
import { createWebhookEndpoints } from "../webhooks/webhook-endpoints.ts";
import { createWebhookQueue, deliveryJobOptions } from "../webhooks/webhook-queue.ts";
import { loadWebhooksFile } from "../webhooks/webhooks-file.ts";
import type { RunnerDeps } from "../worker/login-session-runner.ts";
import { createWorker } from "../worker/worker.ts";
import { createLiveViewRelay } from "../live-view/api-live-view-relay.ts";
import { createLiveViewLinks } from "../live-view/live-view-links.ts";
import { liveViewSecret } from "../live-view/live-view-secret.ts";
import { createConnectLinks } from "../connect/connect-links.ts";
import { startWorkerLiveView } from "../live-view/worker-live-view-server.ts";
import { buildOAuth2 } from "../oauth2/build-oauth2.ts";
import { oauth2ConnectKind } from "../connect/oauth2-connect.ts";
import { apiKeyConnectKind } from "../connect/api-key-connect.ts";
import { countDecrypts, countDeliveries, observeQueueWait } from "../metrics/instrument-records.ts";
import { instrumentSessionStore } from "../metrics/instrument-session-store.ts";
import { createMetrics, type Metrics } from "../metrics/metrics.ts";
import { metricsTokens } from "../metrics/metrics-routes.ts";
import { startMetricsServer } from "../metrics/metrics-server.ts";
import { SESSION_STATUSES } from "../sessions/session-states.ts";
import { buildBrowserAdapter, buildCipher, resolveApiKeys } from "./build-parts.ts";
import { explainListenError } from "./port-check.ts";

/** How long requests in flight get to answer when the API stops. */
const API_DRAIN_MS = 3_000;

/**
 * Where a service's metrics go: its own registry (a process running one role), or one shared with the
 * other role in the same process (`npm start`), whose API then serves them all.
 */
export interface ServiceOptions {
  metrics?: Metrics;
}

/** What both roles share: a command connection with the role's retry policy, a subscriber, sessions, their bus, the vault and its store. */
async function connectSessions(config: Config, redisUrl: string, role: "api" | "worker", logger: Logger, metrics: Metrics) {
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
  const sessions = instrumentSessionStore(
    createSessionStore(redis, { prefix: config.REDIS_PREFIX, retentionSeconds: config.SESSION_RETENTION_SECONDS, eventRetentionMs, eventMaxLen }),
    metrics,
  );
  const events = await createSessionEventBus(subscriber, sessions.eventsChannel);
  const eventLog = createEventLog(redis, { prefix: config.REDIS_PREFIX, retentionMs: eventRetentionMs, maxLen: eventMaxLen });
  const cipher = buildCipher(config, logger);
  const audit = countDecrypts(
    createRedisCredentialAudit(redis, {
      prefix: config.REDIS_PREFIX,
      maxEntries: config.CREDENTIAL_AUDIT_MAX_ENTRIES,
      retentionSeconds: config.CREDENTIAL_AUDIT_RETENTION_DAYS * 86_400,
    }),
    metrics,
  );
  const vault = createCredentialVault(credentials.store, cipher, { events: eventLog, audit });
  const webhooks = await webhookParts(config, redis, cipher, metrics);
  return { redis, subscriber, sessions, events, eventLog, vault, audit, webhooks, credentials, cipher };
}

/** Webhook endpoints (WEBHOOKS_FILE saved into them), their delivery logs, queue and address policy. */
async function webhookParts(config: Config, redis: Redis, cipher: CredentialCipher, metrics: Metrics) {
  const endpoints = createWebhookEndpoints(redis, cipher, config.REDIS_PREFIX);
  const addressPolicy = createAddressPolicy({ allowPrivateAddresses: false, privateAllowedFor: config.WEBHOOK_PRIVATE_ALLOWED_FOR });
  if (config.WEBHOOKS_FILE) await loadWebhooksFile(config.WEBHOOKS_FILE, endpoints, addressPolicy);
  const queue = createWebhookQueue(redis, config.REDIS_PREFIX, deliveryJobOptions(config.WEBHOOK_RETRY_BASE_MS, config.WEBHOOK_RETRY_FOR_MS));
  queue.on("error", () => {});
  const deliveries = countDeliveries(createDeliveryLog(redis, { prefix: config.REDIS_PREFIX, size: config.WEBHOOK_DELIVERY_LOG_SIZE }), metrics);
  return { endpoints, addressPolicy, queue, deliveries };
}

/** The HTTP API: its own Redis connections, fail-fast, so a Redis outage answers 503 rather than hanging. */
export async function startApiService(config: Config, redisUrl: string, providers: ProviderRegistry, logger: Logger, options: ServiceOptions = {}) {
  const metrics = options.metrics ?? createMetrics();
  const { redis, subscriber, sessions, events, eventLog, vault, audit, webhooks, credentials, cipher } = await connectSessions(config, redisUrl, "api", logger, metrics);
  const eventTail = createEventTail(createRedisConnection(redisUrl, "subscriber", "blc-api-events"), eventLog.keys.all);
  const queue = createLoginQueue(redis, config.REDIS_PREFIX);
  // Connection errors surface as failed requests (503); the queue's own error events would only repeat them.
  queue.on("error", () => {});
  const checkQueue = createCredentialCheckQueue(redis, config.REDIS_PREFIX);
  checkQueue.on("error", () => {});
  const checks = await createCheckWaiter(checkQueue, createRedisConnection(redisUrl, "subscriber", "blc-api-checks"), config.REDIS_PREFIX);
  const apiKeys = resolveApiKeys(config, logger);
  const draining = new AbortController();
  // Links name the API's public address, known once it listens when PORT is 0.
  let listening = { port: config.PORT };
  const apiHost = config.HOST === "0.0.0.0" ? "127.0.0.1" : config.HOST;
  const secret = liveViewSecret(config);
  const publicUrl = () => config.PUBLIC_URL ?? `http://${apiHost}:${listening.port}`;
  // BROWSER_ADAPTER and LIVE_VIEW describe the deployment's workers: when they serve live views, a link is handed out at once.
  const links = createLiveViewLinks(secret, publicUrl, { fromTheStart: config.LIVE_VIEW && config.BROWSER_ADAPTER === "local" });
  const verifierKey = config.LIVE_VIEW_VERIFIER_KEY;
  const relay = createLiveViewRelay({
    sessions,
    events,
    secret,
    verifierKey,
    workerCa: config.LIVE_VIEW_TLS_CA?.pem,
    requireTls: config.LIVE_VIEW_REQUIRE_TLS,
    logger,
  });
  metrics.watch("blc_live_viewers", () => [{ value: relay.viewers() }]);
  metrics.watch("blc_queue_jobs", async () => {
    const counted = await Promise.all([queue, webhooks.queue].map(async (q) => [q.name, await q.getJobCounts()] as const)).catch(() => []);
    return counted.flatMap(([name, counts]) => Object.entries(counts).map(([state, value]) => ({ labels: { queue: name, state }, value })));
  });
  const oauth2 = buildOAuth2({ config, redis, database: credentials.database, cipher, vault, eventLog, providers, publicUrl, logger });
  // Requests to a provider's validation URL go where client login URLs may: one outbound policy.
  const apiKeyAttempts = createApiKeyAttempts(redis, { prefix: config.REDIS_PREFIX, attempts: config.API_KEY_VALIDATION_ATTEMPTS, windowSeconds: config.API_KEY_VALIDATION_WINDOW_SECONDS });
  const validateApiKey = createApiKeyValidator(createAddressPolicy({ allowPrivateAddresses: config.ALLOW_PRIVATE_LOGIN_URLS, privateAllowedFor: config.ALLOW_PRIVATE_LOGIN_URL_HOSTS }));
  const app = createApp({
    sessions,
    events,
    eventLog,
    eventTail,
    sseHeartbeatMs: config.SSE_HEARTBEAT_MS,
    webhooks: { ...webhooks, eventLog },
    queue,
    checks,
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
    validateApiKey,
    apiKeyAttempts,
    sessionTimeoutMs: config.SESSION_TIMEOUT_MS,
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    logger,
    draining: draining.signal,
    liveView: { links, secret, frameAncestors: config.LIVE_VIEW_FRAME_ANCESTORS, verifierKey },
    oauth2,
    connect: {
      // Signed with the live view's secret: "connect|" tokens cannot pass for "view|" or "relay|" ones.
      links: createConnectLinks(redis, { prefix: config.REDIS_PREFIX, secret }),
      linkTtlMs: config.CONNECT_LINK_TTL_SECONDS * 1000,
      publicUrl: links.base,
      frameAncestors: config.LIVE_VIEW_FRAME_ANCESTORS,
      kinds: [oauth2ConnectKind({ providers, flow: oauth2.flow, publicUrl: links.base }), apiKeyConnectKind({ vault, eventLog, providers, validateApiKey, apiKeyAttempts })],
    },
    metrics: { metrics, tokens: metricsTokens(apiKeys.keys, config.METRICS_TOKEN) },
    queueDashboard: config.QUEUE_DASHBOARD ? { loginQueue: queue, webhookQueue: webhooks.queue, checkQueue } : undefined,
  });
  // The API reaps too, so that sessions of a crashed worker end even when no other worker runs.
  const reaper = setInterval(() => void sessions.reap().catch(() => {}), config.REAP_INTERVAL_MS);
  const closeConnections = async () => {
    clearInterval(reaper);
    relay.close();
    await events.close();
    await eventTail.close();
    await queue.close();
    await checks.close();
    await checkQueue.close();
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
    metrics,
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
export async function startWorkerService(config: Config, redisUrl: string, providers: ProviderRegistry, logger: Logger, options: ServiceOptions = {}) {
  const metrics = options.metrics ?? createMetrics();
  // A process of its own serves its own metrics, first, so that a taken port stops it before it holds anything;
  // with a registry shared with the API (npm start) the API serves them.
  const metricsServer =
    !options.metrics && config.METRICS_PORT !== undefined
      ? await startMetricsServer({
          host: config.METRICS_HOST,
          port: config.METRICS_PORT,
          metrics,
          tokens: metricsTokens(resolveApiKeys(config, logger).keys, config.METRICS_TOKEN),
        }).catch((error) => {
          throw explainListenError(error, [{ setting: "METRICS_PORT", port: config.METRICS_PORT! }]);
        })
      : undefined;
  if (metricsServer) logger.info({ url: `http://${config.METRICS_HOST}:${metricsServer.port}/metrics` }, "worker metrics listening");
  const { redis, subscriber, sessions, events, eventLog, vault, webhooks, credentials } = await connectSessions(config, redisUrl, "worker", logger, metrics).catch(
    async (error) => {
      await metricsServer?.close(0);
      throw error;
    },
  );
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
  observeQueueWait(deliveryWorker, metrics);
  const adapter = await buildBrowserAdapter(config, logger);
  const liveView =
    config.LIVE_VIEW && config.BROWSER_ADAPTER === "local"
      ? await startWorkerLiveView({
          host: config.LIVE_VIEW_HOST,
          port: config.LIVE_VIEW_PORT,
          advertiseHost: config.LIVE_VIEW_ADVERTISE_HOST,
          tls: config.LIVE_VIEW_TLS_CERT && config.LIVE_VIEW_TLS_KEY && { cert: config.LIVE_VIEW_TLS_CERT.pem, key: config.LIVE_VIEW_TLS_KEY.pem },
          secret: liveViewSecret(config),
          maxViewers: config.LIVE_VIEW_MAX_VIEWERS,
          quality: config.LIVE_VIEW_JPEG_QUALITY,
          pixelBudget: config.LIVE_VIEW_MEGAPIXELS * 1_000_000,
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
    credentialEvents: eventLog,
  }).catch(async (error) => {
    await liveView?.close();
    await metricsServer?.close(0);
    throw error;
  });
  // Watched as soon as the worker exists: it says "worker ready" before the checks below start.
  observeQueueWait(worker.jobs, metrics);
  metrics.watch("blc_browser_contexts", () => [{ value: adapter.openSessions() }]);
  metrics.watch("blc_worker_sessions", () => {
    const phases = worker.running().map((run) => run.phase);
    return SESSION_STATUSES.map((status) => ({ labels: { status }, value: phases.filter((p) => p === status).length }));
  });
  const checkQueue = createCredentialCheckQueue(redis, config.REDIS_PREFIX);
  checkQueue.on("error", () => {});
  const checker = await startCredentialCheckWorker({
    connection: redis,
    prefix: config.REDIS_PREFIX,
    queue: checkQueue,
    vault,
    adapter,
    providers,
    events: eventLog,
    logger,
    navigationTimeoutMs: config.NAVIGATION_TIMEOUT_MS,
    concurrency: config.CREDENTIAL_CHECK_CONCURRENCY,
  });
  return {
    worker,
    adapter,
    metrics,
    /** The worker's own metrics listener (METRICS_PORT), when it has one. */
    metricsPort: metricsServer?.port,
    async close(graceMs = config.SHUTDOWN_GRACE_MS) {
      await metricsServer?.close(1_000);
      // Checks first: they end at once (status unknown) and close their contexts before the adapter goes.
      await checker.close();
      await checkQueue.close();
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
