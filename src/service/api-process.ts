import type { Logger } from "pino";
import { buildApiKeys } from "../api-keys/build.ts";
import { buildBrowserLoginApi } from "../browser-login/build.ts";
import { buildConnect } from "../connect/build.ts";
import type { Config } from "../core/config.ts";
import { buildCredentialChecksApi } from "../credential-checks/build.ts";
import { buildEventsApi } from "../events/build.ts";
import { startHttpServer } from "../http/server.ts";
import { headerSubjectResolver } from "../http/subject-resolver.ts";
import { buildKeepAliveApi } from "../keep-alive/build.ts";
import { buildLiveViewApi } from "../live-view/build.ts";
import { buildMcpApi } from "../mcp/build.ts";
import { createMetrics, type Metrics } from "../metrics/metrics.ts";
import { metricsTokens } from "../metrics/metrics-routes.ts";
import { buildOAuth2 } from "../oauth2/build-oauth2.ts";
import type { ProviderRegistry } from "../providers/provider-registry.ts";
import { createApiApp } from "./api-app.ts";
import { openInfra, openSharedParts } from "./infra.ts";
import { explainListenError } from "./port-check.ts";
import { resolveServiceKeys } from "./service-keys.ts";
import { publishSharedSettings } from "./shared-settings.ts";

/** The service's version, as the MCP server names itself. */
const SERVICE_VERSION = "0.1.0";

/** How long requests in flight get to answer when the API stops. */
const API_DRAIN_MS = 3_000;

/**
 * Where a process's metrics go: its own registry (a process running one role), or one shared with the
 * other role in the same process (`npm start`), whose API then serves them all.
 */
export interface ServiceOptions {
  metrics?: Metrics;
}

/**
 * The HTTP API: its own Redis connections, fail-fast, so a Redis outage answers 503 rather than
 * hanging. Every part it starts goes on one stack: a start that fails half way and `close` unwind it
 * the same way, the HTTP server first (requests in flight answer), Redis last.
 */
export async function startApiService(
  config: Config,
  redisUrl: string,
  providers: ProviderRegistry,
  logger: Logger,
  options: ServiceOptions = {},
) {
  const metrics = options.metrics ?? createMetrics();
  const stack = new AsyncDisposableStack();
  try {
    const infra = await openInfra(config, redisUrl, "api", logger, stack);
    // What the workers compare their own settings with.
    await publishSharedSettings(infra, providers);
    const shared = await openSharedParts(infra, metrics);
    const serviceKeys = resolveServiceKeys(config, logger);
    const draining = new AbortController();
    // Links name the API's public address, known once it listens when PORT is 0.
    let listening = { port: config.PORT };
    const apiHost = config.HOST === "0.0.0.0" ? "127.0.0.1" : config.HOST;
    const publicUrl = () => config.PUBLIC_URL ?? `http://${apiHost}:${listening.port}`;

    const browserLogin = buildBrowserLoginApi(infra, shared);
    const liveView = buildLiveViewApi(infra, shared, { publicUrl, metrics });
    const keepAlive = buildKeepAliveApi(infra, shared, { publicUrl, metrics });
    const checks = await buildCredentialChecksApi(infra);
    const events = buildEventsApi(infra, shared.eventLog);
    const credentialDeps = { vault: shared.vault, credentialEvents: shared.eventLog, providers };
    const oauth2 = buildOAuth2(infra, {
      ...credentialDeps,
      database: shared.credentials.database,
      cipher: shared.cipher,
      publicUrl,
    });
    metrics.watch("blc_queue_jobs", async () => {
      const queues = [browserLogin.queue, shared.webhooks.queue];
      const counted = await Promise.all(queues.map(async (q) => [q.name, await q.getJobCounts()] as const)).catch(
        () => [],
      );
      return counted.flatMap(([name, counts]) =>
        Object.entries(counts).map(([state, value]) => ({ labels: { queue: name, state }, value })),
      );
    });

    const connect = buildConnect(infra, { secret: liveView.routes.secret, publicUrl: liveView.routes.links.base });
    const mcp = config.MCP
      ? buildMcpApi(infra, {
          vault: shared.vault,
          providers,
          links: connect.links,
          ...(oauth2
            ? { accessToken: (id, subject, access) => oauth2.tokens.accessToken(id, subject, { access }) }
            : {}),
          publicUrl: liveView.routes.links.base,
          secret: liveView.routes.secret,
          serviceKeys: serviceKeys.keys,
          version: SERVICE_VERSION,
          draining: draining.signal,
        })
      : undefined;

    const app = createApiApp({
      logger,
      serviceKeys: serviceKeys.keys,
      resolveSubject: headerSubjectResolver(
        config.SUBJECT_USER_HEADER,
        config.SUBJECT_ORG_HEADER,
        config.SUBJECT_ORG_ROLE_HEADER,
      ),
      subjectHeaders: {
        user: config.SUBJECT_USER_HEADER,
        org: config.SUBJECT_ORG_HEADER,
        orgRole: config.SUBJECT_ORG_ROLE_HEADER,
      },
      bodyLimitBytes: config.BODY_LIMIT_BYTES,
      checkInBodyLimitBytes: config.CHECK_IN_BODY_LIMIT_BYTES,
      ready: () => shared.sessions.ping(),
      draining: draining.signal,
      providers,
      vault: shared.vault,
      audit: shared.audit,
      credentialEvents: shared.eventLog,
      browserLogin: {
        ...browserLogin,
        sessions: shared.sessions,
        wakeups: shared.wakeups,
        pendingTotp: shared.pendingTotp,
      },
      events,
      checks: checks.checks,
      apiKeys: buildApiKeys(infra, credentialDeps),
      webhooks: { ...shared.webhooks, eventLog: shared.eventLog },
      oauth2,
      liveView: liveView.routes,
      keepAlive: keepAlive.routes,
      connect,
      mcp,
      metrics: { metrics, tokens: metricsTokens(serviceKeys.keys, config.METRICS_TOKEN) },
      queueDashboard: config.QUEUE_DASHBOARD
        ? { loginQueue: browserLogin.queue, webhookQueue: shared.webhooks.queue, checkQueue: checks.queue }
        : undefined,
    });

    const server = await startHttpServer({
      fetch: app.fetch,
      port: config.PORT,
      host: config.HOST,
      headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
      onUpgrade: (req, socket, head) =>
        liveView.relay.handleUpgrade(req, socket, head) || keepAlive.relay.handleUpgrade(req, socket, head),
      logger,
    }).catch((error) => {
      throw explainListenError(error, [{ setting: "PORT", port: config.PORT }]);
    });
    stack.defer(async () => {
      // Waiting requests answer at once with what they have; viewer sockets are upgraded connections the HTTP drain does not see.
      draining.abort();
      liveView.relay.close();
      keepAlive.relay.close();
      await server.close(API_DRAIN_MS);
    });
    listening = { port: server.port };
    if (config.NODE_ENV === "production" && !config.PUBLIC_URL && config.LIVE_VIEW) {
      logger.warn(
        { links: liveView.routes.links.base() },
        "PUBLIC_URL is not set: live-view links name the API's own address, which users elsewhere may not reach",
      );
    }
    logger.info({ url: `http://${config.HOST}:${server.port}` }, "API listening");
    return {
      port: server.port,
      apiKey: serviceKeys.generated,
      metrics,
      /** Stops accepting, answers requests in flight (waiting ones at once, with what they have), then disconnects. */
      close: () => stack.disposeAsync(),
    };
  } catch (error) {
    await stack.disposeAsync().catch(() => {});
    throw error;
  }
}
