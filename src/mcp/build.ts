import { hkdfSync } from "node:crypto";
import type { ConnectLinks } from "../connect/connect-links.ts";
import type { Infra } from "../core/infra.ts";
import type { CredentialVault } from "../credentials/credential-vault.ts";
import type { Mount } from "../http/app.ts";
import { createAddressPolicy } from "../network/address-policy.ts";
import type { ProviderRegistry } from "../providers/provider-registry.ts";
import { callProviderApi } from "./api-call.ts";
import { createAuthorizationServer } from "./authorization-server.ts";
import { createConnectRequests } from "./connect-requests.ts";
import { connectSignInRoutes } from "./connect-sign-in-routes.ts";
import { createConnectUrls } from "./connect-urls.ts";
import { type AccessTokenSource, createConnections } from "./connections.ts";
import { mcpRoutes } from "./mcp-routes.ts";
import { createMcpTools } from "./mcp-tools.ts";

type CallArgs = Parameters<typeof callProviderApi> extends [unknown, ...infer Rest] ? Rest : never;

export interface McpBuildDeps {
  vault: CredentialVault;
  providers: ProviderRegistry;
  links: ConnectLinks;
  /** OAuth2 access tokens (absent without OAuth2). */
  accessToken?: AccessTokenSource;
  publicUrl: () => string;
  /** The service's link secret (LIVE_VIEW_SECRET, or derived): signs MCP connect requests and, derived, requestState. */
  secret: Buffer;
  serviceKeys: readonly string[];
  version: string;
  /** Aborted when the API shuts down. */
  draining?: AbortSignal;
}

/**
 * The MCP server of the API process (MCP=true): the /mcp endpoint, its protected-resource document,
 * and, with MCP_AUTH_ISSUER, the sign-in page behind connect URLs. Its per-request servers are closed
 * with the process's stack.
 */
export function buildMcpApi({ config, redis, logger, stack }: Infra, deps: McpBuildDeps): { mounts: Mount[] } {
  const base = () => deps.publicUrl().replace(/\/+$/, "");
  const resource = () => `${base()}/mcp`;
  const ttlMs = config.MCP_CONNECT_TTL_SECONDS * 1000;
  const authorizationServer = config.MCP_AUTH_ISSUER
    ? createAuthorizationServer({
        issuer: config.MCP_AUTH_ISSUER,
        connectClient: { id: config.MCP_CONNECT_CLIENT_ID!, secret: config.MCP_CONNECT_CLIENT_SECRET! },
        resource,
        ...(config.MCP_SUBJECT_ORG_CLAIM ? { orgClaim: config.MCP_SUBJECT_ORG_CLAIM } : {}),
      })
    : undefined;
  const requests = authorizationServer
    ? createConnectRequests(redis, { prefix: config.REDIS_PREFIX, secret: deps.secret, ttlMs })
    : undefined;
  // call_api's requests go where API-key validation requests may: one outbound policy.
  const addressPolicy = createAddressPolicy({
    allowPrivateAddresses: config.ALLOW_PRIVATE_LOGIN_URLS,
    privateAllowedFor: config.ALLOW_PRIVATE_LOGIN_URL_HOSTS,
  });
  const toolDeps = {
    connections: createConnections(deps),
    connectUrls: createConnectUrls({
      ...(requests ? { requests } : {}),
      links: deps.links,
      ttlMs,
      publicUrl: deps.publicUrl,
      ...(config.MCP_CONNECT_PAGE_URL ? { appPage: config.MCP_CONNECT_PAGE_URL } : {}),
    }),
    callApi: (...call: CallArgs) =>
      callProviderApi(
        { addressPolicy, maxBytes: config.MCP_CALL_API_MAX_BYTES, timeoutMs: config.MCP_CALL_API_TIMEOUT_MS },
        ...call,
      ),
    // Its own key, derived: requestState can never pass for a link token signed with the secret itself.
    requestStateKey: Buffer.from(hkdfSync("sha256", deps.secret, "", "blc/mcp-request-state", 32)),
    connectWaitMs: config.MCP_CONNECT_WAIT_MS,
    ...(deps.draining ? { draining: deps.draining } : {}),
    ...(config.MCP_CREDENTIAL_HANDOVER ? { handoverScope: config.MCP_HANDOVER_SCOPE } : {}),
    version: deps.version,
  };
  const mcp = mcpRoutes({
    serverFor: (principal) => createMcpTools(toolDeps, principal),
    serviceKeys: deps.serviceKeys,
    subjectHeaders: { user: config.SUBJECT_USER_HEADER, org: config.SUBJECT_ORG_HEADER },
    ...(authorizationServer ? { authorizationServer } : {}),
    requiredScopes: config.MCP_REQUIRED_SCOPES,
    resource,
    logger,
  });
  stack.defer(() => mcp.close());
  const signIn =
    authorizationServer && requests
      ? [
          connectSignInRoutes({
            redis,
            prefix: config.REDIS_PREFIX,
            authorizationServer,
            requests,
            links: deps.links,
            providers: deps.providers,
            publicUrl: deps.publicUrl,
            ttlMs,
            ...(config.CONNECT_VERIFIER_KEY ? { verifierKey: config.CONNECT_VERIFIER_KEY } : {}),
          }),
        ]
      : [];
  return { mounts: [mcp.routes, ...signIn].map((routes) => ({ path: "/", routes })) };
}
