import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { type ApiClient, createApiClient } from "@browser-login-capture/client";
import type { Logger } from "pino";
import { type Config, loadConfig } from "../../src/core/config.ts";
import { createLogger } from "../../src/core/logging/logger.ts";
import { type EmbeddedRedis, startEmbeddedRedis } from "../../src/core/redis/embedded-redis.ts";
import { connectScriptedUser, type ScriptedUser } from "../../src/demo/scripted-user.ts";
import { createProviderRegistry } from "../../src/providers/provider-registry.ts";
import type { ProviderInput } from "../../src/providers/provider-schema.ts";
import { startApiService } from "../../src/service/api-process.ts";
import { startWorkerService } from "../../src/service/worker-process.ts";
import { type FixtureSite, startFixtureSite } from "../fixtures/fixture-site.ts";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "./embedded-postgres.ts";
import { freePort } from "./free-port.ts";

/** Captures every log line of a process, so tests can look for secrets in it. */
export function memoryLog(): { logger: Logger; text(): string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level: "debug", destination }), text: () => chunks.join("") };
}

/** Providers on the fixture site, one per kind of success condition. */
export function fixtureProviders(
  site: FixtureSite,
  overrides: Partial<Record<string, Partial<ProviderInput>>> = {},
): ProviderInput[] {
  const base: ProviderInput[] = [
    {
      id: "demo",
      name: "Demo",
      loginUrl: site.loginUrl,
      success: {
        all: [{ url: { hostname: "localhost", pathname: "/dashboard" } }, { storage: { key: "demo.profile" } }],
      },
      failureUrls: [{ pathname: "/login", search: "error=*" }],
    },
    // The logged-out dashboard flashes for 300 ms of page time: over a second on a loaded two-core machine.
    {
      id: "demo-url-only",
      name: "Demo, URL only, settled",
      loginUrl: site.loginUrl,
      success: { url: { pathname: "/dashboard" } },
      settleMs: 2_500,
    },
    {
      id: "demo-popup",
      name: "Demo popup",
      loginUrl: `${site.appOrigin}/popup`,
      success: { url: { pathname: "/dashboard" } },
    },
    {
      id: "demo-spa",
      name: "Demo SPA",
      loginUrl: `${site.appOrigin}/spa`,
      success: { storage: { area: "localStorage", key: "spa.token" } },
      // A wrong password is answered in place: the URL stays, the login request gets a 401.
      failureResponses: [{ url: { pathname: "/api/spa-login" }, status: 401 }],
    },
    {
      id: "demo-cookie",
      name: "Demo, cookie",
      loginUrl: `${site.appOrigin}/spa`,
      success: { cookie: { name: "session" } },
    },
    {
      id: "demo-response",
      name: "Demo, response",
      loginUrl: `${site.appOrigin}/spa`,
      success: {
        any: [{ response: { url: { pathname: "/api/spa-login" }, status: 200 } }, { url: { pathname: "/never" } }],
      },
    },
    {
      id: "demo-on-complete",
      name: "Demo, capture on complete",
      loginUrl: site.loginUrl,
      success: { url: { pathname: "/dashboard" } },
      captureOn: "complete",
      settleMs: 300,
    },
    {
      id: "demo-idb",
      name: "Demo, with IndexedDB",
      loginUrl: site.loginUrl,
      success: { storage: { key: "demo.idb" } },
      captureIndexedDB: true,
      origins: [site.appOrigin],
    },
    // Takes the home page for a login: a capture that gained nothing, to be marked suspect.
    { id: "demo-home-url", name: "Demo, home page URL", loginUrl: site.loginUrl, success: { url: { pathname: "/" } } },
    // The pattern a backtracking matcher took a minute over, against a long address a page sets.
    {
      id: "demo-wildcards",
      name: "Demo, wildcard path",
      loginUrl: site.loginUrl,
      success: { url: { pathname: "/app/*/home/*/done" } },
    },
    {
      id: "demo-short",
      name: "Demo, short timeout",
      loginUrl: site.loginUrl,
      success: { url: { pathname: "/dashboard" } },
      failureUrls: [{ pathname: "/login", search: "error=*" }],
      timeoutMs: 4_000,
    },
  ];
  return base.map((p) => ({ ...p, ...overrides[p.id] }) as ProviderInput);
}

