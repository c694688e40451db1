import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddedRedis, startEmbeddedRedis } from "../../src/core/redis/embedded-redis.ts";
import { HTTP_LIMITS, startHttpServer } from "../../src/http/server.ts";
import { freePort } from "../helpers/free-port.ts";
import { spawnService } from "../helpers/service-process.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";

/** What a raw socket gets back: the status line, the headers, the body, and how long until the server closed. */
function rawExchange(
  port: number,
  send: string,
): Promise<{ status: number; headers: string; body: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: "127.0.0.1" }, () => socket.write(send));
    let text = "";
    socket.on("data", (d) => (text += d));
    socket.on("error", reject);
    // Longer than any bound under test: a server that keeps the connection fails the test, not the run.
    socket.setTimeout(5_000, () => socket.destroy());
    socket.on("close", () => {
      const [head = "", body = ""] = text.split("\r\n\r\n");
      resolve({ status: Number(head.split(" ")[1] ?? 0), headers: head, body, ms: Date.now() - started });
    });
  });
}

const upgradeTo = (path: string) =>
  `GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;

const expectJsonError = (res: { status: number; headers: string; body: string }, status: number, code: string) => {
  expect(res.status).toBe(status);
  expect(res.headers).toMatch(/content-type: application\/json/i);
  expect(JSON.parse(res.body)).toEqual({ error: { code, message: expect.any(String) } });
};

describe("the API's HTTP edge", () => {
  let stack: TestStack;
  let port: number;

  beforeAll(async () => {
    stack = await startTestStack({
      withWorker: false,
      env: { HTTP_HEADERS_TIMEOUT_MS: "400", HTTP_REQUEST_TIMEOUT_MS: "800" },
    });
    port = Number(new URL(stack.baseUrl).port);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("takes ?wait= as plain decimal milliseconds only", async () => {
    for (const wait of ["", "0x10", "1e3", "%205", "5%20", "-1", "5.0", "+5", "10001"]) {
      const res = await stack.api("POST", `/browser-login/start?wait=${wait}`, { body: { providerId: "demo" } });
      expect(res.status, `wait=${wait}`).toBe(400);
      expect(res.body.error.code).toBe("invalid_wait");
    }
    for (const wait of ["0", "50"]) {
      expect(
        (await stack.api("POST", `/browser-login/start?wait=${wait}`, { body: { providerId: "demo" } })).status,
      ).toBe(202);
    }
  });

  it("answers a request that is not HTTP with a JSON 400", async () => {
    expectJsonError(await rawExchange(port, "NOT HTTP AT ALL\r\n\r\n"), 400, "bad_request");
  });

  it("answers oversized headers with a JSON 431", async () => {
    expectJsonError(
      await rawExchange(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`),
      431,
      "headers_too_large",
    );
  });

  it("answers a request whose Host header or path makes no URL with a JSON 400", async () => {
    expectJsonError(
      await rawExchange(port, "GET /healthz HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n"),
      400,
      "bad_request",
    );
    expectJsonError(
      await rawExchange(port, "GET /a\\b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
      400,
      "bad_request",
    );
  });

  it("answers a path and query beyond the URL limit with a JSON 414, requests and upgrades alike", async () => {
    const long = `/healthz?q=${"a".repeat(HTTP_LIMITS.urlBytes)}`;
    expectJsonError(
      await rawExchange(port, `GET ${long} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
      414,
      "uri_too_long",
    );
    expectJsonError(
      await rawExchange(port, upgradeTo(`/live/${"a".repeat(HTTP_LIMITS.urlBytes)}/socket`)),
      414,
      "uri_too_long",
    );
    // Just under it is served.
    const fits = `/healthz?q=${"a".repeat(HTTP_LIMITS.urlBytes - 20)}`;
    expect((await rawExchange(port, `GET ${fits} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)).status).toBe(200);
  });

  it("answers upgrades to paths without a WebSocket, and CONNECT, in the error shape", async () => {
    expectJsonError(await rawExchange(port, upgradeTo("/healthz")), 404, "not_found");
    expectJsonError(
      await rawExchange(port, "CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n"),
      405,
      "method_not_allowed",
    );
  });

  it("answers an upgrade that is not a valid WebSocket handshake in the error shape, not ws's HTML page", async () => {
    const handshake = upgradeTo("/live/abc/socket");
    for (const broken of [
      handshake.replace("dGhlIHNhbXBsZSBub25jZQ==", "short"),
      handshake.replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8"),
      handshake.replace("Upgrade: websocket", "Upgrade: h2c"),
      handshake.replace("GET ", "POST "),
    ]) {
      expectJsonError(await rawExchange(port, broken), 400, "bad_request");
    }
  });

  it("answers an HTTP/1.1 request without a Host header in the error shape", async () => {
    expectJsonError(await rawExchange(port, "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n"), 400, "bad_request");
    // HTTP/1.0 needs none.
    expect((await rawExchange(port, "GET /healthz HTTP/1.0\r\n\r\n")).status).toBe(200);
  });

  it("survives an upgrade to a malformed viewer path, and keeps serving", async () => {
    const res = await rawExchange(port, upgradeTo("/live/%zz/socket"));
    // Refused in the error shape or closed: never a crash (the test process would have died).
    if (res.status !== 0)
      expect(JSON.parse(res.body)).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
    expect((await fetch(`${stack.baseUrl}/healthz`)).status).toBe(200);
  });

  const connectApiKey = "/connect/cl_forged.1.x/api-key";
  const jsonPost = (path: string, framing: string) =>
    `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${framing}\r\n`;

  it("limits bodies on routes without a service key (the connect page's) before reading them", async () => {
    // A body declared larger than the limit is refused unread: no waiting for 300 MB to arrive.
    const declared = await rawExchange(port, `${jsonPost(connectApiKey, "Content-Length: 300000000\r\n")}{"a":`);
    expectJsonError(declared, 413, "payload_too_large");
    const sent = await rawExchange(
      port,
      `${jsonPost(connectApiKey, `Content-Length: ${stack.config.BODY_LIMIT_BYTES + 1}\r\n`)}${"a".repeat(stack.config.BODY_LIMIT_BYTES + 1)}`,
    );
    expectJsonError(sent, 413, "payload_too_large");
  });

  it("refuses a chunked body as soon as it passes the limit, without waiting for its end", async () => {
    const chunk = `4000\r\n${"a".repeat(0x4000)}\r\n`;
    // Two 16 KiB chunks and no final one: the answer comes while the body is still open.
    for (const path of [connectApiKey, "/browser-login/start"]) {
      const res = await rawExchange(port, `${jsonPost(path, "Transfer-Encoding: chunked\r\n")}${chunk}${chunk}`);
      expectJsonError(res, 413, "payload_too_large");
    }
  });

  it("does not let a client hold a connection with unfinished headers", async () => {
    const res = await rawExchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
    expect(res.ms).toBeLessThan(3_000);
    expectJsonError(res, 408, "request_timeout");
  });

  it("does not let a client hold a connection with a short body", async () => {
    const res = await rawExchange(
      port,
      `POST /browser-login/start HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${stack.apiKey}\r\nX-Subject-User-Id: u\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"provid`,
    );
    expect(res.ms).toBeLessThan(3_000);
    expectJsonError(res, 408, "request_timeout");
  });
});

