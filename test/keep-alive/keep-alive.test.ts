import { createServiceClient } from "@browser-login-capture/client";
import { restoreSession } from "@browser-login-capture/client/playwright";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { launchChromium } from "../../src/browser/local-playwright/chromium-launch.ts";
import { type LastPageSite, startLastPageSite } from "../fixtures/last-page-site.ts";
import { parsePrometheusText, sampleValue } from "../helpers/prometheus-text.ts";
import { dumpRedis } from "../helpers/redis-dump.ts";
import { waitForStatus } from "../helpers/sessions.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { logInThroughViewer, startViewers, type Viewers, waitForPicture } from "../live-view/viewer-driver.ts";

/**
 * Kept-alive browsers (issue 20 §3): a site that ends its sessions when their last page closes stays
 * usable through ten verify/use/check-in cycles while the worker keeps the logged-in browser open, and
 * an app drives that very browser with Playwright's connectOverCDP through the API, while the person
 * watches and takes over in the live view. Real Chromium everywhere; the person uses only the viewer page.
 */
describe("kept-alive browsers: sessions that need a live page, driven over DevTools through the API", () => {
  let site: LastPageSite;
  let stack: TestStack;
  let viewers: Viewers;
  let appBrowser: Browser;

  beforeAll(async () => {
    site = await startLastPageSite();
    const verify = {
      url: `${site.origin}/app`,
      loggedIn: { url: { pathname: "/app" } },
      loggedOut: { url: { pathname: "/login" } },
      settleMs: 300,
    };
    const consoleSite = { loginUrl: site.loginUrl, success: { url: { pathname: "/app" } }, verify };
    stack = await startTestStack({
      env: { METRICS_PORT: "0" },
      extraProviders: [
        { id: "console", name: "Console", ...consoleSite, keepAlive: { maxTime: "10m" } },
        { id: "console-brief", name: "Console, kept alive briefly", ...consoleSite, keepAlive: { maxTime: "5s" } },
        // The same site captured and closed, as without keepAlive: its session ends with the browser.
        { id: "console-restore", name: "Console, restore only", ...consoleSite },
      ],
    });
    viewers = await startViewers();
    appBrowser = (await launchChromium(chromium, { window: "headless" })).browser;
  });
  afterAll(async () => {
    await appBrowser?.close();
    await viewers?.close();
    await stack?.close();
    await site?.close();
  });

  const client = () =>
    createServiceClient({ baseUrl: stack.baseUrl, apiKey: stack.apiKey, subject: { userId: "user-1" } });
  const credential = async (id: string) => (await stack.api("GET", `/credentials/${id}`)).body;
  const workerMetric = async (name: string, labels: Record<string, string> = {}) => {
    const text = await (
      await fetch(`http://127.0.0.1:${stack.workerMetricsPort}/metrics`, {
        headers: { authorization: `Bearer ${stack.apiKey}` },
      })
    ).text();
    return sampleValue(parsePrometheusText(text), name, labels);
  };

  /** The person logs in through the session's live view. */
  async function logIn(providerId: string, status = "kept_alive") {
    const started = await stack.api("POST", "/browser-login/start?wait=10000", { body: { providerId } });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const viewer = await viewers.open(started.body.liveViewUrl);
    await waitForPicture(viewer);
    await logInThroughViewer(viewer, site.loginUrl);
    const session = await waitForStatus(stack, started.body.sessionId, status, { timeoutMs: 30_000 });
    return { session, viewer };
  }

  /** An app's use of the stored state in its own browser, checked back in when it worked. */
  async function use(id: string) {
    const restored = await restoreSession(appBrowser, { client: client(), credentialId: id });
    const page = await restored.context.newPage();
    await page.goto(`${site.origin}/app`);
    // A session the site ended is sent to its login page (a redirect, before goto returns).
    const welcome =
      new URL(page.url()).pathname === "/login"
        ? null
        : await page
            .locator("#welcome")
            .textContent({ timeout: 10_000 })
            .catch(() => null);
    await restored.close({ checkIn: welcome !== null });
    return welcome;
  }

  it("without keepAlive the site ends the session once capture closes its browser: restoring it later fails", async () => {
    const { session } = await logIn("console-restore", "completed");
    const id = session.credentialId!;
    await waitFor(() => site.ended() > 0, { what: "the site to end the session nobody holds", timeoutMs: 15_000 });
    const check = await stack.api("POST", `/credentials/${id}/verify?wait=60000`);
    expect(check.body).toMatchObject({ status: "expired" });
    expect(await use(id)).toBeNull();
  });

  let sessionId: string;
  let credentialId: string;

  it("keepAlive: the logged-in browser stays open after capture, counted and shown; ten verify/use/check-in cycles all work", async () => {
    const { session, viewer } = await logIn("console");
    sessionId = session.sessionId;
    credentialId = session.credentialId!;
    expect(session.keepAlive).toMatchObject({ devTools: true, until: expect.any(String) });
    expect(Date.parse(session.expiresAt)).toBeGreaterThan(Date.now() + 5 * 60_000);
    expect(await credential(credentialId)).toMatchObject({ usage: "live", status: "active" });
    const providers = (await stack.api("GET", "/providers")).body.providers;
    expect(providers.find((p: { id: string }) => p.id === "console")).toMatchObject({ usage: "live" });
    expect(await workerMetric("blc_worker_sessions", { status: "kept_alive" })).toBe(1);
    // The person still sees the page, logged in.
    const frames = viewer.frames();
    await waitFor(() => viewer.frames() > frames, { what: "frames of the kept-alive page" });

    for (let cycle = 0; cycle < 10; cycle++) {
      const check = await stack.api("POST", `/credentials/${credentialId}/verify?wait=60000`);
      expect(check.body, `cycle ${cycle}`).toMatchObject({ status: "active" });
      expect(await use(credentialId), `cycle ${cycle}`).toBe("Welcome, alice");
      expect(site.holders()).toBeGreaterThanOrEqual(1);
    }
    // Only the restore-only session of the test before ended.
    expect(site.ended()).toBe(1);
  });

  it("live hand-off: connectOverCDP through the API drives the logged-in page; the person watches and takes over; revoke cuts it", async () => {
    const link = await stack.api("POST", `/browser-login/${sessionId}/devtools`);
    expect(link.status, JSON.stringify(link.body)).toBe(201);
    expect(link.body.endpointUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/devtools/${sessionId}\\.d`));
    expect(link.headers.get("cache-control")).toBe("no-store");
    expect((await stack.api("POST", `/browser-login/${sessionId}/devtools`, { subject: "someone-else" })).status).toBe(
      404,
    );

    const driven = await chromium.connectOverCDP(link.body.endpointUrl);
    try {
      const context = driven.contexts()[0]!;
      const page = context.pages().find((p) => p.url().startsWith(`${site.origin}/app`))!;
      expect(page, "the page the person logged in on").toBeDefined();
      await expect(page.locator("#welcome").textContent()).resolves.toBe("Welcome, alice");
      await page.locator("#next").click();
      await page.waitForURL(`${site.origin}/app/next`);
      await expect(page.locator("#where").textContent()).resolves.toBe("/app/next");

      // The person watches, then takes over: a click in the view, seen by the app's page.
      const viewer = await viewers.open((await stack.api("GET", `/browser-login/${sessionId}`)).body.liveViewUrl);
      await waitForPicture(viewer);
      await page.goto(`${site.origin}/app`);
      await viewer.clickLike(`${site.origin}/layout`, "#next");
      await page.waitForURL(`${site.origin}/app/next`, { timeout: 15_000 });
      // Handed back: the app drives on.
      await page.goBack();
      await page.waitForURL(`${site.origin}/app`);
      await viewer.close();

      // What reaches the worker's machine is refused; the browser stays up.
      const cdp = await driven.newBrowserCDPSession();
      await expect(cdp.send("Browser.close" as never)).rejects.toThrow(/not allowed/);
      await expect(cdp.send("Browser.getVersion")).resolves.toMatchObject({ product: expect.stringMatching(/Chrom/) });
      await expect(page.goto("file:///etc/passwd")).rejects.toThrow();
      await expect(page.evaluate(() => location.href)).resolves.toMatch(/^http/);

      const audit = (await stack.api("GET", `/credentials/${credentialId}/audit`)).body.entries;
      expect(audit.map((e: { purpose: string }) => e.purpose)).toContain("live_devtools");
      await waitFor(async () => (await stack.api("GET", "/metrics")).body.includes("blc_devtools_connections 1"), {
        what: "the relayed connection in the API's metrics",
      });

      const disconnected = new Promise<void>((resolve) => driven.on("disconnected", () => resolve()));
      expect((await stack.api("POST", `/browser-login/${sessionId}/devtools/revoke`)).status).toBe(200);
      await disconnected;
    } finally {
      await driven.close().catch(() => {});
    }
    await expect(chromium.connectOverCDP(link.body.endpointUrl, { timeout: 10_000 })).rejects.toThrow(/401/);
    const fresh = await stack.api("POST", `/browser-login/${sessionId}/devtools`);
    const again = await chromium.connectOverCDP(fresh.body.endpointUrl);
    expect(
      again
        .contexts()[0]!
        .pages()
        .some((p) => p.url().startsWith(`${site.origin}/app`)),
    ).toBe(true);
    await again.close();
    expect(await use(credentialId)).toBe("Welcome, alice");
  });

  it("the DevTools endpoint holds against hostile input: bad links refused, garbage closes only its own socket", async () => {
    const link = (await stack.api("POST", `/browser-login/${sessionId}/devtools`)).body.endpointUrl as string;
    const base = link.slice(0, link.indexOf("/devtools/"));
    const refusal = (url: string) =>
      new Promise<number | "closed">((resolve) => {
        const ws = new WebSocket(url);
        ws.on("unexpected-response", (_req, res) => {
          resolve(res.statusCode ?? 0);
          res.resume();
        });
        ws.on("open", () => {
          resolve(0);
          ws.close();
        });
        ws.on("error", () => resolve("closed"));
      });
    const token = link.split("/devtools/")[1]!;
    for (const path of [
      "garbage",
      "%zz",
      `${sessionId}.dAAAAAAAAAAAAAAAAAAAAAAAA`,
      sessionId,
      "x".repeat(300),
      `${token}/more`,
    ]) {
      // 401 for a link that does not verify; 404 for a path that cannot be a link (over 200 characters).
      expect([401, 404, "closed"], path).toContain(await refusal(`${base}/devtools/${path}`));
    }
    const closedWith = (send: (ws: WebSocket) => void) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(link);
        ws.on("open", () => send(ws));
        ws.on("close", (code) => resolve(code));
        ws.on("error", () => {});
      });
    expect(await closedWith((ws) => ws.send("not json"))).toBe(1008);
    expect(await closedWith((ws) => ws.send(Buffer.from([0, 1, 2, 3])))).toBe(1003);
    expect(await closedWith((ws) => ws.send(JSON.stringify({ id: "1", method: "Browser.getVersion" })))).toBe(1008);
    expect(await closedWith((ws) => ws.send(JSON.stringify({ id: 1, method: "Browser.getVersion", params: [] })))).toBe(
      1008,
    );
    expect(await closedWith((ws) => ws.send("x".repeat(17 * 1024 * 1024)))).toBe(1009);
    // A flood of commands is answered, one answer each.
    const answers = await new Promise<number>((resolve) => {
      const ws = new WebSocket(link);
      let count = 0;
      ws.on("open", () => {
        for (let id = 1; id <= 500; id++)
          ws.send(JSON.stringify({ id, method: id % 2 ? "Browser.getVersion" : "Nope.nothing" }));
      });
      ws.on("message", () => {
        count += 1;
        if (count === 500) {
          ws.close();
          resolve(count);
        }
      });
    });
    expect(answers).toBe(500);
    expect((await stack.api("GET", `/browser-login/${sessionId}`)).body.status).toBe("kept_alive");
    expect((await fetch(`${stack.baseUrl}/healthz`)).status).toBe(200);
    expect(await use(credentialId)).toBe("Welcome, alice");
  });

  it("the app ends it: the browser closes (what it held is stored first), the session completes, and only then does the site end it", async () => {
    const ended = site.ended();
    const done = await stack.api("POST", `/browser-login/${sessionId}/complete?wait=10000`);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({
      status: "completed",
      keepAlive: { endReason: "ended_by_app", endedAt: expect.any(String) },
    });
    await waitFor(() => site.ended() > ended, {
      what: "the site to end the session nobody holds any more",
      timeoutMs: 15_000,
    });
    expect(await workerMetric("blc_worker_sessions", { status: "kept_alive" })).toBe(0);
    const link = await stack.api("POST", `/browser-login/${sessionId}/devtools`);
    expect(link.status).toBe(409);
    expect(link.body.error.code).toBe("not_kept_alive");
  });

  it("a logout by the site ends it (logged_out), and the maximum time ends it (max_time)", async () => {
    const { session } = await logIn("console");
    const link = (await stack.api("POST", `/browser-login/${session.sessionId}/devtools`)).body.endpointUrl;
    const driven = await chromium.connectOverCDP(link);
    const page = driven
      .contexts()[0]!
      .pages()
      .find((p) => p.url().startsWith(`${site.origin}/app`))!;
    await page.goto(`${site.origin}/logout`).catch(() => {});
    const loggedOut = await waitForStatus(stack, session.sessionId, "completed", { timeoutMs: 20_000 });
    expect(loggedOut.keepAlive).toMatchObject({ endReason: "logged_out" });
    await driven.close().catch(() => {});

    const brief = await logIn("console-brief");
    const timedOut = await waitForStatus(stack, brief.session.sessionId, "completed", { timeoutMs: 30_000 });
    expect(timedOut.keepAlive).toMatchObject({ endReason: "max_time" });
  });

  it("keeps every session id the site handed out out of Redis and the logs", async () => {
    const redis = await dumpRedis(stack.redis.url);
    const logs = stack.log.text();
    for (const value of site.issuedSecrets()) {
      expect(redis).not.toContain(value);
      expect(logs).not.toContain(value);
    }
  });
});
