import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/free-port.ts";
import { type PromSample, parsePrometheusText, sampleValue } from "../helpers/prometheus-text.ts";
import { startTagged, waitForStatus } from "../helpers/sessions.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { startWebhookReceiver } from "../helpers/webhook-receiver.ts";
import { spawnWorker } from "../helpers/worker-process.ts";
import { openViewer, openViewerBrowser } from "../live-view/viewer-driver.ts";

/**
 * The operator's view: each process's /metrics (the API at its own port, the worker on METRICS_PORT,
 * as when they run on separate machines) after a real login through the stack.
 */
describe("metrics: the API's and the worker's /metrics after a real login", () => {
  let stack: TestStack;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let browser: Browser;
  const metricsToken = `metrics_${randomBytes(24).toString("hex")}`;
  let completed: { sessionId: string; credentialId: string; tag: string } | undefined;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    const file = join(mkdtempSync(join(tmpdir(), "blc-metrics-")), "webhooks.json");
    const secret = `whsec_${randomBytes(32).toString("base64")}`;
    writeFileSync(
      file,
      JSON.stringify({
        endpoints: [{ id: "whe_ops", url: receiver.url("/ops"), events: ["session.completed"], secret }],
      }),
    );
    stack = await startTestStack({
      env: {
        METRICS_PORT: "0",
        METRICS_TOKEN: metricsToken,
        WEBHOOKS_FILE: file,
        WEBHOOK_PRIVATE_ALLOWED_FOR: `127.0.0.1:${receiver.port}`,
      },
    });
    browser = await openViewerBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await receiver?.close();
  });

  const urlOf = (where: "api" | "worker") =>
    where === "api" ? `${stack.baseUrl}/metrics` : `http://127.0.0.1:${stack.workerMetricsPort}/metrics`;
  const scrape = (where: "api" | "worker", authorization?: string) =>
    fetch(urlOf(where), { headers: authorization ? { authorization } : {} });
  async function metricsOf(where: "api" | "worker"): Promise<PromSample[]> {
    const res = await scrape(where, `Bearer ${metricsToken}`);
    expect(res.status).toBe(200);
    return parsePrometheusText(await res.text());
  }
  const value = (samples: PromSample[], name: string, labels: Record<string, string> = {}) =>
    sampleValue(samples, name, labels) ?? 0;

  it("shows sessions, step times, queue wait, browser contexts, viewers, decrypts and webhook deliveries", async () => {
    expect(stack.workerMetricsPort).toBeGreaterThan(0);
    const [api0, worker0] = await Promise.all([metricsOf("api"), metricsOf("worker")]);
    const demo = { provider: "demo" };

    const { tag, sessionId, started } = await startTagged(stack, "demo");
    expect(started.status).toBe("awaiting_login");
    // While the person has the login page: the worker holds one browser context for one waiting session, and a viewer watches through the API.
    const viewer = await openViewer(browser, started.liveViewUrl!);
    await waitFor(
      async () => {
        const [api, worker] = await Promise.all([metricsOf("api"), metricsOf("worker")]);
        return (
          value(worker, "blc_browser_contexts") === 1 &&
          value(worker, "blc_worker_sessions", { status: "awaiting_login" }) === 1 &&
          value(api, "blc_live_viewers") === 1
        );
      },
      { what: "one browser context, one session awaiting login and one live viewer in the metrics" },
    );
    await viewer.close();
    await waitFor(async () => value(await metricsOf("api"), "blc_live_viewers") === 0, {
      what: "the viewer gone from the metrics",
    });

    await stack.user.logIn(await stack.user.findPage((u) => u.includes(tag)));
    const done = await waitForStatus(stack, sessionId, "completed");
    expect((await stack.api("GET", `/credentials/${done.credentialId}/storage-state`)).status).toBe(200);
    completed = { sessionId, credentialId: done.credentialId!, tag };

    // The browser closes just after the session completes; the webhook goes out through the queue.
    const worker = await waitFor(
      async () => {
        const samples = await metricsOf("worker");
        return value(samples, "blc_browser_contexts") === 0 &&
          value(samples, "blc_webhook_deliveries_total", { outcome: "delivered" }) >= 1
          ? samples
          : undefined;
      },
      { timeoutMs: 15_000, what: "the browser context closed and the webhook delivered" },
    );
    const api = await metricsOf("api");
    const delta = (after: PromSample[], before: PromSample[], name: string, labels: Record<string, string> = {}) =>
      value(after, name, labels) - value(before, name, labels);

    // Each process counts what it did: the API created the session, the worker moved it to completed.
    expect(delta(api, api0, "blc_session_transitions_total", { ...demo, status: "queued" })).toBe(1);
    for (const status of ["starting", "awaiting_login", "authenticated", "capturing", "completed"]) {
      expect(delta(worker, worker0, "blc_session_transitions_total", { ...demo, status }), status).toBe(1);
    }
    expect(delta(worker, worker0, "blc_sessions_ended_total", { ...demo, status: "completed", code: "ok" })).toBe(1);
    expect(value(worker, "blc_worker_sessions", { status: "awaiting_login" })).toBe(0);

    // One observation of each step, with times that fit what happened.
    const timeline = done.timeline as Record<string, string>;
    for (const name of [
      "blc_session_login_page_seconds",
      "blc_session_authenticated_seconds",
      "blc_session_capture_seconds",
    ]) {
      expect(delta(worker, worker0, `${name}_count`, demo), name).toBe(1);
    }
    const seconds = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;
    expect(delta(worker, worker0, "blc_session_login_page_seconds_sum", demo)).toBeCloseTo(
      seconds(done.createdAt, timeline.awaiting_login!),
      2,
    );
    expect(delta(worker, worker0, "blc_session_authenticated_seconds_sum", demo)).toBeCloseTo(
      seconds(timeline.awaiting_login!, timeline.authenticated!),
      2,
    );
    expect(delta(worker, worker0, "blc_session_capture_seconds_sum", demo)).toBeCloseTo(
      seconds(timeline.capturing!, timeline.completed!),
      2,
    );
    expect(delta(worker, worker0, "blc_session_capture_seconds_bucket", { ...demo, le: "+Inf" })).toBe(1);
    expect(delta(worker, worker0, "blc_queue_wait_seconds_count", { queue: "login-sessions" })).toBe(1);
    expect(value(worker, "blc_queue_wait_seconds_sum", { queue: "login-sessions" })).toBeLessThan(10);

    // The API decrypted it once for its owner; the queues are counted cluster-wide by the API.
    expect(delta(api, api0, "blc_credential_decrypts_total", { purpose: "storage_state" })).toBe(1);
    expect(value(api, "blc_queue_jobs", { queue: "login-sessions", state: "completed" })).toBeGreaterThanOrEqual(1);
    expect(value(api, "blc_queue_jobs", { queue: "login-sessions", state: "waiting" })).toBe(0);
    expect(
      sampleValue(api, "blc_queue_jobs", { queue: "webhook-deliveries", state: "completed" }),
    ).toBeGreaterThanOrEqual(1);
    // Process memory, from prom-client's default set, in each process.
    for (const samples of [api, worker])
      expect(value(samples, "process_resident_memory_bytes")).toBeGreaterThan(10_000_000);
  });

  it("holds no secret and no unbounded value: no cookie value, key, token, session, credential or subject id, no URL", async () => {
    expect(completed).toBeDefined();
    const texts = await Promise.all(
      ["api", "worker"].map(async (where) =>
        (await scrape(where as "api" | "worker", `Bearer ${metricsToken}`)).text(),
      ),
    );
    const secrets = stack.site.issuedSecrets().filter((s) => !s.startsWith("grant-"));
    expect(secrets.length).toBeGreaterThan(0);
    const forbidden = [
      ...secrets,
      stack.apiKey,
      metricsToken,
      completed!.sessionId,
      completed!.credentialId,
      completed!.tag,
      "user-1",
      stack.site.appOrigin,
      "127.0.0.1:",
      "http",
    ];
    for (const text of texts) {
      expect(text).toContain("blc_sessions_ended_total");
      for (const value of forbidden) expect(text, value).not.toContain(value);
    }
  });

  it("counts a session the API cancels in the API's metrics, with its reason code", async () => {
    const before = await metricsOf("api");
    const { sessionId } = await startTagged(stack, "demo");
    expect((await stack.api("POST", `/browser-login/${sessionId}/cancel`)).status).toBe(200);
    const after = await metricsOf("api");
    const ended = { provider: "demo", status: "cancelled", code: "cancelled" };
    expect(value(after, "blc_sessions_ended_total", ended) - value(before, "blc_sessions_ended_total", ended)).toBe(1);
    await waitFor(async () => value(await metricsOf("worker"), "blc_browser_contexts") === 0, {
      what: "the cancelled session's browser closed",
    });
  });

  it("answers only the metrics token or an API key, on the API and on the worker's listener", async () => {
    for (const where of ["api", "worker"] as const) {
      for (const authorization of [
        undefined,
        "Bearer wrong-token",
        `Basic ${Buffer.from(`x:${metricsToken}`).toString("base64")}`,
      ]) {
        const refused = await scrape(where, authorization);
        // A header in another scheme is malformed for a bearer route: 400, as everywhere in the API.
        expect(refused.status, `${where} ${authorization}`).toBe(authorization?.startsWith("Basic") ? 400 : 401);
        expect(refused.headers.get("content-type")).toMatch(/^application\/json/);
        expect((await refused.json()).error.code).toBe("unauthorized");
      }
      const byKey = await scrape(where, `Bearer ${stack.apiKey}`);
      expect(byKey.status).toBe(200);
      expect(byKey.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(await byKey.text()).toContain("# TYPE blc_session_transitions_total counter");
    }
    // The worker's listener serves nothing else.
    const other = await fetch(urlOf("worker").replace("/metrics", "/healthz"));
    expect(other.status).toBe(404);
    expect((await other.json()).error.code).toBe("not_found");
  });
});

