import {
  type CallToolResult,
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  createRequestStateCodec,
  type InputRequiredResult,
  inputRequired,
  inputResponse,
  McpServer,
  type ScopeChallengeHandler,
  type ServerContext,
} from "@modelcontextprotocol/server";
import { z } from "zod";
import type { CredentialAccess } from "../credentials/credential-audit.ts";
import type { Provider } from "../providers/provider-schema.ts";
import type { ApiCallOutcome, ApiCallRequest } from "./api-call.ts";
import type { ConnectUrls } from "./connect-urls.ts";
import { type Connections, type ConnectionView, type OpenedCredential, usable } from "./connections.ts";
import { type McpPrincipal, principalKey, principalOf } from "./mcp-principal.ts";

export interface McpToolDeps {
  connections: Connections;
  connectUrls: ConnectUrls;
  callApi(
    provider: Provider,
    credential: OpenedCredential,
    request: ApiCallRequest,
    signal: AbortSignal,
  ): Promise<ApiCallOutcome>;
  /** Signs requestState (at least 32 bytes; the same in every API process). */
  requestStateKey: Buffer;
  /** A retried call waits this long for the connection the person is making (MCP_CONNECT_WAIT_MS). */
  connectWaitMs: number;
  /** Aborted when the API shuts down: a retried call stops waiting for the connection. */
  draining?: AbortSignal;
  /** Set: use_connection exists (MCP_CREDENTIAL_HANDOVER), for access tokens that carry this scope. */
  handoverScope?: string;
  version: string;
}

/**
 * What requestState carries between the rounds of one tool call that needed a connection. Signed by
 * the codec and bound to the caller and the method; the client can read it, so it holds no secret.
 */
interface ConnectState {
  providerId: string;
  /** What the connect URL is (an MCP connect request, or a connect link), to withdraw it if declined. */
  ref: string;
  url: string;
  expiresAt: string;
}

const providerIdInput = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/)
  .describe("A provider's id, as list_connections names it");
const connectionSchema = z.object({
  providerId: z.string(),
  providerName: z.string(),
  authMethod: z.enum(["browser_login", "oauth2", "api_key"]),
  status: z.enum(["connected", "unverified", "expired", "needs_reauth", "not_connected"]),
  callable: z.boolean().describe("call_api can reach this provider's API"),
  credentialId: z.string().optional(),
  version: z.number().optional(),
  lastVerifiedAt: z.string().nullable().optional(),
  expiresAt: z.string().nullable().optional(),
});
const listInput = z.object({});
const listOutput = z.object({ connections: z.array(connectionSchema) });
const providerInput = z.object({ providerId: providerIdInput });
const callInput = z.object({
  providerId: providerIdInput,
  method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]).default("GET"),
  url: z
    .string()
    .min(1)
    .max(4096)
    .describe("A URL under the provider's API (or a path relative to its first base URL)"),
  headers: z
    .record(z.string().max(100), z.string().max(8192))
    .optional()
    .describe("Headers to send (not Authorization or Cookie)"),
  body: z.string().max(1_048_576).optional(),
});
const callOutput = z.object({
  status: z.number(),
  headers: z.record(z.string(), z.string()),
  body: z.string(),
  bodyEncoding: z.enum(["text", "base64"]),
  truncated: z.boolean(),
});

const text = (value: unknown) => [{ type: "text" as const, text: JSON.stringify(value) }];
const toolError = (message: string): CallToolResult => ({ content: [{ type: "text", text: message }], isError: true });

/** Whether the client declared URL-mode elicitation: per request on 2026-07-28, at initialize before. */
function acceptsUrlElicitation(ctx: ServerContext, server: McpServer): boolean {
  const declared = (ctx.mcpReq.envelope as Record<string, unknown> | undefined)?.[CLIENT_CAPABILITIES_META_KEY] as
    | { elicitation?: { url?: unknown } }
    | undefined;
  return (declared ?? server.server.getClientCapabilities())?.elicitation?.url !== undefined;
}

/** The name the client gave itself: for the audit trail, as its own word. */
function clientNameOf(ctx: ServerContext, server: McpServer): string | undefined {
  const info = (ctx.mcpReq.envelope as Record<string, unknown> | undefined)?.[CLIENT_INFO_META_KEY] as
    | { name?: unknown }
    | undefined;
  const name = info?.name ?? server.server.getClientVersion()?.name;
  return typeof name === "string" ? name.slice(0, 200) : undefined;
}

