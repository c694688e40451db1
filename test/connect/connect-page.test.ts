import { Redis } from "ioredis";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_USER } from "../../src/demo/demo-site.ts";
import { dumpRedis } from "../helpers/redis-dump.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { spawnWorker, type WorkerProcess } from "../helpers/worker-process.ts";
import { openViewerBrowser } from "../live-view/viewer-driver.ts";

describe("connect page: API and worker in separate processes, a person in a second Chromium", () => {
  let stack: TestStack;
  let worker: WorkerProcess;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startTestStack({ withWorker: false, scriptedUser: false });
    worker = await spawnWorker(stack);
    browser = await openViewerBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    worker?.child.kill("SIGTERM");
    await worker?.exited;
    await stack?.close();
  });

  const mint = async (subject: string, body: Record<string, unknown> = { providers: ["demo"] }, org?: string) => {
    const res = await stack.api("POST", "/connect/links", { subject, org, body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { url: string; expiresAt: string };
  };
  const tokenOf = (url: string) => new URL(url).pathname.split("/")[2]!;
  const linkApi = async (url: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      ...(body ? { headers: { "content-type": "application/json" }, body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: res.status === 204 ? undefined : await res.json() };
  };

  async function openPage(url: string, viewport = { width: 1000, height: 900 }): Promise<Page> {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await page.goto(url);
    return page;
  }
  const statusText = async (page: Page) => (await page.locator("#status").textContent()) ?? "";

  /** Logs in on the demo site through the live view framed in the page, clicking where the form lies at the frame's size. */
  async function logInThroughFrame(page: Page) {
    const frame = page.frameLocator("#live-view");
    // The live view shows the remote page once its status overlay is gone.
    await waitFor(
      async () =>
        (await frame.locator("#status").isHidden()) &&
        ((await frame.locator("#address").textContent()) ?? "").includes("/login"),
      {
        timeoutMs: 20_000,
        what: "the login page in the framed live view",
      },
    );
    const canvas = (await frame.locator("#screen").boundingBox())!;
    const reference = await browser.newContext({
      viewport: { width: Math.round(canvas.width), height: Math.round(canvas.height) },
    });
    const box = await reference
      .newPage()
      .then(async (p) => {
        await p.goto(stack.site.loginUrl);
        return p.locator("#username").boundingBox();
      })
      .finally(() => reference.close());
    await page.mouse.click(canvas.x + box!.x + box!.width / 2, canvas.y + box!.y + box!.height / 2);
    await page.keyboard.type(DEMO_USER.username);
    await page.keyboard.press("Tab");
    await page.keyboard.type(DEMO_USER.password);
    await page.keyboard.press("Enter");
  }

  it("connects the demo provider end to end, then disconnects it; another subject's link sees and deletes nothing of it", async () => {
    const link = await mint("person-a", {
      providers: ["demo"],
      returnUrl: "https://app.example.com/settings",
      message: "Connect Demo to Acme Notes",
    });
    expect(link.url).toMatch(new RegExp(`^${stack.baseUrl}/connect/cl_[0-9a-f]{32}\\.[0-9a-z]+\\.[A-Za-z0-9_-]{24}$`));
    expect(Date.parse(link.expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);
    const page = await openPage(link.url);
    await waitFor(() => page.getByRole("button", { name: "Connect Demo" }).isVisible(), { what: "the Connect button" });
    expect(await page.locator("#message").textContent()).toBe("Connect Demo to Acme Notes");
    expect(await page.getByRole("link", { name: "Back to the app" }).getAttribute("href")).toBe(
      "https://app.example.com/settings",
    );
    expect(await page.locator("#no-connections").isVisible()).toBe(true);

    await page.getByRole("button", { name: "Connect Demo" }).click();
    await waitFor(() => page.locator("#live-view").isVisible(), { timeoutMs: 20_000, what: "the live view in place" });
    expect(await page.getByRole("heading", { name: "Log in to Demo" }).isVisible()).toBe(true);
    await logInThroughFrame(page);
    await waitFor(async () => (await statusText(page)) === "Connected: Demo.", {
      timeoutMs: 30_000,
      what: "Connected",
    });
    expect(await page.locator("#live-view").isVisible()).toBe(false);

    // The credential is in the page's list and in the API, for the link's subject.
    const row = page.locator("#connections li");
    await waitFor(async () => (await row.count()) === 1, { what: "the connection in the list" });
    expect(await row.textContent()).toMatch(/^DemoConnected .* · WorkingDisconnect$/);
    const credentials = (await stack.api("GET", "/credentials", { subject: "person-a" })).body.credentials;
    expect(credentials).toHaveLength(1);
    expect(credentials[0].providerId).toBe("demo");
    const credentialId = credentials[0].id as string;

    // Another subject's link (a different user, or the same user id in an org) neither sees nor deletes it.
    for (const other of [await mint("person-b"), await mint("person-a", { providers: ["demo"] }, "acme")]) {
      expect((await linkApi(other.url, "GET", "/connections")).body).toEqual({ connections: [] });
      expect((await linkApi(other.url, "DELETE", `/connections/${credentialId}`)).status).toBe(404);
    }
    // Nor follows its session: the login sessions of person-a are not person-b's.
    const sessionId = (await stack.api("GET", `/credentials/${credentialId}`, { subject: "person-a" })).body.sessionId;
    const foreign = await linkApi((await mint("person-b")).url, "GET", `/browser-login/${sessionId}`);
    expect(foreign).toEqual({
      status: 404,
      body: { error: { code: "session_not_found", message: expect.any(String) } },
    });
    expect((await stack.api("GET", "/credentials", { subject: "person-a" })).body.credentials).toHaveLength(1);

    await page.getByRole("button", { name: /^Disconnect Demo/ }).click();
    await waitFor(async () => (await statusText(page)) === "Disconnected: Demo.", { what: "Disconnected" });
    expect(await row.count()).toBe(0);
    expect(await page.locator("#no-connections").isVisible()).toBe(true);
    expect((await stack.api("GET", "/credentials", { subject: "person-a" })).body.credentials).toEqual([]);

    // The token is a capability: in no log line, and nowhere in Redis.
    const token = tokenOf(link.url);
    const mac = token.split(".")[2]!;
    expect(stack.log.text()).not.toContain(mac);
    expect(stack.log.text()).toContain("/connect/<token>");
    expect(worker.output()).not.toContain(mac);
    expect(await dumpRedis(stack.redis.url)).not.toContain(mac);
    await page.context().close();
  }, 120_000);

  it("works at a phone's size, with the keyboard alone to start", async () => {
    const link = await mint("person-phone");
    const page = await openPage(link.url, { width: 390, height: 844 });
    const connectButton = page.getByRole("button", { name: "Connect Demo" });
    await waitFor(() => connectButton.isVisible(), { what: "the Connect button" });
    const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    expect(await fits()).toBe(true);
    const buttonBox = (await connectButton.boundingBox())!;
    expect(buttonBox.x + buttonBox.width).toBeLessThanOrEqual(390);
    expect(buttonBox.height).toBeGreaterThanOrEqual(44);

    // Tab reaches Connect (the first control), Enter presses it.
    await page.keyboard.press("Tab");
    expect(await connectButton.evaluate((b) => b === document.activeElement)).toBe(true);
    await page.keyboard.press("Enter");
    await waitFor(() => page.locator("#live-view").isVisible(), { timeoutMs: 20_000, what: "the live view in place" });
    // Focus moves to the login section's heading, so a screen reader says where the person is.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("login-heading");
    const frameBox = (await page.locator("#live-view").boundingBox())!;
    expect(frameBox.x).toBeGreaterThanOrEqual(0);
    expect(frameBox.x + frameBox.width).toBeLessThanOrEqual(390);
    expect(await fits()).toBe(true);
    await logInThroughFrame(page);
    await waitFor(async () => (await statusText(page)) === "Connected: Demo.", {
      timeoutMs: 30_000,
      what: "Connected",
    });
    expect((await stack.api("GET", "/credentials", { subject: "person-phone" })).body.credentials).toHaveLength(1);
    await page.context().close();
  }, 120_000);

  it("cancels a login from the page; captures a provider that waits for the person's 'I'm done'", async () => {
    const link = await mint("person-f", { providers: ["demo", "demo-on-complete"] });
    const page = await openPage(link.url);
    const connectDemo = page.getByRole("button", { name: "Connect Demo", exact: true });
    await waitFor(() => connectDemo.isVisible(), { what: "the Connect button" });
    await connectDemo.click();
    await waitFor(() => page.locator("#live-view").isVisible(), { timeoutMs: 20_000, what: "the live view in place" });
    await page.getByRole("button", { name: "Cancel" }).click();
    await waitFor(async () => /^Demo was not connected: Cancelled/.test(await statusText(page)), {
      timeoutMs: 15_000,
      what: "the cancellation",
    });
    expect(await page.locator("#live-view").isVisible()).toBe(false);
    expect(await connectDemo.isEnabled()).toBe(true);

    await page.getByRole("button", { name: "Connect Demo, capture on complete" }).click();
    await logInThroughFrame(page);
    const doneButton = page.getByRole("button", { name: "I'm done" });
    await waitFor(() => doneButton.isVisible(), { timeoutMs: 30_000, what: "the I'm done button" });
    // Nothing is captured until the person says so.
    expect((await stack.api("GET", "/credentials", { subject: "person-f" })).body.credentials).toEqual([]);
    await doneButton.click();
    await waitFor(async () => (await statusText(page)) === "Connected: Demo, capture on complete.", {
      timeoutMs: 30_000,
      what: "Connected",
    });
    const credentials = (await stack.api("GET", "/credentials", { subject: "person-f" })).body.credentials;
    expect(credentials.map((c: { providerId: string }) => c.providerId)).toEqual(["demo-on-complete"]);
    await page.context().close();
  }, 120_000);

  it("answers an expired or tampered link with a clear page and JSON 4xx", async () => {
    const short = await mint("person-c", { ttlSeconds: 1 });
    const expired = await waitFor(
      async () => {
        const res = await fetch(short.url);
        return res.status === 410 ? res : undefined;
      },
      { what: "the link to expire" },
    );
    expect(await expired.text()).toContain("This link has expired");
    expect(await linkApi(short.url, "GET", "/connections")).toEqual({
      status: 410,
      body: { error: { code: "connect_link_expired", message: expect.any(String) } },
    });
    expect((await linkApi(short.url, "POST", "/browser-login", { providerId: "demo" })).status).toBe(410);

    const good = await mint("person-c");
    const token = tokenOf(good.url);
    const [id, expiry, mac] = token.split(".") as [string, string, string];
    const flipped = `${mac.slice(0, -1)}${mac.endsWith("A") ? "B" : "A"}`;
    const later = (parseInt(expiry, 36) + 3_600_000).toString(36);
    const forgeries = [
      `${id}.${expiry}.${flipped}`,
      `${id}.${later}.${mac}`,
      `cl_${"0".repeat(32)}.${expiry}.${mac}`,
      "not-a-token",
    ];
    for (const forged of forgeries) {
      const url = `${stack.baseUrl}/connect/${forged}`;
      const res = await fetch(url);
      expect(res.status, forged).toBe(404);
      expect(await res.text()).toContain("This link is not valid");
      expect(await linkApi(url, "GET", "/connections"), forged).toEqual({
        status: 404,
        body: { error: { code: "connect_link_invalid", message: expect.any(String) } },
      });
      expect(
        (await linkApi(url, "DELETE", `/connections/cred_${"0".repeat(8)}-0000-0000-0000-${"0".repeat(12)}`)).status,
      ).toBe(404);
    }

    // A record rewritten in Redis to name another subject no longer verifies: the MAC binds the subject.
    const redis = new Redis(stack.redis.url);
    try {
      const key = (await redis.keys(`*connect-link:${id}`))[0]!;
      const record = JSON.parse((await redis.get(key))!);
      await redis.set(key, JSON.stringify({ ...record, subject: { userId: "person-d" } }), "KEEPTTL");
      expect((await linkApi(good.url, "GET", "/connections")).status).toBe(404);
    } finally {
      redis.disconnect();
    }

    // The person sees the page's words, not a stack trace.
    const page = await openPage(`${stack.baseUrl}/connect/${forgeries[0]}`);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("This link is not valid");
    await page.context().close();
  }, 60_000);

  it("mints links only for an API key holder, with valid options; pages are locked down", async () => {
    expect((await fetch(`${stack.baseUrl}/connect/links`, { method: "POST" })).status).toBe(401);
    const bad = async (body: unknown) =>
      (await stack.api("POST", "/connect/links", { subject: "person-e", body })).body.error?.code;
    expect(await bad({ providers: ["nope"] })).toBe("provider_not_found");
    expect(await bad({ returnUrl: "javascript:alert(1)" })).toBe("invalid_request");
    expect(await bad({ ttlSeconds: 86_400 })).toBe("invalid_request");
    expect(await bad({ extra: true })).toBe("invalid_request");
    // Without a body: all providers, the default lifetime.
    const all = await stack.api("POST", "/connect/links", { subject: "person-e" });
    expect(all.status).toBe(201);
    const offered = (await linkApi(all.body.url, "GET", "/link")).body.providers;
    expect(offered.map((p: { id: string }) => p.id)).toContain("demo-spa");
    expect(offered.every((p: { kind: string }) => p.kind === "browser_login")).toBe(true);
    // A link that names providers offers only those, and starts no other.
    const one = await mint("person-e");
    expect((await linkApi(one.url, "GET", "/link")).body.providers).toEqual([
      { id: "demo", name: "Demo", kind: "browser_login" },
    ]);
    const other = await fetch(`${one.url}/browser-login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ providerId: "demo-spa" }),
    });
    expect(other.status).toBe(404);

    const page = await fetch(one.url);
    const csp = page.headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    expect(page.headers.get("cache-control")).toBe("no-store");
  }, 30_000);
});
