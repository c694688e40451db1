import { randomBytes, randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ServerType, serve } from "@hono/node-server";
import { type Context, Hono } from "hono";
import { type ChromiumProcess, launchChromium } from "./chromium-process.ts";

/**
 * A stand-in for the Browserbase control plane (api.browserbase.com) that runs offline: each
 * session is a local headless Chromium whose DevTools WebSocket is handed out as `connectUrl`.
 * It serves what the SDK and Stagehand 3.7 (`disableAPI: true`) call:
 * - `POST /v1/sessions` (create), `GET /v1/sessions/:id` (Stagehand's resume path, and its status
 *   check when the CDP socket closes), `GET /v1/sessions/:id/debug` (live view URLs),
 *   `POST /v1/sessions/:id` (REQUEST_RELEASE), `GET /v1/sessions` (list).
 * Point both at it with `process.env.BROWSERBASE_BASE_URL = emulator.baseUrl`.
 */

export const FAILURE_MODES = [
  "none",
  /** Every request is refused as with a wrong key (401). */
  "unauthorized",
  /** The key is valid but may not use the project (403). */
  "forbidden",
  /** Session creation refused for the concurrency limit (429). */
  "quota-exceeded",
  /** Session creation refused with 400 "invalid region" whatever the region. */
  "invalid-region",
  /** Session creation fails with 500. */
  "server-error",
  /** Session creation answers only after `slowCreateMs` (longer than any client timeout in tests). */
  "slow-create",
  /** The session is created (its Chromium runs), but `connectUrl` accepts TCP and never answers. */
  "unreachable-connect-url",
] as const;
export type FailureMode = (typeof FAILURE_MODES)[number];

export const VALID_REGIONS = ["us-west-2", "us-east-1", "eu-central-1", "ap-southeast-1"] as const;

export interface BrowserbaseEmulatorOptions {
  apiKey?: string;
  projectId?: string;
  chromiumPath?: string;
  /** How long "slow-create" hangs; the hang also ends when the client goes away or on close(). */
  slowCreateMs?: number;
}

export interface RecordedCall {
  method: string;
  path: string;
  body: unknown;
  /** Whether the X-BB-API-Key header carried the right key (the key itself is never recorded). */
  authorized: boolean;
}

export type SessionStatus = "RUNNING" | "ERROR" | "TIMED_OUT" | "COMPLETED";

export interface EmulatedSession {
  id: string;
  projectId: string;
  status: SessionStatus;
  region: string;
  keepAlive: boolean;
  timeoutSeconds: number | undefined;
  createParams: Record<string, unknown>;
  createdAt: string;
  endedAt?: string;
  /** DevTools HTTP endpoint of this session's Chromium: where a scripted user attaches. */
  cdpHttpEndpoint: string;
  connectUrl: string;
  pid: number;
  userDataDir: string;
  /** Target id of the tab the browser started with. */
  firstPageId: string | undefined;
}

export interface BrowserbaseEmulator {
  baseUrl: string;
  apiKey: string;
  projectId: string;
  /** Prefix of every Chromium profile directory this emulator creates (`pgrep -f` finds leftovers). */
  profilePrefix: string;
  calls: RecordedCall[];
  sessions(): EmulatedSession[];
  session(id: string): EmulatedSession | undefined;
  setFailureMode(mode: FailureMode): void;
  /** Kills the session's Chromium as a network drop or a remote crash would: the CDP socket closes. */
  dropConnection(sessionId: string): Promise<void>;
  close(): Promise<void>;
}

interface LiveSession extends EmulatedSession {
  chromium: ChromiumProcess;
}

