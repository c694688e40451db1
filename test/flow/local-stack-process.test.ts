import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectScriptedUser } from "../../src/demo/scripted-user.ts";
import { freePort } from "../helpers/free-port.ts";
import { parsePrometheusText, sampleValue } from "../helpers/prometheus-text.ts";
import { portIsFree, processesMatching, type ServiceProcess, spawnService } from "../helpers/service-process.ts";
import { waitFor } from "../helpers/wait-for.ts";

/**
 * `npm start` as an operator runs it: its own process group, providers edited while it runs,
 * SIGHUP, then SIGTERM to the whole group (what `timeout` and supervisors send).
 */
describe("npm start (src/bin/start.ts) as a process", () => {
  const grace = 2_000;
  let dir: string;
  let service: ServiceProcess;
  let ports: Record<"PORT" | "EMBEDDED_REDIS_PORT" | "DEMO_PORT" | "DEMO_SSO_PORT" | "BROWSER_DEBUG_PORT", number>;
  let providersFile: string;
  const apiKey = `test_${randomBytes(16).toString("hex")}`;

  const demo = {
    id: "demo",
    name: "Demo",
    loginUrl: "http://localhost:${DEMO_PORT}/login",
    success: {
      all: [{ url: { hostname: "localhost", pathname: "/dashboard" } }, { storage: { key: "demo.profile" } }],
    },
  };
  const writeProviders = (providers: unknown[]) => writeFileSync(providersFile, JSON.stringify({ providers }));
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`http://127.0.0.1:${ports.PORT}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        "x-subject-user-id": "me",
        ...(body ? { "content-type": "application/json" } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const providerIds = async () => (await api("GET", "/providers")).body.providers.map((p: { id: string }) => p.id);
  const statusOf = async (id: string) => (await api("GET", `/browser-login/${id}`)).body.status as string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "blc-start-"));
    providersFile = join(dir, "providers.json");
    writeProviders([demo]);
    ports = {
      PORT: await freePort(),
      EMBEDDED_REDIS_PORT: await freePort(),
      DEMO_PORT: await freePort(),
      DEMO_SSO_PORT: await freePort(),
      BROWSER_DEBUG_PORT: await freePort(),
    };
    service = spawnService("src/bin/start.ts", {
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      DATA_DIR: join(dir, "data"),
      PROVIDERS_FILE: providersFile,
      API_KEYS: apiKey,
      ENCRYPTION_KEYS: `t1:${randomBytes(32).toString("base64")}`,
      HEADLESS: "true",
      SHUTDOWN_GRACE_MS: String(grace),
    });
    await service.waitForOutput("browser-login-capture is running at");
  });
  afterAll(() => {
    service?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  let oldDefinition: string;
  let newProvider: string;

  it("reloads providers when their file changes; a running session keeps the definition it started with", async () => {
    oldDefinition = (await api("POST", "/browser-login/start?wait=10000", { providerId: "demo" })).body.sessionId;
    await waitFor(async () => (await statusOf(oldDefinition)) === "awaiting_login", {
      what: "first session awaiting login",
    });
    // One process, one registry: the API's /metrics carries the worker's series too.
    const metrics = parsePrometheusText(
      await (
        await fetch(`http://127.0.0.1:${ports.PORT}/metrics`, { headers: { authorization: `Bearer ${apiKey}` } })
      ).text(),
    );
    expect(sampleValue(metrics, "blc_session_transitions_total", { provider: "demo", status: "queued" })).toBe(1);
    expect(sampleValue(metrics, "blc_worker_sessions", { status: "awaiting_login" })).toBe(1);
    expect(sampleValue(metrics, "blc_browser_contexts")).toBe(1);

    // "demo" now needs a page the user never reaches; a new provider appears.
    writeProviders([
      { ...demo, success: { url: { pathname: "/never" } } },
      {
        id: "demo-new",
        name: "Demo, added while running",
        loginUrl: "http://localhost:${DEMO_PORT}/spa",
        success: { storage: { key: "spa.token" } },
      },
    ]);
    await waitFor(async () => (await providerIds()).includes("demo-new"), { what: "the new provider listed" });
    const started = await api("POST", "/browser-login/start?wait=10000", { providerId: "demo-new" });
    expect(started.status).toBe(202);
    newProvider = started.body.sessionId;
    await waitFor(async () => (await statusOf(newProvider)) === "awaiting_login", {
      what: "the new provider's session open in the worker",
    });

    const user = await connectScriptedUser(`http://127.0.0.1:${ports.BROWSER_DEBUG_PORT}`);
    try {
      await user.logIn(await user.findPage((url) => url.endsWith("/login")));
    } finally {
      await user.disconnect();
    }
    await waitFor(async () => (await statusOf(oldDefinition)) === "completed", {
      what: "the first session completed by its original condition",
    });
  });

  it("keeps the current providers when the file is broken, and reloads on SIGHUP without stopping", async () => {
    writeFileSync(providersFile, "{ not json");
    await service.waitForOutput("providers not reloaded, keeping the current ones", 10_000);
    expect(await providerIds()).toEqual(["demo", "demo-new"]);

    writeProviders([demo]);
    await waitFor(async () => !(await providerIds()).includes("demo-new"), {
      what: "the file's providers after the fix",
    });
    const before = service.output().length;
    process.kill(service.child.pid!, "SIGHUP");
    await waitFor(
      () =>
        /"why":"signal"[^\n]*providers reloaded|providers reloaded[^\n]*"why":"signal"/.test(
          service.output().slice(before),
        ),
      { what: "reload on SIGHUP" },
    );
    // Still serving, and the browser (which Playwright would close on SIGHUP) still holds the session.
    expect(await statusOf(newProvider)).toBe("awaiting_login");
  });

  it("stops in order, within the grace time, on one SIGTERM to its process group, leaving nothing behind", async () => {
    expect(processesMatching(`127.0.0.1:${ports.EMBEDDED_REDIS_PORT}`)).not.toEqual([]);
    const sent = Date.now();
    service.signalGroup("SIGTERM");
    const exit = await Promise.race([service.exited, new Promise<undefined>((r) => setTimeout(r, grace + 8_000))]);
    expect(exit, `still running ${grace + 8_000} ms after SIGTERM:\n${service.output().slice(-3000)}`).toBeDefined();
    expect(exit!.code).toBe(0);
    expect(exit!.at - sent).toBeLessThan(grace + 8_000);
    expect(service.output()).not.toMatch(/ECONNREFUSED/);

    expect(processesMatching(`127.0.0.1:${ports.EMBEDDED_REDIS_PORT}`)).toEqual([]);
    expect(processesMatching(`remote-debugging-port=${ports.BROWSER_DEBUG_PORT}`)).toEqual([]);
    for (const [setting, port] of Object.entries(ports))
      expect(await portIsFree(port), `${setting} ${port} free`).toBe(true);
  });

  it("after a kill -9 of its group, the next start stops the Redis it left behind and runs", {
    timeout: 180_000,
  }, async () => {
    const env = { ...service.env, EMBEDDED_REDIS_PORT: String(ports.EMBEDDED_REDIS_PORT) };
    const killed = spawnService("src/bin/start.ts", env);
    await killed.waitForOutput("browser-login-capture is running at");
    killed.signalGroup("SIGKILL");
    await killed.exited;
    // Redis runs in its own process group, so SIGKILL to the service's group does not reach it.
    expect(processesMatching(`127.0.0.1:${ports.EMBEDDED_REDIS_PORT}`)).not.toEqual([]);

    service = spawnService("src/bin/start.ts", env);
    await service.waitForOutput("browser-login-capture is running at");
    expect(service.output()).toContain("stopped the embedded Redis an earlier run left behind");
    service.signalGroup("SIGTERM");
    expect((await service.exited).code).toBe(0);
    expect(processesMatching(`127.0.0.1:${ports.EMBEDDED_REDIS_PORT}`)).toEqual([]);
  });
});
