import { randomBytes } from "node:crypto";
import { request as httpRequest } from "node:http";
import { type CallToolResult, Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/free-port.ts";
import { mulberry32 } from "../helpers/fuzz.ts";
import { type McpAuthorizationServer, startMcpAuthorizationServer } from "../helpers/mcp-authorization-server.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";

const HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };

/**
 * The /mcp endpoint against hostile input: bodies that are not JSON-RPC, huge ones, bad tokens of
 * every kind, the standard headers disagreeing with the body. Each gets a 4xx (or a JSON-RPC error),
 * never a 5xx or a hang, and the endpoint keeps serving a well-formed call.
 */
describe("MCP endpoint, fuzzed", () => {
  let stack: TestStack;
  let as: McpAuthorizationServer;
  let resource: string;
  const auth = () => ({ authorization: `Bearer ${stack.apiKey}`, "x-subject-user-id": "fuzz" });

  beforeAll(async () => {
    const port = await freePort();
    resource = `http://127.0.0.1:${port}/mcp`;
    as = await startMcpAuthorizationServer({
      resource,
      connectRedirectUri: `http://127.0.0.1:${port}/mcp/connect-callback`,
    });
    stack = await startTestStack({
      withWorker: false,
      scriptedUser: false,
      env: {
        PORT: String(port),
        MCP_AUTH_ISSUER: as.issuer,
        MCP_CONNECT_CLIENT_ID: as.connectClient.id,
        MCP_CONNECT_CLIENT_SECRET: as.connectClient.secret,
      },
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    await as?.close();
  });

  /** A well-formed call still works: the endpoint came through whatever was sent before. */
  async function stillServes() {
    const client = new Client(
      { name: "after-fuzz", version: "1" },
      { versionNegotiation: { mode: { pin: "2026-07-28" } } },
    );
    await client.connect(new StreamableHTTPClientTransport(new URL(resource), { requestInit: { headers: auth() } }));
    const listed = (await client.callTool({ name: "list_connections", arguments: {} })) as CallToolResult;
    expect(listed.isError).toBeFalsy();
    await client.close();
  }

  const post = (body: BodyInit, headers: Record<string, string> = {}) =>
    fetch(resource, {
      method: "POST",
      headers: { ...HEADERS, ...auth(), ...headers },
      body,
      signal: AbortSignal.timeout(20_000),
    });

  it("bodies that are not JSON-RPC, and JSON-RPC that is wrong, get a 4xx or a JSON-RPC error", async () => {
    const random = mulberry32(0x6d63_7031);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const text = (n: number) =>
      Array.from({ length: Math.floor(random() * n) }, () => String.fromCharCode(32 + Math.floor(random() * 95))).join(
        "",
      );
    const value = (depth: number): unknown =>
      depth <= 0
        ? pick([null, true, 0, -1, 1e308, "", text(20), "tools/call"])
        : pick([
            () => value(0),
            () => Array.from({ length: Math.floor(random() * 4) }, () => value(depth - 1)),
            () =>
              Object.fromEntries(
                Array.from({ length: Math.floor(random() * 4) }, () => [
                  pick(["id", "method", "params", "name", "arguments", "_meta", text(8)]),
                  value(depth - 1),
                ]),
              ),
          ])();
    const bodies = (): string => {
      const method = pick(["tools/call", "tools/list", "server/discover", "initialize", "ping", "nope", text(10), ""]);
      const params = pick([
        undefined,
        value(3),
        { name: pick(["call_api", "connect", "list_connections", "use_connection", text(10)]), arguments: value(3) },
        {
          name: "call_api",
          arguments: {
            providerId: pick(["demo", "../x", text(70)]),
            url: pick(["http://169.254.169.254/", "file:///etc/passwd", text(50)]),
            method: pick(["GET", "TRACE", 1]),
          },
        },
        {
          name: "connect",
          arguments: { providerId: "demo" },
          requestState: pick(["", text(100), "v1.e30.x"]),
          inputResponses: value(2),
        },
        {
          _meta: { "io.modelcontextprotocol/protocolVersion": pick(["2026-07-28", "1999-01-01", 5]) },
          name: "list_connections",
        },
      ]);
      return pick([
        () =>
          JSON.stringify({
            jsonrpc: "2.0",
            id: pick([1, "a", null, {}, [], 1.5]),
            method,
            ...(params === undefined ? {} : { params }),
          }),
        () => JSON.stringify({ jsonrpc: pick(["1.0", 2, undefined]), id: 1, method }),
        () =>
          JSON.stringify(Array.from({ length: Math.floor(random() * 5) }, () => ({ jsonrpc: "2.0", id: 1, method }))),
        () => JSON.stringify(value(4)),
        () => text(200),
        () => "{",
        () => `${"[".repeat(50_000)}${"]".repeat(50_000)}`,
        () => "\uFFFF\uD800",
        () => "",
      ])();
    };
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      const body = bodies();
      const parsed = (() => {
        try {
          return JSON.parse(body) as { method?: unknown; params?: { name?: unknown } };
        } catch {
          return undefined;
        }
      })();
      // Half the time the standard headers agree with the body, as a client sends them; else anything.
      const headers: Record<string, string> =
        random() < 0.5 && parsed && typeof parsed.method === "string"
          ? {
              "mcp-protocol-version": "2026-07-28",
              "mcp-method": parsed.method.replace(/[^\x20-\x7e]/g, ""),
              ...(typeof parsed.params?.name === "string"
                ? { "mcp-name": parsed.params.name.replace(/[^\x20-\x7e]/g, "") }
                : {}),
            }
          : pick<Record<string, string>>([
              {},
              { "mcp-protocol-version": pick(["2026-07-28", "x", ""]) },
              { "content-type": pick(["text/plain", "application/json; charset=utf-16", ""]) },
              { accept: "text/html" },
            ]);
      const res = await post(body, headers);
      const answer = await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect(res.status, `${body.slice(0, 200)} → ${res.status} ${answer.slice(0, 300)}`).toBeLessThan(500);
    }
    expect(statuses.size).toBeGreaterThan(1);
    await stillServes();
  });

  it("huge bodies are refused without being held in memory, and a slow one times out", async () => {
    const big = await post("x".repeat(5 * 1024 * 1024));
    expect(big.status).toBe(413);
    await big.body?.cancel();
    // A chunked body without a length, larger than the limit.
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(resource, { method: "POST", headers: { ...HEADERS, ...auth() } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      const chunk = Buffer.alloc(256 * 1024, 0x20);
      for (let i = 0; i < 16; i++) req.write(chunk);
      req.end();
    }).catch(() => 0);
    expect([0, 413]).toContain(chunked);
    await stillServes();
  });

  it("bad tokens get 401 with the challenge: garbage, forged, unsigned, expired, for another resource, an ID token", async () => {
    const { privateKey: otherKey } = await generateKeyPair("RS256");
    const jwt = (claims: Record<string, unknown>, typ = "at+jwt", key = otherKey) =>
      new SignJWT(claims).setProtectedHeader({ alg: "RS256", typ }).sign(key);
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: as.issuer,
      aud: resource,
      sub: "alice",
      client_id: "mcp-agent",
      exp: now + 600,
      iat: now,
      scope: "mcp",
    };
    const header = (token: string) => ({ authorization: token });
    const unsigned = `${Buffer.from(JSON.stringify({ alg: "none", typ: "at+jwt" })).toString("base64url")}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.`;
    const tokens = [
      "Bearer nope",
      "Bearer ",
      "Basic YTpi",
      `Bearer ${randomBytes(600).toString("base64url")}`,
      `Bearer ${unsigned}`,
      `Bearer ${await jwt(claims)}`,
      `Bearer ${await jwt({ ...claims, exp: now - 3600 })}`,
      `Bearer ${await jwt({ ...claims, aud: "https://elsewhere.example/mcp" })}`,
      `Bearer ${await jwt(claims, "JWT")}`,
      `Bearer ${stack.apiKey}x`,
      `Bearer ${"a.".repeat(2_000)}`,
    ];
    for (const authorization of tokens) {
      const res = await fetch(resource, {
        method: "POST",
        headers: { ...HEADERS, ...header(authorization), "x-subject-user-id": "fuzz" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
        signal: AbortSignal.timeout(20_000),
      });
      const body = await res.json();
      expect(res.status, authorization.slice(0, 40)).toBe(401);
      expect(res.headers.get("www-authenticate"), authorization.slice(0, 40)).toMatch(/^Bearer .*resource_metadata=/);
      expect(body.error.code).toMatch(/^invalid_(token|request)$/);
    }
    await stillServes();
  });

  it("the sign-in page's addresses, fuzzed, answer a page or a 4xx", async () => {
    const random = mulberry32(0x73_69_67);
    for (let i = 0; i < 60; i++) {
      const junk = encodeURIComponent(randomBytes(Math.floor(random() * 80)).toString("latin1"));
      const path = [
        `/mcp/connect/${junk}`,
        `/mcp/connect/mcr_${"0".repeat(32)}.${Date.now() + 60_000}.${"A".repeat(43)}`,
        `/mcp/connect-callback?state=${junk}&code=${junk}`,
        "/mcp/connect-callback",
        `/mcp/connect-callback?state=${"s".repeat(300)}`,
      ][i % 5]!;
      const res = await fetch(`${stack.baseUrl}${path}`, { redirect: "manual", signal: AbortSignal.timeout(20_000) });
      await res.body?.cancel();
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
    }
  });
});