export async function startBrowserbaseEmulator(options: BrowserbaseEmulatorOptions = {}): Promise<BrowserbaseEmulator> {
  const apiKey = options.apiKey ?? `bb_test_${randomBytes(16).toString("hex")}`;
  const projectId = options.projectId ?? randomUUID();
  const profilePrefix = join(tmpdir(), `bb-emulator-${randomBytes(4).toString("hex")}-`);
  const slowCreateMs = options.slowCreateMs ?? 20_000;
  const calls: RecordedCall[] = [];
  const sessions = new Map<string, LiveSession>();
  const launching = new Set<Promise<unknown>>();
  let failureMode: FailureMode = "none";
  let closed = false;
  let baseUrl = "";
  const closing = new AbortController();
  const blackhole = await startBlackhole();

  const app = new Hono<{ Variables: { body: unknown } }>();

  app.use("*", async (c, next) => {
    const body = c.req.method === "POST" ? await c.req.json().catch(() => undefined) : undefined;
    const presented = c.req.header("x-bb-api-key");
    const authorized = presented === apiKey;
    calls.push({ method: c.req.method, path: c.req.path, body, authorized });
    if (!authorized || failureMode === "unauthorized") {
      // Echoes the key back, as some servers and proxies do: the adapter must scrub it from what it reports.
      return c.json(
        { statusCode: 401, error: "Unauthorized", message: `Invalid API key: ${presented ?? "(none)"}` },
        401,
      );
    }
    if (failureMode === "forbidden") {
      return c.json({ statusCode: 403, error: "Forbidden", message: "This API key may not access the project" }, 403);
    }
    c.set("body", body);
    await next();
  });

  app.post("/v1/sessions", async (c) => {
    const params = (c.get("body") ?? {}) as Record<string, unknown>;
    if (failureMode === "quota-exceeded") {
      return c.json(
        {
          statusCode: 429,
          error: "Too Many Requests",
          message: "You've exceeded your max concurrent sessions limit (limit 1, currently 1)",
        },
        429,
      );
    }
    if (failureMode === "server-error") {
      return c.json(
        { statusCode: 500, error: "Internal Server Error", message: "An internal server error occurred" },
        500,
      );
    }
    const region = (params.region as string | undefined) ?? "us-west-2";
    if (failureMode === "invalid-region" || !(VALID_REGIONS as readonly string[]).includes(region)) {
      return c.json(
        {
          statusCode: 400,
          error: "Bad Request",
          message: `body/region must be equal to one of the allowed values: ${VALID_REGIONS.join(", ")}`,
        },
        400,
      );
    }
    if (params.projectId !== undefined && params.projectId !== projectId) {
      return c.json({ statusCode: 404, error: "Not Found", message: "Project not found" }, 404);
    }
    const timeout = params.timeout as number | undefined;
    if (timeout !== undefined && (timeout < 60 || timeout > 21_600)) {
      return c.json({ statusCode: 400, error: "Bad Request", message: "body/timeout must be >= 60 and <= 21600" }, 400);
    }
    if (failureMode === "slow-create") {
      const clientGone = c.req.raw.signal;
      await waitUntil(slowCreateMs, [clientGone, closing.signal]);
      if (clientGone.aborted || closed)
        return c.json({ statusCode: 504, error: "Gateway Timeout", message: "Gave up" }, 504);
    }
    if (closed)
      return c.json({ statusCode: 503, error: "Service Unavailable", message: "Emulator is shutting down" }, 503);
    const unreachable = failureMode === "unreachable-connect-url";

    const launch = launchChromium({ executablePath: options.chromiumPath, profilePrefix });
    launching.add(launch);
    let chromium: ChromiumProcess;
    try {
      chromium = await launch;
    } catch (error) {
      return c.json(
        {
          statusCode: 500,
          error: "Internal Server Error",
          message: `Browser did not start: ${(error as Error).message}`,
        },
        500,
      );
    } finally {
      launching.delete(launch);
    }
    if (closed) {
      await chromium.kill();
      return c.json({ statusCode: 503, error: "Service Unavailable", message: "Emulator is shutting down" }, 503);
    }
    const now = new Date();
    const session: LiveSession = {
      id: randomUUID(),
      projectId,
      status: "RUNNING",
      region,
      keepAlive: params.keepAlive === true,
      timeoutSeconds: timeout,
      createParams: params,
      createdAt: now.toISOString(),
      cdpHttpEndpoint: chromium.cdpHttpEndpoint,
      connectUrl: unreachable
        ? `ws://127.0.0.1:${blackhole.port}/devtools/browser/unreachable`
        : chromium.webSocketDebuggerUrl,
      pid: chromium.pid,
      userDataDir: chromium.userDataDir,
      firstPageId: (await pageTargets(chromium.cdpHttpEndpoint))[0]?.id,
      chromium,
    };
    sessions.set(session.id, session);
    return c.json(
      {
        ...describe(session),
        connectUrl: session.connectUrl,
        seleniumRemoteUrl: `${baseUrl}/webdriver`,
        signingKey: randomBytes(8).toString("hex"),
      },
      201,
    );
  });

  app.get("/v1/sessions", (c) => {
    const status = c.req.query("status");
    return c.json([...sessions.values()].filter((s) => !status || s.status === status).map(describe));
  });

  app.get("/v1/sessions/:id", (c) => {
    const session = sessions.get(c.req.param("id"));
    if (!session) return notFound(c);
    return c.json({
      ...describe(session),
      ...(session.status === "RUNNING" ? { connectUrl: session.connectUrl } : {}),
    });
  });

  app.get("/v1/sessions/:id/debug", async (c) => {
    const session = sessions.get(c.req.param("id"));
    if (!session) return notFound(c);
    if (session.status !== "RUNNING") {
      return c.json({ statusCode: 422, error: "Unprocessable Entity", message: `Session is ${session.status}` }, 422);
    }
    const pages = (await pageTargets(session.cdpHttpEndpoint)).map((t) => ({
      id: t.id,
      url: t.url,
      title: t.title,
      faviconUrl: t.faviconUrl ?? "",
      debuggerUrl: liveViewUrl(session, t.id, false),
      debuggerFullscreenUrl: liveViewUrl(session, t.id, true),
    }));
    // Like Browserbase, the session-level view is the first tab's.
    const first = pages.find((p) => p.id === session.firstPageId) ?? pages[0];
    return c.json({
      wsUrl: session.connectUrl,
      debuggerUrl: first?.debuggerUrl ?? liveViewUrl(session, "none", false),
      debuggerFullscreenUrl: first?.debuggerFullscreenUrl ?? liveViewUrl(session, "none", true),
      pages,
    });
  });

  app.post("/v1/sessions/:id", async (c) => {
    const session = sessions.get(c.req.param("id"));
    if (!session) return notFound(c);
    const body = (c.get("body") ?? {}) as { status?: string; projectId?: string };
    if (body.status !== "REQUEST_RELEASE") {
      return c.json(
        { statusCode: 400, error: "Bad Request", message: "body/status must be equal to REQUEST_RELEASE" },
        400,
      );
    }
    if (body.projectId !== undefined && body.projectId !== projectId) {
      return c.json({ statusCode: 404, error: "Not Found", message: "Project not found" }, 404);
    }
    await end(session, session.status === "RUNNING" ? "COMPLETED" : session.status);
    return c.json(describe(session));
  });

  // The live view itself: a page, so that its URL can be opened; the real one streams the tab.
  app.get("/devtools-fullscreen/inspector.html", (c) =>
    c.html("<!doctype html><title>Emulated live view</title><p>Live view placeholder</p>"),
  );
  app.get("/devtools/inspector.html", (c) =>
    c.html("<!doctype html><title>Emulated live view</title><p>Live view placeholder</p>"),
  );

  const server = await listen(app.fetch);
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function liveViewUrl(session: LiveSession, pageId: string, fullscreen: boolean): string {
    const host = new URL(baseUrl).host;
    const path = fullscreen ? "devtools-fullscreen/inspector.html" : "devtools/inspector.html";
    return `${baseUrl}/${path}?wss=${host}/debug/${session.id}/devtools/page/${pageId}`;
  }

  async function end(session: LiveSession, status: SessionStatus) {
    if (session.status === "RUNNING") {
      session.status = status;
      session.endedAt = new Date().toISOString();
    }
    await session.chromium.kill();
  }

  return {
    baseUrl,
    apiKey,
    projectId,
    profilePrefix,
    calls,
    sessions: () => [...sessions.values()].map(publicView),
    session: (id) => {
      const s = sessions.get(id);
      return s && publicView(s);
    },
    setFailureMode(mode) {
      failureMode = mode;
    },
    async dropConnection(sessionId) {
      const session = sessions.get(sessionId);
      if (!session) throw new Error(`No emulated session ${sessionId}`);
      await end(session, "ERROR");
    },
    async close() {
      closed = true;
      closing.abort();
      await Promise.allSettled([...launching]);
      await Promise.all([...sessions.values()].map((s) => end(s, "COMPLETED")));
      await Promise.all([closeServer(server), blackhole.close()]);
    },
  };
}

