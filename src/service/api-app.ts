import type { Logger } from "pino";
import type { ApiKeyEntryDeps } from "../api-keys/api-key-entry.ts";
import { apiKeyConnectKind } from "../api-keys/connect-kind.ts";
import { apiKeyRoutes } from "../api-keys/routes.ts";
import { browserLoginConnectKind } from "../browser-login/connect-kind.ts";
import type { LiveViewLinks } from "../browser-login/live-view-ports.ts";
import { createLoginStarter, type LoginStarterDeps } from "../browser-login/login-actions.ts";
import { reloginRoute } from "../browser-login/relogin-route.ts";
import { browserLoginRoutes } from "../browser-login/routes.ts";
import { totpRoutes } from "../browser-login/totp-routes.ts";
import type { ConnectKind } from "../connect/connect-kind.ts";
import { connectLinkRoutes } from "../connect/connect-link-routes.ts";
import type { ConnectLinks } from "../connect/connect-links.ts";
import { connectPageRoutes } from "../connect/connect-page-routes.ts";
import type { CheckWaiter } from "../credential-checks/check-waiter.ts";
import { credentialCheckRoutes } from "../credential-checks/routes.ts";
import { CHECK_IN_PATH, checkInRoute } from "../credentials/check-in-route.ts";
import type { CredentialAudit } from "../credentials/credential-audit.ts";
import type { Revoker } from "../credentials/credential-deletion.ts";
import type { CredentialEvents } from "../credentials/credential-events.ts";
import type { CredentialVault } from "../credentials/credential-vault.ts";
import { credentialRoutes } from "../credentials/routes.ts";
import type { EventRouteDeps } from "../events/routes.ts";
import { eventRoutes } from "../events/routes.ts";
import { createHttpApp, type KeyedMount, type Mount } from "../http/app.ts";
import { QUEUE_DASHBOARD_PATH, type QueueDashboardDeps, queueDashboard } from "../http/queue-dashboard.ts";
import type { SubjectHeaders, SubjectResolver } from "../http/subject-resolver.ts";
import { type KeepAliveRouteDeps, keepAliveRoutes } from "../keep-alive/routes.ts";
import { viewerRoutes } from "../live-view/viewer-routes.ts";
import type { Metrics } from "../metrics/metrics.ts";
import { metricsRoutes } from "../metrics/metrics-routes.ts";
import { oauth2ConnectKind } from "../oauth2/connect-kind.ts";
import { oauth2CredentialRoutes } from "../oauth2/credential-routes.ts";
import { type OAuth2Deps, oauth2CallbackRoute, oauth2Routes } from "../oauth2/routes.ts";
import type { ProviderRegistry } from "../providers/provider-registry.ts";
import { providerRoutes } from "../providers/routes.ts";
import { type WebhookDeps, webhookRoutes } from "../webhooks/routes.ts";

/**
 * Everything the API's routes act on, by feature: built by service/api-process.ts from the running
 * parts, and from stand-ins by scripts/generate-client.ts (building the routes touches none of them).
 */
export interface ApiParts {
  logger: Logger;
  serviceKeys: readonly string[];
  resolveSubject: SubjectResolver;
  /** The headers the default resolver reads, as /openapi.json names them. */
  subjectHeaders?: SubjectHeaders;
  bodyLimitBytes?: number;
  /** The check-in's body limit (a browser state): CHECK_IN_BODY_LIMIT_BYTES. */
  checkInBodyLimitBytes?: number;
  /** Readiness: rejects while Redis is not reachable. */
  ready(): Promise<void>;
  /** Aborted when the API shuts down: requests waiting on a session or check answer at once with what they have. */
  draining?: AbortSignal;
  providers: ProviderRegistry;
  vault: CredentialVault;
  audit: CredentialAudit;
  /** Where check-ins log credential.renewed. */
  credentialEvents: CredentialEvents;
  browserLogin: Omit<LoginStarterDeps, "providers" | "draining">;
  events: Omit<EventRouteDeps, "sessions" | "logger" | "draining">;
  /** Credential checks: queued for the workers, awaited through queue events. */
  checks: CheckWaiter;
  apiKeys: Omit<ApiKeyEntryDeps, "vault" | "providers">;
  webhooks: WebhookDeps;
  /** OAuth2 connections: start, callback, organisations' clients, access tokens, revocation on delete. */
  oauth2?: OAuth2Deps;
  /** The self-hosted live view: viewer links on session status, the viewer page, revoke. */
  liveView?: {
    links: LiveViewLinks;
    secret: Buffer;
    frameAncestors: string[];
    verifierKey?: string;
    viewerCheck?: (sessionId: string) => string;
  };
  /** Kept-alive browsers: DevTools links to them (handed out, audited, revoked). */
  keepAlive?: Omit<KeepAliveRouteDeps, "audit">;
  /** The connect page: links minted through POST /connect/links, the page at /connect/<token>. */
  connect?: {
    links: ConnectLinks;
    linkTtlMs: number;
    publicUrl: () => string;
    frameAncestors: string[];
    /** CONNECT_VERIFIER_KEY: links open the first time only with the app's check. */
    verifierKey?: string;
    /** CONNECT_RETURN_SCHEMES: what a link's successUrl, errorUrl and returnUrl may be. */
    returnSchemes: readonly string[];
    /** CONNECT_COMPONENT_ORIGINS: app pages whose connect components use component links. */
    componentOrigins: readonly string[];
  };
  /** The MCP server (mcp/): /mcp, its protected-resource document and connect sign-in, with their own authentication. */
  mcp?: { mounts: Mount[] };
  /** GET /metrics (Prometheus text), for bearers of one of `tokens` (the metrics token and the service keys). */
  metrics?: { metrics: Metrics; tokens: readonly string[] };
  /** The BullMQ dashboard at /admin/queues, behind the service keys. */
  queueDashboard?: Omit<QueueDashboardDeps, "apiKeys">;
}