describe("metrics: a worker in its own process (src/bin/worker.ts) serves /metrics on METRICS_PORT", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ withWorker: false });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("answers Prometheus with the metrics token, and refuses without it", async () => {
    const port = await freePort();
    const token = `metrics_${randomBytes(24).toString("hex")}`;
    const worker = await spawnWorker(stack, {
      METRICS_PORT: String(port),
      METRICS_TOKEN: token,
      API_KEYS: stack.apiKey,
      BROWSER_DEBUG_PORT: String(await freePort()),
    });
    try {
      const url = `http://127.0.0.1:${port}/metrics`;
      expect((await fetch(url)).status).toBe(401);
      const scrape = async () => {
        const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
        expect(res.status).toBe(200);
        return parsePrometheusText(await res.text());
      };
      // "worker ready" is said just before the worker's gauges are registered: the first scrape may come in between.
      let samples = await scrape();
      await waitFor(
        async () => {
          samples = await scrape();
          return sampleValue(samples, "blc_worker_sessions", { status: "awaiting_login" }) !== undefined;
        },
        {
          what: "the worker's session gauge in its metrics",
        },
      );
      expect(sampleValue(samples, "blc_browser_contexts")).toBe(0);
      expect(sampleValue(samples, "blc_worker_sessions", { status: "awaiting_login" })).toBe(0);
      expect(sampleValue(samples, "process_resident_memory_bytes")).toBeGreaterThan(0);
      expect(worker.output()).toContain("worker metrics listening");
    } finally {
      worker.child.kill("SIGTERM");
      expect(await worker.exited).toBe(0);
    }
  });
});
