import type { Queue } from "bullmq";
import { createRoute, z } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import type { Logger } from "pino";
import type { ApiKeyAttempts } from "../credentials/api-key-attempts.ts";
import type { ApiKeyValidator } from "../credentials/api-key-validation.ts";
import type { CredentialAudit } from "../credentials/credential-audit.ts";
import type { CredentialVault } from "../credentials/credential-vault.ts";
import type { EventLog } from "../events/event-log.ts";
import type { EventTail } from "../events/event-tail.ts";
import type { ProviderRegistry } from "../providers/provider-registry.ts";
import type { LoginJobData } from "../queue/login-queue.ts";
import type { SessionEventBus } from "../sessions/session-events.ts";
import type { SessionStore } from "../sessions/session-store.ts";
import type { Subject } from "../sessions/subject.ts";
import { providerView, providerViewSchema } from "../providers/provider-view.ts";
import { errorBody, toErrorResponse } from "./api-error.ts";
import { apiKeyAuth } from "./api-key-auth.ts";
import { createApiRouter } from "./openapi/api-router.ts";
import { errorResponses } from "./openapi/error-responses.ts";
import { jsonResponse } from "./openapi/json-response.ts";
import { referenceRoutes } from "./openapi/reference-routes.ts";
import { subjectSecurity } from "./openapi/security.ts";
import type { LiveViewLinks } from "../live-view/live-view-links.ts";
import { browserLoginConnectKind } from "../connect/browser-login-connect.ts";
import type { ConnectKind } from "../connect/connect-kind.ts";
import { connectLinkRoutes } from "../connect/connect-link-routes.ts";
import type { ConnectLinks } from "../connect/connect-links.ts";
import { connectPageRoutes } from "../connect/connect-page-routes.ts";
import { createLoginStarter } from "./login-session-actions.ts";
import { viewerRoutes } from "../live-view/viewer-routes.ts";
import type { LoginUrlPolicy } from "./login-url-policy.ts";
import type { Metrics } from "../metrics/metrics.ts";
import { metricsRoutes } from "../metrics/metrics-routes.ts";
import { QUEUE_DASHBOARD_PATH, queueDashboard, type QueueDashboardDeps } from "./queue-dashboard.ts";
import { apiKeyRoutes } from "./routes/api-key-routes.ts";
import { browserLoginRoutes } from "./routes/browser-login-routes.ts";
import { credentialRoutes } from "./routes/credential-routes.ts";
import { credentialLifecycleRoutes } from "./routes/credential-lifecycle-routes.ts";
import type { CheckWaiter } from "./check-waiter.ts";
import { eventRoutes } from "./routes/event-routes.ts";
import { webhookRoutes, type WebhookDeps } from "./routes/webhook-routes.ts";
import { oauth2CallbackRoute, oauth2Routes, type OAuth2Deps } from "./routes/oauth2-routes.ts";
import { oauth2CredentialRoutes } from "./routes/oauth2-credential-routes.ts";
import type { SubjectResolver } from "./subject-resolver.ts";

export interface AppDeps {
  sessions: SessionStore;
  events: SessionEventBus;
  /** The event log (SSE catch-up) and this process's tail of it (SSE live). */
  eventLog: EventLog;
  eventTail: EventTail;
  /** How often an idle SSE stream sends a comment, so proxies and clients keep it open. */
  sseHeartbeatMs: number;
  webhooks: WebhookDeps;
  queue: Pick<Queue<LoginJobData>, "add" | "remove">;
  /** Credential checks: queued for the workers, awaited through queue events. */
  checks: CheckWaiter;
  vault: CredentialVault;
  audit: CredentialAudit;
  providers: ProviderRegistry;
  apiKeys: string[];
  resolveSubject: SubjectResolver;
  /** The headers the default resolver reads, as /openapi.json names them (default x-subject-user-id, x-subject-org-id). */
  subjectHeaders?: { user: string; org: string };
  loginUrlPolicy: LoginUrlPolicy;
  /** Runs an API-key provider's validation request before a key is stored. */
  validateApiKey: ApiKeyValidator;
  /** Limits how many keys a subject may have checked with one provider. */
  apiKeyAttempts?: ApiKeyAttempts;
  sessionTimeoutMs: number;
  bodyLimitBytes?: number;
  logger: Logger;
  /** Aborted when the API shuts down: requests waiting on a session answer with its current state at once. */
  draining?: AbortSignal;
  /** The self-hosted live view: viewer links on session status, the viewer page, revoke. */
  liveView?: { links: LiveViewLinks; secret: Buffer; frameAncestors: string[]; verifierKey?: string };
  /** OAuth2 connections: start, callback, organisation clients, access tokens, revocation on delete. */
  oauth2?: OAuth2Deps;
  /**
   * The connect page: links minted through POST /connect/links, the page at /connect/<token>.
   * Browser-login providers are always offered; `kinds` adds other ways of connecting (OAuth2, API keys).
   */
  connect?: { links: ConnectLinks; linkTtlMs: number; publicUrl: () => string; frameAncestors: string[]; kinds?: ConnectKind[] };
  /** GET /metrics (Prometheus text), for bearers of one of `tokens` (the metrics token and the API keys). */
  metrics?: { metrics: Metrics; tokens: readonly string[] };
  /** The BullMQ dashboard at /admin/queues (QUEUE_DASHBOARD), behind the API keys. */
  queueDashboard?: Omit<QueueDashboardDeps, "apiKeys">;
}

export type ApiEnv = { Variables: { subject: Subject; requestId: string; apiKeyId: string } };

