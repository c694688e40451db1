import { randomBytes } from "node:crypto";
import {
  type CallToolResult,
  Client,
  type InputRequiredResult,
  isInputRequiredResult,
  StreamableHTTPClientTransport,
} from "@modelcontextprotocol/client";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../src/browser/local-playwright/chromium-launch.ts";
import { type AcmeApi, startAcmeApi } from "../helpers/acme-api.ts";
import { freePort } from "../helpers/free-port.ts";
import {
  type McpAuthorizationServer,
  passSignIn,
  startMcpAuthorizationServer,
} from "../helpers/mcp-authorization-server.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";

const HANDOVER = "credentials:handover";

/** An MCP host: the SDK's client (v2) on the 2026-07-28 revision, declaring URL elicitation. */
async function mcpClient(
  url: string,
  auth: { token: string; headers?: Record<string, string> },
  options: { onUrl?: (url: string) => Promise<"accept" | "decline" | "cancel">; manual?: boolean; name?: string } = {},
): Promise<Client> {
  const client = new Client(
    { name: options.name ?? "test-agent", version: "1.0.0" },
    {
      versionNegotiation: { mode: { pin: "2026-07-28" } },
      capabilities: { elicitation: { url: {} } },
      ...(options.manual ? { inputRequired: { autoFulfill: false } } : {}),
    },
  );
  client.setRequestHandler("elicitation/create", async (request) => {
    if (request.params.mode !== "url" || !options.onUrl) return { action: "decline" };
    return { action: await options.onUrl(request.params.url) };
  });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      authProvider: { token: async () => auth.token },
      ...(auth.headers ? { requestInit: { headers: auth.headers } } : {}),
    }),
  );
  return client;
}

/**
 * The MCP server over Streamable HTTP, end to end: the operator's authorization server (oidc-provider),
 * the SDK's own client, and a real Chromium as the person who opens the connect URL, signs in and
 * enters the key on the connect page.
 */