/** A viewer or connect link's path is its capability: the request log shows `<token>` instead. */
const logPath = (path: string) => path.replace(/^\/(live|connect)\/(?!links(?:\/|$))[^/]+/, "/$1/<token>");

/**
 * The API: the HTTP shell (src/http/) with every feature's routes mounted, in the order of
 * /openapi.json. Pages reached by a signed link, callbacks and operator pages come first, without a
 * service key; the rest answer to a service key and act for the subject the request names.
 */
export function createApiApp(parts: ApiParts) {
  const { providers, vault, draining } = parts;
  const loginDeps = { ...parts.browserLogin, providers, draining, liveView: parts.liveView };
  // Every way of connecting a provider on the connect page; browser login is always one.
  const connectKinds: ConnectKind[] = [
    browserLoginConnectKind({ ...loginDeps, startLogin: createLoginStarter(loginDeps) }),
    ...(parts.oauth2 && parts.connect
      ? [
          oauth2ConnectKind({
            providers,
            flow: parts.oauth2.flow,
            clients: parts.oauth2.clients,
            publicUrl: parts.connect.publicUrl,
          }),
        ]
      : []),
    apiKeyConnectKind({ ...parts.apiKeys, vault, providers }),
  ];
  const oauth2 = parts.oauth2;
  const revokeOAuth2: Revoker | undefined =
    oauth2 && ((id, subject, access) => oauth2.tokens.revoke(id, subject, access));

  const open: Mount[] = [
    ...(parts.liveView
      ? [{ path: "/", routes: viewerRoutes({ sessions: parts.browserLogin.sessions, ...parts.liveView }) }]
      : []),
    // The browser coming back from the provider carries no service key: the single-use state is its proof.
    ...(parts.oauth2 ? [{ path: "/", routes: oauth2CallbackRoute(parts.oauth2) }] : []),
    // Service keys or the operator's access tokens, checked by the MCP endpoint itself (with an OAuth challenge).
    ...(parts.mcp?.mounts ?? []),
    // The page and its endpoints answer to the link's token.
    ...(parts.connect
      ? [{ path: "/", routes: connectPageRoutes({ ...parts.connect, vault, revokeOAuth2, kinds: connectKinds }) }]
      : []),
    // Operator pages, not a subject's: their own authentication.
    ...(parts.metrics ? [{ path: "/", routes: metricsRoutes(parts.metrics.metrics, parts.metrics.tokens) }] : []),
    ...(parts.queueDashboard
      ? [
          {
            path: QUEUE_DASHBOARD_PATH,
            routes: queueDashboard({ ...parts.queueDashboard, apiKeys: parts.serviceKeys }),
          },
        ]
      : []),
  ];

  const keyed: KeyedMount[] = [
    { path: "/", routes: providerRoutes(providers) },
    {
      path: "/",
      routes: eventRoutes({ ...parts.events, sessions: parts.browserLogin.sessions, logger: parts.logger, draining }),
    },
    { path: "/browser-login", routes: browserLoginRoutes(loginDeps) },
    ...(parts.keepAlive
      ? [{ path: "/browser-login", routes: keepAliveRoutes({ ...parts.keepAlive, audit: parts.audit }) }]
      : []),
    { path: "/credentials", routes: credentialCheckRoutes({ vault, checks: parts.checks, providers, draining }) },
    { path: "/credentials", routes: reloginRoute({ ...loginDeps, vault }) },
    { path: "/credentials", routes: totpRoutes({ vault, providers }) },
    ...(parts.oauth2
      ? [
          { path: "/oauth2", routes: oauth2Routes(parts.oauth2, providers) },
          { path: "/credentials", routes: oauth2CredentialRoutes(parts.oauth2.tokens) },
        ]
      : []),
    { path: "/credentials", routes: apiKeyRoutes({ ...parts.apiKeys, vault, providers }) },
    { path: "/credentials", routes: credentialRoutes({ vault, audit: parts.audit, revokeOAuth2 }) },
    {
      path: "/credentials",
      routes: checkInRoute({
        vault,
        events: parts.credentialEvents,
        providerOrigins: (id) => {
          const provider = providers.get(id);
          return provider?.kind === "browser_login" ? provider.origins : undefined;
        },
      }),
    },
    { path: "/webhooks/endpoints", routes: webhookRoutes(parts.webhooks), operator: true },
    ...(parts.connect
      ? [
          {
            path: "/",
            routes: connectLinkRoutes({
              links: parts.connect.links,
              kinds: connectKinds,
              ttlMs: parts.connect.linkTtlMs,
              returnSchemes: parts.connect.returnSchemes,
              componentOrigins: parts.connect.componentOrigins,
              publicUrl: parts.connect.publicUrl,
            }),
          },
        ]
      : []),
  ];

  return createHttpApp({
    logger: parts.logger,
    serviceKeys: parts.serviceKeys,
    resolveSubject: parts.resolveSubject,
    subjectHeaders: parts.subjectHeaders,
    bodyLimitBytes: parts.bodyLimitBytes,
    largeBodies: [{ path: CHECK_IN_PATH, maxSize: parts.checkInBodyLimitBytes ?? 1_048_576 }],
    ready: parts.ready,
    logPath,
    open,
    keyed,
  });
}
