import {
  type AuthInfo,
  createMcpHandler,
  getOAuthProtectedResourceMetadataUrl,
  type McpServer,
  requireBearerAuth,
} from "@modelcontextprotocol/server";
import type { Logger } from "pino";
import { subjectSchema } from "../core/subject.ts";
import { errorBody } from "../http/errors.ts";
import { createApiRouter } from "../http/router.ts";
import { createServiceKeyMatcher } from "../http/service-key-auth.ts";
import type { AuthorizationServer } from "./authorization-server.ts";
import { authInfoOf, type McpPrincipal, principalOf } from "./mcp-principal.ts";

/** A tool call's body is bounded by call_api's body (1 MiB) and the JSON around it. */
const MAX_BODY_BYTES = 1_200_000;

export interface McpRouteDeps {
  /** The MCP server for one caller (mcp-tools.ts). */
  serverFor(principal: McpPrincipal): McpServer;
  /** The service keys (API_KEYS): trusted deployments, which say the subject in headers as on the REST API. */
  serviceKeys: readonly string[];
  subjectHeaders: { user: string; org: string };
  /** MCP_AUTH_ISSUER: its access tokens are accepted too. */
  authorizationServer?: AuthorizationServer;
  requiredScopes: string[];
  /** This endpoint's URL, PUBLIC_URL/mcp: the resource access tokens are for. */
  resource: () => string;
  logger: Logger;
}

/**
 * An authentication refusal in the API's error shape, keeping the challenge (WWW-Authenticate) the client
 * acts on. A failure on our side (the authorization server's keys could not be fetched) is a 503.
 */
async function inOurShape(refusal: Response): Promise<Response> {
  if (refusal.status >= 500)
    return Response.json(
      errorBody("authorization_server_unavailable", "The authorization server's keys could not be read; retry shortly"),
      { status: 503, headers: { "retry-after": "5" } },
    );
  const body = (await refusal.json().catch(() => ({}))) as { error?: string; error_description?: string };
  const headers = new Headers(refusal.headers);
  headers.set("content-type", "application/json");
  return new Response(
    JSON.stringify(errorBody(body.error ?? "unauthorized", body.error_description ?? "Not authorized")),
    { status: refusal.status, headers },
  );
}

/**
 * The MCP endpoint (Streamable HTTP, protocol revision 2026-07-28, stateless: one server per request)
 * and its RFC 9728 protected-resource document. A request carries either one of the service keys and
 * the subject's headers, or an access token of the operator's authorization server (a JWT for this
 * resource, checked with its keys); anything else gets 401 with a challenge that names the document.
 */
export function mcpRoutes(deps: McpRouteDeps) {
  const app = createApiRouter();
  const matchServiceKey = createServiceKeyMatcher(deps.serviceKeys);
  const metadataUrl = () => getOAuthProtectedResourceMetadataUrl(new URL(deps.resource()));
  const handler = createMcpHandler(
    (ctx) => {
      const principal = principalOf(ctx.authInfo);
      if (!principal) throw new Error("an unauthenticated request reached the MCP server");
      return deps.serverFor(principal);
    },
    {
      // Clients of the 2025 revision are served too, one request at a time (tools without URL requests: the result carries the link).
      legacy: "stateless",
      maxRequestBodySize: MAX_BODY_BYTES,
      onerror: (error) => deps.logger.warn({ err: { name: error.name, message: error.message } }, "mcp request failed"),
    },
  );
  let gate: ((request: Request) => Promise<AuthInfo | Response>) | undefined;
  const accessTokenGate = (server: AuthorizationServer) => {
    gate ??= requireBearerAuth({
      verifier: server.verifier,
      requiredScopes: deps.requiredScopes,
      resourceMetadataUrl: metadataUrl(),
      expectedResource: new URL(deps.resource()),
    });
    return gate;
  };

  async function authenticate(request: Request): Promise<AuthInfo | Response> {
    const bearer = /^Bearer ([^\s]+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
    const keyId = bearer ? matchServiceKey(bearer) : undefined;
    if (keyId) {
      const subject = subjectSchema.safeParse({
        userId: request.headers.get(deps.subjectHeaders.user) ?? undefined,
        orgId: request.headers.get(deps.subjectHeaders.org) || undefined,
      });
      if (!subject.success)
        return Response.json(
          errorBody(
            "subject_required",
            `With a service key, say whom the request is for with the ${deps.subjectHeaders.user} header`,
          ),
          { status: 400 },
        );
      return authInfoOf({ subject: subject.data, clientId: keyId, via: "service_key", scopes: [] }, bearer!);
    }
    if (deps.authorizationServer) {
      const outcome = await accessTokenGate(deps.authorizationServer)(request);
      return outcome instanceof Response ? inOurShape(outcome) : outcome;
    }
    return Response.json(errorBody("unauthorized", "Send a service key as Authorization: Bearer <key>"), {
      status: 401,
      headers: { "www-authenticate": 'Bearer realm="mcp"' },
    });
  }

  app.get("/.well-known/oauth-protected-resource/mcp", (c) => {
    if (!deps.authorizationServer)
      return c.json(
        errorBody("not_found", "The MCP endpoint takes service keys only (MCP_AUTH_ISSUER is not set)"),
        404,
      );
    c.header("cache-control", "max-age=300");
    c.header("access-control-allow-origin", "*");
    return c.json(
      {
        resource: deps.resource(),
        authorization_servers: [deps.authorizationServer.issuer],
        scopes_supported: deps.requiredScopes,
        bearer_methods_supported: ["header"],
        resource_name: "browser-login-capture",
      },
      200,
    );
  });

  app.all("/mcp", async (c) => {
    const auth = await authenticate(c.req.raw);
    if (auth instanceof Response) return auth;
    return handler.fetch(c.req.raw, { authInfo: auth });
  });

  return { routes: app, close: () => handler.close() };
}