/**
 * The MCP server for one caller (built per HTTP request, or per stdio connection): tools over the
 * caller's connections. list_connections and check_connection say what there is; connect has the
 * user connect a provider; call_api has the service call the provider's API with the credential, which
 * never reaches the client; use_connection (only with MCP_CREDENTIAL_HANDOVER) hands the credential
 * over, as the agent contract does. A call that needs a connection the user lacks answers with a
 * URL-mode input request (the connect URL, which makes the person prove who they are) and succeeds
 * when retried once they are connected.
 */
export function createMcpTools(deps: McpToolDeps, principal: McpPrincipal): McpServer {
  const state = createRequestStateCodec<ConnectState>({
    key: deps.requestStateKey,
    ttlSeconds: 900,
    bind: (ctx) => `${ctx.mcpReq.method}\u0000${principalKey(principal)}`,
  });
  const server = new McpServer(
    { name: "browser-login-capture", version: deps.version },
    {
      capabilities: { tools: {} },
      instructions:
        "The user's connections to other sites and services. list_connections shows them; call_api calls a provider's API as the user; if the user has not connected the provider, they are asked to, through a link they open.",
      requestState: { verify: state.verify },
    },
  );
  const { subject } = principal;
  const access = (ctx: ServerContext, purpose: string): CredentialAccess => {
    const clientName = clientNameOf(ctx, server);
    return {
      purpose,
      via: "mcp",
      clientId: principal.clientId,
      ...(clientName ? { clientName } : {}),
      ...(principal.via === "service_key" ? { apiKeyId: principal.clientId } : {}),
    };
  };

  /** Until the connection is ready: waits on a retry, withdraws a declined URL, asks the person (again). */
  async function connection(
    providerId: string,
    ctx: ServerContext,
  ): Promise<{ provider: Provider; view: ConnectionView } | CallToolResult | InputRequiredResult> {
    let found = await deps.connections.find(subject, providerId);
    if (!found) return toolError(`There is no provider ${providerId}; list_connections lists them`);
    const previous = ctx.mcpReq.requestState<ConnectState>();
    if (previous && previous.providerId !== providerId) return toolError("requestState was made for another provider");
    if (usable(found.view)) return found;
    if (previous) {
      const answer = inputResponse(ctx.mcpReq.inputResponses, "connect");
      if (answer.kind === "elicit" && answer.action !== "accept") {
        await deps.connectUrls.withdraw(principal, previous.ref);
        return toolError(`The user did not connect ${found.provider.name} (${answer.action})`);
      }
      // "accept" says the person agreed to open the URL, not that they are done: give them a while.
      const deadline = Date.now() + deps.connectWaitMs;
      const stop = () => ctx.mcpReq.signal.aborted || deps.draining?.aborted === true;
      while (!usable(found.view) && Date.now() < deadline && !stop()) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(500, deadline - Date.now())));
        found = (await deps.connections.find(subject, providerId)) ?? found;
      }
      if (usable(found.view)) return found;
    }
    const { provider, view } = found;
    // The same URL while it works (the person may be on its page); a new one once it expires or is used up.
    const still =
      previous &&
      Date.parse(previous.expiresAt) > Date.now() + 30_000 &&
      (await deps.connectUrls.stillOpen(previous.ref))
        ? previous
        : undefined;
    const next = still ?? { providerId, ...(await deps.connectUrls.mint(principal, provider)) };
    if (!acceptsUrlElicitation(ctx, server)) {
      // The client cannot show a URL request: the agent contract's auth_required, with the URL, as the result.
      const authRequired = {
        type: "auth_required",
        providerId,
        providerName: provider.name,
        authMethod: provider.kind,
        reason: view.status === "not_connected" ? "no_credential" : view.status,
        connectUrl: next.url,
      };
      return {
        content: [
          {
            type: "text",
            text: `The user has not connected ${provider.name}. Ask them to open ${next.url} and connect it, then call again.`,
          },
        ],
        structuredContent: authRequired,
        isError: true,
      };
    }
    return inputRequired({
      inputRequests: {
        connect: inputRequired.elicitUrl({
          url: next.url,
          message: `Connect ${provider.name} to go on. The page asks you to sign in first: it works only for you.`,
        }),
      },
      requestState: await state.mint(next, ctx),
    });
  }
  const ready = (value: unknown): value is { provider: Provider; view: ConnectionView } =>
    typeof value === "object" && value !== null && "view" in value;

  server.registerTool(
    "list_connections",
    {
      title: "List connections",
      description: "Every provider the user may connect, with the state of their connection. Never a secret.",
      inputSchema: listInput,
      outputSchema: listOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async () => {
      const connections = await deps.connections.list(subject);
      return { content: text({ connections }), structuredContent: { connections } };
    },
  );

  server.registerTool(
    "check_connection",
    {
      title: "Check a connection",
      description: "The state of the user's connection to one provider. Never a secret, never a request to the user.",
      inputSchema: providerInput,
      outputSchema: connectionSchema,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ providerId }) => {
      const found = await deps.connections.find(subject, providerId);
      if (!found) return toolError(`There is no provider ${providerId}; list_connections lists them`);
      return { content: text(found.view), structuredContent: found.view };
    },
  );

  server.registerTool(
    "connect",
    {
      title: "Connect a provider",
      description:
        "Has the user connect a provider (log in on the site, consent, or enter a key) when they have not: they get a link to open. Answers once they are connected.",
      inputSchema: providerInput,
      annotations: { readOnlyHint: false, idempotentHint: true, openWorldHint: true },
    },
    async ({ providerId }, ctx) => {
      const found = await connection(providerId, ctx);
      if (!ready(found)) return found;
      return { content: text(found.view), structuredContent: found.view };
    },
  );

  server.registerTool(
    "call_api",
    {
      title: "Call a provider's API as the user",
      description:
        "Sends an HTTP request to the provider's API with the user's credential, which this server adds and never returns. Only URLs under the provider's API. If the user has not connected the provider, they are asked to first.",
      inputSchema: callInput,
      outputSchema: callOutput,
      annotations: { readOnlyHint: false, openWorldHint: true },
    },
    async ({ providerId, ...request }, ctx) => {
      const found = await connection(providerId, ctx);
      if (!ready(found)) return found;
      if (!found.provider.api) return toolError(`${found.provider.name} declares no API that call_api may reach`);
      const credential = await deps.connections.open(subject, found.view, access(ctx, "call_api"));
      if (!credential) return toolError(`The connection to ${found.provider.name} is gone; call connect`);
      const outcome = await deps.callApi(found.provider, credential, request, ctx.mcpReq.signal);
      if (!outcome.ok) return toolError(outcome.message);
      return { content: text(outcome.answer), structuredContent: outcome.answer };
    },
  );

  if (deps.handoverScope) {
    const scope = deps.handoverScope;
    // An access token without the scope is challenged (403 insufficient_scope, for a step-up); service keys pass.
    const needsScope: ScopeChallengeHandler = ({ authInfo }) => {
      const caller = principalOf(authInfo);
      if (caller?.via !== "oauth" || caller.scopes.includes(scope)) return undefined;
      return { scopes: [scope, ...caller.scopes], errorDescription: `use_connection needs the ${scope} scope` };
    };
    server.registerTool(
      "use_connection",
      {
        title: "Use a connection",
        description:
          "The user's credential itself (an OAuth2 access token, the API key's fields, or a browser storage state for your own browser), for agents the operator trusts with it. Prefer call_api.",
        inputSchema: providerInput,
        scopeChallenge: needsScope,
        annotations: { readOnlyHint: true, openWorldHint: false },
      },
      async ({ providerId }, ctx) => {
        const found = await connection(providerId, ctx);
        if (!ready(found)) return found;
        const credential = await deps.connections.open(subject, found.view, access(ctx, "handover"));
        if (!credential) return toolError(`The connection to ${found.provider.name} is gone; call connect`);
        const { authMethod } = credential;
        const base = {
          type: "credential",
          providerId,
          credentialId: found.view.credentialId,
          version: found.view.version,
          authMethod,
        };
        const handed =
          credential.authMethod === "browser_login"
            ? { ...base, storageState: credential.storageState }
            : credential.authMethod === "api_key"
              ? { ...base, fields: credential.fields }
              : {
                  ...base,
                  accessToken: credential.accessToken,
                  tokenType: credential.tokenType,
                  expiresAt: credential.expiresAt,
                  scopes: credential.scopes,
                };
        return {
          content: [{ type: "text", text: `The ${found.provider.name} credential is in structuredContent.` }],
          structuredContent: handed,
        };
      },
    );
  }

  return server;
}