describe("the HTTP server's error boundary", () => {
  it("answers an upgrade whose handler throws with a JSON 400, logs it, and keeps serving", async () => {
    const logged: string[] = [];
    const logger = { error: (o: object, m: string) => logged.push(`${m} ${JSON.stringify(o)}`), warn: () => {} };
    const server = await startHttpServer({
      fetch: () => new Response("ok"),
      port: 0,
      host: "127.0.0.1",
      headersTimeoutMs: 1_000,
      requestTimeoutMs: 2_000,
      onUpgrade: () => {
        throw new URIError("URI malformed");
      },
      logger: logger as never,
    });
    try {
      expectJsonError(await rawExchange(server.port, upgradeTo("/anything")), 400, "bad_request");
      expect(logged.join("\n")).toMatch(/handler failed.*URIError.*"where":"upgrade"/);
      expect(await (await fetch(`http://127.0.0.1:${server.port}/`)).text()).toBe("ok");
    } finally {
      await server.close(100);
    }
  });

  it("answers a request the app throws out of with a JSON 500, not an empty body", async () => {
    const server = await startHttpServer({
      fetch: () => {
        throw new Error("the app's own bug");
      },
      port: 0,
      host: "127.0.0.1",
      headersTimeoutMs: 1_000,
      requestTimeoutMs: 2_000,
    });
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/`);
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: { code: "internal_error", message: expect.any(String) } });
    } finally {
      await server.close(100);
    }
  });
});

describe("the API process", () => {
  let redis: EmbeddedRedis;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "blc-drain-"));
    redis = await startEmbeddedRedis({ port: await freePort(), dir: join(dir, "redis") });
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const apiKey = `test_${randomBytes(16).toString("hex")}`;
  /** The API alone (src/bin/api.ts): no worker takes a job. */
  async function spawnApi() {
    const providersFile = join(dir, "providers.json");
    writeFileSync(
      providersFile,
      JSON.stringify({
        providers: [
          { id: "demo", name: "Demo", loginUrl: "http://localhost:1/login", success: { storage: { key: "x" } } },
        ],
      }),
    );
    const port = await freePort();
    const api = spawnService("src/bin/api.ts", {
      REDIS_URL: redis.url,
      PORT: String(port),
      API_KEYS: apiKey,
      ENCRYPTION_KEYS: `t1:${randomBytes(32).toString("base64")}`,
      PROVIDERS_FILE: providersFile,
      DATA_DIR: dir,
    });
    return { api, port };
  }

  it("survives an unauthenticated upgrade to /live/%zz/socket (issue 16, finding 1)", async () => {
    const { api, port } = await spawnApi();
    try {
      await api.waitForOutput("API listening");
      const res = await rawExchange(port, upgradeTo("/live/%zz/socket"));
      expect(res.status === 0 || (res.status >= 400 && res.status < 500), `status ${res.status}`).toBe(true);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      expect(api.child.exitCode).toBe(null);
    } finally {
      api.kill();
    }
  });

  it("answers a start waiting for a worker with the session, then exits on SIGTERM", async () => {
    // No worker takes the job, so the start waits its full 10 s unless told to stop.
    const { api, port } = await spawnApi();
    const client = new Redis(redis.url);
    try {
      await api.waitForOutput("API listening");
      const started = fetch(`http://127.0.0.1:${port}/browser-login/start?wait=10000`, {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "x-subject-user-id": "me", "content-type": "application/json" },
        body: JSON.stringify({ providerId: "demo" }),
      });
      // In flight once its session exists and it waits on it.
      await waitFor(async () => (await client.keys("blc:session:*")).length > 0, { what: "the session created" });
      const sent = Date.now();
      api.child.kill("SIGTERM");
      const res = await started;
      expect(Date.now() - sent).toBeLessThan(3_000);
      expect(res.status).toBe(202);
      const body = (await res.json()) as { sessionId: string; status: string };
      expect(body.sessionId).toMatch(/^ls_/);
      expect(body.status).toBe("queued");
      const exit = await api.exited;
      expect(exit.code).toBe(0);
      expect(exit.at - sent).toBeLessThan(5_000);
    } finally {
      client.disconnect();
      api.kill();
    }
  });
});
