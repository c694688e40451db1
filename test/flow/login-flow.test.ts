import { restoreSession } from "@browser-login-capture/client/playwright";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../src/browser/local-playwright/chromium-launch.ts";
import { dumpRedis } from "../helpers/redis-dump.ts";
import { startTagged, waitForStatus } from "../helpers/sessions.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";

/** `params` naming one path id, for the typed client's calls. */
const id = (value: string) => ({ params: { path: { id: value } } });

describe("login flow through the HTTP API (local Chromium, real Redis)", () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("captures a login end to end, and the restored state shows the site logged in", async () => {
    const { tag, sessionId, started } = await startTagged(stack, "demo");
    expect(started).toMatchObject({
      sessionId,
      status: "awaiting_login",
      liveViewUrl: expect.stringMatching(new RegExp(`^${stack.baseUrl}/live/${sessionId}\\.c`)),
      statusUrl: `/browser-login/${sessionId}`,
    });
    expect(Date.parse(started.expiresAt)).toBeGreaterThan(Date.now());

    const page = await stack.user.findPage((u) => u.includes(tag));
    await stack.user.logIn(page);
    const done = await waitForStatus(stack, sessionId, "completed");
    expect(done.credentialId).toMatch(/^cred_/);
    const order = Object.entries(done.timeline as Record<string, string>)
      .sort((a, b) => a[1].localeCompare(b[1]))
      .map(([status]) => status);
    expect(order).toEqual(["queued", "starting", "awaiting_login", "authenticated", "capturing", "completed"]);
    // The browser context is closed once the session is captured.
    await waitFor(
      () =>
        stack.user
          .findPage((u) => u.includes("/dashboard"), 0)
          .then(
            () => false,
            () => true,
          ),
      { what: "context closed" },
    );

    const api = stack.client();
    const complete = await api.POST("/browser-login/{id}/complete", id(sessionId));
    expect(complete.response.status).toBe(200);
    expect(complete.data?.credentialId).toBe(done.credentialId);
    expect((await api.POST("/browser-login/{id}/complete", id(sessionId))).data?.credentialId).toBe(done.credentialId);

    const list = await api.GET("/credentials");
    const listed = list.data!.credentials.find((c) => c.id === done.credentialId);
    expect(listed).toMatchObject({
      providerId: "demo",
      cookieCount: 3,
      origins: expect.arrayContaining([stack.site.appOrigin, stack.site.ssoOrigin]),
      earliestExpiry: expect.stringMatching(/^\d{4}-/),
    });
    expect(JSON.stringify(list.data)).not.toContain("session-");

    const state = await api.GET("/credentials/{id}/storage-state", id(done.credentialId!));
    expect(state.response.status).toBe(200);
    const { storageState } = state.data!;
    const { cookies, origins } = storageState;
    expect(cookies.find((c: { name: string }) => c.name === "session")).toMatchObject({
      httpOnly: true,
      sameSite: "Lax",
    });
    expect(cookies.find((c: { name: string }) => c.name === "theme")).toMatchObject({ sameSite: "Strict" });
    expect(cookies.find((c: { name: string }) => c.name === "sso_session")).toMatchObject({
      domain: "127.0.0.1",
      httpOnly: true,
    });
    const app = origins.find((o) => o.origin === stack.site.appOrigin)!;
    expect(app.localStorage.map((i: { name: string }) => i.name)).toContain("demo.profile");
    expect(app.sessionStorage.map((i: { name: string }) => i.name)).toContain("demo.tab");
    expect(
      origins.find((o) => o.origin === stack.site.ssoOrigin)!.localStorage.map((i: { name: string }) => i.name),
    ).toContain("sso.device");

    const browser = (await launchChromium(chromium, { window: "headless" })).browser;
    try {
      const { context } = await restoreSession(browser, storageState);
      const restored = await context.newPage();
      await restored.goto(`${stack.site.appOrigin}/dashboard`);
      await expect(restored.locator("#welcome").textContent()).resolves.toBe("Welcome, alice");
      // The dashboard writes a fresh demo.tab itself: read the restored one on a page that does not.
      const other = await context.newPage();
      await other.goto(`${stack.site.appOrigin}/`);
      const tab = await other.evaluate(() => sessionStorage.getItem("demo.tab"));
      expect(tab).toBe(app.sessionStorage.find((i) => i.name === "demo.tab")!.value);
    } finally {
      await browser.close();
    }
  });

  it("detects a login finished in a popup", async () => {
    const { tag, sessionId } = await startTagged(stack, "demo-popup");
    const opener = await stack.user.findPage((u) => u.includes(tag));
    const popupOpened = opener.waitForEvent("popup");
    await opener.locator("#open-login").click();
    const popup = await popupOpened;
    await popup.waitForLoadState();
    await stack.user.logIn(popup);
    const done = await waitForStatus(stack, sessionId, "completed");
    const state = await stack.client().GET("/credentials/{id}/storage-state", id(done.credentialId!));
    expect(state.data!.storageState.cookies.map((c) => c.name)).toContain("session");
  });

  it("detects a single-page login by the storage key it writes, with no URL change", async () => {
    const { tag, sessionId } = await startTagged(stack, "demo-spa");
    await stack.user.logIn(await stack.user.findPage((u) => u.includes(tag)));
    const done = await waitForStatus(stack, sessionId, "completed");
    const state = await stack.client().GET("/credentials/{id}/storage-state", id(done.credentialId!));
    const app = state.data!.storageState.origins.find((o) => o.origin === stack.site.appOrigin)!;
    expect(app.localStorage.find((i) => i.name === "spa.token")!.value).toMatch(/^token-/);
  });

  it("captures IndexedDB when the provider asks, and only the provider's origins", async () => {
    const { tag, sessionId } = await startTagged(stack, "demo-idb");
    await stack.user.logIn(await stack.user.findPage((u) => u.includes(tag)));
    const done = await waitForStatus(stack, sessionId, "completed");
    const { storageState } = (await stack.client().GET("/credentials/{id}/storage-state", id(done.credentialId!)))
      .data!;
    expect(storageState.origins.map((o) => o.origin)).toEqual([stack.site.appOrigin]);
    expect(storageState.cookies.map((c) => c.domain)).not.toContain("127.0.0.1");
    expect(JSON.stringify(storageState.origins[0]!.indexedDB)).toContain("compact");
  });

  it("detects a login by a cookie that appears, and by a response", async () => {
    for (const providerId of ["demo-cookie", "demo-response"]) {
      const { tag, sessionId } = await startTagged(stack, providerId);
      await stack.user.logIn(await stack.user.findPage((u) => u.includes(tag)));
      await waitForStatus(stack, sessionId, "completed");
    }
  });

  it("does not take a logged-out flash of the dashboard for success when the provider settles", async () => {
    const { tag, sessionId } = await startTagged(stack, "demo-url-only");
    const page = await stack.user.findPage((u) => u.includes(tag));
    // Logged out, the dashboard shows for 300 ms and redirects to /login: shorter than the settle time.
    await page.goto(`${stack.site.appOrigin}/dashboard`);
    await page.waitForURL((u) => u.pathname === "/login");
    expect((await stack.client().GET("/browser-login/{id}", id(sessionId))).data?.status).toBe("awaiting_login");
    const loggingIn = Date.now();
    await stack.user.logIn(page);
    const done = await waitForStatus(stack, sessionId, "completed");
    expect(Date.parse(done.timeline.authenticated!) - loggingIn).toBeGreaterThanOrEqual(2_500);
  });

  it("keeps waiting after a wrong password, then expires", async () => {
    const { tag, sessionId } = await startTagged(stack, "demo-short");
    const page = await stack.user.findPage((u) => u.includes(tag));
    await stack.user.logIn(page, { username: "alice", password: "wrong" });
    const rejected = await waitFor(
      async () => {
        const { data } = await stack.client().GET("/browser-login/{id}", id(sessionId));
        return data?.lastLoginRejection ? data : undefined;
      },
      { what: "login rejection noted" },
    );
    expect(rejected.status).toBe("awaiting_login");
    const expired = await waitForStatus(stack, sessionId, "expired", { timeoutMs: 10_000 });
    expect(expired.error).toEqual({ code: "timeout", message: expect.stringContaining("not finished") });
    expect(expired.credentialId).toBeUndefined();
  });

  it("cancels a waiting session and closes its browser", async () => {
    const { tag, sessionId } = await startTagged(stack, "demo");
    const api = stack.client();
    const res = await api.POST("/browser-login/{id}/cancel", id(sessionId));
    expect(res.response.status).toBe(200);
    expect(res.data).toMatchObject({ status: "cancelled", error: { code: "cancelled" } });
    await waitFor(
      () =>
        stack.user
          .findPage((u) => u.includes(tag), 0)
          .then(
            () => false,
            () => true,
          ),
      { what: "tab closed after cancel" },
    );
    expect((await api.POST("/browser-login/{id}/cancel", id(sessionId))).response.status).toBe(200);
    const late = await api.POST("/browser-login/{id}/complete", id(sessionId));
    expect(late.response.status).toBe(409);
    expect(late.error?.error.code).toBe("session_ended");
  });

  it("refuses to complete before the user has logged in (409), then completes", async () => {
    const { tag, sessionId } = await startTagged(stack, "demo-on-complete");
    const api = stack.client();
    const early = await api.POST("/browser-login/{id}/complete", id(sessionId));
    expect(early.response.status).toBe(409);
    expect(early.error?.error.code).toBe("login_not_finished");

    await stack.user.logIn(await stack.user.findPage((u) => u.includes(tag)));
    const authenticated = await waitForStatus(stack, sessionId, "authenticated");
    expect(authenticated.credentialId).toBeUndefined();
    const complete = await api.POST("/browser-login/{id}/complete", id(sessionId));
    expect(complete.response.status).toBe(200);
    expect(complete.data).toMatchObject({ status: "completed", credentialId: expect.stringMatching(/^cred_/) });
  });

  it("keeps subjects apart: another user's session and credential do not exist for them", async () => {
    const { tag, sessionId } = await startTagged(stack, "demo", { subject: "alice-app-user", org: "org-a" });
    await stack.user.logIn(await stack.user.findPage((u) => u.includes(tag)));
    // The same user id without the org is another subject.
    expect((await stack.client("alice-app-user").GET("/browser-login/{id}", id(sessionId))).response.status).toBe(404);
    const alice = stack.client({ userId: "alice-app-user", orgId: "org-a" });
    const own = await waitFor(async () => {
      const { data } = await alice.GET("/browser-login/{id}", id(sessionId));
      return data?.status === "completed" ? data : undefined;
    });
    const credentialId = own.credentialId!;
    for (const other of [stack.client("mallory"), stack.client({ userId: "alice-app-user", orgId: "org-b" })]) {
      expect((await other.GET("/browser-login/{id}", id(sessionId))).response.status).toBe(404);
      expect((await other.POST("/browser-login/{id}/cancel", id(sessionId))).response.status).toBe(404);
      expect((await other.GET("/credentials/{id}/storage-state", id(credentialId))).response.status).toBe(404);
      expect((await other.DELETE("/credentials/{id}", id(credentialId))).response.status).toBe(404);
      expect((await other.GET("/credentials")).data!.credentials.map((c) => c.id)).not.toContain(credentialId);
    }
    expect((await alice.DELETE("/credentials/{id}", id(credentialId))).response.status).toBe(204);
    expect((await alice.GET("/credentials/{id}", id(credentialId))).response.status).toBe(404);
  });

  it("runs two sessions on the same site at once without sharing anything", async () => {
    const [a, b] = await Promise.all([
      startTagged(stack, "demo", { subject: "u-a" }),
      startTagged(stack, "demo", { subject: "u-b" }),
    ]);
    const pageA = await stack.user.findPage((u) => u.includes(a.tag));
    await stack.user.logIn(pageA);
    const doneA = await waitForStatus(stack, a.sessionId, "completed", { subject: "u-a" });
    expect((await stack.client("u-b").GET("/browser-login/{id}", id(b.sessionId))).data?.status).toBe("awaiting_login");
    const pageB = await stack.user.findPage((u) => u.includes(b.tag));
    expect(await pageB.context().cookies()).toEqual([]);
    await stack.user.logIn(pageB);
    const doneB = await waitForStatus(stack, b.sessionId, "completed", { subject: "u-b" });
    const stateA = (await stack.client("u-a").GET("/credentials/{id}/storage-state", id(doneA.credentialId!))).data!
      .storageState;
    const stateB = (await stack.client("u-b").GET("/credentials/{id}/storage-state", id(doneB.credentialId!))).data!
      .storageState;
    const sessionCookie = (s: { cookies: { name: string; value: string }[] }) =>
      s.cookies.find((c) => c.name === "session")!.value;
    expect(sessionCookie(stateA)).not.toBe(sessionCookie(stateB));
  });

  // Runs last: by now the site has handed out cookies, tokens and storage values in every test above.
  it("leaves no captured secret in Redis (keys, hashes, streams, jobs) or in the logs", async () => {
    const secrets = stack.site.issuedSecrets().filter((s) => !s.startsWith("grant-"));
    expect(secrets.length).toBeGreaterThan(20);
    const redisText = await dumpRedis(stack.redis.url);
    expect(redisText).toContain(":events");
    expect(redisText).toContain(":credential:");
    const logText = stack.log.text();
    expect(logText).toContain("session status");
    for (const secret of [...secrets, stack.apiKey, stack.config.ENCRYPTION_KEYS!.split(":")[1]!]) {
      expect(redisText.includes(secret), `secret ${secret.slice(0, 8)}… in Redis`).toBe(false);
      expect(logText.includes(secret), `secret ${secret.slice(0, 8)}… in logs`).toBe(false);
    }
  });

  it("answers a tampered credential with a clear error", async () => {
    const { tag, sessionId } = await startTagged(stack, "demo-spa");
    await stack.user.logIn(await stack.user.findPage((u) => u.includes(tag)));
    const { credentialId } = await waitForStatus(stack, sessionId, "completed");
    const { Redis } = await import("ioredis");
    const redis = new Redis(stack.redis.url);
    try {
      const key = `blc:credential:${credentialId}`;
      const record = JSON.parse((await redis.hget(key, "record"))!);
      await redis.hset(key, "record", JSON.stringify({ ...record, tag: Buffer.alloc(16).toString("base64") }));
    } finally {
      redis.disconnect();
    }
    const res = await stack.client().GET("/credentials/{id}/storage-state", id(credentialId!));
    expect(res.response.status).toBe(500);
    expect(res.error?.error).toEqual({
      code: "credential_unreadable",
      message: expect.stringContaining("integrity check"),
    });
  });
});