const okSchema = z.object({ ok: z.literal(true) });
const healthz = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["Health"],
  summary: "The process is up",
  responses: { 200: jsonResponse("Up", okSchema), ...errorResponses([]) },
});
const readyz = createRoute({
  method: "get",
  path: "/readyz",
  tags: ["Health"],
  summary: "Redis answers: ready for requests",
  responses: { 200: jsonResponse("Ready", okSchema), ...errorResponses([503], { 503: "Redis is not reachable (`storage_unavailable`)" }) },
});
const providerList = createRoute({
  method: "get",
  path: "/providers",
  tags: ["Browser login"],
  summary: "The providers a user can connect",
  security: subjectSecurity,
  responses: {
    200: jsonResponse("Each provider's id (for POST /browser-login/start), name, kind, and what its kind offers", z.object({ providers: z.array(providerViewSchema) })),
    ...errorResponses([400, 401]),
  },
});

export function createApp(deps: AppDeps) {
  if (deps.apiKeys.length === 0) throw new Error("createApp needs at least one API key");
  const app = createApiRouter();
  const logger = deps.logger;

  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    // Status polls are the bulk of traffic: keep them out of the default log level, and build no
    // log line at a level that is off.
    const level = c.req.method === "GET" && c.res.status < 400 ? "debug" : "info";
    if (!logger.isLevelEnabled(level)) return;
    // A viewer or connect link's path is its capability: never logged.
    const path = c.req.path.replace(/^\/(live|connect)\/(?!links$)[^/]+/, "/$1/<token>");
    logger[level]({ requestId: c.get("requestId"), method: c.req.method, path, status: c.res.status, ms: Math.round(performance.now() - started) }, "request");
  });

  app.openapi(healthz, (c) => c.json({ ok: true as const }, 200));
  app.openapi(readyz, async (c) => {
    try {
      await deps.sessions.ping();
      return c.json({ ok: true as const }, 200);
    } catch {
      return c.json(errorBody("storage_unavailable", "Redis is not reachable"), 503);
    }
  });

  // Before the API key middleware: the document and its reference page are public (the API's shape is no secret).
  referenceRoutes(app, deps.subjectHeaders);
  if (deps.liveView) app.route("/", viewerRoutes({ sessions: deps.sessions, ...deps.liveView }));
  // The browser coming back from the provider carries no API key: the single-use state is its proof.
  if (deps.oauth2) app.route("/", oauth2CallbackRoute(deps.oauth2));
  const connectKinds = deps.connect && [
    browserLoginConnectKind({ ...deps, startLogin: createLoginStarter(deps), liveView: deps.liveView }),
    ...(deps.connect.kinds ?? []),
  ];
  // The page and its endpoints answer to the link's token, not an API key: before the keyed routes.
  if (deps.connect) app.route("/", connectPageRoutes({ ...deps.connect, vault: deps.vault, oauth2: deps.oauth2, kinds: connectKinds! }));
  // Operator pages, not a subject's: their own authentication, outside the subject middleware below.
  if (deps.metrics) app.route("/", metricsRoutes(deps.metrics.metrics, deps.metrics.tokens));
  if (deps.queueDashboard) app.route(QUEUE_DASHBOARD_PATH, queueDashboard({ ...deps.queueDashboard, apiKeys: deps.apiKeys }));

  const authed = createApiRouter();
  authed.use(apiKeyAuth(deps.apiKeys));
  const limitBody = bodyLimit({
    maxSize: deps.bodyLimitBytes ?? 16 * 1024,
    onError: (c) => c.json(errorBody("payload_too_large", `The request body is larger than ${deps.bodyLimitBytes ?? 16 * 1024} bytes`), 413),
  });
  // A GET or HEAD has no body to limit (@hono/node-server gives them none), but asking for it makes
  // the server build a full WHATWG Request with an AbortController for every status poll.
  authed.use((c, next) => (c.req.method === "GET" || c.req.method === "HEAD" ? next() : limitBody(c, next)));
  authed.use(async (c, next) => {
    // Webhook endpoints are the operator's, not a subject's: no subject to resolve there.
    if (!c.req.path.startsWith("/webhooks/")) c.set("subject", await deps.resolveSubject(c));
    await next();
  });
  authed.openapi(providerList, (c) => c.json({ providers: deps.providers.list().map(providerView) }, 200));
  authed.route("/", eventRoutes(deps));
  authed.route("/browser-login", browserLoginRoutes(deps));
  authed.route("/credentials", credentialLifecycleRoutes(deps));
  if (deps.oauth2) {
    authed.route("/oauth2", oauth2Routes(deps.oauth2, deps.providers));
    authed.route("/credentials", oauth2CredentialRoutes(deps.oauth2.tokens));
  }
  authed.route("/credentials", apiKeyRoutes(deps));
  authed.route("/credentials", credentialRoutes(deps));
  authed.route("/webhooks/endpoints", webhookRoutes(deps.webhooks));
  if (deps.connect) authed.route("/", connectLinkRoutes({ links: deps.connect.links, kinds: connectKinds!, ttlMs: deps.connect.linkTtlMs, publicUrl: deps.connect.publicUrl }));
  app.route("/", authed);

  app.notFound((c) => c.json(errorBody("not_found", `No route ${c.req.method} ${c.req.path}`), 404));
  app.onError((error, c) => toErrorResponse(error, c, (e) => logger.error({ err: { name: (e as Error)?.name, message: (e as Error)?.message } }, "unhandled error")));
  return app;
}