export interface TestStack {
  site: FixtureSite;
  redis: EmbeddedRedis;
  /** The PostgreSQL server holding the credentials (credentialStore: "postgres"); config.DATABASE_URL names its database. */
  postgres?: EmbeddedPostgres;
  config: Config;
  baseUrl: string;
  apiKey: string;
  user: ScriptedUser;
  debugPort: number;
  /** The worker's own metrics listener, when METRICS_PORT is set (the API's /metrics is at baseUrl). */
  workerMetricsPort?: number;
  log: { text(): string };
  stopWorker(graceMs?: number): Promise<void>;
  /** The typed client (@browser-login-capture/client) with the stack's key, acting for `subject` (default user-1; "" for operator calls). */
  client(subject?: string | { userId: string; orgId?: string }): ApiClient;
  /** Raw HTTP, for requests the typed client would not send: malformed bodies, wrong headers, unknown paths. */
  api(
    method: string,
    path: string,
    options?: { body?: unknown; subject?: string; org?: string; raw?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export async function startTestStack(
  options: {
    /** Settings over the defaults; a function when they name the fixture site's ports. */
    env?: Record<string, string> | ((site: FixtureSite) => Record<string, string>);
    /** API keys accepted besides `stack.apiKey`. */
    extraApiKeys?: string[];
    withWorker?: boolean;
    /**
     * Attach `stack.user` to the local adapter's BROWSER_DEBUG_PORT (default: when there is a worker).
     * False for a remote adapter (Browserbase), whose browsers have their own DevTools endpoints:
     * `stack.user` is then undefined and the test attaches its own scripted user.
     */
    scriptedUser?: boolean;
    /** Where credentials live (default Redis): "postgres" starts a PostgreSQL server for them. */
    credentialStore?: "redis" | "postgres";
    /** Changes to the fixture providers (by id), e.g. a verify declaration. */
    providerOverrides?: (site: FixtureSite) => Partial<Record<string, Partial<ProviderInput>>>;
    /** Providers besides the fixture site's (OAuth2 and API-key providers); a function when they name the fixture site. */
    extraProviders?: ProviderInput[] | ((site: FixtureSite) => ProviderInput[]);
  } = {},
): Promise<TestStack> {
  const dataDir = mkdtempSync(join(tmpdir(), "blc-test-"));
  const site = await startFixtureSite();
  const redis = await startEmbeddedRedis({ port: await freePort(), dir: join(dataDir, "redis") });
  const postgres =
    options.credentialStore === "postgres" ? await startEmbeddedPostgres({ port: await freePort() }) : undefined;
  const credentialEnv = postgres
    ? { CREDENTIAL_STORE: "postgres", DATABASE_URL: await postgres.createDatabase("blc") }
    : {};
  const debugPort = await freePort();
  const apiKey = `test_${randomBytes(16).toString("hex")}`;
  const config = loadConfig({
    NODE_ENV: "test",
    DATA_DIR: dataDir,
    PORT: "0",
    API_KEYS: [apiKey, ...(options.extraApiKeys ?? [])].join(","),
    ENCRYPTION_KEYS: `t1:${randomBytes(32).toString("base64")}`,
    HEADLESS: "true",
    BROWSER_DEBUG_PORT: String(debugPort),
    CLIENT_LOGIN_URLS: "true",
    // The fixture's login crosses its app (localhost) and its SSO (127.0.0.1): both are captured.
    CLIENT_LOGIN_URL_HOSTS: "localhost,127.0.0.1",
    ALLOW_PRIVATE_LOGIN_URLS: "true",
    WORKER_LEASE_MS: "3000",
    SHUTDOWN_GRACE_MS: "2000",
    // The default check's doubt comes after this wait: the fixture's pages answer in milliseconds.
    DEFAULT_CHECK_TIMEOUT_MS: "4000",
    // Tests start many sessions for one subject; the limits have their own tests (test/flow/session-quotas.test.ts).
    MAX_SESSIONS_PER_SUBJECT: "1000",
    MAX_SESSIONS_PER_CONNECT_LINK: "1000",
    ...credentialEnv,
    ...(typeof options.env === "function" ? options.env(site) : options.env),
  });
  const log = memoryLog();
  const providers = createProviderRegistry([
    ...fixtureProviders(site, options.providerOverrides?.(site)),
    ...(typeof options.extraProviders === "function" ? options.extraProviders(site) : (options.extraProviders ?? [])),
  ]);
  const worker =
    options.withWorker === false ? undefined : await startWorkerService(config, redis.url, providers, log.logger);
  const api = await startApiService(config, redis.url, providers, log.logger);
  const baseUrl = `http://127.0.0.1:${api.port}`;
  const attachUser = options.scriptedUser ?? options.withWorker !== false;
  const user = attachUser
    ? await connectScriptedUser(`http://127.0.0.1:${debugPort}`)
    : (undefined as unknown as ScriptedUser);
  let workerStopped = false;

  const stack: TestStack = {
    site,
    redis,
    postgres,
    config,
    baseUrl,
    apiKey,
    user,
    debugPort,
    workerMetricsPort: worker?.metricsPort,
    log,
    async stopWorker(graceMs) {
      workerStopped = true;
      await worker?.close(graceMs);
    },
    client(subject = "user-1") {
      const who = typeof subject === "string" ? (subject ? { userId: subject } : undefined) : subject;
      return createApiClient({ baseUrl, apiKey, subject: who });
    },
    async api(method, path, { body, subject = "user-1", org, raw, headers = {} } = {}) {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${apiKey}`,
          ...(subject ? { "x-subject-user-id": subject } : {}),
          ...(org ? { "x-subject-org-id": org } : {}),
          ...(body !== undefined || raw !== undefined ? { "content-type": "application/json" } : {}),
          ...headers,
        },
        body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // Left as text: tests assert that error bodies are JSON.
      }
      return { status: response.status, body: parsed, headers: response.headers };
    },
    async close() {
      await user?.disconnect();
      await api.close();
      if (!workerStopped) await worker?.close(1000);
      // A test may have restarted Redis: stop the one in use now.
      await stack.redis.stop();
      await postgres?.stop();
      await site.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return stack;
}