describe("MCP over HTTP: a tool call that first needs the user to connect", () => {
  let stack: TestStack;
  let as: McpAuthorizationServer;
  let acme: AcmeApi;
  let browser: Browser;
  let resource: string;
  const key = `sk_live_${randomBytes(12).toString("hex")}`;
  const open: Client[] = [];

  beforeAll(async () => {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    resource = `${publicUrl}/mcp`;
    acme = await startAcmeApi(key, 3 * 1024 * 1024);
    as = await startMcpAuthorizationServer({
      resource,
      connectRedirectUri: `${publicUrl}/mcp/connect-callback`,
      scopes: ["mcp", HANDOVER],
    });
    stack = await startTestStack({
      withWorker: false,
      env: {
        PORT: String(port),
        MCP_AUTH_ISSUER: as.issuer,
        MCP_CONNECT_CLIENT_ID: as.connectClient.id,
        MCP_CONNECT_CLIENT_SECRET: as.connectClient.secret,
        MCP_REQUIRED_SCOPES: "mcp",
        MCP_CREDENTIAL_HANDOVER: "true",
        MCP_CONNECT_WAIT_MS: "20000",
        MCP_CALL_API_MAX_BYTES: "65536",
        MCP_CALL_API_TIMEOUT_MS: "2000",
      },
      extraProviders: [
        {
          kind: "api_key",
          id: "acme",
          name: "Acme",
          fields: [{ name: "apiKey", label: "API key" }],
          validation: { url: `${acme.url}/v1/me`, headers: { Authorization: "Bearer {{apiKey}}" } },
          api: { baseUrls: [acme.base], headers: { Authorization: "Bearer {{apiKey}}" } },
        },
      ],
    });
    browser = (await launchChromium(chromium, { window: "headless" })).browser;
  }, 120_000);
  afterAll(async () => {
    for (const client of open) await client.close().catch(() => {});
    await browser?.close();
    await stack?.close();
    await as?.close();
    await acme?.close();
  });

  /** The person: opens the URL, signs in as `login` where asked, and enters the key on the connect page. */
  async function personConnects(page: Page, url: string, login: string): Promise<string> {
    await page.goto(url);
    await passSignIn(page, as.issuer, login);
    // Anywhere but the connect page, the page says why in its heading.
    if (!new URL(page.url()).pathname.startsWith("/connect/"))
      return (await page.locator("h1").textContent()) ?? page.url();
    await page.getByRole("button", { name: "Connect Acme", exact: true }).click();
    await page.getByLabel("API key", { exact: true }).fill(key);
    await page.getByRole("button", { name: "Save" }).click();
    await waitFor(() => page.getByText("Connected: Acme.").first().isVisible(), { what: "Connected: Acme." });
    return "Connected: Acme.";
  }

  async function signedInAgent(login: string, scope?: string) {
    const page = await (await browser.newContext()).newPage();
    return { page, token: await as.agentLogin(page, login, scope) };
  }

  it("without a token: 401 with a challenge naming the protected-resource document, which names the server", async () => {
    const refused = await fetch(resource, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: "{}",
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toContain(
      `resource_metadata="${stack.baseUrl}/.well-known/oauth-protected-resource/mcp"`,
    );
    expect((await refused.json()).error.code).toBe("invalid_token");
    const document = await (await fetch(`${stack.baseUrl}/.well-known/oauth-protected-resource/mcp`)).json();
    expect(document).toEqual({
      resource,
      authorization_servers: [as.issuer],
      scopes_supported: ["mcp"],
      bearer_methods_supported: ["header"],
      resource_name: "browser-login-capture",
    });
  });

  it("call_api: a URL request, the person signs in and connects, the retry succeeds; the key never reaches the client", async () => {
    const alice = await signedInAgent("alice", "openid mcp");
    const urls: string[] = [];
    const agent = await mcpClient(
      resource,
      { token: alice.token },
      {
        name: "Claude-ish desktop",
        onUrl: async (url) => {
          urls.push(url);
          return (await personConnects(alice.page, url, "alice")) === "Connected: Acme." ? "accept" : "cancel";
        },
      },
    );
    open.push(agent);
    const before = await agent.callTool({ name: "check_connection", arguments: { providerId: "acme" } });
    expect(before.structuredContent).toMatchObject({ providerId: "acme", status: "not_connected", callable: true });

    const result = (await agent.callTool({
      name: "call_api",
      arguments: { providerId: "acme", method: "GET", url: "me" },
    })) as CallToolResult;
    expect(urls).toHaveLength(1);
    expect(urls[0]).toMatch(new RegExp(`^${resource}/connect/mcr_[0-9a-f]{32}\\.`));
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ status: 200, bodyEncoding: "text", truncated: false });
    expect(JSON.parse((result.structuredContent as { body: string }).body)).toEqual({
      id: "acct_1",
      name: "Acme account of alice",
    });
    // No cookie of the provider's comes back either.
    expect((result.structuredContent as { headers: Record<string, string> }).headers["set-cookie"]).toBeUndefined();

    // A careless API that echoes the credential: the answer has it cut out, in the body and in headers.
    const echoed = (await agent.callTool({
      name: "call_api",
      arguments: {
        providerId: "acme",
        method: "POST",
        url: `${acme.base}echo?q=1`,
        body: "hello",
        headers: { "x-trace": "t1" },
      },
    })) as CallToolResult;
    expect(JSON.stringify(echoed)).not.toContain(key);
    const echo = JSON.parse((echoed.structuredContent as { body: string }).body);
    expect(echo).toMatchObject({ method: "POST", query: "?q=1", body: "hello", headers: { "x-trace": "t1" } });
    expect(echo.headers.authorization).toBe("Bearer [redacted]");
    const image = (await agent.callTool({
      name: "call_api",
      arguments: { providerId: "acme", url: "image" },
    })) as CallToolResult;
    expect((image.structuredContent as { bodyEncoding: string }).bodyEncoding).toBe("base64");
    expect(Buffer.from((image.structuredContent as { body: string }).body, "base64").toString()).not.toContain(key);

    // Bounds: outside the API, the credential's own headers, a big answer, a slow one.
    const outside = (await agent.callTool({
      name: "call_api",
      arguments: { providerId: "acme", url: `${acme.url}/outside` },
    })) as CallToolResult;
    expect(outside.isError).toBe(true);
    expect(acme.requests.some((r) => r.path === "/outside")).toBe(false);
    for (const url of [`${acme.url}/v1/../outside`, `${acme.url}/v1%2f..%2foutside`, "http://evil.test/v1/me"]) {
      const refused = (await agent.callTool({
        name: "call_api",
        arguments: { providerId: "acme", url },
      })) as CallToolResult;
      expect(refused.isError, url).toBe(true);
    }
    const overriding = (await agent.callTool({
      name: "call_api",
      arguments: { providerId: "acme", url: "me", headers: { Authorization: "Bearer other" } },
    })) as CallToolResult;
    expect(overriding.isError).toBe(true);
    const big = (await agent.callTool({
      name: "call_api",
      arguments: { providerId: "acme", url: "big" },
    })) as CallToolResult;
    expect(big.structuredContent).toMatchObject({ status: 200, truncated: true });
    expect((big.structuredContent as { body: string }).body).toHaveLength(65_536);
    const slow = (await agent.callTool({
      name: "call_api",
      arguments: { providerId: "acme", url: "slow" },
    })) as CallToolResult;
    expect(slow.isError).toBe(true);
    expect(JSON.stringify(slow.content)).toContain("no answer within 2000 ms");

    // Every use is in the credential's audit trail, with the MCP client.
    const [credential] = (await stack.api("GET", "/credentials", { subject: "alice" })).body.credentials;
    const audit = await stack.api("GET", `/credentials/${credential.id}/audit`, { subject: "alice" });
    expect(audit.body.entries.length).toBeGreaterThanOrEqual(5);
    expect(audit.body.entries[0]).toMatchObject({
      purpose: "call_api",
      via: "mcp",
      clientId: "mcp-agent",
      clientName: "Claude-ish desktop",
    });
  });

  it("someone else who opens the URL signs in as themselves and is turned away; the URL still works for its user, once", async () => {
    const bob = await signedInAgent("bob", "openid mcp");
    const agent = await mcpClient(resource, { token: bob.token }, { manual: true });
    open.push(agent);
    const first = (await agent.request(
      { method: "tools/call", params: { name: "connect", arguments: { providerId: "acme" } } },
      { allowInputRequired: true },
    )) as CallToolResult | InputRequiredResult;
    expect(isInputRequiredResult(first)).toBe(true);
    const { url } = (first as InputRequiredResult).inputRequests!.connect!.params as { url: string };

    // Mallory (sent the link) signs in as herself: nothing connected, nothing used up.
    const mallory = await (await browser.newContext()).newPage();
    expect(await personConnects(mallory, url, "mallory")).toBe("This link is for another account");
    expect((await stack.api("GET", "/credentials", { subject: "mallory" })).body.credentials).toEqual([]);
    expect((await stack.api("GET", "/credentials", { subject: "bob" })).body.credentials).toEqual([]);

    expect(await personConnects(bob.page, url, "bob")).toBe("Connected: Acme.");
    const again = await (await browser.newContext()).newPage();
    expect(await personConnects(again, url, "bob")).toBe("This link was already used");

    const retried = (await agent.request(
      {
        method: "tools/call",
        params: {
          name: "connect",
          arguments: { providerId: "acme" },
          inputResponses: { connect: { action: "accept" } },
          requestState: (first as InputRequiredResult).requestState,
        },
      },
      { allowInputRequired: true },
    )) as CallToolResult;
    expect(retried.structuredContent).toMatchObject({ providerId: "acme", status: "connected" });
  });

  it("requestState answers only to the caller it was made for, unchanged", async () => {
    const carol = await signedInAgent("carol", "openid mcp");
    const agent = await mcpClient(resource, { token: carol.token }, { manual: true });
    const other = await mcpClient(
      resource,
      { token: stack.apiKey, headers: { "x-subject-user-id": "carol" } },
      { manual: true },
    );
    open.push(agent, other);
    const first = (await agent.request(
      { method: "tools/call", params: { name: "connect", arguments: { providerId: "acme" } } },
      { allowInputRequired: true },
    )) as unknown as InputRequiredResult;
    const retry = (client: Client, requestState: string) =>
      client.request(
        {
          method: "tools/call",
          params: {
            name: "connect",
            arguments: { providerId: "acme" },
            inputResponses: { connect: { action: "accept" } },
            requestState,
          },
        },
        { allowInputRequired: true },
      );
    // The same user through another client (a service key acting for carol) cannot carry it on.
    await expect(retry(other, first.requestState!)).rejects.toMatchObject({ code: -32602 });
    await expect(retry(agent, `${first.requestState}x`)).rejects.toMatchObject({ code: -32602 });
  });

  it("a declined URL request stops the URL working", async () => {
    const dave = await signedInAgent("dave", "openid mcp");
    let shown = "";
    const agent = await mcpClient(
      resource,
      { token: dave.token },
      {
        onUrl: async (url) => {
          shown = url;
          return "decline";
        },
      },
    );
    open.push(agent);
    const declined = (await agent.callTool({ name: "connect", arguments: { providerId: "acme" } })) as CallToolResult;
    expect(declined.isError).toBe(true);
    expect(JSON.stringify(declined.content)).toContain("did not connect Acme (decline)");
    expect(await personConnects(dave.page, shown, "dave")).toBe("This link was already used");
  });

  it("use_connection hands the credential over only to a token with the handover scope", async () => {
    const plain = await signedInAgent("alice", "openid mcp");
    const agent = await mcpClient(resource, { token: plain.token });
    open.push(agent);
    await expect(agent.callTool({ name: "use_connection", arguments: { providerId: "acme" } })).rejects.toThrow();
    const scoped = await signedInAgent("alice", `openid mcp ${HANDOVER}`);
    const trusted = await mcpClient(resource, { token: scoped.token });
    open.push(trusted);
    const handed = (await trusted.callTool({
      name: "use_connection",
      arguments: { providerId: "acme" },
    })) as CallToolResult;
    expect(handed.structuredContent).toMatchObject({
      type: "credential",
      authMethod: "api_key",
      fields: { apiKey: key },
    });
    const [credential] = (await stack.api("GET", "/credentials", { subject: "alice" })).body.credentials;
    const audit = await stack.api("GET", `/credentials/${credential.id}/audit`, { subject: "alice" });
    expect(audit.body.entries[0]).toMatchObject({ purpose: "handover", via: "mcp", clientId: "mcp-agent" });
  });

  it("a client of the 2025 revision is served one request at a time, and gets auth_required with the URL", async () => {
    const legacy = new Client({ name: "older-agent", version: "0.9.0" });
    await legacy.connect(
      new StreamableHTTPClientTransport(new URL(resource), {
        requestInit: { headers: { authorization: `Bearer ${stack.apiKey}`, "x-subject-user-id": "frank" } },
      }),
    );
    open.push(legacy);
    const result = (await legacy.callTool({
      name: "call_api",
      arguments: { providerId: "acme", url: "me" },
    })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toMatchObject({
      type: "auth_required",
      providerId: "acme",
      connectUrl: expect.stringMatching(new RegExp(`^${stack.baseUrl}/connect/cl_`)),
    });
  });

  it("a service key acts for the subject its headers name; its connect URL is a connect link for the one provider", async () => {
    const missing = await fetch(resource, {
      method: "POST",
      headers: { authorization: `Bearer ${stack.apiKey}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error.code).toBe("subject_required");

    const app = await mcpClient(resource, { token: stack.apiKey, headers: { "x-subject-user-id": "alice" } });
    open.push(app);
    const listed = (await app.callTool({ name: "list_connections", arguments: {} })) as CallToolResult;
    expect(
      (listed.structuredContent as { connections: { providerId: string; status: string }[] }).connections,
    ).toContainEqual(expect.objectContaining({ providerId: "acme", status: "connected" }));
    const me = (await app.callTool({
      name: "call_api",
      arguments: { providerId: "acme", url: "me" },
    })) as CallToolResult;
    expect(me.structuredContent).toMatchObject({ status: 200 });

    const manual = await mcpClient(
      resource,
      { token: stack.apiKey, headers: { "x-subject-user-id": "erin" } },
      { manual: true },
    );
    open.push(manual);
    const first = (await manual.request(
      { method: "tools/call", params: { name: "connect", arguments: { providerId: "acme" } } },
      { allowInputRequired: true },
    )) as unknown as InputRequiredResult;
    const { url } = first.inputRequests!.connect!.params as { url: string };
    expect(url).toMatch(new RegExp(`^${stack.baseUrl}/connect/cl_`));
    const links = await stack.api("GET", "/connect/links", { subject: "erin" });
    expect(links.body.links).toEqual([expect.objectContaining({ providers: ["acme"] })]);
  });
});
