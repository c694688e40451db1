import { Redis } from "ioredis";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectLinkClient } from "../helpers/connect-link-client.ts";
import { dumpRedis } from "../helpers/redis-dump.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { spawnWorker, type WorkerProcess } from "../helpers/worker-process.ts";
import { logInThroughFramedView, openViewerBrowser } from "../live-view/viewer-driver.ts";

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
    return res.body as { id: string; url: string; expiresAt: string };
  };
  const tokenOf = (url: string) => new URL(url).pathname.split("/")[2]!;
  /** The person's browser for each link: it opened the link first, and so holds its cookie. */
  const browsers = new Map<string, ReturnType<typeof connectLinkClient>>();
  const linkApi = async (url: string, method: string, path: string, body?: unknown) => {
    let browserOf = browsers.get(url);
    if (!browserOf) {
      browserOf = connectLinkClient(url);
      browsers.set(url, browserOf);
      await browserOf.open();
    }
    return browserOf.call(method, path, body);
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
    await logInThroughFramedView(browser, page, frame.locator("#screen"), stack.site.loginUrl);
  }

  it("connects the demo provider end to end, then disconnects it; another subject's link sees and deletes nothing of it", async () => {
    const link = await mint("person-a", {
      providers: ["demo"],
      returnUrl: "https://app.example.com/settings",
      message: "Connect Demo to Acme Notes",
    });
    expect(link.url).toMatch(new RegExp(`^${stack.baseUrl}/connect/cl_[0-9a-f]{32}\\.[0-9a-z]+\\.[A-Za-z0-9_-]{24}$`));
    // Ten minutes to open it (CONNECT_LINK_TTL_SECONDS); the answer names it, to revoke it or mint its check.
    expect(Date.parse(link.expiresAt) - Date.now()).toBeGreaterThan(9 * 60_000);
    expect(Date.parse(link.expiresAt) - Date.now()).toBeLessThanOrEqual(10 * 60_000);
    expect(link.id).toBe(tokenOf(link.url).split(".")[0]);
    const page = await openPage(link.url);
    await waitFor(() => page.getByRole("button", { name: "Connect Demo" }).isVisible(), { what: "the Connect button" });
    expect(await page.locator("#message").textContent()).toBe("Connect Demo to Acme Notes");
    expect(await page.getByRole("link", { name: "Back to the app" }).getAttribute("href")).toBe(
      "https://app.example.com/settings",
    );
    // The list of connections loads after the providers: it says there are none.
    await waitFor(() => page.locator("#no-connections").isVisible(), { what: "the empty list of connections" });

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
    // The view, once loaded in its frame, leaves the focus where the connect page put it.
    await waitFor(() => page.frameLocator("#live-view").locator("canvas").first().isVisible(), {
      timeoutMs: 20_000,
      what: "the view loaded in its frame",
    });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("login-heading");
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

  it("works in the browser that opened it first: forwarded to another browser, the link shows a clear page and its endpoints answer 403", async () => {
    const link = await mint("person-fwd");
    const first = await openPage(link.url);
    await waitFor(() => first.getByRole("button", { name: "Connect Demo" }).isVisible(), { what: "the page" });
    // The binding cookie: the secret is out of the page's reach, goes back to this link's paths only, and
    // not along with cross-site POSTs.
    const [cookie] = await first.context().cookies();
    expect(cookie).toMatchObject({
      name: "blc_connect",
      path: `/connect/${tokenOf(link.url)}`,
      httpOnly: true,
      sameSite: "Lax",
      secure: false, // the service is on http here; on https it is Secure and named __Secure-blc_connect
    });
    expect(cookie!.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await dumpRedis(stack.redis.url)).not.toContain(cookie!.value);

    // The person forwards the link (or someone sent it to them): another browser opens it.
    const context = await browser.newContext();
    const second = await context.newPage();
    const refused = await second.goto(link.url);
    expect(refused?.status()).toBe(403);
    expect(await second.getByRole("heading", { level: 1 }).textContent()).toBe(
      "This link was already opened in another browser",
    );
    expect(await second.getByRole("alert").textContent()).toContain("Ask the app for a new one.");
    for (const [method, path] of [
      ["POST", "/open"],
      ["GET", "/link"],
      ["GET", "/connections"],
      ["POST", "/browser-login"],
    ] as const) {
      const res = await context.request.fetch(`${link.url}${path}`, {
        method,
        ...(method === "POST" ? { data: path === "/open" ? {} : { providerId: "demo" } } : {}),
      });
      expect(res.status(), path).toBe(403);
      expect((await res.json()).error.code, path).toBe("connect_link_opened_elsewhere");
    }
    await context.close();

    // The first browser keeps it, reloads included.
    await first.reload();
    await waitFor(() => first.getByRole("button", { name: "Connect Demo" }).isVisible(), { what: "the page again" });
    await first.context().close();
  }, 60_000);

  it("gives a link opened by two browsers at the same moment to exactly one of them", async () => {
    const link = await mint("person-race");
    const contexts = await Promise.all([browser.newContext(), browser.newContext()]);
    const pages = await Promise.all(contexts.map((c) => c.newPage()));
    await Promise.all(pages.map((p) => p.goto(link.url)));
    const outcome = (p: Page) =>
      waitFor(
        async () => {
          if (await p.getByRole("button", { name: "Connect Demo" }).isVisible()) return "kept";
          const text = (await p.locator("body").textContent()) ?? "";
          return text.includes("already opened in another browser") ? "refused" : undefined;
        },
        { timeoutMs: 20_000, what: "the page to say whose link it is" },
      );
    expect((await Promise.all(pages.map(outcome))).sort()).toEqual(["kept", "refused"]);
    await Promise.all(contexts.map((c) => c.close()));
  }, 60_000);

  it("revoked by the app: its login is cancelled, the live view it framed is cut off, and the page and its endpoints answer 410", async () => {
    const link = await mint("person-rev");
    const page = await openPage(link.url);
    await waitFor(() => page.getByRole("button", { name: "Connect Demo" }).isVisible(), { what: "the page" });
    const listed = (await stack.api("GET", "/connect/links", { subject: "person-rev" })).body.links;
    expect(listed).toEqual([
      expect.objectContaining({ id: link.id, providers: ["demo"], openedAt: expect.any(String) }),
    ]);
    const startedAnswer = page.waitForResponse((r) => r.url().endsWith("/browser-login") && r.status() === 202);
    await page.getByRole("button", { name: "Connect Demo" }).click();
    const { sessionId, liveViewUrl } = await (await startedAnswer).json();
    await waitFor(() => page.locator("#live-view").isVisible(), { timeoutMs: 20_000, what: "the live view in place" });
    // The same viewer in a tab of its own, as a viewer the page no longer controls.
    const viewer = await page.context().newPage();
    await viewer.goto(liveViewUrl);
    await waitFor(async () => ((await viewer.locator("#address").textContent()) ?? "").includes("/login"), {
      timeoutMs: 20_000,
      what: "the login page in the viewer",
    });

    const revoked = await stack.api("DELETE", `/connect/links/${link.id}`, { subject: "person-rev" });
    expect(revoked.status).toBe(204);
    await waitFor(
      async () =>
        (await stack.api("GET", `/browser-login/${sessionId}`, { subject: "person-rev" })).body.status === "cancelled",
      { what: "the login to be cancelled" },
    );
    await waitFor(
      async () => ((await viewer.locator("#status").textContent()) ?? "").includes("cancelled by the app"),
      { what: "the viewer to be cut off" },
    );
    await waitFor(async () => (await statusText(page)).includes("withdrew this connect link"), {
      what: "the page to say the link was withdrawn",
    });
    expect(await page.locator("#live-view").isVisible()).toBe(false);
    expect(await page.getByRole("button", { name: "Connect Demo" }).isDisabled()).toBe(true);

    const again = await page.reload();
    expect(again?.status()).toBe(410);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("This link was withdrawn");
    for (const [method, path] of [
      ["POST", "/open"],
      ["GET", "/connections"],
      ["POST", "/browser-login"],
      ["GET", `/browser-login/${sessionId}`],
    ] as const) {
      const res = await page.context().request.fetch(`${link.url}${path}`, {
        method,
        ...(method === "POST" ? { data: path === "/open" ? {} : { providerId: "demo" } } : {}),
      });
      expect(res.status(), path).toBe(410);
      expect((await res.json()).error.code, path).toBe("connect_link_revoked");
    }
    expect((await stack.api("GET", "/connect/links", { subject: "person-rev" })).body.links).toEqual([]);
    // Again: harmless. Another subject: no such link.
    expect((await stack.api("DELETE", `/connect/links/${link.id}`, { subject: "person-rev" })).status).toBe(204);
    const foreign = await stack.api("DELETE", `/connect/links/${link.id}`, { subject: "person-b" });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe("connect_link_not_found");
    await page.context().close();
  }, 120_000);

  it("sends the person to the app's successUrl after a real login, and to its errorUrl when they cancel", async () => {
    const successUrl = `${stack.site.appOrigin}/back-in-the-app?from=connect`;
    const errorUrl = `${stack.site.appOrigin}/not-connected`;
    const link = await mint("person-back", { providers: ["demo"], successUrl, errorUrl });
    const page = await openPage(link.url);
    await page.getByRole("button", { name: "Connect Demo", exact: true }).click();
    await logInThroughFrame(page);
    await page.waitForURL((url) => url.pathname === "/back-in-the-app", { timeout: 30_000 });
    const landed = new URL(page.url());
    expect(landed.origin).toBe(stack.site.appOrigin);
    expect(Object.fromEntries(landed.searchParams)).toEqual({
      from: "connect",
      status: "connected",
      providerId: "demo",
    });
    expect((await stack.api("GET", "/credentials", { subject: "person-back" })).body.credentials).toHaveLength(1);
    await page.context().close();

    const another = await mint("person-back", { providers: ["demo"], successUrl, errorUrl });
    const cancelling = await openPage(another.url);
    await cancelling.getByRole("button", { name: "Connect Demo", exact: true }).click();
    await waitFor(() => cancelling.locator("#live-view").isVisible(), { timeoutMs: 20_000, what: "the live view" });
    await cancelling.getByRole("button", { name: "Cancel" }).click();
    await cancelling.waitForURL((url) => url.pathname === "/not-connected", { timeout: 20_000 });
    expect(Object.fromEntries(new URL(cancelling.url()).searchParams)).toEqual({
      status: "cancelled",
      providerId: "demo",
    });
    await cancelling.context().close();
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
    expect((await linkApi(one.url, "POST", "/browser-login", { providerId: "demo-spa" })).status).toBe(404);

    const page = await fetch(one.url);
    const csp = page.headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    expect(page.headers.get("cache-control")).toBe("no-store");
  }, 30_000);
});
