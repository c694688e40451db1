import { randomBytes } from "node:crypto";
import {
  type CallToolResult,
  Client,
  InMemoryTransport,
  type InputRequiredResult,
  isInputRequiredResult,
} from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnectLinks } from "../../src/connect/connect-links.ts";
import { createLogger } from "../../src/core/logging/logger.ts";
import { createCredentialVault } from "../../src/credentials/credential-vault.ts";
import { createRedisCredentialStore } from "../../src/credentials/store/redis/redis-credential-store.ts";
import { buildCipher } from "../../src/crypto/build-cipher.ts";
import { callProviderApi } from "../../src/mcp/api-call.ts";
import { createConnectRequests } from "../../src/mcp/connect-requests.ts";
import { createConnectUrls } from "../../src/mcp/connect-urls.ts";
import { createConnections } from "../../src/mcp/connections.ts";
import type { McpPrincipal } from "../../src/mcp/mcp-principal.ts";
import { createMcpTools, type McpToolDeps } from "../../src/mcp/mcp-tools.ts";
import { createAddressPolicy } from "../../src/network/address-policy.ts";
import { createProviderRegistry } from "../../src/providers/provider-registry.ts";
import type { ProviderInput } from "../../src/providers/provider-schema.ts";
import { type AcmeApi, startAcmeApi } from "../helpers/acme-api.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";

/**
 * The tools as a server in this process, reached by the SDK's client over its in-memory transport
 * (serveStdio, as the stdio entry serves), with the service's real parts under them: Redis, the vault,
 * connect links, the outbound policy. Then the stdio entry itself, as a desktop agent starts it.
 */