interface DevToolsTarget {
  id: string;
  type: string;
  url: string;
  title: string;
  faviconUrl?: string;
}

async function pageTargets(cdpHttpEndpoint: string): Promise<DevToolsTarget[]> {
  const targets = await fetch(`${cdpHttpEndpoint}/json/list`)
    .then((r) => r.json() as Promise<DevToolsTarget[]>)
    .catch(() => [] as DevToolsTarget[]);
  return targets.filter((t) => t.type === "page");
}

function describe(session: LiveSession) {
  return {
    id: session.id,
    createdAt: session.createdAt,
    updatedAt: session.endedAt ?? session.createdAt,
    startedAt: session.createdAt,
    endedAt: session.endedAt,
    expiresAt: new Date(Date.parse(session.createdAt) + (session.timeoutSeconds ?? 300) * 1000).toISOString(),
    projectId: session.projectId,
    status: session.status,
    keepAlive: session.keepAlive,
    region: session.region,
    proxyBytes: 0,
    avgCpuUsage: 0,
    memoryUsage: 0,
    contextId: (session.createParams.browserSettings as { context?: { id?: string } } | undefined)?.context?.id,
    userMetadata: session.createParams.userMetadata ?? {},
  };
}

function publicView({ chromium: _chromium, ...session }: LiveSession): EmulatedSession {
  return { ...session };
}

function notFound(c: Context) {
  return c.json({ statusCode: 404, error: "Not Found", message: "Session not found" }, 404);
}

function waitUntil(ms: number, signals: AbortSignal[]): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      for (const s of signals) s.removeEventListener("abort", done);
      resolve();
    }
    for (const s of signals) {
      if (s.aborted) return done();
      s.addEventListener("abort", done, { once: true });
    }
  });
}

/** A TCP port that accepts connections and never says a word: a CDP endpoint that hangs. */
async function startBlackhole(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function listen(fetch: Parameters<typeof serve>[0]["fetch"]): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(server));
    server.once("error", reject);
  });
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    if ("closeAllConnections" in server) server.closeAllConnections();
    server.close(() => resolve());
  });
}
