import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServiceClient } from "@browser-login-capture/client";
import { restoreSession } from "@browser-login-capture/client/playwright";
import { chromium } from "playwright-core";
import { launchPersistentChromium } from "../../src/browser/local-playwright/chromium-launch.ts";
import { timed } from "../lib/api-client.ts";
import { browserTreePss } from "../lib/procs.ts";
import { pollUntil, SETTLE_MS, startSession } from "../lib/sessions.ts";
import type { BenchStack } from "../lib/stack.ts";
import { sleep, summarize } from "../lib/stats.ts";

/**
 * Figure 12: kept-alive browsers and check-ins (issue 20).
 * - DevTools: an app's `chromium.connectOverCDP(endpointUrl)` through the API (relay → signed hop →
 *   worker → guard → the session's own browser) until it reads the logged-in page's URL, against a
 *   bare `connectOverCDP` to a local Chromium's own DevTools port holding the same page.
 * - Memory: PSS of the worker's Chromium trees with `sessions` kept-alive browsers (each a process of
 *   its own), against the same number of sessions waiting at the login page in the shared browser.
 * - Check-in: `session.checkIn()` that stores a new version (read the browser's state, POST, decrypt,
 *   merge, seal, store, event) from a restored context, and a POST that changes nothing (decrypt, merge,
 *   compare), against `GET /credentials/:id/storage-state` (a decrypt).
 */
export async function measureKeepAlive(stack: BenchStack, reps: number, warmup: number, sessions = 3) {
  const dashboard = `${stack.site.appOrigin}/dashboard`;
  const worker = () => browserTreePss(stack.workerPid, stack.chromiumPath).mb;

  // Memory: n sessions waiting at the login page, then none, then n kept alive.
  await sleep(SETTLE_MS * 2);
  const idle = worker();
  const waiting: string[] = [];
  for (let i = 0; i < sessions; i++)
    waiting.push((await startSession(stack, "bench-demo", stack.site.loginUrl, 10_000)).view.sessionId);
  await sleep(SETTLE_MS * 2);
  const waitingMb = (worker() - idle) / sessions;
  for (const id of waiting) await stack.api.POST("/browser-login/{id}/cancel", { params: { path: { id } } });
  await sleep(SETTLE_MS * 2);
  const idleAgain = worker();
  const kept: { sessionId: string; credentialId: string }[] = [];
  for (let i = 0; i < sessions; i++) {
    const { view } = await startSession(stack, "bench-keep-alive", `${stack.site.appOrigin}/auto-login`, 0);
    const { view: alive } = await pollUntil(stack, view.sessionId, (v) => v.status === "kept_alive");
    kept.push({ sessionId: alive.sessionId, credentialId: alive.credentialId! });
  }
  await sleep(SETTLE_MS * 2);
  const keptMb = (worker() - idleAgain) / sessions;

  // DevTools: through the API, and bare.
  const { sessionId, credentialId } = kept[0]!;
  const link = await stack.api.POST("/browser-login/{id}/devtools", { params: { path: { id: sessionId } } });
  if (!link.data) throw new Error(`devtools answered ${link.response.status}: ${JSON.stringify(link.error)}`);
  const reach = async (endpoint: string, url: string) => {
    const started = performance.now();
    const browser = await chromium.connectOverCDP(endpoint);
    const page = browser
      .contexts()[0]!
      .pages()
      .find((p) => p.url().startsWith(url));
    if (!page)
      throw new Error(
        `no ${url} among ${browser
          .contexts()[0]!
          .pages()
          .map((p) => p.url())}`,
      );
    await page.evaluate(() => location.href);
    const ms = performance.now() - started;
    await browser.close();
    return ms;
  };
  // The bare browser holds a page of the same site that needs no login (the dashboard sends visitors away).
  const echo = `${stack.site.appOrigin}/echo`;
  const bare = await bareBrowserOn(stack, echo);
  const viaApi: number[] = [];
  const direct: number[] = [];
  try {
    for (let i = -warmup; i < reps; i++) {
      const a = await reach(link.data.endpointUrl, dashboard);
      await sleep(SETTLE_MS / 4);
      const b = await reach(bare.endpoint, echo);
      await sleep(SETTLE_MS / 4);
      if (i < 0) continue;
      viaApi.push(a);
      direct.push(b);
    }
  } finally {
    await bare.close();
  }

  // Check-in: a context restored from the credential, checked in again and again.
  const client = createServiceClient({
    baseUrl: stack.api.baseUrl,
    apiKey: stack.apiKey,
    subject: { userId: "bench-user" },
  });
  const restored = await restoreSession(stack.bare, { client, credentialId });
  const page = await restored.context.newPage();
  await page.goto(dashboard);
  const checkIn: number[] = [];
  const post: number[] = [];
  const stateRead: number[] = [];
  const decrypt: number[] = [];
  for (let i = -warmup; i < reps; i++) {
    // The dashboard writes new storage on each load: each check-in then stores a new version.
    await page.reload();
    const started = performance.now();
    const done = await restored.checkIn();
    const total = performance.now() - started;
    if (done.outcome !== "renewed") throw new Error(`check-in ${i} stored nothing`);
    const readAt = performance.now();
    const state = await restored.state();
    const readMs = performance.now() - readAt;
    const posted = await timed(() =>
      stack.api.POST("/credentials/{id}/check-in", {
        params: { path: { id: credentialId } },
        body: { version: restored.version!, storageState: state },
      }),
    );
    if (!posted.data) throw new Error(`check-in answered ${posted.response.status}: ${JSON.stringify(posted.error)}`);
    const read = await timed(() =>
      stack.api.GET("/credentials/{id}/storage-state", { params: { path: { id: credentialId } } }),
    );
    if (i < 0) continue;
    checkIn.push(total);
    stateRead.push(readMs);
    post.push(posted.ms);
    decrypt.push(read.ms);
  }
  await restored.close();
  for (const { sessionId: id } of kept)
    await stack.api.POST("/browser-login/{id}/complete", { params: { path: { id }, query: { wait: 10_000 } } });

  return {
    sessions,
    devTools: { viaApi: summarize(viaApi), direct: summarize(direct) },
    memory: {
      keptAliveMb: Math.round(keptMb * 10) / 10,
      waitingMb: Math.round(waitingMb * 10) / 10,
      ratio: Math.round((keptMb / waitingMb) * 100) / 100,
    },
    checkIn: {
      total: summarize(checkIn),
      stateRead: summarize(stateRead),
      post: summarize(post),
      decrypt: summarize(decrypt),
    },
    samples: { viaApi, direct, checkIn, stateRead, post, decrypt },
  };
}

/** A local Chromium with its own DevTools port (as the worker launches a kept-alive browser), holding `url`. */
async function bareBrowserOn(stack: BenchStack, url: string): Promise<{ endpoint: string; close(): Promise<void> }> {
  // The prefix the Chromium user of a root run is handed (chromium-as-user.sh).
  const dir = mkdtempSync(join(tmpdir(), "blc-browser-"));
  const { context } = await launchPersistentChromium(chromium, dir, {
    executablePath: stack.chromiumPath,
    window: "headless",
    args: ["--remote-debugging-port=0"],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(url);
  let endpoint = "";
  for (let i = 0; i < 500 && !endpoint; i++) {
    const [port, path] = (() => {
      try {
        return readFileSync(join(dir, "DevToolsActivePort"), "utf8").split("\n");
      } catch {
        return [];
      }
    })();
    if (port && path) endpoint = `ws://127.0.0.1:${port.trim()}${path.trim()}`;
    else await sleep(20);
  }
  return {
    endpoint,
    async close() {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