describe("MCP tools in process, and the stdio entry", () => {
  let stack: TestStack;
  let acme: AcmeApi;
  let redis: Redis;
  let deps: McpToolDeps;
  const key = `sk_live_${randomBytes(12).toString("hex")}`;
  const clients: Client[] = [];
  const servers: { close(): Promise<void> }[] = [];
  let acmeProvider: ProviderInput;

  beforeAll(async () => {
    acme = await startAcmeApi(key);
    acmeProvider = {
      kind: "api_key",
      id: "acme",
      name: "Acme",
      fields: [{ name: "apiKey", label: "API key" }],
      validation: { url: `${acme.url}/v1/me`, headers: { Authorization: "Bearer {{apiKey}}" } },
      api: { baseUrls: [acme.base], headers: { Authorization: "Bearer {{apiKey}}" } },
    };
    stack = await startTestStack({ withWorker: false, extraProviders: [acmeProvider] });
    redis = new Redis(stack.redis.url);
    const vault = createCredentialVault(
      createRedisCredentialStore(redis, stack.config.REDIS_PREFIX),
      buildCipher(stack.config, createLogger({ level: "silent" })),
    );
    const providers = createProviderRegistry([acmeProvider]);
    const addressPolicy = createAddressPolicy({ allowPrivateAddresses: true });
    deps = {
      connections: createConnections({ providers, vault }),
      connectUrls: createConnectUrls({
        links: createConnectLinks(redis, {
          prefix: stack.config.REDIS_PREFIX,
          secret: randomBytes(32),
          pageTtlMs: 60_000,
        }),
        ttlMs: 60_000,
        publicUrl: () => stack.baseUrl,
      }),
      callApi: (provider, credential, request, signal) =>
        callProviderApi({ addressPolicy, maxBytes: 65_536, timeoutMs: 5_000 }, provider, credential, request, signal),
      requestStateKey: randomBytes(32),
      connectWaitMs: 10_000,
      version: "test",
    };
  });
  afterAll(async () => {
    for (const client of clients) await client.close().catch(() => {});
    for (const server of servers) await server.close().catch(() => {});
    redis?.disconnect();
    await stack?.close();
    await acme?.close();
  });

  async function inProcess(
    principal: McpPrincipal,
    capabilities: object,
    onUrl?: (url: string) => Promise<"accept" | "decline">,
    options: { deps?: McpToolDeps; manual?: boolean } = {},
  ) {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    servers.push(serveStdio(() => createMcpTools(options.deps ?? deps, principal), { transport: serverSide }));
    const client = new Client(
      { name: "in-process-agent", version: "1.0.0" },
      {
        versionNegotiation: { mode: { pin: "2026-07-28" } },
        capabilities,
        ...(options.manual ? { inputRequired: { autoFulfill: false } } : {}),
      },
    );
    if (onUrl)
      client.setRequestHandler("elicitation/create", async (request) =>
        request.params.mode === "url" ? { action: await onUrl(request.params.url) } : { action: "decline" },
      );
    await client.connect(clientSide);
    clients.push(client);
    return client;
  }
  const principal = (userId: string): McpPrincipal => ({
    subject: { userId },
    clientId: "key_test",
    via: "service_key",
    scopes: [],
  });

  it("lists the tools, and no use_connection unless the operator allows handover", async () => {
    const client = await inProcess(principal("ina"), {});
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["call_api", "check_connection", "connect", "list_connections"]);
    const listed = (await client.callTool({ name: "list_connections", arguments: {} })) as CallToolResult;
    expect(listed.structuredContent).toEqual({
      connections: [
        { providerId: "acme", providerName: "Acme", authMethod: "api_key", status: "not_connected", callable: true },
      ],
    });
    const unknown = (await client.callTool({
      name: "check_connection",
      arguments: { providerId: "nope" },
    })) as CallToolResult;
    expect(unknown.isError).toBe(true);
  });

  it("call_api: the URL request, the user connects, the same call succeeds", async () => {
    const shown: string[] = [];
    const client = await inProcess(principal("ina"), { elicitation: { url: {} } }, async (url) => {
      shown.push(url);
      // The person enters the key where the link leads (the connect page does the same call).
      await stack.api("POST", "/credentials", {
        subject: "ina",
        body: { providerId: "acme", fields: { apiKey: key } },
      });
      return "accept";
    });
    const result = (await client.callTool({
      name: "call_api",
      arguments: { providerId: "acme", url: "me" },
    })) as CallToolResult;
    expect(shown).toEqual([expect.stringMatching(new RegExp(`^${stack.baseUrl}/connect/cl_`))]);
    expect(result.structuredContent).toMatchObject({ status: 200 });
    expect(JSON.stringify(result)).not.toContain(key);
  });

  it("a client that cannot show a URL request gets auth_required with the URL as the result", async () => {
    const client = await inProcess(principal("ivo"), {});
    const result = (await client.callTool({
      name: "call_api",
      arguments: { providerId: "acme", url: "me" },
    })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toMatchObject({
      type: "auth_required",
      providerId: "acme",
      authMethod: "api_key",
      reason: "no_credential",
      connectUrl: expect.stringMatching(new RegExp(`^${stack.baseUrl}/connect/cl_`)),
    });
  });

  it("a retry after the connect URL was used up without connecting gets a new URL; while it works, the same one", async () => {
    const requests = createConnectRequests(redis, {
      prefix: stack.config.REDIS_PREFIX,
      secret: randomBytes(32),
      ttlMs: 60_000,
    });
    const oauthDeps: McpToolDeps = {
      ...deps,
      connectWaitMs: 200,
      connectUrls: createConnectUrls({
        requests,
        links: createConnectLinks(redis, {
          prefix: stack.config.REDIS_PREFIX,
          secret: randomBytes(32),
          pageTtlMs: 60_000,
        }),
        ttlMs: 60_000,
        publicUrl: () => stack.baseUrl,
      }),
    };
    const client = await inProcess(
      { subject: { userId: "uma" }, clientId: "agent-1", via: "oauth", scopes: [] },
      { elicitation: { url: {} } },
      undefined,
      { deps: oauthDeps, manual: true },
    );
    const call = async (requestState?: string) =>
      (await client.request(
        {
          method: "tools/call",
          params: {
            name: "connect",
            arguments: { providerId: "acme" },
            ...(requestState ? { requestState, inputResponses: { connect: { action: "accept" } } } : {}),
          },
        },
        { allowInputRequired: true },
      )) as unknown as InputRequiredResult;
    const urlOf = (result: InputRequiredResult) => (result.inputRequests!.connect!.params as { url: string }).url;
    const first = await call();
    expect(isInputRequiredResult(first)).toBe(true);
    expect(urlOf(first)).toMatch(new RegExp(`^${stack.baseUrl}/mcp/connect/mcr_`));
    const again = await call(first.requestState);
    expect(urlOf(again)).toBe(urlOf(first));
    // The person signed in (the request is used up) but did not connect: the next round gets a new URL.
    await requests.consume(urlOf(first).split("/").pop()!.split(".")[0]!);
    const renewed = await call(again.requestState);
    expect(urlOf(renewed)).not.toBe(urlOf(first));
    expect(urlOf(renewed)).toMatch(/\/mcp\/connect\/mcr_/);
  });

  it("the stdio entry: a desktop agent starts it, and it acts for its configured user through the service", async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ["src/bin/mcp.ts"],
      env: {
        PATH: process.env.PATH ?? "",
        MCP_SERVICE_URL: stack.baseUrl,
        MCP_SERVICE_KEY: stack.apiKey,
        MCP_SUBJECT_USER_ID: "ina",
      },
      stderr: "pipe",
    });
    const client = new Client(
      { name: "desktop-agent", version: "1.0.0" },
      { versionNegotiation: { mode: { pin: "2026-07-28" } }, capabilities: { elicitation: { url: {} } } },
    );
    await client.connect(transport);
    clients.push(client);
    const listed = (await client.callTool({ name: "list_connections", arguments: {} })) as CallToolResult;
    expect(
      (listed.structuredContent as { connections: { providerId: string; status: string }[] }).connections,
    ).toContainEqual(expect.objectContaining({ providerId: "acme", status: "connected" }));
    const me = (await client.callTool({
      name: "call_api",
      arguments: { providerId: "acme", url: "me" },
    })) as CallToolResult;
    expect(JSON.parse((me.structuredContent as { body: string }).body)).toMatchObject({ id: "acct_1" });
    const [credential] = (await stack.api("GET", "/credentials", { subject: "ina" })).body.credentials;
    const audit = await stack.api("GET", `/credentials/${credential.id}/audit`, { subject: "ina" });
    expect(audit.body.entries[0]).toMatchObject({
      purpose: "call_api",
      via: "mcp",
      clientId: expect.stringMatching(/^key_/),
      clientName: "desktop-agent",
    });

    // A service it cannot reach: every request still gets an answer (a JSON-RPC error), none hangs.
    const lost = new StdioClientTransport({
      command: process.execPath,
      args: ["src/bin/mcp.ts"],
      env: {
        PATH: process.env.PATH ?? "",
        MCP_SERVICE_URL: "http://127.0.0.1:9",
        MCP_SERVICE_KEY: "k",
        MCP_SUBJECT_USER_ID: "ina",
      },
      stderr: "pipe",
    });
    const unreachable = new Client(
      { name: "desktop-agent", version: "1.0.0" },
      { versionNegotiation: { mode: { pin: "2026-07-28" } } },
    );
    await expect(unreachable.connect(lost)).rejects.toThrow();
    await lost.close().catch(() => {});
  });
});
